"""Build the document of one report: summary, scores and balance sections.

The others live in heatmap.py, sections.py, guidance.py and appendix.py. Nothing here
reads a figure of a suppressed row (load.py has already wiped them); a suppressed group or
cell becomes the text "fewer than k responses" and nothing else.
"""

from __future__ import annotations

from . import appendix, charts, guidance, items, organisation, sections
from .context import Ctx
from .formatting import (
    LEVEL_LABELS,
    construct_label,
    fmt_decimal,
    fmt_diff,
    fmt_int,
    fmt_pct,
    fmt_pct_interval,
    fmt_with_interval,
    quadrant_label,
)
from .heatmap import heatmap_section, sup_cell
from .load import ScopeData
from .model import Bullets, Cell, Chart, Document, Paragraph, Section, Subheading, Table
from .narrative import alert_messages, summary_sentences
from .overview import RISK_QUADRANTS, position

CROWDED = 30  # more dots than this and an organisation chart names only those needing attention
MAX_POINTS = 80  # a chart of a very large organisation keeps this many dots


def title_for(data: ScopeData) -> tuple[str, str]:
    if data.level == "org":
        generic = {"org", "organisation", "organization", "all", "company", "total"}
        named = data.org_id and data.org_id.strip().lower() not in generic
        title = "Organisation report" + (f": {data.org_id}" if named else "")
    elif data.level == "department":
        title = f"Department report: {data.group_id}"
    else:
        parent = f" ({data.parent_id})" if data.parent_id else ""
        title = f"Team report: {data.group_id}{parent}"
    return title, f"Survey wave {data.wave}"


def summary_section(ctx: Ctx) -> Section:
    section = Section("summary", "Summary")
    section.blocks.append(Bullets(summary_sentences(ctx)))
    alerts = alert_messages(ctx)
    if alerts:
        section.blocks += [Subheading("Alerts"), Bullets(alerts, style="warning")]
    section.blocks.append(
        Paragraph(
            "New to these reports? “How to read this report” at the end explains the scores, "
            "intervals and significance in a few lines.",
            style="note",
        )
    )
    return section


def scores_section(ctx: Ctx) -> Section:
    level, gid = ctx.own
    compare = level != "org" and ctx.org_id is not None
    columns = [
        "Area",
        "Score (interval)",
        "Favourable (interval)",
        "Neutral",
        "Unfavourable",
        "Agreement",
        "Responses",
    ]
    if compare:
        columns.append("vs org.")
    rows: list[list[Cell]] = []
    bars: list[dict] = []
    for c in ctx.constructs:
        r = ctx.score(level, gid, c)
        label = Cell(construct_label(c), bold=True)
        if r is None:
            continue
        if r["suppressed"] or r["score_0_100"] is None:
            rows.append([label, sup_cell(ctx, len(columns) - 1, construct=c)])
            continue

        def fig(text: str, metric: str, c: str = c) -> Cell:
            return Cell(
                text,
                align="right",
                attrs={"metric": metric, "construct": c, "group": gid, "level": level},
            )

        row = [
            label,
            fig(
                fmt_with_interval(r["score_0_100"], r["score_ci_low"], r["score_ci_high"]), "score"
            ),
            fig(
                fmt_pct_interval(r["pct_favorable"], r["favorable_ci_low"], r["favorable_ci_high"]),
                "favorable",
            ),
            fig(fmt_pct(r["pct_neutral"]), "neutral"),
            fig(fmt_pct(r["pct_unfavorable"]), "unfavorable"),
            fig(fmt_decimal(r["rwg_j"]), "rwg"),
            fig(fmt_int(r["n_respondents"]), "n"),
        ]
        if compare:
            org = ctx.score("org", ctx.org_id, c)  # type: ignore[arg-type]
            ok = org is not None and not org["suppressed"]
            row.append(
                fig(fmt_diff(r["score_0_100"], org["score_0_100"]) if ok else "n/a", "vs_org")
            )
        rows.append(row)
        for part, key in (
            ("Favourable", "pct_favorable"),
            ("Neutral", "pct_neutral"),
            ("Unfavourable", "pct_unfavorable"),
        ):
            if r[key] is not None:
                bars.append({"construct": construct_label(c), "part": part, "pct": r[key]})
    section = Section("scores", "Scores at a glance")
    if not rows:
        section.blocks.append(Paragraph("No construct scores for this group in this wave."))
        return section
    section.blocks.append(
        Table(
            columns,
            rows,
            widths=[1.7, 1.45, 1.6, 1.0, 1.55, 1.4, 1.4, 1.0][: len(columns)],
            attrs={"table": "scores"},
        )
    )
    if bars:
        section.blocks.append(
            Chart(
                charts.favourable_chart(bars),
                "Stacked bars of favourable, neutral and unfavourable answers per area.",
                width_mm=150,
            )
        )
    return section


def _point(ctx: Ctx, level: str, gid: str, label: str, own: bool) -> dict | None:
    b = ctx.balance(level, gid)
    if b is None or b["suppressed"] or not ctx.is_reportable(level, gid):
        return None
    likely, certain = position(b, ctx.threshold)
    if likely is None:
        return None
    return {
        "label": label,
        "x": b["management_index"],
        "y": b["leadership_index"],
        "x_lo": b["management_ci_low"],
        "x_hi": b["management_ci_high"],
        "y_lo": b["leadership_ci_low"],
        "y_hi": b["leadership_ci_high"],
        "quadrant": quadrant_label(likely, short=True),
        "certain": certain,
        "risk": likely in RISK_QUADRANTS,
        "size": 160 if own else 80,
        "weight": "bold" if own else "normal",
    }


def quadrant_text(ctx: Ctx, b: dict) -> str:
    likely, certain = position(b, ctx.threshold)
    if likely is None or certain:
        return quadrant_label(b["quadrant"])
    return f"Most likely {quadrant_label(likely)} (uncertain: an interval crosses the line)"


def _balance_row(
    ctx: Ctx, level: str, gid: str, label: str, own: bool, indent: int = 0
) -> list[Cell]:
    name = Cell(label, bold=own or level != "team", indent=indent, href=ctx.link(level, gid))
    b = ctx.balance(level, gid)
    if b is None:
        return [name, Cell("n/a", colspan=3, align="center")]
    if b["suppressed"] or not ctx.is_reportable(level, gid):
        return [name, sup_cell(ctx, 3, group=gid, level=level)]
    attrs = {"group": gid, "level": level}
    return [
        name,
        Cell(
            fmt_with_interval(
                b["leadership_index"], b["leadership_ci_low"], b["leadership_ci_high"]
            ),
            align="right",
            attrs=attrs | {"metric": "leadership"},
        ),
        Cell(
            fmt_with_interval(
                b["management_index"], b["management_ci_low"], b["management_ci_high"]
            ),
            align="right",
            attrs=attrs | {"metric": "management"},
        ),
        Cell(quadrant_text(ctx, b), attrs=attrs | {"metric": "quadrant"}),
    ]


def _entries(ctx: Ctx) -> list[tuple[str, str, str, bool]]:
    """(level, id, label, own) of the groups on the chart and in the table."""
    level, gid = ctx.own
    if level == "team":
        return [("team", gid, gid, True)] + [
            ("team", t, t, False) for t in ctx.members("team") if t != gid
        ]
    entries = [(level, gid, LEVEL_LABELS[level] if level == "org" else gid, True)]
    if level == "org":
        if not ctx.large:  # a large organisation's departments are in their own table
            entries += [("department", d, d, False) for d in ctx.members("department")]
        entries += [("team", t, t, False) for t in ctx.members("team")]
    else:
        entries += [("team", t, t, False) for t in ctx.members("team")]
    return entries


def balance_section(ctx: Ctx) -> Section:
    section = Section("balance", "Balance of leadership and management")
    what = "department and each team that needs attention" if ctx.level == "org" else "team"
    section.blocks.append(
        Paragraph(
            f"Each dot is a {what}: up means stronger leadership (trust, empowerment), right "
            "means stronger management (clarity of expectations, accountability). The colour is the quadrant "
            "where it most likely stands (its scores); lines through a dot show its interval, "
            f"and the dashed lines mark {fmt_int(ctx.threshold)}. A hollow dot's interval "
            "crosses a line, so its position is uncertain: the marts call it “Unclear”.",
            style="note",
        )
    )
    entries = _entries(ctx)
    points = [p for e in entries if (p := _point(ctx, *e))]
    if len(points) > MAX_POINTS:  # keep the group itself, the named teams and the risks
        keep = sorted(
            points, key=lambda p: (p["weight"] != "bold", not p["risk"], not p["certain"])
        )
        points = [p for p in points if p in keep[:MAX_POINTS]]
        section.blocks.append(
            Paragraph(
                f"The chart shows {MAX_POINTS} of {len(entries) - 1} groups: this one, the teams "
                "that need attention and the groups at risk first. The table lists every group.",
                style="note",
            )
        )
    crowded = len(points) > CROWDED and ctx.level == "org"
    if crowded:  # name the group itself, the named teams and the groups at risk
        for p in points:
            named = p["label"] in ctx.members("team")
            if p["weight"] != "bold" and not p["risk"] and not named:
                p["label"] = ""
        section.blocks.append(
            Paragraph(
                "With this many groups, the chart names only the teams that need attention and "
                "the groups at risk; the table below lists every one.",
                style="note",
            )
        )
    if points:
        section.blocks.append(
            Chart(
                charts.quadrant_chart(points, ctx.threshold, crowded),
                "Scatter of leadership index against management index.",
                width_mm=135,
            )
        )
    hidden = [e[2] for e in entries if e[0] == "team" and not ctx.is_reportable("team", e[1])]
    if hidden:
        section.blocks.append(
            Paragraph(f"Not shown ({ctx.suppressed_text}): {', '.join(hidden)}.", style="note")
        )
    rows = [
        _balance_row(ctx, lvl, g, label, own, int(lvl == "team" and ctx.level != "team"))
        for lvl, g, label, own in entries
    ]
    section.blocks.append(
        Table(
            ["Group", "Leadership index", "Management index", "Quadrant"],
            rows,
            widths=[2.2, 1.6, 1.6, 3],
            attrs={"table": "balance"},
        )
    )
    return section


def suppressed_document(ctx: Ctx, title: str, subtitle: str) -> Document:
    doc = Document(title, subtitle, ctx.wave, ctx.level, ctx.gid)
    doc.sections.append(
        Section(
            "summary",
            "Summary",
            [
                Paragraph(
                    f"This {ctx.level} had {ctx.suppressed_text} in wave {ctx.wave}. To protect the "
                    "anonymity of the people who answered, no results are shown for it."
                )
            ],
        )
    )
    doc.sections.append(appendix.how_to_read(ctx))
    return doc


def build_document(data: ScopeData, *, k: int, comment_k: int, threshold: float) -> Document:
    ctx = Ctx(data, k=k, comment_k=comment_k, threshold=threshold)
    title, subtitle = title_for(data)
    if not ctx.is_reportable(*ctx.own):
        return suppressed_document(ctx, title, subtitle)
    doc = Document(title, subtitle, data.wave, data.level, data.group_id)
    doc.sections += [
        summary_section(ctx),
        scores_section(ctx),
        *([questions] if (questions := items.items_section(ctx)) else []),
        balance_section(ctx),
        *([teams] if (teams := organisation.teams_section(ctx)) else []),
        *organisation.departments_sections(ctx),
        heatmap_section(ctx),
        sections.trends_section(ctx),
        guidance.drivers_section(ctx),
        guidance.practices_section(ctx),
        guidance.comments_section(ctx),
        appendix.data_quality_section(ctx),
    ]
    doc.sections.append(appendix.how_to_read(ctx, doc.sections))
    return doc
