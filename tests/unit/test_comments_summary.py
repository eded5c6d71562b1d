"""summarize_themes: per-group theme shares, with small groups absent entirely."""

import pandas as pd
import pytest

from pipelines.domain.comments import SUMMARY_COLUMNS, TAXONOMY_VERSION, summarize_themes


def _comments(group_id, n, themes_list, score=0.5, wave="2026-03", level="team"):
    return [
        {
            "wave_id": wave,
            "group_level": level,
            "group_id": group_id,
            "text": f"comment {i}",
            "sentiment_score": score,
            "themes": themes_list(i),
        }
        for i in range(n)
    ]


def test_shares_counts_and_constructs():
    rows = _comments(
        "t1", 10, lambda i: ["workload", "trust_safety"] if i < 4 else ["other"], score=-0.5
    )
    out = summarize_themes(pd.DataFrame(rows), min_group_size=10)
    assert list(out.columns) == SUMMARY_COLUMNS
    got = out.set_index("theme")
    assert got.loc["workload", "n_comments"] == 4
    assert got.loc["workload", "share"] == pytest.approx(0.4)
    assert got.loc["other", "share"] == pytest.approx(0.6)
    assert got.loc["trust_safety", "construct"] == "trust"
    assert got.loc["workload", "construct"] is None
    assert got.loc["workload", "mean_sentiment"] == pytest.approx(-0.5)
    assert list(out["theme"]) == ["workload", "trust_safety", "other"]  # taxonomy order
    assert out.attrs["taxonomy_version"] == TAXONOMY_VERSION


def test_small_groups_are_absent_entirely():
    rows = _comments("big", 12, lambda i: ["autonomy"]) + _comments(
        "small", 9, lambda i: ["autonomy"]
    )
    rows += _comments("big", 5, lambda i: ["autonomy"], wave="2026-09")  # same team, other wave
    out = summarize_themes(pd.DataFrame(rows), min_group_size=10)
    assert set(out["group_id"]) == {"big"}
    assert set(out["wave_id"]) == {"2026-03"}


def test_dropped_comments_do_not_count_towards_the_group():
    rows = _comments("t", 9, lambda i: ["autonomy"])
    rows.append(
        {
            "wave_id": "2026-03",
            "group_level": "team",
            "group_id": "t",
            "text": None,
            "sentiment_score": None,
            "themes": ["other"],
        }
    )
    assert summarize_themes(pd.DataFrame(rows), min_group_size=10).empty
    out = summarize_themes(pd.DataFrame(rows), min_group_size=9)
    assert out["share"].tolist() == [1.0]


def test_levels_are_separate_groups_and_themes_may_be_strings():
    rows = _comments("d1", 5, lambda i: "clarity_goals;workload", level="department")
    rows += _comments("d1", 5, lambda i: ("clarity_goals",), level="team")
    out = summarize_themes(pd.DataFrame(rows), min_group_size=5)
    assert len(out[out["group_level"] == "department"]) == 2
    assert out[out["group_level"] == "team"]["theme"].tolist() == ["clarity_goals"]


def test_mean_sentiment_ignores_missing_scores():
    rows = _comments("t", 4, lambda i: ["recognition"])
    rows[0]["sentiment_score"] = None
    rows[1]["sentiment_score"] = -0.1
    out = summarize_themes(pd.DataFrame(rows), min_group_size=3)
    assert out["mean_sentiment"].iloc[0] == pytest.approx((-0.1 + 0.5 + 0.5) / 3)


def test_empty_and_invalid_input():
    empty = summarize_themes(pd.DataFrame(_comments("t", 2, lambda i: ["other"])), 3)
    assert empty.empty and list(empty.columns) == SUMMARY_COLUMNS
    with pytest.raises(ValueError):
        summarize_themes(pd.DataFrame(_comments("t", 20, lambda i: ["other"])), 2)
    with pytest.raises(KeyError):
        summarize_themes(pd.DataFrame({"text": ["x"]}), 3)
