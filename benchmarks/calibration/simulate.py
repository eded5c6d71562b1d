"""Draw wave pairs of a simulated organisation and reduce them to sufficient statistics.

The model, per construct c of person i in team t at wave w, item j:

    latent = u[t, c] + p_w[i, c] + shift[t, c]·(w = 2) + e[i, c, j, w]

u is the team effect (variance ICC·V, the same in both waves), p the person effect
(variance (1 − ICC)·V, half of it shared across constructs), carried over to the
later wave with correlation RHO for people who answer both, and e item noise
(variance 1 − V). Answers are the latent cut at thresholds that give a skewed
5-point distribution (5/10/20/40/25 %, mean about 3.7); a construct score is the mean
of its ITEMS answers on 0–100, as Tandem scores it. The shift is d within-team SDs
of the latent construct score, with a random sign, in SHARE of the teams.
"""

from __future__ import annotations

import numpy as np

from benchmarks.calibration.grid import Cell

TEAMS, DEPARTMENTS, CONSTRUCTS, ITEMS = 20, 4, 4, 4
MIN_N = 5  # the minimum group size k: smaller groups are suppressed, never tested
V_PERSON = 0.5  # person-level share of an item's latent variance (team + person)
GENERAL = 0.5  # share of the person effect common to all constructs
RHO = 0.6  # correlation of a person's effect between the two waves
SHARE = 0.25  # share of teams with a planted shift
THRESHOLDS = np.array([-1.645, -1.036, -0.385, 0.674])  # N(0,1) cuts: 5/10/20/40/25 %
SUMS = ("n1", "sum1", "sum_sq1", "n2", "sum2", "sum_sq2",
        "n12", "pair_sum1", "pair_sum2", "pair_sum_sq1", "pair_sum_sq2", "pair_cross")


def team_sizes(cell: Cell) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Respondents per team in each wave and answering both: even teams shrink, odd grow."""
    big = cell.size
    small = max(MIN_N, int(round(cell.size / cell.swing)))
    n1 = np.where(np.arange(TEAMS) % 2 == 0, big, small)
    n2 = np.where(np.arange(TEAMS) % 2 == 0, small, big)
    n12 = np.full(TEAMS, int(round(cell.overlap * min(big, small))))
    return n1, n2, n12


def _person(rng: np.random.Generator, shape: tuple[int, ...], sd: float) -> np.ndarray:
    general = rng.standard_normal(shape[:-1] + (1,))
    specific = rng.standard_normal(shape)
    return sd * (np.sqrt(GENERAL) * general + np.sqrt(1 - GENERAL) * specific)


def _scores(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Construct scores 0–100 of persons whose latent construct means are `mean`."""
    noise = rng.standard_normal(mean.shape + (ITEMS,)) * np.sqrt(1 - V_PERSON)
    answers = np.searchsorted(THRESHOLDS, mean[..., None] + noise) + 1
    return (answers.mean(axis=-1) - 1) / 4 * 100


def planted_shift(rng: np.random.Generator, cell: Cell, reps: int) -> np.ndarray:
    """Signed latent shift per (replicate, team, construct); 0 where nothing changes."""
    shift = np.zeros((reps, TEAMS, CONSTRUCTS))
    if cell.d == 0:
        return shift
    within_sd = np.sqrt((1 - cell.icc) * V_PERSON + (1 - V_PERSON) / ITEMS)
    teams = np.argsort(rng.random((reps, TEAMS)), axis=1)[:, : int(round(SHARE * TEAMS))]
    sign = rng.choice([-1.0, 1.0], size=teams.shape)
    rows = np.repeat(np.arange(reps), teams.shape[1])
    if cell.shifted_constructs >= CONSTRUCTS:
        shift[rows, teams.ravel(), :] = (sign.ravel() * cell.d * within_sd)[:, None]
    else:
        construct = rng.integers(0, CONSTRUCTS, size=teams.shape)
        shift[rows, teams.ravel(), construct.ravel()] = sign.ravel() * cell.d * within_sd
    return shift


def draw(cell: Cell, reps: int, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Sufficient statistics per (replicate, team, construct), and the planted shift.

    Person p of team t answers the earlier wave when p < n1[t]; the first n12[t]
    of them answer the later wave too, and persons n1[t] … n1[t] + n2[t] − n12[t] − 1
    answer only the later wave.
    """
    n1, n2, n12 = team_sizes(cell)
    persons = int((n1 + n2 - n12).max())
    p = np.arange(persons)[None, :]
    in1 = p < n1[:, None]
    paired = p < n12[:, None]
    in2 = paired | ((p >= n1[:, None]) & (p < (n1 + n2 - n12)[:, None]))
    shape = (reps, TEAMS, persons, CONSTRUCTS)
    team = rng.standard_normal((reps, TEAMS, 1, CONSTRUCTS)) * np.sqrt(cell.icc * V_PERSON)
    person_sd = np.sqrt((1 - cell.icc) * V_PERSON)
    p1 = _person(rng, shape, person_sd)
    p2 = RHO * p1 + np.sqrt(1 - RHO**2) * _person(rng, shape, person_sd)
    shift = planted_shift(rng, cell, reps)
    x1 = _scores(rng, team + p1)
    x2 = _scores(rng, team + p2 + shift[:, :, None, :])
    w1, w2, wp = (mask[None, :, :, None].astype(float) for mask in (in1, in2, paired))
    sums = {
        "n1": np.broadcast_to(n1[None, :, None], shift.shape).astype(float),
        "sum1": (x1 * w1).sum(axis=2),
        "sum_sq1": (x1 * x1 * w1).sum(axis=2),
        "n2": np.broadcast_to(n2[None, :, None], shift.shape).astype(float),
        "sum2": (x2 * w2).sum(axis=2),
        "sum_sq2": (x2 * x2 * w2).sum(axis=2),
        "n12": np.broadcast_to(n12[None, :, None], shift.shape).astype(float),
        "pair_sum1": (x1 * wp).sum(axis=2),
        "pair_sum2": (x2 * wp).sum(axis=2),
        "pair_sum_sq1": (x1 * x1 * wp).sum(axis=2),
        "pair_sum_sq2": (x2 * x2 * wp).sum(axis=2),
        "pair_cross": (x1 * x2 * wp).sum(axis=2),
    }
    return sums, shift


def department_sums(sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sums of the departments (TEAMS / DEPARTMENTS consecutive teams each): sums add up."""
    per = TEAMS // DEPARTMENTS
    return {k: v.reshape(v.shape[0], DEPARTMENTS, per, v.shape[-1]).sum(axis=2) for k, v in sums.items()}
