"""Rosters (HRIS extracts) and the team-lineage map.

A roster gives the hierarchy and the headcount for participation. Employee IDs,
manager IDs and emails are pseudonymized as they are read; full names are kept
in memory only, to mask them in comments, and never stored.

Checks (GX for the row rules): every employee ID present and unique, every row
with a team and a department, no loop in the manager chain. Rows that fail are
quarantined (left out of the roster); a loop only drops the manager links in it.
Every team the lineage map names must exist in some roster. Each problem becomes
one quarantine row: file, record, physical line, column, rule and a message that
never repeats an employee ID, email or name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.domain import ingest
from pipelines.domain.ingest.pseudonym import pseudonymize
from pipelines.domain.ingest.validation import ColumnRule, RowIssue, validate_frame

REQUIRED = ("employee_id", "team", "department")
OPTIONAL = ("manager_id", "email", "full_name", "tenure_band", "location")
ALL_WAVES = "*"
QUARANTINE_COLUMNS = ["path", "file_name", "wave_id", "record_number", "line_number",
                      "column_name", "rule", "message"]


class RosterError(ValueError):
    """A roster or lineage file cannot be used."""


@dataclass
class RosterLoad:
    wave_id: str
    path: str
    rows_read: int
    frame: pd.DataFrame  # pseudonymized, for the state database
    full_names: frozenset[str]
    issues: list[RowIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quarantine: pd.DataFrame | None = None  # one row per issue, as in the state quarantine table

    @property
    def rows_quarantined(self) -> int:
        return len({i.record_number for i in self.issues if i.rule != "manager_cycle"})


def read_table(path: Path) -> pd.DataFrame:
    """A small CSV (roster, lineage) with normalized column names, stripped cells (blank ->
    None), and its `record_number` and physical `line_number` columns.

    Read like a survey export: UTF-8, UTF-8 with a BOM or cp1252, any delimiter.
    """
    try:
        parsed = ingest.read_export(path)
    except ingest.RejectedFile as exc:
        raise RosterError(str(exc)) from exc
    names = [str(c.label).strip().casefold().replace(" ", "_") for c in parsed.columns]
    frame = parsed.records.copy()
    frame.columns = names
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for column in frame.columns:
        frame[column] = [None if v is None or pd.isna(v) or not str(v).strip() else str(v).strip()
                         for v in frame[column]]
    frame.insert(0, "record_number", parsed.record_numbers)
    frame.insert(1, "line_number", parsed.line_numbers)
    return frame.reset_index(drop=True)


def load_roster(path: Path, home: Path, key: bytes) -> RosterLoad:
    """Read, validate (GX) and pseudonymize one roster file."""
    wave_id = ALL_WAVES if path.stem == "roster" else path.stem
    frame = read_table(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise RosterError(
            f"{path.name}: missing required column(s) {missing}; expected {list(REQUIRED)} "
            f"and optionally {list(OPTIONAL)}"
        )
    issues = validate_frame(frame, [
        ColumnRule("employee_id", "not_null", "an employee ID", export_column="employee_id"),
        ColumnRule("employee_id", "unique", "one row per employee", export_column="employee_id"),
        ColumnRule("team", "not_null", "the employee's team", export_column="team"),
        ColumnRule("department", "not_null", "the team's department", export_column="department"),
    ], f"roster/{path.name}")
    issues = [_with_duplicates(i, frame) for i in issues]
    bad = {i.record_number for i in issues}
    good = frame[~frame["record_number"].isin(bad)].copy()
    cycles = _cycle_records(good)
    for records in cycles:
        chain = " → ".join(str(r) for r in records + records[:1])
        issues += [RowIssue(r, "manager_id", "manager_cycle",
                            f"the manager chain loops back to this employee (records {chain}); "
                            "expected a chain that ends at the top of the organisation; the "
                            "employee is kept, the manager links of the loop are ignored")
                   for r in records]
    looped = {r for records in cycles for r in records}
    if looped and "manager_id" in good.columns:
        good.loc[good["record_number"].isin(looped), "manager_id"] = None
    names = frozenset(n for n in good.get("full_name", pd.Series(dtype=object)).dropna() if " " in n)
    out = pd.DataFrame({
        "wave_id": wave_id,
        "employee_key": [pseudonymize(v, key) for v in good["employee_id"]],
        "email_key": [pseudonymize(v, key) for v in _col(good, "email")],
        "team": good["team"].to_numpy(),
        "manager_key": [pseudonymize(v, key) for v in _col(good, "manager_id")],
        "department": good["department"].to_numpy(),
        "tenure_band": _col(good, "tenure_band").to_numpy(),
        "location": _col(good, "location").to_numpy(),
    })
    rel = path.relative_to(home).as_posix()
    warnings = [f"{path.name}: the manager chain of records {', '.join(map(str, loop))} loops "
                "back on itself" for loop in cycles] + _split_teams(good, path.name)
    quarantine = issue_rows(rel, wave_id, issues, dict(zip(frame["record_number"], frame["line_number"],
                                                           strict=True)))
    return RosterLoad(wave_id, rel, len(frame), out, names, issues, warnings, quarantine)


def issue_rows(path: str, wave_id: str, issues: list[RowIssue], lines: dict[int, int]) -> pd.DataFrame:
    """Quarantine rows (state table layout) for the issues of one roster or lineage file."""
    name = path.rsplit("/", 1)[-1]
    rows = [{"path": path, "file_name": name, "wave_id": wave_id, "record_number": i.record_number,
             "line_number": lines.get(i.record_number), "column_name": i.column, "rule": i.rule,
             "message": f"{name} record {i.record_number}, column {i.column}: {i.message}"}
            for i in sorted(issues, key=lambda i: (i.record_number, i.column, i.rule))]
    return pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)


def _with_duplicates(issue: RowIssue, frame: pd.DataFrame) -> RowIssue:
    """Name the other records that share a duplicated ID (never the ID itself)."""
    if issue.rule != "unique":
        return issue
    ids = frame["employee_id"]
    mine = ids[frame["record_number"] == issue.record_number].iloc[0]
    others = [int(r) for r in frame.loc[ids == mine, "record_number"] if r != issue.record_number]
    return RowIssue(issue.record_number, issue.column, issue.rule,
                    f"the employee ID of this record is also in record(s) "
                    f"{', '.join(map(str, others))} (expected one row per employee); every copy "
                    "is left out until the roster is fixed")


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index)


def _cycle_records(frame: pd.DataFrame) -> list[list[int]]:
    """Each loop in the manager chain, as the record numbers of its employees."""
    if "manager_id" not in frame.columns:
        return []
    manager = dict(zip(frame["employee_id"], frame["manager_id"], strict=True))
    record = dict(zip(frame["employee_id"], frame["record_number"], strict=True))
    loops, done = [], set()
    for start in frame["employee_id"]:
        path, node = [], start
        while node is not None and node in manager and node not in done and node not in path:
            path.append(node)
            node = manager[node]
        if node in path:
            loop = path[path.index(node):]
            loops.append([int(record[e]) for e in loop])
        done.update(path)
    return loops


def manager_cycles(frame: pd.DataFrame) -> list[str]:
    """Name every loop in the manager chain (by record number, never by ID)."""
    if "manager_id" not in frame.columns:
        return []
    if "record_number" not in frame.columns:
        frame = frame.assign(record_number=range(1, len(frame) + 1))
    return [f"the manager chain of records {', '.join(map(str, loop))} loops back on itself"
            for loop in _cycle_records(frame)]


def _split_teams(frame: pd.DataFrame, name: str) -> list[str]:
    departments = frame.groupby("team")["department"].nunique()
    return [f"{name}: team '{team}' is listed under {n} departments; the most frequent is used"
            for team, n in departments.items() if n > 1]


@dataclass
class LineageLoad:
    frame: pd.DataFrame  # from_team, to_team, wave_id: the rows in use
    warnings: list[str]
    quarantine: pd.DataFrame


def check_lineage(path: Path, known_teams: set[str], home: Path | None = None) -> LineageLoad:
    """The team-lineage map; a row naming a team that no roster knows is quarantined."""
    empty = pd.DataFrame(columns=["from_team", "to_team", "wave_id"])
    if not path.exists():
        return LineageLoad(empty, [], pd.DataFrame(columns=QUARANTINE_COLUMNS))
    frame = read_table(path)
    missing = [c for c in ("from_team", "to_team", "wave") if c not in frame.columns]
    if missing:
        raise RosterError(f"{path.name}: missing column(s) {missing}; expected from_team, to_team, wave")
    issues = [
        RowIssue(int(row.record_number), column, "team_exists",
                 f"team '{team}' is in no roster (expected a team of data/raw/roster/); "
                 "the row is not used")
        for row in frame.itertuples() for column, team in (("from_team", row.from_team),
                                                           ("to_team", row.to_team))
        if known_teams and team not in known_teams
    ]
    bad = {i.record_number for i in issues}
    rel = path.relative_to(home).as_posix() if home else path.name
    quarantine = issue_rows(rel, ALL_WAVES, issues, dict(zip(frame["record_number"],
                                                            frame["line_number"], strict=True)))
    used = frame[~frame["record_number"].isin(bad)].rename(columns={"wave": "wave_id"})
    warnings = [f"{path.name} record {i.record_number}: {i.message}" for i in issues]
    return LineageLoad(used[["from_team", "to_team", "wave_id"]].reset_index(drop=True), warnings,
                       quarantine)


def load_lineage(path: Path, known_teams: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """The team-lineage map (from_team, to_team, wave); warns on teams no roster knows."""
    load = check_lineage(path, known_teams)
    return load.frame, load.warnings
