"""Change between waves: Welch's t-test, Hedges' g, Benjamini–Hochberg, the call."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.stats import t as t_dist

__all__ = [
    "benjamini_hochberg",
    "change_test",
    "detect_changes",
    "hedges_g",
    "hedges_g_from_summary",
    "welch_from_summary",
    "welch_t_test",
]

_NAN = float("nan")


def _floats(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


def _clean(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


def welch_from_summary(
    mean1: ArrayLike, var1: ArrayLike, n1: ArrayLike,
    mean2: ArrayLike, var2: ArrayLike, n2: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch's t-test from group means, variances (ddof = 1) and sizes; vectorized.

    .. math::

        t = \\frac{\\bar x_1 - \\bar x_2}{\\sqrt{s_1^2/n_1 + s_2^2/n_2}}, \\qquad
        \\nu = \\frac{(s_1^2/n_1 + s_2^2/n_2)^2}
                    {\\frac{(s_1^2/n_1)^2}{n_1 - 1} + \\frac{(s_2^2/n_2)^2}{n_2 - 1}}

    with the two-sided p = 2·P(T_ν > |t|) (Welch 1947, "The generalization of
    'Student's' problem when several different population variances are
    involved", Biometrika 34:28–35; Satterthwaite 1946). Entries with n < 2 in a
    group give NaN. With both variances 0 the standard error is 0: equal means
    give NaN, different means t = ±inf and p = 0 (no overlap at all).

    Caveat: with very unequal group sizes (say 5 against 30) the Satterthwaite
    p-value is too small in the far tail (about 6.5 times the nominal rate at
    α = 0.05/160 in simulation), which weakens a Benjamini–Hochberg family's
    protection; see tests/unit/test_false_alarms.py.
    """
    m1, v1, k1, m2, v2, k2 = _floats(mean1, var1, n1, mean2, var2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        a1, a2 = v1 / k1, v2 / k2
        se2 = a1 + a2
        sized = (k1 >= 2) & (k2 >= 2)
        valid = sized & (se2 > 0)
        tval = np.where(valid, (m1 - m2) / np.sqrt(se2), np.nan)
        df = np.where(valid, se2**2 / (a1**2 / (k1 - 1) + a2**2 / (k2 - 1)), np.nan)
        p = np.where(valid, 2.0 * t_dist.sf(np.abs(tval), df), np.nan)
        apart = sized & (se2 == 0) & (m1 != m2)
        tval = np.where(apart, np.sign(m1 - m2) * np.inf, tval)
        p = np.where(apart, 0.0, p)
    return tval, df, p


def welch_t_test(a: ArrayLike, b: ArrayLike) -> tuple[float, float, float]:
    """Two-sided Welch t-test of mean(a) − mean(b); returns (t, df, p).

    The same as ``scipy.stats.ttest_ind(a, b, equal_var=False)`` and R's
    ``t.test(a, b)``; formula in :func:`welch_from_summary`. NaN values are
    dropped. Anonymous waves cannot be paired, so this is the wave-on-wave test
    (BRIEF §2): pass (later, earlier) for a t whose sign is the change.

    Examples
    --------
    R's ``t.test(extra ~ group, data = sleep)``: t = −1.8608, df = 17.776,
    p = 0.07939.

    >>> g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> [round(v, 4) for v in welch_t_test(g1, g2)]
    [-1.8608, 17.7765, 0.0794]
    """
    x, y = _clean(a), _clean(b)
    if x.size < 2 or y.size < 2:
        return (_NAN, _NAN, _NAN)
    tval, df, p = welch_from_summary(
        x.mean(), x.var(ddof=1), x.size, y.mean(), y.var(ddof=1), y.size
    )
    return (float(tval), float(df), float(p))


def hedges_g(a: ArrayLike, b: ArrayLike) -> float:
    """Hedges' g of mean(a) − mean(b): Cohen's d on the pooled SD, bias-corrected.

    .. math::

        g = \\frac{\\bar a - \\bar b}{s_p}\\left(1 - \\frac{3}{4(n_1 + n_2) - 9}\\right),
        \\qquad s_p = \\sqrt{\\frac{(n_1 - 1)s_1^2 + (n_2 - 1)s_2^2}{n_1 + n_2 - 2}}

    (Hedges, L. V. 1981, "Distribution theory for Glass's estimator of effect size
    and related estimators", J. Educational Statistics 6:107–128; Hedges & Olkin
    1985; the approximation used by pingouin's ``compute_effsize(eftype="hedges")``).
    NaN values are dropped; NaN when a group has fewer than two values or s_p = 0.

    Examples
    --------
    >>> round(hedges_g([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]), 4)
    -1.1425
    """
    x, y = _clean(a), _clean(b)
    if x.size < 2 or y.size < 2:
        return _NAN
    return float(hedges_g_from_summary(
        x.mean(), x.var(ddof=1), x.size, y.mean(), y.var(ddof=1), y.size
    ))


def hedges_g_from_summary(
    mean1: ArrayLike, var1: ArrayLike, n1: ArrayLike,
    mean2: ArrayLike, var2: ArrayLike, n2: ArrayLike,
) -> np.ndarray:
    """Hedges' g of group 1 − group 2 from means, variances (ddof = 1) and sizes; vectorized.

    The formula of :func:`hedges_g`, with the arguments in the order of
    :func:`welch_from_summary`. NaN where a group has n < 2 or s_p = 0.

    Examples
    --------
    The groups of :func:`hedges_g`'s example (means 3 and 5, variances 2.5, n = 5):

    >>> round(float(hedges_g_from_summary(3.0, 2.5, 5, 5.0, 2.5, 5)), 4)
    -1.1425
    """
    m1, v1, k1, m2, v2, k2 = _floats(mean1, var1, n1, mean2, var2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = ((k1 - 1) * v1 + (k2 - 1) * v2) / (k1 + k2 - 2)
        ok = (k1 >= 2) & (k2 >= 2) & (pooled > 0)
        g = (m1 - m2) / np.sqrt(pooled) * (1.0 - 3.0 / (4.0 * (k1 + k2) - 9.0))
    return np.where(ok, g, np.nan)


def benjamini_hochberg(pvalues: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg (1995) adjusted p-values (q-values), as R's ``p.adjust(p, "BH")``.

    With the m non-missing p-values sorted increasingly, p₍ᵢ₎,

    .. math:: q_{(i)} = \\min\\left(1, \\min_{j \\ge i} \\frac{m}{j}\\,p_{(j)}\\right)

    returned in the input order. NaN p-values stay NaN and do not count in m,
    as in R (Benjamini, Y. & Hochberg, Y. 1995, "Controlling the false discovery
    rate", JRSS B 57:289–300).

    Examples
    --------
    >>> benjamini_hochberg([0.008, 0.03, 0.123, 0.6, 0.2]).round(3).tolist()
    [0.04, 0.075, 0.205, 0.6, 0.25]
    """
    p = np.asarray(pvalues, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    vals = p[ok]
    order = np.argsort(vals)[::-1]
    ranks = np.arange(m, 0, -1)
    adjusted = np.minimum.accumulate(m / ranks * vals[order])
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    out[ok] = result
    return out


def change_test(
    earlier: ArrayLike, later: ArrayLike, scale_min: float = 1.0, scale_max: float = 5.0
) -> dict[str, float]:
    """Compare one group's respondent scores between two waves.

    delta = (mean_later − mean_earlier)/(max − min) × 100, in 0–100 points;
    Welch's t (later − earlier), its df and two-sided p (:func:`welch_t_test`);
    and Hedges' g of later versus earlier (:func:`hedges_g`). Feed a frame of
    these rows, one per team × construct of a pair of waves, to
    :func:`detect_changes`.

    Returns
    -------
    dict with n_earlier, n_later, mean_earlier, mean_later, delta, t, df, p_value, g.
    """
    x, y = _clean(earlier), _clean(later)
    mean_x = float(x.mean()) if x.size else _NAN
    mean_y = float(y.mean()) if y.size else _NAN
    tval, df, p = welch_t_test(y, x)
    return {
        "n_earlier": int(x.size),
        "n_later": int(y.size),
        "mean_earlier": mean_x,
        "mean_later": mean_y,
        "delta": (mean_y - mean_x) / (scale_max - scale_min) * 100.0,
        "t": tval,
        "df": df,
        "p_value": p,
        "g": hedges_g(y, x),
    }


def detect_changes(
    tests: pd.DataFrame,
    alpha: float = 0.05,
    min_effect: float = 5.0,
    use_bh: bool = True,
    use_min_effect: bool = True,
    family: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Add ``q_value`` and ``change`` ('up' | 'down' | 'none') to a frame of tests.

    ``tests`` has one row per test with ``delta`` (later − earlier, 0–100 points)
    and ``p_value``. q is the Benjamini–Hochberg adjusted p across all rows
    (one family: every team × construct test of one pair of waves), or within
    each group of the ``family`` column(s), since departments and the
    organisation are families of their own (BRIEF §2). A change is called only
    when q < alpha **and** |delta| ≥ min_effect; its direction is the sign of
    delta. ``use_bh=False`` uses the raw p, and ``use_min_effect=False`` drops the
    effect-size condition (both only for showing what they protect against).
    A NaN p or delta is never a change. The input frame is not modified.
    """
    out = tests.copy()
    p = out["p_value"].to_numpy(dtype=float)
    if not use_bh:
        q = p.copy()
    elif family is None:
        q = benjamini_hochberg(p)
    else:
        keys = [family] if isinstance(family, str) else list(family)
        q = np.full(p.shape, np.nan)
        for idx in out.groupby(keys, dropna=False, sort=False).indices.values():
            q[idx] = benjamini_hochberg(p[idx])
    delta = out["delta"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        called = (q < alpha) & ~np.isnan(delta)
        if use_min_effect:
            called &= np.abs(delta) >= min_effect - 1e-9  # 5.0 computed as 4.999…
    out["q_value"] = q
    out["change"] = np.where(
        called & (delta > 0), "up", np.where(called & (delta < 0), "down", "none")
    )
    return out
