"""Accuracy measurement of the comment classifiers against a hand-labelled file.

The labelled file (``tests/data/comments_labelled.csv``) has columns id, text,
sentiment, themes (semicolon-separated).  Rows are split by id: ``c001``..``c140``
(the first 40 %) form the *dev* split, the only rows the lexicon and the taxonomy were
tuned on; ``c141``..``c350`` form the held-out *test* split. Rows ``d001``.. are the demo's
phrasings that the classifier once labelled wrongly (the *demo* split): rules were added
for them, so they measure regressions, not accuracy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .sentiment import LABELS as SENTIMENT_LABELS
from .sentiment import sentiment
from .themes import ALL_LABELS, themes

DEV_LAST_ID = 140  # ids c001..c140 are the dev split


def split_of(row_id: str) -> str:
    if row_id.startswith("d"):
        return "demo"
    return "dev" if int(row_id.lstrip("c")) <= DEV_LAST_ID else "test"


def confusion(
    truth: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Confusion matrix as {true label: {predicted label: count}}, every label present."""
    matrix = {t: dict.fromkeys(labels, 0) for t in labels}
    for t, p in zip(truth, pred, strict=True):
        matrix[t][p] += 1
    return matrix


def confusion_markdown(matrix: dict[str, dict[str, int]]) -> str:
    """The matrix as a Markdown table: rows are the true labels, columns the predictions."""
    labels = list(matrix)
    lines = ["| true \\ predicted | " + " | ".join(labels) + " |"]
    lines.append("|---" * (len(labels) + 1) + "|")
    lines += [f"| {t} | " + " | ".join(str(matrix[t][p]) for p in labels) + " |" for t in labels]
    return "\n".join(lines)


def sentiment_confusion(df: pd.DataFrame, split: str) -> dict[str, dict[str, int]]:
    part = df[df["split"] == split] if split != "all" else df
    pred = [sentiment(t)[0] for t in part["text"]]
    return confusion(part["sentiment"].tolist(), pred, SENTIMENT_LABELS)


def load_labelled(path: str | Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["split"] = df["id"].map(split_of)
    df["theme_list"] = df["themes"].map(lambda s: [t for t in s.split(";") if t])
    return df


def binary_f1(tp: int, fp: int, fn: int) -> float:
    if tp == 0:
        return 0.0
    return 2 * tp / (2 * tp + fp + fn)


def macro_f1(truth: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Single-label macro-F1: the mean over labels of one-vs-rest F1."""
    scores = []
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(truth, pred, strict=True))
        fp = sum(t != lab and p == lab for t, p in zip(truth, pred, strict=True))
        fn = sum(t == lab and p != lab for t, p in zip(truth, pred, strict=True))
        scores.append(binary_f1(tp, fp, fn))
    return sum(scores) / len(scores)


def multilabel_f1(
    truth: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict[str, float]:
    """Per-label binary F1 over a multi-label assignment."""
    out = {}
    for lab in labels:
        tp = sum(lab in t and lab in p for t, p in zip(truth, pred, strict=True))
        fp = sum(lab not in t and lab in p for t, p in zip(truth, pred, strict=True))
        fn = sum(lab in t and lab not in p for t, p in zip(truth, pred, strict=True))
        out[lab] = binary_f1(tp, fp, fn)
    return out


@dataclass(frozen=True)
class Scores:
    split: str
    n: int
    sentiment_macro_f1: float
    sentiment_baseline_f1: float
    majority_label: str
    theme_macro_f1: float
    theme_baseline_f1: float
    majority_theme: str
    theme_f1: dict[str, float]
    sentiment_accuracy: float


def score(
    df: pd.DataFrame,
    split: str,
    sentiment_fn: Callable[[str], tuple[str, float]] = sentiment,
    themes_fn: Callable[[str], list[str]] = themes,
) -> Scores:
    part = df[df["split"] == split] if split != "all" else df
    texts = part["text"].tolist()
    truth_s = part["sentiment"].tolist()
    pred_s = [sentiment_fn(t)[0] for t in texts]
    # majority-class baseline, the majority taken from the dev split (a fixed rule)
    dev = df[df["split"] == "dev"]
    majority = dev["sentiment"].value_counts().idxmax()
    truth_t = part["theme_list"].tolist()
    pred_t = [themes_fn(t) for t in texts]
    per_theme = multilabel_f1(truth_t, pred_t, ALL_LABELS)
    majority_theme = dev["theme_list"].explode().value_counts().idxmax()
    base_t = multilabel_f1(truth_t, [[majority_theme]] * len(texts), ALL_LABELS)
    return Scores(
        split=split,
        n=len(texts),
        sentiment_macro_f1=macro_f1(truth_s, pred_s, SENTIMENT_LABELS),
        sentiment_baseline_f1=macro_f1(truth_s, [majority] * len(texts), SENTIMENT_LABELS),
        majority_label=majority,
        theme_macro_f1=sum(per_theme.values()) / len(per_theme),
        theme_baseline_f1=sum(base_t.values()) / len(base_t),
        majority_theme=majority_theme,
        theme_f1=per_theme,
        sentiment_accuracy=sum(a == b for a, b in zip(truth_s, pred_s, strict=True))
        / max(len(texts), 1),
    )
