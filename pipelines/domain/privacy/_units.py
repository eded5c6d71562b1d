"""Complementary suppression unit by unit: each department with its children, then the few
departments that the organisation-level groups still tie together.

Differencing needs published totals that share atoms, so the unit it can attack is a parent and
its children: a department with its teams and its cuts (every atom is in one department). The
groups that cross departments (the organisation, its cuts, lineage across departments) are the
*border*. Write W_d for the row space of department d's published groups and b|d for a border
group restricted to d's atoms. The whole wave's row space W is the sum of the W_d and the border
rows. Call d *free* when b|d lies in W_d for every published border row b (say, all its cuts are
published): then b = (b restricted to the free departments) + (b restricted to the others),
the first part lies in the free departments' W_d, and

    W = W_d1 (+) W_d2 (+) ... (free departments)  (+)  W_C,

W_C being the row space, on the atoms of the other departments C, of their published groups and
of the border rows restricted to C. These spaces have disjoint supports, so a set of atoms is
derivable iff its part in each free department is derivable from that department's groups and
its part in C from W_C. A set below k has every part below k. Hence protecting each department
alone, and then the unit C (whose restricted border rows are derivable totals too: the border
row minus the free departments' parts), leaves no set below k derivable in the whole wave,
exactly as one search over the whole wave would. The second step suppresses only rows of C and
border rows, so the free departments stay free.

The cost is one small problem per department plus one problem the size of C, instead of one
problem the size of the wave, whose pairwise steps grow with the square of the groups.
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


def protect_by_unit(
    protector_type, span_type, wave: Wave, k: int, published: np.ndarray
) -> tuple[list[int], UnitResult]:
    """Complementary suppressions for the primary-only `published` mask, unit by unit (see
    the module's docstring). `published` is updated in place."""
    audit = UnitResult()
    owner = departments_of(wave)
    if not owner:
        return _whole(protector_type, wave, k, published, audit), audit
    inner: dict[int, list[int]] = {}  # department row -> its groups (itself included)
    border: list[int] = []
    for row, members in enumerate(wave.members):
        if not members:
            continue  # no respondent: suppressed by the primary rule, part of no derivation
        depts = {owner.get(a, -1) for a in members}
        if len(depts) == 1 and -1 not in depts:
            inner.setdefault(depts.pop(), []).append(row)
        else:
            border.append(row)
    counts = dict(zip(wave.atom_ids, wave.atom_n.tolist(), strict=True))
    touching: dict[int, list[frozenset]] = {}  # department -> published border rows' parts
    for row in border:
        if published[row]:
            parts: dict[int, set] = {}
            for atom in wave.members[row]:
                if atom in owner:
                    parts.setdefault(owner[atom], set()).add(atom)
            for dept, part in parts.items():
                touching.setdefault(dept, []).append(frozenset(part))
    extra: list[int] = []
    coupled: list[int] = []
    for dept in sorted(inner, key=lambda r: wave.keys[r]):
        rows = inner[dept]
        sub = sub_wave(wave, counts, rows)
        mask = published[rows].copy()
        if mask.any():
            for i in audit.run(protector_type, sub, k, mask):
                extra.append(rows[i])
                published[rows[i]] = False
        if _is_coupled(span_type, sub, published[rows], touching.get(dept, [])):
            coupled.append(dept)
    audit.coupled = len(coupled)
    loose = {a for row in border for a in wave.members[row] if a not in owner}
    free = sorted(
        (d for d in inner if d not in coupled), key=lambda d: (int(wave.n[d]), wave.keys[d])
    )
    before = published.copy()
    while True:
        top = _top_unit(protector_type, wave, counts, k, published, inner, coupled, border,
                        loose, audit)
        org_given_up = any(wave.levels[r] == ORG_LEVEL for r in top)
        if not org_given_up or not free:
            break
        # the organisation restricted to C is a set below k: let the search also hide groups
        # of the smallest free department, rather than the organisation
        published[:] = before
        coupled.append(free.pop(0))
        audit.coupled = len(coupled)
    return sorted(extra + top), audit


def _top_unit(protector_type, wave: Wave, counts: dict[object, int], k: int,
              published: np.ndarray,
              inner: dict[int, list[int]], coupled: list[int], border: list[int],
              loose: set[object], audit: UnitResult) -> list[int]:
    """Protect the coupled departments with the border rows restricted to their atoms."""
    atoms = set(loose).union(*(wave.members[d] for d in coupled))
    if not atoms:
        return []
    rows = [r for d in coupled for r in inner[d]]
    rows += [r for r in border if wave.members[r] & atoms]
    rows.sort(key=lambda r: wave.keys[r])
    mask = published[rows].copy()
    if not mask.any():
        return []
    extra = [rows[i] for i in audit.run(protector_type, sub_wave(wave, counts, rows, atoms), k, mask)]
    published[extra] = False
    return extra


def _is_coupled(span_type, sub: Wave, shown: np.ndarray, parts: list[frozenset]) -> bool:
    """True unless every published border row's part in this department (`parts`) is
    derivable from the department's own published groups."""
    if not parts:
        return False
    if not shown.any():
        return True
    column = {a: i for i, a in enumerate(sub.atom_ids)}
    incidence = np.zeros((len(sub.keys), len(sub.atom_ids)), dtype=bool)
    for row, members in enumerate(sub.members):
        incidence[row, [column[a] for a in members]] = True
    restricted = np.zeros((len(parts), len(sub.atom_ids)), dtype=bool)
    for i, part in enumerate(parts):
        restricted[i, [column[a] for a in part]] = True
    span = span_type(incidence, shown, np.zeros(len(sub.keys), dtype=bool))
    return not bool(span.derivable(restricted).all())


def _whole(protector_type, wave: Wave, k: int, published: np.ndarray, audit: UnitResult):
    extra = audit.run(protector_type, wave, k, published)
    published[extra] = False
    return extra
