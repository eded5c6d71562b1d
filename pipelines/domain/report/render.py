"""render_reports: one HTML and one PDF per organisation, department and team and wave.

A report is re-rendered only when the exact rows it is made from (or the parameters, or
this package's code) change: their SHA-256 is kept next to it in `.inputs-<name>.sha256`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .build import build_document
from .formatting import natural_key, slugify
from .html import render_html, render_index
from .load import Marts, scope_data
from .pdf import render_pdf

log = logging.getLogger(__name__)
FORMATS = ("html", "pdf")
REPORT_FILE = re.compile(r"^(org|department-[a-z0-9-]+|team-[a-z0-9-]+)\.(html|pdf)$")
HASH_FILE = re.compile(r"^\.inputs-(org|department-[a-z0-9-]+|team-[a-z0-9-]+)\.sha256$")


@dataclass
class Job:
    wave: str
    level: str
    group_id: str
    stem: str
    label: str


@dataclass
class RenderResult:
    paths: list[Path] = field(default_factory=list)  # every current report file and the index
    written: list[Path] = field(default_factory=list)  # files (re)written by this call
    removed: list[Path] = field(default_factory=list)  # stale reports deleted
    seconds: dict[str, float] = field(default_factory=dict)  # "<wave>/<stem>" -> render time


@cache
def code_version() -> str:
    """Hash of this package's code and templates: a change re-renders every report."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted([*root.glob("*.py"), *root.glob("templates/*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: The longest group or wave part of a report path: far below any file system's 255 bytes.
MAX_NAME = 60


def file_slug(text: str) -> str:
    """The part of a report file name made from a group's (or wave's) name: ASCII letters,
    digits and single hyphens (`slugify`), so never a path, a dot-file or a shell word; a
    slug longer than MAX_NAME is cut and ends in eight hex digits of the name's SHA-256,
    so it stays distinct and stable. '../../etc' -> 'etc'; 300 x 'Z' -> 51 x 'z' + '-dd128ff0'."""
    slug = slugify(text)
    if len(slug) <= MAX_NAME:
        return slug
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug[: MAX_NAME - 9].rstrip('-')}-{digest}"


def wave_dir_name(wave: str) -> str:
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", wave) and len(wave) <= MAX_NAME
    return wave if plain else file_slug(wave)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jobs(marts: Marts, wave: str, team_reports: bool) -> list[Job]:
    jobs: list[Job] = []
    org = marts.org_id(wave)
    if org is not None:
        jobs.append(Job(wave, "org", org, "org", f"Organisation ({org})"))
    used: set[str] = {"org"}
    levels = [("department", "Department")] + ([("team", "Team")] if team_reports else [])
    for level, label in levels:
        for gid, _parent in marts.groups(wave, level):
            if level == "team" and not marts.is_reportable(wave, "team", gid):
                continue  # a suppressed team gets no report of its own
            slug = file_slug(gid)
            stem, n = f"{level}-{slug}", 2
            while stem in used:
                stem, n = f"{level}-{slug}-{n}", n + 1
            used.add(stem)
            note = "" if marts.is_reportable(wave, level, gid) else " (too few responses to show)"
            jobs.append(Job(wave, level, gid, stem, f"{label}: {gid}{note}"))
    return jobs


def _digest(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _prune(directory: Path, keep: set[str]) -> list[Path]:
    removed = []
    if not directory.is_dir():
        return removed
    for path in directory.iterdir():
        match = REPORT_FILE.match(path.name) or HASH_FILE.match(path.name)
        if match and match.group(1) not in keep:
            path.unlink()
            removed.append(path)
    return removed


def render_all(
    marts_path: Path,
    out_dir: Path,
    *,
    min_group_size: int = 5,
    comment_min_group_size: int = 10,
    quadrant_threshold: float = 60.0,
    team_reports: bool = True,
    formats: Iterable[str] = FORMATS,
) -> RenderResult:
    """Like render_reports, but says what was written, removed, and how long each took."""
    formats = tuple(dict.fromkeys(formats))
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report formats: {sorted(unknown)}")
    if min_group_size < 3:
        raise ValueError("min_group_size may not be below 3")
    if comment_min_group_size < min_group_size:
        raise ValueError("comment_min_group_size may not be below min_group_size")
    out_dir = Path(out_dir)
    marts = Marts.open(Path(marts_path), min_group_size)
    if marts.missing:
        log.info("marts without tables %s: those sections stay empty", ", ".join(marts.missing))
    params = {
        "k": min_group_size,
        "comment_k": comment_min_group_size,
        "threshold": float(quadrant_threshold),
    }
    result = RenderResult()
    index: list[tuple[str, list[tuple[str, str, list[str]]]]] = []
    for wave in sorted(marts.waves, key=natural_key, reverse=True):
        directory = out_dir / wave_dir_name(wave)
        jobs = _jobs(marts, wave, team_reports)
        for job in jobs:
            _render_job(marts, job, directory, params, formats, result)
        result.removed += _prune(directory, {job.stem for job in jobs})
        index.append((wave_dir_name(wave), [(j.label, j.stem, list(formats)) for j in jobs]))
    index_path = out_dir / "index.html"
    html = render_index(index).encode()
    if not index_path.exists() or index_path.read_bytes() != html:
        _write_atomic(index_path, html)
        result.written.append(index_path)
    result.paths.append(index_path)
    log.info(
        "reports: %d current, %d files written, %d stale removed",
        len(result.paths) - 1,
        len(result.written),
        len(result.removed),
    )
    return result


def _render_job(
    marts: Marts,
    job: Job,
    directory: Path,
    params: dict,
    formats: tuple[str, ...],
    result: RenderResult,
) -> None:
    data = scope_data(marts, job.wave, job.level, job.group_id)
    digest = _digest({"code": code_version(), "params": params, "data": data.as_json_obj()})
    hash_path = directory / f".inputs-{job.stem}.sha256"
    targets = {fmt: directory / f"{job.stem}.{fmt}" for fmt in formats}
    result.paths += targets.values()
    fresh = hash_path.exists() and hash_path.read_text().strip() == digest
    todo = [fmt for fmt, path in targets.items() if not (fresh and path.exists())]
    if not todo:
        return
    started = time.perf_counter()
    doc = build_document(
        data, k=params["k"], comment_k=params["comment_k"], threshold=params["threshold"]
    )
    if not fresh:
        hash_path.unlink(missing_ok=True)  # never leave a hash that vouches for old files
    for fmt in todo:
        payload = render_html(doc).encode() if fmt == "html" else render_pdf(doc)
        _write_atomic(targets[fmt], payload)
        result.written.append(targets[fmt])
    _write_atomic(hash_path, (digest + "\n").encode())
    elapsed = time.perf_counter() - started
    result.seconds[f"{job.wave}/{job.stem}"] = elapsed
    log.info("rendered %s/%s (%s) in %.2f s", job.wave, job.stem, ", ".join(todo), elapsed)


def render_reports(
    marts_path: Path,
    out_dir: Path,
    *,
    min_group_size: int = 5,
    comment_min_group_size: int = 10,
    quadrant_threshold: float = 60.0,
    team_reports: bool = True,
    formats: Iterable[str] = FORMATS,
) -> list[Path]:
    """Write every report for every wave in the marts; return the current report paths.

    Opens the marts read-only. Writes `<out_dir>/<wave>/org.*`, `department-<slug>.*` and
    (if team_reports) `team-<slug>.*` for each team that is not suppressed, plus
    `<out_dir>/index.html`. Unchanged reports are not rewritten.
    """
    return render_all(
        marts_path,
        out_dir,
        min_group_size=min_group_size,
        comment_min_group_size=comment_min_group_size,
        quadrant_threshold=quadrant_threshold,
        team_reports=team_reports,
        formats=formats,
    ).paths


__all__ = ["RenderResult", "render_all", "render_reports"]
