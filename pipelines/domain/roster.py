"""Rosters (HRIS extracts) and the team-lineage map.

A roster gives the hierarchy and the headcount for participation. Employee IDs,
manager IDs and emails are pseudonymized as they are read; full names are kept
in memory only, to mask them in comments, and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.domain.pseudonym import pseudonymize
from pipelines.domain.validation import ColumnRule, RowIssue, validate_frame

REQUIRED = ("employee_id", "team", "department")
OPTIONAL = ("manager_id", "email", "full_name", "tenure_band", "location")
ALL_WAVES = "*"


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


def read_table(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, sep=None,
                        engine="python")
    frame.columns = [str(c).strip().casefold().replace(" ", "_") for c in frame.columns]
    return frame.replace({"": None})


def load_roster(path: Path, home: Path, key: bytes) -> RosterLoad:
    """Read, validate (GX) and pseudonymize one roster file."""
    wave_id = ALL_WAVES if path.stem == "roster" else path.stem
    try:
        frame = read_table(path)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RosterError(f"{path.name}: cannot be read as CSV ({exc})") from exc
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise RosterError(
            f"{path.name}: missing required column(s) {missing}; expected {list(REQUIRED)} "
            f"and optionally {list(OPTIONAL)}"
        )
    frame = frame.reset_index(drop=True)
    frame.insert(0, "record_number", range(1, len(frame) + 1))
    issues = validate_frame(frame, [
        ColumnRule("employee_id", "not_null", "an employee ID", export_column="employee_id"),
        ColumnRule("employee_id", "unique", "one row per employee", export_column="employee_id",
                   copy_values=False),
        ColumnRule("team", "not_null", "a team", export_column="team"),
        ColumnRule("department", "not_null", "the team's department", export_column="department"),
    ], f"roster/{path.name}")
    bad = {i.record_number for i in issues}
    good = frame[~frame["record_number"].isin(bad)]
    warnings = manager_cycles(good)
    names = frozenset(n.strip() for n in good.get("full_name", pd.Series(dtype=str)).dropna() if " " in n.strip())
    out = pd.DataFrame({
        "wave_id": wave_id,
        "employee_key": [pseudonymize(v, key) for v in good["employee_id"]],
        "email_key": [pseudonymize(v, key) for v in good.get("email", pd.Series([None] * len(good)))],
        "team": good["team"].str.strip().to_numpy(),
        "manager_key": [pseudonymize(v, key) for v in good.get("manager_id", pd.Series([None] * len(good)))],
        "department": good["department"].str.strip().to_numpy(),
        "tenure_band": good["tenure_band"].to_numpy() if "tenure_band" in good else None,
        "location": good["location"].to_numpy() if "location" in good else None,
    })
    return RosterLoad(wave_id, path.relative_to(home).as_posix(), len(frame), out, names, issues, warnings)


def manager_cycles(frame: pd.DataFrame) -> list[str]:
    """Name every employee whose manager chain loops back on itself."""
    if "manager_id" not in frame.columns:
        return []
    manager = dict(zip(frame["employee_id"], frame["manager_id"], strict=True))
    found = []
    for start in sorted(manager):
        seen, node = set(), start
        while node is not None and node in manager and node not in seen:
            seen.add(node)
            node = manager[node]
            if node == start:
                found.append(f"manager chain of record for employee #{sorted(manager).index(start) + 1} loops back to itself")
                break
    return found


def load_lineage(path: Path, known_teams: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """The team-lineage map (from_team, to_team, wave); warns on teams no roster knows."""
    if not path.exists():
        return pd.DataFrame(columns=["from_team", "to_team", "wave_id"]), []
    frame = read_table(path)
    missing = [c for c in ("from_team", "to_team", "wave") if c not in frame.columns]
    if missing:
        raise RosterError(f"{path.name}: missing column(s) {missing}; expected from_team, to_team, wave")
    warnings = [
        f"{path.name} row {i + 1}: team '{team}' is in no roster"
        for i, row in frame.iterrows() for team in (row["from_team"], row["to_team"])
        if known_teams and team not in known_teams
    ]
    return frame.rename(columns={"wave": "wave_id"})[["from_team", "to_team", "wave_id"]], warnings
