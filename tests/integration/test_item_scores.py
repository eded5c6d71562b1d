"""mart_item_scores on the demo: every question's result per wave and group.

The figures are recomputed here from the state database's answers with plain pandas (the
organisation, a few teams and a department), the suppression is that of the construct
scores, no row of a group below k shows a figure, and the change is the difference of
consecutive waves' scores.
"""

import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from pipelines.domain.config.settings import DEFAULTS
from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts.contract import contracts
from tests.integration.conftest import load_definitions

K = DEFAULTS["min_group_size"]
Z = norm.ppf(0.975)
TABLE = "mart_item_scores"


@pytest.fixture(scope="module")
def items(demo_run) -> pd.DataFrame:
    return demo_run.frame(f"SELECT * FROM {TABLE}")


@pytest.fixture(scope="module")
def answers(demo_run) -> pd.DataFrame:
    """Every answer of the state with its response's wave and exported team, keyed as scored."""
    with duckdb.connect(str(demo_run.ws.state_file), read_only=True) as con:
        answers = con.execute("SELECT response_key, wave_id, item_id, value FROM answers "
                              "WHERE value IS NOT NULL").df()
        responses = con.execute("SELECT response_key, survey_id, trim(team_raw) AS team "
                                "FROM responses").df()
        items = con.execute("SELECT survey_id, item_id, reverse, scale_min, scale_max "
                            "FROM items WHERE construct IS NOT NULL").df()
        waves = con.execute("SELECT wave_id, team_join FROM waves").df()
    frame = answers.merge(responses, on="response_key").merge(items, on=["survey_id", "item_id"])
    frame = frame.merge(waves, on="wave_id")
    frame["keyed"] = np.where(frame["reverse"], frame["scale_min"] + frame["scale_max"] - frame["value"],
                              frame["value"])
    return frame


def _expected(part: pd.DataFrame) -> dict[str, float]:
    """The item's figures from its answers, independently of the marts code."""
    x, lo, hi = part["keyed"], part["scale_min"].iloc[0], part["scale_max"].iloc[0]
    n = len(x)
    out = {"n_respondents": n, "mean": x.mean(), "score_0_100": ((x - lo) / (hi - lo) * 100).mean()}
    shares = {"favorable": (x >= hi - 1).mean(), "unfavorable": (x <= lo + 1).mean()}
    shares["neutral"] = 1 - shares["favorable"] - shares["unfavorable"]
    for name, p in shares.items():
        half = Z * math.sqrt(p * (1 - p) / (n - 1))  # one answer per respondent
        out[f"pct_{name}"] = 100 * p
        out[f"{name}_ci_low"] = 100 * max(p - half, 0.0)
        out[f"{name}_ci_high"] = 100 * min(p + half, 1.0)
    return out


def _assert_group(items: pd.DataFrame, answers: pd.DataFrame, wave: str, level: str, gid: str):
    rows = items[(items["wave_id"] == wave) & (items["group_level"] == level)
                 & (items["group_id"] == gid)]
    assert len(rows) == answers["item_id"].nunique() > 0, (wave, level, gid)
    for row in rows.itertuples(index=False):
        assert not row.suppressed
        expected = _expected(answers[answers["item_id"] == row.item_id])
        for column, value in expected.items():
            assert getattr(row, column) == pytest.approx(value, rel=1e-9, abs=1e-9), (gid, row.item_id, column)


def test_organisation_figures_equal_a_direct_computation(items, answers):
    for wave, part in answers.groupby("wave_id"):
        _assert_group(items, part, wave, "org", "Organisation")


def test_team_and_department_figures_equal_a_direct_computation(demo_run, items, answers):
    by_column = answers[answers["team_join"] == "column"]  # the team is in the export
    checked = 0
    for wave, part in by_column.groupby("wave_id"):
        shown = items[(items["wave_id"] == wave) & (items["group_level"] == "team")
                      & ~items["suppressed"]]
        teams = sorted(shown["group_id"].unique())[:3]
        for team in teams:
            _assert_group(items, part[part["team"] == team], wave, "team", team)
            checked += 1
        department = shown[shown["group_id"] == teams[0]]["parent_group_id"].iloc[0]
        members = demo_run.query(
            "SELECT DISTINCT group_id FROM dim_groups WHERE wave_id = ? AND group_level = 'team' "
            "AND parent_group_id = ?", [wave, department])
        in_department = part[part["team"].isin({m[0] for m in members})]
        _assert_group(items, in_department, wave, "department", department)
    assert checked >= 6


def test_every_group_suppressed_for_its_construct_is_suppressed_here_for_the_same_reason(demo_run):
    rows = demo_run.frame(f"""
        SELECT s.wave_id, s.group_level, s.group_id, s.construct, s.suppression_reason AS reason,
               count(i.item_id) AS items,
               count(*) FILTER (WHERE i.suppressed AND i.suppression_reason = s.suppression_reason) AS same
        FROM mart_team_construct_scores s
        LEFT JOIN {TABLE} i USING (wave_id, group_level, group_id, construct)
        WHERE s.suppressed
        GROUP BY ALL""")
    assert len(rows) > 0 and set(rows["reason"]) >= {"fewer_than_k_respondents", "complementary_suppression"}
    assert (rows["items"] > 0).all()
    assert (rows["same"] == rows["items"]).all(), rows[rows["same"] != rows["items"]]
    # the same groups, no more and no fewer
    groups = "SELECT DISTINCT wave_id, group_level, group_id FROM {}"
    assert set(demo_run.query(groups.format(TABLE))) == set(
        demo_run.query(groups.format("mart_team_construct_scores")))


def test_no_row_below_k_shows_a_figure(items):
    protected = contracts(SQL_DIR)[TABLE].protected
    assert {"n_respondents", "mean", "score_0_100", "pct_favorable", "score_change"} <= set(protected)
    hidden = items[items["suppressed"]]
    assert len(hidden) > 0 and hidden[protected].isna().all().all()
    assert hidden["suppression_reason"].notna().all()
    shown = items[~items["suppressed"]]
    assert (shown["n_respondents"] >= K).all()
    assert shown["suppression_reason"].isna().all()
    assert shown[["mean", "score_0_100", "pct_favorable"]].notna().all().all()
    total = shown["pct_favorable"] + shown["pct_neutral"] + shown["pct_unfavorable"]
    assert ((total - 100).abs() < 1e-9).all()
    for name in ("favorable", "neutral", "unfavorable"):
        assert (shown[f"{name}_ci_low"] <= shown[f"pct_{name}"] + 1e-9).all()
        assert (shown[f"pct_{name}"] <= shown[f"{name}_ci_high"] + 1e-9).all()


def test_the_change_is_the_difference_of_consecutive_waves_scores(demo_run, items):
    seq = dict(demo_run.query("SELECT wave_id, wave_seq FROM dim_waves"))
    frame = items.assign(wave_seq=items["wave_id"].map(seq))
    keys = ["group_level", "group_id", "construct", "item_id"]
    earlier = frame[[*keys, "wave_seq", "wave_id", "score_0_100", "suppressed"]].assign(
        wave_seq=frame["wave_seq"] + 1)
    paired = frame.merge(earlier, on=[*keys, "wave_seq"], how="left", suffixes=("", "_before"))
    has_before = paired["wave_id_before"].notna()
    assert (paired["from_wave"].fillna("") == paired["wave_id_before"].fillna("")).all()
    both = paired[has_before & ~paired["suppressed"] & (paired["suppressed_before"] == False)]  # noqa: E712
    assert len(both) > 100
    np.testing.assert_allclose(both["score_change"], both["score_0_100"] - both["score_0_100_before"],
                               rtol=0, atol=1e-9)
    # no change where the earlier wave's row is withheld or missing (it would reveal the score)
    assert paired.loc[~has_before, "score_change"].isna().all()
    assert paired.loc[paired["suppressed_before"] == True, "score_change"].isna().all()  # noqa: E712


def test_the_item_texts_come_from_the_codebook(demo_run, items):
    texts = dict(demo_run.query("SELECT DISTINCT item_id, item_text FROM dim_items"))
    assert items["item_text"].notna().all()
    assert (items["item_text"] == items["item_id"].map(texts)).all()
    reversed_ids = {r[0] for r in demo_run.query("SELECT item_id FROM dim_items WHERE is_reverse_keyed")}
    assert set(items.loc[items["is_reverse_keyed"], "item_id"]) == reversed_ids


def test_the_build_checks_it_and_dagster_has_its_asset_and_checks(demo_run):
    definitions = load_definitions()
    keys = {key.to_user_string() for key in definitions.resolve_all_asset_keys()}
    assert TABLE in keys
    evaluations = [e for e in demo_run.result.get_asset_check_evaluations()
                   if e.asset_key.to_user_string() == TABLE]
    assert {e.check_name for e in evaluations} == {"contract_holds", "suppression_holds"}
    assert all(e.passed for e in evaluations)


def test_a_question_withheld_below_k_cannot_be_worked_out_from_its_parent_and_siblings(demo_run):
    """Where the only withheld rows of a partition (a parent's teams, or its cuts of one kind)
    are questions withheld in shown groups, the parent's n minus the shown siblings' n is
    what a reader can work out: it must not be 1 to k - 1 answers."""
    leaks = demo_run.query(f"""
        WITH item_rows AS (
            SELECT i.*, g.parent_group_id AS parent
            FROM {TABLE} i JOIN dim_groups g USING (wave_id, group_level, group_id)),
        groups_shown AS (
            SELECT DISTINCT wave_id, group_level, group_id
            FROM mart_team_construct_scores WHERE NOT suppressed),
        partitions AS (
            SELECT r.wave_id, r.group_level, r.parent, r.item_id,
                   sum(r.n_respondents) FILTER (WHERE NOT r.suppressed) AS shown_n,
                   count(*) FILTER (WHERE r.suppressed) AS hidden,
                   count(*) FILTER (WHERE r.suppressed AND gs.group_id IS NULL) AS hidden_groups
            FROM item_rows r LEFT JOIN groups_shown gs USING (wave_id, group_level, group_id)
            GROUP BY ALL)
        SELECT p.wave_id, p.group_level, p.parent, p.item_id, parent.n_respondents - p.shown_n
        FROM partitions p
        JOIN item_rows parent ON parent.wave_id = p.wave_id AND parent.group_id = p.parent
             AND parent.item_id = p.item_id AND parent.group_level IN ('org', 'department')
             AND NOT parent.suppressed
        WHERE p.hidden > 0 AND p.hidden_groups = 0
          AND parent.n_respondents - p.shown_n BETWEEN 1 AND {K - 1}""")
    assert leaks == []
