"""Checks a marts file must pass before it is published, derived from the mart contract.

For every published table (`sql/<table>.yml`):

- `contract_holds`: the table exists with the contract's columns and types, its
  keys are unique, no column is respondent-level, and a core mart is not empty
  when its inputs are there;
- `suppression_holds` (tables with a `suppressed` column): every figure and
  count is NULL in a suppressed row, and no shown row rests on fewer than k
  respondents (the contract's `size_column`);
- `marts_conserve_rows` (`mart_data_quality`): read = accepted + excluded +
  quarantined + rejected for every file.

Each returns a list of problems; an empty list passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.domain.config.settings import Settings
from pipelines.domain.marts.contract import SUPPRESSED, Contract, check_table, contracts

#: Columns that would carry respondent-level data or identities.
FORBIDDEN_COLUMNS = frozenset({
    "response_key", "respondent_key", "respondent_id", "email", "email_key", "employee_id",
    "employee_key", "manager_key", "ip_address", "ipaddress", "full_name", "first_name", "last_name",
})

#: Marts that must have rows whenever their inputs allow it: (mart, condition on the build).
EXPECTED_ROWS = {
    "mart_team_construct_scores": "SELECT coalesce(sum(rows_accepted), 0) > 0 FROM mart_data_quality",
    "mart_data_quality": "SELECT count(*) > 0 FROM mart_team_construct_scores",  # no export, no row
    "mart_construct_reliability": "SELECT count(*) > 0 FROM mart_team_construct_scores",
    "mart_item_scores": "SELECT count(*) > 0 FROM mart_team_construct_scores",
    "mart_team_balance": """SELECT count(DISTINCT construct) = 4 FROM mart_team_construct_scores
                            WHERE construct IN ('trust', 'empowerment', 'clarity', 'accountability')""",
    "mart_construct_icc": """SELECT count(*) > 0 FROM (SELECT wave_id FROM dim_groups
                             WHERE group_level = 'team' GROUP BY ALL HAVING count(*) >= 2)""",
}


@dataclass(frozen=True)
class CheckOutcome:
    table: str
    check: str
    problems: list[str]


def check_names(contract: Contract) -> list[str]:
    """The checks that apply to one table."""
    names = ["contract_holds"]
    if SUPPRESSED in contract.names:
        names.append("suppression_holds")
    if contract.table == "mart_data_quality":
        names.append("marts_conserve_rows")
    return names


def run_checks(con: duckdb.DuckDBPyConnection, sql_dir: Path, settings: Settings) -> list[CheckOutcome]:
    """Every check of every published table, in contract order."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    outcomes = []
    for table, contract in contracts(sql_dir).items():
        for name in check_names(contract):
            if table not in tables:
                problems = [f"{table} is missing"]
            else:
                problems = CHECKS[name](con, contract, settings)
            outcomes.append(CheckOutcome(table, name, problems))
    return outcomes


def contract_holds(con: duckdb.DuckDBPyConnection, contract: Contract, settings: Settings) -> list[str]:
    table = contract.table
    described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    problems = check_table(contract, described)
    problems += [f"{table}.{c} is respondent-level" for c, _ in described
                 if c.lower() in FORBIDDEN_COLUMNS]
    keys = ", ".join(contract.keys)
    repeated = con.execute(
        f"SELECT count(*) FROM (SELECT {keys} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    if repeated:
        problems.append(f"{table}: {repeated} key(s) ({keys}) repeated")
    condition = EXPECTED_ROWS.get(table)
    if condition and con.execute(condition).fetchone()[0]:
        if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0:
            problems.append(f"{table} is empty although its inputs are there")
    return problems


def suppression_holds(con: duckdb.DuckDBPyConnection, contract: Contract, settings: Settings) -> list[str]:
    table = contract.table
    problems = []
    if contract.protected:
        leaked = " OR ".join(f"{f} IS NOT NULL" for f in contract.protected)
        n = con.execute(f"SELECT count(*) FROM {table} WHERE suppressed AND ({leaked})").fetchone()[0]
        if n:
            problems.append(f"{table}: {n} suppressed row(s) carry a figure or count")
    if contract.size_column:
        n = con.execute(f"SELECT count(*) FROM {table} WHERE NOT suppressed AND {contract.size_column} < ?",
                        [settings.min_group_size]).fetchone()[0]
        if n:
            problems.append(f"{table}: {n} shown row(s) rest on fewer than k respondents")
    return problems


def marts_conserve_rows(con: duckdb.DuckDBPyConnection, contract: Contract, settings: Settings) -> list[str]:
    rows = con.execute("""
        SELECT file_name, rows_read, rows_accepted, rows_excluded, rows_quarantined, rows_rejected
        FROM mart_data_quality
        WHERE rows_read <> rows_accepted + rows_excluded + rows_quarantined + rows_rejected""").fetchall()
    return [f"{name}: read {r} != {a} accepted + {e} excluded + {q} quarantined + {j} rejected"
            for name, r, a, e, q, j in rows]


CHECK_DESCRIPTIONS = {
    "contract_holds": "Columns, types and unique keys as in the YAML contract; aggregates only; "
                      "not empty when its inputs are there.",
    "suppression_holds": "No suppressed row carries a figure or count; no shown row rests on "
                         "fewer than k respondents.",
    "marts_conserve_rows": "For every file: read = accepted + excluded + quarantined + rejected.",
}

CHECKS = {
    "contract_holds": contract_holds,
    "suppression_holds": suppression_holds,
    "marts_conserve_rows": marts_conserve_rows,
}
