"""The worked examples in the statistics docstrings are run as tests."""

import doctest
import importlib

import pytest

MODULES = ["scoring", "intervals", "reliability", "agreement", "change", "drivers"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"pipelines.domain.stats.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
