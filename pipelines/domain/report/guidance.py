"""Sections on what to do: drivers and priorities, recommended practices, and comments."""

from __future__ import annotations

import re

from .context import Ctx
from .formatting import (
    construct_label,
    fmt_decimal,
    fmt_int,
    fmt_pct,
    fmt_share,
    fmt_signed,
    is_missing,
    outcome_label,
    quadrant_label,
)
from .model import Bullets, Cell, Paragraph, Quote, Section, Subheading, Table
from .narrative import driver_gap, drivers_sorted, priority_rank
from .overview import RISK_QUADRANTS, position
from .practices import construct_practices, construct_reason, method_sentence, quadrant_practices

MAX_QUOTES = 8
QUOTES_PER_THEME = 2


def drivers_section(ctx: Ctx) -> Section:
    section = Section("drivers", "What drives the outcome, and priorities")
    rows = drivers_sorted(ctx)
    if not rows:
        section.blocks.append(
            Paragraph(
                "No driver analysis for this group in this wave (it is run only where more than 25 "
                "people responded).",
                style="note",
            )
        )
        return section
    reference = (
        f"the line at {fmt_int(ctx.threshold)}" if ctx.level == "org" else "the organisation"
    )
    outcome = outcome_label(rows[0]["outcome"])
    section.blocks.append(
        Paragraph(
            f"{method_sentence(rows[0]['method'], rows[0]['n'], outcome)} Impact is the share of "
            f"the differences in {outcome} between people that goes with the area (0 to 1). The "
            f"gap is the group's score minus {reference}"
            + (
                ", since the organisation compared with itself would always read 0"
                if ctx.level == "org"
                else ""
            )
            + ". Priority weighs the impact by how far the score falls short: act first on "
            "the highest.",
            style="note",
        )
    )
    table_rows = []
    for r in rows:
        c = str(r["construct"])
        priority = r["priority"]
        ptext = (
            fmt_decimal(priority)
            if isinstance(priority, int | float)
            else str(priority or "n/a").capitalize()
        )
        attrs = {"construct": c, "group": ctx.gid, "level": ctx.level}
        table_rows.append(
            [
                Cell(
                    construct_label(c),
                    bold=priority_rank(priority) == priority_rank(rows[0]["priority"]),
                ),
                Cell(fmt_decimal(r["impact"]), align="right", attrs=attrs | {"metric": "impact"}),
                Cell(
                    fmt_signed(driver_gap(ctx, r)),
                    align="right",
                    attrs=attrs | {"metric": "gap_to_line" if ctx.level == "org" else "gap"},
                ),
                Cell(ptext, align="right", attrs=attrs | {"metric": "priority"}),
            ]
        )
    gap_title = f"Gap to {fmt_int(ctx.threshold)}" if ctx.level == "org" else "Gap to organisation"
    section.blocks.append(
        Table(
            ["Area", f"Impact on {outcome}", gap_title, "Priority"],
            table_rows,
            widths=[2, 1.4, 1.4, 1],
            attrs={"table": "drivers"},
        )
    )
    return section


def focus_areas(ctx: Ctx) -> list[tuple[str, str]]:
    """(construct, why) to act on first: the top driver priorities, then the areas below the
    line, else the lowest area; at most three."""
    level, gid = ctx.own
    found: dict[str, list[str]] = {}
    for r in drivers_sorted(ctx)[:2]:
        if priority_rank(r["priority"]) > 0:
            found.setdefault(str(r["construct"]), []).append("a top priority")
    scored = [
        (c, float(r["score_0_100"]))  # type: ignore[arg-type]
        for c in ctx.constructs
        if (r := ctx.score(level, gid, c)) and not r["suppressed"] and r["score_0_100"] is not None
    ]
    scored.sort(key=lambda cs: cs[1])
    weak = [(c, v) for c, v in scored if v < ctx.threshold] or scored[:1]
    for c, v in weak:
        below = f"below {fmt_int(ctx.threshold)}" if v < ctx.threshold else "the lowest area"
        found.setdefault(c, []).append(f"{fmt_int(v)}, {below}")
    return [(c, "; ".join(why)) for c, why in list(found.items())[:3]]


def practices_section(ctx: Ctx) -> Section:
    section = Section("practices", "Recommended practices")
    level, gid = ctx.own
    for c, why in focus_areas(ctx):
        section.blocks += [
            Subheading(f"{construct_label(c)} ({why})"),
            Paragraph(construct_reason(c), style="note"),
            Bullets(construct_practices(c)),
        ]
    b = ctx.balance(level, gid)
    if b and not b["suppressed"]:
        likely, _certain = position(b, ctx.threshold)
        chosen = quadrant_practices(likely)
        if chosen:
            title, items = chosen
            section.blocks += [Subheading(title), Bullets(items)]
    focus = attention_lines(ctx)
    if focus:
        section.blocks += [Subheading("Where to look first"), Bullets(focus)]
    if not section.blocks:
        section.blocks.append(
            Paragraph(
                f"Every area is at or above {fmt_int(ctx.threshold)}. Keep doing what works, and "
                "share it with other teams."
            )
        )
    return section


def attention_lines(ctx: Ctx) -> list[str]:
    """The teams to look at first: named by the organisation's overview, or a department's
    teams whose most likely position is a risk quadrant."""
    if ctx.level == "org":
        lines = []
        for a in ctx.data.teams.get("attention", []):  # type: ignore[union-attr]
            reason = str(a["reason"])
            if reason.startswith("drop:"):
                why = f"a significant drop in {construct_label(reason[5:]).lower()}"
            elif reason.startswith("likely:"):
                why = f"most likely {quadrant_label(reason[7:])} (an interval crosses the line)"
            else:
                why = quadrant_label(reason)
            low = a.get("lowest")
            lines.append(
                f"{a['group_id']}: {why}"
                + (f"; lowest area {fmt_int(low)}." if low is not None else ".")
            )
        return lines
    if ctx.level != "department":
        return []
    found: dict[str, list[str]] = {}
    for t in ctx.members("team"):
        tb = ctx.balance("team", t)
        if not ctx.is_reportable("team", t) or tb is None or tb["suppressed"]:
            continue
        likely, certain = position(tb, ctx.threshold)
        if likely in RISK_QUADRANTS:
            found.setdefault(
                quadrant_label(likely) + ("" if certain else " (most likely)"), []
            ).append(t)
    return [f"{label}: {', '.join(teams)}." for label, teams in found.items()]


def comments_section(ctx: Ctx) -> Section:
    section = Section("comments", "What people said")
    themes = ctx.data.tables["comment_themes"]
    comments = ctx.data.tables["comments"]
    n = ctx.group_n(*ctx.own)
    if (not themes and not comments) or n is None or n < ctx.comment_k:
        section.blocks.append(
            Paragraph(
                f"Comments are shown only for groups with at least {ctx.comment_k} responses, and "
                "none are available for this group in this wave.",
                style="note",
            )
        )
        return section
    themes = sorted(themes, key=lambda t: -(t["n_comments"] or 0))
    if themes:
        rows = []
        for t in themes:
            attrs = {"theme": str(t["theme"]), "group": ctx.gid, "level": ctx.level}
            rows.append(
                [
                    Cell(str(t["theme_label"] or t["theme"])),
                    Cell(construct_label(str(t["construct"])) if t["construct"] else ""),
                    Cell(
                        fmt_int(t["n_comments"]),
                        align="right",
                        attrs=attrs | {"metric": "n_comments"},
                    ),
                    Cell(
                        fmt_share(t["share"]) if (t["share"] or 0) <= 1 else fmt_pct(t["share"]),
                        align="right",
                        attrs=attrs | {"metric": "share"},
                    ),
                    Cell(
                        fmt_decimal(t["mean_sentiment"]),
                        align="right",
                        attrs=attrs | {"metric": "sentiment"},
                    ),
                    Cell(
                        _share_change(t.get("share_change")),
                        align="right",
                        attrs=attrs | {"metric": "share_change"},
                    ),
                ]
            )
        section.blocks.append(
            Table(
                ["Theme", "Area", "Comments", "Share", "Mean sentiment", "Since last wave"],
                rows,
                widths=[2.2, 1.5, 0.9, 0.8, 1.1, 1.1],
                attrs={"table": "themes"},
            )
        )
    labels = {t["theme"]: str(t["theme_label"] or t["theme"]) for t in themes}
    order = {t["theme"]: i for i, t in enumerate(themes)}
    per_theme: dict[object, int] = {}
    quoted: set[str] = set()
    for c in sorted(comments, key=lambda c: order.get(c["theme"], len(order))):
        if len([b for b in section.blocks if isinstance(b, Quote)]) >= MAX_QUOTES:
            break
        if per_theme.get(c["theme"], 0) >= QUOTES_PER_THEME or not c["text"]:
            continue
        key = quote_key(str(c["text"]))
        if key in quoted:
            continue  # a comment tagged with several themes, or said alike twice, is quoted once
        quoted.add(key)
        per_theme[c["theme"]] = per_theme.get(c["theme"], 0) + 1
        meta = labels.get(c["theme"], str(c["theme"] or ""))
        if c["sentiment_label"]:
            meta += f", {c['sentiment_label']}"
        section.blocks.append(Quote(str(c["text"]), meta))
    return section


def quote_key(text: str) -> str:
    """Two quotes that open with the same six words say the same thing ("I know exactly what
    is expected of me lately" / "... this quarter"): one is enough."""
    words = re.findall(r"\w+", text.casefold())
    return " ".join(words[:6]) if len(words) > 6 else " ".join(words)


def _share_change(change: object) -> str:
    """Change of a theme's share in percentage points: '+12 pts', or '' with no earlier wave."""
    if is_missing(change):
        return ""
    return f"{fmt_signed(float(change) * 100)} pts"
