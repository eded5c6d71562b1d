"""Plain-language sentences for the executive summary, every number from a mart."""

from __future__ import annotations

import re

from .context import Ctx
from .formatting import (
    construct_label,
    fmt_alpha,
    fmt_decimal,
    fmt_int,
    fmt_points,
    fmt_range,
    fmt_share,
    fmt_signed,
    fmt_with_interval,
    is_missing,
    outcome_label,
    quadrant_label,
)
from .overview import position

MAX_CHANGES = 5


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def where(ctx: Ctx, level: str, gid: str) -> str:
    return "across the organisation" if level == "org" else f"in {gid}"


def participation_sentence(ctx: Ctx) -> str | None:
    row = ctx.participation(*ctx.own)
    n = ctx.group_n(*ctx.own)
    if row is None or row["suppressed"] or is_missing(row["respondents"]):
        return f"{fmt_int(n)} people responded." if n else None
    text = f"{fmt_int(row['respondents'])} people responded"
    if not is_missing(row["participation_rate"]) and not is_missing(row["headcount"]):
        text += f", {fmt_share(row['participation_rate'])} of the {fmt_int(row['headcount'])}"
        text += " on the roster"
    text += "."
    rate = row["participation_rate"]
    if row["over_100_flag"] or (not is_missing(rate) and float(rate) > 1):  # type: ignore[arg-type]
        text += " That is more than the roster holds, so the roster is probably out of date."
    elif not is_missing(rate) and float(rate) < 0.6:  # type: ignore[arg-type]
        text += " Participation is below 60%, so read the results with care."
    return text


def balance_sentence(ctx: Ctx) -> str | None:
    row = ctx.balance(*ctx.own)
    if row is None or row["suppressed"] or is_missing(row["leadership_index"]):
        return None
    name = cap(ctx.display_name(*ctx.own))
    lead = fmt_with_interval(
        row["leadership_index"], row["leadership_ci_low"], row["leadership_ci_high"]
    )
    mgmt = fmt_with_interval(
        row["management_index"], row["management_ci_low"], row["management_ci_high"]
    )
    line = fmt_int(ctx.threshold)
    figures = f"leadership index {lead} and management index {mgmt}"
    if row["quadrant"] == "unclear":
        return (
            f"{name}'s balance is unclear: {figures}. An interval crosses the line at "
            f"{line}, so it is not placed in a quadrant."
        )
    if not row["quadrant"]:
        return f"{name}: {figures}."
    return (
        f"{name} is in the “{quadrant_label(row['quadrant'])}” quadrant: {figures}, "
        f"against a line at {line}."
    )


def extremes_sentence(ctx: Ctx) -> str | None:
    shown = [
        (c, r)
        for c in ctx.constructs
        if (r := ctx.score(*ctx.own, c)) and not r["suppressed"] and r["score_0_100"] is not None
    ]
    if len(shown) < 2:
        return None
    ranked = sorted(shown, key=lambda cr: float(cr[1]["score_0_100"]))  # type: ignore[arg-type]
    (low_c, low), (high_c, high) = ranked[0], ranked[-1]
    text = (
        f"Highest score: {construct_label(high_c)}, {fmt_int(high['score_0_100'])}. "
        f"Lowest: {construct_label(low_c)}, {fmt_int(low['score_0_100'])}"
    )
    if float(low["score_0_100"]) < ctx.threshold:  # type: ignore[arg-type]
        text += f", below the line at {fmt_int(ctx.threshold)}"
    return text + "."


def significant_changes(ctx: Ctx) -> list[dict]:
    found = []
    candidates = [ctx.own] if ctx.level == "team" else ctx.data.family
    for level, gid in candidates:
        if (level, gid) != ctx.own and level == "org":
            continue
        for r in ctx.changes(level, gid):
            if r["suppressed"] or r["change"] not in ("up", "down") or is_missing(r["delta"]):
                continue
            found.append(r)
    rank = {"org": 0, "department": 1, "team": 2}
    found.sort(
        key=lambda r: (
            (r["group_level"], r["group_id"]) != ctx.own,
            rank.get(str(r["group_level"]), 3),
            -abs(float(r["delta"])),
        )
    )  # type: ignore[arg-type]
    return found


def change_phrase(ctx: Ctx, r: dict) -> str:
    verb = "rose" if r["change"] == "up" else "fell"
    return (
        f"{construct_label(r['construct'])} {verb} {fmt_points(r['delta'])} "
        f"{where(ctx, r['group_level'], r['group_id'])} (significant)"
    )


def changes_sentences(ctx: Ctx) -> list[str]:
    if ctx.prev_wave is None:
        return ["This is the first wave, so there are no changes to report yet."]
    found = significant_changes(ctx)
    if not found:
        return [f"No score changed significantly since {ctx.prev_wave}."]
    shown = [cap(change_phrase(ctx, r)) + "." for r in found[:MAX_CHANGES]]
    shown[0] = f"Since {ctx.prev_wave}: " + shown[0][0].lower() + shown[0][1:]
    if len(found) > MAX_CHANGES:
        shown.append(
            f"{len(found) - MAX_CHANGES} more significant changes are listed under Trends."
        )
    return shown


def enps_sentence(ctx: Ctx) -> str | None:
    row = ctx.enps(*ctx.own)
    if row is None or row["suppressed"] or is_missing(row["enps"]):
        return None
    text = f"eNPS is {fmt_signed(row['enps'])}"
    if not is_missing(row["enps_ci_low"]) and not is_missing(row["enps_ci_high"]):
        text += f" (interval {fmt_range(row['enps_ci_low'], row['enps_ci_high'], signed=True)})"
    if not is_missing(row["promoters"]) and not is_missing(row["detractors"]):
        text += (
            f": {fmt_share(row['promoters'])} promoters and "
            f"{fmt_share(row['detractors'])} detractors"
        )
    return text + "."


PHRASES = {
    "in_tandem": "in tandem",
    "chaos_risk": "at chaos risk",
    "stagnation_risk": "at stagnation risk",
    "adrift": "adrift",
}


def teams_sentence(ctx: Ctx) -> str | None:
    """How many teams can be shown, and where they most likely stand."""
    if ctx.level == "team":
        return None
    if ctx.level == "org":
        overview = ctx.data.teams
        n_teams, n_shown = int(overview.get("n_teams", 0)), int(overview.get("n_shown", 0))  # type: ignore[call-overload]
        likely = dict(overview.get("likely", {}))  # type: ignore[call-overload]
        placed = sum(
            n for q, n in overview.get("quadrants", {}).items() if q not in ("", "unclear")
        )  # type: ignore[union-attr]
    else:
        teams = ctx.members("team")
        shown = [t for t in teams if ctx.is_reportable("team", t)]
        n_teams, n_shown, likely, placed = len(teams), len(shown), {}, 0
        for team in shown:
            row = ctx.balance("team", team)
            if row and not row["suppressed"]:
                guess, certain = position(row, ctx.threshold)
                if guess:
                    likely[guess] = likely.get(guess, 0) + 1
                    placed += int(certain)
    if not n_teams:
        return None
    parts = ", ".join(f"{likely[q]} {PHRASES[q]}" for q in PHRASES if likely.get(q))
    text = f"Of {n_teams} teams, {n_shown} have enough responses to show"
    text += f"; by their scores, {parts}" if parts else ""
    if parts and placed < sum(likely.values()):
        text += f" ({placed} of them clearly, the others with an interval across a line)"
    text += "."
    hidden = n_teams - n_shown
    if hidden:
        text += (
            f" {hidden} {'team has' if hidden == 1 else 'teams have'} fewer than {ctx.k} "
            f"responses, so no results are shown for {'it' if hidden == 1 else 'them'}."
        )
    return text


def priority_rank(value: object) -> float:
    words = {"high": 3.0, "medium": 2.0, "low": 1.0}
    if isinstance(value, int | float):
        return float(value)
    return words.get(str(value or "").lower(), 0.0)


def drivers_sorted(ctx: Ctx) -> list[dict]:
    rows = [r for r in ctx.data.tables["drivers"] if r["construct"]]
    return sorted(
        rows, key=lambda r: (-priority_rank(r["priority"]), -abs(float(r["impact"] or 0)))
    )  # type: ignore[arg-type]


def driver_gap(ctx: Ctx, r: dict) -> object:
    """The gap a priority reads: the group against the organisation; the organisation itself
    (whose gap to itself is always 0) against the quadrant line."""
    if ctx.level != "org":
        return r["gap_to_org"]
    own = ctx.score(*ctx.own, str(r["construct"]))
    if own is None or own["suppressed"] or is_missing(own["score_0_100"]):
        return None
    return float(own["score_0_100"]) - ctx.threshold  # type: ignore[arg-type]


def driver_sentence(ctx: Ctx) -> str | None:
    rows = drivers_sorted(ctx)
    if not rows:
        return None
    top = rows[0]
    text = f"Top priority from the driver analysis: {construct_label(top['construct'])}"
    details = []
    if not is_missing(top["impact"]):
        details.append(f"impact on {outcome_label(top['outcome'])} {fmt_decimal(top['impact'])}")
    gap = driver_gap(ctx, top)
    reference = (
        f"the line at {fmt_int(ctx.threshold)}" if ctx.level == "org" else "the organisation"
    )
    if not is_missing(gap) and fmt_points(gap) != "0 points":
        side = "below" if float(gap) < 0 else "above"  # type: ignore[arg-type]
        details.append(f"{fmt_points(gap)} {side} {reference}")
    return text + (f" ({', '.join(details)})." if details else ".")


def reliability_sentences(ctx: Ctx) -> list[str]:
    out = []
    for r in ctx.data.tables["reliability"]:
        alpha = r["cronbach_alpha"]
        if not is_missing(alpha) and float(alpha) < 0.7:  # type: ignore[arg-type]
            out.append(
                f"{construct_label(str(r['construct']))} has low reliability (alpha "
                f"{fmt_alpha(alpha)}, below 0.70): treat its scores with caution."
            )
    return out


def summary_sentences(ctx: Ctx) -> list[str]:
    sentences = [
        participation_sentence(ctx),
        balance_sentence(ctx),
        extremes_sentence(ctx),
        *changes_sentences(ctx),
        enps_sentence(ctx),
        teams_sentence(ctx),
        driver_sentence(ctx),
        *reliability_sentences(ctx),
    ]
    return [s for s in sentences if s]


def alert_messages(ctx: Ctx) -> list[str]:
    """The pipeline's alerts for the group and its children, with labels for area codes."""
    out = []
    for r in ctx.data.tables["alerts"]:
        if not r.get("message"):
            continue
        text = str(r["message"])
        if r.get("construct"):
            code = str(r["construct"])
            text = re.sub(rf"\b{re.escape(code)}\b", construct_label(code).lower(), text)
        out.append(cap(text))
    return out
