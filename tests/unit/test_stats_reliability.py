"""Reliability: Cronbach's alpha (pairwise), Feldt's interval, McDonald's omega."""

import math

import numpy as np
import pandas as pd
import pytest

from pipelines.domain.stats import (
    cronbach_alpha,
    feldt_interval,
    mcdonald_omega,
    respondent_scores,
    reverse_key,
)

pg = pytest.importorskip("pingouin")


def _likert(latent: np.ndarray, rng: np.random.Generator, noise: float = 0.8) -> np.ndarray:
    """Answers on 1–5 from a latent score (SD units) plus item noise."""
    return np.clip(np.round(3 + latent + rng.normal(0, noise, latent.shape)), 1, 5)


def test_pingouin_documented_example_wide_with_missing_values():
    # pingouin.cronbach_alpha docstring, dataset "cronbach_wide_missing"
    # (In R: psych::alpha(data, use = "pairwise")):
    #   (0.732660835214447, array([0.435, 0.909]))
    data = pg.read_dataset("cronbach_wide_missing")
    alpha = cronbach_alpha(data)
    assert alpha == pytest.approx(0.732660835214447, abs=1e-12)
    low, high = feldt_interval(alpha, *data.shape)
    assert (round(low, 3), round(high, 3)) == (0.435, 0.909)


def test_pingouin_documented_example_long_format():
    # pingouin.cronbach_alpha docstring, dataset "cronbach_alpha" (15 subjects × 10 items):
    #   (0.5917188485995826, array([0.195, 0.84 ]))
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    alpha = cronbach_alpha(data)
    assert alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert [round(v, 3) for v in feldt_interval(alpha, *data.shape)] == [0.195, 0.84]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_alpha_and_feldt_match_pingouin_on_random_data_with_gaps(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(8, 200)), int(rng.integers(2, 9))
    data = _likert(rng.normal(0, 1, (n, 1)) * np.ones((1, k)), rng)
    data[rng.random(data.shape) < 0.1] = np.nan
    frame = pd.DataFrame(data)
    ref_alpha, ref_ci = pg.cronbach_alpha(data=frame)
    alpha = cronbach_alpha(data)
    assert alpha == pytest.approx(ref_alpha, abs=1e-12)
    # pingouin rounds its interval to 3 decimals
    np.testing.assert_allclose(feldt_interval(alpha, n, k), ref_ci, atol=5e-4 + 1e-12)
    np.testing.assert_allclose(
        feldt_interval(alpha, n, k, 0.90), pg.cronbach_alpha(frame, ci=0.9)[1], atol=5e-4 + 1e-12
    )


def test_alpha_degenerate_cases():
    assert math.isnan(cronbach_alpha([[1], [2], [3]]))
    assert math.isnan(cronbach_alpha([[1, 2, 3]]))
    assert math.isnan(cronbach_alpha([[3, 3], [3, 3], [3, 3]]))
    assert all(math.isnan(v) for v in feldt_interval(float("nan"), 10, 4))
    assert all(math.isnan(v) for v in feldt_interval(0.8, 1, 4))


def test_unreversed_reverse_keyed_item_collapses_alpha():
    # BRIEF §2: forgetting reverse keying is the classic silent error, and alpha exposes it.
    rng = np.random.default_rng(7)
    latent = rng.normal(0, 1, (300, 1))
    answers = _likert(latent * np.ones((1, 4)), rng)
    answers[:, 3] = reverse_key(answers[:, 3], 1, 5)  # T4R as respondents answer it
    correct = answers.copy()
    correct[:, 3] = reverse_key(answers[:, 3], 1, 5)  # the pipeline reverses it back
    alpha_ok, alpha_forgot = cronbach_alpha(correct), cronbach_alpha(answers)
    assert alpha_ok > 0.75
    assert alpha_ok - alpha_forgot >= 0.15
    # and the construct score moves towards the midpoint when the item is left unreversed
    assert np.std(respondent_scores(answers)) < np.std(respondent_scores(correct))


def _exact_cov_sample(cov: np.ndarray, n: int, seed: int) -> np.ndarray:
    """A sample whose covariance matrix (ddof = 1) is exactly ``cov``."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, cov.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    return z @ np.linalg.cholesky(cov).T + 3.0


def test_omega_recovers_an_exact_one_factor_covariance():
    # Σ = λλ' + Ψ with raw loadings λ and unique variances ψ: ω = (Σλ)² / ((Σλ)² + Σψ).
    lam = np.array([0.9, 0.7, 0.5, 0.8])
    psi = np.array([0.4, 0.6, 0.7, 0.3])
    cov = np.outer(lam, lam) + np.diag(psi)
    data = _exact_cov_sample(cov, 500, seed=3)
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum())
    assert mcdonald_omega(data) == pytest.approx(expected, abs=1e-5)
    sd = np.sqrt(np.diag(cov))
    std_lam, std_psi = lam / sd, psi / sd**2
    expected_std = std_lam.sum() ** 2 / (std_lam.sum() ** 2 + std_psi.sum())
    assert mcdonald_omega(data, standardized=True) == pytest.approx(expected_std, abs=1e-5)


def test_omega_three_items_closed_form():
    # With three items the one-factor model is just identified:
    # λ₁² = r₁₂ r₁₃ / r₂₃ (and cyclically), ψ = 1 − λ².
    rng = np.random.default_rng(11)
    latent = rng.normal(size=(400, 1))
    data = latent * np.array([0.8, 0.6, 0.7]) + rng.normal(size=(400, 3)) * np.array(
        [0.6, 0.8, 0.7]
    )
    r = np.corrcoef(data, rowvar=False)
    lam = np.sqrt(
        [r[0, 1] * r[0, 2] / r[1, 2], r[0, 1] * r[1, 2] / r[0, 2], r[0, 2] * r[1, 2] / r[0, 1]]
    )
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert mcdonald_omega(data, standardized=True) == pytest.approx(expected, abs=1e-5)


def test_omega_equals_alpha_for_tau_equivalent_items():
    # Equal raw loadings, unequal error variances: alpha = omega in the population.
    rng = np.random.default_rng(5)
    latent = rng.normal(size=(5000, 1))
    data = latent * 0.8 + rng.normal(size=(5000, 4)) * np.array([0.5, 0.7, 0.9, 0.6])
    assert mcdonald_omega(data) == pytest.approx(cronbach_alpha(data), abs=0.01)


def test_omega_exceeds_alpha_for_congeneric_items():
    rng = np.random.default_rng(6)
    latent = rng.normal(size=(5000, 1))
    data = latent * np.array([1.2, 0.9, 0.4, 0.2]) + rng.normal(size=(5000, 4)) * 0.6
    assert mcdonald_omega(data) > cronbach_alpha(data) + 0.02


def test_omega_not_estimable_returns_none():
    rng = np.random.default_rng(8)
    assert mcdonald_omega(rng.normal(size=(50, 2))) is None  # fewer than three items
    assert mcdonald_omega(rng.normal(size=(2, 4))) is None  # fewer than three respondents
    constant = rng.normal(size=(50, 4))
    constant[:, 1] = 3.0
    assert mcdonald_omega(constant) is None  # an item without variance
    all_missing = rng.normal(size=(50, 4))
    all_missing[:, 2] = np.nan
    assert mcdonald_omega(all_missing) is None


def test_omega_on_likert_items_with_missing_values():
    rng = np.random.default_rng(9)
    data = _likert(rng.normal(size=(200, 1)) * np.ones((1, 4)), rng)
    data[rng.random(data.shape) < 0.05] = np.nan
    omega = mcdonald_omega(data)
    assert omega is not None and 0.7 < omega < 1.0
    assert omega == pytest.approx(cronbach_alpha(data), abs=0.03)
