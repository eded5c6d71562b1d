"""Golden marts: the demo's published tables, saved from a known-good build.

`save(marts_file, folder)` writes every `mart_*` and `dim_*` table as Parquet,
with `digits.json`: for each floating column, the decimals it was stored with
(the old marts rounded; full precision counts as 15). `compare(marts_file,
folder)` returns the differences between a new build and the golden one: keys
and labels must be equal, figures equal within half a unit of the golden
value's last stored digit. The fixture of record was saved from commit 259b255
(the code before the regrouping and the census-scale redesign) with:

    python -m tests.golden.golden save BUILD.duckdb tests/golden/demo
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import duckdb
import pandas as pd

FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("""SELECT table_name FROM duckdb_tables()
                          WHERE table_name LIKE 'mart_%' OR table_name LIKE 'dim_%'
                          ORDER BY table_name""").fetchall()
    return [r[0] for r in rows]


def _float_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [name for name, dtype, *_ in con.execute(f"DESCRIBE {table}").fetchall()
            if dtype.startswith(FLOAT_TYPES)]


def _digits(values: pd.Series) -> int:
    values = values.dropna()
    for d in range(0, 15):
        if ((values - values.round(d)).abs() < 1e-12).all():
            return d
    return 15


def save(marts_file: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    digits = {}
    with duckdb.connect(str(marts_file), read_only=True) as con:
        for table in _tables(con):
            frame = con.execute(f"SELECT * FROM {table}").df()
            con.execute(f"COPY {table} TO '{folder / table}.parquet' (FORMAT parquet)")
            digits[table] = {c: _digits(frame[c]) for c in _float_columns(con, table)}
    (folder / "digits.json").write_text(json.dumps(digits, indent=1, sort_keys=True) + "\n")


def _sorted(frame: pd.DataFrame, floats: list[str], digits: dict[str, int]) -> pd.DataFrame:
    keys = [c for c in frame.columns if c not in floats]
    frame = frame.copy()
    for c in floats:  # order ties among rows with equal keys by their rounded figures
        frame[f"__{c}"] = frame[c].round(max(digits.get(c, 15) - 1, 0))
    order = keys + [f"__{c}" for c in floats]
    frame = frame.sort_values(order, na_position="first", kind="stable").reset_index(drop=True)
    return frame.drop(columns=[f"__{c}" for c in floats])


def compare(marts_file: Path, folder: Path, renamed: dict[str, str] | None = None,
            intended: dict[str, str] | None = None,
            exempt_groups: dict[tuple[str, str, str], str] | None = None) -> list[str]:
    """Differences between the marts in `marts_file` and the golden marts in `folder`.

    Columns and tables added since the golden build are ignored; a golden column
    missing from the new build is a difference. `renamed` maps golden column
    names to new ones, where a column was renamed on purpose; `intended` names
    the columns (`table.column`, or `table.*` for a whole table, with the reason) whose
    values changed on purpose; `exempt_groups` the groups (wave_id, group_level, group_id), with the reason, whose
    rows are left out of the comparison in both builds (a suppression choice that
    changed on purpose, checked by the caller).
    """
    renamed = renamed or {}
    intended = intended or {}
    digits = json.loads((folder / "digits.json").read_text())
    problems = []
    with duckdb.connect(str(marts_file), read_only=True) as con:
        present = set(_tables(con))
        for table, table_digits in sorted(digits.items()):
            if f"{table}.*" in intended:
                continue
            if table not in present:
                problems.append(f"{table}: missing")
                continue
            golden = con.execute(f"SELECT * FROM '{folder / table}.parquet'").df()
            new = con.execute(f"SELECT * FROM {table}").df().rename(
                columns={v: k for k, v in renamed.items()})
            missing = [c for c in golden.columns if c not in new.columns]
            if missing:
                problems.append(f"{table}: columns {missing} missing")
                continue
            new = new[list(golden.columns)]
            golden, new = _without(golden, exempt_groups), _without(new, exempt_groups)
            if len(new) != len(golden):
                problems.append(f"{table}: {len(new)} rows, golden {len(golden)}")
                continue
            floats = list(table_digits)
            golden = _sorted(golden, floats, table_digits)
            new = _sorted(new, floats, table_digits)
            for column in golden.columns:
                if f"{table}.{column}" in intended:
                    continue
                problems += _column_problems(table, column, golden[column], new[column],
                                             table_digits.get(column))
    return problems


def _without(frame: pd.DataFrame, groups: dict | None) -> pd.DataFrame:
    if not groups or not {"wave_id", "group_level", "group_id"} <= set(frame.columns):
        return frame
    keys = list(zip(frame["wave_id"], frame["group_level"], frame["group_id"], strict=True))
    return frame[[key not in groups for key in keys]].reset_index(drop=True)


def _column_problems(table, column, golden, new, digits) -> list[str]:
    if digits is None:
        g = golden.astype(object).where(golden.notna(), None)
        n = new.astype(object).where(new.notna(), None)
        bad = [i for i in range(len(g)) if g.iloc[i] != n.iloc[i]]
        return [f"{table}.{column}: {len(bad)} row(s) differ, e.g. golden {g.iloc[bad[0]]!r}, "
                f"new {n.iloc[bad[0]]!r}"] if bad else []
    g, n = golden.astype(float).to_numpy(), new.astype(float).to_numpy()
    # a new value rounded again to the same digits may sit one unit off at a tie
    units = 1.0 if _digits(pd.Series(n)) <= digits else 0.5
    tolerance = units * 10.0 ** -digits * (1 + 1e-6) + 1e-9
    nulls = [i for i in range(len(g)) if math.isnan(g[i]) != math.isnan(n[i])]
    if nulls:
        return [f"{table}.{column}: {len(nulls)} row(s) null in one build only "
                f"(row {nulls[0]}: golden {g[nulls[0]]}, new {n[nulls[0]]})"]
    off = [i for i in range(len(g)) if not math.isnan(g[i]) and abs(g[i] - n[i]) > tolerance]
    return [f"{table}.{column}: {len(off)} value(s) beyond {tolerance:.1e}, e.g. golden "
            f"{g[off[0]]}, new {n[off[0]]}"] if off else []


if __name__ == "__main__":
    command, marts, folder = sys.argv[1:4]
    if command == "save":
        save(Path(marts), Path(folder))
    else:
        print("\n".join(compare(Path(marts), Path(folder))) or "equal")
