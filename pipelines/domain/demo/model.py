"""The generating model behind the demo answers, and the truth it implies.

Each construct c of respondent i in team t is a latent score
``eta = mu_c + sigma_b[c] * z[t, c] + SIGMA_E * e[i, c]``. Item j is answered
as the category of ``eta + offset_j + SIGMA_N * noise`` cut at ``THRESHOLDS``
(1..5, agree = high); a reverse-keyed item is then written as ``6 - answer``.

Because the 1-5 discretisation is not linear, the planted figures are computed
on the observed scale, exactly, by Gauss-Hermite quadrature over ``eta``:

* the planted team score is E[respondent construct score | team] on 0-100;
* the planted ICC(1) is B / (B + W), where B is the between-team variance of
  those expected scores (weighted by respondents, with g - 1 in the denominator,
  as the one-way ANOVA estimator expects) and W the pooled within-team variance
  of the respondent construct score (respondent spread, item noise and
  discretisation included).

``sigma_b`` is solved per construct and wave (``solve_sigma_b``) so that the
planted ICC(1) is ``TARGET_ICC`` before the planted changes are added.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr

CONSTRUCTS: tuple[str, ...] = ("trust", "empowerment", "clarity", "accountability")
#: Latent cut points between the five agree categories.
THRESHOLDS = np.array([-1.15, -0.55, 0.15, 1.4])
#: Respondent (within-team) spread and item noise on the latent scale.
SIGMA_E = 0.6
SIGMA_N = 0.5
#: Organisation mean per construct on the latent scale (about 62-68 on 0-100).
CONSTRUCT_MEAN = {"trust": 0.55, "empowerment": 0.45, "clarity": 0.4, "accountability": 0.3}
#: Item intercepts, in item order (the fourth item of each construct is reverse-keyed).
ITEM_OFFSETS = np.array([0.1, 0.05, -0.05, -0.2])
TARGET_ICC = 0.15
#: Correlation of a team's effect between consecutive waves.
WAVE_CORR = 0.8
#: Team-level correlation between constructs (leadership pair, management pair, across).
TEAM_CORR = np.array(
    [
        [1.0, 0.6, 0.35, 0.35],
        [0.6, 1.0, 0.35, 0.35],
        [0.35, 0.35, 1.0, 0.6],
        [0.35, 0.35, 0.6, 1.0],
    ]
)
#: Respondent-level correlation between constructs.
RESPONDENT_CORR = np.full((4, 4), 0.5) + np.eye(4) * 0.5

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(64)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _item_moments(y_mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the 1-5 answer when the continuous response is N(y_mean, SIGMA_N²)."""
    p = ndtr((y_mean[..., None] - THRESHOLDS) / SIGMA_N)  # P(answer > m), m = 1..4
    count = p.sum(axis=-1)
    second = (p * (2 * np.arange(1, 5) - 1)).sum(axis=-1)
    return 1.0 + count, second - count**2


def team_moments(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected respondent construct score (1-5) and its within-team variance, per latent mean."""
    m = np.asarray(m, dtype=float)
    eta = m[..., None] + SIGMA_E * _NODES  # (..., nodes)
    means, variances = _item_moments(eta[..., None] + ITEM_OFFSETS)  # (..., nodes, items)
    j = len(ITEM_OFFSETS)
    score_mean = means.mean(axis=-1)
    score_var = variances.sum(axis=-1) / j**2
    expected = (score_mean * _WEIGHTS).sum(axis=-1)
    within = (((score_mean - expected[..., None]) ** 2 + score_var) * _WEIGHTS).sum(axis=-1)
    return expected, within


def to_points(score_1_5: np.ndarray) -> np.ndarray:
    return (np.asarray(score_1_5) - 1.0) / 4.0 * 100.0


def planted_icc(m: np.ndarray, weights: np.ndarray) -> float:
    """ICC(1) implied by team latent means ``m`` with expected respondent counts ``weights``."""
    w = np.asarray(weights, dtype=float)
    keep = w > 0
    expected, within = team_moments(np.asarray(m)[keep])
    w = w[keep]
    g = len(w)
    grand = (w * expected).sum() / w.sum()
    between = (w * (expected - grand) ** 2).sum() / ((g - 1) * w.mean())
    pooled_within = (w * within).sum() / w.sum()
    return float(between / (between + pooled_within))


def solve_sigma_b(mu: float, z: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The team spread (latent units) that gives ``target`` ICC(1) for standardised effects z."""
    return float(brentq(lambda s: planted_icc(mu + s * z, weights) - target, 1e-4, 3.0, xtol=1e-8))


def latent_for_score(points: float) -> float:
    """The team latent mean whose expected score is ``points`` on 0-100."""
    return float(brentq(lambda x: float(to_points(team_moments(np.array(x))[0])) - points, -6, 6))


def spread_evenly(z: np.ndarray) -> np.ndarray:
    """Replace each column by evenly spaced values in the same rank order, mean 0 and SD 1.

    Teams keep their order (and so their correlation across constructs and waves), but the
    realised spread is exactly the planned one and no two teams are bunched together, so the
    ranking of teams is as recoverable as the ICC allows.
    """
    ranks = np.argsort(np.argsort(z, axis=0), axis=0).astype(float)
    centred = ranks - ranks.mean(axis=0)
    sd = centred.std(axis=0, ddof=1)
    return centred / np.where(sd > 0, sd, 1.0)


def correlated_normals(rng: np.random.Generator, n: int, corr: np.ndarray) -> np.ndarray:
    return rng.standard_normal((n, corr.shape[0])) @ np.linalg.cholesky(corr).T


def simulate_answers(
    rng: np.random.Generator, team_latent: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Answers (n, 16) in item-bank order, reverse items already reversed, and respondent eta (n, 4).

    ``team_latent`` is (n, 4): each respondent's team latent mean per construct.
    """
    n = team_latent.shape[0]
    eta = team_latent + SIGMA_E * correlated_normals(rng, n, RESPONDENT_CORR)
    y = eta[:, :, None] + ITEM_OFFSETS + SIGMA_N * rng.standard_normal((n, 4, len(ITEM_OFFSETS)))
    keyed = 1 + (y[..., None] > THRESHOLDS).sum(axis=-1)  # (n, 4, items)
    answers = keyed.copy()
    answers[:, :, -1] = 6 - keyed[:, :, -1]
    return answers.reshape(n, -1), eta
