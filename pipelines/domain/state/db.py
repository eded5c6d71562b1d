"""The state database: respondent-level working data and load history.

It lives in `data/state/state.duckdb`, apart from the published marts, and is
updated incrementally: each raw file's rows are replaced as a whole when the
file changes, so nothing is ever counted twice. Analysts are not given it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta_state (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS file_registry (
    path VARCHAR PRIMARY KEY, size BIGINT, mtime DOUBLE, file_hash VARCHAR, load_key VARCHAR
);
CREATE TABLE IF NOT EXISTS file_loads (
    path VARCHAR PRIMARY KEY, survey_id VARCHAR, wave_id VARCHAR, file_name VARCHAR,
    file_hash VARCHAR, format VARCHAR, status VARCHAR, rows_read BIGINT, rows_accepted BIGINT,
    rows_excluded BIGINT, excluded_preview_test_spam BIGINT, excluded_partial BIGINT,
    excluded_duplicate BIGINT, rows_quarantined BIGINT, rows_rejected BIGINT,
    comments_truncated BIGINT, dedup_possible BOOLEAN, message VARCHAR,
    data_file_hash VARCHAR  -- the version whose rows are in use (an earlier one when rejected)
);
CREATE TABLE IF NOT EXISTS responses (
    path VARCHAR, survey_id VARCHAR, wave_id VARCHAR, response_key VARCHAR,
    respondent_key VARCHAR, email_key VARCHAR, team_raw VARCHAR, submitted_at TIMESTAMP,
    enps DOUBLE
);
CREATE TABLE IF NOT EXISTS answers (
    path VARCHAR, response_key VARCHAR, wave_id VARCHAR, item_id VARCHAR, value DOUBLE
);
CREATE TABLE IF NOT EXISTS comments (
    path VARCHAR, response_key VARCHAR, wave_id VARCHAR, text VARCHAR
);
CREATE TABLE IF NOT EXISTS quarantine (
    path VARCHAR, file_name VARCHAR, wave_id VARCHAR, record_number BIGINT,
    line_number BIGINT, column_name VARCHAR, rule VARCHAR, message VARCHAR
);
CREATE TABLE IF NOT EXISTS items (
    survey_id VARCHAR, item_id VARCHAR, construct VARCHAR, reverse BOOLEAN,
    scale_min DOUBLE, scale_max DOUBLE, item_text VARCHAR
);
CREATE TABLE IF NOT EXISTS waves (
    survey_id VARCHAR, wave_id VARCHAR, period_start DATE, close_date DATE, team_join VARCHAR
);
CREATE TABLE IF NOT EXISTS roster (
    wave_id VARCHAR, employee_key VARCHAR, email_key VARCHAR, team VARCHAR,
    manager_key VARCHAR, department VARCHAR, tenure_band VARCHAR, location VARCHAR
);
CREATE TABLE IF NOT EXISTS lineage (from_team VARCHAR, to_team VARCHAR, wave_id VARCHAR);
"""

#: Tables whose rows belong to one raw file (replaced together with the file).
PER_FILE_TABLES = ("responses", "answers", "comments", "quarantine")


@contextmanager
def connect(
    state_file: Path, config: dict[str, str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the state database read-write, creating its schema if needed.

    `config` is DuckDB's (memory_limit, temp_directory: `Workspace.duckdb_config`)."""
    state_file.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(state_file), config=config or {})
    try:
        con.execute(SCHEMA)
        con.execute(
            "INSERT OR REPLACE INTO meta_state VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: a run killed inside leaves the state as it was before."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Replace every row of a small whole-workspace table (roster, items, ...), atomically."""
    with transaction(con):
        con.execute(f"DELETE FROM {table}")
        if not frame.empty:
            con.register("incoming", frame)
            columns = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
            con.unregister("incoming")


def replace_file_rows(con: duckdb.DuckDBPyConnection, path: str, tables: dict[str, pd.DataFrame]) -> None:
    """Swap one raw file's rows in every per-file table (call inside `transaction`)."""
    for table in PER_FILE_TABLES:
        con.execute(f"DELETE FROM {table} WHERE path = ?", [path])
        frame = tables.get(table)
        if frame is not None and not frame.empty:
            con.register("incoming", frame)
            columns = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
            con.unregister("incoming")


def forget_file(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """A raw file was removed: drop its rows and its load record."""
    with transaction(con):
        replace_file_rows(con, path, {})
        con.execute("DELETE FROM file_loads WHERE path = ?", [path])
        con.execute("DELETE FROM file_registry WHERE path = ?", [path])
