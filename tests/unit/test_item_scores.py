"""The item statistics of mart_item_scores (marts/scoring.py: item_scores) from the sums that
int_group_item_stats computes, against the same figures from raw answers."""

import numpy as np
import pandas as pd
import pytest

from pipelines.domain import stats
from pipelines.domain.marts.scoring import item_scores

RNG = np.random.default_rng(20)


def _sums(group: str, answers: np.ndarray) -> dict:
    return {
        "wave_id": "w1", "group_level": "team", "group_id": group, "parent_group_id": "D",
        "construct": "trust", "item_id": "T1", "n_respondents": answers.size,
        "sum_value": answers.sum(), "sum_0_100": ((answers - 1) / 4 * 100).sum(),
        "favorable": int((answers >= 4).sum()), "unfavorable": int((answers <= 2).sum()),
    }


@pytest.mark.parametrize("n", [2, 5, 17, 240])
def test_item_figures_equal_the_raw_computation(n):
    answers = RNG.integers(1, 6, n).astype(float)
    got = item_scores(pd.DataFrame([_sums("A", answers)])).iloc[0]
    assert got["mean"] == pytest.approx(answers.mean())
    assert got["score_0_100"] == pytest.approx(stats.to_0_100(answers.mean(), 1, 5))
    fav, neutral, unfav = stats.favorability_shares(answers, 1, 5)
    for name, share, hit in (("favorable", fav, answers >= 4), ("neutral", neutral, answers == 3),
                             ("unfavorable", unfav, answers <= 2)):
        assert got[f"pct_{name}"] == pytest.approx(100 * share)
        # the construct scores' interval, on raw answers: one answer per respondent
        p, low, high = stats.clustered_proportion(hit.astype(float), np.ones(n))
        assert got[f"{name}_ci_low"] == pytest.approx(100 * low)
        assert got[f"{name}_ci_high"] == pytest.approx(100 * high)
        # which is p +- z sqrt(p (1 - p) / (n - 1)), clipped to 0-100
        half = 1.959963984540054 * np.sqrt(p * (1 - p) / (n - 1))
        assert got[f"{name}_ci_high"] == pytest.approx(100 * min(p + half, 1.0))


def test_one_answer_has_no_interval_and_no_rows_give_no_rows():
    got = item_scores(pd.DataFrame([_sums("A", np.array([4.0]))])).iloc[0]
    assert got["pct_favorable"] == 100 and np.isnan(got["favorable_ci_low"])
    empty = item_scores(pd.DataFrame([_sums("A", np.array([4.0]))]).iloc[:0])
    assert empty.empty and "favorable_ci_low" in empty.columns
