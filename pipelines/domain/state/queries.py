"""What the run's checks and the publish step read from the state database."""

from __future__ import annotations

import duckdb


def rejected_files(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(path, message) of every raw file rejected in its latest version."""
    return con.execute(
        "SELECT path, message FROM file_loads WHERE status = 'rejected' ORDER BY path"
    ).fetchall()


def quarantined_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(path, rows quarantined) per file, rosters and the lineage map included."""
    return con.execute("""
        SELECT path, rows_quarantined FROM file_loads WHERE rows_quarantined > 0
        UNION ALL  -- rosters and the lineage map have no load record, only quarantine rows
        SELECT path, count(DISTINCT record_number) FROM quarantine
        WHERE path NOT IN (SELECT path FROM file_loads) GROUP BY path
        ORDER BY path""").fetchall()


def conservation_breaks(con: duckdb.DuckDBPyConnection) -> tuple[int, list[tuple]]:
    """(files checked, files whose read != accepted + excluded + quarantined + rejected)."""
    broken = con.execute("""
        SELECT path, rows_read, rows_accepted, rows_excluded, rows_quarantined, rows_rejected
        FROM file_loads
        WHERE rows_read <> rows_accepted + rows_excluded + rows_quarantined + rows_rejected
        ORDER BY path""").fetchall()
    files = con.execute("SELECT count(*) FROM file_loads").fetchone()[0]
    return files, broken


def input_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every raw file in use, with its content hash (recorded with the published marts)."""
    return dict(con.execute("SELECT path, file_hash FROM file_registry ORDER BY path").fetchall())


def state_version(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of what the marts read from the state: equal digests, equal marts inputs.

    Each file's load record (which version of it is in use, and its counts), the codebooks'
    items and waves, and an order-free digest of the roster and lineage rows. Costs one
    scan of the roster; the answers are identified by their files' load records."""
    import hashlib

    parts = [
        con.execute("SELECT * FROM file_loads ORDER BY path").fetchall(),
        con.execute("SELECT * FROM items ORDER BY ALL").fetchall(),
        con.execute("SELECT * FROM waves ORDER BY ALL").fetchall(),
        con.execute("SELECT count(*), sum(hash(r)::HUGEINT) FROM roster r").fetchall(),
        con.execute("SELECT count(*), sum(hash(l)::HUGEINT) FROM lineage l").fetchall(),
        con.execute("SELECT count(*), sum(hash(q)::HUGEINT) FROM quarantine q").fetchall(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
