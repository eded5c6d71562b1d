"""protect() works department by department; these cases check that the split loses nothing:
sets below k that only a border row (organisation cut, lineage across departments) reveals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.domain.privacy import COMPLEMENTARY, PRIMARY, attack, protect
from tests.unit.test_privacy import build

K = 5


def shown(result: pd.DataFrame) -> set[str]:
    return set(result.loc[~result["suppressed"], "group_key"])


def reasons(result: pd.DataFrame) -> dict[str, str | None]:
    return dict(zip(result["group_key"], result["suppression_reason"], strict=True))


def test_organisation_cut_minus_the_other_departments_cuts():
    # Sales' Austin cut holds 4 people: the organisation's Austin cut minus the other
    # departments' Austin cuts is that cut, although no department alone reveals it
    cells = {("<1y", "Austin"): 2, ("1-3y", "Austin"): 2, ("<1y", "Berlin"): 20}
    big = {("<1y", "Austin"): 12, ("1-3y", "Austin"): 11, ("<1y", "Berlin"): 15}
    groups, atoms = build(
        {"S1": cells, "F1": big, "F2": big, "O1": big, "O2": big},
        {"Sales": ["S1"], "Finance": ["F1", "F2"], "Ops": ["O1", "O2"]},
        cuts=True,
    )
    result = protect(groups, atoms, K)
    decided = reasons(result)
    assert decided["dept:Sales|location:Austin"] == PRIMARY
    assert decided["org"] is None  # the organisation is never given up
    assert attack(groups, atoms, shown(result), K) == []
    assert result.attrs["confidentiality"]["exhaustive_search"] == "complete"
    # something published had to go: without it the organisation cut gives Sales' Austin away
    assert COMPLEMENTARY in decided.values()
    primary = protect(groups, atoms, K, complementary=False)
    assert attack(groups, atoms, shown(primary), K)


def test_lineage_across_departments_reveals_a_small_old_team():
    groups, atoms = build(
        {
            "A": {("<1y", "Berlin"): 3},
            "B": {("<1y", "Berlin"): 9},
            "C": {("<1y", "Berlin"): 8},
            "D": {("<1y", "Berlin"): 7},
            "E": {("<1y", "Berlin"): 12},
        },
        {"Sales": ["A", "C"], "Eng": ["B", "D", "E"]},
        lineage={"AB": ["A", "B"]},
    )
    result = protect(groups, atoms, K)
    assert reasons(result)["team:A"] == PRIMARY
    assert attack(groups, atoms, shown(result), K) == []
    primary = protect(groups, atoms, K, complementary=False)
    leaks = attack(groups, atoms, shown(primary), K)
    assert any(leak["atoms"] == frozenset({("A", "<1y", "Berlin")}) for leak in leaks)


def many_departments(seed: int, departments: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Departments of 1-5 teams of 1-25 respondents with cuts, and lineage across them."""
    rng = np.random.default_rng(seed)
    cells = [(b, loc) for b in ("<1y", "1-3y", "3y+") for loc in ("Austin", "Berlin")]
    teams, depts = {}, {}
    for d in range(departments):
        names = [f"D{d}T{t}" for t in range(int(rng.integers(1, 6)))]
        depts[f"D{d}"] = names
        for team in names:
            counts = rng.multinomial(int(rng.integers(1, 26)), rng.dirichlet(np.ones(6)))
            teams[team] = {cell: int(n) for cell, n in zip(cells, counts, strict=True) if n}
    team_names = sorted(teams)
    lineage = {}
    for i in range(3):
        a, b = rng.choice(len(team_names), size=2, replace=False)
        lineage[f"L{i}"] = [team_names[a], team_names[b]]
    return build(teams, depts, cuts=True, lineage=lineage)


def test_many_departments_with_cuts_and_lineage():
    for seed in range(4):
        groups, atoms = many_departments(seed)
        result = protect(groups, atoms, K)
        audit = result.attrs["confidentiality"]
        assert audit["exhaustive_search"] == "complete", seed
        assert audit["units"] > 1, seed  # protected department by department
        assert reasons(result)["org"] != COMPLEMENTARY, seed
        assert attack(groups, atoms, shown(result), K) == [], f"seed {seed}"
        # the same decision whatever the order of the input rows
        shuffled = groups.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        again = protect(shuffled, atoms, K)
        assert reasons(again) == reasons(result), seed
