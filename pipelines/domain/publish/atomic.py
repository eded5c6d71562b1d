"""Publish a built marts file atomically, and keep one run per workspace.

Readers never see half a run: the marts are built in a new file, checked,
checkpointed and closed, then renamed over the published file (POSIX rename
is atomic). Open read-only sessions keep their snapshot; new ones see the new
file. A killed run leaves only a stale build file, removed by the next run.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts.models import apply_comments

BUILD_PREFIX = ".build-"
#: meta_publish is documented like a mart, by its YAML contract
META_DOC = SQL_DIR / "meta_publish.yml"


def build_path(marts_file: Path, run_id: str) -> Path:
    return marts_file.parent / f"{BUILD_PREFIX}{run_id}.duckdb"


def clean_stale_builds(marts_file: Path, keep_run_id: str | None = None) -> list[Path]:
    """Remove build files (and their WALs) left by runs that died."""
    removed = []
    for path in marts_file.parent.glob(f"{BUILD_PREFIX}*"):
        if keep_run_id and keep_run_id in path.name:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def write_meta(build_file: Path, run_id: str, inputs: dict[str, str], versions: dict[str, str]) -> None:
    """Record what this version of the marts was built from (kept out of mart_* tables)."""
    con = duckdb.connect(str(build_file))
    try:
        con.execute("""CREATE OR REPLACE TABLE meta_publish (
            run_id VARCHAR, built_at TIMESTAMP, input_files VARCHAR, versions VARCHAR)""")
        con.execute("INSERT INTO meta_publish VALUES (?, now(), ?, ?)",
                    [run_id, json.dumps(inputs, sort_keys=True), json.dumps(versions, sort_keys=True)])
        apply_comments(con, "meta_publish", META_DOC)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def same_marts(build_file: Path, marts_file: Path) -> bool:
    """Whether a build holds exactly the published marts: the same tables (meta_* aside),
    columns and types, and the same rows (as multisets, compared inside DuckDB)."""
    if not marts_file.exists():
        return False
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{build_file}' AS new (READ_ONLY)")
        con.execute(f"ATTACH '{marts_file}' AS old (READ_ONLY)")
        shape = """SELECT table_name, column_index, column_name, data_type FROM duckdb_columns()
                   WHERE database_name = ? AND NOT starts_with(table_name, 'meta_')
                   ORDER BY ALL"""
        tables = con.execute(shape, ["new"]).fetchall()
        if tables != con.execute(shape, ["old"]).fetchall():
            return False
        for table in sorted({row[0] for row in tables}):
            for a, b in (("new", "old"), ("old", "new")):
                differs = con.execute(f'SELECT EXISTS (SELECT * FROM {a}."{table}" EXCEPT ALL '
                                      f'SELECT * FROM {b}."{table}")').fetchone()[0]
                if differs:
                    return False
        return True
    finally:
        con.close()


def publish(build_file: Path, marts_file: Path) -> None:
    """Atomically replace the published marts with a finished build file."""
    wal = build_file.with_name(build_file.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{build_file.name} still has a write-ahead log; it was not checkpointed")
    with build_file.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(build_file, marts_file)
    dir_fd = os.open(marts_file.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class WorkspaceBusy(RuntimeError):
    """Another run holds this workspace's lock."""


def pid_alive(pid: int, since: float | None = None) -> bool:
    """Whether process `pid` runs, and (given `since`) was started no later than that time.

    The start-time test catches a PID reused by an unrelated process (after a reboot, say).
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if since is not None:
        try:
            import psutil

            return psutil.Process(pid).create_time() <= since + 1.0
        except Exception:  # psutil missing, or the process just ended
            return True
    return True


_held: dict[Path, int] = {}  # lock file -> nesting depth, for locks this process holds


@contextmanager
def run_lock(lock_file: Path):
    """One run at a time per workspace. A lock whose holder died is taken over.

    Re-entrant within one process: a nested `run_lock` on a lock this process
    already holds neither takes it again nor releases it.
    """
    key = Path(os.path.abspath(lock_file))
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    record = json.dumps({"pid": os.getpid(), "since": time.time()})
    while True:
        try:
            fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                held = json.loads(lock_file.read_text() or "{}")
                holder, since = int(held["pid"]), held.get("since")
            except (OSError, ValueError, KeyError, TypeError):
                holder, since = None, None  # empty or torn: its writer died mid-write
            if holder and holder != os.getpid() and pid_alive(holder, since):
                raise WorkspaceBusy(f"another Tandem run (pid {holder}) holds {lock_file}") from None
            lock_file.unlink(missing_ok=True)  # stale: its holder is gone
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(record)
        break
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        lock_file.unlink(missing_ok=True)
