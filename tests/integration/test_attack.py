"""An attack test with a specified adversary, on real published marts (docs/confidentiality.md).

One demo workspace with many small teams (rows deleted from the raw exports so that six or
seven more teams per wave keep 1-4 respondents), demographic cuts and the planted
reorganisation (split, merge, rename) is run twice through every Dagster asset, from copies of
the same inputs and key: with differencing protection (the default) and with
`differencing_protection: false`. The adversary (tests/integration/attack_model.py) writes every
published count and sum of the marts as a linear equation over the unknown per-atom totals and
looks for any total below k that the equations determine. It must find none with protection on,
and it must find some with protection off, so the test can fail.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.integration.attack_equations import (
    Equation,
    check_equations,
    families,
    family_count,
    read_published,
)
from tests.integration.attack_model import AttackResult, recovered_value, run_attack
from tests.integration.attack_structure import Structure, read_structure
from tests.integration.attack_workspace import SHRINK, set_options, shrink_teams
from tests.integration.conftest import materialize_all, new_workspace

K = 5
SQL_DIR = Path(__file__).resolve().parents[2] / "sql"


@dataclass
class Run:
    home: Path
    structure: Structure
    equations: list[Equation]
    decisions: dict
    attack: AttackResult
    seconds: dict


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    base = tmp_path_factory.mktemp("attack")
    protected, unprotected = base / "protected", base / "unprotected"
    new_workspace(protected)
    set_options(protected, min_group_size=K, team_reports=False, report_formats=["html"])
    shrink_teams(protected)
    shutil.copytree(protected, unprotected)  # same exports, roster, lineage and key file
    set_options(unprotected, differencing_protection=False)
    out = {}
    for name, home in (("on", protected), ("off", unprotected)):
        started = time.perf_counter()
        result = materialize_all(home)
        assert result.success, f"the pipeline run with protection {name} failed"
        piped = time.perf_counter()
        structure = read_structure(home / "data" / "state" / "state.duckdb", SQL_DIR)
        equations, decisions = read_published(home / "data" / "marts" / "tandem.duckdb")
        attack = run_attack(structure, equations, K)
        out[name] = Run(
            home,
            structure,
            equations,
            decisions,
            attack,
            {
                "pipeline": piped - started,
                "attack": time.perf_counter() - piped,
            },
        )
    return out


def _small_groups(structure: Structure, wave: str) -> Counter:
    """Groups (teams, departments, cuts, lineage) and atoms with 1..k-1 respondents."""
    n = structure.truth[wave]["respondents"]
    out = Counter()
    for key, atoms in structure.groups[wave].items():
        if 0 < sum(n[a] for a in atoms) < K:
            out[key.split("|")[0]] += 1
    out["atom"] = sum(1 for v in n.values() if 0 < v < K)
    return out


def _named(run: Run, wave: str, atoms: frozenset) -> str:
    hits = [key for key, members in run.structure.groups[wave].items() if members == atoms]
    return hits[0] if hits else f"{len(atoms)} atoms"


def _term(weight, group: str) -> str:
    sign = "+" if weight > 0 else "-"
    return f"{sign} {group}" if abs(weight) == 1 else f"{sign} {abs(weight)} x {group}"


def test_the_workspace_has_many_small_teams_cuts_and_a_reorganisation(runs):
    on, off = runs["on"], runs["off"]
    for wave, plan in SHRINK.items():
        teams = on.structure.teams[wave]
        assert all(1 <= teams[t] < K for t in plan), {t: teams.get(t) for t in plan}
        assert sum(1 for n in teams.values() if n < K) >= 10, wave
        levels = Counter(key.split("|")[0] for key in on.structure.groups[wave])
        assert levels["tenure_band"] >= 20 and levels["location"] >= 20, levels
    assert "lineage|SMB Sales East + SMB Sales West" in on.structure.groups["2025-11"]
    # the two runs saw the same respondents in the same cells
    assert on.structure.truth.keys() == off.structure.truth.keys()
    for wave in on.structure.truth:
        assert on.structure.truth[wave]["respondents"] == off.structure.truth[wave]["respondents"]
        assert on.structure.groups[wave] == off.structure.groups[wave]


def test_every_published_figure_is_a_true_linear_equation(runs):
    """The adversary's equations are the real ones: each published count and sum equals the sum
    of the ground-truth per-atom totals over the group's atoms."""
    for run in runs.values():
        checked = check_equations(run.equations, run.structure)
        assert checked["checked"] > 3000
        assert not checked["wrong"], checked["wrong"][:5]


def test_no_shown_row_has_fewer_than_k_respondents(runs):
    counts = {
        "mart_participation": "respondents",
        "mart_enps": "n_respondents",
        "mart_team_construct_scores": "n_respondents",
        "mart_drivers": "n",
    }
    for run in runs.values():
        with duckdb.connect(
            str(run.home / "data" / "marts" / "tandem.duckdb"), read_only=True
        ) as con:
            for table, column in counts.items():
                low = con.execute(f"SELECT count(*) FROM {table} WHERE {column} < {K}").fetchone()
                assert low[0] == 0, table
                if table != "mart_drivers":  # drivers rows exist only for shown groups
                    hidden = con.execute(
                        f"SELECT count(*) FROM {table} WHERE suppressed AND {column} IS NOT NULL"
                    ).fetchone()
                    assert hidden[0] == 0, table
        # figures that show no count (indices, earlier-wave lineage means) rest on k or more too
        for e in run.equations:
            atoms = run.structure.groups[e.wave][e.group_key]
            truth = run.structure.truth[e.wave]
            for rule in ("respondents", family_count(e.family)):
                assert sum(truth[rule][a] for a in atoms) >= K, (e, rule)


def test_with_protection_no_total_below_k_is_determined(runs):
    on, off = runs["on"], runs["off"]
    reasons = {
        name: Counter(r for d in run.decisions.values() for r in d.values())
        for name, run in runs.items()
    }
    assert reasons["on"]["complementary_suppression"] > 0
    assert reasons["off"]["complementary_suppression"] == 0
    assert reasons["on"]["fewer_than_k_respondents"] == reasons["off"]["fewer_than_k_respondents"]
    assert off.attack.tests == on.attack.tests
    assert on.attack.tests >= 3 * 9 and on.attack.targets > 10_000
    assert on.attack.exhaustive_complete
    leaks = [
        (f.wave, f.family, f.rule, f.how, _named(on, f.wave, f.atoms), f.n, f.recovered_from)
        for f in on.attack.findings
    ]
    assert not leaks, leaks[:10]


def test_without_protection_the_same_adversary_recovers_totals_below_k(runs):
    off = runs["off"]
    assert off.attack.exhaustive_complete
    by_rule = [f for f in off.attack.findings if f.rule == "respondents"]
    leaked = {(f.wave, f.atoms) for f in by_rule}
    assert leaked, "the attack must be able to fail"
    named = {(w, _named(off, w, a)) for w, a in leaked}
    teams = {x for x in named if x[1].startswith("team|")}
    assert teams, "a small team's totals are recovered"
    assert ("2025-11", "team|SMB Sales East") in teams, "through the lineage group"
    # the recovered totals are the real ones
    figures = {
        "participation": ["respondents"],
        "enps": ["n_enps", "promoters", "detractors"],
        **{
            f"construct:{c}": [f"{c}:n", f"{c}:sum"]
            for c in ("trust", "empowerment", "clarity", "accountability")
        },
        "drivers": ["drivers:n"],
    }
    recovered = 0
    for f in by_rule:
        truth = off.structure.truth[f.wave]
        for figure in figures.get(f.family, []):
            value = recovered_value(f, off.equations, figure)
            if value is None:
                continue  # the derivation uses a figure shown in another form (a mean)
            expected = sum(truth[figure][a] for a in f.atoms)
            assert abs(value - expected) < 0.05 * max(1, f.n), (f.wave, f.family, figure)
            recovered += 1
    assert recovered > 0


def test_report(runs):
    """The measured figures (printed; run with -s to see them)."""
    lines = []
    for name, run in runs.items():
        reasons = Counter()
        for decisions in run.decisions.values():
            reasons.update(r or "published" for r in decisions.values())
        fam = families(run.equations)
        lineage = {(w, g) for (w, _), keys in fam.items() for g in keys if g.startswith("lineage|")}
        reasons["published lineage"] = len(lineage)
        published_rows = sum(len(v) for v in fam.values())
        leaked = {(f.wave, f.atoms) for f in run.attack.findings if f.rule == "respondents"}
        leaked_any = {(f.wave, f.atoms) for f in run.attack.findings}
        lines.append(
            f"protection {name}: groups {dict(reasons)}; published rows {published_rows} in "
            f"{len(fam)} (wave, family) systems; equations {run.attack.equations}; rank tests "
            f"{run.attack.tests}; candidate targets {run.attack.targets} "
            f"({len(run.attack.distinct_targets)} distinct); exhaustive search "
            f"{'complete' if run.attack.exhaustive_complete else 'partial'}; sets below k "
            f"determined: {len(leaked)} (respondent rule), {len(leaked_any)} (any rule); "
            f"pipeline {run.seconds['pipeline']:.0f} s, attack {run.seconds['attack']:.0f} s"
        )
        if name == "off":
            names = Counter(_named(run, w, a).split("|")[0] for w, a in leaked)
            lines.append(f"  leaked sets by kind: {dict(names)}")
            shown = set()
            for f in sorted(run.attack.findings, key=lambda f: (f.how != "attack", f.wave, f.n)):
                label = _named(run, f.wave, f.atoms)
                if label.startswith("team|") and label not in shown and len(shown) < 3:
                    shown.add(label)
                    lines.append(
                        f"  e.g. {f.wave} {label} ({f.n} respondents, {f.family}) = "
                        + " ".join(_term(w, g) for g, w in sorted(f.recovered_from.items()))
                    )
    for wave in sorted(runs["on"].structure.groups):
        lines.append(f"{wave}: below k: {dict(_small_groups(runs['on'].structure, wave))}")
    print("\n" + "\n".join(lines))
    assert lines
