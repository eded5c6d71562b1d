"""Change flags are honest and see real changes: a seeded run of the calibration grid.

The harness (benchmarks/calibration, docs/change-detection.md) simulates
organisations of 20 teams × 4 constructs over two waves with skewed 5-point
answers, size swings, respondents who answer both waves and planted shifts.
Here a small grid checks the published method (partially overlapping t-test with
Hsu's df, Benjamini–Hochberg over a group's own constructs, minimum effect 5
points), and that the marts' own code flags exactly what the harness measures.
"""

import math

import numpy as np
import pandas as pd

from benchmarks.calibration.grid import Cell, small_grid
from benchmarks.calibration.methods import PUBLISHED, flags
from benchmarks.calibration.run import measure
from benchmarks.calibration.simulate import CONSTRUCTS, MIN_N, TEAMS, draw
from pipelines.domain.marts.changes import oriented_pairs, team_changes

REPS, SEED = 100, 20261202
TABLE = measure(small_grid(), REPS, SEED, (PUBLISHED, "welch_org"))
MEASURES = [f"c{i}" for i in range(CONSTRUCTS)]


def _row(cell: Cell, method: str = PUBLISHED) -> pd.Series:
    hit = TABLE[(TABLE["method"] == method) & (TABLE["size"] == cell.size)
                & (TABLE["swing"] == cell.swing) & (TABLE["overlap"] == cell.overlap)
                & (TABLE["d"] == cell.d) & (TABLE["shifted_constructs"] == cell.shifted_constructs)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_unchanged_teams_are_rarely_flagged():
    for cell in small_grid():
        row = _row(cell)
        readers = REPS * TEAMS * (1 if cell.d == 0 else 0.75)
        bound = 0.05 + 2 * math.sqrt(0.05 * 0.95 / readers)
        assert row["false_alarm"] <= bound, (cell, row["false_alarm"])
        assert row["fdr"] <= bound, (cell, row["fdr"])


def test_real_changes_are_flagged():
    # d = 0.8 with 30 respondents a wave: with most people paired, or when the whole team moved
    assert _row(Cell(30, 1.0, 0.9, 0.1, 0.8))["power"] >= 0.80
    assert _row(Cell(30, 1.0, 0.5, 0.1, 0.8, 4))["power"] >= 0.80
    # and far more often than today's organisation-wide family, even with nobody paired
    unpaired = Cell(30, 1.0, 0.0, 0.1, 0.8)
    assert _row(unpaired)["power"] >= _row(unpaired, "welch_org")["power"] + 0.15
    assert 0.7 <= _row(unpaired)["realized_g"] <= 0.9  # the planted d is the observed g


def _frames(sums: dict[str, np.ndarray], rep: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The marts' inputs for one simulated organisation: waves w9 then w10 (as strings,
    'w10' < 'w9', so int_paired_measure_sums holds the pair the other way round)."""
    stats_rows, pair_rows = [], []
    for t in range(TEAMS):
        for c, construct in enumerate(MEASURES):
            def at(key, t=t, c=c):
                return float(sums[key][rep, t, c])
            team = f"team {t}"
            for wave, suffix in (("w9", "1"), ("w10", "2")):
                stats_rows.append({"wave_id": wave, "group_level": "team", "group_id": team,
                                   "measure": construct, "n_respondents": at(f"n{suffix}"),
                                   "sum_score": at(f"sum{suffix}"), "sum_score_sq": at(f"sum_sq{suffix}")})
            pair_rows.append({"wave_a": "w10", "wave_b": "w9", "group_level": "team",
                              "group_a": team, "group_b": team, "measure": construct,
                              "n_paired": at("n12"), "pair_sum_a": at("pair_sum2"),
                              "pair_sum_b": at("pair_sum1"), "pair_sum_sq_a": at("pair_sum_sq2"),
                              "pair_sum_sq_b": at("pair_sum_sq1"), "pair_cross": at("pair_cross")})
    return pd.DataFrame(stats_rows), oriented_pairs(pd.DataFrame(pair_rows))


def test_the_marts_flag_what_the_harness_measures():
    cell = Cell(30, 2.0, 0.5, 0.1, 0.8)
    sums, _ = draw(cell, 3, np.random.default_rng(SEED))
    expected = flags(sums, PUBLISHED)
    no_lineage = pd.DataFrame(columns=["effective_wave_id", "from_team_id", "to_team_id"])
    for rep in range(3):
        measure_stats, paired = _frames(sums, rep)
        changes, _ = team_changes(measure_stats, no_lineage, 5.0, paired=paired, min_pairs=MIN_N)
        changes = changes.set_index(["group_id", "construct"])
        for t in range(TEAMS):
            for c, construct in enumerate(MEASURES):
                row = changes.loc[(f"team {t}", construct)]
                assert math.isclose(row["p_value"], expected.p[rep, t, c], rel_tol=1e-9)
                sign = {"up": 1.0, "down": -1.0, "none": 0.0}[row["change"]]
                assert sign == expected.flag[rep, t, c]
