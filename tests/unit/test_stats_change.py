"""Change between waves: Welch, Hedges' g, Benjamini–Hochberg, the change call."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipelines.domain.stats import (
    benjamini_hochberg,
    change_test,
    detect_changes,
    hedges_g,
    welch_from_summary,
    welch_t_test,
)

# R's `sleep` data (Student 1908), extra hours of sleep by drug group.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_welch_textbook_sleep_example():
    # R: t.test(extra ~ group, data = sleep)
    #   Welch Two Sample t-test: t = -1.8608, df = 17.776, p-value = 0.07939
    # (the worked example of R's stats::t.test help page, printed in many tutorials)
    t, df, p = welch_t_test(SLEEP_1, SLEEP_2)
    assert round(t, 4) == -1.8608
    assert round(df, 3) == 17.776
    assert round(p, 5) == 0.07939


@pytest.mark.parametrize("seed", range(5))
def test_welch_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(3.5, 0.7, int(rng.integers(2, 40)))
    b = rng.normal(3.7, 1.1, int(rng.integers(2, 40)))
    ref = stats.ttest_ind(a, b, equal_var=False)
    t, df, p = welch_t_test(np.append(a, np.nan), b)
    assert t == pytest.approx(ref.statistic, rel=1e-12)
    assert df == pytest.approx(ref.df, rel=1e-12)
    assert p == pytest.approx(ref.pvalue, rel=1e-10)


def test_welch_vectorized_and_degenerate():
    t, df, p = welch_from_summary(
        [4.0, 3.0, 3.0], [1.0, 0.0, 1.0], [10, 5, 1], [3.5, 3.0, 3.0], [2.0, 0.0, 1.0], [12, 5, 9]
    )
    # both groups constant, means apart: t = inf and p = 0, as scipy's ttest_ind gives
    ref = welch_t_test(*[np.asarray(x) for x in ([4.0] * 10, [3.5] * 12)])
    ref_scipy = stats.ttest_ind([4.0] * 10, [3.5] * 12, equal_var=False)
    assert ref[0] == ref_scipy.statistic == math.inf and ref[2] == ref_scipy.pvalue == 0.0
    assert all(math.isnan(v) for v in welch_t_test([4.0] * 10, [4.0] * 12)[::2])
    assert not math.isnan(t[0]) and math.isnan(t[1]) and math.isnan(p[2])
    assert all(math.isnan(v) for v in welch_t_test([1.0], [2.0, 3.0]))


def test_hedges_g_hand_worked():
    # a = 1..5, b = 3..7: means 3 and 5, both SDs √2.5, pooled SD √2.5 = 1.581139;
    # d = −2/1.581139 = −1.264911; J = 1 − 3/(4·10 − 9) = 28/31 = 0.903226; g = −1.142500.
    assert hedges_g([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]) == pytest.approx(
        -1.264911 * 28 / 31, abs=1e-6
    )
    assert hedges_g([1, 2, 3, 4, 5, np.nan], [3, 4, 5, 6, 7]) == pytest.approx(-1.142500, abs=1e-6)
    assert math.isnan(hedges_g([3, 3, 3], [3, 3]))
    assert math.isnan(hedges_g([1], [2, 3]))


def test_hedges_g_matches_pingouin():
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(12)
    a, b = rng.normal(3.4, 0.8, 23), rng.normal(3.9, 0.6, 31)
    assert hedges_g(a, b) == pytest.approx(pg.compute_effsize(a, b, eftype="hedges"), rel=1e-10)


def test_benjamini_hochberg_documented_examples():
    # p.adjust(c(0.008, 0.03, 0.123, 0.6, 0.2), "BH") → 0.04 0.075 0.205 0.6 0.25 and
    # p.adjust(c(0.319, 0.201, 0.4, 0.374, 0.113), "BH") → all 0.4
    # (documented examples of stdlib-js @stdlib/stats/padjust, a port of R's p.adjust).
    np.testing.assert_allclose(
        benjamini_hochberg([0.008, 0.03, 0.123, 0.6, 0.2]), [0.04, 0.075, 0.205, 0.6, 0.25]
    )
    np.testing.assert_allclose(benjamini_hochberg([0.319, 0.201, 0.4, 0.374, 0.113]), [0.4] * 5)


def test_benjamini_hochberg_1995_worked_example():
    # The worked example of Benjamini & Hochberg (1995, JRSS B 57:289–300), 15 p-values:
    # at q* = 0.05 the procedure rejects the four smallest hypotheses.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip
    q = benjamini_hochberg(p)
    assert np.sum(q < 0.05) == 4
    assert q[3] == pytest.approx(0.0095 * 15 / 4)
    assert q[-1] == 1.0


def test_benjamini_hochberg_nan_passthrough_and_scipy():
    rng = np.random.default_rng(2)
    p = rng.random(50) ** 3
    np.testing.assert_allclose(benjamini_hochberg(p), stats.false_discovery_control(p), rtol=1e-12)
    with_nan = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    q = benjamini_hochberg(with_nan)
    assert np.isnan(q[[1, 4]]).all()
    # m counts the three non-missing p only, as R's p.adjust
    np.testing.assert_allclose(q[[0, 2, 3]], [0.03, 0.04, 0.04])
    assert benjamini_hochberg([]).size == 0


def test_change_test_in_points():
    earlier = [3.0, 3.5, 4.0, 3.5, 3.0, 4.0]
    later = [4.0, 4.5, 4.0, 4.5, 3.5, 4.0]
    r = change_test(earlier, later, 1, 5)
    assert r["delta"] == pytest.approx((np.mean(later) - np.mean(earlier)) / 4 * 100)
    t, df, p = welch_t_test(later, earlier)
    assert (r["t"], r["df"], r["p_value"]) == pytest.approx((t, df, p))
    assert r["g"] == pytest.approx(hedges_g(later, earlier)) and r["g"] > 0
    assert (r["n_earlier"], r["n_later"]) == (6, 6)


def test_detect_changes_needs_q_and_minimum_effect():
    tests = pd.DataFrame(
        {
            "team": ["a", "b", "c", "d", "e"],
            "delta": [8.0, -12.0, 3.0, 6.0, np.nan],
            "p_value": [0.001, 0.002, 0.0001, 0.30, 0.001],
        }
    )
    out = detect_changes(tests)
    assert list(out["change"]) == ["up", "down", "none", "none", "none"]
    np.testing.assert_allclose(out["q_value"], benjamini_hochberg(tests["p_value"]))
    assert "q_value" not in tests.columns  # input untouched
    no_effect = detect_changes(tests, use_min_effect=False)
    assert list(no_effect["change"]) == ["up", "down", "up", "none", "none"]
    raw = detect_changes(tests.assign(p_value=[0.04, 0.04, 0.04, 0.04, 0.04]), use_bh=False)
    assert list(raw["change"]) == ["up", "down", "none", "up", "none"]
    stricter = detect_changes(tests, min_effect=10.0)
    assert list(stricter["change"]) == ["none", "down", "none", "none", "none"]


def test_detect_changes_families():
    tests = pd.DataFrame(
        {
            "level": ["team"] * 4 + ["org"],
            "delta": [10.0, 10.0, 10.0, 10.0, 10.0],
            "p_value": [0.02, 0.5, 0.6, 0.7, 0.02],
        }
    )
    together = detect_changes(tests)
    apart = detect_changes(tests, family="level")
    assert together["change"].tolist() == ["none"] * 5
    assert apart["change"].tolist() == ["none", "none", "none", "none", "up"]
    assert apart["q_value"].iloc[0] == pytest.approx(0.08)
