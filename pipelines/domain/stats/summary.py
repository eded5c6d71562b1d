"""Statistics computed from sufficient statistics (n, sums, sums of squares).

DuckDB reduces respondents to these sums per group, so the marts never need
respondent rows in Python. Each function is the summary form of one in
`pipelines.domain.stats`; tests check that both agree on the same data.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps


def mean_sd(n: float, total: float, total_sq: float) -> tuple[float, float]:
    """Mean and sample SD (ddof = 1) from n, sum and sum of squares."""
    if n <= 0:
        return math.nan, math.nan
    mean = total / n
    if n < 2:
        return mean, math.nan
    var = max((total_sq - n * mean * mean) / (n - 1), 0.0)
    return mean, math.sqrt(var)


def t_interval_summary(n: float, mean: float, sd: float, confidence: float = 0.95) -> tuple[float, float]:
    """Student t-interval for a mean: mean ± t(1-a/2, n-1) · sd / sqrt(n) (Student 1908)."""
    if n < 2 or not np.isfinite(sd):
        return math.nan, math.nan
    half = sps.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


def clustered_proportion_summary(
    n: float, sum_x: float, sum_m: float, sum_x_sq: float, sum_x_m: float, sum_m_sq: float,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """Ratio-estimator proportion with its linearization interval, respondents as clusters.

    p = Σx/Σm and Var(p) = n/(n−1) · Σ(x − p·m)² / (Σm)² (BRIEF §2; Cochran 1977,
    Sampling Techniques, §6.9), with Σ(x − pm)² = Σx² − 2pΣxm + p²Σm².
    Normal critical value; the interval is clipped to [0, 1].
    """
    if sum_m <= 0:
        return math.nan, math.nan, math.nan
    p = sum_x / sum_m
    if n < 2:
        return p, math.nan, math.nan
    resid_sq = max(sum_x_sq - 2 * p * sum_x_m + p * p * sum_m_sq, 0.0)
    se = math.sqrt(n / (n - 1) * resid_sq / (sum_m * sum_m))
    z = sps.norm.ppf(0.5 + confidence / 2)
    return p, max(0.0, p - z * se), min(1.0, p + z * se)


def welch_summary(n1: float, m1: float, sd1: float, n2: float, m2: float, sd2: float) -> float:
    """Two-sided p of Welch's t-test from summaries (Welch 1947; scipy ttest_ind_from_stats)."""
    if min(n1, n2) < 2 or not (np.isfinite(sd1) and np.isfinite(sd2)):
        return math.nan
    if sd1 == 0 and sd2 == 0:
        return math.nan if m1 == m2 else 0.0
    return float(sps.ttest_ind_from_stats(m1, sd1, n1, m2, sd2, n2, equal_var=False).pvalue)


def hedges_g_summary(n1: float, m1: float, sd1: float, n2: float, m2: float, sd2: float) -> float:
    """Hedges' g of (group 2 − group 1): Cohen's d on the pooled SD × (1 − 3/(4(n1+n2) − 9)).

    Hedges & Olkin (1985), Statistical Methods for Meta-Analysis, eq. 5.10.
    """
    if min(n1, n2) < 2:
        return math.nan
    pooled = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))
    if pooled == 0:
        return math.nan
    return (m2 - m1) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))


def enps_summary(promoters: int, passives: int, detractors: int, confidence: float = 0.95) -> dict:
    """eNPS = %promoters − %detractors with SE = sqrt((p₊ + p₋ − (p₊ − p₋)²)/n).

    The variance of a difference of two multinomial shares (BRIEF §2; Rocks 2016,
    "Confidence intervals for the Net Promoter Score"), reported in points (×100)
    with a normal interval clipped to [−100, 100].
    """
    n = promoters + passives + detractors
    if n == 0:
        return {"n": 0, "enps": math.nan, "se": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    p_pos, p_neg = promoters / n, detractors / n
    score = p_pos - p_neg
    se = math.sqrt(max(p_pos + p_neg - score * score, 0.0) / n)
    z = sps.norm.ppf(0.5 + confidence / 2)
    return {
        "n": n,
        "enps": 100 * score,
        "se": 100 * se,
        "ci_low": max(-100.0, 100 * (score - z * se)),
        "ci_high": min(100.0, 100 * (score + z * se)),
    }
