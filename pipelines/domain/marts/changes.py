"""Change between consecutive waves, following team lineage.

A team's earlier figure is the union of the teams that became it (from the
lineage map); without lineage, the team with the same name. Sufficient
statistics add up over disjoint teams, so the union needs no respondent rows.
People who answered both waves are paired (their sums come from
`int_paired_measure_sums`), and each group's constructs are one
Benjamini–Hochberg family: docs/change-detection.md gives the calibration.
"""

from __future__ import annotations

import pandas as pd

from pipelines.domain import stats
from pipelines.domain.config.settings import DEFAULT_K
from pipelines.domain.config.waves import wave_order

CHANGE_LEVELS = ("team", "department", "org")
CONSTRUCT_EXCLUDE = ("leadership_index", "management_index")
PAIR_SUMS = ("n_paired", "pair_sum_earlier", "pair_sum_later", "pair_sum_sq_earlier",
             "pair_sum_sq_later", "pair_cross")


def predecessors(lineage: pd.DataFrame, to_wave: str, team: str, teams_before: set[str]) -> list[str]:
    """The teams of the earlier wave whose people now form `team`."""
    if not lineage.empty:
        rows = lineage[(lineage["effective_wave_id"] == to_wave) & (lineage["to_team_id"] == team)]
        if not rows.empty:
            return sorted(set(rows["from_team_id"]) & teams_before)
    return [team] if team in teams_before else []


def wave_pairs(waves: list[str]) -> list[tuple[str, str]]:
    """Consecutive waves, in the one wave order."""
    ordered = wave_order(waves)
    return list(zip(ordered, ordered[1:], strict=False))


def oriented_pairs(paired: pd.DataFrame | None) -> pd.DataFrame:
    """`int_paired_measure_sums` (waves a < b as strings) as earlier → later, both ways.

    Each row appears once as (from_wave = a, to_wave = b) and once swapped, so a
    lookup by the consecutive waves of the one wave order finds it either way.
    """
    columns = ["from_wave", "to_wave", "group_level", "group_id", "from_group_id", "measure",
               *PAIR_SUMS]
    if paired is None or paired.empty:
        return pd.DataFrame(columns=columns)
    forward = paired.rename(columns={
        "wave_a": "from_wave", "wave_b": "to_wave", "group_a": "from_group_id", "group_b": "group_id",
        "pair_sum_a": "pair_sum_earlier", "pair_sum_b": "pair_sum_later",
        "pair_sum_sq_a": "pair_sum_sq_earlier", "pair_sum_sq_b": "pair_sum_sq_later"})
    backward = paired.rename(columns={
        "wave_b": "from_wave", "wave_a": "to_wave", "group_b": "from_group_id", "group_a": "group_id",
        "pair_sum_b": "pair_sum_earlier", "pair_sum_a": "pair_sum_later",
        "pair_sum_sq_b": "pair_sum_sq_earlier", "pair_sum_sq_a": "pair_sum_sq_later"})
    return pd.concat([forward[columns], backward[columns]], ignore_index=True)


def _pair_index(paired: pd.DataFrame | None) -> dict[tuple, list[tuple]]:
    """(from_wave, to_wave, level, group, measure) -> [(from_group_id, sums...)], built in one
    pass over the rows (a frame per key cost minutes at 100k respondents)."""
    if paired is None or paired.empty:
        return {}
    keys = ["from_wave", "to_wave", "group_level", "group_id", "measure"]
    index: dict[tuple, list[tuple]] = {}
    for row in paired[[*keys, "from_group_id", *PAIR_SUMS]].itertuples(index=False, name=None):
        index.setdefault(row[:5], []).append(row[5:])
    return index


def _pair_sums(index: dict[tuple, list[tuple]], key: tuple, sources: list[str],
               min_pairs: int) -> list[float]:
    """The pairs' sums over the earlier groups `sources`; zeros when fewer than `min_pairs`."""
    wanted = set(sources)
    rows = [row[1:] for row in index.get(key, ()) if row[0] in wanted]
    sums = [float(sum(column)) for column in zip(*rows, strict=True)] if rows else []
    if not sums or sums[list(PAIR_SUMS).index("n_paired")] < min_pairs:
        return [0.0] * len(PAIR_SUMS)
    return sums


def team_changes(
    measure_stats: pd.DataFrame, lineage: pd.DataFrame, min_effect: float,
    paired: pd.DataFrame | None = None, min_pairs: int = DEFAULT_K,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tests for every group × construct and pair of consecutive waves.

    The test is the partially overlapping samples t-test with Hsu's conservative
    df (:func:`stats.overlap_t_from_sums`): `paired` holds the sums of the people
    who answered both waves (`int_paired_measure_sums`, as :func:`oriented_pairs`
    gives them: from_wave, to_wave, group_id, from_group_id, measure and the
    sums of PAIR_SUMS), used when at least
    `min_pairs` of them (the minimum group size) can be paired; otherwise the test
    is Welch's, still with the conservative df. Returns (changes, history_groups).
    `history_groups` lists, for the privacy check, each earlier-wave union of
    several teams that a change compares with.
    """
    pair_index = _pair_index(paired)
    data = measure_stats[
        measure_stats["group_level"].isin(CHANGE_LEVELS)
        & ~measure_stats["measure"].isin(CONSTRUCT_EXCLUDE)
    ]
    rows, history = [], []
    for from_wave, to_wave in wave_pairs(data["wave_id"].unique()):
        before = data[data["wave_id"] == from_wave].set_index(["group_level", "group_id", "measure"])
        after = data[data["wave_id"] == to_wave]
        teams_before = set(before.xs("team", level="group_level").index.get_level_values(0)) \
            if "team" in before.index.get_level_values(0) else set()
        for rec in after.itertuples(index=False):
            if rec.group_level == "team":
                sources = predecessors(lineage, to_wave, rec.group_id, teams_before)
            else:
                sources = [rec.group_id]
            parts = [before.loc[(rec.group_level, g, rec.measure)] for g in sources
                     if (rec.group_level, g, rec.measure) in before.index]
            if not parts:
                continue
            n1 = sum(p["n_respondents"] for p in parts)
            m1, v1 = stats.mean_var_from_sums(n1, sum(p["sum_score"] for p in parts),
                                              sum(p["sum_score_sq"] for p in parts))
            n2 = rec.n_respondents
            m2, v2 = stats.mean_var_from_sums(n2, rec.sum_score, rec.sum_score_sq)
            pairs = _pair_sums(pair_index, (from_wave, to_wave, rec.group_level, rec.group_id,
                                            rec.measure), sources, min_pairs)
            _, _, p_value = stats.overlap_t_from_sums(
                n1, sum(p["sum_score"] for p in parts), sum(p["sum_score_sq"] for p in parts),
                n2, rec.sum_score, rec.sum_score_sq, *pairs, conservative_df=True)
            history_id = rec.group_id if sources == [rec.group_id] else " + ".join(sources)
            if len(sources) > 1:
                history.append({"wave_id": from_wave, "group_id": history_id, "teams": sources})
            rows.append({
                "group_level": rec.group_level, "group_id": rec.group_id, "construct": rec.measure,
                "from_wave": from_wave, "to_wave": to_wave,
                "from_group_level": "lineage" if len(sources) > 1 else rec.group_level,
                "from_group_id": history_id,
                "delta": float(m2 - m1),
                "p_value": float(p_value),
                "hedges_g": float(stats.hedges_g_from_summary(m2, v2, n2, m1, v1, n1)),
                "n_paired": int(pairs[0]),
            })
    changes = pd.DataFrame(rows, columns=[
        "group_level", "group_id", "construct", "from_wave", "to_wave", "from_group_level",
        "from_group_id", "delta", "p_value", "hedges_g", "n_paired",
    ])
    return _call_changes(changes, min_effect), pd.DataFrame(history, columns=["wave_id", "group_id", "teams"])


def _call_changes(changes: pd.DataFrame, min_effect: float) -> pd.DataFrame:
    """BH within each family: one group's constructs for one pair of waves.

    That is what one reader reads (a team's page, a department's page), so a
    reader of an unchanged group sees a false flag at most 5 % of the time, and a
    team's real change is not diluted by every other team of the organisation.
    """
    if changes.empty:
        return changes.assign(q_value=pd.Series(dtype=float), change=pd.Series(dtype=str))
    parts = []
    for _, family in changes.groupby(["from_wave", "to_wave", "group_level", "group_id"], sort=True):
        parts.append(stats.detect_changes(family.copy(), min_effect=min_effect))
    return pd.concat(parts, ignore_index=True)
