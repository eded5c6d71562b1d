"""The published marts as the adversary of the attack test reads them: every non-NULL count
and sum as a linear equation over the unknown per-atom totals, grouped in families of
figures published or hidden together; and the check that each equation holds against the
ground truth."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from tests.integration.attack_structure import Structure

INDICES = ("leadership_index", "management_index")


@dataclass(frozen=True)
class Equation:
    """One published figure: sum over the group's atoms of the unknown `figure` = value.
    value None: the figure is published in another form (a share or a mean of a count the
    mart does not show); the adversary is credited with the sum itself."""

    wave: str
    family: str  # figures published or hidden together (one mart row)
    group_key: str
    figure: str
    value: float | None


def read_published(marts_file: Path) -> tuple[list[Equation], dict]:
    """Every non-NULL figure of the marts, as equations; and the groups' decisions."""
    with duckdb.connect(str(marts_file), read_only=True) as con:
        frames = {
            name: con.execute(f"SELECT * FROM {name}").df()
            for name in (
                "mart_participation",
                "mart_enps",
                "mart_team_construct_scores",
                "mart_team_balance",
                "mart_team_changes",
                "mart_drivers",
            )
        }
    eqs: list[Equation] = []

    def add(wave, family, key, figures):
        eqs.extend(Equation(wave, family, key, f, v) for f, v in figures.items())

    for r in frames["mart_participation"].itertuples(index=False):
        if not pd.isna(r.respondents):
            add(
                r.wave_id,
                "participation",
                f"{r.group_level}|{r.group_id}",
                {
                    "respondents": float(r.respondents),
                    "headcount": None if pd.isna(r.headcount) else float(r.headcount),
                },
            )
    for r in frames["mart_enps"].itertuples(index=False):
        if not pd.isna(r.n_respondents):
            n = float(r.n_respondents)
            add(
                r.wave_id,
                "enps",
                f"{r.group_level}|{r.group_id}",
                {
                    "n_enps": n,
                    "promoters": round(r.promoters * n),
                    "passives": round(r.passives * n),
                    "detractors": round(r.detractors * n),
                },
            )
    scores = frames["mart_team_construct_scores"]
    later_score = {}
    for r in scores.itertuples(index=False):
        if not pd.isna(r.n_respondents):
            key = f"{r.group_level}|{r.group_id}"
            later_score[(r.wave_id, key, r.construct)] = r.score_0_100
            n = float(r.n_respondents)
            add(
                r.wave_id,
                f"construct:{r.construct}",
                key,
                {
                    f"{r.construct}:n": n,
                    f"{r.construct}:sum": r.score_0_100 * n,
                    f"{r.construct}:favorable": None,
                    f"{r.construct}:answers": None,
                },
            )
    for r in frames["mart_team_changes"].itertuples(index=False):
        if pd.isna(r.delta):
            continue
        later = f"{r.group_level}|{r.group_id}"
        if r.from_group_id == r.group_id:
            earlier = later
        elif " + " in r.from_group_id:
            earlier = f"lineage|{r.from_group_id}"
        else:
            earlier = f"{r.group_level}|{r.from_group_id}"
        # The earlier group's mean is the later mean minus delta; its n is not shown, but the
        # adversary is credited with n and n x mean (the p-value and g carry n).
        add(
            r.from_wave,
            f"construct:{r.construct}",
            earlier,
            {
                f"{r.construct}:n": None,
                f"{r.construct}:sum": None,
                f"{r.construct}:mean_from_change": later_score.get(
                    (r.to_wave, later, r.construct), float("nan")
                )
                - r.delta,
            },
        )
    for r in frames["mart_team_balance"].itertuples(index=False):
        key = f"{r.group_level}|{r.group_id}"
        for index in INDICES:
            if not pd.isna(getattr(r, index)):
                add(r.wave_id, f"index:{index}", key, {f"{index}:mean": getattr(r, index)})
    drivers = frames["mart_drivers"].drop_duplicates(["wave_id", "group_level", "group_id"])
    for r in drivers.itertuples(index=False):
        if not pd.isna(r.n):
            add(r.wave_id, "drivers", f"{r.group_level}|{r.group_id}", {"drivers:n": float(r.n)})
    decisions = _decisions(frames)
    return eqs, decisions


def _decisions(frames: dict) -> dict:
    """Per wave: group_key -> suppression_reason ('' = published), from the balance mart (one
    row per team, department, organisation and cut). Lineage groups show only through the
    changes mart, as an earlier-wave figure (see the equations)."""
    out: dict = defaultdict(dict)
    for r in frames["mart_team_balance"].itertuples(index=False):
        out[r.wave_id][f"{r.group_level}|{r.group_id}"] = (
            "" if pd.isna(r.suppression_reason) else r.suppression_reason
        )
    return out


def families(equations: list[Equation]) -> dict[tuple[str, str], set[str]]:
    """(wave, family) -> the published group keys of that family."""
    out: dict = defaultdict(set)
    for e in equations:
        out[(e.wave, e.family)].add(e.group_key)
    return dict(out)


def family_count(family: str) -> str:
    """Which respondents stand behind a family's figures (the figure-level k rule): eNPS
    answerers, respondents with a construct (or index) score, complete cases for drivers."""
    if family == "enps":
        return "n_enps"
    if family.startswith("construct:"):
        return f"{family.split(':')[1]}:n"
    if family.startswith("index:"):
        return f"{family.split(':')[1]}:n"
    if family == "drivers":
        return "drivers:n"
    return "respondents"


def check_equations(equations: list[Equation], structure: Structure) -> dict:
    """Every published figure must equal the ground-truth sum over its group's atoms."""
    checked, wrong = 0, []
    for e in equations:
        if e.value is None:
            continue
        truth = structure.truth[e.wave]
        if e.figure == "headcount":
            cells = structure.roster_groups[e.wave][e.group_key]
            expected, tol = sum(truth["headcount"][c] for c in cells), 0
        else:
            atoms = structure.groups[e.wave][e.group_key]
            name = e.figure
            if name.endswith(":mean") or name.endswith(":mean_from_change"):
                base = name.split(":")[0]
                n = sum(truth[f"{base}:n"][a] for a in atoms)
                expected = sum(truth[f"{base}:sum"][a] for a in atoms) / n
                tol = 2e-3 if name.endswith("change") else 1e-3
            else:
                expected = sum(truth[name][a] for a in atoms)
                tol = 1e-4 * max(1.0, sum(truth[family_count_of(name)][a] for a in atoms))
        checked += 1
        if not abs(expected - e.value) <= tol:  # NaN (a change without its later score) too
            wrong.append((e, expected))
    return {"checked": checked, "wrong": wrong}


def family_count_of(figure: str) -> str:
    return f"{figure.split(':')[0]}:n" if ":" in figure else "respondents"
