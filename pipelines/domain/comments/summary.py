"""Theme summaries per group, for groups large enough to show comments at all."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from pipelines.domain.config.settings import MIN_ALLOWED_GROUP_SIZE

from .themes import ALL_LABELS, OTHER, TAXONOMY_VERSION, theme_construct

GROUP_KEYS = ["wave_id", "group_level", "group_id"]
SUMMARY_COLUMNS = [*GROUP_KEYS, "theme", "construct", "n_comments", "share", "mean_sentiment"]


def _as_theme_list(value: object) -> list[str]:
    """Accept a list/tuple/array of ids, or a ';'-separated string (as stored in CSV)."""
    if value is None:
        return [OTHER]
    if isinstance(value, str):
        items: Iterable[object] = value.split(";")
    elif isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = list(value)
    elif isinstance(value, float) and np.isnan(value):
        return [OTHER]
    else:
        raise TypeError(f"themes must be a list of theme ids, got {type(value).__name__}")
    out = sorted({str(t).strip() for t in items if t is not None and str(t).strip()})
    return out or [OTHER]


def summarize_themes(comments: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    """Per group and theme: n_comments, share of the group's comments, mean sentiment.

    ``comments`` has one row per kept comment with columns wave_id, group_level,
    group_id, text, sentiment_score and themes (list of theme ids).  Rows whose text is
    empty (dropped comments) do not count.  A group with fewer than ``min_group_size``
    comments is left out entirely: none of its rows, not even a zero, is returned.
    Only themes mentioned at least once in a group get a row.  The taxonomy version is
    in ``result.attrs['taxonomy_version']``.
    """
    if min_group_size < MIN_ALLOWED_GROUP_SIZE:
        raise ValueError(f"min_group_size must be at least {MIN_ALLOWED_GROUP_SIZE}")
    missing = [c for c in [*GROUP_KEYS, "text", "sentiment_score", "themes"] if c not in comments]
    if missing:
        raise KeyError(f"comments is missing columns: {missing}")

    df = comments[[*GROUP_KEYS, "text", "sentiment_score", "themes"]].copy()
    text = df["text"].astype("string")
    df = df[text.notna() & (text.str.strip() != "")]
    df["sentiment_score"] = pd.to_numeric(df["sentiment_score"], errors="coerce")

    sizes = df.groupby(GROUP_KEYS, dropna=False, sort=False).size().rename("n_group")
    big = sizes[sizes >= min_group_size]
    df = df.join(big, on=GROUP_KEYS, how="inner")
    if df.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
        out = out.astype({"n_comments": "int64", "share": "float64", "mean_sentiment": "float64"})
        out.attrs["taxonomy_version"] = TAXONOMY_VERSION
        return out

    df["theme"] = df["themes"].map(_as_theme_list)
    long = df.explode("theme")
    agg = (
        long.groupby([*GROUP_KEYS, "theme"], dropna=False, sort=False)
        .agg(
            n_comments=("text", "size"),
            n_group=("n_group", "first"),
            mean_sentiment=("sentiment_score", "mean"),
        )
        .reset_index()
    )
    agg["share"] = agg["n_comments"] / agg["n_group"]
    agg["construct"] = pd.Series(
        [theme_construct(t) for t in agg["theme"]], index=agg.index, dtype=object
    )
    order = {t: i for i, t in enumerate(ALL_LABELS)}
    agg["_order"] = agg["theme"].map(lambda t: order.get(t, len(order)))
    agg = agg.sort_values([*GROUP_KEYS, "_order", "theme"], kind="stable")
    out = agg[SUMMARY_COLUMNS].reset_index(drop=True)
    out["n_comments"] = out["n_comments"].astype("int64")
    out["share"] = out["share"].astype("float64")
    out["mean_sentiment"] = out["mean_sentiment"].astype("float64")
    out.attrs["taxonomy_version"] = TAXONOMY_VERSION
    return out
