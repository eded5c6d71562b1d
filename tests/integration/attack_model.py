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
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.domain.marts.models import run_models
from pipelines.domain.privacy import attack
from pipelines.domain.privacy.adversary import ExactSpan

CONSTRUCTS = ("trust", "empowerment", "clarity", "accountability")
INDICES = ("leadership_index", "management_index")
ORG = "Organisation"
NODE_BUDGET = 2_000_000

# Teams cut down to a few respondents, per wave: (team, respondents to keep). Chosen across all
# five departments and around the reorganisation (the merged "SMB Sales East" before the merge,
# the split-off "Platform Reliability" and the renamed "Technical Support" after it).
SHRINK: dict[str, dict[str, int]] = {
    "2025-11": {
        "SMB Sales East": 3,
        "Mobile": 4,
        "Billing": 1,
        "Renewals": 2,
        "Procurement": 3,
        "Community": 4,
    },
    "2026-05": {
        "Platform Reliability": 3,
        "Security": 2,
        "People Operations": 4,
        "Billing": 3,
        "Onboarding": 1,
        "Mid-Market Sales": 4,
        "Technical Support": 2,
    },
    "2026-11": {
        "Platform Reliability": 2,
        "Data Engineering": 4,
        "Mid-Market Sales": 3,
        "People Operations": 1,
        "Billing": 4,
        "Partnerships": 2,
    },
}


# --------------------------------------------------------------------------- the workspace


def shrink_teams(home: Path, plan: dict[str, dict[str, int]] = SHRINK) -> None:
    """Delete response rows from the raw exports so that the planned teams keep only the first
    few complete responses (by file order) of distinct respondents. Files stay valid: same
    encoding, BOM, line endings and header rows."""
    for wave_id, keep in plan.items():
        (path,) = sorted((home / "data" / "raw" / "surveys").glob(f"*/{wave_id}/*.csv"))
        raw = path.read_bytes()
        bom = raw.startswith(codecs.BOM_UTF8)
        text = raw.decode("utf-8-sig")
        newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = rows[0]
        if header[0] == "Timestamp":  # Google Forms: the team comes from the roster by email
            skip, email_col = 1, header.index("Email Address")
            roster = _roster_teams(home, wave_id)

            def team_of(row, roster=roster, email_col=email_col):
                return roster.get(row[email_col].strip().lower())

            def complete(row):
                return True
        else:  # Qualtrics: embedded-data team column, two or three header rows
            skip = 3 if rows[2] and rows[2][0].startswith("{") else 2
            email_col, team_col = header.index("RecipientEmail"), header.index("team")
            status, progress, finished = (
                header.index(c) for c in ("Status", "Progress", "Finished")
            )

            def team_of(row, team_col=team_col):
                return row[team_col].strip()

            def complete(row, s=status, p=progress, f=finished):
                return row[s] in ("IP Address", "0") and row[p] == "100" and row[f] in ("True", "1")

        kept: dict[str, set[str]] = defaultdict(set)
        out = rows[:skip]
        for row in rows[skip:]:
            team = team_of(row) if len(row) > email_col else None
            if team not in keep:
                out.append(row)
                continue
            who = row[email_col].strip().lower()
            if complete(row) and (who in kept[team] or len(kept[team]) < keep[team]):
                kept[team].add(who)
                out.append(row)
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator=newline).writerows(out)
        path.write_bytes((codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8"))


def _roster_teams(home: Path, wave_id: str) -> dict[str, str]:
    with (home / "data" / "raw" / "roster" / f"{wave_id}.csv").open(encoding="utf-8-sig") as f:
        return {r["email"].strip().lower(): r["team"].strip() for r in csv.DictReader(f)}


def set_options(home: Path, **options: object) -> None:
    """Set top-level keys of tandem.yaml (replacing the default lines)."""
    path = home / "tandem.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for key, value in options.items():
        rendered = f"{key}: {_yaml(value)}"
        hits = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
        if hits:
            lines[hits[0]] = rendered
        else:
            lines.append(rendered)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


# --------------------------------------------------------------------------- the structure


@dataclass
class Structure:
    """What the adversary knows (groups as atom sets) and the oracle's ground truth."""

    groups: dict[str, dict[str, frozenset]]  # wave -> group_key -> atoms with respondents
    info: dict[str, dict[str, tuple]]  # wave -> group_key -> (level, group_id, parent_group_id)
    roster_groups: dict[str, dict[str, frozenset]]  # wave -> team/department/org -> roster cells
    truth: dict[str, dict[str, Counter]]  # wave -> figure -> atom -> total
    teams: dict[str, dict[str, int]]  # wave -> team -> respondents

    def counts(self, wave: str, name: str) -> dict[str, int]:
        """Respondents behind one kind of figure, per atom (all atoms, zeros included)."""
        atoms = self.truth[wave]["respondents"]
        return {a: int(self.truth[wave][name][a]) for a in atoms}


def read_structure(state_file: Path, sql_dir: Path) -> Structure:
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{state_file}' AS state (READ_ONLY)")
        run_models(con, sql_dir, "inputs")
        con.execute("""
            CREATE TEMP TABLE atom_of AS
            SELECT response_key, wave_id, enps_score, team_id,
                   coalesce(team_id, '(no team)') || ' | ' || tenure_band || ' | ' || location
                       AS atom_id
            FROM int_respondents""")
        group_atoms = con.execute("SELECT * FROM int_group_atoms ORDER BY ALL").df()
        sizes = con.execute(
            "SELECT wave_id, group_level, group_id, parent_group_id FROM int_group_sizes"
        ).df()
        per_atom = con.execute("""
            SELECT wave_id, atom_id, count(*) AS respondents, count(enps_score) AS n_enps,
                   count(*) FILTER (WHERE enps_score >= 9) AS promoters,
                   count(*) FILTER (WHERE enps_score BETWEEN 7 AND 8) AS passives,
                   count(*) FILTER (WHERE enps_score <= 6) AS detractors
            FROM atom_of GROUP BY ALL""").df()
        measures = con.execute("""
            SELECT a.wave_id, a.atom_id, m.measure, count(*) AS n, sum(m.score_0_100) AS total,
                   sum(m.n_favorable) AS favorable, sum(m.n_answered) AS answers
            FROM atom_of a JOIN int_respondent_measures m USING (wave_id, response_key)
            GROUP BY ALL""").df()
        complete = con.execute(f"""
            SELECT a.wave_id, a.atom_id, count(*) AS n
            FROM atom_of a
            WHERE a.enps_score IS NOT NULL AND (
                SELECT count(*) FROM int_respondent_measures m
                WHERE m.response_key = a.response_key AND m.measure IN {CONSTRUCTS}) = 4
            GROUP BY ALL""").df()
        roster = con.execute("""
            SELECT wave_id, team_id, department_id,
                   team_id || ' | ' || tenure_band || ' | ' || location AS cell, count(*) AS n
            FROM int_roster_by_wave
            WHERE wave_id IN (SELECT DISTINCT wave_id FROM int_respondents) GROUP BY ALL""").df()
        lineage = con.execute("SELECT * FROM stg_lineage").df()
        teams = con.execute(
            "SELECT wave_id, team_id, count(*) FROM int_respondents "
            "WHERE team_id IS NOT NULL GROUP BY ALL"
        ).fetchall()
    finally:
        con.close()

    groups: dict = defaultdict(dict)
    info: dict = defaultdict(dict)
    parents = {
        (r.wave_id, r.group_level, r.group_id): r.parent_group_id
        for r in sizes.itertuples(index=False)
    }
    for (wave, level, gid), part in group_atoms.groupby(["wave_id", "group_level", "group_id"]):
        key = f"{level}|{gid}"
        groups[wave][key] = frozenset(part["atom_id"])
        parent = parents.get((wave, level, gid))
        info[wave][key] = (level, gid, None if pd.isna(parent) else parent)
    for wave, key, atoms in lineage_groups(lineage, groups):
        groups[wave][key] = atoms
        info[wave][key] = ("lineage", key.split("|", 1)[1], None)

    truth: dict = defaultdict(lambda: defaultdict(Counter))
    for r in per_atom.itertuples(index=False):
        for name in ("respondents", "n_enps", "promoters", "passives", "detractors"):
            truth[r.wave_id][name][r.atom_id] = int(getattr(r, name))
    for r in measures.itertuples(index=False):
        t = truth[r.wave_id]
        t[f"{r.measure}:n"][r.atom_id] = int(r.n)
        t[f"{r.measure}:sum"][r.atom_id] = float(r.total)
        if not pd.isna(r.answers):
            t[f"{r.measure}:favorable"][r.atom_id] = int(r.favorable)
            t[f"{r.measure}:answers"][r.atom_id] = int(r.answers)
    for r in complete.itertuples(index=False):
        truth[r.wave_id]["drivers:n"][r.atom_id] = int(r.n)
    roster_groups: dict = defaultdict(lambda: defaultdict(set))
    for r in roster.itertuples(index=False):
        truth[r.wave_id]["headcount"][r.cell] = int(r.n)
        roster_groups[r.wave_id][f"team|{r.team_id}"].add(r.cell)
        roster_groups[r.wave_id][f"department|{r.department_id}"].add(r.cell)
        roster_groups[r.wave_id][f"org|{ORG}"].add(r.cell)
    team_sizes: dict = defaultdict(dict)
    for wave, team, n in teams:
        team_sizes[wave][team] = int(n)
    return Structure(
        groups={w: dict(g) for w, g in groups.items()},
        info={w: dict(i) for w, i in info.items()},
        roster_groups={
            w: {k: frozenset(v) for k, v in g.items()} for w, g in roster_groups.items()
        },
        truth={w: dict(t) for w, t in truth.items()},
        teams=dict(team_sizes),
    )


def lineage_groups(lineage: pd.DataFrame, groups: dict) -> list[tuple[str, str, frozenset]]:
    """Earlier-wave unions of the teams that became one later team (as the changes compare)."""
    waves = sorted(groups)
    out = []
    for earlier, later in zip(waves, waves[1:], strict=False):
        rows = lineage[lineage["effective_wave_id"] == later]
        for _, part in rows.groupby("to_team_id"):
            sources = sorted(t for t in set(part["from_team_id"]) if f"team|{t}" in groups[earlier])
            if len(sources) > 1:
                atoms = frozenset().union(*(groups[earlier][f"team|{t}"] for t in sources))
                out.append((earlier, "lineage|" + " + ".join(sources), atoms))
    return out


# --------------------------------------------------------------------------- the equations


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


# --------------------------------------------------------------------------- checking the equations


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


# --------------------------------------------------------------------------- the attack


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


class SmallSpace:
    """W: the derivable vectors (row space of the published groups) that vanish on every atom
    with k or more respondents. Every set of atoms holding 1..k-1 respondents lies in W when
    its total is derivable (and only then).

    Exact Gauss-Jordan elimination over the rationals, with the atoms of k or more respondents
    as the first columns: the reduced rows whose pivot lies among the small atoms span W, and a
    vector of W is the sum of those rows weighted by its own values on their pivots."""

    def __init__(self, rows: list[frozenset], counts: dict[str, int], k: int) -> None:
        self.k = k
        big = sorted(a for a, n in counts.items() if n >= k)
        small = sorted(a for a, n in counts.items() if 0 < n < k)
        self.order = big + small
        self.column = {a: i for i, a in enumerate(self.order)}
        self.n_of = [counts[a] for a in self.order]
        pivots: dict[int, dict[int, Fraction]] = {}
        for row in rows:
            vector = {self.column[a]: Fraction(1) for a in row if a in self.column}
            for col in sorted(pivots):
                factor = vector.get(col)
                if factor:
                    _subtract(vector, factor, pivots[col])
            if not vector:
                continue
            lead = min(vector)
            scale = vector[lead]
            vector = {c: v / scale for c, v in vector.items()}
            for other in pivots.values():
                factor = other.get(lead)
                if factor:
                    _subtract(other, factor, vector)
            pivots[lead] = vector
        self.rank = len(pivots)
        self.basis = [(p, pivots[p]) for p in sorted(pivots) if p >= len(big)]
        self.rows = dict(self.basis)

    def contains(self, atoms: frozenset) -> bool:
        """True if the total of `atoms` (all small, with respondents) is derivable."""
        target = {self.column[a] for a in atoms}
        total: dict[int, Fraction] = {}
        for col in target & set(self.rows):
            for c, v in self.rows[col].items():
                total[c] = total.get(c, Fraction(0)) + v
        return {c for c, v in total.items() if v} == target and all(
            v == 1 for v in total.values() if v
        )

    def small_sets(self, budget: int = NODE_BUDGET) -> tuple[list[frozenset], bool]:
        """Every set of 1..k-1 respondents in W: a depth-first search over the subsets T of
        basis rows whose pivot atoms alone hold fewer than k respondents, pruned as soon as a
        column that no later row touches is outside {0, 1} or the fixed 1s reach k.
        Returns (sets, complete)."""
        basis, n_of, k = self.basis, self.n_of, self.k
        last_touch: dict[int, int] = {}
        for i, (_, row) in enumerate(basis):
            for c in row:
                last_touch[c] = i
        found: list[frozenset] = []
        nodes = 0

        def dfs(start: int, total: dict[int, Fraction], pivot_n: int) -> bool:
            nonlocal nodes
            for i in range(start, len(basis)):
                nodes += 1
                if nodes > budget:
                    return False
                p, row = basis[i]
                if pivot_n + n_of[p] >= k:
                    continue
                new = dict(total)
                _subtract(new, Fraction(-1), row)
                fixed = [(c, v) for c, v in new.items() if last_touch[c] <= i]
                if any(v not in (0, 1) for _, v in fixed):
                    continue
                if sum(n_of[c] for c, v in fixed if v == 1) >= k:
                    continue
                if all(v == 1 for v in new.values()):
                    n = sum(n_of[c] for c in new)
                    if 0 < n < k:
                        found.append(frozenset(self.order[c] for c in new))
                if not dfs(i + 1, new, pivot_n + n_of[p]):
                    return False
            return True

        complete = dfs(0, {}, 0)
        return sorted(set(found), key=lambda s: (len(s), sorted(s))), complete


def _subtract(target: dict, factor: Fraction, row: dict) -> None:
    """target -= factor x row, dropping zeros."""
    for c, v in row.items():
        new = target.get(c, Fraction(0)) - factor * v
        if new:
            target[c] = new
        else:
            target.pop(c, None)


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
