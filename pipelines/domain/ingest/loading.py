"""Load one raw export: parse, map, exclude, validate (GX), decode, pseudonymize.

The result is one `FileOutcome`: the rows for the state database and the row
accounting. For every file, rows read = accepted + excluded + quarantined +
rejected; a rejected file counts whole as rejected. Names, emails and IP
addresses never leave this module: only keyed pseudonyms do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.domain import ingest
from pipelines.domain.comments import RosterNames, clean_comment
from pipelines.domain.ingest.inventory import RawFile
from pipelines.domain.ingest.pseudonym import pseudonymize
from pipelines.domain.ingest.validation import ColumnRule, RowIssue, validate_frame

_PRECUT = 4  # comments are cut to this many times max_comment_length before cleaning


@dataclass
class FileOutcome:
    raw: RawFile
    file_hash: str
    format: str | None = None
    status: str = "accepted"
    rows_read: int = 0
    rows_accepted: int = 0
    excluded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ingest.exclusions.REASONS, 0))
    rows_quarantined: int = 0
    rows_rejected: int = 0
    comments_truncated: int = 0
    dedup_possible: bool = True
    message: str | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def rows_excluded(self) -> int:
        return sum(self.excluded.values())

    @property
    def conserved(self) -> bool:
        total = self.rows_accepted + self.rows_excluded + self.rows_quarantined + self.rows_rejected
        return total == self.rows_read

    def load_record(self) -> dict:
        return {
            "path": self.raw.path, "survey_id": self.raw.survey_id, "wave_id": self.raw.wave_id,
            "file_name": self.raw.file_name, "file_hash": self.file_hash, "format": self.format,
            "status": self.status, "rows_read": self.rows_read, "rows_accepted": self.rows_accepted,
            "rows_excluded": self.rows_excluded,
            "excluded_preview_test_spam": self.excluded["preview_test_spam"],
            "excluded_partial": self.excluded["partial"],
            "excluded_duplicate": self.excluded["duplicate"],
            "rows_quarantined": self.rows_quarantined, "rows_rejected": self.rows_rejected,
            "comments_truncated": self.comments_truncated, "dedup_possible": self.dedup_possible,
            "message": self.message,
        }


def load_file(
    home: Path, raw: RawFile, file_hash: str, codebook: ingest.Codebook, key: bytes,
    roster_names: frozenset[str] | RosterNames = frozenset(), max_comment_length: int = 2000,
) -> FileOutcome:
    outcome = FileOutcome(raw=raw, file_hash=file_hash)
    try:
        parsed = ingest.read_export(home / raw.path)
    except ingest.RejectedFile as exc:
        return _reject(outcome, 0, _relative(str(exc), home, raw))
    outcome.format = parsed.format
    outcome.rows_read = parsed.responses
    if codebook.waves and raw.wave_id not in codebook.waves:
        return _reject(outcome, parsed.responses, (
            f"{raw.file_name}: wave folder '{raw.wave_id}' is not declared under waves in "
            f"{raw.survey_id}/codebook.yaml (declared: {', '.join(sorted(codebook.waves)) or 'none'})"
        ))
    try:
        mapped = ingest.map_export(parsed, codebook, raw.wave_id)
    except ingest.CodebookMismatch as exc:
        problems = "; ".join(p.strip() for p in exc.problems)
        return _reject(outcome, parsed.responses, _relative(
            f"{raw.file_name}: the codebook {raw.survey_id}/codebook.yaml does not fit the export "
            f"({parsed.format}): {problems}", home, raw))
    result = ingest.apply_exclusions(mapped, codebook)
    kept = result.kept
    outcome.excluded.update(result.counts)
    outcome.dedup_possible = result.dedup_possible

    kept = kept.assign(submitted_ts=ingest.parse_timestamps(kept["submitted_at"]))
    names = _column_names(parsed, mapped, codebook, raw.wave_id)
    issues = validate_frame(kept, response_rules(codebook, mapped, raw.wave_id, names),
                            f"{raw.survey_id}/{raw.wave_id}")
    if parsed.truncated_record is not None and parsed.truncated_record in set(kept["record_number"]):
        # its other failures only follow from the cut
        issues = [i for i in issues if i.record_number != parsed.truncated_record]
        issues.append(RowIssue(
            parsed.truncated_record, "(whole record)", "truncated",
            "the file ends in the middle of this record (no final newline, and fewer fields than "
            "the header or an unclosed quote), so its last answers are missing; expected a "
            "complete record: export the file again"))
    bad = {issue.record_number for issue in issues}
    accepted = kept[~kept["record_number"].isin(bad)]
    outcome.rows_quarantined = len(bad)
    outcome.rows_accepted = len(accepted)
    if bad:
        outcome.status = "partly_quarantined"
    outcome.tables = _state_rows(outcome, accepted, codebook, key, roster_names, max_comment_length)
    outcome.tables["quarantine"] = _quarantine_rows(raw, issues, kept)
    outcome.message = _notes(parsed, mapped, result.dedup_possible, outcome.comments_truncated,
                             max_comment_length) or None
    return outcome


def _relative(message: str, home: Path, raw: RawFile) -> str:
    """Messages name the file, never the machine's absolute paths."""
    message = message.replace(str(home / raw.path), raw.file_name)
    return message.replace(str(home) + "/", "")


def _notes(parsed: ingest.ParsedExport, mapped: ingest.MappedExport, dedup_possible: bool,
           truncated: int, max_comment_length: int) -> str:
    """What a person should know about an accepted file (column names only, never values)."""
    notes = []
    if not dedup_possible:
        notes.append("no respondent ID in the export: duplicate submissions cannot be detected")
    unmapped = [c for c in mapped.unmapped_columns if c.strip()]
    if unmapped:
        shown = ", ".join(unmapped[:12]) + (f" and {len(unmapped) - 12} more" if len(unmapped) > 12 else "")
        notes.append(f"{len(unmapped)} column(s) not in the codebook, not loaded: {shown}")
    if truncated:
        notes.append(f"{truncated} comment(s) longer than max_comment_length ({max_comment_length}) "
                     "were truncated")
    notes += [w for w in parsed.warnings if "truncated" not in w]
    return "; ".join(notes)


def _reject(outcome: FileOutcome, rows: int, message: str) -> FileOutcome:
    outcome.status = "rejected"
    outcome.rows_read = rows
    outcome.rows_rejected = rows
    outcome.message = message
    return outcome


def response_rules(codebook: ingest.Codebook, mapped: ingest.MappedExport, wave_id: str,
                   names: dict[str, str] | None = None) -> list[ColumnRule]:
    """The expectation suite of one export, derived from its codebook.

    ``names`` gives the export's name of each checked column (item ID or respondent field),
    used in messages; by default the item IDs.
    """
    names = names or {}
    rules = []
    for item in codebook.items:
        if item.role == "comment" or item.id not in mapped.mapped_items:
            continue
        rules.append(ColumnRule(
            column=item.id, rule="in_set", value_set=tuple(ingest.item_tokens(item, codebook)),
            describe=_scale_words(item), export_column=names.get(item.id, item.id),
        ))
    respondent = codebook.respondent_for(wave_id)
    if "id" in respondent:
        rules.append(ColumnRule(column="respondent_id", rule="not_null",
                                describe="a respondent ID, as the codebook names one",
                                export_column=names.get("respondent_id", "respondent ID column")))
    wave = codebook.waves.get(wave_id)
    if "timestamp" in respondent:
        where = names.get("submitted_at", "timestamp column")
        rules.append(ColumnRule(column="submitted_ts", rule="not_null", export_column=where,
                                describe="a readable date and time",
                                missing="the value is missing or is not a date and time"))
    if "timestamp" in respondent and wave is not None:
        rules.append(ColumnRule(
            column="submitted_ts", rule="between", copy_values=True, export_column=where,
            min_value=pd.Timestamp(wave.period_start),
            max_value=pd.Timestamp(wave.close_date + dt.timedelta(days=1)) - pd.Timedelta(seconds=1),
            describe=f"within the wave {wave_id} ({wave.period_start} to {wave.close_date})",
        ))
    return rules


def _scale_words(item: ingest.Item) -> str:
    scale = item.scale
    labels = f"{scale.labels[0]} … {scale.labels[-1]}, " if scale.labels else ""
    no_answer = f", or a no-answer code ({', '.join(scale.no_answer)})" if scale.no_answer else ""
    return f"on the item's scale (expected one of: {labels}codes {scale.min}–{scale.max}{no_answer})"


def _column_names(parsed: ingest.ParsedExport, mapped: ingest.MappedExport,
                  codebook: ingest.Codebook, wave_id: str) -> dict[str, str]:
    """Item ID / respondent field -> the column's name in the export, for messages."""
    names = {}
    for item_id, positions in mapped.item_columns.items():
        labels = " + ".join(parsed.columns[p].label for p in positions)
        names[item_id] = labels if labels == item_id else f"{labels} (item {item_id})"
    for key, ref in codebook.respondent_for(wave_id).items():
        if ref is not None and key in ingest.RESPONDENT_COLUMNS:
            names[ingest.RESPONDENT_COLUMNS[key]] = ref.id if ref.id is not None else ref.text
    return names


def _quarantine_rows(raw: RawFile, issues, kept: pd.DataFrame) -> pd.DataFrame:
    lines = dict(zip(kept["record_number"], kept["line_number"], strict=True))
    rows = [{
        "path": raw.path, "file_name": raw.file_name, "wave_id": raw.wave_id,
        "record_number": issue.record_number, "line_number": int(lines[issue.record_number]),
        "column_name": issue.column.split(" (item ")[0], "rule": issue.rule,
        "message": f"{raw.file_name} record {issue.record_number}, column {issue.column}: {issue.message}",
    } for issue in sorted(issues, key=lambda i: (i.record_number, i.column))]
    return pd.DataFrame(rows, columns=["path", "file_name", "wave_id", "record_number", "line_number",
                                       "column_name", "rule", "message"])


def _state_rows(outcome: FileOutcome, accepted: pd.DataFrame, codebook: ingest.Codebook, key: bytes,
                roster_names: frozenset[str] | RosterNames,
                max_comment_length: int) -> dict[str, pd.DataFrame]:
    raw = outcome.raw
    codes = ingest.decode(accepted, codebook)
    response_keys = [pseudonymize(f"{raw.path}|{rec}", key) for rec in codes["record_number"]]
    enps_items = [i.id for i in codebook.items if i.role == "enps" and i.id in codes.columns]
    responses = pd.DataFrame({
        "path": raw.path, "survey_id": raw.survey_id, "wave_id": raw.wave_id,
        "response_key": response_keys,
        "respondent_key": [pseudonymize(v, key) for v in _col(codes, "respondent_id")],
        "email_key": [pseudonymize(v, key) for v in _col(codes, "email")],
        "team_raw": list(_col(codes, "team")),
        "submitted_at": codes["submitted_ts"].to_numpy(),
        "enps": codes[enps_items[0]].to_numpy() if enps_items else float("nan"),
    })
    item_ids = [i.id for i in codebook.items if i.role == "item" and i.id in codes.columns]
    wide = codes[item_ids].assign(response_key=response_keys)
    answers = wide.melt(id_vars="response_key", var_name="item_id", value_name="value").dropna()
    answers.insert(0, "path", raw.path)
    answers.insert(2, "wave_id", raw.wave_id)
    comments = []
    comment_items = [i for i in codebook.items if i.role == "comment" and i.id in codes.columns]
    if comment_items and not isinstance(roster_names, RosterNames):
        roster_names = RosterNames(roster_names)  # once per file, not once per comment
    for item in comment_items:
        for rkey, text in zip(response_keys, codes[item.id], strict=True):
            text = None if pd.isna(text) else str(text)
            cut = text is not None and len(text) > _PRECUT * max_comment_length + 1000
            if cut:  # a huge cell: cleaning all of it would only cost time
                text = text[: _PRECUT * max_comment_length + 1000]
            cleaned = clean_comment(text, roster_names, max_comment_length)
            outcome.comments_truncated += int(cleaned.truncated or (cut and cleaned.text is not None))
            if cleaned.text:
                comments.append({"path": raw.path, "response_key": rkey, "wave_id": raw.wave_id,
                                 "text": cleaned.text})
    return {
        "responses": responses,
        "answers": answers[["path", "response_key", "wave_id", "item_id", "value"]],
        "comments": pd.DataFrame(comments, columns=["path", "response_key", "wave_id", "text"]),
    }


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index)
