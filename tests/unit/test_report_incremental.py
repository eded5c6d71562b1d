"""Re-rendering only what changed, removing what became confidential, and degrading
gracefully when tables are missing."""

from __future__ import annotations

import io
import re

import duckdb
import pypdf
import pytest

from pipelines.domain.report import render_all
from tests.fixtures.marts_fixture import WAVES, build_marts

pytestmark = pytest.mark.slow  # about 20 s: the full suite runs it, the fast tier does not

LATEST = WAVES[1]


def _mtimes(out):
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
    }


def test_only_reports_whose_rows_changed_are_rewritten(tmp_path):
    marts = build_marts(tmp_path / "marts.duckdb")
    out = tmp_path / "out"
    paths = render_all(marts, out, formats=("html",), scopes={"team": "all"}).paths
    assert all(p.suffix == ".html" for p in paths) and not list(out.rglob("*.pdf"))
    before = _mtimes(out)

    con = duckdb.connect(str(marts))
    con.execute(
        "update mart_team_construct_scores set score_0_100 = 50.2 where wave_id = ? "
        "and group_id = 'Sales & Success' and construct = 'clarity'",
        [LATEST],
    )
    # Sales East falls under the threshold after a late correction: its report must go
    con.execute(
        "update mart_team_construct_scores set suppressed = true, n_respondents = null, "
        "score_0_100 = null, score_ci_low = null, score_ci_high = null "
        "where wave_id = ? and group_id = 'Sales East'",
        [LATEST],
    )
    con.close()

    result = render_all(marts, out, formats=("html",))  # teams once rendered stay current
    written = {p.relative_to(out).as_posix() for p in result.written}
    removed = {p.relative_to(out).as_posix() for p in result.removed}
    assert f"{LATEST}/department-sales-success.html" in written
    assert f"{LATEST}/org.html" in written
    assert f"{LATEST}/team-sales-west.html" in written  # its department row changed
    assert removed == {f"{LATEST}/team-sales-east.html", f"{LATEST}/.inputs-team-sales-east.sha256"}
    after = _mtimes(out)
    for unchanged in (
        f"{LATEST}/department-engineering.html",
        f"{LATEST}/team-platform.html",
        f"{WAVES[0]}/org.html",
        f"{WAVES[0]}/team-sales-east.html",
    ):
        assert before[unchanged] == after[unchanged], unchanged
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"{LATEST}/team-sales-east.html" not in index
    department = (out / LATEST / "department-sales-success.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td[^>]*>Sales East</td>(.*?)</tr>", department).group(1)
    assert "fewer than 5 responses" in row and not re.search(
        r">[^<]*\d[^<]*<", row.replace("fewer than 5 responses", "")
    )


def test_a_wave_no_longer_in_the_marts_loses_its_reports(tmp_path):
    """A withdrawn wave's reports are removed; anything else in its folder is left."""
    marts = build_marts(tmp_path / "marts.duckdb")
    out = tmp_path / "out"
    render_all(marts, out, formats=("html",))
    withdrawn = out / "2019-01"
    withdrawn.mkdir()
    (withdrawn / "org.html").write_text("an old report")
    (withdrawn / ".inputs-org.sha256").write_text("0" * 64)
    kept = out / "notes"
    kept.mkdir()
    (kept / "readme.txt").write_text("not a report")
    result = render_all(marts, out, formats=("html",))
    assert not withdrawn.exists()
    assert withdrawn / "org.html" in result.removed
    assert (kept / "readme.txt").exists()
    assert {p.name for p in out.iterdir()} >= {"index.html", "notes"}


def test_missing_tables_degrade_and_marts_stay_untouched(tmp_path):
    marts = build_marts(tmp_path / "marts.duckdb", with_comments=False)
    con = duckdb.connect(str(marts))
    for table in (
        "mart_drivers",
        "mart_alerts",
        "mart_data_quality",
        "mart_construct_icc",
        "mart_comment_themes",
    ):
        con.execute(f"drop table {table}")
    con.execute("delete from mart_enps")
    con.close()
    stamp = marts.stat().st_mtime_ns
    reader = duckdb.connect(str(marts), read_only=True)  # an analyst's open session
    try:
        render_all(marts, tmp_path / "out", team_reports=False, formats=("html",))
        result = render_all(marts, tmp_path / "out", team_reports=False)
        paths = result.paths
    finally:
        reader.close()
    # adding a format renders only the missing files
    assert {p.suffix for p in result.written if p.name != "index.html"} == {".pdf"}
    assert marts.stat().st_mtime_ns == stamp
    assert not any("team-" in p.name for p in paths)
    html = (tmp_path / "out" / LATEST / "org.html").read_text(encoding="utf-8")
    assert "none are available for this group" in html
    assert "No driver analysis" in html and "No file records" in html
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "out" / LATEST / "org.pdf").read_bytes()))
    assert "How to read this report" in "".join(p.extract_text() for p in reader.pages)


def test_larger_k_suppresses_more_and_never_shows_small_groups(tmp_path):
    marts = build_marts(tmp_path / "marts.duckdb")
    out = tmp_path / "out"
    paths = render_all(marts, out, min_group_size=10, formats=("html",)).paths
    names = {p.name for p in paths if p.parent.name == LATEST}
    assert "team-platform.html" in names and "team-sales-east.html" in names
    assert "team-mobile.html" not in names and "team-sales-west.html" not in names  # n 9 and 7
    org = (out / LATEST / "org.html").read_text(encoding="utf-8")
    department = (out / LATEST / "department-engineering.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td[^>]*>Mobile</td>(.*?)</tr>", department)
    assert len(rows) >= 2 and max(r.count("fewer than 10 responses") for r in rows) >= 3
    for row in rows:
        assert not re.search(r">[^<]*\d[^<]*<", row.replace("fewer than 10 responses", ""))
    assert "fewer than 5" not in org and "fewer than 5" not in department


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_group_size": 2},
        {"formats": ("docx",)},
        {"min_group_size": 8, "comment_min_group_size": 5},
    ],
)
def test_bad_parameters_are_refused(tmp_path, kwargs):
    with pytest.raises(ValueError):
        render_all(tmp_path / "none.duckdb", tmp_path / "out", **kwargs)
