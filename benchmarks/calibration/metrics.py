"""Score the flags of one cell against the planted truth.

- false alarms: the share of readers of an unchanged group (one group's page, its
  constructs) who see at least one flag; and the false discovery rate, the mean
  over groups of (wrong flags)/(flags), where a flag is wrong when nothing moved
  or it points the wrong way.
- power: the share of planted shifts flagged, in the right direction.
- realized g: the mean Hedges' g of the planted shifts, signed by the shift, to
  show how big d is on the observed 0–100 scores.
"""

from __future__ import annotations

import numpy as np

from benchmarks.calibration.methods import Flags


def _hedges_g(s: dict[str, np.ndarray]) -> np.ndarray:
    n1, n2 = s["n1"], s["n2"]
    m1, m2 = s["sum1"] / n1, s["sum2"] / n2
    ss = (s["sum_sq1"] - n1 * m1**2) + (s["sum_sq2"] - n2 * m2**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (m2 - m1) / np.sqrt(ss / (n1 + n2 - 2)) * (1 - 3 / (4 * (n1 + n2) - 9))


def score(sums: dict[str, np.ndarray], shift: np.ndarray, f: Flags) -> dict[str, float]:
    truth = np.sign(shift)
    flagged = f.flag != 0
    wrong = flagged & (f.flag != truth)
    unchanged = ~(truth != 0).any(axis=-1)  # groups where no construct moved
    n_flags = flagged.sum(axis=-1)
    fdp = np.where(n_flags > 0, wrong.sum(axis=-1) / np.maximum(n_flags, 1), 0.0)
    moved = truth != 0
    out = {
        "false_alarm": float(flagged.any(axis=-1)[unchanged].mean()) if unchanged.any() else np.nan,
        "fdr": float(fdp.mean()),
        "power": float((f.flag[moved] == truth[moved]).mean()) if moved.any() else np.nan,
        "realized_g": float((_hedges_g(sums)[moved] * truth[moved]).mean()) if moved.any() else np.nan,
    }
    return out


def score_null(f: Flags) -> float:
    """Share of groups with any flag, for groups where nothing moved (departments under d = 0)."""
    return float((f.flag != 0).any(axis=-1).mean())
