"""Later sections: trends, participation, eNPS, drivers, practices and comments."""

from __future__ import annotations

from . import charts
from .context import Ctx
from .formatting import (
    construct_label,
    fmt_decimal,
    fmt_int,
    fmt_pct,
    fmt_share,
    fmt_signed,
    fmt_with_interval,
    is_missing,
    outcome_label,
    quadrant_label,
)
from .model import Bullets, Cell, Chart, Paragraph, Quote, Section, Subheading, Table
from .narrative import drivers_sorted, priority_rank
from .practices import construct_practices, quadrant_practices

MAX_TREND_WAVES = 4
MAX_QUOTES = 8
QUOTES_PER_THEME = 2


def _sup(ctx: Ctx, colspan: int = 1) -> Cell:
    return Cell(ctx.suppressed_text, suppressed=True, colspan=colspan, align="center",
                attrs={"suppressed": "true"})


def _change_text(r: dict | None) -> str:
    if r is None or is_missing(r["delta"]):
        return "n/a"
    verdict = "significant" if r["change"] in ("up", "down") else "not significant"
    return f"{fmt_signed(r['delta'])} ({verdict})"


def _trend_table(ctx: Ctx, waves: list[str]) -> Table:
    level, gid = ctx.own
    rows = []
    changes = {r["construct"]: r for r in ctx.changes(level, gid)}
    for c in ctx.constructs:
        row = [Cell(construct_label(c), bold=True)]
        for w in waves:
            r = ctx.score(level, gid, c, w)
            if r is None:
                row.append(Cell("n/a", align="center"))
            elif r["suppressed"] or r["score_0_100"] is None:
                row.append(_sup(ctx))
            else:
                row.append(Cell(fmt_int(r["score_0_100"]), align="right",
                                attrs={"metric": "score", "construct": c, "wave": w,
                                       "group": gid, "level": level}))
        ch = changes.get(c)
        if ctx.prev_wave is None:
            pass  # first wave: nothing to compare with
        elif ch is not None and ch["suppressed"]:
            row.append(_sup(ctx))
        elif ch is None or is_missing(ch["delta"]):
            row.append(Cell("n/a", align="right"))
        else:
            row.append(Cell(_change_text(ch), align="right",
                            attrs={"metric": "delta", "construct": c, "group": gid,
                                   "level": level, "wave": ctx.wave}))
        rows.append(row)
    columns = ["Area", *waves] + ([f"Change since {ctx.prev_wave}"] if ctx.prev_wave else [])
    widths = [2.2] + [1.0] * len(waves) + ([2.0] if ctx.prev_wave else [])
    return Table(columns, rows, widths=widths, attrs={"table": "trend"})


def _participation_note(r: dict) -> str:
    rate = r["participation_rate"]
    if r["over_100_flag"] or (not is_missing(rate) and float(rate) > 1):
        return "Over 100%: roster out of date"
    if not is_missing(rate) and float(rate) < 0.6:
        return "Low (under 60%)"
    return ""


def _participation_row(ctx: Ctx, label: str, level: str, gid: str, wave: str) -> list[Cell]:
    r = ctx.participation(level, gid, wave)
    name = Cell(label, bold=level != "team")
    if r is None:
        return [name, Cell("n/a", colspan=4, align="center")]
    if r["suppressed"] or is_missing(r["respondents"]):
        return [name, _sup(ctx, 4)]
    attrs = {"group": gid, "level": level, "wave": wave}
    return [
        name,
        Cell(fmt_int(r["respondents"]), align="right", attrs=attrs | {"metric": "respondents"}),
        Cell(fmt_int(r["headcount"]), align="right", attrs=attrs | {"metric": "headcount"}),
        Cell(fmt_share(r["participation_rate"]), align="right",
             attrs=attrs | {"metric": "participation"}),
        Cell(_participation_note(r)),
    ]


def _participation_tables(ctx: Ctx, waves: list[str]) -> list:
    level, gid = ctx.own
    cols = ["Wave", "Responses", "On roster", "Participation", "Note"]
    history = [_participation_row(ctx, w, level, gid, w) for w in waves
               if ctx.participation(level, gid, w) is not None]
    blocks: list = []
    if history:
        blocks += [Subheading("Participation"),
                   Table(cols, history, widths=[1.4, 1, 1, 1, 2.2],
                         attrs={"table": "participation"})]
    children = []
    if level == "org":
        children = [("department", d) for d in ctx.members("department")]
    elif level == "department":
        children = [("team", t) for t in ctx.members("team")]
    rows = [_participation_row(ctx, g, lvl, g, ctx.wave) for lvl, g in children
            if ctx.participation(lvl, g) is not None]
    if rows:
        blocks.append(Table(["Group", *cols[1:]], rows, widths=[1.4, 1, 1, 1, 2.2],
                            caption=f"By {children[0][0]}, wave {ctx.wave}",
                            attrs={"table": "participation-children"}))
    return blocks


def _enps_blocks(ctx: Ctx, waves: list[str]) -> list:
    level, gid = ctx.own
    rows, points = [], []
    for w in waves:
        r = ctx.enps(level, gid, w)
        if r is None:
            continue
        if r["suppressed"] or is_missing(r["enps"]):
            rows.append([Cell(w), _sup(ctx, 4)])
            continue
        attrs = {"wave": w, "group": gid, "level": level}
        rows.append([
            Cell(w),
            Cell(fmt_with_interval(r["enps"], r["enps_ci_low"], r["enps_ci_high"], signed=True),
                 align="right", attrs=attrs | {"metric": "enps"}),
            Cell(fmt_share(r["promoters"]), align="right", attrs=attrs | {"metric": "promoters"}),
            Cell(fmt_share(r["passives"]), align="right", attrs=attrs | {"metric": "passives"}),
            Cell(fmt_share(r["detractors"]), align="right",
                 attrs=attrs | {"metric": "detractors"}),
        ])
        points.append({"wave": w, "enps": r["enps"], "lo": r["enps_ci_low"],
                       "hi": r["enps_ci_high"]})
    if not rows:
        return []
    blocks: list = [Subheading("eNPS (would recommend as a place to work)"),
                    Table(["Wave", "eNPS (interval)", "Promoters", "Passives", "Detractors"],
                          rows, widths=[1.4, 1.8, 1, 1, 1], attrs={"table": "enps"})]
    if len(points) > 1:
        blocks.append(Chart(charts.enps_chart(points, waves), "eNPS by wave with interval.",
                            width_mm=130))
    return blocks


def trends_section(ctx: Ctx) -> Section:
    section = Section("trends", "Trends, participation and eNPS")
    level, gid = ctx.own
    waves = ctx.data.waves[-MAX_TREND_WAVES:]
    points = []
    for w in waves:
        for c in ctx.constructs:
            r = ctx.score(level, gid, c, w)
            if r and not r["suppressed"] and r["score_0_100"] is not None:
                points.append({"wave": w, "construct": construct_label(c),
                               "score": r["score_0_100"], "lo": r["score_ci_low"],
                               "hi": r["score_ci_high"]})
    if len({p["wave"] for p in points}) > 1:
        section.blocks.append(Chart(charts.trend_chart(points, waves),
                                    "Scores by wave, one line per area.", width_mm=140))
    elif ctx.prev_wave is None:
        section.blocks.append(Paragraph("This is the first wave; trends start with the next one.",
                                        style="note"))
    section.blocks.append(_trend_table(ctx, waves))
    if ctx.prev_wave is not None:
        section.blocks.append(Paragraph(
            "A change is called significant only when it is at least the minimum effect and "
            "survives the false-discovery correction (q < 0.05).", style="note"))
    section.blocks += _participation_tables(ctx, waves)
    section.blocks += _enps_blocks(ctx, waves)
    return section


def drivers_section(ctx: Ctx) -> Section:
    section = Section("drivers", "What drives the outcome, and priorities")
    rows = drivers_sorted(ctx)
    if not rows:
        section.blocks.append(Paragraph(
            "No driver analysis for this group in this wave (it is run only where more than 25 "
            "people responded).",
            style="note"))
        return section
    section.blocks.append(Paragraph(
        "Impact is how strongly an area moves with the outcome across respondents; the gap is "
        "the group's score minus the organisation's. A priority is an area with high impact and "
        "a score below the organisation's.", style="note"))
    table_rows = []
    for r in rows:
        c = str(r["construct"])
        priority = r["priority"]
        ptext = fmt_decimal(priority) if isinstance(priority, int | float) else str(
            priority or "n/a").capitalize()
        method = str(r["method"] or "")
        if not is_missing(r["n"]):
            method += f" (n = {fmt_int(r['n'])})"
        attrs = {"construct": c, "group": ctx.gid, "level": ctx.level}
        table_rows.append([
            Cell(construct_label(c), bold=priority_rank(priority) == priority_rank(
                rows[0]["priority"])),
            Cell(outcome_label(r["outcome"])),
            Cell(fmt_decimal(r["impact"]), align="right", attrs=attrs | {"metric": "impact"}),
            Cell(fmt_signed(r["gap_to_org"]), align="right", attrs=attrs | {"metric": "gap"}),
            Cell(ptext, align="right", attrs=attrs | {"metric": "priority"}),
            Cell(method),
        ])
    section.blocks.append(Table(["Area", "Outcome", "Impact", "Gap to organisation", "Priority",
                                 "Method"], table_rows, widths=[2, 1, 1, 1.4, 1, 2],
                                attrs={"table": "drivers"}))
    return section


def practices_section(ctx: Ctx) -> Section:
    section = Section("practices", "Recommended practices")
    level, gid = ctx.own
    b = ctx.balance(level, gid)
    quadrant = b["quadrant"] if b and not b["suppressed"] else None
    chosen = quadrant_practices(quadrant)
    if chosen:
        title, items = chosen
        section.blocks += [Subheading(title), Bullets(items)]
    weak = [c for c in ctx.constructs
            if (r := ctx.score(level, gid, c)) and not r["suppressed"]
            and r["score_0_100"] is not None and float(r["score_0_100"]) < ctx.threshold]
    for c in weak:
        score = fmt_int(ctx.score(level, gid, c)["score_0_100"])  # type: ignore[index]
        section.blocks += [Subheading(f"{construct_label(c)} ({score}, below "
                                      f"{fmt_int(ctx.threshold)})"),
                           Bullets(construct_practices(c))]
    if level != "team":
        focus = []
        for key in ("chaos_risk", "stagnation_risk", "adrift"):
            teams = [t for t in ctx.members("team") if ctx.is_reportable("team", t)
                     and (tb := ctx.balance("team", t)) and tb["quadrant"] == key]
            if teams:
                focus.append(f"{quadrant_label(key)}: {', '.join(teams)}.")
        if focus:
            section.blocks += [Subheading("Where to look first"), Bullets(focus)]
    if not section.blocks:
        section.blocks.append(Paragraph(
            f"Every area is at or above {fmt_int(ctx.threshold)}. Keep doing what works, and "
            "share it with other teams."))
    return section


def comments_section(ctx: Ctx) -> Section:
    section = Section("comments", "What people said")
    themes = ctx.data.tables["comment_themes"]
    comments = ctx.data.tables["comments"]
    n = ctx.group_n(*ctx.own)
    if (not themes and not comments) or n is None or n < ctx.comment_k:
        section.blocks.append(Paragraph(
            f"Comments are shown only for groups with at least {ctx.comment_k} responses, and "
            "none are available for this group in this wave.", style="note"))
        return section
    themes = sorted(themes, key=lambda t: -(t["n_comments"] or 0))
    if themes:
        rows = []
        for t in themes:
            attrs = {"theme": str(t["theme"]), "group": ctx.gid, "level": ctx.level}
            rows.append([
                Cell(str(t["theme_label"] or t["theme"])),
                Cell(construct_label(str(t["construct"])) if t["construct"] else ""),
                Cell(fmt_int(t["n_comments"]), align="right",
                     attrs=attrs | {"metric": "n_comments"}),
                Cell(fmt_share(t["share"]) if (t["share"] or 0) <= 1 else fmt_pct(t["share"]),
                     align="right", attrs=attrs | {"metric": "share"}),
                Cell(fmt_decimal(t["mean_sentiment"]), align="right",
                     attrs=attrs | {"metric": "sentiment"}),
            ])
        section.blocks.append(Table(["Theme", "Area", "Comments", "Share", "Mean sentiment"],
                                    rows, widths=[2.4, 1.6, 1, 1, 1.2],
                                    attrs={"table": "themes"}))
    labels = {t["theme"]: str(t["theme_label"] or t["theme"]) for t in themes}
    order = {t["theme"]: i for i, t in enumerate(themes)}
    per_theme: dict[object, int] = {}
    for c in sorted(comments, key=lambda c: order.get(c["theme"], len(order))):
        if len([b for b in section.blocks if isinstance(b, Quote)]) >= MAX_QUOTES:
            break
        if per_theme.get(c["theme"], 0) >= QUOTES_PER_THEME or not c["text"]:
            continue
        per_theme[c["theme"]] = per_theme.get(c["theme"], 0) + 1
        meta = labels.get(c["theme"], str(c["theme"] or ""))
        if c["sentiment_label"]:
            meta += f", {c['sentiment_label']}"
        section.blocks.append(Quote(str(c["text"]), meta))
    return section
