"""Means and variances from sufficient statistics (n, Σx, Σx²)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["covariance_from_sums", "mean_var_from_sums", "pairwise_covariance"]


def mean_var_from_sums(
    n: ArrayLike, total: ArrayLike, total_sq: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample variance (ddof = 1) of each group from its sums; vectorized.

    .. math::

        \\bar x = \\frac{\\sum x}{n}, \\qquad
        s^2 = \\frac{\\sum x^2 - n\\,\\bar x^2}{n - 1}

    (the computational form of the sample variance; e.g. Snedecor & Cochran 1989,
    *Statistical Methods*, 8th ed., §2.10). Rounding can push s² a hair below 0
    for a constant group; it is clipped at 0. n = 0 gives NaN for both, n = 1 a
    NaN variance. DuckDB reduces respondents to these sums per group, so nothing
    downstream needs respondent rows.

    Examples
    --------
    >>> m, v = mean_var_from_sums([4, 1, 0], [16.0, 3.0, 0.0], [66.0, 9.0, 0.0])
    >>> m.tolist(), [round(x, 4) for x in v.tolist()]
    ([4.0, 3.0, nan], [0.6667, nan, nan])
    """
    k = np.asarray(n, dtype=float)
    s = np.asarray(total, dtype=float)
    ss = np.asarray(total_sq, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(k > 0, s / k, np.nan)
        var = np.where(k > 1, np.maximum((ss - k * mean * mean) / (k - 1), 0.0), np.nan)
    return mean, var


def pairwise_covariance(
    n: ArrayLike, sum_row: ArrayLike, sum_col: ArrayLike, sum_prod: ArrayLike
) -> np.ndarray:
    """Pairwise-complete covariance matrix (ddof = 1) from sums over respondents.

    For items i and j, over the n_ij respondents who answered both,

    .. math:: C_{ij} = \frac{\sum x_i x_j - \sum x_i \sum x_j / n_{ij}}{n_{ij} - 1}

    where Σx_i and Σx_j are taken over those same respondents (``sum_row`` and
    ``sum_col`` hold them, k × k); on the diagonal Σx_i x_i = Σx_i². This is what
    pandas' ``DataFrame.cov()`` and R's ``cov(x, use = "pairwise")`` compute.
    Entries with n_ij < 2 are NaN.

    Examples
    --------
    Items [1, 2, 4] and [2, NaN, 5]: the pair uses respondents 1 and 3.

    >>> pairwise_covariance([[3, 2], [2, 2]], [[7, 5], [5, 7]], [[7, 7], [7, 7]],
    ...                     [[21, 22], [22, 29]]).round(4).tolist()
    [[2.3333, 4.5], [4.5, 4.5]]
    """
    k, sr, sc, sp = (np.asarray(a, dtype=float) for a in (n, sum_row, sum_col, sum_prod))
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (sp - sr * sc / k) / (k - 1)
    return np.where(k >= 2, cov, np.nan)


def covariance_from_sums(n: float, sums: ArrayLike, cross: ArrayLike) -> np.ndarray:
    """Covariance matrix (ddof = 1) of complete cases from n, Σv and Σvv'.

    .. math:: C = \frac{\sum v v' - \sum v \sum v' / n}{n - 1}

    (the matrix form of :func:`mean_var_from_sums`). NaN where n < 2.

    Examples
    --------
    >>> covariance_from_sums(3, [6.0, 9.0], [[14.0, 20.0], [20.0, 29.0]]).round(4).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    s = np.asarray(sums, dtype=float)
    xx = np.asarray(cross, dtype=float)
    if n < 2:
        return np.full(xx.shape, np.nan)
    return (xx - np.outer(s, s) / n) / (n - 1)
