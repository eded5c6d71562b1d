"""Free-text comments: cleaning, sentiment, themes, per-group theme summaries, demo text.

All of it runs offline and deterministically: VADER's lexicon ships inside the
vaderSentiment package and the theme taxonomy is ``taxonomy.yaml`` beside this file.
See docs/comments.md for the method and the measured accuracy.
"""

from .clean import (
    CleanedComment,
    RosterNames,
    clean_comment,
    is_non_answer,
    mask_pii,
    normalize_text,
)
from .demo_phrasings import demo_comment
from .sentiment import LABELS as SENTIMENT_LABELS
from .sentiment import sentiment, sentiment_score
from .summary import SUMMARY_COLUMNS, summarize_themes
from .themes import (
    ALL_LABELS,
    OTHER,
    TAXONOMY_VERSION,
    THEME_IDS,
    load_taxonomy,
    theme_construct,
    themes,
)

__all__ = [
    "ALL_LABELS",
    "OTHER",
    "SENTIMENT_LABELS",
    "SUMMARY_COLUMNS",
    "TAXONOMY_VERSION",
    "THEME_IDS",
    "CleanedComment",
    "RosterNames",
    "clean_comment",
    "demo_comment",
    "is_non_answer",
    "load_taxonomy",
    "mask_pii",
    "normalize_text",
    "sentiment",
    "sentiment_score",
    "summarize_themes",
    "theme_construct",
    "themes",
]
