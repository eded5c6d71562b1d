"""Hashes of the published marts, to tell whether two runs (or two moments) published the
same marts: every table except meta_*, its columns with their types, and its rows in
storage order (so equal hashes mean the same rows in the same order)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb


def table_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Ordered hash of each published table except meta_*, by table name."""
    tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE NOT starts_with(table_name, 'meta_') ORDER BY table_name"
        ).fetchall()
    ]
    hashes = {}
    for name in tables:
        digest = hashlib.sha256()
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE table_name = ? ORDER BY column_index",
            [name],
        ).fetchall()
        digest.update(repr(columns).encode())
        cursor = con.execute(f'SELECT * FROM "{name}"')
        while rows := cursor.fetchmany(5000):
            digest.update(repr(rows).encode())
        hashes[name] = digest.hexdigest()
    return hashes


def marts_hash_of(con: duckdb.DuckDBPyConnection) -> str:
    """One hash of every published table except meta_*, read in one connection."""
    digest = hashlib.sha256()
    for name, table_hash in table_hashes(con).items():
        digest.update(f"\x00{name}\x00{table_hash}".encode())
    return digest.hexdigest()


def read_marts(marts: Path, read):
    """read(con) on a read-only connection to the marts file, closed afterwards."""
    con = duckdb.connect(str(marts), read_only=True)
    try:
        return read(con)
    finally:
        con.close()


def marts_hash(marts: Path) -> str:
    return read_marts(marts, marts_hash_of)
