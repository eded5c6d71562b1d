"""What the adversary of the attack test knows (groups as sets of atoms, from the org chart
and the roster) and the oracle's ground truth (per-atom sums), read from the state database
through the pipeline's own SQL models."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.domain.marts.models import run_models

CONSTRUCTS = ("trust", "empowerment", "clarity", "accountability")
ORG = "Organisation"


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
