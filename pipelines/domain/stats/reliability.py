"""Internal-consistency reliability: Cronbach's alpha, Feldt's interval, omega."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.stats import f

__all__ = [
    "cronbach_alpha",
    "cronbach_alpha_from_cov",
    "feldt_interval",
    "mcdonald_omega",
    "mcdonald_omega_from_cov",
]

_NAN = float("nan")


def _as_frame(data: ArrayLike | pd.DataFrame) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data.apply(pd.to_numeric, errors="coerce").astype(float)
    return pd.DataFrame(np.atleast_2d(np.asarray(data, dtype=float)))


def cronbach_alpha(data: ArrayLike | pd.DataFrame) -> float:
    """Cronbach's (1951) alpha from pairwise-complete item covariances.

    With k items and C their covariance matrix (each entry from the respondents
    who answered both items),

    .. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1' C \\mathbf 1}\\right)

    (Cronbach, L. J. 1951, "Coefficient alpha and the internal structure of
    tests", Psychometrika 16:297–334). This is ``psych::alpha(x, use = "pairwise")``'s
    raw alpha and the default of
    ``pingouin.cronbach_alpha`` (nan_policy = "pairwise"). ``data`` is respondents
    × items, NaN for no answer, reverse-keyed items already reversed. NaN when
    fewer than two items or two respondents, or when a covariance cannot be formed.

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 3, 3], [4, 4, 5], [5, 4, 4]]), 4)
    0.9305
    """
    frame = _as_frame(data)
    n, k = frame.shape
    if k < 2 or n < 2:
        return _NAN
    return cronbach_alpha_from_cov(frame.cov().to_numpy(dtype=float))


def cronbach_alpha_from_cov(cov: ArrayLike) -> float:
    """:func:`cronbach_alpha` from the items' (pairwise-complete) covariance matrix.

    The marts compute the matrix from sums over respondents in SQL
    (:func:`pipelines.domain.stats.moments.pairwise_covariance`); the formula and
    source are those of :func:`cronbach_alpha`.

    Examples
    --------
    The covariance matrix of :func:`cronbach_alpha`'s example:

    >>> round(cronbach_alpha_from_cov([[10 / 3, 5 / 3, 2], [5 / 3, 11 / 12, 7 / 6],
    ...                                [2, 7 / 6, 5 / 3]]), 4)
    0.9305
    """
    c = np.atleast_2d(np.asarray(cov, dtype=float))
    k = c.shape[0]
    total = c.sum()
    if k < 2 or not np.all(np.isfinite(c)) or total <= 0:
        return _NAN
    return float(k / (k - 1) * (1.0 - np.trace(c) / total))


def feldt_interval(
    alpha: float, n_respondents: int, n_items: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Feldt (1965) confidence interval for coefficient alpha.

    With n respondents, k items and F quantiles on (n − 1, (n − 1)(k − 1)) df,

    .. math::

        \\alpha_L = 1 - (1 - \\hat\\alpha)\\,F_{1-\\gamma/2}, \\qquad
        \\alpha_U = 1 - (1 - \\hat\\alpha)\\,F_{\\gamma/2}

    where γ = 1 − confidence (Feldt, L. S. 1965, "The approximate sampling
    distribution of Kuder-Richardson reliability coefficient twenty",
    Psychometrika 30:357–370; Feldt, Woodruff & Salih 1987). ``pingouin.cronbach_alpha``
    returns the same interval, rounded to three decimals. NaN when n < 2, k < 2
    or alpha is NaN.

    Examples
    --------
    pingouin's documented example (15 subjects, 10 items) prints [0.195, 0.84]:

    >>> [round(v, 3) for v in feldt_interval(0.5917188485995826, 15, 10)]
    [0.195, 0.84]
    """
    if not np.isfinite(alpha) or n_respondents < 2 or n_items < 2:
        return (_NAN, _NAN)
    gamma = 1.0 - confidence
    df1 = n_respondents - 1
    df2 = df1 * (n_items - 1)
    low = 1.0 - (1.0 - alpha) * f.isf(gamma / 2.0, df1, df2)
    high = 1.0 - (1.0 - alpha) * f.isf(1.0 - gamma / 2.0, df1, df2)
    return (float(low), float(high))


def _one_factor_ml(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """One-factor maximum-likelihood fit of a correlation matrix, as R's ``factanal``.

    Minimises, over the uniquenesses ψ, the ML discrepancy concentrated on the
    loadings (Jöreskog, K. G. 1967, Psychometrika 32:443–482): with S* = Ψ^(-1/2) R Ψ^(-1/2) and its eigenvalues
    e₁ ≥ … ≥ e_p, F(ψ) = −Σ_{j≥2}(log e_j − e_j) − (p − 1). Loadings are
    λ = Ψ^(1/2) v₁ √(e₁ − 1). Uniquenesses are bounded below by 0.005, as factanal.
    Returns (loadings, uniquenesses) or None if the fit fails.
    """
    p = corr.shape[0]
    lower = 0.005

    def eig(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sc = 1.0 / np.sqrt(psi)
        return np.linalg.eigh(corr * np.outer(sc, sc))

    def objective(psi: np.ndarray) -> float:
        values = eig(psi)[0][:-1]
        if np.any(values <= 0):
            return 1e10
        return float(-np.sum(np.log(values) - values) - (p - 1))

    def gradient(psi: np.ndarray) -> np.ndarray:
        values, vectors = eig(psi)
        load = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
        residual = np.outer(load, load) + np.diag(psi) - corr
        return np.diag(residual) / psi**2

    try:
        start = np.clip((1.0 - 0.5 / p) / np.diag(np.linalg.inv(corr)), lower, 1.0)
    except np.linalg.LinAlgError:
        start = np.full(p, 0.5)
    try:
        fit = minimize(
            objective,
            start,
            jac=gradient,
            method="L-BFGS-B",
            bounds=[(lower, 1.0)] * p,
            options={"maxiter": 1000},
        )
    except (np.linalg.LinAlgError, ValueError):
        return None
    if not np.isfinite(fit.fun) or fit.fun >= 1e10:
        return None
    psi = fit.x
    values, vectors = eig(psi)
    if values[-1] <= 1.0:
        return None
    load = np.sqrt(psi) * vectors[:, -1] * np.sqrt(values[-1] - 1.0)
    if load.sum() < 0:
        load = -load
    return load, psi


def mcdonald_omega(data: ArrayLike | pd.DataFrame, standardized: bool = False) -> float | None:
    """McDonald's (1999) omega total from a one-factor model.

    A one-factor model x_j = λ_j F + e_j (Var F = 1, Var e_j = ψ_j) is fitted by
    maximum likelihood (R's ``factanal`` criterion) to the pairwise-complete
    correlation matrix, and

    .. math:: \\omega = \\frac{(\\sum_j \\lambda_j)^2}{(\\sum_j \\lambda_j)^2 + \\sum_j \\psi_j}

    (McDonald, R. P. 1999, *Test Theory: A Unified Treatment*, Erlbaum). By default
    λ and ψ are rescaled by the item SDs, so omega is the reliability of the
    unit-weighted sum score that Tandem reports (and equals alpha in the
    population when items are tau-equivalent). ``standardized=True`` gives omega
    of standardized items, as ``psych::omega`` reports from a correlation matrix.

    Returns None when omega is not estimable: fewer than three items (a one-factor
    model is then not identified), fewer than three respondents, a missing or zero
    variance, a correlation matrix that cannot be fitted, or no common factor.

    Examples
    --------
    >>> data = [[1, 2, 2, 1], [2, 3, 3, 2], [4, 4, 5, 3], [5, 4, 4, 5], [3, 3, 2, 3], [2, 1, 2, 2]]
    >>> round(mcdonald_omega(data), 4)
    0.9409
    >>> mcdonald_omega([[1, 2], [2, 3], [3, 3]]) is None
    True
    """
    frame = _as_frame(data)
    n, k = frame.shape
    if k < 3 or n < 3:
        return None
    return mcdonald_omega_from_cov(frame.cov().to_numpy(dtype=float), standardized)


def mcdonald_omega_from_cov(cov: ArrayLike, standardized: bool = False) -> float | None:
    """:func:`mcdonald_omega` from the items' (pairwise-complete) covariance matrix.

    The formula and source are those of :func:`mcdonald_omega`; None under the
    same conditions (fewer than three items, a missing or zero variance, no fit).

    Examples
    --------
    >>> import pandas as pd
    >>> data = [[1, 2, 2, 1], [2, 3, 3, 2], [4, 4, 5, 3], [5, 4, 4, 5], [3, 3, 2, 3], [2, 1, 2, 2]]
    >>> round(mcdonald_omega_from_cov(pd.DataFrame(data).cov().to_numpy()), 4)
    0.9409
    """
    c = np.atleast_2d(np.asarray(cov, dtype=float))
    if c.shape[0] < 3 or not np.all(np.isfinite(c)):
        return None
    var = np.diag(c)
    if np.any(var <= 0):
        return None
    sd = np.sqrt(var)
    corr = c / np.outer(sd, sd)
    fitted = _one_factor_ml(corr)
    if fitted is None:
        return None
    load, uniq = fitted
    if not standardized:
        load, uniq = load * sd, uniq * var
    common = load.sum() ** 2
    return float(common / (common + uniq.sum()))
