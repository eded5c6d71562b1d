"""Read the published marts (read-only) once, index them by scope, and cut out the rows one
report uses.

The marts hold aggregates only, so each table is read whole into plain Python rows, once per
run, and indexed by (wave, level, group): cutting one report's rows is then a handful of
dictionary lookups, never a scan over every row. Suppressed rows are scrubbed on the way in:
whatever an upstream bug left in a suppressed row's figures, the report code never sees it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.domain.config.settings import DEFAULTS

from .contract import KEY_COLUMNS, N_COLUMN, TABLES
from .formatting import natural_key

Row = dict[str, object]
GKey = tuple[object, object, object]  # (wave_id, group_level, group_id)
# Report table name -> mart, for the marts indexed by (wave, level, group).
GROUP_TABLES = {
    "scores": "mart_team_construct_scores",
    "balance": "mart_team_balance",
    "participation": "mart_participation",
    "enps": "mart_enps",
    "drivers": "mart_drivers",
    "comment_themes": "mart_comment_themes",
    "comments": "mart_comments",
    "alerts": "mart_alerts",
    "items": "mart_item_scores",
}
WAVE_TABLES = {
    "data_quality": "mart_data_quality",
    "reliability": "mart_construct_reliability",
    "icc": "mart_construct_icc",
}
MEMBER_TABLES = ("mart_team_construct_scores", "mart_team_balance", "mart_participation")
MAX_ATTENTION = 12  # named teams in an organisation report, whatever the organisation's size


def _expression(column: str, data_type: str | None) -> str:
    """Select a column as plain Python values, cleaned in SQL (no per-value Python work):
    NaN and infinity become NULL, decimals doubles, dates and times ISO text."""
    quoted = f'"{column}"'
    if data_type is None:
        return f"null as {quoted}"
    kind = data_type.upper()
    if kind.startswith("DECIMAL") or kind in ("DOUBLE", "FLOAT", "REAL"):
        value = f"cast({quoted} as double)"
        return f"case when isnan({value}) or isinf({value}) then null else {value} end as {quoted}"
    if kind.startswith(("DATE", "TIME")):
        return f"replace(cast({quoted} as varchar), ' ', 'T') as {quoted}"
    return quoted


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


def _read(con: duckdb.DuckDBPyConnection, min_group_size: int) -> tuple[dict, list[str]]:
    names = {
        n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()
    }
    tables: dict[str, list[Row]] = {}
    missing: list[str] = []
    for table, columns in TABLES.items():
        if table not in names:
            tables[table] = []
            missing.append(table)
            continue
        have = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ?",
                [table],
            ).fetchall()
        )
        select = ", ".join(_expression(c, have.get(c)) for c in columns)
        rows = con.execute(f'select {select} from "{table}" order by all').fetchall()
        tables[table] = [
            _scrub(table, dict(zip(columns, r, strict=True)), min_group_size) for r in rows
        ]
    return tables, missing


def _wave_order(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """wave_id -> wave_seq from `dim_waves`, the one wave order of the marts, if present."""
    try:
        rows = con.execute("select wave_id, wave_seq from dim_waves").fetchall()
    except duckdb.Error:
        return {}
    return {str(w): int(seq) for w, seq in rows if w is not None and seq is not None}


@dataclass
class Marts:
    """All contract tables of one marts file, read once and indexed by scope."""

    tables: dict[str, list[Row]]
    missing: list[str] = field(default_factory=list)
    wave_seq: dict[str, int] = field(default_factory=dict)  # dim_waves, when the marts have it

    def __post_init__(self) -> None:
        self.by_group: dict[str, dict[GKey, list[Row]]] = {}
        for name, table in GROUP_TABLES.items():
            index: dict[GKey, list[Row]] = defaultdict(list)
            for r in self.tables.get(table, []):
                index[(r["wave_id"], r.get("group_level"), r.get("group_id"))].append(r)
            self.by_group[name] = dict(index)
        self.by_wave: dict[str, dict[object, list[Row]]] = {}
        for name, table in WAVE_TABLES.items():
            index = defaultdict(list)
            for r in self.tables.get(table, []):
                index[r["wave_id"]].append(r)
            self.by_wave[name] = dict(index)
        changes: dict[tuple, list[Row]] = defaultdict(list)
        for r in self.tables.get("mart_team_changes", []):
            changes[(r["group_level"], r["group_id"])].append(r)
        self.changes_by_group = dict(changes)
        parents: dict[tuple, dict[str, str | None]] = defaultdict(dict)
        for table in MEMBER_TABLES:
            for r in self.tables.get(table, []):
                if r.get("wave_id") and r.get("group_level") and r.get("group_id"):
                    found = parents[(r["wave_id"], r["group_level"])]
                    gid = str(r["group_id"])
                    if found.get(gid) is None:
                        found[gid] = r.get("parent_group_id")  # type: ignore[assignment]
        self.parents = {
            key: dict(sorted(found.items(), key=lambda item: natural_key(item[0])))
            for key, found in parents.items()
        }
        children: dict[tuple, list[str]] = defaultdict(list)
        for (wave, level), found in self.parents.items():
            if level == "team":
                for gid, parent in found.items():
                    children[(wave, parent)].append(gid)
        self.children = dict(children)
        self.reportable = {
            (r["wave_id"], r["group_level"], r["group_id"])
            for r in self.tables.get("mart_team_construct_scores", [])
            if not r["suppressed"] and r.get("score_0_100") is not None
        }

    @classmethod
    def open(cls, path: Path, min_group_size: int = DEFAULTS["min_group_size"]) -> Marts:
        con = duckdb.connect(str(path), read_only=True)
        try:
            tables, missing = _read(con, min_group_size)
            wave_seq = _wave_order(con)
        finally:
            con.close()
        return cls(tables=tables, missing=missing, wave_seq=wave_seq)

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])

    def group_rows(self, name: str, wave: object, level: object, gid: object) -> list[Row]:
        return self.by_group[name].get((wave, level, gid), [])

    @property
    def waves(self) -> list[str]:
        """Every wave with scores, balance or participation, oldest first: in the marts' one
        wave order (`dim_waves.wave_seq`) where they have it, else in natural order."""
        found = {str(w) for w, _ in self.parents}
        return sorted(
            found, key=lambda w: (self.wave_seq.get(w, len(self.wave_seq)), natural_key(w))
        )

    def groups(self, wave: str, level: str) -> list[tuple[str, str | None]]:
        """(group_id, parent_group_id) of one level in one wave, in natural order."""
        return list(self.parents.get((wave, level), {}).items())

    def org_id(self, wave: str) -> str | None:
        orgs = self.groups(wave, "org")
        return orgs[0][0] if orgs else None

    def is_reportable(self, wave: str, level: str, group_id: str) -> bool:
        """A group can be shown when at least one of its construct scores is not suppressed."""
        return (wave, level, group_id) in self.reportable


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
    teams: dict[str, object] = field(default_factory=dict)  # organisation: team distribution
    links: dict[str, str] = field(default_factory=dict)  # "level:id" -> file of its report

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
            "teams": self.teams,
            "links": self.links,
        }


def _family(marts: Marts, wave: str, level: str, group_id: str, parent: str | None, named):
    """The groups a report shows: itself, its parents and its children (an organisation
    report names only the teams that need attention; the rest are a distribution)."""
    org = marts.org_id(wave)
    family: list[tuple[str, str]] = [("org", org)] if org else []
    if level == "org":
        family += [("department", d) for d, _ in marts.groups(wave, "department")]
        family += [("team", t) for t in named]
    elif level == "department":
        family.append(("department", group_id))
        family += [("team", t) for t in marts.children.get((wave, group_id), [])]
    else:
        if parent:
            family.append(("department", parent))
        siblings = marts.children.get((wave, parent), []) if parent else []
        family += [("team", t) for t in siblings] + [("team", group_id)]
    return list(dict.fromkeys(family))


def scope_data(
    marts: Marts,
    wave: str,
    level: str,
    group_id: str,
    threshold: float = DEFAULTS["quadrant_threshold"],
    links: dict[str, str] | None = None,
) -> ScopeData:
    """Cut out the rows a report of (wave, level, group_id) needs, and nothing else. The
    rows come in the marts' order (read sorted), so the same marts give the same cut."""
    from .overview import team_overview  # the organisation's team distribution

    order = marts.waves
    waves = order[: order.index(wave) + 1] if wave in order else [wave]
    parent = marts.parents.get((wave, level), {}).get(group_id)
    teams = team_overview(marts, wave, threshold, MAX_ATTENTION) if level == "org" else {}
    named = [t["group_id"] for t in teams.get("attention", [])]  # type: ignore[union-attr]
    family = _family(marts, wave, level, group_id, parent, named)
    own = (level, group_id)
    org = marts.org_id(wave)
    keys = [(wave, lvl, g) for lvl, g in family]
    history = [(w, *own) for w in waves if w != wave] + [
        (w, "org", org) for w in waves if w != wave
    ]
    shown = (wave, *own) in marts.reportable

    def gather(name: str, which) -> list[Row]:
        return [r for key in dict.fromkeys(which) for r in marts.group_rows(name, *key)]

    children = (
        {("department", d) for d, _ in marts.groups(wave, "department")}
        if level == "org"
        else set()
    )
    children |= {("team", t) for t in marts.children.get((wave, group_id), [])}
    alert_keys = [(wave, *own)] + [(wave, *c) for c in family if c in children or c == own]
    if level == "org":
        alert_keys.append((wave, None, None))  # alerts about the whole run
    alert_keys = [k for k in alert_keys if k[1] is None or k in marts.reportable]
    changes = [
        r
        for key in family
        for r in marts.changes_by_group.get(key, [])
        if r["to_wave"] == wave or (key == own and r["to_wave"] in waves)
    ]
    tables = {
        "scores": gather("scores", keys + history),
        "balance": gather("balance", keys + history),
        "participation": gather("participation", keys + history),
        "enps": gather("enps", keys + history),
        "changes": changes,
        "drivers": gather("drivers", [(wave, *own)]) if shown else [],
        "items": gather("items", [(wave, *own)]) if shown else [],
        "comment_themes": gather("comment_themes", [(wave, *own)]) if shown else [],
        "comments": gather("comments", [(wave, *own)]) if shown else [],
        "alerts": gather("alerts", alert_keys),
        "data_quality": list(marts.by_wave["data_quality"].get(wave, [])),
        "reliability": list(marts.by_wave["reliability"].get(wave, [])),
        "icc": list(marts.by_wave["icc"].get(wave, [])),
    }
    return ScopeData(
        wave=wave,
        waves=waves,
        level=level,
        group_id=group_id,
        parent_id=parent,
        org_id=org,
        family=family,
        tables=tables,
        teams=teams,
        links=dict(links or {}),
    )
