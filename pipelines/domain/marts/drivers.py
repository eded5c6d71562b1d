"""Drivers of eNPS per wave for the organisation and each department, from sums.

`int_driver_moments` gives, per group, n, Σa and Σab for every pair of variables
(the constructs and the outcome) over the group's complete cases; the covariance
matrix they give is all that relative weights need. Work is linear in the
number of groups: one pass over the moments, and the scores looked up by key.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipelines.domain import stats

OUTCOME = "(enps)"
GROUP_KEYS = ["wave_id", "group_level", "group_id"]
COLUMNS = ["wave_id", "group_level", "group_id", "outcome", "construct", "impact", "method", "n",
           "gap_to_org", "priority"]


def _covariance(part: pd.DataFrame) -> tuple[list[str], int, np.ndarray]:
    """(constructs, n, covariance of (outcome, constructs…)) of one group's moments."""
    constructs = sorted((set(part["variable_a"]) | set(part["variable_b"])) - {OUTCOME})
    order = [OUTCOME, *constructs]
    index = {v: i for i, v in enumerate(order)}
    p = len(order)
    sums, cross = np.zeros(p), np.zeros((p, p))
    n = 0
    for rec in part.itertuples(index=False):
        a, b = index[rec.variable_a], index[rec.variable_b]
        cross[a, b] = cross[b, a] = rec.sum_ab
        if a == b:
            sums[a] = rec.sum_a
            n = int(rec.n)
    return constructs, n, stats.covariance_from_sums(n, sums, cross)


def group_drivers(moments: pd.DataFrame, scores: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Relative-weights drivers of eNPS for every group with at least `min_n` complete cases.

    priority = impact × (room to 100 + gap below the organisation) / 100, so a
    high-impact construct where the group trails counts most.
    """
    score_of = {
        (r.wave_id, r.group_level, r.group_id, r.measure): r.score_0_100
        for r in scores[["wave_id", "group_level", "group_id", "measure", "score_0_100"]]
        .itertuples(index=False)
    }
    rows = []
    for (wave_id, level, group_id), part in moments.groupby(GROUP_KEYS, sort=True):
        constructs, n, cov = _covariance(part)
        result = stats.driver_analysis_from_cov(constructs, n, cov, min_n=min_n)
        for drv in result.itertuples(index=False):
            score = float(score_of.get((wave_id, level, group_id, drv.construct), math.nan))
            org = float(score_of.get((wave_id, "org", "Organisation", drv.construct), math.nan))
            gap = 0.0 if level == "org" else org - score
            rows.append({
                "wave_id": wave_id, "group_level": level, "group_id": group_id, "outcome": "enps",
                "construct": drv.construct, "impact": drv.impact, "method": drv.method, "n": drv.n,
                "gap_to_org": gap,
                "priority": drv.impact * ((100 - score) + max(gap, 0.0)) / 100,
            })
    return pd.DataFrame(rows, columns=COLUMNS)
