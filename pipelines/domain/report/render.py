"""render_all: one HTML and one PDF per organisation, department and team and wave.

A report is re-rendered only when the exact rows it is made from (or the parameters, or
this package's code) change: their SHA-256 is kept next to it in `.inputs-<name>.sha256`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import signal
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipelines.domain.config.settings import DEFAULTS, MIN_ALLOWED_GROUP_SIZE

from . import charts
from .build import build_document
from .formatting import LEVEL_LABELS, slugify
from .html import render_html, render_index
from .load import Marts, scope_data
from .pdf import render_pdf, warm_fonts
from .scopes import DEFAULT_SCOPES, SCOPE_CHOICES, _wanted, parse_scope, report_options

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
    links: dict[str, str] = field(default_factory=dict)  # "level:id" -> file, for links


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


def _label(level: str, gid: str, reportable: bool) -> str:
    if level == "org":
        generic = {"org", "organisation", "organization", "all", "company", "total"}
        return "Organisation" + ("" if gid.strip().lower() in generic else f": {gid}")
    note = "" if reportable else " (too few responses to show)"
    return f"{LEVEL_LABELS[level]}: {gid}{note}"


def _stems(marts: Marts, wave: str) -> dict[tuple[str, str], str]:
    """The file stem of every group that may have a report in this wave."""
    stems: dict[tuple[str, str], str] = {}
    org = marts.org_id(wave)
    if org is not None:
        stems[("org", org)] = "org"
    used: set[str] = {"org"}
    for level in ("department", "team"):
        for gid, _parent in marts.groups(wave, level):
            if level == "team" and not marts.is_reportable(wave, "team", gid):
                continue  # a suppressed team gets no report of its own
            slug = file_slug(gid)
            stem, n = f"{level}-{slug}", 2
            while stem in used:
                stem, n = f"{level}-{slug}-{n}", n + 1
            used.add(stem)
            stems[(level, gid)] = stem
    return stems


def _jobs(
    marts: Marts,
    wave: str,
    scopes: Mapping[str, str],
    extra: set[tuple[str, str, str]],
    on_disk: set[str],
    ext: str = "html",
) -> list[Job]:
    """The reports of one wave: those the scopes ask for, those asked for on demand
    (`extra`), and those already on disk (kept current once rendered on demand)."""
    latest = marts.waves[-1]
    jobs = []
    for (level, gid), stem in _stems(marts, wave).items():
        if _wanted(scopes, level, wave, latest) or (wave, level, gid) in extra or stem in on_disk:
            jobs.append(
                Job(
                    wave,
                    level,
                    gid,
                    stem,
                    _label(level, gid, marts.is_reportable(wave, level, gid)),
                )
            )
    _link(marts, wave, jobs, ext)
    return jobs


def _link(marts: Marts, wave: str, jobs: list[Job], ext: str) -> None:
    """Link an organisation report to its departments' reports, a department's to its teams'
    and a team's to its department's, where those reports are rendered."""
    files = {(j.level, j.group_id): f"{j.stem}.{ext}" for j in jobs}
    for job in jobs:
        if job.level == "org":
            near = [("department", d) for d, _ in marts.groups(wave, "department")]
        elif job.level == "department":
            near = [("team", t) for t in marts.children.get((wave, job.group_id), [])]
        else:
            parent = marts.parents.get((wave, "team"), {}).get(job.group_id)
            near = [("department", parent)] if parent else []
        job.links = {f"{lvl}:{g}": files[(lvl, g)] for lvl, g in near if (lvl, g) in files}


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


_MARTS: Marts | None = None  # the marts of the current call, inherited by forked workers


def render_all(
    marts_path: Path,
    out_dir: Path,
    *,
    min_group_size: int = DEFAULTS["min_group_size"],
    comment_min_group_size: int = DEFAULTS["comment_min_group_size"],
    quadrant_threshold: float = DEFAULTS["quadrant_threshold"],
    team_reports: bool = DEFAULTS["team_reports"],
    formats: Iterable[str] = FORMATS,
    scopes: Mapping[str, str] | None = None,
    only: Iterable[tuple[str | None, str, str]] = (),
    workers: int | None = None,
) -> RenderResult:
    """Write the reports the scopes ask for; say what was written, removed, and how long.

    Opens the marts read-only, once. `scopes` maps each level (org, department, team) to
    the waves it is rendered for: "all", "latest" or "none" (default: the organisation and
    every department for every wave, the teams of the latest wave; `team_reports=False`
    turns teams off). `only` adds (wave, level, group_id) reports on demand (wave None: the
    latest); a report once rendered stays current on later calls. Writes
    `<out_dir>/<wave>/<stem>.<format>` and `<out_dir>/index.html`; an unchanged report is
    not rewritten. Reports render in a pool of `workers` processes (default: every core).
    """
    formats = tuple(dict.fromkeys(formats))
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report formats: {sorted(unknown)}")
    if min_group_size < MIN_ALLOWED_GROUP_SIZE:
        raise ValueError(f"min_group_size may not be below {MIN_ALLOWED_GROUP_SIZE}")
    if comment_min_group_size < min_group_size:
        raise ValueError("comment_min_group_size may not be below min_group_size")
    scopes = dict(DEFAULT_SCOPES | dict(scopes or {}))
    if not team_reports:
        scopes["team"] = "none"
    bad = {k: v for k, v in scopes.items() if k not in LEVEL_LABELS or v not in SCOPE_CHOICES}
    if bad:
        raise ValueError(f"report scopes: expected level: all|latest|none, got {bad}")
    out_dir = Path(out_dir)
    marts = Marts.open(Path(marts_path), min_group_size)
    if marts.missing:
        log.info("marts without tables %s: those sections stay empty", ", ".join(marts.missing))
    params = {
        "k": min_group_size,
        "comment_k": comment_min_group_size,
        "threshold": float(quadrant_threshold),
    }
    latest = marts.waves[-1] if marts.waves else None
    extra = set()
    for wave, level, gid in only:
        wave = wave or latest
        if level == "org" and not gid and wave is not None:
            gid = marts.org_id(wave) or ""
        extra.add((wave, level, gid))
    for wave, level, gid in sorted(extra, key=str):
        if wave not in marts.waves:
            raise ValueError(f"no wave {wave!r} in the marts (waves: {', '.join(marts.waves)})")
        if (level, gid) not in _stems(marts, wave):
            raise ValueError(
                f"no {level} report {gid!r} in wave {wave}: the name is not in the marts, or "
                "the group has too few responses to show"
            )
    result = RenderResult()
    index: list[tuple[str, list[tuple[str, str, list[str]]]]] = []
    plan: list[tuple[Job, Path]] = []
    for wave in reversed(marts.waves):  # latest first
        directory = out_dir / wave_dir_name(wave)
        on_disk = {m.group(1) for p in _listing(directory) if (m := REPORT_FILE.match(p.name))}
        jobs = _jobs(marts, wave, scopes, extra, on_disk, (formats or ("html",))[0])
        plan += [(job, directory) for job in jobs]
        result.removed += _prune(directory, {job.stem for job in jobs})
        index.append((wave_dir_name(wave), [(j.label, j.stem, list(formats)) for j in jobs]))
    if marts.waves:  # a wave no longer in the marts (withdrawn): its reports go too
        current = {wave_dir_name(wave) for wave in marts.waves}
        for folder in _listing(out_dir):
            if folder.is_dir() and folder.name not in current:
                result.removed += _prune(folder, set())
                if not any(folder.iterdir()):
                    folder.rmdir()
    for paths, written, seconds in _run(marts, plan, params, formats, workers, Path(marts_path)):
        result.paths += paths
        result.written += written
        result.seconds.update(seconds)
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


def _listing(directory: Path) -> list[Path]:
    return list(directory.iterdir()) if directory.is_dir() else []


def _run(
    marts: Marts,
    plan: list,
    params: dict,
    formats: tuple[str, ...],
    workers: int | None,
    source: Path | None = None,
):
    """Render the plan in a process pool over every core when there is more than one report.

    Workers are forked and inherit the indexed marts, unless this process has already
    started the chart engine (vl-convert runs threads, so a forked child could hang): then
    they are spawned and each reads the marts from `source` once.
    """
    global _MARTS
    workers = max(1, min(workers or os.cpu_count() or 1, len(plan)))
    tasks = [(job, directory, params, formats) for job, directory in plan]
    chunks = max(1, len(tasks) // (workers * 8))
    _MARTS = marts
    try:
        if workers == 1:
            return [_render_task(task) for task in tasks]
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if forkable and not charts.engine_started():
            warm_fonts(formats)  # the PDF's fonts parsed once here, inherited by every worker
            with multiprocessing.get_context("fork").Pool(
                workers, _default_signals, maxtasksperchild=500
            ) as pool:
                return pool.map(_render_task, tasks, chunksize=chunks)
        if source is None:
            return [_render_task(task) for task in tasks]
        init = (_open_marts, (source, params["k"]))
        with multiprocessing.get_context("spawn").Pool(workers, *init) as pool:
            return pool.map(_render_task, tasks, chunksize=chunks)
    finally:
        _MARTS = None


def _default_signals() -> None:
    """A forked worker drops the handlers it inherited (Dagster's turn SIGTERM, which ends
    the pool's workers, into an exception and a stack trace on the console)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _open_marts(path: Path, min_group_size: int) -> None:
    global _MARTS
    _MARTS = Marts.open(path, min_group_size)


def _render_task(task: tuple) -> tuple[list[Path], list[Path], dict[str, float]]:
    job, directory, params, formats = task
    assert _MARTS is not None
    result = RenderResult()
    _render_job(_MARTS, job, directory, params, formats, result)
    return result.paths, result.written, result.seconds


def _render_job(
    marts: Marts,
    job: Job,
    directory: Path,
    params: dict,
    formats: tuple[str, ...],
    result: RenderResult,
) -> None:
    data = scope_data(marts, job.wave, job.level, job.group_id, params["threshold"], job.links)
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


__all__ = ["DEFAULT_SCOPES", "RenderResult", "parse_scope", "render_all", "report_options"]
