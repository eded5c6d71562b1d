"""Means and variances from sufficient statistics (n, Σx, Σx²)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["mean_var_from_sums"]


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
