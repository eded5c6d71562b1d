"""Sentiment confusion matrices in docs/comments.md, and the demo's once-mislabelled rows."""

from pathlib import Path

import pytest

from pipelines.domain.comments import sentiment
from pipelines.domain.comments.evaluate import (
    confusion,
    confusion_markdown,
    load_labelled,
    sentiment_confusion,
)
from pipelines.domain.comments.sentiment import LABELS

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "data" / "comments_labelled.csv"
DOCS = ROOT / "docs" / "comments.md"


@pytest.fixture(scope="module")
def labelled():
    return load_labelled(LABELLED)


def test_confusion_counts_every_pair():
    m = confusion(["negative", "positive", "positive"], ["negative", "negative", "positive"], LABELS)
    assert m["negative"] == {"negative": 1, "neutral": 0, "positive": 0}
    assert m["positive"] == {"negative": 1, "neutral": 0, "positive": 1}
    assert sum(sum(row.values()) for row in m.values()) == 3


@pytest.mark.parametrize("split", ["test", "demo"])
def test_docs_show_the_measured_confusion_matrix(labelled, split):
    table = confusion_markdown(sentiment_confusion(labelled, split))
    assert table in DOCS.read_text(encoding="utf-8"), f"{split} matrix drifted:\n{table}"


def test_demo_rows_are_never_read_with_the_opposite_polarity(labelled):
    demo = labelled[labelled["split"] == "demo"]
    assert len(demo) == 14
    for text, truth in zip(demo["text"], demo["sentiment"], strict=True):
        assert {truth, sentiment(text)[0]} != {"positive", "negative"}, text


def test_conflicting_instructions_are_negative():
    text = "Two managers give me opposite instructions and I have to guess which one wins."
    assert sentiment(text)[0] == "negative"
