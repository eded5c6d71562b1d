"""Comment themes and quotable comments for the marts, safe to show.

Comments are summarized only for groups with at least the comment threshold of
commenters, and the same disclosure check as the figures runs on commenter
counts, so a small team's comments cannot be isolated by subtracting its
siblings from its department. Quotes never carry a respondent key.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from pipelines.domain.comments import load_taxonomy, sentiment, summarize_themes, themes
from pipelines.domain.privacy import protect

QUOTES_PER_THEME = 3
THEME_COLUMNS = ["wave_id", "group_level", "group_id", "theme", "theme_label", "construct",
                 "n_comments", "share", "mean_sentiment"]
QUOTE_COLUMNS = ["wave_id", "group_level", "group_id", "theme", "sentiment_label", "text"]


def comment_marts(
    comments: pd.DataFrame, response_atoms: pd.DataFrame, suppression: pd.DataFrame, k_comments: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`comments`: wave_id, group_level, group_id, response_key, text.
    `response_atoms`: response_key, atom_id. Returns (themes, quotes)."""
    if comments.empty:
        return pd.DataFrame(columns=THEME_COLUMNS), pd.DataFrame(columns=QUOTE_COLUMNS)
    shown = _shown_groups(comments, response_atoms, suppression, k_comments)
    eligible = comments.merge(shown, on=["wave_id", "group_level", "group_id"])
    scored = {key: sentiment(text) for key, text in
              eligible.drop_duplicates("response_key")[["response_key", "text"]].itertuples(index=False)}
    tagged = {key: themes(text) for key, text in
              eligible.drop_duplicates("response_key")[["response_key", "text"]].itertuples(index=False)}
    eligible = eligible.assign(
        sentiment_label=eligible["response_key"].map(lambda k: scored[k][0]),
        sentiment_score=eligible["response_key"].map(lambda k: scored[k][1]),
        themes=eligible["response_key"].map(lambda k: tagged[k]),
    )
    summary = summarize_themes(eligible, min_group_size=k_comments)
    labels = {t.id: t.label for t in load_taxonomy().themes} | {"other": "Other"}
    summary = summary.assign(theme_label=summary["theme"].map(labels))[THEME_COLUMNS]
    return summary.sort_values(THEME_COLUMNS[:4]).reset_index(drop=True), _quotes(eligible)


def _shown_groups(comments, response_atoms, suppression, k_comments) -> pd.DataFrame:
    """Groups whose comments may be shown: not suppressed, and passing the disclosure
    check on commenter counts at the comment threshold."""
    parts = []
    with_atoms = comments.drop_duplicates(["wave_id", "group_level", "group_id", "response_key"]).merge(
        response_atoms, on="response_key")
    for wave_id, wave in with_atoms.groupby("wave_id", sort=True):
        atoms = (wave[wave["group_level"] == "org"].groupby("atom_id").size()
                 .rename("n").reset_index())
        groups = (wave.groupby(["group_level", "group_id"], sort=True)
                  .agg(n=("response_key", "nunique"), atoms=("atom_id", lambda s: tuple(sorted(set(s)))))
                  .reset_index())
        groups.insert(0, "group_key", groups["group_level"] + "|" + groups["group_id"])
        groups["parent_group_id"] = None
        decided = protect(groups, atoms, k_comments).merge(groups, on="group_key")
        ok = decided[~decided["suppressed"]][["group_level", "group_id"]].assign(wave_id=wave_id)
        parts.append(ok)
    shown = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["group_level", "group_id", "wave_id"])
    figures_ok = suppression[~suppression["suppressed"]][["wave_id", "group_level", "group_id"]]
    return shown.merge(figures_ok, on=["wave_id", "group_level", "group_id"])


def _quotes(eligible: pd.DataFrame) -> pd.DataFrame:
    """A few representative comments per group and theme, chosen deterministically."""
    exploded = eligible.explode("themes").rename(columns={"themes": "theme"})
    exploded = exploded.assign(order=exploded["text"].map(
        lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest()))
    # A comment tagged with several themes (or written twice) is quoted once per group: under
    # its first theme in the theme order that still has room.
    exploded = exploded.assign(key=exploded["text"].str.strip().str.casefold())
    ordered = exploded.sort_values(["wave_id", "group_level", "group_id", "order", "theme"])
    picked_rows, used, room = [], set(), {}
    for row in ordered.itertuples(index=False):
        group = (row.wave_id, row.group_level, row.group_id)
        slot = (*group, row.theme)
        if (*group, row.key) in used or room.get(slot, 0) >= QUOTES_PER_THEME:
            continue
        used.add((*group, row.key))
        room[slot] = room.get(slot, 0) + 1
        picked_rows.append(row)
    picked = pd.DataFrame(picked_rows, columns=exploded.columns).sort_values(
        ["wave_id", "group_level", "group_id", "theme", "order"])
    return picked[QUOTE_COLUMNS].reset_index(drop=True)
