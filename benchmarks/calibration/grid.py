"""The cells of the calibration grid (issue 19 §1).

A cell fixes a team size, a size swing between the waves, the respondent overlap,
ICC(1), and the planted shift. Within a simulated organisation every team has the
cell's parameters, except that half of the teams shrink and half grow by the swing.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Cell:
    size: int  # respondents in the larger of the two waves
    swing: float  # larger wave / smaller wave (the smaller is at least MIN_N)
    overlap: float  # share of the smaller wave's respondents who also answered the other
    icc: float  # ICC(1): share of the person-level variance that lies between teams
    d: float  # planted shift, in within-team SDs of the latent construct score (0: none)
    shifted_constructs: int = 1  # constructs that move in a shifted team (1 or all 4)

    def as_dict(self) -> dict:
        return asdict(self)


SIZES = (5, 10, 30, 60, 200)
SWINGS = (1.0, 2.0, 6.0)
OVERLAPS = (0.0, 0.5, 0.9)
ICCS = (0.0, 0.3)
SHIFTS = (0.0, 0.3, 0.5, 0.8)


def full_grid() -> list[Cell]:
    """Every combination: 5 sizes × 3 swings × 3 overlaps × 2 ICCs × 4 shifts = 360 cells."""
    return [Cell(*combo) for combo in itertools.product(SIZES, SWINGS, OVERLAPS, ICCS, SHIFTS)]


def null_grid() -> list[Cell]:
    """The 90 cells of the full grid where nothing changes (for the departments' tables)."""
    return [cell for cell in full_grid() if cell.d == 0]


def power_grid() -> list[Cell]:
    """The target cell's neighbourhood: 30 per wave, shifts in one or in all constructs."""
    return [
        Cell(30, 1.0, overlap, icc, d, k)
        for overlap, icc, d, k in itertools.product(OVERLAPS, ICCS, (0.5, 0.8), (1, 4))
    ]


def worst_grid() -> list[Cell]:
    """The published method's five worst cells of the full grid, to rerun with more replicates."""
    return [
        Cell(200, 6.0, 0.9, 0.3, 0.5), Cell(200, 6.0, 0.5, 0.3, 0.5), Cell(200, 6.0, 0.0, 0.0, 0.0),
        Cell(200, 2.0, 0.5, 0.0, 0.0), Cell(60, 1.0, 0.5, 0.3, 0.5),
    ]


def small_grid() -> list[Cell]:
    """A quick grid for the test suite: the hardest null cells and the power target."""
    return [
        Cell(30, 6.0, 0.0, 0.3, 0.0),  # 5 against 30 respondents, nothing changes
        Cell(10, 2.0, 0.9, 0.0, 0.0),  # small team, mostly the same people
        Cell(200, 6.0, 0.5, 0.3, 0.0),  # large team, 33 against 200
        Cell(5, 1.0, 0.0, 0.0, 0.0),  # teams at the minimum size
        Cell(30, 1.0, 0.0, 0.1, 0.8),  # the power target, nobody paired
        Cell(30, 1.0, 0.9, 0.1, 0.8),  # the power target, most people paired
        Cell(30, 1.0, 0.5, 0.1, 0.8, 4),  # half paired, the whole team moved
    ]
