"""Complementary suppression unit by unit: each department with its children, then only the
departments that the groups crossing them (the *border*) can still tie together.

Differencing needs published totals that share atoms, so the unit it can attack is a parent and
its children: a department with its teams and its cuts (every atom is in one department). The
border rows are the organisation, its cuts and lineage groups across departments. Write W_d for
the row space of department d's published groups, r_jd for border row j restricted to d's atoms,
and call j *active* in d when r_jd is not in W_d. The wave's row space is the sum of the W_d and
the border rows, and modulo the W_d each border row is the sum of its active parts. Steps:

1. Protect every department alone: no set below k is derivable from W_d.
2. A department is *safe* when no set below k is derivable from W_d plus all its parts r_jd
   (as if each were published). A set x below k derivable in the wave has, in each department,
   a part x_d in that space with at most n(x) respondents, so x_d = 0 in a safe department.
   A department with no active row is safe by step 1.
3. Link the other departments through the rows active in both; the wave's row space, seen on
   them, splits into one space per linked set (its departments' groups plus the border rows
   restricted to its atoms), with disjoint supports. Protect each linked set as one unit: then
   every part of x is 0, so no set below k is derivable in the whole wave, exactly as a search
   over the whole wave guarantees. Suppressions can make rows active in more departments, so
   the links are recomputed until they no longer change. A unit that would hide the
   organisation takes in the smallest safe department instead (the organisation is never
   given up, see suppression.py).

Each step's problems are the size of one department or of one linked set, so the cost grows
with the number of groups, not with its square as one search over the whole wave does.
"""

from __future__ import annotations

import numpy as np

from ._input import ORG_LEVEL, Wave, _sort_key


def departments_of(wave: Wave) -> dict[object, int] | None:
    """atom id -> index of the department group holding it; None if the department groups
    overlap (they are then no partition, and the wave is protected as one unit)."""
    owner: dict[object, int] = {}
    for row, level in enumerate(wave.levels):
        if level != "department":
            continue
        for atom in wave.members[row]:
            if owner.setdefault(atom, row) != row:
                return None
    return owner


def sub_wave(
    wave: Wave, counts: dict[object, int], rows: list[int], atoms: set[object] | None = None
) -> Wave:
    """The groups `rows` of `wave` (restricted to `atoms` if given), on their atoms."""
    members = [
        wave.members[r] if atoms is None else wave.members[r] & atoms for r in rows
    ]
    atom_ids = tuple(sorted(set().union(*members), key=_sort_key)) if members else ()
    return Wave(
        keys=tuple(wave.keys[r] for r in rows),
        levels=tuple(wave.levels[r] for r in rows),
        group_ids=tuple(wave.group_ids[r] for r in rows),
        parent_ids=tuple(wave.parent_ids[r] for r in rows),
        n=np.array([sum(counts[a] for a in m) for m in members], dtype=np.int64),
        members=tuple(members),
        atom_ids=atom_ids,
        atom_n=np.array([counts[a] for a in atom_ids], dtype=np.int64),
    )


class UnitResult:
    """What the units decided, for the audit: rounds (summed) and search completeness."""

    def __init__(self) -> None:
        self.rounds, self.search_complete, self.units, self.coupled = 0, True, 0, 0

    def run(self, protector_type, wave: Wave, k: int, published: np.ndarray) -> list[int]:
        """Complementary suppressions (indices into `wave`) of one unit."""
        protector = protector_type(wave, k)
        extra = protector.extra_suppressions(published)
        self.rounds += protector.rounds
        self.search_complete &= protector.search_complete
        self.units += 1
        return extra


LOOSE = -1  # the atoms in no department, a unit of their own (no groups inside)


def protect_by_unit(
    protector_type, span_type, wave: Wave, k: int, published: np.ndarray
) -> tuple[list[int], UnitResult]:
    """Complementary suppressions for the primary-only `published` mask, unit by unit (see
    the module's docstring). `published` is updated in place."""
    audit = UnitResult()
    owner = departments_of(wave)
    if not owner:
        return _whole(protector_type, wave, k, published, audit), audit
    units = _Units(protector_type, span_type, wave, k, published, owner, audit)
    extra = units.departments()
    extra += units.linked()
    return sorted(extra), audit


class _Units:
    def __init__(self, protector_type, span_type, wave: Wave, k: int, published: np.ndarray,
                 owner: dict[object, int], audit: UnitResult) -> None:
        self.protector_type, self.span_type, self.wave, self.k = protector_type, span_type, wave, k
        self.published, self.owner, self.audit = published, owner, audit
        self.counts = dict(zip(wave.atom_ids, wave.atom_n.tolist(), strict=True))
        self.inner: dict[int, list[int]] = {}  # department row -> its groups (itself too)
        self.border: list[int] = []
        for row, members in enumerate(wave.members):
            if not members:
                continue  # no respondent: suppressed by the primary rule, in no derivation
            depts = {owner.get(a, LOOSE) for a in members}
            if len(depts) == 1 and LOOSE not in depts:
                self.inner.setdefault(depts.pop(), []).append(row)
            else:
                self.border.append(row)
        # every border row's part in each department (and in the loose atoms)
        self.parts: dict[int, list[tuple[int, frozenset]]] = {}
        for row in self.border:
            split: dict[int, set] = {}
            for atom in wave.members[row]:
                split.setdefault(owner.get(atom, LOOSE), set()).add(atom)
            for dept, part in split.items():
                self.parts.setdefault(dept, []).append((row, frozenset(part)))
        self.linked_departments: set[int] = set()
        self.loose = {a for row, part in self.parts.get(LOOSE, []) for a in part}

    def _sub(self, dept: int) -> Wave:
        return sub_wave(self.wave, self.counts, self.inner[dept])

    def departments(self) -> list[int]:
        """Protect each department alone; note those the border rows may still tie."""
        extra = []
        for dept in sorted(self.inner, key=lambda r: self.wave.keys[r]):
            rows = self.inner[dept]
            mask = self.published[rows].copy()
            if mask.any():
                for i in self.audit.run(self.protector_type, self._sub(dept), self.k, mask):
                    extra.append(rows[i])
                    self.published[rows[i]] = False
            parts = self._shown_parts(dept)
            if self._active(dept) and not _is_safe(
                self.protector_type, self.span_type, self.wave, self._sub(dept),
                self.published[rows], parts, self.k,
            ):
                self.linked_departments.add(dept)
        if LOOSE in self.parts:
            self.linked_departments.add(LOOSE)
        return extra

    def _shown_parts(self, dept: int) -> list[tuple[int, frozenset]]:
        return [(r, part) for r, part in self.parts.get(dept, []) if self.published[r]]

    def _active(self, dept: int) -> list[int]:
        """The published border rows whose part in `dept` its own groups do not determine."""
        parts = self._shown_parts(dept)
        if dept == LOOSE or not parts:
            return [r for r, _ in parts]
        sub = self._sub(dept)
        derived = _derivable_parts(self.span_type, sub, self.published[self.inner[dept]],
                                   [p for _, p in parts])
        return [r for (r, _), ok in zip(parts, derived, strict=True) if not ok]

    def _components(self) -> list[frozenset[int]]:
        """Linked departments, joined when a border row is active in both (or forced)."""
        parent = {d: d for d in self.linked_departments}

        def find(d: int) -> int:
            while parent[d] != d:
                parent[d] = parent[parent[d]]
                d = parent[d]
            return d

        first_of: dict[int, int] = {}
        for dept in sorted(self.linked_departments):
            for row in self._active(dept):
                other = first_of.setdefault(row, dept)
                parent[find(dept)] = find(other)
        for dept, anchor in self.forced.items():
            parent[find(dept)] = find(anchor)
        groups: dict[int, set[int]] = {}
        for dept in self.linked_departments:
            groups.setdefault(find(dept), set()).add(dept)
        return sorted((frozenset(g) for g in groups.values()), key=sorted)

    def linked(self) -> list[int]:
        """Protect each set of linked departments with the border rows restricted to it,
        until the links no longer change."""
        self.forced: dict[int, int] = {}
        extra: list[int] = []
        done: set[frozenset[int]] = set()
        self.audit.coupled = len(self.linked_departments)
        while True:
            todo = [c for c in self._components() if c not in done]
            if not todo:
                return extra
            for comp in todo:
                extra += self._protect_component(comp)
                done.add(comp)
            self.audit.coupled = len(self.linked_departments)

    def _protect_component(self, comp: frozenset[int]) -> list[int]:
        free = sorted(
            (d for d in self.inner if d not in self.linked_departments),
            key=lambda d: (int(self.wave.n[d]), self.wave.keys[d]),
        )
        while True:
            atoms = set().union(
                *(self.wave.members[d] if d != LOOSE else self.loose for d in comp)
            )
            rows = [r for d in comp if d != LOOSE for r in self.inner[d]]
            rows += sorted({r for d in comp for r, _ in self.parts.get(d, [])})
            rows.sort(key=lambda r: self.wave.keys[r])
            before = self.published[rows].copy()
            if not before.any():
                return []
            unit = sub_wave(self.wave, self.counts, rows, atoms)
            found = [rows[i] for i in self.audit.run(self.protector_type, unit, self.k, before)]
            self.published[found] = False
            if not free or not any(self.wave.levels[r] == ORG_LEVEL for r in found):
                return found
            # the organisation's part in these departments is a set below k: let the search
            # hide groups of the smallest other department too, rather than the organisation
            self.published[rows] = before
            dept = free.pop(0)
            self.forced[dept] = next(iter(comp))
            self.linked_departments.add(dept)
            comp = comp | {dept}


def _derivable_parts(span_type, sub: Wave, shown: np.ndarray, parts: list[frozenset]) -> list:
    """For each part (a set of the department's atoms), whether the department's published
    groups determine its total."""
    if not shown.any():
        return [False] * len(parts)
    column = {a: i for i, a in enumerate(sub.atom_ids)}
    incidence = np.zeros((len(sub.keys), len(sub.atom_ids)), dtype=bool)
    for row, members in enumerate(sub.members):
        incidence[row, [column[a] for a in members]] = True
    restricted = np.zeros((len(parts), len(sub.atom_ids)), dtype=bool)
    for i, part in enumerate(parts):
        restricted[i, [column[a] for a in part]] = True
    span = span_type(incidence, shown, np.zeros(len(sub.keys), dtype=bool))
    return span.derivable(restricted).tolist()


def _is_safe(protector_type, span_type, wave: Wave, sub: Wave, shown: np.ndarray,
             parts: list[tuple[int, frozenset]], k: int) -> bool:
    """True if no set below k is derivable from the department's published groups together
    with the published border rows' parts in it (as if they were published on their own):
    then no set below k derivable in the whole wave has an atom in this department, whatever
    the other departments, so the last unit can leave it out (the module's docstring)."""
    counts = dict(zip(sub.atom_ids, sub.atom_n.tolist(), strict=True))
    rows = [(wave.keys[r], wave.levels[r], wave.group_ids[r], part) for r, part in parts]
    extended = Wave(
        keys=sub.keys + tuple(key for key, _, _, _ in rows),
        levels=sub.levels + tuple(level for _, level, _, _ in rows),
        group_ids=sub.group_ids + tuple(gid for _, _, gid, _ in rows),
        parent_ids=sub.parent_ids + (None,) * len(rows),
        n=np.concatenate([sub.n, [sum(counts[a] for a in part) for *_, part in rows]]).astype(
            np.int64
        ),
        members=sub.members + tuple(part for *_, part in rows),
        atom_ids=sub.atom_ids,
        atom_n=sub.atom_n,
    )
    mask = np.concatenate([shown, np.ones(len(rows), dtype=bool)])
    protector = protector_type(extended, k)
    protector.search_complete = True
    leaks = protector._leaks(span_type(protector.incidence, mask, protector.border), mask)
    return not leaks and protector.search_complete


def _whole(protector_type, wave: Wave, k: int, published: np.ndarray, audit: UnitResult):
    extra = audit.run(protector_type, wave, k, published)
    published[extra] = False
    return extra
