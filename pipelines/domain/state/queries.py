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


def reference_version(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the state's reference data: the codebooks' items and waves, the roster, the
    lineage map, their quarantine rows, and which files are in use. Equal digests, equal
    reference data (the roster is digested in one order-free scan)."""
    return _digest(con, [
        "SELECT * FROM items ORDER BY ALL",
        "SELECT * FROM waves ORDER BY ALL",
        "SELECT count(*), sum(hash(r)::HUGEINT) FROM roster r",
        "SELECT count(*), sum(hash(l)::HUGEINT) FROM lineage l",
        "SELECT count(*), sum(hash(q)::HUGEINT) FROM quarantine q "
        "WHERE path NOT IN (SELECT path FROM file_loads)",
        "SELECT path FROM file_registry ORDER BY path",
    ])


def wave_version(con: duckdb.DuckDBPyConnection, survey_id: str, wave_id: str) -> str:
    """A digest of one wave's files as loaded: which version of each is in use, its counts
    and message. Its rows are identified by that version, so they are not scanned."""
    return _digest(con, [(
        "SELECT * FROM file_loads WHERE survey_id = ? AND wave_id = ? ORDER BY path",
        [survey_id, wave_id],
    )])


def _digest(con: duckdb.DuckDBPyConnection, queries: list) -> str:
    import hashlib

    parts = []
    for query in queries:
        sql, params = query if isinstance(query, tuple) else (query, [])
        parts.append(con.execute(sql, params).fetchall())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def stored_waves(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per wave (`<survey>/<wave>`), the fingerprint of the files whose rows the state holds,
    computed as `raw_exports`' data version is: equal to it when the state is up to date."""
    from pipelines.domain.ingest.fingerprint import files_digest
    from pipelines.domain.ingest.inventory import wave_of_path

    pairs: dict[str, list[tuple[str, str]]] = {}
    for path, file_hash in con.execute("SELECT path, file_hash FROM file_registry").fetchall():
        pairs.setdefault(wave_of_path(path), []).append((path, file_hash))
    return {wave: files_digest(files) for wave, files in pairs.items()}
