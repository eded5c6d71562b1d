"""Confidence intervals: a mean, a proportion of people, a clustered proportion."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm, t

__all__ = [
    "clustered_proportion",
    "clustered_proportion_from_sums",
    "t_interval",
    "t_interval_from_summary",
    "wilson_interval",
]

_NAN = float("nan")


def _z(confidence: float) -> float:
    return float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))


def t_interval(values: ArrayLike, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of respondent scores with its Student t interval.

    .. math:: \\bar x \\pm t_{1-\\alpha/2,\\,n-1}\\,\\frac{s}{\\sqrt n}

    with s the sample SD (ddof = 1); the same interval as R's ``t.test(x)$conf.int``
    and ``scipy.stats.t.interval``. NaN values are dropped; with n = 0 all three
    are NaN and with n = 1 the bounds are NaN.

    Examples
    --------
    >>> [round(v, 4) for v in t_interval([3.0, 4.0, 5.0, 4.0])]
    [4.0, 2.7008, 5.2992]
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (_NAN, _NAN, _NAN)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if x.size > 1 else _NAN
    low, high = t_interval_from_summary(x.size, mean, sd, confidence)
    return (mean, float(low), float(high))


def t_interval_from_summary(
    n: ArrayLike, mean: ArrayLike, sd: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """The bounds of :func:`t_interval` from n, the mean and the SD; vectorized.

    .. math:: \bar x \pm t_{1-\alpha/2,\,n-1}\,\frac{s}{\sqrt n}

    (Student 1908). Bounds are NaN where n < 2 or the SD is not finite.

    Examples
    --------
    >>> [round(float(v), 4) for v in t_interval_from_summary(4, 4.0, 0.816496580927726)]
    [2.7008, 5.2992]
    """
    k = np.asarray(n, dtype=float)
    m = np.asarray(mean, dtype=float)
    s = np.asarray(sd, dtype=float)
    ok = (k >= 2) & np.isfinite(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = t.ppf(1.0 - (1.0 - confidence) / 2.0, np.where(ok, k - 1, 1.0)) * s / np.sqrt(k)
    return np.where(ok, m - half, np.nan), np.where(ok, m + half, np.nan)


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a single proportion of people.

    With p̂ = x/n and z the normal quantile,

    .. math::

        \\frac{\\hat p + \\frac{z^2}{2n}}{1 + \\frac{z^2}{n}} \\pm
        \\frac{z}{1 + \\frac{z^2}{n}}\\sqrt{\\frac{\\hat p(1-\\hat p)}{n} + \\frac{z^2}{4n^2}}

    (Wilson, E. B. 1927, "Probable inference, the law of succession, and
    statistical inference", JASA 22:209–212; R's ``prop.test(x, n, correct = FALSE)``).
    It stays inside [0, 1] and behaves at 0 and n. n = 0 gives NaN bounds.

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(81, 263)]
    [0.2553, 0.3662]
    >>> [round(v, 4) for v in wilson_interval(0, 20)]
    [0.0, 0.1611]
    """
    if n <= 0:
        return (_NAN, _NAN)
    z = _z(confidence)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z / denom * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return (float(max(centre - half, 0.0)), float(min(centre + half, 1.0)))


def clustered_proportion(
    x_fav: ArrayLike, m_answers: ArrayLike, confidence: float = 0.95
) -> tuple[float, float, float]:
    """% favourable over all answers, with respondents as clusters (ratio estimator).

    Respondent i gave m_i answers, x_i of them favourable. The proportion of
    answers and its linearization (Taylor) variance are

    .. math::

        p = \\frac{\\sum x_i}{\\sum m_i}, \\qquad
        \\widehat{Var}(p) = \\frac{n}{n-1}\\,\\frac{\\sum (x_i - p\\,m_i)^2}{(\\sum m_i)^2}

    (the ratio estimator of cluster sampling with unequal cluster sizes, Cochran
    1977, *Sampling Techniques*, 3rd ed.; what R's ``survey::svyratio`` computes
    on a one-stage cluster design without weights). The interval
    is p ± z·SE with the **normal** critical value, the default of R's ``survey``
    package (its ``confint`` uses df = Inf), and is clipped to [0, 1].
    Respondents with m_i = 0 are dropped. With fewer than two answering
    respondents the bounds are NaN; with none, all three are NaN.

    Examples
    --------
    >>> [round(v, 4) for v in clustered_proportion([2, 1, 0, 3], [3, 3, 2, 3])]
    [0.5455, 0.1558, 0.9351]
    """
    x = np.asarray(x_fav, dtype=float).ravel()
    m = np.asarray(m_answers, dtype=float).ravel()
    keep = (m > 0) & ~np.isnan(m) & ~np.isnan(x)
    x, m = x[keep], m[keep]
    p, low, high = clustered_proportion_from_sums(
        x.size, x.sum(), m.sum(), (x * x).sum(), (x * m).sum(), (m * m).sum(), confidence
    )
    return (float(p), float(low), float(high))


def clustered_proportion_from_sums(
    n: ArrayLike,
    sum_x: ArrayLike,
    sum_m: ArrayLike,
    sum_x_sq: ArrayLike,
    sum_x_m: ArrayLike,
    sum_m_sq: ArrayLike,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`clustered_proportion` from per-group sums over respondents; vectorized.

    n answering respondents, Σx, Σm, Σx², Σxm and Σm² give p = Σx/Σm and

    .. math:: \sum (x_i - p\,m_i)^2 = \sum x_i^2 - 2p\sum x_i m_i + p^2 \sum m_i^2

    in the linearization variance of :func:`clustered_proportion` (Cochran 1977,
    §6.9). All three are NaN where Σm = 0; the bounds are NaN where n < 2.

    Examples
    --------
    The respondents of :func:`clustered_proportion`'s example, x = [2, 1, 0, 3]
    and m = [3, 3, 2, 3]:

    >>> [round(float(v), 4) for v in clustered_proportion_from_sums(4, 6, 11, 14, 18, 31)]
    [0.5455, 0.1558, 0.9351]
    """
    k, sx, sm, sxx, sxm, smm = (
        np.asarray(a, dtype=float) for a in (n, sum_x, sum_m, sum_x_sq, sum_x_m, sum_m_sq)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(sm > 0, sx / sm, np.nan)
        resid = np.maximum(sxx - 2 * p * sxm + p * p * smm, 0.0)
        half = _z(confidence) * np.sqrt(k / (k - 1) * resid / (sm * sm))
    ok = (sm > 0) & (k >= 2)
    low = np.where(ok, np.maximum(p - half, 0.0), np.nan)
    high = np.where(ok, np.minimum(p + half, 1.0), np.nan)
    return p, low, high
