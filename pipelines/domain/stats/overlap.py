"""Change between waves that share respondents: the partially overlapping samples t-test.

People who answered both waves are paired through their pseudonymous keys. Their
covariance shrinks the standard error of the change, so a real change is seen
sooner, while the test stays a Welch test when nobody can be paired. Every input
is a sufficient statistic (n, sums, sums of squares and, for the pairs, the sum of
cross products), so the marts never hand respondent rows to Python.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import t as t_dist

from pipelines.domain.stats.moments import mean_var_from_sums

__all__ = ["overlap_difference_from_sums", "overlap_t_from_sums"]


def overlap_t_from_sums(
    n1: ArrayLike, sum1: ArrayLike, sum_sq1: ArrayLike,
    n2: ArrayLike, sum2: ArrayLike, sum_sq2: ArrayLike,
    n12: ArrayLike = 0, pair_sum1: ArrayLike = 0, pair_sum2: ArrayLike = 0,
    pair_sum_sq1: ArrayLike = 0, pair_sum_sq2: ArrayLike = 0, pair_cross: ArrayLike = 0,
    var_equal: bool = False, conservative_df: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partially overlapping samples t-test of mean₂ − mean₁ from sums; returns (t, df, p).

    Sample 1 (the earlier wave) has n₁ respondents with Σx and Σx², sample 2 (the later
    wave) n₂ with Σy and Σy²; n₁₂ of them answered both, with paired sums Σx, Σy, Σx²,
    Σy² and Σxy over those pairs only. With s₁, s₂ the SDs of all of each sample's
    values and r the Pearson correlation of the pairs (0 when either paired SD is 0),
    Derrick, Russ, Toher & White's T_new2 (unequal variances, the default) is

    .. math::

        t = \\frac{\\bar y - \\bar x}
                 {\\sqrt{s_1^2/n_1 + s_2^2/n_2 - 2 r s_1 s_2 n_{12}/(n_1 n_2)}}, \\qquad
        \\nu = (n_{12} - 1) + \\frac{\\gamma - n_{12} + 1}{n_a + n_b + 2 n_{12}}(n_a + n_b)

    where γ is Welch's degrees of freedom and n_a = n₁ − n₁₂, n_b = n₂ − n₁₂ the
    unpaired counts; two-sided p = 2·P(T_ν > |t|). ``var_equal=True`` gives T_new1:
    the pooled SD in place of s₁ and s₂, and ν = (n₁₂ − 1) + (n_a + n_b + n₁₂ − 1)/
    (n_a + n_b + 2n₁₂)·(n_a + n_b). With n₁₂ < 2 nobody is paired and the test is
    exactly Welch's (ν = γ, as :func:`welch_from_summary`). ``conservative_df=True`` caps ν at min(n₁, n₂) − 1,
    Hsu's conservative choice (Scheffé 1970, "Practical solutions of the
    Behrens–Fisher problem", JASA 65:1501–1508), which holds the level when the two
    waves differ a lot in size and the answers are skewed. Vectorized; entries
    with n < 2 or a zero standard error give NaN, except that two constant waves
    with different means give t = ±inf and p = 0, as in :func:`welch_from_summary`.

    Source: Derrick, B., Russ, B., Toher, D. & White, P. (2017), "Test statistics for
    the comparison of means for two samples that include both paired and independent
    observations", Journal of Modern Applied Statistical Methods 16(1):137–157; the
    same as ``Partover.test`` of R's Partiallyoverlapping package (Derrick 2018).

    Examples
    --------
    The package's help example: a = 20 21 16 18 14 12 14 17 (unpaired) and
    14 15 18 20 11 19 14 15 (paired), b = 10 16 18 16 15 14 13 10 (unpaired) and
    15 10 15 17 13 19 12 13 (paired). ``Partover.test(..., var.equal = TRUE)``
    prints p = 0.026; here with b as the earlier wave:

    >>> a = [20, 21, 16, 18, 14, 12, 14, 17, 14, 15, 18, 20, 11, 19, 14, 15]
    >>> b = [10, 16, 18, 16, 15, 14, 13, 10, 15, 10, 15, 17, 13, 19, 12, 13]
    >>> pa, pb = a[8:], b[8:]
    >>> t, df, p = overlap_t_from_sums(
    ...     16, sum(b), sum(v * v for v in b), 16, sum(a), sum(v * v for v in a),
    ...     8, sum(pb), sum(pa), sum(v * v for v in pb), sum(v * v for v in pa),
    ...     sum(x * y for x, y in zip(pb, pa)), var_equal=True)
    >>> round(float(p), 3)
    0.026
    """
    diff, se2, df = overlap_difference_from_sums(
        n1, sum1, sum_sq1, n2, sum2, sum_sq2, n12, pair_sum1, pair_sum2, pair_sum_sq1,
        pair_sum_sq2, pair_cross, var_equal=var_equal, conservative_df=conservative_df)
    with np.errstate(divide="ignore", invalid="ignore"):
        sized = (np.asarray(n1, dtype=float) >= 2) & (np.asarray(n2, dtype=float) >= 2)
        valid = sized & (se2 > 0)
        tval = np.where(valid, diff / np.sqrt(np.where(valid, se2, 1.0)), np.nan)
        df = np.where(valid, df, np.nan)
        p = np.where(valid, 2.0 * t_dist.sf(np.abs(tval), df), np.nan)
        apart = sized & (se2 <= 0) & (diff != 0)  # no spread at all, as welch_from_summary
        tval = np.where(apart, np.sign(diff) * np.inf, tval)
        p = np.where(apart, 0.0, p)
    return tval, df, p


def overlap_difference_from_sums(
    n1: ArrayLike, sum1: ArrayLike, sum_sq1: ArrayLike,
    n2: ArrayLike, sum2: ArrayLike, sum_sq2: ArrayLike,
    n12: ArrayLike = 0, pair_sum1: ArrayLike = 0, pair_sum2: ArrayLike = 0,
    pair_sum_sq1: ArrayLike = 0, pair_sum_sq2: ArrayLike = 0, pair_cross: ArrayLike = 0,
    var_equal: bool = False, conservative_df: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The parts of :func:`overlap_t_from_sums`: (mean₂ − mean₁, its squared standard error, ν).

    Same arguments and formulas; t = difference / √se². For combining the changes
    of several groups (a weighted sum of independent differences has the weighted
    sum of their se², and Satterthwaite's ν).

    Examples
    --------
    Waves 1 2 3 4 and 2 3 4 5 6, nobody paired: difference 4 − 2.5 = 1.5,
    se² = s₁²/n₁ + s₂²/n₂ = (5/3)/4 + 2.5/5 = 0.9167, and Welch's ν = 6.98.

    >>> d, se2, df = overlap_difference_from_sums(4, 10, 30, 5, 20, 90)
    >>> float(d), round(float(se2), 4), round(float(df), 2)
    (1.5, 0.9167, 6.98)
    """
    n1, n2, n12 = (np.asarray(v, dtype=float) for v in (n1, n2, n12))
    mean1, v1 = mean_var_from_sums(n1, sum1, sum_sq1)
    mean2, v2 = mean_var_from_sums(n2, sum2, sum_sq2)
    paired = n12 >= 2
    m = np.where(paired, n12, 0.0)
    _, pv1 = mean_var_from_sums(m, pair_sum1, pair_sum_sq1)
    _, pv2 = mean_var_from_sums(m, pair_sum2, pair_sum_sq2)
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = np.asarray(pair_sum1, dtype=float), np.asarray(pair_sum2, dtype=float)
        cov = (np.asarray(pair_cross, dtype=float) - a * b / m) / (m - 1)
        r = np.where(paired & (pv1 > 0) & (pv2 > 0), cov / np.sqrt(pv1 * pv2), 0.0)
        unpaired = (n1 - m) + (n2 - m)
        if var_equal:
            pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
            se2 = pooled * (1 / n1 + 1 / n2 - 2 * r * m / (n1 * n2))
            base = unpaired + m - 1
        else:
            w1, w2 = v1 / n1, v2 / n2
            se2 = w1 + w2 - 2 * r * m * np.sqrt(v1 * v2) / (n1 * n2)
            base = (w1 + w2) ** 2 / (w1**2 / (n1 - 1) + w2**2 / (n2 - 1)) - m + 1
        df = (m - 1) + base / (unpaired + 2 * m) * unpaired
        if conservative_df:
            df = np.minimum(df, np.minimum(n1, n2) - 1)
    return mean2 - mean1, se2, df
