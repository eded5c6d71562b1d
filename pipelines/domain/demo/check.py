"""Measure a drawn wave against the planted truth, as an analyst of the files would.

One draw of ~600 respondents recovers the planted ICC(1) only to about +-0.03
(one standard deviation, from sampling alone). So that the demo is a sharp
oracle for the pipeline, ``generate_demo`` redraws a wave's answers until the
draw is representative: every construct's measured ICC(1) within ``ICC_TOL`` of
the planted value, the team means ranked like the planted scores (Spearman at
least ``RHO_MIN`` over teams with 10+ respondents), and each planted change
measured within ``CHANGE_TOL`` points. The number of draws is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import spearmanr

from pipelines.domain.demo.responses import BLANK, NO_BASIS, Response
from pipelines.domain.demo.truth import CONSTRUCTS, Truth

ICC_TOL = 0.03
RHO_MIN = 0.82
CHANGE_TOL = 5.0
MIN_TEAM = 10
MAX_DRAWS = 60


@dataclass
class Assessment:
    icc1: dict[str, float] = field(default_factory=dict)
    spearman: dict[str, float] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    #: team -> (4,) measured team means on 0-100
    team_means: dict[str, np.ndarray] = field(default_factory=dict)
    shortfall: float = 0.0  # 0 when representative; otherwise how far outside the tolerances

    @property
    def ok(self) -> bool:
        return self.shortfall == 0.0


def respondent_scores(responses: list[Response]) -> tuple[np.ndarray, np.ndarray]:
    """Teams and (n, 4) construct scores of the valid rows: reverse keyed (the fourth item of
    each construct), mean of the answered items, missing when fewer than half answered."""
    valid = [r for r in responses if r.kind == "valid"]
    answers = np.array([r.answers for r in valid], dtype=float).reshape(-1, 4, 4)
    answers[(answers == BLANK) | (answers == NO_BASIS)] = np.nan
    answers[:, :, 3] = 6 - answers[:, :, 3]
    answered = (~np.isnan(answers)).sum(axis=2)
    with np.errstate(invalid="ignore"):
        scores = np.nanmean(answers, axis=2)
    return np.array([r.team for r in valid]), np.where(answered >= 2, scores, np.nan)


def icc1(scores: np.ndarray, teams: np.ndarray) -> float:
    """Bliese's ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW), k = N / J (multilevel::ICC1)."""
    keep = ~np.isnan(scores)
    scores, teams = scores[keep], teams[keep]
    _, group = np.unique(teams, return_inverse=True)
    sizes = np.bincount(group)
    n, j = len(scores), len(sizes)
    means = np.bincount(group, weights=scores) / sizes
    msb = (sizes * (means - scores.mean()) ** 2).sum() / (j - 1)
    msw = ((scores - means[group]) ** 2).sum() / (n - j)
    return float((msb - msw) / (msb + (n / j - 1) * msw))


def assess(
    responses: list[Response],
    truth: Truth,
    wave_id: str,
    earlier: dict[str, np.ndarray] | None = None,
    planted_changes: list[dict] | None = None,
) -> Assessment:
    teams, scores = respondent_scores(responses)
    out = Assessment()
    shortfall = 0.0
    for team in np.unique(teams):
        block = scores[teams == team]
        out.team_means[str(team)] = (np.nanmean(block, axis=0) - 1) / 4 * 100
    for c, construct in enumerate(CONSTRUCTS):
        measured = icc1(scores[:, c], teams)
        out.icc1[construct] = round(measured, 4)
        shortfall += max(0.0, abs(measured - truth.icc[wave_id][construct]) - ICC_TOL)
        big = [t for t in out.team_means if (~np.isnan(scores[teams == t, c])).sum() >= MIN_TEAM]
        if len(big) >= 3:
            rho = float(
                spearmanr(
                    [out.team_means[t][c] for t in big], [truth.scores[wave_id][t][c] for t in big]
                ).statistic
            )
            out.spearman[construct] = round(rho, 4)
            shortfall += max(0.0, RHO_MIN - rho)
    for change in planted_changes or []:
        if earlier is None or change["to_wave"] != wave_id:
            continue
        team, c = change["team"], CONSTRUCTS.index(change["construct"])
        if team in earlier and team in out.team_means:
            delta = float(out.team_means[team][c] - earlier[team][c])
            out.changes.append({**change, "measured_delta": round(delta, 2)})
            shortfall += max(0.0, abs(delta - change["delta"]) - CHANGE_TOL) / 100
    out.shortfall = shortfall
    return out
