"""The Questions section: each shown area's items with score and % favourable, from
mart_item_scores added to the synthetic marts file; nothing for a suppressed group, area or
item, whatever figures an upstream bug left in a suppressed row."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.domain.report.build import build_document
from pipelines.domain.report.formatting import fmt_int, fmt_pct
from pipelines.domain.report.load import Marts, scope_data
from pipelines.domain.report.model import Table
from tests.fixtures.marts_fixture import SENTINEL_N, SENTINEL_SCORE, WAVES, build_marts

WAVE = WAVES[1]
K_TEXT = "fewer than 5 responses"


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    path = build_marts(tmp_path_factory.mktemp("items") / "marts.duckdb")
    with duckdb.connect(str(path)) as con:
        # two items per construct row: X1 as the construct, X2R reverse keyed; a suppressed
        # construct row keeps sentinel figures in its items (the loader must wipe them)
        con.execute(f"""
            CREATE TABLE mart_item_scores AS
            SELECT s.wave_id, s.group_level, s.group_id, s.construct,
                   upper(s.construct[1]) || i.k AS item_id,
                   'Question ' || upper(s.construct[1]) || i.k || ' about ' || s.construct AS item_text,
                   i.k = '2R' AS is_reverse_keyed,
                   CASE WHEN s.suppressed THEN {SENTINEL_N} ELSE s.n_respondents END AS n_respondents,
                   CASE WHEN s.suppressed THEN {SENTINEL_SCORE}
                        ELSE s.score_0_100 + i.shift END AS score_0_100,
                   CASE WHEN s.suppressed THEN {SENTINEL_SCORE}
                        ELSE s.pct_favorable - i.shift END AS pct_favorable,
                   s.suppressed, s.suppression_reason
            FROM mart_team_construct_scores s
            CROSS JOIN (VALUES ('1', 1.25), ('2R', -2.5)) AS i(k, shift)""")
        # Platform: too few answered T2R
        con.execute("""UPDATE mart_item_scores SET suppressed = true, n_respondents = NULL,
                       score_0_100 = NULL, pct_favorable = NULL,
                       suppression_reason = 'fewer_than_k_respondents'
                       WHERE group_id = 'Platform' AND item_id = 'T2R'""")
    return Marts.open(path), path


def _items_table(marts: Marts, level: str, gid: str) -> Table | None:
    doc = build_document(scope_data(marts, WAVE, level, gid), k=5, comment_k=10, threshold=60.0)
    sections = [s for s in doc.sections if s.anchor == "items"]
    if not sections:
        return None
    return next(b for b in sections[0].blocks if isinstance(b, Table))


def _expected(path, level: str, gid: str) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("""SELECT item_id, score_0_100, pct_favorable, suppressed
                              FROM mart_item_scores WHERE wave_id = ? AND group_level = ?
                              AND group_id = ?""", [WAVE, level, gid]).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("level, gid", [("org", "Acme"), ("department", "Engineering"),
                                        ("team", "Platform"), ("team", "Sales West")])
def test_each_shown_item_shows_its_score_and_favourable_share(marts, level, gid):
    loaded, path = marts
    table = _items_table(loaded, level, gid)
    assert table is not None and table.columns == ["Question", "Score", "Favourable"]
    expected = _expected(path, level, gid)
    figures = {}
    for row in table.rows:
        if len(row) == 3:
            item = row[1].attrs["item"]
            figures[item] = (row[1].text, row[2].text)
            assert row[0].text.startswith(f"Question {item} about ")
            assert row[0].text.endswith("(reversed)") == item.endswith("R")
        elif len(row) == 2:
            assert row[1].suppressed and row[1].text == K_TEXT
            figures[row[1].attrs["item"]] = None
    shown = {i: (fmt_int(s), fmt_pct(f)) for i, (s, f, hidden) in expected.items() if not hidden}
    assert {i: v for i, v in figures.items() if v is not None} == shown
    assert {i for i, v in figures.items() if v is None} == {i for i, e in expected.items() if e[2]}


def test_areas_come_in_the_scores_order_each_with_its_items(marts):
    table = _items_table(marts[0], "team", "Platform")
    areas = [row[0].text for row in table.rows if len(row) == 1]
    assert areas == ["Trust", "Empowerment", "Clarity of expectations", "Accountability", "Wellbeing"]
    assert sum(len(row) == 2 for row in table.rows) == 1  # T2R: fewer than k answered


@pytest.mark.parametrize("level, gid", [("team", "Team-Shadow"), ("team", "Team-Tiny"),
                                        ("department", "Ops")])
def test_a_suppressed_group_has_no_questions_and_no_sentinel(marts, level, gid):
    loaded, _ = marts
    assert _items_table(loaded, level, gid) is None
    rows = [r for r in loaded.rows("mart_item_scores") if r["group_id"] == gid]
    assert rows and all(r["score_0_100"] is None and r["n_respondents"] is None for r in rows)
