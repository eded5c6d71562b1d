"""A group whose participation is below min_participation shows no figure, and says why."""

import duckdb
import pytest

from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.ingest.pseudonym import load_key
from pipelines.domain.marts.build import build_marts
from pipelines.domain.marts.checks import run_checks
from pipelines.domain.state.refresh import refresh_state
from tests.integration.conftest import new_workspace

THRESHOLD = 0.5


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("participation"))
    with ws.settings_file.open("a", encoding="utf-8") as settings:
        settings.write(f"\nmin_participation: {THRESHOLD}\n")
    refresh_state(ws, load_key(ws.key_file), log=lambda message: None)
    target = ws.marts_dir / "build.duckdb"
    build_marts(ws.state_file, target, SQL_DIR, ws.settings())
    con = duckdb.connect(str(target), read_only=True)
    yield ws, con
    con.close()


def test_low_participation_groups_are_withheld_with_their_reason(marts):
    ws, con = marts
    rows = con.execute("""
        SELECT p.wave_id, p.group_level, p.group_id, s.suppressed, s.suppression_reason,
               s.score_0_100, s.n_respondents
        FROM mart_participation p
        JOIN mart_team_construct_scores s USING (wave_id, group_level, group_id)
        WHERE p.suppression_reason = 'participation_below_minimum'""").fetchall()
    assert rows, "the demo has teams below 50 % participation (e.g. Security, 40 %)"
    for *_, suppressed, reason, score, n in rows:
        assert suppressed and reason == "participation_below_minimum"
        assert score is None and n is None
    assert all(not o.problems for o in run_checks(con, SQL_DIR, ws.settings()))


def test_groups_above_the_minimum_still_show(marts):
    _, con = marts
    shown = con.execute("""
        SELECT count(*) FROM mart_team_construct_scores
        WHERE group_level = 'team' AND NOT suppressed""").fetchone()[0]
    assert shown > 0
