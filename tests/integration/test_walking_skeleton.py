"""The walking skeleton end to end: demo exports -> Dagster assets -> marts -> report."""

import json

import pandas as pd
from scipy.stats import spearmanr

from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts.contract import contracts

CONSTRUCTS = {"trust", "empowerment", "clarity", "accountability"}
BLOCKING_CHECKS = {"row_conservation", "contract_holds", "marts_conserve_rows", "suppression_holds"}


def test_every_asset_materialized_and_every_check_ran(demo_run):
    materialized = {e.asset_key.to_user_string() for e in demo_run.result.get_asset_materialization_events()}
    marts = set(contracts(SQL_DIR))
    assert {"survey_state", "published_marts", "leadership_reports"} | marts <= materialized
    checks = demo_run.result.get_asset_check_evaluations()
    blocking = [(c.asset_key.to_user_string(), c.check_name, c.passed) for c in checks
                if c.check_name in BLOCKING_CHECKS]
    assert {name for _, name, _ in blocking} == BLOCKING_CHECKS
    assert all(passed for *_, passed in blocking), blocking
    assert {asset for asset, name, _ in blocking if name == "contract_holds"} == marts


def test_scores_for_every_construct_wave_and_reportable_team(demo_run):
    rows = demo_run.frame("""
        SELECT wave_id, group_id, construct, n_respondents, suppressed
        FROM mart_team_construct_scores WHERE group_level = 'team'""")
    assert set(rows["construct"]) >= CONSTRUCTS
    assert set(rows["wave_id"]) == {"2025-11", "2026-05", "2026-11"}
    shown = rows[~rows["suppressed"]]
    assert (shown["n_respondents"] >= 5).all()
    assert rows["suppressed"].any(), "the demo plants teams below 5 respondents"
    assert rows.loc[rows["suppressed"], "n_respondents"].isna().all()
    for wave, part in shown.groupby("wave_id"):
        assert part.groupby("group_id")["construct"].nunique().min() >= 4, wave


def test_planted_team_effects_are_recovered(demo_run):
    planted = pd.read_csv(demo_run.ws.home / "data" / "demo_truth" / "planted_team_scores.csv")
    measured = demo_run.frame("""
        SELECT wave_id, group_id AS team, construct, score_0_100, n_respondents
        FROM mart_team_construct_scores
        WHERE group_level = 'team' AND NOT suppressed AND n_respondents >= 10""")
    joined = measured.merge(planted, on=["wave_id", "team", "construct"])
    for (wave, construct), part in joined.groupby(["wave_id", "construct"]):
        assert len(part) >= 20, (wave, construct, len(part))
        rho = spearmanr(part["score_0_100"], part["planted_score_0_100"]).statistic
        assert rho >= 0.7, f"{wave} {construct}: Spearman rho {rho:.3f} < 0.7"


def test_measured_icc1_is_close_to_the_planted_one(demo_run):
    truth = json.loads((demo_run.ws.home / "data" / "demo_truth" / "planted.json").read_text())
    measured = demo_run.frame("SELECT wave_id, construct, icc1 FROM mart_construct_icc")
    assert set(measured["construct"]) >= CONSTRUCTS
    for rec in measured.itertuples():
        planted = truth["icc1"][rec.construct]
        assert abs(rec.icc1 - planted) <= 0.07, f"{rec.wave_id} {rec.construct}: {rec.icc1} vs {planted}"


def test_published_file_opens_read_only_and_holds_aggregates_only(demo_run):
    tables = {r[0] for r in demo_run.query("SELECT table_name FROM duckdb_tables()")}
    assert all(t.startswith(("mart_", "dim_", "meta_")) for t in tables), tables
    columns = {r[0] for r in demo_run.query("SELECT column_name FROM duckdb_columns()")}
    assert not columns & {"response_key", "respondent_key", "email_key", "employee_key"}


def test_html_report_is_written(demo_run):
    reports = demo_run.ws.reports_dir
    assert (reports / "index.html").exists()
    assert list(reports.glob("*/org.html"))


def test_every_mart_has_rows_on_the_demo(demo_run):
    tables = [r[0] for r in demo_run.query(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'mart_%'")]
    assert len(tables) >= 12
    empty = [t for t in tables if demo_run.query(f"SELECT count(*) FROM {t}")[0][0] == 0]
    assert not empty, empty
