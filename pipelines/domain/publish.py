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

BUILD_PREFIX = ".build-"


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
        con.execute("COMMENT ON TABLE meta_publish IS 'Which run built this version of the marts, "
                    "when, and from which input files (path -> SHA-256).'")
        con.execute("CHECKPOINT")
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def run_lock(lock_file: Path):
    """One run at a time per workspace. A lock whose holder died is taken over."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    record = json.dumps({"pid": os.getpid(), "since": time.time()})
    while True:
        try:
            fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                holder = json.loads(lock_file.read_text() or "{}").get("pid")
            except (OSError, ValueError):
                holder = None
            if holder and _alive(int(holder)) and int(holder) != os.getpid():
                raise WorkspaceBusy(f"another Tandem run (pid {holder}) holds {lock_file}") from None
            lock_file.unlink(missing_ok=True)  # stale: its holder is gone
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(record)
        break
    try:
        yield
    finally:
        lock_file.unlink(missing_ok=True)
