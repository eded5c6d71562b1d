"""Sentiment and theme tagging: contract, determinism, taxonomy."""

import re

import pytest

from pipelines.domain.comments import (
    ALL_LABELS,
    TAXONOMY_VERSION,
    THEME_IDS,
    load_taxonomy,
    sentiment,
    theme_construct,
    themes,
)
from pipelines.domain.comments.themes import _osa_distance_le1

EXPECTED_THEMES = {
    "communication": None,
    "recognition": None,
    "workload": None,
    "growth_development": None,
    "tools_resources": None,
    "direction_vision": None,
    "clarity_goals": "clarity",
    "autonomy": "empowerment",
    "trust_safety": "trust",
    "accountability_fairness": "accountability",
}


def test_taxonomy_is_versioned_and_complete():
    assert re.fullmatch(r"\d{4}\.\d+", TAXONOMY_VERSION)
    assert set(THEME_IDS) == set(EXPECTED_THEMES)
    assert ALL_LABELS[-1] == "other"
    for tid, construct in EXPECTED_THEMES.items():
        assert theme_construct(tid) == construct
    assert theme_construct("other") is None
    assert all(t.label for t in load_taxonomy().themes)


def test_taxonomy_rejects_non_string_rules(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("version: '1'\nthemes:\n  - id: x\n    construct: null\n    phrases: [1:1]\n")
    with pytest.raises(ValueError, match="must be strings"):
        load_taxonomy(bad)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I never know which project should come first this month", "clarity_goals"),
        ("Stop micromanaging us", "autonomy"),
        ("We are drowning, three people doing the job of six", "workload"),
        ("People are scared to admit mistakes", "trust_safety"),
        ("The same rules should apply to everyone", "accountability_fairness"),
        ("Our laptops are ancient", "tools_resources"),
        ("Where is the company heading?", "direction_vision"),
        ("A mentor and a real career path", "growth_development"),
        ("Nobody says thank you", "recognition"),
        ("Keep us in the loop", "communication"),
        ("commuication!!", "communication"),  # one typo away from a stem
    ],
)
def test_themes_examples(text, expected):
    assert expected in themes(text)


def test_themes_other_and_empty():
    assert themes("Free coffee") == ["other"]
    assert themes("") == ["other"]
    assert themes(None) == ["other"]


def test_themes_multiple_in_taxonomy_order():
    got = themes("Too much overtime and no career progression")
    assert got == ["workload", "growth_development"]


def test_typo_tolerance_is_one_edit():
    assert _osa_distance_le1("communicat", "commuicat")
    assert _osa_distance_le1("abcd", "abdc")
    assert not _osa_distance_le1("mission", "missing")


@pytest.mark.parametrize(
    "text,label",
    [
        ("My manager is fantastic and always has our backs", "positive"),
        ("We are drowning and nobody cares", "negative"),
        ("More regular one-to-ones please", "neutral"),
        ("Stop micromanaging. We're adults.", "negative"),
        ("", "neutral"),
    ],
)
def test_sentiment_examples(text, label):
    assert sentiment(text)[0] == label


def test_sentiment_contract_and_determinism():
    texts = ["Great team, terrible tools.", "Pay us what we're worth.", "n/a", "x" * 3000]
    for t in texts:
        label, score = sentiment(t)
        assert label in ("negative", "neutral", "positive")
        assert -1.0 <= score <= 1.0
        assert sentiment(t) == (label, score)
        assert themes(t) == themes(t)
