"""The adversary of the end-to-end attack test (tests/integration/test_attack.py).

It reads the *published* marts of a real pipeline run and writes every published count and sum
as a linear equation over unknown per-atom totals (an atom is one team x tenure band x location
cell, the finest cell every group figure is a sum over). It knows the structure, as an analyst
who has the org chart and the roster does: which atoms exist, which atoms each team,
department, organisation, demographic cut and lineage group covers. It does not know answers.

A total is *determined* when the indicator vector of its atoms lies in the row space of the
published groups' indicator matrix. Every figure of one mart row (n, n x mean, favourable
counts, promoters, ...) is a sum over the same atoms, so the rank test is run once per wave and
per *family* of figures that are published or hidden together (one mart row), with the rows
where that family is non-NULL. Three independent tests are run, all in exact rational
arithmetic:

- the candidate sets below k named in the brief (every group, atom, pairwise difference and
  intersection, parent minus its published children, pair of atoms), each tested exactly;
- `privacy.adversary.attack` itself;
- an exhaustive search written here: every 0/1 vector of the row space that vanishes on the
  atoms with k or more respondents (so every derivable set below k, whatever its shape).

The structure and the ground truth (the per-atom sums that the published figures must add up
to) come from the state database through the pipeline's own SQL models; the ground truth is
used to check that the equations are right and that recovered totals are the real ones, never
as the adversary's knowledge.

The parts: the workspace (attack_workspace.py), the structure and ground truth
(attack_structure.py), the published equations (attack_equations.py), the exhaustive search
(attack_space.py); the attack itself is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

import pandas as pd

from pipelines.domain.privacy import attack
from pipelines.domain.privacy.adversary import ExactSpan
from tests.integration.attack_equations import Equation, families, family_count
from tests.integration.attack_space import SmallSpace
from tests.integration.attack_structure import Structure


@dataclass
class Finding:
    wave: str
    family: str
    rule: str  # "respondents" (protect's rule) or the figure's own count
    how: str  # "candidate", "attack", "exhaustive"
    atoms: frozenset
    n: int
    label: str = ""
    recovered_from: dict = field(default_factory=dict)


@dataclass
class AttackResult:
    targets: int = 0  # candidate sets below k tested, summed over the systems
    distinct_targets: set = field(default_factory=set)  # (wave, atoms) of those candidates
    findings: list[Finding] = field(default_factory=list)
    exhaustive_complete: bool = True
    tests: int = 0  # (wave, family, rule) systems tested
    equations: int = 0


def run_attack(structure: Structure, equations: list[Equation], k: int) -> AttackResult:
    """Every (wave, family), under both counting rules, with the three tests."""
    result = AttackResult(equations=len(equations))
    cache: dict = {}
    for (wave, family), published in sorted(families(equations).items()):
        for rule in ("respondents", family_count(family)):
            counts = structure.counts(wave, rule)
            # privacy.adversary.attack checks protect()'s own rule (respondents); the figure's
            # own count is checked by the candidate sets and the exhaustive search
            module = rule == "respondents"
            signature = (wave, frozenset(published), tuple(sorted(counts.items())), module)
            if signature not in cache:
                cache[signature] = _attack_one(structure, wave, published, counts, k, module)
            targets, found, complete = cache[signature]
            result.tests += 1
            result.targets += len(targets)
            result.distinct_targets.update((wave, t) for t in targets)
            result.exhaustive_complete &= complete
            for how, atoms, label, recovered in found:
                result.findings.append(
                    Finding(
                        wave,
                        family,
                        rule,
                        how,
                        atoms,
                        sum(counts[a] for a in atoms),
                        label,
                        recovered,
                    )
                )
            if rule == family_count(family):
                break  # the same rule twice
    return result


def _attack_one(structure, wave, published, counts, k, module=True):
    groups = structure.groups[wave]
    rows = [groups[g] for g in sorted(published)]
    space = SmallSpace(rows, counts, k)
    span = None

    def weights(atoms: frozenset) -> dict:
        nonlocal span
        if span is None:  # only needed to explain a leak
            span = ExactSpan(a for a, n in counts.items() if n > 0)
            for key in sorted(published):
                span.add(key, [a for a in groups[key] if counts[a] > 0])
        return {g: int(w) if w.denominator == 1 else w for g, w in span.recover(atoms).items()}

    found = []
    # 1. the candidate sets below k, each tested exactly against the small-atom space
    candidates = candidate_sets(structure, wave, published, counts, k)
    for atoms, label in candidates.items():
        if space.contains(atoms):
            found.append(("candidate", atoms, label, weights(atoms)))
    # 2. privacy.adversary.attack (its own enumeration and its own exact rank tests)
    if module:
        frame = pd.DataFrame(
            [
                {
                    "group_key": key,
                    "group_level": structure.info[wave][key][0],
                    "group_id": structure.info[wave][key][1],
                    "parent_group_id": structure.info[wave][key][2],
                    "n": sum(counts[a] for a in atoms),
                    "atoms": tuple(sorted(atoms)),
                }
                for key, atoms in sorted(groups.items())
            ]
        )
        atoms_df = pd.DataFrame({"atom_id": list(counts), "n": list(counts.values())})
        for f in attack(frame, atoms_df, published, k):
            found.append(("attack", f["atoms"], f["label"], f["recovered_from"]))
    # 3. the exhaustive search: every set below k of the derivable space
    sets, complete = space.small_sets()
    for atoms in sets:
        found.append(("exhaustive", atoms, "exhaustive", weights(atoms)))
    return list(candidates), found, complete


def candidate_sets(structure, wave, published, counts, k) -> dict[frozenset, str]:
    """Every group, atom, difference and intersection of two groups, parent minus its
    published children (by parent id and by containment, one level at a time) and pair of
    atoms, whose total lies in 1..k-1 (zero atoms are known to be empty and dropped)."""
    groups = {
        key: frozenset(a for a in atoms if counts[a] > 0)
        for key, atoms in structure.groups[wave].items()
    }
    out: dict[frozenset, str] = {}

    def offer(atoms: frozenset, label: str) -> None:
        if atoms and 0 < sum(counts[a] for a in atoms) < k:
            out.setdefault(atoms, label)

    keys = sorted(groups)
    for key in keys:
        offer(groups[key], key)
    positive = sorted(a for a, n in counts.items() if n > 0)
    for a in positive:
        offer(frozenset([a]), f"atom {a}")
    for a, b in combinations(keys, 2):
        if groups[a] & groups[b]:
            offer(groups[a] - groups[b], f"{a} minus {b}")
            offer(groups[b] - groups[a], f"{b} minus {a}")
            offer(groups[a] & groups[b], f"{a} and {b}")
    info = structure.info[wave]
    for parent in keys:
        for level in sorted({info[c][0] for c in published}):
            named = [
                c
                for c in published
                if info[c][0] == level
                and c != parent
                and f"{info[parent][0]}|{info[c][2]}" == parent
                and groups[c] <= groups[parent]
            ]
            inside = [
                c
                for c in published
                if info[c][0] == level and c != parent and groups[c] < groups[parent]
            ]
            for children, how in ((named, "reported"), (inside, "contained")):
                if children:
                    rest = groups[parent] - frozenset().union(*(groups[c] for c in children))
                    offer(rest, f"{parent} minus its {how} {level} groups")
    small = [a for a in positive if counts[a] < k - 1]
    for a, b in combinations(small, 2):
        offer(frozenset([a, b]), f"atoms {a} and {b}")
    return out


def recovered_value(finding: Finding, equations: list[Equation], figure: str) -> float | None:
    """The adversary's value of `figure` for the finding's set: sum of weight x published."""
    values = {
        e.group_key: e.value
        for e in equations
        if e.wave == finding.wave and e.family == finding.family and e.figure == figure
    }
    if not finding.recovered_from or any(values.get(g) is None for g in finding.recovered_from):
        return None
    return float(sum(Fraction(w) * Fraction(values[g]) for g, w in finding.recovered_from.items()))
