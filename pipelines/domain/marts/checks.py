"""Checks a marts file must pass before it is published. Each returns a list of problems."""

from __future__ import annotations

import duckdb

from pipelines.domain.config.settings import Settings

ALL_MARTS = ("mart_team_construct_scores", "mart_team_balance", "mart_construct_reliability",
             "mart_construct_icc", "mart_participation", "mart_enps", "mart_data_quality",
             "mart_team_changes", "mart_drivers", "mart_alerts", "mart_comment_themes", "mart_comments")
#: Figures a suppressed row must not carry, per mart.
FIGURES = {
    "mart_team_construct_scores": ("n_respondents", "score_0_100", "score_ci_low", "score_ci_high",
                                   "pct_favorable", "pct_neutral", "pct_unfavorable", "rwg_j"),
    "mart_team_balance": ("leadership_index", "management_index", "quadrant"),
    "mart_participation": ("headcount", "respondents", "participation_rate"),
    "mart_enps": ("n_respondents", "promoters", "detractors", "enps"),
    "mart_team_changes": ("delta", "p_value", "q_value", "hedges_g", "change"),
}
#: Columns that would carry respondent-level data or identities.
FORBIDDEN_COLUMNS = frozenset({
    "response_key", "respondent_key", "respondent_id", "email", "email_key", "employee_id",
    "employee_key", "manager_key", "ip_address", "ipaddress", "full_name", "first_name", "last_name",
})


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


#: Marts that must have rows whenever their inputs allow it: (mart, condition on the build).
EXPECTED_ROWS = {
    "mart_team_construct_scores": "SELECT coalesce(sum(rows_accepted), 0) > 0 FROM mart_data_quality",
    "mart_data_quality": "SELECT count(*) > 0 FROM mart_team_construct_scores",  # no export, no row
    "mart_construct_reliability": "SELECT count(*) > 0 FROM mart_team_construct_scores",
    "mart_team_balance": """SELECT count(DISTINCT construct) = 4 FROM mart_team_construct_scores
                            WHERE construct IN ('trust', 'empowerment', 'clarity', 'accountability')""",
    "mart_construct_icc": """SELECT count(*) > 0 FROM (SELECT wave_id FROM dim_groups
                             WHERE group_level = 'team' GROUP BY ALL HAVING count(*) >= 2)""",
}


def marts_complete(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    tables = _tables(con)
    problems = [f"{t} is missing" for t in ALL_MARTS if t not in tables]
    for table, condition in EXPECTED_ROWS.items():
        if table in tables and con.execute(condition).fetchone()[0]:
            if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0:
                problems.append(f"{table} is empty although its inputs are there")
    return problems


def marts_conserve_rows(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    rows = con.execute("""
        SELECT file_name, rows_read, rows_accepted, rows_excluded, rows_quarantined, rows_rejected
        FROM mart_data_quality
        WHERE rows_read <> rows_accepted + rows_excluded + rows_quarantined + rows_rejected""").fetchall()
    return [f"{name}: read {r} != {a} accepted + {e} excluded + {q} quarantined + {j} rejected"
            for name, r, a, e, q, j in rows]


def suppression_holds(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    problems = []
    for table, figures in FIGURES.items():
        leaked = " OR ".join(f"{f} IS NOT NULL" for f in figures)
        n = con.execute(f"SELECT count(*) FROM {table} WHERE suppressed AND ({leaked})").fetchone()[0]
        if n:
            problems.append(f"{table}: {n} suppressed row(s) carry a figure")
    for table, column in (("mart_team_construct_scores", "n_respondents"), ("mart_enps", "n_respondents"),
                          ("mart_participation", "respondents")):
        n = con.execute(f"SELECT count(*) FROM {table} WHERE NOT suppressed AND {column} < ?",
                        [settings.min_group_size]).fetchone()[0]
        if n:
            problems.append(f"{table}: {n} shown row(s) rest on fewer than k respondents")
    return problems


def aggregates_only(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    columns = con.execute("SELECT table_name, column_name FROM duckdb_columns()").fetchall()
    return [f"{t}.{c} is respondent-level" for t, c in columns if c.lower() in FORBIDDEN_COLUMNS]
