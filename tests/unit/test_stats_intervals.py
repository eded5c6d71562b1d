"""Intervals: t for a mean, Wilson for people, ratio estimator for clustered answers."""

import math

import numpy as np
import pytest
from scipy import stats

from pipelines.domain.stats import clustered_proportion, t_interval, wilson_interval


def test_wilson_check_values_from_the_brief():
    # BRIEF §2 check values: 81/263 → [0.2553, 0.3662]; 0/20 → [0, 0.1611].
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = wilson_interval(0, 20)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.1611)


def test_wilson_matches_statsmodels_and_edges():
    proportion_confint = pytest.importorskip("statsmodels.stats.proportion").proportion_confint
    for x, n in [(1, 7), (13, 40), (40, 40), (5, 1000)]:
        expected = proportion_confint(x, n, alpha=0.05, method="wilson")
        np.testing.assert_allclose(wilson_interval(x, n), expected, rtol=1e-10)
    assert wilson_interval(20, 20)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_t_interval_matches_scipy_and_drops_nan():
    x = np.array([3.2, 4.1, 2.8, 3.9, 4.4, np.nan, 3.0])
    mean, low, high = t_interval(x)
    clean = x[~np.isnan(x)]
    ref = stats.t.interval(0.95, clean.size - 1, loc=clean.mean(), scale=stats.sem(clean))
    assert mean == pytest.approx(clean.mean())
    assert (low, high) == pytest.approx(ref)


def test_t_interval_small_n():
    assert t_interval([4.0])[0] == 4.0 and math.isnan(t_interval([4.0])[1])
    assert all(math.isnan(v) for v in t_interval([np.nan]))


def test_clustered_proportion_hand_worked():
    # x = (2, 1, 0, 3) favourable of m = (3, 3, 2, 3): p = 6/11 = 0.545455;
    # residuals x − p·m = (0.3636, −0.6364, −1.0909, 1.3636), sum of squares 3.586777;
    # Var = 4/3 × 3.586777 / 11² = 0.0395240, SE = 0.198806; ±1.959964·SE → [0.1558, 0.9351].
    p, low, high = clustered_proportion([2, 1, 0, 3], [3, 3, 2, 3])
    assert p == pytest.approx(6 / 11)
    assert (round(low, 4), round(high, 4)) == (0.1558, 0.9351)


def test_clustered_proportion_one_answer_each_is_a_simple_proportion():
    # With m_i = 1 the variance reduces to p(1 − p)/(n − 1).
    x = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 1])
    p, low, high = clustered_proportion(x, np.ones_like(x))
    se = math.sqrt(0.7 * 0.3 / 9)
    assert p == pytest.approx(0.7)
    assert (low, high) == pytest.approx(
        (0.7 - 1.959964 * se, min(0.7 + 1.959964 * se, 1)), abs=1e-6
    )


def test_clustered_proportion_clips_and_skips_non_answering():
    p, low, high = clustered_proportion([4, 4, 3, 0], [4, 4, 4, 0])
    assert p == pytest.approx(11 / 12) and high == 1.0 and low < p
    assert all(math.isnan(v) for v in clustered_proportion([], []))
    assert math.isnan(clustered_proportion([1], [2])[1])


def test_clustered_proportion_covers_under_within_respondent_correlation():
    # Respondents answer 4 items whose favourability shares a respondent effect, so
    # answers are not independent. The ratio-estimator interval keeps close to 95 %
    # coverage, while a naive binomial interval over answers under-covers.
    rng = np.random.default_rng(20261101)
    reps, n, items = 4000, 40, 4
    person = rng.normal(0.0, 1.2, size=(reps, n, 1))
    prob = 1 / (1 + np.exp(-(0.3 + person)))
    fav = rng.random((reps, n, items)) < prob
    true_p = np.mean(1 / (1 + np.exp(-(0.3 + rng.normal(0.0, 1.2, 2_000_000)))))
    x, m = fav.sum(axis=2), np.full((reps, n), items)
    p = x.sum(axis=1) / m.sum(axis=1)
    var = n / (n - 1) * ((x - p[:, None] * m) ** 2).sum(axis=1) / m.sum(axis=1) ** 2
    covered = np.abs(p - true_p) <= 1.959964 * np.sqrt(var)
    naive = np.abs(p - true_p) <= 1.959964 * np.sqrt(p * (1 - p) / (n * items))
    assert 0.925 <= covered.mean() <= 0.97
    assert naive.mean() < covered.mean() - 0.05
    # and the vectorized formula above is the function's own:
    assert clustered_proportion(x[0], m[0])[0] == pytest.approx(p[0])
    assert clustered_proportion(x[0], m[0])[1] == pytest.approx(
        max(p[0] - 1.959964 * math.sqrt(var[0]), 0), abs=1e-6
    )
