"""Sections on what to do: drivers and priorities, recommended practices, and comments."""

from __future__ import annotations

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
from .narrative import drivers_sorted, priority_rank
from .practices import construct_practices, quadrant_practices

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
    section.blocks.append(
        Paragraph(
            "Impact is how strongly an area moves with the outcome across respondents; the gap is "
            "the group's score minus the organisation's. A priority is an area with high impact and "
            "a score below the organisation's.",
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
        method = str(r["method"] or "")
        if not is_missing(r["n"]):
            method += f" (n = {fmt_int(r['n'])})"
        attrs = {"construct": c, "group": ctx.gid, "level": ctx.level}
        table_rows.append(
            [
                Cell(
                    construct_label(c),
                    bold=priority_rank(priority) == priority_rank(rows[0]["priority"]),
                ),
                Cell(outcome_label(r["outcome"])),
                Cell(fmt_decimal(r["impact"]), align="right", attrs=attrs | {"metric": "impact"}),
                Cell(fmt_signed(r["gap_to_org"]), align="right", attrs=attrs | {"metric": "gap"}),
                Cell(ptext, align="right", attrs=attrs | {"metric": "priority"}),
                Cell(method),
            ]
        )
    section.blocks.append(
        Table(
            ["Area", "Outcome", "Impact", "Gap to organisation", "Priority", "Method"],
            table_rows,
            widths=[2, 1, 1, 1.4, 1, 2],
            attrs={"table": "drivers"},
        )
    )
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
    weak = [
        c
        for c in ctx.constructs
        if (r := ctx.score(level, gid, c))
        and not r["suppressed"]
        and r["score_0_100"] is not None
        and float(r["score_0_100"]) < ctx.threshold
    ]
    for c in weak:
        score = fmt_int(ctx.score(level, gid, c)["score_0_100"])  # type: ignore[index]
        section.blocks += [
            Subheading(f"{construct_label(c)} ({score}, below {fmt_int(ctx.threshold)})"),
            Bullets(construct_practices(c)),
        ]
    if level != "team":
        focus = []
        for key in ("chaos_risk", "stagnation_risk", "adrift"):
            teams = [
                t
                for t in ctx.members("team")
                if ctx.is_reportable("team", t)
                and (tb := ctx.balance("team", t))
                and tb["quadrant"] == key
            ]
            if teams:
                focus.append(f"{quadrant_label(key)}: {', '.join(teams)}.")
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


def _share_change(change: object) -> str:
    """Change of a theme's share in percentage points: '+12 pts', or '' with no earlier wave."""
    if is_missing(change):
        return ""
    return f"{fmt_signed(float(change) * 100)} pts"
