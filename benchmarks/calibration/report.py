"""Markdown tables of a calibration run, as in docs/change-detection.md.

    python -m benchmarks.calibration.report benchmarks/results/calibration-full.csv
"""

from __future__ import annotations

import sys

import pandas as pd

from benchmarks.calibration.methods import PUBLISHED


def _markdown(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _fmt(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{100 * value:.1f} %"
    return str(value)


def methods_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per method: false alarms over every cell, and power at d = 0.8, 30 per wave, no swing."""
    rows = []
    for method, part in table.groupby("method", sort=False):
        target = part[(part["size"] == 30) & (part["swing"] == 1.0) & (part["d"] == 0.8)]
        power = target.groupby("overlap")["power"].mean()
        rows.append({
            "method": method,
            "false alarms, worst cell": part["false_alarm"].max(),
            "false alarms, mean": part["false_alarm"].mean(),
            "FDR, worst cell": part["fdr"].max(),
            **{f"power, overlap {o:.0%}": p for o, p in power.items()},
            "departments, mean": part["dept_false_alarm"].mean(),
            "departments, worst": part["dept_false_alarm"].max(),
        })
    return pd.DataFrame(rows)


def by_size(table: pd.DataFrame, column: str, index: str, method: str = PUBLISHED,
            how: str = "max", **where) -> pd.DataFrame:
    part = table[table["method"] == method]
    for key, value in where.items():
        part = part[part[key] == value]
    pivot = part.pivot_table(index=index, columns="size", values=column, aggfunc=how)
    pivot.columns = [f"n = {c}" for c in pivot.columns]
    pivot.index = [f"{index} {v:g}" for v in pivot.index]
    return pivot.reset_index(names="")


def main(argv: list[str] | None = None) -> None:
    table = pd.read_csv((argv or sys.argv[1:])[0])
    print("Methods\n\n" + _markdown(methods_table(table)))
    print("\nPublished method: false alarms, worst cell per size and swing\n")
    print(_markdown(by_size(table, "false_alarm", "swing")))
    if (table["d"] > 0).any():
        print("\nPublished method: power per size and shift (mean over swings, overlaps, ICC)\n")
        print(_markdown(by_size(table[table["d"] > 0], "power", "d", how="mean")))
    if (table["d"] == 0.8).any():
        print("\nPublished method: power per size and overlap at d = 0.8 (mean over swings, ICC)\n")
        print(_markdown(by_size(table, "power", "overlap", how="mean", d=0.8)))
    dept = table[(table["method"] == method_of(table)) & (table["d"] == 0)]
    for column, label in (("dept_false_alarm", "pooled respondents (published)"),
                          ("dept_like_for_like_false_alarm", "like for like (not published)")):
        if column not in dept:
            continue
        print(f"\nDepartments (5 teams, nothing changes), {label}: false alarms, worst cell\n")
        pivot = dept.pivot_table(index="icc", columns="swing", values=column, aggfunc="max")
        pivot.columns = [f"swing {c:g}" for c in pivot.columns]
        pivot.index = [f"ICC {v:g}" for v in pivot.index]
        print(_markdown(pivot.reset_index(names="")))


def method_of(table: pd.DataFrame) -> str:
    return PUBLISHED if PUBLISHED in set(table["method"]) else str(table["method"].iloc[0])


if __name__ == "__main__":
    main()
