"""mart_item_scores on the demo: every question's result per wave and group.

The figures are recomputed here from the state database's answers with plain pandas (the
organisation, a few teams and a department), the suppression is that of the construct
scores, no row of a group below k shows a figure, and the change is the difference of
consecutive waves' scores. No question withheld below k can be worked out by subtracting the
shown rows of its family (a parent and its children of one kind) from their parent.
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
from pipelines.domain.marts.models import run_models
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


ROW_KEYS = ["wave_id", "group_level", "group_id", "item_id"]
FAMILY = ["wave_id", "item_id", "group_level", "parent_level", "parent_id"]


@pytest.fixture(scope="module")
def item_counts(demo_run, items) -> pd.DataFrame:
    """Every row of the mart with its true answer count `n` (withheld rows too), read from the
    state through the pipeline's own SQL inputs, and whether its group is withheld."""
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{demo_run.ws.state_file}' AS state (READ_ONLY)")
        run_models(con, SQL_DIR, "inputs")
        counts = con.execute("SELECT wave_id, group_level, group_id, parent_group_id, item_id, "
                             "n_respondents AS n FROM int_group_item_stats").df()
    hidden_groups = demo_run.frame("SELECT DISTINCT wave_id, group_level, group_id FROM "
                                   "mart_team_construct_scores WHERE suppressed").assign(group_hidden=True)
    rows = items[[*ROW_KEYS, "n_respondents", "suppressed", "suppression_reason"]].merge(
        counts, on=ROW_KEYS, how="outer", validate="one_to_one", indicator=True)
    assert (rows["_merge"] == "both").all()
    shown = ~rows["suppressed"]
    assert (rows.loc[shown, "n_respondents"] == rows.loc[shown, "n"]).all()
    rows = rows.merge(hidden_groups, on=["wave_id", "group_level", "group_id"], how="left")
    return rows.assign(group_hidden=rows["group_hidden"].fillna(False).astype(bool))


def _families(rows: pd.DataFrame) -> pd.DataFrame:
    """Each row once per family it is a child in: under its parent (a team in its department,
    a department in the organisation, a cut value in its department or the organisation), and
    a department-level cut under the organisation-level group of the same value."""
    children = rows[rows["parent_group_id"].notna()]
    by_parent = children.assign(
        parent_level=np.where(children["parent_group_id"] == "Organisation", "org", "department"),
        parent_id=children["parent_group_id"])
    cuts = children[~children["group_level"].isin(["department", "team"])
                    & (children["parent_group_id"] != "Organisation")]
    by_value = cuts.assign(parent_level=cuts["group_level"], parent_id=[
        group[len(parent) + len(" / "):]
        for group, parent in zip(cuts["group_id"], cuts["parent_group_id"], strict=True)])
    return pd.concat([by_parent, by_value], ignore_index=True)


def _leaks(rows: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Families where the hidden children's answers, or the parent's (where shown) minus the
    shown children's, are 1 to k - 1: what a reader could single out by subtraction."""
    rows = rows.assign(hidden=hidden)
    members = _families(rows)
    totals = members.assign(hidden_n=members["n"].where(members["hidden"], 0),
                            shown_n=members["n"].where(~members["hidden"], 0))
    totals = totals.groupby(FAMILY, as_index=False)[["hidden_n", "shown_n"]].sum()
    parents = rows[["wave_id", "item_id", "group_level", "group_id", "n", "hidden"]].rename(
        columns={"group_level": "parent_level", "group_id": "parent_id", "n": "parent_n",
                 "hidden": "parent_hidden"})
    totals = totals.merge(parents, on=["wave_id", "item_id", "parent_level", "parent_id"], how="left")
    assert totals["parent_n"].notna().all()
    left_over = totals["parent_n"] - totals["shown_n"]
    small = totals["hidden_n"].between(1, K - 1) | (~totals["parent_hidden"] & left_over.between(1, K - 1))
    return totals[small]


def test_no_family_of_an_item_leaves_fewer_than_k_answers_to_subtraction(item_counts):
    """For every wave, item and family: the hidden children's answers are 0 or >= k, and the
    shown parent minus the shown children is 0 or >= k answers. Without the complementary
    suppression of questions (only the groups' suppression and the questions below k) the
    same check finds the demo's known case, so the test can fail."""
    rows = item_counts
    leaks = _leaks(rows, rows["suppressed"])
    assert leaks.empty, leaks
    # some families do have hidden children, and some parents are not wholly covered by their
    # children (the 'unknown' cut values), so both conditions are exercised
    members = _families(rows)
    assert members.loc[members["suppressed"], FAMILY].drop_duplicates().shape[0] > 100
    # the rows hidden by this rule: shown groups, k or more answers, the smaller group's reason
    added = rows[rows["suppressed"] & ~rows["group_hidden"] & (rows["n"] >= K)]
    assert len(added) > 0 and (added["suppression_reason"] == "complementary_suppression").all()
    primary_only = rows["group_hidden"] | (rows["n"] < K)
    before = _leaks(rows, primary_only)
    known = before[(before["wave_id"] == "2026-05") & (before["item_id"] == "E4R")
                   & (before["parent_id"] == "Customer Success") & (before["group_level"] == "location")]
    assert len(known) == 1 and int(known["parent_n"].iloc[0] - known["shown_n"].iloc[0]) == 4
    # and the case is now closed by hiding a sibling of Customer Success / London
    siblings = added[(added["wave_id"] == "2026-05") & (added["item_id"] == "E4R")
                     & added["group_id"].str.startswith("Customer Success / ")]
    assert len(siblings) >= 1
