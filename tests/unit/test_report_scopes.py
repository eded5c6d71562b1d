"""Which reports are rendered is a setting; others render on demand; the organisation report
names a bounded number of teams and links to the department reports (issue 18)."""

from __future__ import annotations

import re

import pytest

from pipelines.cli import main
from pipelines.domain.config.settings import Settings, SettingsError
from pipelines.domain.report import parse_scope, render_all
from pipelines.domain.report.load import Marts, scope_data
from tests.fixtures.marts_fixture import ORG, WAVES, build_marts

EARLY, LATEST = WAVES


@pytest.fixture(scope="module")
def marts_file(tmp_path_factory):
    return build_marts(tmp_path_factory.mktemp("scopes") / "marts.duckdb")


def names(paths, wave):
    return {p.name for p in paths if p.parent.name == wave}


@pytest.mark.slow  # about 12 s
def test_default_scopes_and_reports_on_demand(marts_file, tmp_path):
    out = tmp_path / "out"
    first = render_all(marts_file, out, formats=("html",), workers=2)
    assert "org.html" in names(first.paths, EARLY) and "org.html" in names(first.paths, LATEST)
    assert "department-engineering.html" in names(first.paths, EARLY)
    assert "team-platform.html" in names(first.paths, LATEST)
    assert not any(n.startswith("team-") for n in names(first.paths, EARLY))

    # on demand: an earlier wave's team; only its department (which now links to it) and
    # the index are rewritten besides
    again = render_all(marts_file, out, formats=("html",), only=[(EARLY, "team", "Platform")])
    written = {p.relative_to(out).as_posix() for p in again.written}
    assert written == {
        f"{EARLY}/team-platform.html",
        f"{EARLY}/department-engineering.html",
        "index.html",
    }
    # a later default run keeps the on-demand report current instead of deleting it
    third = render_all(marts_file, out, formats=("html",))
    assert third.written == [] and third.removed == []
    assert f"{EARLY}/team-platform.html" in (out / "index.html").read_text(encoding="utf-8")

    none = render_all(
        marts_file,
        tmp_path / "few",
        formats=("html",),
        scopes={"department": "latest", "team": "none"},
    )
    assert names(none.paths, EARLY) == {"org.html"}
    assert not any(n.startswith("team-") for n in names(none.paths, LATEST))


def test_index_names_the_organisation_once_per_wave(marts_file, tmp_path):
    render_all(
        marts_file, tmp_path, formats=("html",), scopes={"department": "none", "team": "none"}
    )
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for section in re.findall(r"<section.*?</section>", index, re.S):
        assert len(re.findall(r"Organisation", section)) == 1, section
        assert f"Organisation: {ORG}" in section


def test_organisation_report_links_departments_and_bounds_named_teams(
    marts_file, tmp_path, monkeypatch
):
    render_all(marts_file, tmp_path, formats=("html",), scopes={"team": "none"})
    org = (tmp_path / LATEST / "org.html").read_text(encoding="utf-8")
    assert '<a href="department-engineering.html">Engineering</a>' in org
    assert '<a href="department-sales-success.html">Sales &amp; Success</a>' in org
    marts = Marts.open(marts_file)
    monkeypatch.setattr("pipelines.domain.report.load.MAX_ATTENTION", 1)
    data = scope_data(marts, LATEST, "org", ORG)
    assert len(data.teams["attention"]) == 1
    named = [g for level, g in data.family if level == "team"]
    assert named == [data.teams["attention"][0]["group_id"]]
    assert data.teams["n_teams"] == len(marts.groups(LATEST, "team"))


def test_scope_words_and_bad_settings():
    assert parse_scope("org") == ("org", "")
    assert parse_scope("team: Sales East") == ("team", "Sales East")
    with pytest.raises(ValueError, match="department:NAME"):
        parse_scope("squad:x")
    assert Settings().report_scopes == {"org": "all", "department": "all", "team": "latest"}
    with pytest.raises(SettingsError, match="report_scopes"):
        Settings(report_scopes={"team": "sometimes"})


def test_cli_report_renders_a_scope_on_demand(marts_file, tmp_path, capsys):
    home = tmp_path / "ws"
    (home / "data" / "marts").mkdir(parents=True)
    (home / "data" / "marts" / "tandem.duckdb").write_bytes(marts_file.read_bytes())
    (home / "tandem.yaml").write_text(
        "report_formats: [html]\nreport_scopes: {org: latest, department: none, team: none}\n"
    )
    assert main(["--home", str(home), "report", "--scope", "team:Mobile", "--wave", EARLY]) == 0
    assert (home / "reports" / EARLY / "team-mobile.html").is_file()
    assert (home / "reports" / LATEST / "org.html").is_file()
    assert not (home / "reports" / EARLY / "org.html").exists()
    assert main(["--home", str(home), "report", "--scope", "team:Nobody"]) == 2
    assert "no team report 'Nobody'" in capsys.readouterr().err


def test_a_process_that_drew_charts_renders_in_a_fresh_pool(marts_file, tmp_path):
    from pipelines.domain.report import charts

    charts.to_svg(charts.enps_chart([{"wave": "a", "enps": 1, "lo": -5, "hi": 7}], ["a"]))
    assert charts.engine_started()  # forking now could hang a child on vl-convert's threads
    result = render_all(marts_file, tmp_path, formats=("html",), scopes={"team": "none"}, workers=2)
    assert len([p for p in result.written if p.name != "index.html"]) == 8


def test_reports_order_waves_as_dim_waves_says(marts_file, tmp_path):
    import duckdb

    copy = tmp_path / "marts.duckdb"
    copy.write_bytes(marts_file.read_bytes())
    assert Marts.open(copy).waves == [EARLY, LATEST]  # natural order without dim_waves
    con = duckdb.connect(str(copy))
    con.execute(
        "create table dim_waves as select * from (values (?, 2), (?, 1)) t(wave_id, wave_seq)",
        [EARLY, LATEST],
    )
    con.close()
    marts = Marts.open(copy)
    assert marts.waves == [LATEST, EARLY]
    assert scope_data(marts, EARLY, "org", ORG).waves == [LATEST, EARLY]
    assert scope_data(marts, LATEST, "org", ORG).waves == [LATEST]


def test_a_large_organisation_lists_departments_compactly(marts_file, monkeypatch):
    from pipelines.domain.report.build import build_document
    from pipelines.domain.report.html import render_html

    monkeypatch.setattr("pipelines.domain.report.context.MAX_DEPARTMENT_ROWS", 1)
    marts = Marts.open(marts_file)
    doc = build_document(scope_data(marts, LATEST, "org", ORG), k=5, comment_k=10, threshold=60.0)
    screen = [s for s in doc.sections if s.anchor == "departments" and "html" in s.formats]
    printed = [s for s in doc.sections if s.anchor == "departments" and "pdf" in s.formats]
    assert len(screen) == 1 and len(printed) == 1
    (table,) = [b for b in screen[0].blocks if hasattr(b, "rows")]
    assert [r[0].text for r in table.rows] == ["Engineering", "Ops", "Sales & Success"]
    assert table.rows[1][1].suppressed  # Ops: fewer than k, and nothing else
    balance = [s for s in doc.sections if s.anchor == "balance"][0]
    (rows,) = [b.rows for b in balance.blocks if hasattr(b, "rows")]
    assert not any(r[0].text in ("Engineering", "Sales & Success") for r in rows)
    html = render_html(doc)
    assert html.count('id="departments"') == 1 and "In print: the" not in html


def test_no_formats_renders_only_the_index(marts_file, tmp_path):
    result = render_all(marts_file, tmp_path, formats=(), scopes={"team": "none"})
    assert [p.name for p in result.paths] == ["index.html"]
