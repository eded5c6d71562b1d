"""Group scores from the sufficient statistics that the SQL models compute.

Pure functions: pandas frames in, pandas frames out. Confidence level 95 %.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipelines.domain import stats

GROUP_KEYS = ["wave_id", "group_level", "group_id"]
BALANCE_COLUMNS = [
    *GROUP_KEYS, "parent_group_id", "leadership_index", "leadership_ci_low", "leadership_ci_high",
    "management_index", "management_ci_low", "management_ci_high", "quadrant",
]


def group_scores(measure_stats: pd.DataFrame, item_variances: pd.DataFrame) -> pd.DataFrame:
    """Score, t-interval, % favourable/neutral/unfavourable with the clustered interval, rwg(j).

    Vectorized over groups: each column of `measure_stats` is one array of sums.
    """
    s = measure_stats
    columns = [*GROUP_KEYS, "parent_group_id", "measure", "n_respondents"]
    scores = s[columns].copy()
    scores["n_respondents"] = scores["n_respondents"].astype("int64")
    mean, var = stats.mean_var_from_sums(s["n_respondents"], s["sum_score"], s["sum_score_sq"])
    sd = np.sqrt(var)
    low, high = stats.t_interval_from_summary(s["n_respondents"], mean, sd)
    scores["score_0_100"] = mean
    scores["score_sd"] = sd
    scores["score_ci_low"] = np.clip(low, 0.0, 100.0)
    scores["score_ci_high"] = np.clip(high, 0.0, 100.0)
    answers = s["answers"].astype(float).fillna(0.0).to_numpy()
    has = answers > 0
    p, p_low, p_high = stats.clustered_proportion_from_sums(
        s["n_respondents"], s["favorable"].astype(float), np.where(has, answers, np.nan),
        s["sum_x_sq"].astype(float), s["sum_x_m"].astype(float), s["sum_m_sq"].astype(float),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        unfav = np.where(has, s["unfavorable"].astype(float) / answers, np.nan)
    scores["pct_favorable"] = np.where(has, 100 * p, np.nan)
    scores["pct_neutral"] = np.where(has, 100 * (1 - p - unfav), np.nan)
    scores["pct_unfavorable"] = np.where(has, 100 * unfav, np.nan)
    scores["favorable_ci_low"] = np.where(has, 100 * p_low, np.nan)
    scores["favorable_ci_high"] = np.where(has, 100 * p_high, np.nan)
    if scores.empty:
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


#: The sums of int_group_item_stats that item_scores reads; its other columns are keys.
ITEM_SUMS = ("n_respondents", "sum_value", "sum_0_100", "favorable", "unfavorable")


def item_scores(item_stats: pd.DataFrame) -> pd.DataFrame:
    """Per group and item: the mean, the 0-100 score and % favourable, neutral and unfavourable.

    From the sums of int_group_item_stats (n, Σ keyed answers, Σ answers on 0-100,
    favourable and unfavourable counts); every other column is a key and is kept. Each share
    has the interval the construct scores use, :func:`stats.clustered_proportion_from_sums`
    with respondents as clusters: a respondent gives one answer to an item (m_i = 1, x_i = 0
    or 1), so Σx = Σx² = Σxm = the count and Σm = Σm² = n, and the interval is
    p ± z·sqrt(p(1 - p) / (n - 1)).
    """
    s = item_stats
    out = s[[c for c in s.columns if c not in ITEM_SUMS]].copy()
    n = s["n_respondents"].astype(float).to_numpy()
    favorable = s["favorable"].astype(float).to_numpy()
    unfavorable = s["unfavorable"].astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mean"] = s["sum_value"].astype(float).to_numpy() / n
        out["score_0_100"] = s["sum_0_100"].astype(float).to_numpy() / n
    for name, count in (("favorable", favorable), ("neutral", n - favorable - unfavorable),
                        ("unfavorable", unfavorable)):
        p, low, high = stats.clustered_proportion_from_sums(n, count, n, count, count, n)
        out[f"pct_{name}"] = 100 * p
        out[f"{name}_ci_low"] = 100 * low
        out[f"{name}_ci_high"] = 100 * high
    return out


def group_enps(sizes: pd.DataFrame) -> pd.DataFrame:
    """eNPS per group from promoter, passive and detractor counts."""
    rows = []
    for rec in sizes.itertuples(index=False):
        if rec.n_enps == 0:
            continue
        e = stats.enps_from_counts(int(rec.promoters), int(rec.passives), int(rec.detractors))
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


def construct_reliability(pair_moments: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's alpha (pairwise), its Feldt interval and omega per wave and construct.

    `pair_moments` (int_item_pair_moments) has, per wave, construct and pair of
    items, the n, sums and sum of products over the respondents who answered both.
    """
    rows = []
    for (wave_id, construct), part in pair_moments.groupby(["wave_id", "construct"], sort=True):
        items = sorted(set(part["item_a"]) | set(part["item_b"]))
        index = {item: i for i, item in enumerate(items)}
        j, n = len(items), int(part["n_respondents"].iloc[0])
        sums = {name: np.full((j, j), np.nan) for name in ("n", "row", "col", "prod")}
        for rec in part.itertuples(index=False):
            a, b = index[rec.item_a], index[rec.item_b]
            for (x, y), (row, col) in (((a, b), (rec.sum_a, rec.sum_b)),
                                       ((b, a), (rec.sum_b, rec.sum_a))):
                sums["n"][x, y], sums["prod"][x, y] = rec.n, rec.sum_ab
                sums["row"][x, y], sums["col"][x, y] = row, col
        cov = stats.pairwise_covariance(sums["n"], sums["row"], sums["col"], sums["prod"])
        alpha = stats.cronbach_alpha_from_cov(cov) if j >= 2 and n >= 3 else math.nan
        low, high = stats.feldt_interval(alpha, n, j) if np.isfinite(alpha) else (math.nan, math.nan)
        omega = stats.mcdonald_omega_from_cov(cov) if j >= 3 and n > j else None
        rows.append({
            "wave_id": wave_id, "construct": construct, "n_respondents": n, "n_items": j,
            "cronbach_alpha": alpha, "alpha_ci_low": low, "alpha_ci_high": high,
            "omega": math.nan if omega is None else omega,
        })
    return pd.DataFrame(rows, columns=[
        "wave_id", "construct", "n_respondents", "n_items", "cronbach_alpha",
        "alpha_ci_low", "alpha_ci_high", "omega",
    ])


def construct_icc(measure_stats: pd.DataFrame) -> pd.DataFrame:
    """ICC(1) and ICC(2) of respondent scores on team, per wave and construct.

    From the teams' sufficient statistics (int_group_measure_stats: n_respondents,
    sum_score, sum_score_sq per wave, team and construct).
    """
    teams = measure_stats[(measure_stats["group_level"] == "team")
                          & ~measure_stats["measure"].str.endswith("_index")]
    rows = []
    for (wave_id, measure), part in teams.groupby(["wave_id", "measure"], sort=True):
        part = part[part["n_respondents"] > 0]
        icc1, icc2 = stats.icc_from_group_sums(part["n_respondents"], part["sum_score"],
                                               part["sum_score_sq"])
        rows.append({"wave_id": wave_id, "construct": measure, "n_groups": len(part),
                     "icc1": icc1, "icc2": icc2})
    return pd.DataFrame(rows, columns=["wave_id", "construct", "n_groups", "icc1", "icc2"])


def balance(scores: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Leadership and management indices with intervals, and the balance quadrant.

    A side is "high" when its interval lies wholly at or above the threshold,
    "low" when wholly below; a team whose interval straddles the line is unclear.
    """
    if scores.empty:  # no accepted response (or no index measure): the same columns, no rows
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    keys = [*GROUP_KEYS, "parent_group_id"]
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
