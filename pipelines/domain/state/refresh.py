"""Bring the state database up to date with `data/raw/`, wave by wave.

Two steps, each its own asset:
- `refresh_reference`: the rosters, the lineage map and the codebooks (small, re-read
  whenever one of them changed), and the rows of waves that were withdrawn from `data/raw/`;
- `refresh_waves`: the exports of the chosen waves (the Dagster partitions that are stale).
  Only new or changed files are parsed (a file's load key is its content hash and what the
  codebook says about its wave); a changed file replaces its earlier rows; a rejected file
  keeps its earlier accepted version in use. No other wave's rows are touched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from pipelines.domain import ingest
from pipelines.domain.comments import RosterNames
from pipelines.domain.config.codebook import wave_fingerprint
from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.fingerprint import CACHE_NAME, HashCache
from pipelines.domain.ingest.inventory import scan_surveys, wave_key, wave_of_path
from pipelines.domain.ingest.loading import FileOutcome, load_file
from pipelines.domain.ingest.roster import (
    QUARANTINE_COLUMNS,
    RosterError,
    RosterLoad,
    check_lineage,
    load_roster,
)
from pipelines.domain.state import db as state

#: Bump when parsing or validation changes, so every file is loaded again.
LOADER_VERSION = "3"


@dataclass
class RefreshSummary:
    files_seen: int = 0
    files_loaded: list[str] = field(default_factory=list)
    files_unchanged: int = 0
    files_removed: list[str] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]


def refresh_state(ws: Workspace, key: bytes, log: Callable[[str], None] = print) -> RefreshSummary:
    """Both steps over every wave (what a from-scratch run does)."""
    summary = refresh_reference(ws, key, log)
    waves = refresh_waves(ws, key, None, log)
    waves.warnings[:0] = summary.warnings
    waves.files_removed[:0] = summary.files_removed
    return waves


def refresh_reference(ws: Workspace, key: bytes, log: Callable[[str], None] = print) -> RefreshSummary:
    """Rosters, lineage, the codebooks' items and waves; forget the waves no longer in data/raw/."""
    summary = RefreshSummary()
    with state.connect(ws.state_file, ws.duckdb_config()) as con:
        _refresh_rosters(ws, key, con, summary)
        surveys = scan_surveys(ws.home, ws.surveys_dir)
        items, waves = [], []
        for survey, codebook in _codebooks(surveys, summary).items():
            if isinstance(codebook, Exception):
                continue
            items += [{"survey_id": survey.survey_id, "item_id": i.id, "construct": i.construct,
                       "reverse": i.reverse, "scale_min": i.scale.min, "scale_max": i.scale.max,
                       "item_text": i.text} for i in codebook.items if i.role == "item"]
            waves += [{"survey_id": survey.survey_id, "wave_id": w, "period_start": v.period_start,
                       "close_date": v.close_date, "team_join": codebook.team_join}
                      for w, v in sorted(codebook.waves.items())]
            if not codebook.waves:  # undeclared waves: every wave folder, with no period
                waves += [{"survey_id": survey.survey_id, "wave_id": w, "period_start": None,
                           "close_date": None, "team_join": codebook.team_join}
                          for w in sorted({f.wave_id for f in survey.files})]
        state.replace_table(con, "items", pd.DataFrame(items))
        state.replace_table(con, "waves", pd.DataFrame(waves))
        present = {wave_key(f.survey_id, f.wave_id) for s in surveys for f in s.files}
        for (path,) in con.execute("SELECT path FROM file_registry ORDER BY path").fetchall():
            if wave_of_path(path) not in present:  # a withdrawn wave: its rows go with it
                state.forget_file(con, path)
                summary.files_removed.append(path)
                log(f"{path}: its wave was withdrawn from data/raw/; its rows were removed")
    return summary


def refresh_waves(ws: Workspace, key: bytes, chosen: set[str] | None,
                  log: Callable[[str], None] = print,
                  reparse: set[str] = frozenset()) -> RefreshSummary:
    """Load the new or changed exports of the `chosen` waves (`survey/wave`; None: all), and
    every export of the waves in `reparse`, changed or not (a backfill)."""
    settings = ws.settings()
    summary = RefreshSummary()
    with state.connect(ws.state_file, ws.duckdb_config()) as con:
        # the roster's names, one index for the run: every comment is masked against it
        roster_names = RosterNames(_roster_names(ws, key))
        surveys = scan_surveys(ws.home, ws.surveys_dir)
        codebooks = _codebooks(surveys, RefreshSummary())
        registry = {r[0]: r[1:] for r in con.execute(
            "SELECT path, size, mtime, file_hash, load_key FROM file_registry").fetchall()}
        # the planner's memo of content hashes, read only (it is saved by the planner, which
        # sees every input; a wave's run sees only its own files)
        hashes = HashCache(ws.state_dir / CACHE_NAME)
        seen = set()
        for survey in surveys:
            codebook = codebooks[survey]
            for raw in survey.files:
                if chosen is not None and wave_key(raw.survey_id, raw.wave_id) not in chosen:
                    continue
                seen.add(raw.path)
                summary.files_seen += 1
                known = registry.get(raw.path)
                file_hash = hashes.sha256(ws.home / raw.path)  # hashed once, by the planner
                # the codebook counts only as far as it shapes this wave's parsing: a label
                # renamed, or the next wave declared, re-ingests nothing
                shape = ("invalid:" + hashlib.sha256(str(codebook).encode()).hexdigest()[:16]
                         if isinstance(codebook, Exception)
                         else wave_fingerprint(codebook, raw.wave_id))
                load_key = f"{file_hash}:{shape}:{LOADER_VERSION}:{settings.max_comment_length}"
                again = wave_key(raw.survey_id, raw.wave_id) in reparse
                if known and known[3] == load_key and not again:
                    summary.files_unchanged += 1
                    if known[:2] != (raw.size, raw.mtime):
                        _register(con, raw, file_hash, load_key)
                    continue
                if isinstance(codebook, Exception):
                    outcome = _codebook_rejected(ws, raw, file_hash, codebook)
                else:
                    outcome = load_file(ws.home, raw, file_hash, codebook, key, roster_names,
                                        settings.max_comment_length)
                with state.transaction(con):  # rows, load record and registry together
                    _store(con, outcome)
                    _register(con, raw, file_hash, load_key)
                summary.files_loaded.append(raw.path)
                summary.outcomes.append(outcome)
                log(f"{raw.path}: {outcome.status}, {outcome.rows_read} read, "
                    f"{outcome.rows_accepted} accepted, {outcome.rows_excluded} excluded, "
                    f"{outcome.rows_quarantined} quarantined")
        for path in sorted(registry):
            gone = path not in seen and (chosen is None or wave_of_path(path) in chosen)
            if gone:  # removed from its wave (a withdrawn wave is refresh_reference's)
                state.forget_file(con, path)
                summary.files_removed.append(path)
    return summary


def _codebooks(surveys, summary: RefreshSummary) -> dict:
    """Each survey's codebook, or the error that rejected it (named in the summary)."""
    codebooks = {}
    for survey in surveys:
        try:
            codebooks[survey] = ingest.load_codebook(survey.codebook_path)
        except (ingest.CodebookError, FileNotFoundError) as exc:
            summary.warnings.append(f"{survey.survey_id}: codebook rejected: {exc}")
            codebooks[survey] = exc
    return codebooks


def _roster_files(ws: Workspace) -> list:
    return sorted(ws.roster_dir.glob("*.csv")) if ws.roster_dir.is_dir() else []


def _roster_names(ws: Workspace, key: bytes) -> frozenset[str]:
    """The full names of every roster that can be used (a rejected one is refresh_reference's
    to report)."""
    names: set[str] = set()
    for path in _roster_files(ws):
        try:
            names |= load_roster(path, ws.home, key).full_names
        except RosterError:
            continue
    return frozenset(names)


def _codebook_rejected(ws: Workspace, raw, file_hash: str, error: Exception) -> FileOutcome:
    """A file whose survey has no valid codebook: rejected whole, its records counted."""
    outcome = FileOutcome(raw=raw, file_hash=file_hash, status="rejected")
    try:
        parsed = ingest.read_export(ws.home / raw.path)
        outcome.format, outcome.rows_read = parsed.format, parsed.responses
    except ingest.RejectedFile:
        pass
    outcome.rows_rejected = outcome.rows_read
    first, *rest = str(error).replace(str(ws.home) + "/", "").splitlines() or [""]
    reason = " ".join([first, "; ".join(line.strip() for line in rest)]).strip()
    outcome.message = f"{raw.file_name}: the survey's codebook is invalid: {reason}"
    return outcome


def _register(con, raw, file_hash: str, load_key: str) -> None:
    con.execute("INSERT OR REPLACE INTO file_registry VALUES (?, ?, ?, ?, ?)",
                [raw.path, raw.size, raw.mtime, file_hash, load_key])


def _store(con, outcome: FileOutcome) -> None:
    record = outcome.load_record()
    if outcome.status == "rejected":
        # keep the earlier accepted version's rows; only the load record changes
        previous = con.execute("SELECT data_file_hash FROM file_loads WHERE path = ?",
                               [outcome.raw.path]).fetchone()
        record["data_file_hash"] = previous[0] if previous else None
    else:
        state.replace_file_rows(con, outcome.raw.path, outcome.tables)
        record["data_file_hash"] = outcome.file_hash
    columns = ", ".join(record)
    con.execute(f"INSERT OR REPLACE INTO file_loads ({columns}) VALUES ({', '.join('?' * len(record))})",
                list(record.values()))


def _refresh_rosters(ws: Workspace, key: bytes, con, summary: RefreshSummary) -> list[RosterLoad]:
    """Re-read every roster and the lineage map; their issues replace their quarantine rows.

    A roster that cannot be used at all keeps its earlier accepted rows (if any), like a
    rejected survey export, and is named once in the quarantine table (rule ``rejected``).
    """
    loads: list[RosterLoad] = []
    kept: list[pd.DataFrame] = []
    issues: list[pd.DataFrame] = []
    for path in _roster_files(ws):
        try:
            loads.append(load_roster(path, ws.home, key))
        except RosterError as exc:
            message = str(exc).replace(str(path), path.name)
            summary.warnings.append(f"roster rejected: {message}")
            wave_id = "*" if path.stem == "roster" else path.stem
            kept.append(con.execute("SELECT * FROM roster WHERE wave_id = ?", [wave_id]).df())
            issues.append(_file_issue(path.relative_to(ws.home).as_posix(), wave_id, message))
    for load in loads:
        summary.warnings += load.warnings
        summary.warnings += [f"{load.path} record {i.record_number}, column {i.column}: {i.message}"
                             for i in load.issues]
        issues.append(load.quarantine)
    frames = [r.frame for r in loads] + [k for k in kept if not k.empty]
    state.replace_table(con, "roster", pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
    known = set().union(*(set(r.frame["team"]) for r in loads)) if loads else set()
    known |= {t for k in kept for t in k["team"] if t is not None}
    try:
        lineage = check_lineage(ws.lineage_file, known, ws.home)
        summary.warnings += lineage.warnings
        issues.append(lineage.quarantine)
        state.replace_table(con, "lineage", lineage.frame)
    except RosterError as exc:  # keep the lineage rows in use
        rel = ws.lineage_file.relative_to(ws.home).as_posix()
        message = str(exc).replace(str(ws.lineage_file), ws.lineage_file.name)
        summary.warnings.append(f"lineage rejected: {message}")
        issues.append(_file_issue(rel, "*", message))
    _replace_reference_issues(con, ws, [i for i in issues if i is not None and not i.empty])
    return loads


def _file_issue(path: str, wave_id: str, message: str) -> pd.DataFrame:
    name = path.rsplit("/", 1)[-1]
    return pd.DataFrame([{"path": path, "file_name": name, "wave_id": wave_id, "record_number": None,
                          "line_number": None, "column_name": "(whole file)", "rule": "rejected",
                          "message": f"{message}; the earlier accepted version (if any) stays in use"}],
                        columns=QUARANTINE_COLUMNS)


def _replace_reference_issues(con, ws: Workspace, frames: list[pd.DataFrame]) -> None:
    """Swap the quarantine rows of the rosters and the lineage map (re-checked every run)."""
    roster_prefix = ws.roster_dir.relative_to(ws.home).as_posix() + "/"
    lineage = ws.lineage_file.relative_to(ws.home).as_posix()
    con.execute("DELETE FROM quarantine WHERE starts_with(path, ?) OR path = ?", [roster_prefix, lineage])
    if frames:
        incoming = pd.concat(frames, ignore_index=True)[QUARANTINE_COLUMNS]
        con.register("incoming_issues", incoming)
        con.execute(f"INSERT INTO quarantine ({', '.join(QUARANTINE_COLUMNS)}) "
                    f"SELECT {', '.join(QUARANTINE_COLUMNS)} FROM incoming_issues")
        con.unregister("incoming_issues")
