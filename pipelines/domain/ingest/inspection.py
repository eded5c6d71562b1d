"""inspect_file: what Tandem sees in an export (backs ``tandem inspect``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.domain.config.codebook import Codebook, load_codebook

from .exclusions import apply_exclusions
from .mapping import map_export
from .reader import read_export
from .sniff import delimiter_name


def guess_wave(path: Path, codebook: Codebook) -> str | None:
    """The wave a file belongs to: the nearest parent folder named like a codebook wave."""
    for parent in path.resolve().parents:
        if parent.name in codebook.waves:
            return parent.name
    return None


def inspect_file(path: str | Path, codebook_path: str | Path | None = None,
                 wave_id: str | None = None) -> dict[str, Any]:
    """Read an export (and apply a codebook when given) and describe it.

    Keys: file, format, header_rows, delimiter, encoding, responses (data records before
    any exclusion), excluded (0 without a codebook), excluded_by_reason, mapped_items,
    unmapped_columns, not_asked, invalid_values, dedup_possible, wave, warnings.
    RejectedFile, CodebookError and CodebookMismatch propagate to the caller.
    """
    path = Path(path)
    parsed = read_export(path)
    report: dict[str, Any] = {
        "file": str(path),
        "format": parsed.format,
        "header_rows": parsed.header_rows,
        "delimiter": parsed.delimiter,
        "encoding": parsed.encoding,
        "columns": len(parsed.columns),
        "responses": parsed.responses,
        "excluded": 0,
        "excluded_by_reason": {},
        "mapped_items": [],
        "unmapped_columns": [c.label for c in parsed.columns],
        "not_asked": [],
        "invalid_values": 0,
        "dedup_possible": None,
        "wave": None,
        "survey_id": None,
        "warnings": list(parsed.warnings),
    }
    if codebook_path is None:
        return report
    codebook = load_codebook(codebook_path)
    wave = wave_id or guess_wave(path, codebook)
    mapped = map_export(parsed, codebook, wave)
    result = apply_exclusions(mapped, codebook)
    report.update(
        excluded=len(result.excluded),
        excluded_by_reason={k: v for k, v in result.counts.items() if v},
        mapped_items=list(mapped.mapped_items),
        unmapped_columns=list(mapped.unmapped_columns),
        not_asked=list(mapped.not_asked),
        invalid_values=len(mapped.invalid_values),
        dedup_possible=result.dedup_possible,
        wave=wave,
        survey_id=codebook.survey_id,
        warnings=list(mapped.warnings),
    )
    return report


def _shorten(v: str, width: int = 72) -> str:
    if len(v) <= width:
        return v
    if " | " in v:  # keep the row label of a matrix column visible
        q, _, row = v.rpartition(" | ")
        row = row if len(row) <= width // 2 else row[: width // 2 - 3] + "..."
        keep = max(10, width - len(row) - 6)
        return q[:keep] + "... | " + row
    return v[: width - 3] + "..."


def _short_list(values: list[str], limit: int = 15) -> str:
    shown = [_shorten(v) for v in values[:limit]]
    more = f"\n    ... and {len(values) - limit} more" if len(values) > limit else ""
    return "".join(f"\n    {v}" for v in shown) + more


def format_inspect_report(d: dict[str, Any]) -> str:
    """A human-readable rendering of inspect_file's dictionary."""
    lines = [
        f"File:       {d.get('file', '?')}",
        f"Format:     {d['format']} ({d['header_rows']} header row"
        f"{'s' if d['header_rows'] != 1 else ''})",
        f"Delimiter:  {delimiter_name(d['delimiter'])}",
        f"Encoding:   {d['encoding']}",
        f"Responses:  {d['responses']}",
    ]
    if d.get("survey_id"):
        lines.append(f"Codebook:   survey {d['survey_id']}"
                     + (f", wave {d['wave']}" if d.get("wave") else ", default columns"))
        reasons = ", ".join(f"{k} {v}" for k, v in d.get("excluded_by_reason", {}).items())
        lines.append(f"Excluded:   {d['excluded']}" + (f" ({reasons})" if reasons else ""))
        lines.append(f"Kept:       {d['responses'] - d['excluded']}")
        if d.get("dedup_possible") is False:
            lines.append("Duplicates: cannot be detected (the codebook names no respondent id "
                         "or email)")
        if d.get("invalid_values"):
            lines.append(f"Off-scale:  {d['invalid_values']} answer(s) not on their item's scale")
        lines.append(f"Mapped items ({len(d['mapped_items'])}): {', '.join(d['mapped_items'])}")
        if d.get("not_asked"):
            lines.append(f"Not asked in this wave: {', '.join(d['not_asked'])}")
        title = "Unmapped columns"
    else:
        lines.append("Excluded:   0 (no codebook given)")
        title = "Columns"
    cols = d.get("unmapped_columns", [])
    lines.append(f"{title} ({len(cols)}):{_short_list(cols)}")
    for w in d.get("warnings", []):
        lines.append(f"Warning:    {w}")
    return "\n".join(lines)
