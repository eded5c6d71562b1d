"""Every statistic computed from sufficient statistics equals the same statistic from raw rows.

The marts reduce respondents to sums in DuckDB (n, Σx, Σx², Σxy) and compute each
figure from those sums; these property tests draw raw data (with missing answers)
and check the sums route against an independent raw-row computation.
"""

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from pipelines.domain import stats

# derandomize: the same examples on every run, so that CI and a developer see the same result
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def answer_matrix(draw, min_rows=4, max_rows=40, min_cols=2, max_cols=6, missing=True):
    """Respondents x items on a 1-5 scale, with some answers missing."""
    rows = draw(st.integers(min_rows, max_rows))
    cols = draw(st.integers(min_cols, max_cols))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    person = rng.normal(0, 1, (rows, 1))
    x = np.clip(np.round(3 + person + rng.normal(0, 1, (rows, cols))), 1, 5)
    if missing:
        x[rng.random((rows, cols)) < draw(st.floats(0, 0.3))] = np.nan
    return x


def _pair_sums(x: np.ndarray):
    """n, Σx_i, Σx_j and Σx_i x_j over the rows where both i and j are present."""
    present = ~np.isnan(x)
    z = np.nan_to_num(x)
    both = present.T.astype(float) @ present.astype(float)
    row = (z.T @ present)  # Σ x_i over rows where j is present
    return both, row, row.T, z.T @ z


@SETTINGS
@given(answer_matrix())
def test_pairwise_covariance_equals_pandas(x):
    expected = pd.DataFrame(x).cov().to_numpy()
    got = stats.pairwise_covariance(*_pair_sums(x))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)


@SETTINGS
@given(answer_matrix(min_cols=2))
def test_alpha_from_sums_equals_pingouin_pairwise(x):
    frame = pd.DataFrame(x)
    if frame.dropna(how="all").shape[0] < 3 or frame.cov().isna().any().any():
        return
    got = stats.cronbach_alpha_from_cov(stats.pairwise_covariance(*_pair_sums(x)))
    if frame.cov().to_numpy().sum() <= 0:  # no common variance: alpha is undefined (NaN),
        assert np.isnan(got)                # where pingouin prints a number above 1
        return
    expected = pingouin.cronbach_alpha(frame, nan_policy="pairwise")[0]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9) or (np.isnan(got) and np.isnan(expected))


@SETTINGS
@given(answer_matrix(min_cols=3, missing=False, min_rows=8))
def test_omega_from_sums_equals_omega_from_rows(x):
    got = stats.mcdonald_omega_from_cov(stats.pairwise_covariance(*_pair_sums(x)))
    expected = stats.mcdonald_omega(pd.DataFrame(x))
    assert (got is None) == (expected is None)
    if got is not None:
        assert got == pytest.approx(expected, rel=1e-6)


@SETTINGS
@given(st.lists(st.lists(st.floats(0, 100), min_size=0, max_size=12), min_size=2, max_size=8))
def test_icc_from_group_sums_equals_a_one_way_anova(groups):
    y = np.concatenate([np.asarray(g, dtype=float) for g in groups])
    g = np.concatenate([[i] * len(v) for i, v in enumerate(groups)])
    sums = [(len(v), float(np.sum(v)), float(np.sum(np.square(v)))) for v in groups]
    got = stats.icc_from_group_sums(*zip(*sums, strict=True))
    nonempty = [np.asarray(v, dtype=float) for v in groups if v]
    if len(nonempty) < 2 or y.size <= len(nonempty):
        assert np.isnan(got[0]) and np.isnan(got[1])
        return
    grand = y.mean()
    msb = sum(len(v) * (v.mean() - grand) ** 2 for v in nonempty) / (len(nonempty) - 1)
    msw = sum(((v - v.mean()) ** 2).sum() for v in nonempty) / (y.size - len(nonempty))
    k = y.size / len(nonempty)
    if msb + (k - 1) * msw > 1e-9:
        assert got[0] == pytest.approx((msb - msw) / (msb + (k - 1) * msw), rel=1e-6, abs=1e-9)
    assert stats.icc_bliese(y, g) == pytest.approx(got, rel=1e-9, abs=1e-12, nan_ok=True)


@SETTINGS
@given(answer_matrix(min_rows=30, max_rows=80, min_cols=3, max_cols=5))
def test_drivers_from_sums_equal_drivers_from_rows(x):
    frame = pd.DataFrame(x[:, 1:], columns=[f"c{i}" for i in range(x.shape[1] - 1)])
    outcome = pd.Series(x[:, 0] * 2, index=frame.index)
    expected = stats.driver_analysis(frame, outcome, min_n=10)
    complete = np.column_stack([outcome, frame])[~np.isnan(np.column_stack([outcome, frame])).any(axis=1)]
    n = complete.shape[0]
    cov = stats.covariance_from_sums(n, complete.sum(axis=0), complete.T @ complete)
    got = stats.driver_analysis_from_cov(list(frame.columns), n, cov, min_n=10)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-7, atol=1e-9)


@SETTINGS
@given(st.lists(st.floats(0, 100), min_size=0, max_size=30), st.lists(st.floats(0, 100), min_size=0, max_size=30))
def test_welch_hedges_and_interval_from_summaries_equal_raw_rows(a, b):
    a, b = np.asarray(a), np.asarray(b)
    (m1, m2), (v1, v2) = stats.mean_var_from_sums([a.size, b.size], [a.sum(), b.sum()],
                                                  [(a * a).sum(), (b * b).sum()])
    if a.size >= 2 and b.size >= 2 and (a.var() > 1e-9 or b.var() > 1e-9):
        ref = sps.ttest_ind(a, b, equal_var=False)
        assert stats.welch_from_summary(m1, v1, a.size, m2, v2, b.size)[2] == pytest.approx(
            ref.pvalue, rel=1e-6, abs=1e-12)
        assert stats.hedges_g_from_summary(m1, v1, a.size, m2, v2, b.size) == pytest.approx(
            stats.hedges_g(a, b), rel=1e-6, abs=1e-9, nan_ok=True)
    if a.size >= 2 and np.ptp(a) == 0:  # no spread: an interval of zero width at the mean
        low, high = stats.t_interval_from_summary(a.size, m1, np.sqrt(v1))
        assert float(low) == pytest.approx(a[0]) and float(high) == pytest.approx(a[0])
    elif a.size >= 2:
        low, high = stats.t_interval_from_summary(a.size, m1, np.sqrt(v1))
        assert (float(low), float(high)) == pytest.approx(
            sps.t.interval(0.95, a.size - 1, loc=a.mean(), scale=sps.sem(a)), rel=1e-6, abs=1e-9,
            nan_ok=True)


@SETTINGS
@given(st.lists(st.integers(0, 10), min_size=0, max_size=50))
def test_enps_from_counts_equals_enps_from_answers(scores):
    s = np.asarray(scores, dtype=float)
    counts = int((s >= 9).sum()), int(((s >= 7) & (s <= 8)).sum()), int((s <= 6).sum())
    got, expected = stats.enps_from_counts(*counts), stats.enps(s)
    assert got.keys() == expected.keys()
    for key in got:
        assert got[key] == pytest.approx(expected[key], nan_ok=True)


@SETTINGS
@given(answer_matrix(min_rows=2, max_rows=30, min_cols=2, max_cols=5))
def test_clustered_proportion_from_sums_equals_raw_rows(x):
    fav = np.nansum(x >= 4, axis=1).astype(float)
    m = np.sum(~np.isnan(x), axis=1).astype(float)
    keep = m > 0
    xs, ms = fav[keep], m[keep]
    got = stats.clustered_proportion_from_sums(xs.size, xs.sum(), ms.sum(), (xs * xs).sum(),
                                               (xs * ms).sum(), (ms * ms).sum())
    if xs.size:
        p = xs.sum() / ms.sum()
        assert float(got[0]) == pytest.approx(p)
    assert [float(v) for v in got] == pytest.approx(list(stats.clustered_proportion(fav, m)), nan_ok=True)
