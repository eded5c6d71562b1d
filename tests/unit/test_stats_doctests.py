"""The worked examples in the statistics docstrings are run as tests."""

import doctest
import importlib
import pkgutil

import pytest

import pipelines.domain.stats as stats_package

MODULES = sorted(m.name for m in pkgutil.iter_modules(stats_package.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"pipelines.domain.stats.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
