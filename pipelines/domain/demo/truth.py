"""The planted truth: team effects per wave, the two real changes, and the implied ICC(1).

Team effects are drawn as normals per construct (correlated across constructs),
carried from wave to wave with correlation ``WAVE_CORR`` (a split team's halves
inherit the parent, a merged team the mean of its parents), spread evenly in
their rank order (``model.spread_evenly``) and re-scaled each wave so that every wave's planted ICC(1) is the target before
the two planted changes are added (which raise it a little in the second wave).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.domain.demo import model
from pipelines.domain.demo.org import (
    CLARITY_DROP_TEAM,
    MERGE,
    RENAME,
    SPLIT,
    TRUST_RISE_TEAM,
    WAVES,
    Org,
)

CONSTRUCTS = model.CONSTRUCTS
#: The planted changes between the first two waves, in points on 0-100. They are large
#: because "clear" means called: q < 0.05 after Benjamini-Hochberg over ~140 team x construct
#: tests, with ~30 respondents a side (the SE of a difference is about 4 points).
PLANTED_CHANGES: tuple[tuple[str, str, float, float], ...] = (
    # team, construct, standardised effect in the first wave, change in points
    (CLARITY_DROP_TEAM, "clarity", 1.0, -22.0),
    (TRUST_RISE_TEAM, "trust", -1.2, 20.0),
)


@dataclass
class Truth:
    #: wave_id -> (4,) team spread per construct, latent units
    sigma_b: dict[str, np.ndarray] = field(default_factory=dict)
    #: wave_id -> team -> (4,) latent team means
    latent: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    #: wave_id -> team -> (4,) planted scores on 0-100
    scores: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    #: wave_id -> construct -> planted ICC(1)
    icc: dict[str, dict[str, float]] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)


def participation_rates(rng: np.random.Generator, org: Org) -> dict[str, dict[str, float]]:
    """Each team's response propensity per wave (mean about 0.83)."""
    rates: dict[str, dict[str, float]] = {}
    for wave in WAVES:
        teams = list(org.teams[wave.wave_id])
        drawn = np.clip(rng.beta(20, 4, size=len(teams)), 0.65, 0.95)
        rates[wave.wave_id] = {t: float(r) for t, r in zip(teams, drawn, strict=True)}
        for team in (CLARITY_DROP_TEAM, TRUST_RISE_TEAM):
            if team in rates[wave.wave_id]:
                rates[wave.wave_id][team] = 0.92
    return rates


def _headcounts(org: Org, wave_id: str) -> dict[str, int]:
    counts = dict.fromkeys(org.teams[wave_id], 0)
    for team, _, _ in org.placement[wave_id].values():
        counts[team] += 1
    return counts


def _parents(team: str, previous: dict[str, np.ndarray]) -> list[str]:
    if team in previous:
        return [team]
    if team in SPLIT[1]:
        return [SPLIT[0]]
    if team == MERGE[1]:
        return list(MERGE[0])
    if team == RENAME[1]:
        return [RENAME[0]]
    raise KeyError(f"team {team!r} has no predecessor")


def plant(rng: np.random.Generator, org: Org, rates: dict[str, dict[str, float]]) -> Truth:
    mu = np.array([model.CONSTRUCT_MEAN[c] for c in CONSTRUCTS])
    z_prev: dict[str, np.ndarray] = {}
    truth: Truth | None = None
    for index, wave in enumerate(WAVES):
        wid = wave.wave_id
        teams = list(org.teams[wid])
        counts = _headcounts(org, wid)
        weights = np.array([counts[t] * rates[wid][t] for t in teams])
        if index == 0:
            z = model.spread_evenly(model.correlated_normals(rng, len(teams), model.TEAM_CORR))
        else:
            parent = np.array(
                [np.mean([z_prev[p] for p in _parents(t, z_prev)], axis=0) for t in teams]
            )
            noise = rng.standard_normal(parent.shape)
            z = model.spread_evenly(
                model.WAVE_CORR * parent + np.sqrt(1 - model.WAVE_CORR**2) * noise
            )
        row = {t: i for i, t in enumerate(teams)}
        if index == 0:
            for team, construct, start, _ in PLANTED_CHANGES:
                if team in row:
                    z[row[team], CONSTRUCTS.index(construct)] = start
            truth = Truth()
        assert truth is not None
        # the spread that gives exactly the target ICC(1) this wave (before the planted changes)
        sigma_b = np.array(
            [model.solve_sigma_b(mu[c], z[:, c], weights, model.TARGET_ICC) for c in range(4)]
        )
        truth.sigma_b[wid] = sigma_b
        latent = mu + sigma_b * z
        if index == 1:
            for team, construct, _, delta in PLANTED_CHANGES:
                c = CONSTRUCTS.index(construct)
                if team in row and team in truth.scores[WAVES[0].wave_id]:
                    before = float(truth.scores[WAVES[0].wave_id][team][c])
                    latent[row[team], c] = model.latent_for_score(before + delta)
        scores = model.to_points(model.team_moments(latent)[0])
        truth.latent[wid] = {t: latent[i] for t, i in row.items()}
        truth.scores[wid] = {t: scores[i] for t, i in row.items()}
        truth.icc[wid] = {
            c: model.planted_icc(latent[:, k], weights) for k, c in enumerate(CONSTRUCTS)
        }
        z_prev = {t: (latent[i] - mu) / sigma_b for t, i in row.items()}
    assert truth is not None
    first, second = WAVES[0].wave_id, WAVES[1].wave_id
    for team, construct, _, delta in PLANTED_CHANGES:
        c = CONSTRUCTS.index(construct)
        if team in truth.scores[first] and team in truth.scores[second]:
            department = org.teams[first][team]["department"]
            truth.changes.append(
                {
                    "team": team,
                    "department": department,
                    "construct": construct,
                    "from_wave": first,
                    "to_wave": second,
                    "from_score": round(float(truth.scores[first][team][c]), 2),
                    "to_score": round(float(truth.scores[second][team][c]), 2),
                    "delta": delta,
                }
            )
    return truth


def set_realised_icc(truth: Truth, wave_id: str, respondents: dict[str, int]) -> None:
    """Planted ICC(1) of a wave for the team sizes that were actually realised.

    The spread was calibrated on expected respondent counts; the one-way ANOVA weighs teams
    by the respondents they actually have, so the implied value uses those counts.
    """
    teams = list(truth.latent[wave_id])
    latent = np.array([truth.latent[wave_id][t] for t in teams])
    weights = np.array([respondents.get(t, 0) for t in teams], dtype=float)
    truth.icc[wave_id] = {
        c: model.planted_icc(latent[:, k], weights) for k, c in enumerate(CONSTRUCTS)
    }


def planted_icc_by_construct(truth: Truth) -> dict[str, float]:
    """The planted ICC(1) per construct, averaged over the waves."""
    return {c: round(float(np.mean([truth.icc[w][c] for w in truth.icc])), 4) for c in CONSTRUCTS}
