"""Scoring: reverse keying, respondent and team scores, favourability, eNPS."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm

__all__ = [
    "enps",
    "enps_from_counts",
    "favorability_shares",
    "favorable_counts",
    "respondent_scores",
    "reverse_key",
    "to_0_100",
]


def reverse_key(x: ArrayLike, scale_min: float, scale_max: float) -> np.ndarray | float:
    """Reverse-key an answer or an array of answers.

    .. math:: x' = \\min + \\max - x

    Apply it before anything else (BRIEF §2): an unreversed negatively worded item
    silently drags a construct score towards the midpoint, and collapses alpha.
    NaN (no answer) stays NaN. A scalar in gives a float out.

    Examples
    --------
    >>> reverse_key([1, 2, 5, float("nan")], 1, 5)
    array([ 5.,  4.,  1., nan])
    """
    arr = np.asarray(x, dtype=float)
    out = (scale_min + scale_max) - arr
    return float(out) if out.ndim == 0 else out


def respondent_scores(items: ArrayLike, min_fraction: float = 0.5) -> np.ndarray:
    """Each respondent's construct score: the mean of the items they answered.

    ``items`` is respondents × items with NaN for no answer. A respondent is scored
    only if answered ≥ J × ``min_fraction`` (by default at least half of the
    construct's J items, BRIEF §2); otherwise the score is NaN.

    .. math:: s_i = \\frac{1}{|A_i|}\\sum_{j \\in A_i} x_{ij}, \\quad |A_i| \\ge J/2

    Examples
    --------
    >>> respondent_scores([[4, 5, float("nan"), float("nan")], [3, float("nan")] + [float("nan")] * 2])
    array([4.5, nan])
    """
    x = np.atleast_2d(np.asarray(items, dtype=float))
    n_items = x.shape[1]
    answered = np.sum(~np.isnan(x), axis=1)
    total = np.nansum(x, axis=1)
    ok = (answered > 0) & (answered >= n_items * min_fraction)
    out = np.full(x.shape[0], np.nan)
    out[ok] = total[ok] / answered[ok]
    return out


def to_0_100(mean: ArrayLike, scale_min: float, scale_max: float) -> np.ndarray | float:
    """Rescale a mean on the answer scale to 0–100, as Glint reports scores.

    .. math:: \\text{score} = \\frac{\\bar x - \\min}{\\max - \\min} \\times 100

    Examples
    --------
    >>> to_0_100(4.0, 1, 5)
    75.0
    """
    arr = (np.asarray(mean, dtype=float) - scale_min) / (scale_max - scale_min) * 100.0
    return float(arr) if arr.ndim == 0 else arr


def _box_width(scale_min: float, scale_max: float) -> int:
    """Two boxes for scales with four or more options, one box for 2–3 options."""
    n_options = int(round(scale_max - scale_min)) + 1
    return 2 if n_options >= 4 else 1


def favorability_shares(
    values: ArrayLike, scale_min: float, scale_max: float
) -> tuple[float, float, float]:
    """Shares of favourable, neutral and unfavourable answers (fractions in 0–1).

    Favourable is the top two boxes and unfavourable the bottom two, as Culture
    Amp, Qualtrics and Lattice count them; the rest is neutral. On a 1–5 scale:
    4–5 favourable, 3 neutral, 1–2 unfavourable; on a 1–4 scale there is no
    neutral; on a scale with three or fewer options the single top and bottom
    boxes are used so that they cannot overlap. NaN answers are ignored; with no
    answers the three shares are NaN.

    Returns
    -------
    (pct_fav, pct_neutral, pct_unfav) as fractions summing to 1; multiply by 100
    for percentages.

    Examples
    --------
    >>> favorability_shares([5, 4, 3, 2, 1, 4, 4, 5], 1, 5)
    (0.625, 0.125, 0.25)
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[~np.isnan(v)]
    if v.size == 0:
        return (float("nan"), float("nan"), float("nan"))
    k = _box_width(scale_min, scale_max)
    fav = np.mean(v > scale_max - k)
    unfav = np.mean(v < scale_min + k)
    return (float(fav), float(1.0 - fav - unfav), float(unfav))


def favorable_counts(
    items: ArrayLike, scale_min: float, scale_max: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per respondent: favourable answers x_i and answers given m_i.

    The inputs of :func:`clustered_proportion`; ``items`` is respondents × items
    (already reverse-keyed) with NaN for no answer, and favourable means the top
    two boxes as in :func:`favorability_shares`.
    """
    x = np.atleast_2d(np.asarray(items, dtype=float))
    k = _box_width(scale_min, scale_max)
    answered = ~np.isnan(x)
    fav = answered & (np.nan_to_num(x, nan=-np.inf) > scale_max - k)
    return fav.sum(axis=1).astype(float), answered.sum(axis=1).astype(float)


def enps(scores: ArrayLike, confidence: float = 0.95) -> dict[str, float]:
    """Employee Net Promoter Score with its standard error and normal interval.

    Promoters answer 9–10, passives 7–8 and detractors 0–6 on the 0–10 scale.

    .. math::

        \\text{eNPS} = 100\\,(p_+ - p_-), \\qquad
        SE = 100\\sqrt{\\frac{p_+ + p_- - (p_+ - p_-)^2}{n}}

    and the interval eNPS ± z·SE (z = 1.96 for 95 %) is clipped to [−100, 100]
    (BRIEF §2). The SE is the multinomial variance of a difference of two
    proportions from one sample, Var(p₊ − p₋) = [p₊(1−p₊) + p₋(1−p₋) + 2p₊p₋]/n,
    which simplifies to the expression above. NaN answers are dropped. With no answers every figure
    except the counts is NaN.

    Returns
    -------
    dict with promoters, passives, detractors, n (counts), enps, se, ci_low, ci_high
    (points, −100…100).

    Examples
    --------
    >>> r = enps([10, 10, 9, 9, 8, 7, 6, 5, 3, 0])
    >>> r["enps"], round(r["se"], 4)
    (0.0, 28.2843)
    """
    s = np.asarray(scores, dtype=float).ravel()
    s = s[~np.isnan(s)]
    promoters = int(np.sum(s >= 9))
    detractors = int(np.sum(s <= 6))
    return enps_from_counts(promoters, int(s.size) - promoters - detractors, detractors, confidence)


def enps_from_counts(
    promoters: int, passives: int, detractors: int, confidence: float = 0.95
) -> dict[str, float]:
    """:func:`enps` from the counts of promoters, passives and detractors.

    The formula, source and returned keys of :func:`enps`; the marts count the
    three kinds of answer per group in SQL and call this.

    Examples
    --------
    >>> r = enps_from_counts(4, 2, 4)
    >>> r["enps"], round(r["se"], 4), round(r["ci_low"], 4)
    (0.0, 28.2843, -55.4362)
    """
    n = promoters + passives + detractors
    out: dict[str, float] = {
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "n": n,
        "enps": float("nan"),
        "se": float("nan"),
        "ci_low": float("nan"),
        "ci_high": float("nan"),
    }
    if n == 0:
        return out
    p_pos, p_neg = promoters / n, detractors / n
    diff = p_pos - p_neg
    se = float(np.sqrt(max(p_pos + p_neg - diff**2, 0.0) / n)) * 100.0
    z = float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))
    score = diff * 100.0
    out.update(
        enps=score,
        se=se,
        ci_low=max(score - z * se, -100.0),
        ci_high=min(score + z * se, 100.0),
    )
    return out
