"""What the sensor remembers of data/raw/: each file's size, mtime and hash.

A file is hashed only when its size or modification time moved, and it counts
as changed only when its content hash did, so touching a file never triggers.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.domain.ingest.inventory import EXPORT_SUFFIXES, file_sha256

WATCHED = EXPORT_SUFFIXES | {".yaml", ".yml"}


def snapshot(raw_dir: Path, before: dict[str, list]) -> dict[str, list]:
    now: dict[str, list] = {}
    if not raw_dir.is_dir():
        return now
    for path in sorted(raw_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in WATCHED:
            continue
        key = path.relative_to(raw_dir).as_posix()
        stat = path.stat()
        known = before.get(key)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime:
            now[key] = known
        else:
            now[key] = [stat.st_size, stat.st_mtime, file_sha256(path)]
    return now


def changed_files(before: dict[str, list], now: dict[str, list]) -> list[str]:
    return sorted(k for k, v in now.items() if k not in before or before[k][2] != v[2])
