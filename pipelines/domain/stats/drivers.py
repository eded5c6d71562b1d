"""Drivers: which constructs move the outcome (relative weights or correlation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["driver_analysis", "driver_analysis_from_cov", "relative_weights", "relative_weights_from_corr"]

DRIVER_COLUMNS = {
    "construct": "object",
    "impact": "float",
    "method": "object",
    "n": "int",
    "r": "float",
}


def relative_weights(X: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Johnson's (2000) relative weights: R² split among correlated predictors.

    With R_xx = V D V' the predictors' correlation matrix and r_xy their
    correlations with y, Λ = V D^{1/2} V' relates the predictors to their
    closest orthogonal counterparts Z, β = Λ⁻¹ r_xy regresses y on Z, and

    .. math:: \\varepsilon_j = \\sum_k \\Lambda_{jk}^2\\,\\beta_k^2, \\qquad \\sum_j \\varepsilon_j = R^2

    (Johnson, J. W. 2000, "A heuristic method for estimating the relative weight
    of predictor variables in multiple regression", Multivariate Behavioral
    Research 35:1–19; Tonidandel & LeBreton 2011; the ``Raw.RelWeight`` of R's
    ``rwa`` package). Rows with any NaN are dropped. Weights are non-negative;
    the direction of each driver is the sign of its correlation with y.
    """
    x = np.asarray(X, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    target = np.asarray(y, dtype=float).ravel()
    keep = ~np.isnan(x).any(axis=1) & ~np.isnan(target)
    x, target = x[keep], target[keep]
    p = x.shape[1]
    if x.shape[0] < 3:
        return np.full(p, np.nan)
    return relative_weights_from_corr(np.corrcoef(np.column_stack([target, x]), rowvar=False))


def relative_weights_from_corr(corr: ArrayLike) -> np.ndarray:
    """:func:`relative_weights` from the correlation matrix of (y, x₁ … x_p), y first.

    The formula and source of :func:`relative_weights`; NaN weights when the matrix
    is not finite.

    Examples
    --------
    Two uncorrelated predictors with r = 0.6 and 0.3 with y: R² = 0.45, split 0.36 : 0.09.

    >>> relative_weights_from_corr([[1, 0.6, 0.3], [0.6, 1, 0], [0.3, 0, 1]]).round(4).tolist()
    [0.36, 0.09]
    """
    c = np.asarray(corr, dtype=float)
    p = c.shape[0] - 1
    if not np.all(np.isfinite(c)):
        return np.full(p, np.nan)
    rxx, rxy = c[1:, 1:], c[1:, 0]
    values, vectors = np.linalg.eigh(rxx)
    lam = vectors @ np.diag(np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    beta = np.linalg.pinv(lam) @ rxy
    return (lam**2) @ (beta**2)


def driver_analysis(frame: pd.DataFrame, outcome: pd.Series, min_n: int = 26) -> pd.DataFrame:
    """Impact of each construct on the outcome, over respondents.

    ``frame`` holds one column per construct (respondent scores) and ``outcome``
    the outcome (eNPS answer or engagement) aligned on the same index. Only
    complete cases are used, and only if there are at least ``min_n`` of them
    (default 26: "n more than 25", BRIEF §2); otherwise an empty frame.

    With two or more usable constructs, impact is the raw relative weight
    (:func:`relative_weights`, a share of R²) and method is "relative_weights";
    with one, impact is its Pearson correlation with the outcome and method is
    "correlation". Constructs without variance get impact NaN, method
    "undefined". ``r`` is every construct's zero-order correlation with the
    outcome, which gives a relative weight its direction.

    Returns
    -------
    DataFrame with columns construct, impact, method, n, r (one row per construct).
    """
    data = frame.copy()
    if isinstance(outcome, pd.Series) and not outcome.index.equals(data.index):
        data["__outcome__"] = outcome.reindex(data.index)
    else:
        data["__outcome__"] = np.asarray(outcome, dtype=float)
    data = data.apply(pd.to_numeric, errors="coerce").dropna()
    constructs = list(frame.columns)
    values = data[["__outcome__", *constructs]].to_numpy(dtype=float)
    cov = np.cov(values, rowvar=False) if len(data) >= 2 else np.full((len(constructs) + 1,) * 2, np.nan)
    return driver_analysis_from_cov(constructs, len(data), np.atleast_2d(cov), min_n)


def driver_analysis_from_cov(
    constructs: list[str], n: int, cov: ArrayLike, min_n: int = 26
) -> pd.DataFrame:
    """:func:`driver_analysis` from the covariance matrix of (outcome, constructs…) over
    the n complete cases, outcome first; the marts compute it from sums in SQL.

    The rules and returned columns of :func:`driver_analysis`.

    Examples
    --------
    >>> cov = [[4.0, 1.2, 0.6], [1.2, 1.0, 0.0], [0.6, 0.0, 1.0]]
    >>> driver_analysis_from_cov(["trust", "clarity"], 30, cov)[["impact", "r"]].round(2).values.tolist()
    [[0.36, 0.6], [0.09, 0.3]]
    """
    if n < min_n or not constructs:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in DRIVER_COLUMNS.items()})
    c = np.asarray(cov, dtype=float)
    sd = np.sqrt(np.clip(np.diag(c), 0.0, None))
    usable = [name for i, name in enumerate(constructs, start=1) if sd[i] > 0] if sd[0] > 0 else []
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = c / np.outer(sd, sd)
    r = {name: float(corr[i, 0]) if name in usable else np.nan
         for i, name in enumerate(constructs, start=1)}
    impact = dict.fromkeys(constructs, np.nan)
    method = dict.fromkeys(constructs, "undefined")
    if len(usable) >= 2:
        index = [0] + [constructs.index(name) + 1 for name in usable]
        weights = relative_weights_from_corr(corr[np.ix_(index, index)])
        impact.update(zip(usable, weights.tolist(), strict=True))
        method.update(dict.fromkeys(usable, "relative_weights"))
    elif len(usable) == 1:
        impact[usable[0]] = r[usable[0]]
        method[usable[0]] = "correlation"
    return pd.DataFrame(
        {
            "construct": constructs,
            "impact": [impact[c] for c in constructs],
            "method": [method[c] for c in constructs],
            "n": n,
            "r": [r[c] for c in constructs],
        }
    )
