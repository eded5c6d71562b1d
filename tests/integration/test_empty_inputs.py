"""Workspaces with little or nothing to score still build, check and publish, without a stack trace.

A first codebook whose wave dates do not fit the export yet (no response accepted),
surveys with no export, waves whose export holds only its header rows, and waves
with one team: each runs through the real Dagster assets and checks.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.domain.config.workspace import REPO_ROOT, Workspace
from pipelines.domain.demo import generate_demo
from pipelines.domain.ingest.pseudonym import create_key_file
from tests.integration.conftest import materialize_all

TANDEM = str(Path(sys.executable).with_name("tandem"))
ENGAGEMENT = "data/raw/surveys/engagement"
PULSE = "data/raw/surveys/pulse/2026-11/pulse_responses.csv"
HEADER_ROWS = {"engagement": 3, "pulse": 1}  # Qualtrics writes three header rows


def small_workspace(home: Path) -> Workspace:
    ws = Workspace(home)
    ws.ensure_layout()
    create_key_file(ws.key_file)
    generate_demo(home, seed=2026, scale=0.2)
    with ws.settings_file.open("a", encoding="utf-8") as settings:
        settings.write("\nteam_reports: false\nreport_formats: [html]\n")
    return ws


def _read(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    n = HEADER_ROWS["engagement" if "engagement" in path.name else "pulse"]
    return rows[:n], rows[n:]


def _write(path: Path, header: list[list[str]], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([*header, *rows])


def header_only(path: Path) -> None:
    header, _ = _read(path)
    _write(path, header, [])


def one_team(ws: Workspace, path: Path) -> str:
    """Keep the rows of the export's largest team; returns the team."""
    header, rows = _read(path)
    if "team" in header[0]:
        column = header[0].index("team")
        team_of = [row[column] for row in rows]
    else:  # the pulse export joins teams through the roster's e-mail addresses
        with (ws.roster_dir / f"{path.parent.name}.csv").open(encoding="utf-8", newline="") as f:
            roster = {r["email"]: r["team"] for r in csv.DictReader(f)}
        column = header[0].index("Email Address")
        team_of = [roster.get(row[column], "") for row in rows]
    team = max(sorted(set(team_of) - {""}), key=team_of.count)
    _write(path, header, [row for row, t in zip(rows, team_of, strict=True) if t == team])
    return team


def empty_survey(ws: Workspace) -> None:
    """A second survey with a valid codebook and an empty wave folder, but no export."""
    target = ws.surveys_dir / "onboarding"
    (target / "2026-11").mkdir(parents=True)
    text = (ws.home / ENGAGEMENT / "codebook.yaml").read_text(encoding="utf-8")
    (target / "codebook.yaml").write_text(
        text.replace("survey_id: engagement", "survey_id: onboarding"), encoding="utf-8"
    )


def exports(ws: Workspace) -> list[Path]:
    return sorted(ws.surveys_dir.glob("*/*/*.csv"))


def scores_by_wave(ws: Workspace) -> dict[str, int]:
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        return dict(con.execute(
            "SELECT wave_id, count(*) FROM mart_team_construct_scores GROUP BY ALL").fetchall())


# --------------------------------------------------------------------------- nothing accepted


def test_a_codebook_that_fits_no_response_ends_with_the_validation_messages(tmp_path):
    ws = small_workspace(tmp_path / "ws")
    for codebook in ws.surveys_dir.glob("*/codebook.yaml"):  # every wave ten years too late
        text = codebook.read_text(encoding="utf-8")
        for year in ("2025", "2026"):
            text = text.replace(f"period_start: {year}", f"period_start: {int(year) + 10}")
            text = text.replace(f"close_date: {year}", f"close_date: {int(year) + 10}")
        codebook.write_text(text, encoding="utf-8")
    done = subprocess.run([TANDEM, "--home", str(ws.home), "run"], capture_output=True, text=True,
                          timeout=600, cwd=REPO_ROOT)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    for trace in ("Traceback", "Stack Trace", "KeyError"):
        assert trace not in output, output[-3000:]
    assert "no response was accepted" in done.stderr
    assert re.search(r'engagement_2025-11.csv record \d+, column EndDate: "2025-11-\d\d [0-9:]+" '
                     r"is not within the wave 2025-11 \(2035-11-03 to 2035-11-21\)", done.stderr)
    assert "pulse_responses.csv record 1, column Timestamp:" in done.stderr
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        read, accepted, quarantined = con.execute(
            "SELECT sum(rows_read), sum(rows_accepted), sum(rows_quarantined) FROM mart_data_quality"
        ).fetchone()
        assert con.execute("SELECT count(*) FROM mart_team_construct_scores").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM mart_team_balance").fetchone()[0] == 0
    assert accepted == 0 and quarantined > 0 and read > quarantined
    assert (ws.reports_dir / "index.html").exists()


# --------------------------------------------------------------------------- empty and single-team


def _mixed(ws: Workspace) -> dict[str, bool]:
    empty_survey(ws)
    one_team(ws, ws.home / ENGAGEMENT / "2026-05/engagement_2026-05.csv")
    header_only(ws.home / PULSE)
    return {"2025-11": True, "2026-05": True, "2026-11": False}


def _single_teams(ws: Workspace) -> dict[str, bool]:
    for path in exports(ws):
        one_team(ws, path)
    return {"2025-11": True, "2026-05": True, "2026-11": True}


def _all_empty(ws: Workspace) -> dict[str, bool]:
    empty_survey(ws)
    for path in exports(ws):
        header_only(path)
    return {"2025-11": False, "2026-05": False, "2026-11": False}


def _no_exports(ws: Workspace) -> dict[str, bool]:
    """Codebooks and rosters, but no export yet (a new workspace)."""
    for path in exports(ws):
        path.unlink()
    return {"2025-11": False, "2026-05": False, "2026-11": False}


@pytest.mark.parametrize("shape", [_mixed, _single_teams, _all_empty, _no_exports],
                         ids=["mixed", "single_team_waves", "header_only_exports", "no_exports"])
def test_empty_surveys_empty_waves_and_single_team_waves_build(tmp_path, shape):
    ws = small_workspace(tmp_path / "ws")
    scored = shape(ws)
    result = materialize_all(ws.home)
    failed = [e.asset_check_evaluation_data for e in result.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION"
              and not e.asset_check_evaluation_data.passed
              and e.asset_check_evaluation_data.severity.value == "ERROR"]
    assert result.success, [e.event_specific_data for e in result.all_events
                            if e.event_type_value == "STEP_FAILURE"]
    assert not failed, failed
    by_wave = scores_by_wave(ws)
    assert {w for w, yes in scored.items() if yes} == set(by_wave), by_wave
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        assert con.execute("""SELECT count(*) FROM mart_data_quality WHERE rows_read <>
            rows_accepted + rows_excluded + rows_quarantined + rows_rejected""").fetchone()[0] == 0
        # a single-team wave shows its team, and the department and organisation it equals
        # are hidden or shown under the same k rule; nothing shown rests on fewer than k
        assert con.execute("""SELECT count(*) FROM mart_team_construct_scores
            WHERE NOT suppressed AND n_respondents < 5""").fetchone()[0] == 0
    assert not list(ws.marts_dir.glob(".build-*"))
    shutil.rmtree(ws.home)
