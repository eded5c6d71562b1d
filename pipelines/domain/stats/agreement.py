"""Within-team agreement (rwg(j)) and group-level reliability (ICC(1), ICC(2))."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["icc_bliese", "icc_from_group_sums", "rwg_j", "rwg_j_from_mean_variance"]

_NAN = float("nan")


def rwg_j_from_mean_variance(mean_item_variance: float, n_items: int, n_options: int) -> float:
    """James, Demaree & Wolf (1984) rwg(j) from the mean within-team item variance.

    With s̄² the mean of the J item variances within the team and
    σ² = (A² − 1)/12 the variance of a uniform null on A options (2.0 for A = 5),

    .. math::

        r_{wg(j)} = \\frac{J\\,(1 - \\bar s^2/\\sigma^2)}{J\\,(1 - \\bar s^2/\\sigma^2) + \\bar s^2/\\sigma^2}

    and r_wg(j) = 0 whenever s̄² > σ², as R's ``multilevel::rwg.j`` does (it caps
    s̄² at σ²). No other clipping (BRIEF §2). James, L. R., Demaree, R. G. &
    Wolf, G. (1984), "Estimating within-group interrater reliability with and
    without response bias", J. Applied Psychology 69:85–98.

    Examples
    --------
    >>> round(rwg_j_from_mean_variance(0.5, 4, 5), 4)
    0.9231
    """
    if not np.isfinite(mean_item_variance) or n_items < 1 or n_options < 2:
        return _NAN
    null_var = (n_options**2 - 1) / 12.0
    ratio = min(mean_item_variance / null_var, 1.0)
    agree = n_items * (1.0 - ratio)
    return float(agree / (agree + ratio))


def rwg_j(team_items: ArrayLike, n_options: int) -> float:
    """rwg(j) of one team from its respondents × items answers (NaN = no answer).

    Each item's variance (ddof = 1) uses the answers available for that item;
    items with fewer than two answers are left out, and J counts the items used.
    Then :func:`rwg_j_from_mean_variance`. NaN if no item has two answers. (R's
    ``multilevel::rwg.j`` deletes incomplete rows first; on complete data the two
    agree.)

    Examples
    --------
    >>> round(rwg_j([[4, 4, 5], [4, 5, 5], [5, 4, 4]], 5), 4)
    0.9375
    """
    x = np.atleast_2d(np.asarray(team_items, dtype=float))
    counts = np.sum(~np.isnan(x), axis=0)
    usable = counts >= 2
    if not np.any(usable):
        return _NAN
    variances = np.nanvar(x[:, usable], axis=0, ddof=1)
    return rwg_j_from_mean_variance(float(variances.mean()), int(usable.sum()), n_options)


def icc_bliese(scores: ArrayLike, groups: ArrayLike) -> tuple[float, float]:
    """ICC(1) and ICC(2) from a one-way ANOVA of respondent scores on team.

    .. math::

        ICC(1) = \\frac{MSB - MSW}{MSB + (k - 1)\\,MSW}, \\qquad
        ICC(2) = \\frac{MSB - MSW}{MSB}

    with k = N/J the mean group size (N respondents, J teams), exactly as R's
    ``multilevel::ICC1`` and ``ICC2`` on ``aov(score ~ as.factor(team))``
    (Bliese, P. D. 2000, "Within-group agreement, non-independence, and
    reliability", in Klein & Kozlowski (eds.), *Multilevel Theory, Research, and
    Methods in Organizations*, 349–381; Bartko 1976). ICC(2) is what pingouin
    calls ICC1k, not its "ICC2". ICC(1) can be negative. Rows with a missing
    score or team are dropped; NaN when there are fewer than two teams or no
    within-team degrees of freedom.

    Examples
    --------
    >>> [round(v, 4) for v in icc_bliese([1, 2, 3, 3, 4, 5, 2, 3, 4], [1, 1, 1, 2, 2, 2, 3, 3, 3])]
    [0.4, 0.6667]
    """
    y = np.asarray(scores, dtype=float).ravel()
    g = np.asarray(groups, dtype=object).ravel()
    keep = ~np.isnan(y) & ~pd.isna(g)
    y, g = y[keep], g[keep]
    if not y.size:
        return (_NAN, _NAN)
    _, codes = np.unique(g.astype(str), return_inverse=True)
    return icc_from_group_sums(np.bincount(codes), np.bincount(codes, weights=y),
                               np.bincount(codes, weights=y * y))


def icc_from_group_sums(n: ArrayLike, total: ArrayLike, total_sq: ArrayLike) -> tuple[float, float]:
    """:func:`icc_bliese` from each team's n, Σy and Σy²; the one-way ANOVA's sums of squares are

    .. math::

        SS_B = \sum_g \frac{S_g^2}{n_g} - \frac{(\sum_g S_g)^2}{N}, \qquad
        SS_W = \sum_g Q_g - \sum_g \frac{S_g^2}{n_g}

    with S_g = Σy and Q_g = Σy² over team g (the formula and source of
    :func:`icc_bliese`). Teams with n = 0 are ignored.

    Examples
    --------
    The teams of :func:`icc_bliese`'s example:

    >>> [round(v, 4) for v in icc_from_group_sums([3, 3, 3], [6, 12, 9], [14, 50, 29])]
    [0.4, 0.6667]
    """
    sizes, sums, squares = (np.asarray(a, dtype=float).ravel() for a in (n, total, total_sq))
    present = sizes > 0
    sizes, sums, squares = sizes[present], sums[present], squares[present]
    n_total, n_groups = float(sizes.sum()), int(sizes.size)
    if n_groups < 2 or n_total <= n_groups:
        return (_NAN, _NAN)
    within_means = float(np.sum(sums * sums / sizes))
    ss_between = max(within_means - sums.sum() ** 2 / n_total, 0.0)
    ss_within = max(float(squares.sum()) - within_means, 0.0)
    msb = ss_between / (n_groups - 1)
    msw = ss_within / (n_total - n_groups)
    k = n_total / n_groups
    denom1 = msb + (k - 1.0) * msw
    icc1 = (msb - msw) / denom1 if denom1 > 0 else _NAN
    icc2 = (msb - msw) / msb if msb > 0 else _NAN
    return (float(icc1), float(icc2))
