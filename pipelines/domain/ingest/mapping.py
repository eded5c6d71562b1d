"""map_export: apply a codebook to a parsed export.

Column references (``{id: X}`` or ``{text: "..."}``, optional ``occurrence: N``):

- ``id`` matches a column's id (Qualtrics row 1, the header cell elsewhere) or its ImportId
  (Qualtrics row 3, a LimeSurvey question code), exactly first and then case-insensitively;
  when nothing matches, it falls back to the question text (legacy Qualtrics keeps
  ``ResponseID``/``Status`` in its second row).
- ``text`` matches the question text, case- and whitespace-insensitively. A sub-column is
  ``"Question text | Row label"``: a SurveyMonkey matrix row, or a Google Forms grid row
  ``Question [Row]`` (the literal header works too).
- ``occurrence`` picks the N-th (1-based, left to right) of several columns that match.
  Several matches without an occurrence are an error, except when they are one SurveyMonkey
  question spread over one column per answer option: those are collapsed into one value.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipelines.domain.config.codebook import Codebook, ColumnRef, Item, item_tokens, normalize_label
from pipelines.domain.config.errors import CodebookMismatch

from .model import SURVEYMONKEY_PLAIN, ParsedExport

RESPONDENT_COLUMNS = {
    "id": "respondent_id", "email": "email", "team": "team", "timestamp": "submitted_at",
    "status": "status", "progress": "progress", "finished": "finished",
}
UNKNOWN_SHARE_LIMIT = 0.5  # more unknown answers than this -> the codebook does not fit


@dataclass
class MappedExport:
    frame: pd.DataFrame
    format: str
    header_rows: int
    mapped_items: list[str]
    unmapped_columns: list[str]
    not_asked: list[str] = field(default_factory=list)  # items with no column in this wave
    item_columns: dict[str, list[int]] = field(default_factory=dict)
    invalid_values: pd.DataFrame | None = None  # record_number, line_number, item_id, value
    warnings: list[str] = field(default_factory=list)
    wave_id: str | None = None
    path: str | None = None
    respondent_fields: list[str] = field(default_factory=list)  # codebook keys found (id, email...)


class _Index:
    def __init__(self, parsed: ParsedExport):
        self.columns = parsed.columns
        self.by_id: dict[str, list[int]] = {}
        self.by_id_fold: dict[str, list[int]] = {}
        self.by_text: dict[str, list[int]] = {}
        for c in parsed.columns:
            for key in {c.id, c.import_id} - {None, ""}:
                self.by_id.setdefault(key, []).append(c.position)
                self.by_id_fold.setdefault(normalize_label(key), []).append(c.position)
            keys = {normalize_label(c.text)} if c.text.strip() else set()
            if c.sub_label and (c.parent or c.text):
                keys.add(f"{normalize_label(c.parent or c.text)} | {normalize_label(c.sub_label)}")
            for key in keys:
                self.by_text.setdefault(key, []).append(c.position)
        self.names = sorted({c.label for c in parsed.columns} | {c.id for c in parsed.columns
                                                                  if c.id})

    def candidates(self, ref: ColumnRef) -> list[int]:
        if ref.id is not None:
            for table, key in ((self.by_id, ref.id), (self.by_id_fold, normalize_label(ref.id)),
                               (self.by_text, normalize_label(ref.id))):
                if key in table:
                    return sorted(set(table[key]))
            return []
        key = normalize_label(ref.text)
        found = self.by_text.get(key)
        if found is None and key.endswith("]") and "[" in key:  # grid written as Q [Row]
            q, _, row = key[:-1].rpartition("[")
            found = self.by_text.get(f"{q.strip()} | {row.strip()}")
        if found is None and "|" in key:  # "Question|Row" without the spaces
            q, _, row = key.rpartition("|")
            found = self.by_text.get(f"{q.strip()} | {row.strip()}")
        return sorted(set(found or []))

    def close(self, ref: ColumnRef) -> list[str]:
        want = ref.id if ref.id is not None else ref.text
        folded = {normalize_label(n): n for n in self.names}
        key = normalize_label(want)
        # a renamed column usually keeps its old name as a prefix (Q1_3 -> Q1_3_v2)
        hits = sorted(n for n in folded if n != key and (n.startswith(key) or key.startswith(n)))
        hits += difflib.get_close_matches(key, list(folded), n=3, cutoff=0.6)
        return [folded[h] for h in dict.fromkeys(hits)][:3]


def _one_hot(index: _Index, positions: list[int], item: Item | None) -> bool:
    """Several columns = one question with one column per answer option?"""
    cols = [index.columns[p] for p in positions]
    subs = [normalize_label(c.sub_label or "") for c in cols]
    if item is None or item.scale is None or "" in subs or len(set(subs)) != len(subs):
        return False
    if any(s in SURVEYMONKEY_PLAIN for s in subs) or len({c.text for c in cols}) != 1:
        return False
    tokens = item_tokens(item)
    return sum(1 for s in subs if s in tokens) * 2 >= len(subs)


def _resolve(index: _Index, ref: ColumnRef, what: str, item: Item | None,
             problems: list[str]) -> list[int] | None:
    found = index.candidates(ref)
    if not found:
        close = index.close(ref)
        hint = f"; close matches: {', '.join(repr(c) for c in close)}" if close else ""
        problems.append(f"{what}: no column with {ref.describe()}{hint}")
        return None
    if ref.occurrence:
        if ref.occurrence > len(found):
            problems.append(f"{what}: {ref.describe()} asks for occurrence {ref.occurrence}, "
                            f"but only {len(found)} column(s) match")
            return None
        return [found[ref.occurrence - 1]]
    if len(found) == 1 or _one_hot(index, found, item):
        return found
    labels = ", ".join(repr(index.columns[p].label) for p in found[:6])
    problems.append(f"{what}: {len(found)} columns match {ref.describe()} ({labels}); add "
                    f"'occurrence: 1..{len(found)}' or use 'Question | Row' for a matrix row")
    return None


def map_unique(values, fn) -> np.ndarray:
    """Apply ``fn`` once per distinct non-missing value; missing stays None (object array)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(u) for u in uniques]
    table[-1] = None
    return table[codes]


def _strip(u) -> str | None:
    return str(u).strip() or None


def _token(u) -> str | None:
    return normalize_label(u) or None


def _collapse(parsed: ParsedExport, positions: list[int], item_id: str,
              warnings: list[str]) -> np.ndarray:
    """One-hot columns -> one token per record (the sub-label of the filled column)."""
    filled = np.column_stack([map_unique(parsed.records[p], _strip) != None  # noqa: E711
                              for p in positions])
    n = filled.sum(axis=1)
    value = np.full(len(parsed.records), None, dtype=object)
    for j, p in enumerate(positions):
        value[filled[:, j] & (n == 1)] = normalize_label(parsed.columns[p].sub_label)
    if (n > 1).any():
        warnings.append(f"item {item_id}: {int((n > 1).sum())} record(s) chose more than one "
                        "option of a single-answer question; they are left blank")
    return value


def map_export(parsed: ParsedExport, codebook: Codebook, wave_id: str | None = None
               ) -> MappedExport:
    """Find every codebook column in the export and build the tidy response frame.

    Raises CodebookMismatch, before any data is returned, when an item's or respondent
    field's column is missing or ambiguous, or when most answers of an item are not on its
    scale. A minority of off-scale answers is listed in ``invalid_values`` instead.
    """
    where = f"codebook {codebook.source} vs export {parsed.path} ({parsed.format})"
    if wave_id is not None and codebook.waves and wave_id not in codebook.waves:
        raise CodebookMismatch(f"{where}: wave {wave_id!r} is not in the codebook's waves "
                               f"({', '.join(codebook.waves)})")
    index = _Index(parsed)
    problems: list[str] = []
    respondent: dict[str, int] = {}
    for key, ref in codebook.respondent_for(wave_id).items():
        if ref is None:
            continue
        pos = _resolve(index, ref, f"respondent.{key}", None, problems)
        if pos:
            respondent[key] = pos[0]
    item_cols: dict[str, list[int]] = {}
    not_asked: list[str] = []
    for item in codebook.items:
        ref = item.column_for(wave_id)
        if ref is None:
            not_asked.append(item.id)
            continue
        pos = _resolve(index, ref, f"item {item.id}", item, problems)
        if pos:
            item_cols[item.id] = pos
    if problems:
        raise CodebookMismatch(f"{where}: the codebook does not fit the export:\n"
                               + "\n".join(f"  {p}" for p in problems), problems)

    warnings: list[str] = []
    n = len(parsed.records)
    empty = np.full(n, None, dtype=object)
    data: dict[str, np.ndarray] = {"record_number": parsed.record_numbers,
                                   "line_number": parsed.line_numbers}
    for key, name in RESPONDENT_COLUMNS.items():
        data[name] = map_unique(parsed.records[respondent[key]], _strip) if key in respondent \
            else empty
    invalid: list[pd.DataFrame] = []
    for item in codebook.items:
        if item.id in not_asked:
            data[item.id] = empty
            continue
        pos = item_cols[item.id]
        if item.role == "comment":
            data[item.id] = map_unique(parsed.records[pos[0]], _strip)
            continue
        if len(pos) > 1:
            tokens = _collapse(parsed, pos, item.id, warnings)
        else:
            tokens = map_unique(parsed.records[pos[0]], _token)
        data[item.id] = tokens
        bad = _check_scale(item, tokens, index, pos, problems)
        if bad is not None and bad.any():
            invalid.append(pd.DataFrame({
                "record_number": parsed.record_numbers[bad],
                "line_number": parsed.line_numbers[bad],
                "item_id": item.id, "value": tokens[bad]}))
    frame = pd.DataFrame(data)
    if problems:
        raise CodebookMismatch(f"{where}: answers are not on the codebook's scale:\n"
                               + "\n".join(f"  {p}" for p in problems), problems)
    used = {p for ps in item_cols.values() for p in ps} | set(respondent.values())
    unmapped = [c.label for c in parsed.columns if c.position not in used]
    invalid_df = (pd.concat(invalid, ignore_index=True) if invalid else pd.DataFrame(
        {"record_number": pd.Series([], dtype="int64"), "line_number": pd.Series([], dtype="int64"),
         "item_id": pd.Series([], dtype=str), "value": pd.Series([], dtype=str)}))
    if len(invalid_df):
        warnings.append(f"{len(invalid_df)} answer(s) are not on their item's scale "
                        f"(items {', '.join(sorted(invalid_df['item_id'].unique()))})")
    return MappedExport(frame, parsed.format, parsed.header_rows,
                        [i for i in item_cols], unmapped, not_asked, item_cols, invalid_df,
                        list(parsed.warnings) + warnings, wave_id, parsed.path,
                        list(respondent))


def _check_scale(item: Item, tokens: np.ndarray, index: _Index, pos: list[int],
                 problems: list[str]) -> np.ndarray | None:
    """Mask of off-scale answers; a problem when they are the majority."""
    known = item_tokens(item)
    codes, uniques = pd.factorize(tokens)
    if not len(uniques):
        return None
    ok = np.array([u in known for u in uniques] + [True])
    bad = ~ok[codes]
    n_bad, n_present = int(bad.sum()), int((codes >= 0).sum())
    if n_bad > UNKNOWN_SHARE_LIMIT * n_present:
        found_txt = _found_labels(pd.Series(tokens[bad]).value_counts())
        sc = item.scale
        expected = ", ".join(repr(x) for x in sc.labels) + " or " if sc.labels else ""
        no_answer = f", no answer {list(sc.no_answer)!r}" if sc.no_answer else ""
        col = index.columns[pos[0]].label
        problems.append(
            f"item {item.id} (column {col!r}): {n_bad} of {n_present} answers are not on the "
            f"scale; found {found_txt}; expected {expected}codes {sc.min}-{sc.max}{no_answer} "
            "(add the labels to scale.labels/aliases/no_answer, or fix the column)")
        return None
    return bad


#: An off-scale answer is quoted in a message only when this many records share it and it
#: is short: a shared label ("somewhat agree"), never one person's free text.
QUOTE_MIN_COUNT = 5
QUOTE_MAX_CHARS = 40


def _found_labels(counts: pd.Series) -> str:
    shared = [(k, v) for k, v in counts.items() if v >= QUOTE_MIN_COUNT and len(str(k)) <= QUOTE_MAX_CHARS]
    text = ", ".join(f"{k!r} ({v})" for k, v in shared[:6])
    rest = len(counts) - len(shared[:6])
    if rest:
        text += (", and " if text else "") + f"{rest} other distinct value(s) (not shown)"
    return text
