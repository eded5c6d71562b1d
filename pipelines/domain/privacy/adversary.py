"""An adversary who differences published totals, in exact rational arithmetic.

It is written independently of suppression.py (plain Python sets and fractions, no floating
point) so that tests can use it as an oracle: given the published groups, which sets of atoms
have a total that the published totals determine? A set S is derivable iff its indicator vector
lies in the row space of the published groups' indicator matrix (append it as a row: the rank does
not grow). Atoms with no respondent are treated as known to be empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from itertools import combinations

import pandas as pd

from ._input import _sort_key, atom_counts, atom_members, check_k, parents_of, read_wave


class ExactSpan:
    """Incremental row echelon form over the rationals, remembering which published groups
    (with which weights) make up each pivot row."""

    def __init__(self, columns: Iterable[object]) -> None:
        self.column = {atom: i for i, atom in enumerate(sorted(columns, key=_sort_key))}
        self.pivots: dict[int, tuple[dict[int, Fraction], dict[str, Fraction]]] = {}

    def _vector(self, atoms: Iterable[object]) -> dict[int, Fraction]:
        return {self.column[a]: Fraction(1) for a in atoms if a in self.column}

    def _reduce(
        self, vector: dict[int, Fraction], track: bool = True
    ) -> tuple[dict, dict[str, Fraction]]:
        """Reduce by the pivot rows; returns (remainder, weights of the groups subtracted)."""
        vector, used = dict(vector), {}
        while vector:
            col = min(vector)
            if col not in self.pivots:
                return vector, used
            factor = vector[col]
            row, combo = self.pivots[col]
            for c, value in row.items():
                _axpy(vector, c, -factor * value)
            if track:
                for key, value in combo.items():
                    _axpy(used, key, factor * value)
        return vector, used

    def add(self, key: str, atoms: Iterable[object]) -> bool:
        """Publish one group; True if it grew the rank."""
        rest, used = self._reduce(self._vector(atoms))
        if not rest:
            return False
        combo = {name: -value for name, value in used.items()}
        _axpy(combo, key, Fraction(1))
        lead = min(rest)
        pivot = rest[lead]
        self.pivots[lead] = (
            {c: v / pivot for c, v in rest.items()},
            {name: v / pivot for name, v in combo.items()},
        )
        return True

    def recover(self, atoms: Iterable[object]) -> dict[str, Fraction] | None:
        """The published groups' weights whose sum is the total of `atoms`, or None."""
        vector = self._vector(atoms)
        if self._reduce(vector, track=False)[0]:
            return None
        return self._reduce(vector)[1]

    def derivable(self, atoms: Iterable[object]) -> bool:
        """True if the total of `atoms` is determined (the rank test, without the weights)."""
        return not self._reduce(self._vector(atoms), track=False)[0]


def _axpy(target: dict, key: object, value: Fraction) -> None:
    new = target.get(key, Fraction(0)) + value
    if new:
        target[key] = new
    else:
        target.pop(key, None)


def _span(published: pd.DataFrame, counts: dict[object, int]) -> ExactSpan:
    span = ExactSpan(a for a, n in counts.items() if n > 0)
    for key, atoms in zip(
        published["group_key"].tolist(), published["atoms"].tolist(), strict=True
    ):
        span.add(str(key), atom_members(atoms, counts, key))
    return span


def derivable_sets(
    published: pd.DataFrame, atoms: pd.DataFrame, candidates: list[frozenset]
) -> list[frozenset]:
    """The candidate sets (of atom ids) whose totals the published groups' totals determine.

    published: group_key, atoms (of the groups whose figures are shown); atoms: atom_id, n."""
    counts = atom_counts(atoms)
    span = _span(published, counts)
    out = []
    for candidate in candidates:
        if span.derivable(atom_members(candidate, counts, "candidate")):
            out.append(candidate)
    return out


def attack(
    groups: pd.DataFrame,
    atoms: pd.DataFrame,
    published_keys: Iterable[str],
    k: int,
    *,
    extended: bool = True,
) -> list[dict]:
    """Every candidate set with 1..k-1 respondents whose total the published groups reveal.

    Candidates: every group, every atom, every difference of nested groups (A minus B, B a
    proper subset of A), and every group minus its published children of one level (children by
    parent_group_id, and also every published group it contains). extended=True adds the
    intersection and difference of any two overlapping groups and every pair of atoms.
    Each finding: kind, label, atoms (frozenset), n, recovered_from ({group_key: weight}: the
    sum of weight x published total that equals the set's total).
    """
    k = check_k(k)
    wave = read_wave(groups, atoms)
    counts = atom_counts(atoms)
    published_keys = {str(key) for key in published_keys}
    published = [i for i, key in enumerate(wave.keys) if key in published_keys]
    span = ExactSpan(wave.atom_ids)
    for i in published:
        span.add(wave.keys[i], wave.members[i])

    candidates: dict[frozenset, tuple[str, str]] = {}

    def offer(atom_set: frozenset, kind: str, label: str) -> None:
        if atom_set and 0 < sum(counts[a] for a in atom_set) < k:
            candidates.setdefault(atom_set, (kind, label))

    members, keys = wave.members, wave.keys
    for i, key in enumerate(keys):
        offer(members[i], "group", key)
    for atom in wave.atom_ids:
        offer(frozenset([atom]), "atom", repr(atom))
    for i, j in _ordered_pairs(len(keys)):
        if members[j] < members[i]:
            offer(members[i] - members[j], "difference", f"{keys[i]} minus {keys[j]}")
        elif extended and members[i] & members[j]:
            offer(members[i] - members[j], "difference", f"{keys[i]} minus {keys[j]}")
            offer(members[i] & members[j], "intersection", f"{keys[i]} and {keys[j]}")
    _offer_residuals(wave, published, offer)
    if extended:
        small = [a for a in wave.atom_ids if counts[a] < k - 1]
        for a, b in combinations(small, 2):
            offer(frozenset([a, b]), "atom_pair", f"{a!r} and {b!r}")

    findings = []
    for atom_set, (kind, label) in candidates.items():
        if span.derivable(atom_set):
            recovered = span.recover(atom_set)
            findings.append(
                {
                    "kind": kind,
                    "label": label,
                    "atoms": atom_set,
                    "n": sum(counts[a] for a in atom_set),
                    "recovered_from": {name: _plain(w) for name, w in sorted(recovered.items())},
                }
            )
    return sorted(findings, key=lambda f: (f["n"], f["label"]))


def _ordered_pairs(size: int) -> Iterable[tuple[int, int]]:
    for i in range(size):
        for j in range(size):
            if i != j:
                yield i, j


def _offer_residuals(wave, published: list[int], offer) -> None:
    """Parent minus its reported children, one child level at a time."""
    shown = set(published)
    parents = parents_of(wave)
    for p, parent_atoms in enumerate(wave.members):
        for level in sorted(set(wave.levels)):
            named = [c for c in shown if wave.levels[c] == level and p in parents[c]]
            inside = [
                c
                for c in shown
                if wave.levels[c] == level and c != p and wave.members[c] < parent_atoms
            ]
            for children, how in ((named, "reported"), (inside, "contained")):
                if children:
                    rest = parent_atoms - frozenset().union(*(wave.members[c] for c in children))
                    offer(rest, "residual", f"{wave.keys[p]} minus its {how} {level} groups")


def _plain(weight: Fraction) -> int | Fraction:
    return int(weight) if weight.denominator == 1 else weight


__all__ = ["ExactSpan", "attack", "derivable_sets"]
