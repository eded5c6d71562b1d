"""Disclosure protection (`privacy.protect`): time against the number of groups.

    .venv/bin/python benchmarks/scale_privacy.py [--teams 1000,10000,60000] [--k 5]
        [--seed 16] [--attack-max-teams 300] [--json OUT]

For each size it generates one synthetic wave with the shape of Tandem's groups: teams of
3 to 30 people (85 % answer) in departments of about ten teams (so departments are ~10 % of
the teams), every respondent in one of 5 tenure bands and 3 locations; atoms are team x band
x location; the groups are the teams, the departments, each department's band and location
cuts, the organisation, its band and location cuts, and lineage groups (one per 200 teams,
two old teams of different departments). It times `protect(groups, atoms, k)` (wall and CPU
seconds), prints the rounds, suppressions and whether the exhaustive search completed, and
the exponent e of t ∝ groups^e between consecutive sizes. At sizes up to
--attack-max-teams it also runs the exact adversary (`privacy.attack`) on the result and
reports what it finds (it must be nothing). Nothing here is a test: it measures and reports.

OpenBLAS runs with one thread unless OPENBLAS_NUM_THREADS says otherwise: protect() does
thousands of small eigen-decompositions, and on a loaded 2-core machine two OpenBLAS threads
made a 70 x 70 `eigh` take 40-390 ms instead of 0.5 ms (measured while writing this script).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipelines.domain.privacy import attack, protect  # noqa: E402

BANDS = ("<6m", "6m-1y", "1-3y", "3-5y", "5y+")
LOCATIONS = ("Berlin", "London", "Remote")


def synthetic_wave(teams: int, seed: int = 16) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    dept_of = np.sort(rng.integers(0, max(1, teams // 10), size=teams))
    sizes = rng.binomial(rng.integers(3, 31, size=teams), 0.85)
    cells = len(BANDS) * len(LOCATIONS)
    weights = rng.dirichlet(np.full(cells, 0.8), size=teams)
    counts = np.array([rng.multinomial(n, w) for n, w in zip(sizes, weights, strict=True)])
    team_i, cell_i = np.nonzero(counts)
    atom_ids = [f"T{t}|{c}" for t, c in zip(team_i.tolist(), cell_i.tolist(), strict=True)]
    atoms = pd.DataFrame({"atom_id": atom_ids, "n": counts[team_i, cell_i]})
    band_i, loc_i = cell_i // len(LOCATIONS), cell_i % len(LOCATIONS)
    frame = pd.DataFrame({"atom": atom_ids, "team": team_i, "dept": dept_of[team_i],
                          "band": band_i, "loc": loc_i, "n": atoms["n"]})
    rows = []

    def add(level, gid, parent, part: pd.DataFrame) -> None:
        rows.append({"group_key": f"{level}|{gid}", "group_level": level, "group_id": gid,
                     "parent_group_id": parent, "n": int(part["n"].sum()),
                     "atoms": tuple(part["atom"])})

    add("org", "org", None, frame)
    for b in range(len(BANDS)):
        add("tenure_band", f"org|{BANDS[b]}", "org", frame[frame["band"] == b])
    for loc in range(len(LOCATIONS)):
        add("location", f"org|{LOCATIONS[loc]}", "org", frame[frame["loc"] == loc])
    for d, part in frame.groupby("dept", sort=True):
        add("department", f"D{d}", "org", part)
        for b, cut in part.groupby("band", sort=True):
            add("tenure_band", f"D{d}|{BANDS[b]}", f"D{d}", cut)
        for loc, cut in part.groupby("loc", sort=True):
            add("location", f"D{d}|{LOCATIONS[loc]}", f"D{d}", cut)
    for t, part in frame.groupby("team", sort=True):
        add("team", f"T{t}", f"D{dept_of[t]}", part)
    for i in range(max(1, teams // 200)):
        a, b = rng.choice(teams, size=2, replace=False)
        add("lineage", f"L{i}", None, frame[frame["team"].isin([a, b])])
    return pd.DataFrame(rows), atoms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", default="1000,10000,60000")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--attack-max-teams", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for teams in (int(t) for t in args.teams.split(",")):
        groups, atoms = synthetic_wave(teams, args.seed)
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = protect(groups, atoms, args.k)
        wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
        audit = result.attrs["confidentiality"]
        row = {"teams": teams, "groups": len(groups), "atoms": len(atoms),
               "atoms_below_k": int((atoms["n"] < args.k).sum()),
               "respondents": int(atoms["n"].sum()), "wall_s": wall, "cpu_s": cpu,
               "peak_rss_mib_so_far": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "rounds": audit["rounds"], "search": audit["exhaustive_search"],
               "units": audit.get("units"), "coupled_departments": audit.get("coupled_departments"),
               "primary": int((result["suppression_reason"] == "fewer_than_k_respondents").sum()),
               "complementary": int(
                   (result["suppression_reason"] == "complementary_suppression").sum())}
        if teams <= args.attack_max_teams:
            shown = result.loc[~result["suppressed"], "group_key"]
            row["attack_findings"] = len(attack(groups, atoms, shown, args.k))
        rows.append(row)
        print(f"{teams:>6,} teams, {row['groups']:>7,} groups, {row['atoms']:>7,} atoms"
              f" ({row['atoms_below_k']:,} below k): {wall:8.2f} s wall, {cpu:8.2f} s CPU;"
              f" {row['rounds']} rounds, {row['primary']:,} primary and"
              f" {row['complementary']:,} complementary suppressions, search {row['search']},"
              f" {row['units']} units, {row['coupled_departments']} departments linked;"
              f" peak RSS so far {row['peak_rss_mib_so_far']:,.0f} MiB"
              + (f", attack finds {row['attack_findings']}" if "attack_findings" in row else ""),
              flush=True)
    for a, b in zip(rows, rows[1:], strict=False):
        e = math.log(b["cpu_s"] / a["cpu_s"]) / math.log(b["groups"] / a["groups"])
        print(f"exponent of CPU time against groups, {a['teams']:,} -> {b['teams']:,} teams:"
              f" {e:.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
