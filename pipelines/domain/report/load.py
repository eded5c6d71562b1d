"""Read the published marts (read-only) and cut out the rows one report uses.

The marts hold aggregates only, so each table is read whole into plain Python
rows. Suppressed rows are scrubbed on the way in: whatever an upstream bug left in
a suppressed row's figures, the report code never sees it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contract import KEY_COLUMNS, N_COLUMN, TABLES
from .formatting import natural_key

Row = dict[str, object]


def _clean(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def _scrub(table: str, row: Row, min_group_size: int) -> Row:
    """Wipe every figure of a suppressed (or too small) row, its count included."""
    n_col = N_COLUMN.get(table)
    n = row.get(n_col) if n_col else None
    suppressed = bool(row.get("suppressed"))
    if n_col and (n is None or (isinstance(n, int | float) and n < min_group_size)):
        suppressed = True  # contract says NULL n means suppressed; a small n is never shown
    if "suppressed" not in row or not suppressed:
        return row
    return {key: (value if key in KEY_COLUMNS else None) for key, value in row.items()} | {
        "suppressed": True
    }


@dataclass
class Marts:
    """All contract tables of one marts file, as lists of rows."""

    tables: dict[str, list[Row]]
    missing: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path, min_group_size: int = 5) -> Marts:
        con = duckdb.connect(str(path), read_only=True)
        try:
            present = {
                (schema, name): None
                for schema, name in con.execute(
                    "select table_schema, table_name from information_schema.tables"
                ).fetchall()
            }
            names = {name for _, name in present}
            tables: dict[str, list[Row]] = {}
            missing: list[str] = []
            for table, columns in TABLES.items():
                if table not in names:
                    tables[table] = []
                    missing.append(table)
                    continue
                have = {
                    c
                    for (c,) in con.execute(
                        "select column_name from information_schema.columns where table_name = ?",
                        [table],
                    ).fetchall()
                }
                select = ", ".join(f'"{c}"' if c in have else f'null as "{c}"' for c in columns)
                rows = con.execute(f'select {select} from "{table}"').fetchall()
                cleaned = [dict(zip(columns, map(_clean, r), strict=True)) for r in rows]
                tables[table] = [_scrub(table, r, min_group_size) for r in cleaned]
        finally:
            con.close()
        return cls(tables=tables, missing=missing)

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])

    @property
    def waves(self) -> list[str]:
        """Every wave with scores, balance or participation, oldest first."""
        found: set[str] = set()
        for table in ("mart_team_construct_scores", "mart_team_balance", "mart_participation"):
            found.update(str(r["wave_id"]) for r in self.rows(table) if r.get("wave_id"))
        return sorted(found, key=natural_key)

    def groups(self, wave: str, level: str) -> list[tuple[str, str | None]]:
        """(group_id, parent_group_id) of one level in one wave, in natural order."""
        seen: dict[str, str | None] = {}
        for table in ("mart_team_construct_scores", "mart_team_balance", "mart_participation"):
            for r in self.rows(table):
                if r["wave_id"] == wave and r["group_level"] == level and r["group_id"]:
                    gid = str(r["group_id"])
                    if seen.get(gid) is None:
                        seen[gid] = r.get("parent_group_id")  # type: ignore[assignment]
        return sorted(seen.items(), key=lambda item: natural_key(item[0]))

    def org_id(self, wave: str) -> str | None:
        orgs = self.groups(wave, "org")
        return orgs[0][0] if orgs else None

    def is_reportable(self, wave: str, level: str, group_id: str) -> bool:
        """A group can be shown when at least one of its construct scores is not suppressed."""
        return any(
            r["wave_id"] == wave
            and r["group_level"] == level
            and r["group_id"] == group_id
            and not r["suppressed"]
            and r.get("score_0_100") is not None
            for r in self.rows("mart_team_construct_scores")
        )


@dataclass
class ScopeData:
    """The exact rows one report is made from (hashed to decide whether to re-render)."""

    wave: str
    waves: list[str]
    level: str
    group_id: str
    parent_id: str | None
    org_id: str | None
    family: list[tuple[str, str]]
    tables: dict[str, list[Row]]

    def as_json_obj(self) -> dict[str, object]:
        return {
            "wave": self.wave,
            "waves": self.waves,
            "level": self.level,
            "group_id": self.group_id,
            "parent_id": self.parent_id,
            "org_id": self.org_id,
            "family": [list(f) for f in self.family],
            "tables": self.tables,
        }


def _family(marts: Marts, wave: str, level: str, group_id: str, parent: str | None):
    org = marts.org_id(wave)
    family: list[tuple[str, str]] = []
    if org:
        family.append(("org", org))
    departments = marts.groups(wave, "department")
    teams = marts.groups(wave, "team")
    if level == "org":
        family += [("department", d) for d, _ in departments]
        family += [("team", t) for t, _ in teams]
    elif level == "department":
        family.append(("department", group_id))
        family += [("team", t) for t, p in teams if p == group_id]
    else:
        if parent:
            family.append(("department", parent))
        family += [("team", t) for t, p in teams if p == parent or t == group_id]
    return list(dict.fromkeys(family))


def _select(rows: Iterable[Row], keep) -> list[Row]:
    return [r for r in rows if keep(r)]


def scope_data(marts: Marts, wave: str, level: str, group_id: str) -> ScopeData:
    """Cut out the rows a report of (wave, level, group_id) needs, and nothing else."""
    waves = [w for w in marts.waves if natural_key(w) <= natural_key(wave)]
    parent = dict(marts.groups(wave, level)).get(group_id)
    family = _family(marts, wave, level, group_id, parent)
    members = set(family)
    own = (level, group_id)
    org = marts.org_id(wave)

    def at_wave_in_family(r: Row) -> bool:
        return r["wave_id"] == wave and (r["group_level"], r["group_id"]) in members

    def history(r: Row) -> bool:
        key = (r["group_level"], r["group_id"])
        return r["wave_id"] in waves and (key == own or key == ("org", org))

    def wave_family_or_history(r: Row) -> bool:
        return at_wave_in_family(r) or history(r)

    def own_at_wave(r: Row) -> bool:
        return r["wave_id"] == wave and (r["group_level"], r["group_id"]) == own

    def change_rows(r: Row) -> bool:
        key = (r["group_level"], r["group_id"])
        if r["to_wave"] == wave and key in members:
            return True
        return key == own and r["to_wave"] in waves

    reportable = {
        (r["group_level"], r["group_id"])
        for r in marts.rows("mart_team_construct_scores")
        if r["wave_id"] == wave and not r["suppressed"] and r.get("score_0_100") is not None
    }

    def alert_rows(r: Row) -> bool:
        if r["wave_id"] != wave:
            return False
        if r.get("group_level") is None and r.get("group_id") is None:
            return level == "org"
        key = (r["group_level"], r["group_id"])
        return key in members and key in reportable

    def own_if_reportable(r: Row) -> bool:
        return own in reportable and own_at_wave(r)

    tables = {
        "scores": _select(marts.rows("mart_team_construct_scores"), wave_family_or_history),
        "balance": _select(marts.rows("mart_team_balance"), wave_family_or_history),
        "participation": _select(marts.rows("mart_participation"), wave_family_or_history),
        "enps": _select(marts.rows("mart_enps"), wave_family_or_history),
        "changes": _select(marts.rows("mart_team_changes"), change_rows),
        "drivers": _select(marts.rows("mart_drivers"), own_if_reportable),
        "comment_themes": _select(marts.rows("mart_comment_themes"), own_if_reportable),
        "comments": _select(marts.rows("mart_comments"), own_if_reportable),
        "alerts": _select(marts.rows("mart_alerts"), alert_rows),
        "data_quality": _select(marts.rows("mart_data_quality"), lambda r: r["wave_id"] == wave),
        "reliability": _select(
            marts.rows("mart_construct_reliability"), lambda r: r["wave_id"] == wave
        ),
        "icc": _select(marts.rows("mart_construct_icc"), lambda r: r["wave_id"] == wave),
    }
    for rows in tables.values():
        rows.sort(key=lambda r: [natural_key(str(v)) for v in r.values()])
    return ScopeData(
        wave=wave,
        waves=waves,
        level=level,
        group_id=group_id,
        parent_id=parent,
        org_id=org,
        family=family,
        tables=tables,
    )
