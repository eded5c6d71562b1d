"""Turn the SQL group sizes into the confidentiality step's input, per wave.

Every published total is a sum over atoms (team x tenure band x location), so
each group is handed to `privacy.protect` as its set of atoms. The teams that
together form a reorganised team's history are a group of their own in the
earlier wave, because a trend against them publishes their combined figure.
"""

from __future__ import annotations

import pandas as pd

from pipelines.domain.privacy import protect

COLUMNS = ["wave_id", "group_level", "group_id", "suppressed", "suppression_reason"]


def suppression_table(
    sizes: pd.DataFrame, group_atoms: pd.DataFrame, history: pd.DataFrame, k: int,
    complementary: bool = True,
) -> pd.DataFrame:
    parts = []
    for wave_id, wave_sizes in sizes.groupby("wave_id", sort=True):
        wave_atoms = group_atoms[group_atoms["wave_id"] == wave_id]
        groups = _groups(wave_sizes, wave_atoms, history[history["wave_id"] == wave_id])
        atoms = (
            wave_atoms[wave_atoms["group_level"] == "org"][["atom_id", "n"]]
            .sort_values("atom_id").reset_index(drop=True)
        )
        decided = protect(groups, atoms, k, complementary=complementary)
        merged = groups[["group_key", "group_level", "group_id"]].merge(decided, on="group_key")
        merged.insert(0, "wave_id", wave_id)
        parts.append(merged[COLUMNS])
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True).sort_values(COLUMNS[:3]).reset_index(drop=True)


def _groups(sizes: pd.DataFrame, atoms: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    atom_sets = (
        atoms.groupby(["group_level", "group_id"], sort=True)["atom_id"]
        .agg(lambda s: tuple(sorted(s))).rename("atoms").reset_index()
    )
    groups = sizes[["group_level", "group_id", "parent_group_id", "n_respondents"]].merge(
        atom_sets, on=["group_level", "group_id"], how="left"
    ).rename(columns={"n_respondents": "n"})
    team_atoms = dict(zip(
        atom_sets.loc[atom_sets["group_level"] == "team", "group_id"],
        atom_sets.loc[atom_sets["group_level"] == "team", "atoms"], strict=True,
    ))
    team_n = dict(zip(
        sizes.loc[sizes["group_level"] == "team", "group_id"],
        sizes.loc[sizes["group_level"] == "team", "n_respondents"], strict=True,
    ))
    extra = []
    for rec in history.drop_duplicates("group_id").itertuples(index=False):
        members = [t for t in rec.teams if t in team_atoms]
        extra.append({
            "group_level": "lineage", "group_id": rec.group_id, "parent_group_id": None,
            "n": int(sum(team_n[t] for t in members)),
            "atoms": tuple(sorted(a for t in members for a in team_atoms[t])),
        })
    groups = pd.concat([groups, pd.DataFrame(extra, columns=groups.columns)], ignore_index=True)
    groups.insert(0, "group_key", groups["group_level"] + "|" + groups["group_id"])
    return groups
