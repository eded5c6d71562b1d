"""Run the calibration grid and print false alarms and power per method.

    python -m benchmarks.calibration.run                 # the full grid (a few minutes)
    python -m benchmarks.calibration.run --grid power    # 30 per wave, shifts in 1 or 4 constructs
    python -m benchmarks.calibration.run --grid small --reps 60
    python -m benchmarks.calibration.run --grid worst --reps 800 --methods overlap_hsu_own

Writes benchmarks/results/calibration-<grid>.csv, one row per cell and method.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.calibration import grid as grids
from benchmarks.calibration.grid import Cell
from benchmarks.calibration.methods import METHODS, flags, like_for_like_departments
from benchmarks.calibration.metrics import score, score_null
from benchmarks.calibration.simulate import department_sums, draw

GRIDS = {"full": grids.full_grid, "power": grids.power_grid, "small": grids.small_grid,
         "worst": grids.worst_grid, "null": grids.null_grid}
RESULTS = Path(__file__).resolve().parents[1] / "results"


def measure(cells: list[Cell], reps: int, seed: int, methods: tuple[str, ...] = tuple(METHODS)) -> pd.DataFrame:
    """One row per cell × method: false_alarm, fdr, power, realized_g, and for d = 0 the
    departments' false alarms with the method and with the like-for-like alternative."""
    rows = []
    for index, cell in enumerate(cells):
        sums, shift = draw(cell, reps, np.random.default_rng([seed, index]))
        departments = department_sums(sums) if cell.d == 0 else None
        like_for_like = score_null(like_for_like_departments(sums)) if departments else np.nan
        for method in methods:
            row = {**cell.as_dict(), "method": method, **score(sums, shift, flags(sums, method))}
            row["dept_false_alarm"] = score_null(flags(departments, method)) if departments else np.nan
            row["dept_like_for_like_false_alarm"] = like_for_like
            rows.append(row)
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per method: the worst false alarms over the cells, and power at 30 per wave."""
    target = table[(table["size"] == 30) & (table["swing"] == 1.0) & (table["d"] == 0.8)]
    worst = table.groupby("method").agg(
        worst_false_alarm=("false_alarm", "max"), worst_fdr=("fdr", "max"),
        worst_dept_false_alarm=("dept_false_alarm", "max"))
    power = target.pivot_table(index="method", columns="overlap", values="power", aggfunc="mean")
    power.columns = [f"power_d0.8_n30_overlap{c:g}" for c in power.columns]
    return worst.join(power)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", choices=sorted(GRIDS), default="full")
    parser.add_argument("--reps", type=int, default=100, help="simulated organisations per cell")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table = measure(GRIDS[args.grid](), args.reps, args.seed, tuple(args.methods.split(",")))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"calibration-{args.grid}.csv"
    table.to_csv(out, index=False, float_format="%.4f")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summary(table).round(3).to_string())
    print(f"\n{len(table)} rows in {time.perf_counter() - started:.0f} s -> {out}")


if __name__ == "__main__":
    main()
