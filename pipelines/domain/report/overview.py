"""Where each team most likely stands, and the organisation's teams as a distribution.

The marts place a team in a quadrant only when both intervals clear the line (else
"unclear"): that honest rule stays. A reader also needs the most likely position, which is
the quadrant of the point estimates; the report marks it as uncertain when the marts say
"unclear". An organisation report shows teams as counts and quantiles, and names only the
teams that need attention, up to a fixed number, so its size does not grow with the
organisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .formatting import CONSTRUCT_ORDER, is_missing, natural_key

if TYPE_CHECKING:
    from .load import Marts, Row

RISK_QUADRANTS = ("chaos_risk", "stagnation_risk", "adrift")
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def likely_quadrant(leadership: object, management: object, threshold: float) -> str | None:
    """The quadrant of the point estimates: high is at or above the threshold line."""
    if is_missing(leadership) or is_missing(management):
        return None
    high_lead = float(leadership) >= threshold  # type: ignore[arg-type]
    high_mgmt = float(management) >= threshold  # type: ignore[arg-type]
    if high_lead and high_mgmt:
        return "in_tandem"
    if high_lead:
        return "chaos_risk"
    if high_mgmt:
        return "stagnation_risk"
    return "adrift"


def position(balance: Row, threshold: float) -> tuple[str | None, bool]:
    """(most likely quadrant, whether the marts place the group there for certain)."""
    likely = likely_quadrant(balance["leadership_index"], balance["management_index"], threshold)
    return likely, balance["quadrant"] not in (None, "unclear")


def quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolation quantile (type 7, the default of R and numpy) of sorted values.

    Q(q) = x[h] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]), with h = (n - 1) * q
    (0-based). Source: Hyndman & Fan (1996), "Sample quantiles in statistical packages",
    The American Statistician 50(4), definition 7. Example: the median of [1, 2, 3, 4] is 2.5,
    and its 0.25 quantile is 1.75.
    """
    if not sorted_values:
        raise ValueError("quantile of no values")
    h = (len(sorted_values) - 1) * q
    low = int(h)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (h - low) * (sorted_values[high] - sorted_values[low])


def team_overview(marts: Marts, wave: str, threshold: float, limit: int) -> dict[str, object]:
    """Counts, quantiles and up to `limit` named teams needing attention, for one wave.

    Attention, in this order: a risk quadrant by the marts' honest rule, a significant drop
    since the previous wave, then the lowest score among the remaining teams whose most
    likely position is a risk quadrant. Only reportable teams are counted or named.
    """
    teams = [gid for gid, _ in marts.groups(wave, "team")]
    shown = [t for t in teams if (wave, "team", t) in marts.reportable]
    balances, team_scores = marts.by_group["balance"], marts.by_group["scores"]
    quadrants: dict[str, int] = {}
    likely: dict[str, int] = {}
    scores: dict[str, list[float]] = {}
    lowest: dict[str, float] = {}
    risk: list[tuple[str, str]] = []
    uncertain_risk: list[tuple[str, str]] = []
    for team in shown:  # 62,500 teams at 1 M respondents: plain dictionary lookups only
        key = (wave, "team", team)
        balance = _first(balances.get(key, []))
        if balance is not None and not balance["suppressed"]:
            quadrant = str(balance["quadrant"] or "")
            quadrants[quadrant] = quadrants.get(quadrant, 0) + 1
            guess = likely_quadrant(
                balance["leadership_index"], balance["management_index"], threshold
            )
            if guess:
                likely[guess] = likely.get(guess, 0) + 1
            if quadrant in RISK_QUADRANTS:
                risk.append((team, quadrant))
            elif guess in RISK_QUADRANTS:
                uncertain_risk.append((team, guess))
        for r in team_scores.get(key, []):
            value = r["score_0_100"]
            if not r["suppressed"] and not is_missing(value):
                value = float(value)  # type: ignore[arg-type]
                scores.setdefault(str(r["construct"]), []).append(value)
                if value < lowest.get(team, value + 1):
                    lowest[team] = value
    drops = []
    for team in shown:
        for r in marts.changes_by_group.get(("team", team), []):
            if r["to_wave"] == wave and r["change"] == "down" and not r["suppressed"]:
                drops.append((float(r["delta"] or 0), team, str(r["construct"])))
    attention: list[dict[str, object]] = []
    named: set[str] = set()

    def add(team: str, reason: str) -> bool:
        """Name a team (once); False when the list is full."""
        if len(attention) >= limit:
            return False
        if team not in named:
            named.add(team)
            attention.append({"group_id": team, "reason": reason})
        return True

    def low(tq: tuple[str, str]) -> float:
        return lowest.get(tq[0], 100.0)

    for team, quadrant in _ordered(risk, low, lambda tq: natural_key(tq[0])):
        if not add(team, quadrant):
            break
    for _delta, team, construct in _ordered(drops, lambda d: d[0], lambda d: natural_key(d[1])):
        if not add(team, f"drop:{construct}"):
            break
    for team, guess in _ordered(uncertain_risk, low, lambda tg: natural_key(tg[0])):
        if not add(team, f"likely:{guess}"):
            break
    for a in attention:
        a["lowest"] = lowest.get(str(a["group_id"]))
    order = sorted(scores, key=lambda c: (CONSTRUCT_ORDER + [c]).index(c))
    for values in scores.values():
        values.sort()  # once a construct, not once a quantile
    distribution = {c: [quantile(scores[c], q) for q in QUANTILES] for c in order if scores[c]}
    return {
        "n_teams": len(teams),
        "n_shown": len(shown),
        "quadrants": dict(sorted(quadrants.items())),
        "likely": dict(sorted(likely.items())),
        "distribution": distribution,
        "attention": attention,
        "n_risk": len(risk),
        "n_drops": len({team for _, team, _ in drops}),
    }


def _ordered(items: list, first, then) -> Iterator:
    """`items` in the order of `sorted(items, key=lambda i: (first(i), then(i)))`, lazily:
    sorted by the cheap `first` key, and by the slow `then` (a natural sort key) only within
    the ties that are reached. A reader stops after a dozen of 60,000 teams."""
    by_first = sorted(items, key=first)
    start = 0
    while start < len(by_first):
        end, value = start + 1, first(by_first[start])
        while end < len(by_first) and first(by_first[end]) == value:
            end += 1
        yield from sorted(by_first[start:end], key=then)
        start = end


def _first(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None
