"""Unit cases of the confidentiality rules: primary and complementary suppression."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.domain.privacy import COMPLEMENTARY, PRIMARY, attack, derivable_sets, protect
from tests.unit.small_org import build

BANDS = ("<1y", "1-3y", "3y+")


def one_cell(n: int) -> dict[tuple[str, str], int]:
    return {("1-3y", "Berlin"): n}


def reasons(result: pd.DataFrame) -> dict[str, str | None]:
    return dict(zip(result["group_key"], result["suppression_reason"], strict=True))


def published(result: pd.DataFrame) -> list[str]:
    return result.loc[~result["suppressed"], "group_key"].tolist()


def test_department_of_12_7_3_suppresses_the_3_and_then_the_7():
    groups, atoms = build(
        {"A": one_cell(12), "B": one_cell(7), "C": one_cell(3)}, {"Sales": ["A", "B", "C"]}
    )
    result = protect(groups, atoms, 5)
    assert list(result.columns) == ["group_key", "suppressed", "suppression_reason"]
    assert result["group_key"].tolist() == groups["group_key"].tolist()
    assert reasons(result) == {
        "org": None,
        "dept:Sales": None,
        "team:A": None,
        "team:B": COMPLEMENTARY,
        "team:C": PRIMARY,
    }
    assert attack(groups, atoms, published(result), 5) == []

    primary_only = protect(groups, atoms, 5, complementary=False)
    assert reasons(primary_only)["team:B"] is None
    leaks = attack(groups, atoms, published(primary_only), 5)
    team_c = frozenset([("C", "1-3y", "Berlin")])
    found = [leak for leak in leaks if leak["atoms"] == team_c]
    assert found and found[0]["n"] == 3
    # the recovered combination really adds up to team C: department - A - B (or org - A - B)
    weights = found[0]["recovered_from"]
    members = dict(zip(groups["group_key"], groups["atoms"], strict=True))
    total = {}
    for key, weight in weights.items():
        for atom in members[key]:
            total[atom] = total.get(atom, 0) + weight
    assert {a for a, w in total.items() if w} == set(team_c)
    assert all(w == 1 for a, w in total.items() if w)


def test_organisation_with_a_department_below_k():
    groups, atoms = build(
        {"S1": one_cell(2), "S2": one_cell(1), "E1": one_cell(20), "E2": one_cell(20)},
        {"Sales": ["S1", "S2"], "Eng": ["E1", "E2"]},
    )
    result = protect(groups, atoms, 5)
    got = reasons(result)
    assert got["dept:Sales"] == got["team:S1"] == got["team:S2"] == PRIMARY
    assert got["org"] is None  # the organisation is never the one given up
    # org - Eng would reveal Sales, and Eng = E1 + E2: Eng and one of its teams must go
    assert got["dept:Eng"] == COMPLEMENTARY
    assert [got["team:E1"], got["team:E2"]].count(COMPLEMENTARY) == 1
    assert attack(groups, atoms, published(result), 5) == []
    primary_only = published(protect(groups, atoms, 5, complementary=False))
    sales = frozenset(a for a in atoms["atom_id"] if a[0] in ("S1", "S2"))
    assert sales in {leak["atoms"] for leak in attack(groups, atoms, primary_only, 5)}


def test_small_tenure_band_in_a_department_and_at_organisation_level():
    teams = {
        "S1": {("<1y", "Berlin"): 2, ("1-3y", "Berlin"): 6, ("3y+", "Berlin"): 8},
        "S2": {("1-3y", "Berlin"): 5, ("3y+", "Berlin"): 9},
        "E1": {("<1y", "Berlin"): 6, ("1-3y", "Berlin"): 8, ("3y+", "Berlin"): 10},
        "E2": {("<1y", "Berlin"): 7, ("1-3y", "Berlin"): 9, ("3y+", "Berlin"): 12},
    }
    groups, atoms = build(teams, {"Sales": ["S1", "S2"], "Eng": ["E1", "E2"]}, cuts=True)
    result = protect(groups, atoms, 5)
    got = reasons(result)
    assert got["dept:Sales|tenure:<1y"] == PRIMARY
    # Sales - Sales 1-3y - Sales 3y+ reveals Sales <1y: the smaller sibling cut goes
    assert got["dept:Sales|tenure:1-3y"] == COMPLEMENTARY
    assert got["dept:Sales|tenure:3y+"] is None
    # org <1y - Eng <1y would reveal it too: one of them goes, never the organisation itself
    assert COMPLEMENTARY in (got["org|tenure:<1y"], got["dept:Eng|tenure:<1y"])
    assert got["org"] is None
    assert attack(groups, atoms, published(result), 5) == []
    primary_only = published(protect(groups, atoms, 5, complementary=False))
    small_band = frozenset([("S1", "<1y", "Berlin")])
    assert small_band in {leak["atoms"] for leak in attack(groups, atoms, primary_only, 5)}


def test_lineage_group_of_a_small_old_team():
    # old teams A (3) and B (10) became team C; the lineage group A+B is published for trends
    groups, atoms = build(
        {"A": one_cell(3), "B": one_cell(10), "D": one_cell(20)},
        {"Ops": ["A", "B", "D"]},
        lineage={"C": ["A", "B"]},
    )
    result = protect(groups, atoms, 5)
    got = reasons(result)
    assert got["team:A"] == PRIMARY
    assert got["team:B"] == COMPLEMENTARY  # lineage C - B = A
    assert got["lineage:C"] is None and got["dept:Ops"] is None and got["team:D"] is None
    assert attack(groups, atoms, published(result), 5) == []
    primary_only = published(protect(groups, atoms, 5, complementary=False))
    leaks = attack(groups, atoms, primary_only, 5)
    assert frozenset([("A", "1-3y", "Berlin")]) in {leak["atoms"] for leak in leaks}


def test_three_term_differences_are_caught_by_the_exhaustive_search():
    # cut + cut - team: a derivation that is no pairwise difference and no parent residual
    teams = {
        "T0": {("<1y", "Berlin"): 1, ("<1y", "Remote"): 3, ("1-3y", "Paris"): 4},
        "T1": {("<1y", "Berlin"): 1, ("1-3y", "Paris"): 1},
        "T2": {("<1y", "Berlin"): 2, ("1-3y", "Berlin"): 13, ("1-3y", "Remote"): 6},
        "U0": {("<1y", "Berlin"): 9, ("1-3y", "Berlin"): 12, ("1-3y", "Paris"): 14},
    }
    groups, atoms = build(teams, {"D0": ["T0", "T1", "T2"], "D1": ["U0"]}, cuts=True)
    result = protect(groups, atoms, 5)
    assert result.attrs["confidentiality"]["exhaustive_search"] == "complete"
    shown = published(result)
    assert attack(groups, atoms, shown, 5) == []
    counts = dict(zip(atoms["atom_id"], atoms["n"], strict=True))
    small = [a for a, n in counts.items() if 0 < n < 5]
    from itertools import combinations

    subsets = [
        frozenset(c)
        for r in range(1, 5)
        for c in combinations(small, r)
        if sum(counts[a] for a in c) < 5
    ]
    assert derivable_sets(groups[groups["group_key"].isin(shown)], atoms, subsets) == []


def test_organisation_below_k_and_empty_groups():
    groups, atoms = build({"A": one_cell(2), "B": one_cell(2)}, {"Tiny": ["A", "B"]})
    empty = {
        "group_key": "dept:Ghost",
        "group_level": "department",
        "group_id": "Ghost",
        "parent_group_id": "org",
        "n": 0,
        "atoms": (),
    }
    # a group without atoms, as a left join leaves it
    missing = {**empty, "group_key": "team:Ghost", "group_id": "G", "atoms": float("nan")}
    groups = pd.concat([groups, pd.DataFrame([empty, missing])], ignore_index=True)
    result = protect(groups, atoms, 5)
    assert result["suppressed"].all()
    assert set(result["suppression_reason"]) == {PRIMARY}


def test_k_and_inputs_are_validated():
    groups, atoms = build({"A": one_cell(12)}, {"Sales": ["A"]})
    for bad in (2, 0, -5, True, 4.5, "5"):
        with pytest.raises(ValueError):
            protect(groups, atoms, bad)
    wrong_n = groups.assign(n=groups["n"] + 1)
    with pytest.raises(ValueError, match="sum over atoms"):
        protect(wrong_n, atoms, 5)
    unknown = groups.assign(atoms=[(("X", "1-3y", "Berlin"),)] * len(groups))
    with pytest.raises(ValueError, match="unknown atom"):
        protect(unknown, atoms, 5)
    with pytest.raises(ValueError, match="unique"):
        protect(pd.concat([groups, groups]), atoms, 5)
    with pytest.raises(ValueError):
        attack(groups, atoms, [], 2)
    assert reasons(protect(groups, atoms, 3)) == {"org": None, "dept:Sales": None, "team:A": None}


def test_protect_is_deterministic_and_ignores_row_order():
    teams = {
        f"T{i}": {("<1y", "Berlin"): i % 4, ("3y+", "Paris"): 2 + (i * 7) % 9} for i in range(8)
    }
    groups, atoms = build(
        teams,
        {"D0": ["T0", "T1", "T2", "T3"], "D1": ["T4", "T5", "T6", "T7"]},
        cuts=True,
        lineage={"N": ["T1", "T2"]},
    )
    first = protect(groups, atoms, 5)
    assert first.equals(protect(groups, atoms, 5))
    shuffled = groups.sample(frac=1.0, random_state=7).reset_index(drop=True)
    again = protect(shuffled, atoms.sample(frac=1.0, random_state=3), 5)
    assert reasons(again) == reasons(first)
    assert attack(groups, atoms, published(first), 5) == []


def test_derivable_sets_rank_test():
    groups, atoms = build(
        {"A": one_cell(12), "B": one_cell(7), "C": one_cell(3)}, {"Sales": ["A", "B", "C"]}
    )
    shown = groups[groups["group_key"].isin(["dept:Sales", "team:A"])]
    a, b, c = (frozenset([(t, "1-3y", "Berlin")]) for t in "ABC")
    assert derivable_sets(shown, atoms, [a, b, c, b | c, a | b | c]) == [a, b | c, a | b | c]
