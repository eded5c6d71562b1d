"""Group scores from the sufficient statistics that the SQL models compute.

Pure functions: pandas frames in, pandas frames out. Confidence level 95 %.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipelines.domain import stats
from pipelines.domain.stats.summary import (
    clustered_proportion_summary,
    enps_summary,
    mean_sd,
    t_interval_summary,
)

GROUP_KEYS = ["wave_id", "group_level", "group_id"]
SCORE_COLUMNS = [
    *GROUP_KEYS, "parent_group_id", "measure", "n_respondents", "score_0_100", "score_sd",
    "score_ci_low", "score_ci_high", "pct_favorable", "pct_neutral", "pct_unfavorable",
    "favorable_ci_low", "favorable_ci_high",
]
BALANCE_COLUMNS = [
    *GROUP_KEYS, "parent_group_id", "leadership_index", "leadership_ci_low", "leadership_ci_high",
    "management_index", "management_ci_low", "management_ci_high", "quadrant",
]


def group_scores(measure_stats: pd.DataFrame, item_variances: pd.DataFrame) -> pd.DataFrame:
    """Score, t-interval, % favourable/neutral/unfavourable with the clustered interval, rwg(j)."""
    rows = []
    for rec in measure_stats.itertuples(index=False):
        mean, sd = mean_sd(rec.n_respondents, rec.sum_score, rec.sum_score_sq)
        low, high = t_interval_summary(rec.n_respondents, mean, sd)
        row = {
            "wave_id": rec.wave_id, "group_level": rec.group_level, "group_id": rec.group_id,
            "parent_group_id": rec.parent_group_id, "measure": rec.measure,
            "n_respondents": int(rec.n_respondents), "score_0_100": mean, "score_sd": sd,
            "score_ci_low": _clip100(low), "score_ci_high": _clip100(high),
            "pct_favorable": math.nan, "pct_neutral": math.nan, "pct_unfavorable": math.nan,
            "favorable_ci_low": math.nan, "favorable_ci_high": math.nan,
        }
        if _present(rec.answers) and rec.answers > 0:
            p, p_low, p_high = clustered_proportion_summary(
                rec.n_respondents, rec.favorable, rec.answers, rec.sum_x_sq, rec.sum_x_m, rec.sum_m_sq
            )
            unfav = rec.unfavorable / rec.answers
            row.update(
                pct_favorable=100 * p, pct_unfavorable=100 * unfav,
                pct_neutral=100 * (1 - p - unfav),
                favorable_ci_low=100 * p_low, favorable_ci_high=100 * p_high,
            )
        rows.append(row)
    scores = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    if scores.empty:  # no accepted response: the same columns, no rows
        return scores.assign(rwg_j=pd.Series(dtype=float))
    rwg = item_variances.assign(
        rwg_j=[
            stats.rwg_j_from_mean_variance(v, int(j), int(a))
            for v, j, a in zip(
                item_variances["mean_item_variance"], item_variances["n_items"],
                item_variances["n_options"], strict=True,
            )
        ]
    )[[*GROUP_KEYS, "measure", "rwg_j"]]
    return scores.merge(rwg, on=[*GROUP_KEYS, "measure"], how="left")


def group_enps(sizes: pd.DataFrame) -> pd.DataFrame:
    """eNPS per group from promoter, passive and detractor counts."""
    rows = []
    for rec in sizes.itertuples(index=False):
        if rec.n_enps == 0:
            continue
        e = enps_summary(int(rec.promoters), int(rec.passives), int(rec.detractors))
        rows.append({
            "wave_id": rec.wave_id, "group_level": rec.group_level, "group_id": rec.group_id,
            "parent_group_id": rec.parent_group_id, "n_respondents": int(rec.n_enps),
            "promoters": rec.promoters / rec.n_enps, "passives": rec.passives / rec.n_enps,
            "detractors": rec.detractors / rec.n_enps, "enps": e["enps"],
            "enps_ci_low": e["ci_low"], "enps_ci_high": e["ci_high"],
        })
    return pd.DataFrame(rows, columns=[
        "wave_id", "group_level", "group_id", "parent_group_id", "n_respondents", "promoters",
        "passives", "detractors", "enps", "enps_ci_low", "enps_ci_high",
    ])


def construct_reliability(answers: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's alpha (pairwise), its Feldt interval and omega per wave and construct.

    `answers` has wave_id, construct, response_key, item_id, value_keyed.
    """
    rows = []
    for (wave_id, construct), part in answers.groupby(["wave_id", "construct"], sort=True):
        wide = part.pivot_table(index="response_key", columns="item_id", values="value_keyed")
        wide = wide.sort_index().reindex(sorted(wide.columns), axis=1)
        n, j = wide.shape
        alpha = stats.cronbach_alpha(wide) if j >= 2 and n >= 3 else math.nan
        low, high = stats.feldt_interval(alpha, n, j) if np.isfinite(alpha) else (math.nan, math.nan)
        omega = stats.mcdonald_omega(wide) if j >= 3 and n > j else None
        rows.append({
            "wave_id": wave_id, "construct": construct, "n_respondents": n, "n_items": j,
            "cronbach_alpha": alpha, "alpha_ci_low": low, "alpha_ci_high": high,
            "omega": math.nan if omega is None else omega,
        })
    return pd.DataFrame(rows, columns=[
        "wave_id", "construct", "n_respondents", "n_items", "cronbach_alpha",
        "alpha_ci_low", "alpha_ci_high", "omega",
    ])


def construct_icc(team_scores: pd.DataFrame) -> pd.DataFrame:
    """ICC(1) and ICC(2) of respondent scores on team, per wave and construct.

    `team_scores` has wave_id, measure, group_id (the team), score_0_100.
    """
    rows = []
    for (wave_id, measure), part in team_scores.groupby(["wave_id", "measure"], sort=True):
        part = part.sort_values(["group_id", "score_0_100"])
        n_groups = part["group_id"].nunique()
        icc1, icc2 = (
            stats.icc_bliese(part["score_0_100"].to_numpy(), part["group_id"].to_numpy())
            if n_groups >= 2 else (math.nan, math.nan)
        )
        rows.append({"wave_id": wave_id, "construct": measure, "n_groups": n_groups,
                     "icc1": icc1, "icc2": icc2})
    return pd.DataFrame(rows, columns=["wave_id", "construct", "n_groups", "icc1", "icc2"])


def balance(scores: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Leadership and management indices with intervals, and the balance quadrant.

    A side is "high" when its interval lies wholly at or above the threshold,
    "low" when wholly below; a team whose interval straddles the line is unclear.
    """
    keys = [*GROUP_KEYS, "parent_group_id"]
    if scores.empty:  # no accepted response (or no index measure): the same columns, no rows
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    out = scores[scores["measure"] == "leadership_index"][keys].drop_duplicates()
    for side in ("leadership", "management"):
        part = scores[scores["measure"] == f"{side}_index"][
            [*GROUP_KEYS, "score_0_100", "score_ci_low", "score_ci_high"]
        ].rename(columns={"score_0_100": f"{side}_index", "score_ci_low": f"{side}_ci_low",
                          "score_ci_high": f"{side}_ci_high"})
        out = out.merge(part, on=GROUP_KEYS, how="left")
    out["quadrant"] = [
        _quadrant(r.leadership_ci_low, r.leadership_ci_high, r.management_ci_low,
                  r.management_ci_high, threshold)
        for r in out.itertuples(index=False)
    ]
    return out


def _quadrant(l_low, l_high, m_low, m_high, threshold: float) -> str | None:
    sides = []
    for low, high in ((l_low, l_high), (m_low, m_high)):
        if not (_present(low) and _present(high)):
            return None
        sides.append("high" if low >= threshold else "low" if high < threshold else "unclear")
    if "unclear" in sides:
        return "unclear"
    return {
        ("high", "high"): "in_tandem", ("high", "low"): "chaos_risk",
        ("low", "high"): "stagnation_risk", ("low", "low"): "adrift",
    }[tuple(sides)]


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA


def _clip100(value: float) -> float:
    return value if math.isnan(value) else min(100.0, max(0.0, value))
