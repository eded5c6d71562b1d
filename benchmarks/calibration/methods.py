"""The change flags as Tandem publishes them, computed from simulated sums.

A method is a test (Welch's, or the partially overlapping t-test that pairs the
people who answered both waves) and a Benjamini–Hochberg family: every group ×
construct of the organisation ("org", today's marts), or one group's own constructs
("own", what one reader reads). A change is flagged when q < ALPHA and |delta|
reaches the minimum effect, as in `pipelines.domain.stats.detect_changes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as t_dist

from benchmarks.calibration.simulate import DEPARTMENTS, MIN_N, TEAMS
from pipelines.domain.stats import (
    benjamini_hochberg,
    overlap_difference_from_sums,
    overlap_t_from_sums,
    welch_from_summary,
)

ALPHA = 0.05
MIN_EFFECT = 5.0  # points, tandem.yaml's default


@dataclass(frozen=True)
class Flags:
    delta: np.ndarray  # later − earlier, 0–100 points, (replicates, groups, constructs)
    p: np.ndarray
    q: np.ndarray
    flag: np.ndarray  # −1 down, +1 up, 0 none


def _welch_p(s: dict[str, np.ndarray]) -> np.ndarray:
    m1, m2 = s["sum1"] / s["n1"], s["sum2"] / s["n2"]
    v1 = (s["sum_sq1"] - s["n1"] * m1**2) / (s["n1"] - 1)
    v2 = (s["sum_sq2"] - s["n2"] * m2**2) / (s["n2"] - 1)
    return welch_from_summary(m2, np.maximum(v2, 0), s["n2"], m1, np.maximum(v1, 0), s["n1"])[2]


def _pairs(s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    used = s["n12"] >= MIN_N  # pairs count only when they are a group of at least k
    return {k: np.where(used, s[k], 0.0) for k in
            ("n12", "pair_sum1", "pair_sum2", "pair_sum_sq1", "pair_sum_sq2", "pair_cross")}


def _overlap_p(s: dict[str, np.ndarray], conservative_df: bool = False) -> np.ndarray:
    return overlap_t_from_sums(s["n1"], s["sum1"], s["sum_sq1"], s["n2"], s["sum2"], s["sum_sq2"],
                               **_pairs(s), conservative_df=conservative_df)[2]


def _bh(p: np.ndarray, family: str) -> np.ndarray:
    reps, groups, constructs = p.shape
    rows = p.reshape(reps, groups * constructs) if family == "org" else p.reshape(-1, constructs)
    return np.apply_along_axis(benjamini_hochberg, 1, rows).reshape(p.shape)


TESTS: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {
    "welch": _welch_p, "overlap": _overlap_p,
    "overlap_hsu": lambda s: _overlap_p(s, conservative_df=True),
}
METHODS = {  # name: (test, family)
    "welch_org": ("welch", "org"),  # today's marts
    "welch_own": ("welch", "own"),
    "overlap_org": ("overlap", "org"),
    "overlap_own": ("overlap", "own"),
    "overlap_hsu_own": ("overlap_hsu", "own"),  # what mart_team_changes publishes
}
PUBLISHED = "overlap_hsu_own"


def flags(sums: dict[str, np.ndarray], method: str) -> Flags:
    test, family = METHODS[method]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = sums["sum2"] / sums["n2"] - sums["sum1"] / sums["n1"]
        p = TESTS[test](sums)
        q = _bh(p, family)
        called = (q < ALPHA) & (np.abs(delta) >= MIN_EFFECT - 1e-9)
    return Flags(delta, p, q, np.where(called, np.sign(delta), 0.0))


def like_for_like_departments(team_sums: dict[str, np.ndarray]) -> Flags:
    """An alternative for departments, not published: the mean of their teams' changes.

    Each team's change and se² come from the published team test; the department's
    change weights them by the team's later-wave respondents, so teams that grow or
    shrink do not move it. se² = Σ (w/W)² se²_t, Satterthwaite's df, BH over the
    department's constructs, and the minimum effect.
    """
    s = team_sums
    diff, se2, df = overlap_difference_from_sums(
        s["n1"], s["sum1"], s["sum_sq1"], s["n2"], s["sum2"], s["sum_sq2"], **_pairs(s),
        conservative_df=True)
    per = TEAMS // DEPARTMENTS

    def split(x: np.ndarray) -> np.ndarray:
        return x.reshape(x.shape[0], DEPARTMENTS, per, x.shape[-1])

    share = split(s["n2"]) / split(s["n2"]).sum(axis=2, keepdims=True)
    parts = share**2 * split(se2)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (share * split(diff)).sum(axis=2)
        var = parts.sum(axis=2)
        nu = var**2 / (parts**2 / split(df)).sum(axis=2)
        p = 2.0 * t_dist.sf(np.abs(delta) / np.sqrt(var), nu)
        q = _bh(p, "own")
        called = (q < ALPHA) & (np.abs(delta) >= MIN_EFFECT - 1e-9)
    return Flags(delta, p, q, np.where(called, np.sign(delta), 0.0))
