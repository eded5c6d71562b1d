"""Find the raw files of a workspace and tell which changed since the last run.

A file is identified by its content hash. A file whose size and modification
time are unchanged is not hashed again (the registry remembers both), so a run
with nothing new costs a directory listing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

EXPORT_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx"}
CODEBOOK_NAME = "codebook.yaml"


@dataclass(frozen=True)
class RawFile:
    path: str  # relative to the workspace home, with forward slashes
    survey_id: str
    wave_id: str
    size: int
    mtime: float

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Survey:
    survey_id: str
    codebook_path: Path
    files: tuple[RawFile, ...]


def scan_surveys(home: Path, surveys_dir: Path) -> list[Survey]:
    """List `<survey>/codebook.yaml` and `<survey>/<wave>/<export>` under `surveys_dir`."""
    surveys: list[Survey] = []
    if not surveys_dir.is_dir():
        return surveys
    for survey_dir in sorted(p for p in surveys_dir.iterdir() if p.is_dir()):
        files = []
        for wave_dir in sorted(p for p in survey_dir.iterdir() if p.is_dir()):
            for export in sorted(wave_dir.iterdir()):
                if export.is_file() and export.suffix.lower() in EXPORT_SUFFIXES:
                    stat = export.stat()
                    files.append(
                        RawFile(
                            path=export.relative_to(home).as_posix(),
                            survey_id=survey_dir.name,
                            wave_id=wave_dir.name,
                            size=stat.st_size,
                            mtime=stat.st_mtime,
                        )
                    )
        surveys.append(Survey(survey_dir.name, survey_dir / CODEBOOK_NAME, tuple(files)))
    return surveys


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def wave_key(survey_id: str, wave_id: str) -> str:
    """A wave's name across surveys (the Dagster partition key): `<survey>/<wave>`."""
    return f"{survey_id}/{wave_id}"


def wave_of_path(path: str) -> str:
    """The wave of an export's workspace path: `data/raw/surveys/<survey>/<wave>/<file>` ->
    `<survey>/<wave>` (as `wave_key` names it)."""
    return "/".join(path.split("/")[-3:-1])
