"""The marts are a contract with analysts: names, columns and documentation."""

from pathlib import Path

from pipelines.domain.marts.data_dictionary import render

REPO_ROOT = Path(__file__).resolve().parents[2]

CONTRACT = {
    "mart_team_construct_scores": [
        "wave_id", "group_level", "group_id", "parent_group_id", "construct", "n_respondents",
        "score_0_100", "score_ci_low", "score_ci_high", "pct_favorable", "pct_neutral",
        "pct_unfavorable", "favorable_ci_low", "favorable_ci_high", "rwg_j", "suppressed",
        "suppression_reason"],
    "mart_team_balance": [
        "wave_id", "group_level", "group_id", "leadership_index", "leadership_ci_low",
        "leadership_ci_high", "management_index", "management_ci_low", "management_ci_high", "quadrant"],
    "mart_construct_reliability": [
        "wave_id", "construct", "n_respondents", "n_items", "cronbach_alpha", "alpha_ci_low",
        "alpha_ci_high", "omega"],
    "mart_construct_icc": ["wave_id", "construct", "n_groups", "icc1", "icc2"],
    "mart_team_changes": [
        "group_level", "group_id", "construct", "from_wave", "to_wave", "delta", "p_value",
        "q_value", "hedges_g", "change"],
    "mart_participation": [
        "wave_id", "group_level", "group_id", "headcount", "respondents", "participation_rate",
        "over_100_flag"],
    "mart_enps": [
        "wave_id", "group_level", "group_id", "promoters", "passives", "detractors", "enps",
        "enps_ci_low", "enps_ci_high"],
    "mart_drivers": [
        "wave_id", "group_level", "group_id", "outcome", "construct", "impact", "method", "n", "priority"],
    "mart_data_quality": [
        "wave_id", "file_name", "file_hash", "status", "rows_read", "rows_accepted", "rows_excluded",
        "rows_quarantined", "message"],
    "mart_comment_themes": [
        "wave_id", "group_level", "group_id", "theme", "construct", "n_comments", "share", "mean_sentiment"],
}


def test_every_contracted_column_exists(demo_run):
    columns = demo_run.frame("SELECT table_name, column_name FROM duckdb_columns()")
    for table, wanted in CONTRACT.items():
        have = set(columns.loc[columns["table_name"] == table, "column_name"])
        assert set(wanted) <= have, (table, sorted(set(wanted) - have))


def test_every_group_mart_says_why_a_row_is_suppressed(demo_run):
    for table in ("mart_team_construct_scores", "mart_team_balance", "mart_team_changes",
                  "mart_participation", "mart_enps"):
        rows = demo_run.query(f"SELECT count(*) FROM {table} WHERE suppressed AND suppression_reason IS NULL")
        assert rows[0][0] == 0, table


def test_every_table_and_column_is_documented(demo_run):
    undocumented = demo_run.query("""
        SELECT table_name, column_name FROM duckdb_columns()
        WHERE NOT internal AND (comment IS NULL OR length(comment) < 10)""")
    assert not undocumented
    assert not demo_run.query("SELECT table_name FROM duckdb_tables() WHERE NOT internal AND comment IS NULL")


def test_docs_marts_md_matches_the_database(demo_run):
    committed = (REPO_ROOT / "docs" / "marts.md").read_text(encoding="utf-8")
    assert committed == render(demo_run.ws.marts_file), "regenerate it with `tandem docs`"


def test_percentages_add_up_and_intervals_bracket_the_score(demo_run):
    rows = demo_run.frame("""
        SELECT * FROM mart_team_construct_scores WHERE NOT suppressed AND n_respondents >= 2""")
    total = rows["pct_favorable"] + rows["pct_neutral"] + rows["pct_unfavorable"]
    assert ((total - 100).abs() < 1e-3).all()
    assert (rows["score_ci_low"] <= rows["score_0_100"] + 1e-9).all()
    assert (rows["score_0_100"] <= rows["score_ci_high"] + 1e-9).all()
    assert (rows["favorable_ci_low"] <= rows["pct_favorable"] + 1e-9).all()
    assert rows["rwg_j"].between(0, 1).all()


def test_department_and_org_rows_come_from_respondents_not_team_means(demo_run):
    rows = demo_run.frame("""
        SELECT t.wave_id, t.parent_group_id AS department, t.construct,
               sum(t.score_0_100 * t.n_respondents) / sum(t.n_respondents) AS weighted,
               avg(t.score_0_100) AS mean_of_means, any_value(d.score_0_100) AS department_score,
               bool_and(NOT t.suppressed) AS all_shown, any_value(d.suppressed) AS dept_suppressed
        FROM mart_team_construct_scores t
        JOIN mart_team_construct_scores d
          ON d.wave_id = t.wave_id AND d.group_level = 'department' AND d.group_id = t.parent_group_id
         AND d.construct = t.construct
        WHERE t.group_level = 'team'
        GROUP BY ALL""")
    complete = rows[rows["all_shown"] & ~rows["dept_suppressed"]]
    assert len(complete) > 0
    # when every team is shown, the department equals the respondent-weighted mean of its teams
    assert ((complete["weighted"] - complete["department_score"]).abs() < 1e-2).all()
