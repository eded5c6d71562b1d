"""Small organisations for the confidentiality tests: the groups protect() sees (the
organisation, departments, teams, optional tenure and location cuts of each department
and of the organisation, optional lineage groups), each as a set of atoms (team x tenure
band x location cells) with its respondents."""

from __future__ import annotations

import pandas as pd

Atom = tuple[str, str, str]  # (team, tenure_band, location)


def org_groups(
    atoms: dict[Atom, int],
    depts: dict[str, list[str]],
    cuts: bool = False,
    lineage: dict[str, list[str] | set[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(groups, atoms) frames: one group row per organisation, department, team (in the
    order of `atoms`), cut and lineage group; depts: dept -> teams; lineage: new -> old
    teams."""
    dept_of = {t: d for d, ts in depts.items() for t in ts}
    rows = []

    def add(key, level, gid, parent, members):
        members = tuple(members)
        rows.append(
            {
                "group_key": key,
                "group_level": level,
                "group_id": gid,
                "parent_group_id": parent,
                "n": sum(atoms[a] for a in members),
                "atoms": members,
            }
        )

    add("org", "org", "org", None, atoms)
    for d, ts in depts.items():
        add(f"dept:{d}", "department", d, "org", [a for a in atoms if a[0] in ts])
    for t in dict.fromkeys(a[0] for a in atoms):
        add(f"team:{t}", "team", t, dept_of[t], [a for a in atoms if a[0] == t])
    if cuts:
        bands = sorted({a[1] for a in atoms})
        locations = sorted({a[2] for a in atoms})
        for d in depts:
            for b in bands:
                add(
                    f"dept:{d}|tenure:{b}",
                    "tenure_band",
                    b,
                    d,
                    [a for a in atoms if dept_of[a[0]] == d and a[1] == b],
                )
            for loc in locations:
                add(
                    f"dept:{d}|location:{loc}",
                    "location",
                    loc,
                    d,
                    [a for a in atoms if dept_of[a[0]] == d and a[2] == loc],
                )
        for b in bands:
            add(f"org|tenure:{b}", "tenure_band", b, "org", [a for a in atoms if a[1] == b])
        for loc in locations:
            add(f"org|location:{loc}", "location", loc, "org", [a for a in atoms if a[2] == loc])
    for new, old in (lineage or {}).items():
        add(f"lineage:{new}", "lineage", new, None, [a for a in atoms if a[0] in old])
    atom_frame = pd.DataFrame({"atom_id": list(atoms), "n": list(atoms.values())})
    return pd.DataFrame(rows), atom_frame


def build(
    teams: dict[str, dict[tuple[str, str], int]],
    depts: dict[str, list[str]],
    cuts: bool = False,
    lineage: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """teams: team -> {(tenure_band, location): respondents}; depts: dept -> teams."""
    atoms = {(t, b, loc): n for t, cells in teams.items() for (b, loc), n in cells.items()}
    return org_groups(atoms, depts, cuts, lineage)
