"""Scoring: reverse keying, respondent scores, 0–100, favourability, eNPS."""

import math

import numpy as np
import pytest

from pipelines.domain.stats import (
    enps,
    favorability_shares,
    favorable_counts,
    respondent_scores,
    reverse_key,
    to_0_100,
)

NAN = float("nan")


def test_reverse_key_arrays_scalars_and_nan():
    np.testing.assert_array_equal(reverse_key([1, 2, 3, 4, 5], 1, 5), [5, 4, 3, 2, 1])
    assert reverse_key(2, 1, 5) == 4.0
    assert reverse_key(0, 0, 10) == 10.0
    out = reverse_key([1.0, NAN], 1, 7)
    assert out[0] == 7.0 and math.isnan(out[1])
    assert math.isnan(reverse_key(NAN, 1, 5))


def test_reverse_key_is_an_involution():
    x = np.array([1, 2, 3, 4, 5, 6, 7], dtype=float)
    np.testing.assert_array_equal(reverse_key(reverse_key(x, 1, 7), 1, 7), x)


@pytest.mark.parametrize(
    ("n_items", "answered", "scored"),
    [(4, 2, True), (4, 1, False), (3, 2, True), (3, 1, False), (5, 3, True), (5, 2, False)],
)
def test_respondent_score_needs_half_of_the_items(n_items, answered, scored):
    row = [4.0] * answered + [NAN] * (n_items - answered)
    score = respondent_scores([row])[0]
    assert (not math.isnan(score)) is scored
    if scored:
        assert score == 4.0


def test_respondent_score_is_mean_of_answered_items():
    items = np.array([[1, 2, 3, 4], [5, NAN, 3, NAN], [NAN, NAN, NAN, NAN]])
    np.testing.assert_allclose(respondent_scores(items), [2.5, 4.0, NAN])


def test_to_0_100_as_glint():
    assert to_0_100(1, 1, 5) == 0.0
    assert to_0_100(5, 1, 5) == 100.0
    assert to_0_100(3.4, 1, 5) == pytest.approx(60.0)
    np.testing.assert_allclose(to_0_100([1, 4, 7], 1, 7), [0, 50, 100])


def test_favorability_five_point_top_two_boxes():
    # 1–2 unfavourable, 3 neutral, 4–5 favourable (Culture Amp / Qualtrics / Lattice)
    fav, neu, unf = favorability_shares([5, 4, 3, 2, 1, 4, 4, 5, NAN], 1, 5)
    assert (fav, neu, unf) == pytest.approx((5 / 8, 1 / 8, 2 / 8))


def test_favorability_other_scales():
    # 7 options: 6–7 favourable, 1–2 unfavourable, 3–5 neutral
    assert favorability_shares([7, 6, 5, 4, 3, 2, 1], 1, 7) == pytest.approx((2 / 7, 3 / 7, 2 / 7))
    # 4 options: no neutral box
    assert favorability_shares([1, 2, 3, 4], 1, 4) == pytest.approx((0.5, 0.0, 0.5))
    # 3 options: top and bottom single boxes, so they cannot overlap
    assert favorability_shares([1, 2, 3], 1, 3) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert all(math.isnan(v) for v in favorability_shares([NAN], 1, 5))


def test_favorable_counts_per_respondent():
    x, m = favorable_counts([[5, 4, 3, NAN], [1, 2, NAN, NAN], [NAN] * 4], 1, 5)
    np.testing.assert_array_equal(x, [2, 0, 0])
    np.testing.assert_array_equal(m, [3, 2, 0])


def test_enps_hand_worked_balanced():
    # 4 promoters (10, 10, 9, 9), 2 passives (8, 7), 4 detractors (6, 5, 3, 0), n = 10:
    # eNPS = 40 − 40 = 0; SE = sqrt((0.4 + 0.4 − 0²)/10) = 0.282843 → 28.2843 points;
    # 95 % interval 0 ± 1.959964 × 28.2843 = ±55.4362.
    r = enps([10, 10, 9, 9, 8, 7, 6, 5, 3, 0])
    assert (r["promoters"], r["passives"], r["detractors"], r["n"]) == (4, 2, 4, 10)
    assert r["enps"] == 0.0
    assert r["se"] == pytest.approx(28.2843, abs=1e-4)
    assert r["ci_low"] == pytest.approx(-55.4362, abs=1e-4)
    assert r["ci_high"] == pytest.approx(55.4362, abs=1e-4)


def test_enps_hand_worked_clipped_at_100():
    # 7 promoters, 2 passives, 1 detractor: eNPS = 70 − 10 = 60;
    # SE = sqrt((0.7 + 0.1 − 0.6²)/10) = sqrt(0.044) = 0.209762 → 20.9762 points;
    # upper bound 60 + 41.1127 = 101.11 is clipped to 100.
    r = enps([10, 9, 9, 10, 9, 10, 9, 8, 7, 2, NAN])
    assert r["n"] == 10
    assert r["enps"] == pytest.approx(60.0)
    assert r["se"] == pytest.approx(20.9762, abs=1e-4)
    assert r["ci_low"] == pytest.approx(60 - 1.959964 * 20.9762, abs=1e-3)
    assert r["ci_high"] == 100.0


def test_enps_empty():
    r = enps([])
    assert r["n"] == 0 and math.isnan(r["enps"]) and math.isnan(r["ci_low"])
