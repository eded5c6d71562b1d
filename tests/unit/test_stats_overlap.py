"""The partially overlapping samples t-test from sums (Derrick et al. 2017)."""

import math

import numpy as np
import pytest
from scipy import stats

from pipelines.domain.stats import overlap_t_from_sums, welch_from_summary

# The example of R's Partiallyoverlapping::Partover.test help page (Derrick 2018).
A_UNPAIRED = [20, 21, 16, 18, 14, 12, 14, 17]
A_PAIRED = [14, 15, 18, 20, 11, 19, 14, 15]
B_UNPAIRED = [10, 16, 18, 16, 15, 14, 13, 10]
B_PAIRED = [15, 10, 15, 17, 13, 19, 12, 13]


def _sums(earlier_unpaired, earlier_paired, later_unpaired, later_paired):
    x = np.asarray(earlier_unpaired + earlier_paired, dtype=float)
    y = np.asarray(later_unpaired + later_paired, dtype=float)
    px, py = np.asarray(earlier_paired, dtype=float), np.asarray(later_paired, dtype=float)
    return (x.size, x.sum(), (x * x).sum(), y.size, y.sum(), (y * y).sum(),
            px.size, px.sum(), py.sum(), (px * px).sum(), (py * py).sum(), (px * py).sum())


def test_published_partover_example():
    # Partover.test(a.unpaired, b.unpaired, a.paired, b.paired, var.equal = TRUE): p = 0.026.
    # df by hand: (8 - 1) + (8 + 8 + 8 - 1)/(8 + 8 + 2*8) * (8 + 8) = 18.5.
    t, df, p = overlap_t_from_sums(*_sums(B_UNPAIRED, B_PAIRED, A_UNPAIRED, A_PAIRED), var_equal=True)
    assert round(float(p), 3) == 0.026
    assert float(df) == pytest.approx(18.5)
    assert float(t) > 0  # a (the later sample here) has the higher mean


def test_unequal_variance_form_on_the_example():
    # T_new2 by hand from the formula: s1, s2 over all values, r over the pairs.
    x = np.array(B_UNPAIRED + B_PAIRED, float)
    y = np.array(A_UNPAIRED + A_PAIRED, float)
    r = np.corrcoef(B_PAIRED, A_PAIRED)[0, 1]
    v1, v2 = x.var(ddof=1), y.var(ddof=1)
    se = math.sqrt(v1 / 16 + v2 / 16 - 2 * r * 8 * math.sqrt(v1 * v2) / 256)
    gamma = (v1 / 16 + v2 / 16) ** 2 / ((v1 / 16) ** 2 / 15 + (v2 / 16) ** 2 / 15)
    nu = 7 + (gamma - 8 + 1) / 32 * 16
    t, df, p = overlap_t_from_sums(*_sums(B_UNPAIRED, B_PAIRED, A_UNPAIRED, A_PAIRED))
    assert float(t) == pytest.approx((y.mean() - x.mean()) / se, rel=1e-12)
    assert float(df) == pytest.approx(nu, rel=1e-12)
    assert float(p) == pytest.approx(2 * stats.t.sf(abs(float(t)), nu), rel=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_without_pairs_it_is_welch(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(60, 15, int(rng.integers(2, 40))), rng.normal(65, 25, int(rng.integers(2, 40)))
    t, df, p = overlap_t_from_sums(x.size, x.sum(), (x * x).sum(), y.size, y.sum(), (y * y).sum())
    ref = welch_from_summary(y.mean(), y.var(ddof=1), y.size, x.mean(), x.var(ddof=1), x.size)
    assert (float(t), float(df), float(p)) == pytest.approx(tuple(float(v) for v in ref), rel=1e-9)


def test_everyone_paired_is_the_paired_t_test():
    rng = np.random.default_rng(7)
    x = rng.normal(60, 15, 25)
    y = x + rng.normal(3, 8, 25)
    t, df, p = overlap_t_from_sums(*_sums([], list(x), [], list(y)))
    ref = stats.ttest_rel(y, x)
    assert float(t) == pytest.approx(ref.statistic, rel=1e-9)
    assert float(df) == pytest.approx(24)
    assert float(p) == pytest.approx(ref.pvalue, rel=1e-8)


def test_conservative_df_caps_at_the_smaller_wave():
    rng = np.random.default_rng(3)
    x, y = rng.normal(60, 15, 5), rng.normal(60, 15, 30)
    args = (x.size, x.sum(), (x * x).sum(), y.size, y.sum(), (y * y).sum())
    _, df, p = overlap_t_from_sums(*args)
    _, df_c, p_c = overlap_t_from_sums(*args, conservative_df=True)
    assert float(df_c) == 4.0 and float(df) > 4.0 and float(p_c) > float(p)


def test_degenerate_inputs():
    t, df, p = overlap_t_from_sums([1, 5, 5], [60, 300, 300], [3600, 18000, 18000],
                                   [9, 5, 5], [540, 300, 350], [32400, 18000, 24500])
    assert math.isnan(p[0])  # one respondent in the earlier wave
    assert math.isnan(p[1])  # both waves constant and equal
    assert p[2] == 0.0 and t[2] == math.inf  # both constant, means apart: as Welch
