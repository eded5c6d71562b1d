"""Session fixtures of the unit tests: one render of the synthetic marts file (both
waves, HTML and PDF), shared by every tests/unit/test_report_rendered_*.py file."""

from __future__ import annotations

import pytest

from pipelines.domain.report import render_all
from tests.fixtures.marts_fixture import build_marts
from tests.unit.rendered_reports import read_mart_rows


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    marts = build_marts(root / "marts.duckdb")
    result = render_all(marts, root / "out", scopes={"org": "all", "department": "all", "team": "all"})
    return marts, root / "out", result


@pytest.fixture(scope="session")
def mart_rows(rendered):
    return read_mart_rows(rendered[0])
