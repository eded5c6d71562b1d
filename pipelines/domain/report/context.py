"""Lookups over one report's rows, shared by the section builders."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .formatting import construct_sort_key, natural_key, suppressed_text
from .load import Row, ScopeData

MAX_DEPARTMENT_ROWS = 40


@dataclass
class Ctx:
    data: ScopeData
    k: int
    comment_k: int
    threshold: float

    @property
    def wave(self) -> str:
        return self.data.wave

    @property
    def level(self) -> str:
        return self.data.level

    @property
    def gid(self) -> str:
        return self.data.group_id

    @property
    def own(self) -> tuple[str, str]:
        return (self.data.level, self.data.group_id)

    @property
    def suppressed_text(self) -> str:
        return suppressed_text(self.k)

    @cached_property
    def prev_wave(self) -> str | None:
        earlier = [w for w in self.data.waves if w != self.wave]
        return earlier[-1] if earlier else None

    def _index(self, table: str) -> dict[tuple, Row]:
        return {(r["wave_id"], r["group_level"], r["group_id"]): r for r in self.data.tables[table]}

    @cached_property
    def _scores(self) -> dict[tuple, Row]:
        return {
            (r["wave_id"], r["group_level"], r["group_id"], r["construct"]): r
            for r in self.data.tables["scores"]
        }

    @cached_property
    def _balance(self) -> dict[tuple, Row]:
        return self._index("balance")

    @cached_property
    def _participation(self) -> dict[tuple, Row]:
        return self._index("participation")

    @cached_property
    def _enps(self) -> dict[tuple, Row]:
        return self._index("enps")

    @cached_property
    def constructs(self) -> list[str]:
        found = {r["construct"] for r in self.data.tables["scores"] if r["construct"]}
        return sorted(found, key=construct_sort_key)

    def score(self, level: str, gid: str, construct: str, wave: str | None = None) -> Row | None:
        return self._scores.get((wave or self.wave, level, gid, construct))

    def balance(self, level: str, gid: str, wave: str | None = None) -> Row | None:
        return self._balance.get((wave or self.wave, level, gid))

    def participation(self, level: str, gid: str, wave: str | None = None) -> Row | None:
        return self._participation.get((wave or self.wave, level, gid))

    def enps(self, level: str, gid: str, wave: str | None = None) -> Row | None:
        return self._enps.get((wave or self.wave, level, gid))

    def is_reportable(self, level: str, gid: str, wave: str | None = None) -> bool:
        return any(
            (r := self.score(level, gid, c, wave)) is not None
            and not r["suppressed"]
            and r["score_0_100"] is not None
            for c in self.constructs
        )

    def group_n(self, level: str, gid: str) -> int | None:
        """Largest respondent count behind the group's shown figures (never for suppressed)."""
        counts = [
            r["n_respondents"]
            for c in self.constructs
            if (r := self.score(level, gid, c)) and not r["suppressed"] and r["n_respondents"]
        ]
        return int(max(counts)) if counts else None  # type: ignore[arg-type]

    @cached_property
    def org_id(self) -> str | None:
        return self.data.org_id

    @cached_property
    def _members(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for lvl, g in self.data.family:
            found.setdefault(lvl, []).append(g)
        return found

    def members(self, level: str) -> list[str]:
        return list(self._members.get(level, []))  # a copy: a caller may change it

    @cached_property
    def _parents(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for r in self.data.tables["scores"] + self.data.tables["balance"]:
            if r["wave_id"] == self.wave and r["group_level"] == "team":
                found.setdefault(str(r["group_id"]), r.get("parent_group_id"))  # type: ignore[arg-type]
        return found

    def parent_of(self, team: str) -> str | None:
        return self._parents.get(team)

    @property
    def large(self) -> bool:
        """An organisation with more departments than a page of rows: its departments are
        one compact table, and the other tables name only the teams that need attention."""
        return self.level == "org" and len(self.members("department")) > MAX_DEPARTMENT_ROWS

    def teams_by_department(self) -> list[tuple[str | None, list[str]]]:
        """Every department of the report (with or without named teams), then its teams; in a
        large organisation only the departments of named teams."""
        order = self.members("department")
        if self.large:
            order = [d for d in order if d in {self.parent_of(t) for t in self.members("team")}]
        groups: dict[str | None, list[str]] = {d: [] for d in order}
        for team in self.members("team"):
            groups.setdefault(self.parent_of(team), []).append(team)
        position = {d: i for i, d in enumerate(order)}
        keys = sorted(
            groups,
            key=lambda d: (d not in position, position.get(d, 0), natural_key(d or "")),
        )
        return [(d, groups[d]) for d in keys if groups[d] or d in position]

    @cached_property
    def _changes(self) -> dict[tuple, list[Row]]:
        found: dict[tuple, list[Row]] = {}
        for r in self.data.tables["changes"]:
            found.setdefault((r["group_level"], r["group_id"], r["to_wave"]), []).append(r)
        return found

    def changes(self, level: str, gid: str, to_wave: str | None = None) -> list[Row]:
        return self._changes.get((level, gid, to_wave or self.wave), [])

    def link(self, level: str, gid: str) -> str | None:
        """The file of the group's own report, when it is rendered (for a link)."""
        return self.data.links.get(f"{level}:{gid}")

    def display_name(self, level: str, gid: str) -> str:
        if level == "org":
            return "the organisation"
        return gid
