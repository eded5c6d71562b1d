"""Validation of the two tables that both the protector and the adversary read.

A *wave* is described by its atoms (the finest cells, with their respondent counts) and by the
groups Tandem would publish, each a set of atoms. Atoms with no respondent carry no data; every
function of this package drops them from the groups (an adversary may know from the roster
that a cell is empty, so treating them as known zeros is the cautious choice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# the policy constants have one owner, the settings schema (re-exported here)
from pipelines.domain.config.settings import DEFAULT_COMMENT_K, DEFAULT_K  # noqa: F401
from pipelines.domain.config.settings import MIN_ALLOWED_GROUP_SIZE as MIN_K

ORG_LEVEL = "org"
LEVELS = ("team", "department", "org", "tenure_band", "location", "lineage")

GROUP_COLUMNS = ("group_key", "group_level", "group_id", "parent_group_id", "n", "atoms")


def check_k(k: object) -> int:
    """Return k as an int, or raise ValueError if it is not an integer of at least 3."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise ValueError(f"k must be an integer, got {k!r}")
    if int(k) < MIN_K:
        raise ValueError(f"k must be at least {MIN_K} (got {k}); smaller groups identify people")
    return int(k)


def _sort_key(value: object) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def _as_count(value: object, what: str) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a non-negative integer, got {value!r}") from None
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(f"{what} must be a non-negative integer, got {value!r}")
    return int(number)


def atom_counts(atoms: pd.DataFrame) -> dict[object, int]:
    """Map atom_id to its respondent count, validated (unique ids, integer n >= 0)."""
    missing = {"atom_id", "n"} - set(atoms.columns)
    if missing:
        raise ValueError(f"atoms lacks columns {sorted(missing)}")
    counts: dict[object, int] = {}
    for atom_id, n in zip(atoms["atom_id"].tolist(), atoms["n"].tolist(), strict=True):
        if atom_id in counts:
            raise ValueError(f"duplicate atom_id {atom_id!r}")
        counts[atom_id] = _as_count(n, f"n of atom {atom_id!r}")
    return counts


def atom_members(value: object, counts: dict[object, int], key: object) -> frozenset:
    """The atoms of one group with at least one respondent (unknown atom ids are an error).
    A missing list (None or NaN, as a left join leaves it for a group without atoms) is empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"atoms of group {key!r} must be a list or tuple of atom ids")
    members = []
    for atom_id in value:
        if atom_id not in counts:
            raise ValueError(f"group {key!r} refers to unknown atom {atom_id!r}")
        if counts[atom_id] > 0:
            members.append(atom_id)
    return frozenset(members)


@dataclass(frozen=True)
class Wave:
    """Groups (sorted by key) and positive atoms (sorted by id) of one wave, validated."""

    keys: tuple[str, ...]
    levels: tuple[str, ...]
    group_ids: tuple[object, ...]
    parent_ids: tuple[object, ...]
    n: np.ndarray  # respondents per group
    members: tuple[frozenset, ...]  # positive atoms per group
    atom_ids: tuple[object, ...]  # positive atoms only
    atom_n: np.ndarray

    @property
    def org_mask(self) -> np.ndarray:
        return np.array([level == ORG_LEVEL for level in self.levels], dtype=bool)


def read_wave(groups: pd.DataFrame, atoms: pd.DataFrame) -> Wave:
    """Validate and normalise the inputs of protect() and attack()."""
    missing = set(GROUP_COLUMNS) - set(groups.columns)
    if missing:
        raise ValueError(f"groups lacks columns {sorted(missing)}")
    counts = atom_counts(atoms)
    rows = sorted(groups[list(GROUP_COLUMNS)].itertuples(index=False), key=lambda r: str(r[0]))
    keys = [str(r[0]) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("group_key must be unique")
    members = []
    for row in rows:
        key, level, _, _, n, atom_list = row
        if level not in LEVELS:
            raise ValueError(f"group {key!r} has unknown group_level {level!r}; expected {LEVELS}")
        found = atom_members(atom_list, counts, key)
        total = sum(counts[a] for a in found)
        if _as_count(n, f"n of group {key!r}") != total:
            raise ValueError(
                f"group {key!r} reports n={n} but its atoms hold {total} respondents; every "
                "published total must be a sum over atoms"
            )
        members.append(found)
    atom_ids = tuple(sorted((a for a, c in counts.items() if c > 0), key=_sort_key))
    return Wave(
        keys=tuple(keys),
        levels=tuple(str(r[1]) for r in rows),
        group_ids=tuple(r[2] for r in rows),
        parent_ids=tuple(r[3] for r in rows),
        n=np.array([sum(counts[a] for a in m) for m in members], dtype=np.int64),
        members=tuple(members),
        atom_ids=atom_ids,
        atom_n=np.array([counts[a] for a in atom_ids], dtype=np.int64),
    )


def parents_of(wave: Wave) -> list[list[int]]:
    """For each group, the indices of its parents: groups whose group_id is its parent_group_id
    and that contain all of its atoms (ids alone can repeat across levels)."""
    by_id: dict[object, list[int]] = {}
    for index, group_id in enumerate(wave.group_ids):
        if _present(group_id):
            by_id.setdefault(group_id, []).append(index)
    parents: list[list[int]] = []
    for index, parent_id in enumerate(wave.parent_ids):
        found = []
        if _present(parent_id):
            for candidate in by_id.get(parent_id, []):
                if candidate != index and wave.members[index] <= wave.members[candidate]:
                    found.append(candidate)
        parents.append(found)
    return parents


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True
