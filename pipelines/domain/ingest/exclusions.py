"""apply_exclusions (preview/test/spam, partial, duplicate) and decode (tokens -> codes)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.domain.config.codebook import Codebook, item_tokens, normalize_label

from .mapping import MappedExport, map_unique

# Qualtrics Status: 0 = IP address (normal), 1 = survey preview, 2 = survey test,
# 4 = imported, 8 = spam, 16 = offline, 17 = offline preview; text exports spell them out.
QUALTRICS_EXCLUDED_STATUS = {"1", "2", "8", "17", "survey preview", "survey test", "spam",
                             "offline survey preview"}
FALSE_VALUES = {"0", "0.0", "false", "no", "f", "n"}
REASONS = ("preview_test_spam", "partial", "duplicate")
_TZ_SUFFIX = re.compile(r"\s+(?!(?:am|pm)$)[A-Za-z]{2,5}$", re.IGNORECASE)


class ExclusionResult(tuple):
    """``(kept, excluded)``, so ``kept, excluded = apply_exclusions(...)`` works.

    Also carries ``dedup_possible`` (False when the codebook names no respondent id or
    email, so duplicate submissions cannot be detected), ``dedup_key`` and ``counts``.
    """

    dedup_possible: bool
    dedup_key: str | None

    def __new__(cls, kept: pd.DataFrame, excluded: pd.DataFrame, dedup_possible: bool,
                dedup_key: str | None = None):
        obj = super().__new__(cls, (kept, excluded))
        obj.dedup_possible = dedup_possible
        obj.dedup_key = dedup_key
        return obj

    @property
    def kept(self) -> pd.DataFrame:
        return self[0]

    @property
    def excluded(self) -> pd.DataFrame:
        return self[1]

    @property
    def counts(self) -> dict[str, int]:
        vc = self[1]["reason"].value_counts()
        return {r: int(vc.get(r, 0)) for r in REASONS}


def _norm_series(s: pd.Series) -> pd.Series:
    return pd.Series(map_unique(s, normalize_label), index=s.index, dtype=object)


def parse_timestamps(values: pd.Series) -> pd.Series:
    """Best-effort timestamps for ordering; unparseable -> NaT.

    Accepts ISO (Qualtrics), ``M/D/YYYY H:MM:SS`` (Google Forms) and strips a trailing
    time-zone abbreviation (``2025/07/31 11:59:34 am EEST``).
    """
    uniq = pd.Series(values.dropna().unique(), dtype=str)
    if uniq.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    cleaned = uniq.str.strip().str.replace(_TZ_SUFFIX, "", regex=True)
    try:
        parsed = pd.to_datetime(cleaned, format="mixed", errors="coerce", utc=True)
    except (ValueError, TypeError):
        parsed = pd.Series(pd.NaT, index=cleaned.index, dtype="datetime64[ns, UTC]")
    table = dict(zip(uniq, parsed.dt.tz_localize(None), strict=True))
    return values.map(table).astype("datetime64[ns]")


def apply_exclusions(mapped: MappedExport, codebook: Codebook) -> ExclusionResult:
    """Split the mapped records into kept and excluded (each record gets one reason).

    Reasons, checked in this order: ``preview_test_spam`` (status in exclude.status_values;
    for Qualtrics also the preview/test/spam status codes), ``partial`` (progress below
    exclude.min_progress, finished false/0 when exclude.require_finished, or status in
    exclude.partial_status_values), ``duplicate`` (same respondent id, else same email,
    among the remaining records: the latest by submitted_at, then the last record, is kept).
    len(kept) + len(excluded) always equals the number of records.
    """
    f = mapped.frame
    rules = codebook.exclude
    reason = pd.Series(np.array([None] * len(f), dtype=object), index=f.index)

    status = _norm_series(f["status"])
    bad = {normalize_label(v) for v in rules.status_values}
    if mapped.format.startswith("qualtrics"):
        bad |= QUALTRICS_EXCLUDED_STATUS
    if bad:
        reason[status.isin(bad) & reason.isna()] = "preview_test_spam"

    partial = pd.Series(False, index=f.index)
    if rules.min_progress is not None:
        progress = pd.to_numeric(f["progress"].str.rstrip("%"), errors="coerce")
        partial |= progress < rules.min_progress
    if rules.require_finished:
        partial |= _norm_series(f["finished"]).isin(FALSE_VALUES)
    if rules.partial_status_values:
        partial |= status.isin({normalize_label(v) for v in rules.partial_status_values})
    reason[partial & reason.isna()] = "partial"

    key_col = None
    if rules.deduplicate:
        if "id" in mapped.respondent_fields:
            key_col = "respondent_id"
        elif "email" in mapped.respondent_fields:
            key_col = "email"
    if key_col is not None:
        key = _norm_series(f[key_col])
        cand = reason.isna() & key.notna() & (key != "")
        if cand.any():
            sub = pd.DataFrame({"key": key[cand], "ts": parse_timestamps(f["submitted_at"][cand]),
                                "rn": f["record_number"][cand]})
            sub = sub.sort_values(["ts", "rn"], na_position="first", kind="stable")
            dup = sub.duplicated("key", keep="last")
            reason[dup[dup].index] = "duplicate"

    keep = reason.isna()
    kept = f[keep.to_numpy()].reset_index(drop=True)
    excluded = pd.DataFrame({
        "record_number": f["record_number"][~keep].to_numpy(),
        "line_number": f["line_number"][~keep].to_numpy(),
        "reason": reason[~keep].astype(str).to_numpy(),
    })
    return ExclusionResult(kept, excluded, key_col is not None, key_col)


def decode(frame: pd.DataFrame, codebook: Codebook, errors: str = "raise") -> pd.DataFrame:
    """Token columns -> float codes (no answer -> NaN) for every Likert and eNPS item.

    Comment columns and respondent fields are left as they are. An unknown token raises
    ValueError naming the record and column (``errors="raise"``), or becomes NaN
    (``errors="coerce"``).
    """
    out = frame.copy()
    for item in codebook.items:
        if item.role == "comment" or item.id not in out.columns:
            continue
        tokens = item_tokens(item, codebook)
        codes, uniques = pd.factorize(np.asarray(out[item.id], dtype=object))
        table = np.full(len(uniques) + 1, np.nan)
        for k, u in enumerate(uniques):
            key = normalize_label(u)
            if key in tokens:
                code = tokens[key]
                table[k] = np.nan if code is None else code
            elif errors == "raise":
                row = frame.iloc[int(np.argmax(codes == k))]
                rec = row["record_number"] if "record_number" in frame.columns else "?"
                line = row["line_number"] if "line_number" in frame.columns else "?"
                raise ValueError(f"record {rec} (line {line}), column {item.id}: answer {u!r} "
                                 "is not on the item's scale")
        out[item.id] = table[codes]
    return out
