"""Recognise a vendor layout from the first records and describe its columns.

Detection looks at content only (never the file name):

- qualtrics         3 header rows, row 3 holds ImportIds: ``{"ImportId":"QID2_1"}``
                    (or the 2016 form ``{'ImportId': 'QID2'}``)
- qualtrics_legacy  2 header rows: ``V1, V2, ...`` (and Q ids), then ``ResponseID, ResponseSet, ...``
- surveymonkey      2 header rows: respondent metadata (``Respondent ID``/``RespondentID``/
                    ``StartDate``...) then questions; row 2 holds ``Response``,
                    ``Open-Ended Response`` or sub-column labels under blank matrix cells
- google_forms      1 header row starting with ``Timestamp`` (or a localised name)
- ms_forms          xlsx whose header is ``ID, Start time, Completion time, ...``
- generic_csv       anything else with one header row (LimeSurvey, SurveyGizmo, ...)
"""

from __future__ import annotations

import re

from .model import SURVEYMONKEY_PLAIN, Column


def _norm(s: str | None) -> str:
    return " ".join(str(s or "").split()).casefold()


_IMPORT_ID = re.compile(r"""^\s*\{\s*["']ImportId["']\s*:\s*["']([^"']*)["']""")
_LEGACY_V = re.compile(r"^V\d+$")
_GOOGLE_GRID = re.compile(r"^(.*?\S)\s*\[([^\[\]]*)\]\s*$")
_LIMESURVEY_CODE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:\[[^\]]*\])?)\.\s+\S")

TIMESTAMP_NAMES = {
    "timestamp", "marca temporal", "marca de tiempo", "horodateur", "zeitstempel",
    "carimbo de data/hora", "informazioni cronologiche", "tijdstempel", "sygnatura czasowa",
}
SURVEYMONKEY_META = {
    "respondentid", "respondent id", "collectorid", "collector id", "startdate", "start date",
    "enddate", "end date",
}
MS_FORMS_HEAD = ("id", "start time", "completion time")


def import_id(cell: str | None) -> str | None:
    """The ImportId of a Qualtrics row-3 cell, or None."""
    m = _IMPORT_ID.match(cell or "")
    return m.group(1) if m else None


def _is_import_row(row: list[str]) -> bool:
    cells = [c for c in row if c.strip()]
    if not cells:
        return False
    hits = sum(1 for c in cells if _IMPORT_ID.match(c))
    return hits >= max(1, len(cells) // 2)


def _is_legacy_qualtrics(r0: list[str], r1: list[str]) -> bool:
    head = [c.strip() for c in r0[:5]]
    if not head or head[0] != "V1":
        return False
    if sum(1 for c in head if _LEGACY_V.match(c)) < min(3, len(head)):
        return False
    return "responseid" in {_norm(c) for c in r1[:3]}


def _is_surveymonkey(r0: list[str], r1: list[str]) -> bool:
    n0 = [_norm(c) for c in r0]
    n1 = [_norm(c) for c in r1] + [""] * max(0, len(r0) - len(r1))
    plain = sum(1 for c in n1 if c in SURVEYMONKEY_PLAIN)
    matrix = any(a == "" and b != "" for a, b in zip(n0[1:], n1[1:], strict=False))
    if n0 and n0[0] in SURVEYMONKEY_META and n1[0] == "":
        return plain > 0 or matrix
    # "responses only" exports without metadata columns
    return plain >= 2 and n1[0] in ("", "response", "open-ended response")


def is_ms_forms_header(row: list[str]) -> bool:
    n = [_norm(c) for c in row[:3]]
    return tuple(n) == MS_FORMS_HEAD


def detect_layout(rows: list[list[str]]) -> tuple[str, int]:
    """(format, header_rows) from the first records of a table."""
    r0 = rows[0] if rows else []
    r1 = rows[1] if len(rows) > 1 else []
    if len(rows) >= 3 and _is_import_row(rows[2]):
        return "qualtrics", 3
    if r1 and _is_legacy_qualtrics(r0, r1):
        return "qualtrics_legacy", 2
    if r1 and _is_surveymonkey(r0, r1):
        return "surveymonkey", 2
    if r0 and _norm(r0[0]) in TIMESTAMP_NAMES:
        return "google_forms", 1
    if is_ms_forms_header(r0):
        return "ms_forms", 1
    return "generic_csv", 1


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def build_columns(fmt: str, header: list[list[str]], width: int) -> list[Column]:
    """Describe the ``width`` columns of a table from its header rows."""
    if fmt == "qualtrics":
        return [
            Column(i, _cell(header[0], i), _cell(header[1], i), import_id(_cell(header[2], i)))
            for i in range(width)
        ]
    if fmt == "qualtrics_legacy":
        cols = []
        for i in range(width):
            cid, text = _cell(header[0], i), _cell(header[1], i)
            label = text if (_LEGACY_V.match(cid.strip()) and text) else (cid or text)
            cols.append(Column(i, cid, text, label=label))
        return cols
    if fmt == "surveymonkey":
        return _surveymonkey_columns(header, width)
    cols = []
    for i in range(width):
        name = _cell(header[0], i)
        code = None
        parent = sub = None
        if fmt == "generic_csv":
            m = _LIMESURVEY_CODE.match(name)
            code = m.group(1) if m else None
        g = _GOOGLE_GRID.match(name)
        if g and fmt in ("google_forms", "ms_forms"):
            parent, sub = g.group(1).strip(), g.group(2).strip()
        cols.append(Column(i, name, name, code, sub_label=sub, parent=parent))
    return cols


def _surveymonkey_columns(header: list[list[str]], width: int) -> list[Column]:
    cols = []
    parent = ""
    for i in range(width):
        top, sub = _cell(header[0], i), _cell(header[1], i)
        if top.strip():
            parent = top
        elif sub.strip() and parent:
            top = ""  # a matrix sub-column: the question text sits over the first one only
        else:
            parent = ""
        text = top if top.strip() else (parent if sub.strip() else "")
        sub_label = sub if sub.strip() else None
        if sub_label and _norm(sub_label) not in SURVEYMONKEY_PLAIN:
            label = f"{text} | {sub_label}" if text else sub_label
            cols.append(Column(i, top, text, None, sub_label, text or None, label))
        else:
            cols.append(Column(i, top, text, None, sub_label, None, text or f"column {i + 1}"))
    return cols
