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

from benchmarks.calibration.simulate import MIN_N
from pipelines.domain.stats import benjamini_hochberg, welch_from_summary
from pipelines.domain.stats.overlap import overlap_t_from_sums

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


def _overlap_p(s: dict[str, np.ndarray], conservative_df: bool = False) -> np.ndarray:
    used = s["n12"] >= MIN_N  # pairs count only when they are a group of at least k
    pairs = {k: np.where(used, s[k], 0.0) for k in
             ("n12", "pair_sum1", "pair_sum2", "pair_sum_sq1", "pair_sum_sq2", "pair_cross")}
    return overlap_t_from_sums(s["n1"], s["sum1"], s["sum_sq1"], s["n2"], s["sum2"], s["sum_sq2"],
                               **pairs, conservative_df=conservative_df)[2]


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
