"""Build the document of one report: summary, scores and balance sections.

The others live in heatmap.py, sections.py, guidance.py and appendix.py. Nothing here
reads a figure of a suppressed row (load.py has already wiped them); a suppressed group or
cell becomes the text "fewer than k responses" and nothing else.
"""

from __future__ import annotations

from . import appendix, charts, guidance, sections
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

CROWDED = 12  # more dots than this and the chart names only the teams at risk
RISKS = {quadrant_label(q, short=True) for q in ("chaos_risk", "stagnation_risk", "adrift")}


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
    if b["leadership_index"] is None or b["management_index"] is None:
        return None
    return {
        "label": label,
        "x": b["management_index"],
        "y": b["leadership_index"],
        "x_lo": b["management_ci_low"],
        "x_hi": b["management_ci_high"],
        "y_lo": b["leadership_ci_low"],
        "y_hi": b["leadership_ci_high"],
        "quadrant": quadrant_label(b["quadrant"], short=True),
        "size": 160 if own else 80,
        "stroke": 2 if own else 0,
        "weight": "bold" if own else "normal",
    }


def _balance_row(
    ctx: Ctx, level: str, gid: str, label: str, own: bool, indent: int = 0
) -> list[Cell]:
    name = Cell(label, bold=own or level != "team", indent=indent)
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
        Cell(quadrant_label(b["quadrant"]), attrs=attrs | {"metric": "quadrant"}),
    ]


def balance_section(ctx: Ctx) -> Section:
    section = Section("balance", "Balance of leadership and management")
    section.blocks.append(
        Paragraph(
            "Each dot is a team: up means stronger leadership (trust, empowerment), right means "
            "stronger management (clarity, accountability). Lines through a dot show its interval; "
            f"the dashed lines mark {fmt_int(ctx.threshold)}. A team whose interval crosses a line "
            "is “Unclear” rather than forced into a quadrant.",
            style="note",
        )
    )
    entries: list[tuple[str, str, str, bool]] = []  # level, id, label, own
    level, gid = ctx.own
    if level == "team":
        entries.append(("team", gid, gid, True))
        entries += [("team", t, t, False) for t in ctx.members("team") if t != gid]
    else:
        entries.append((level, gid, LEVEL_LABELS[level] if level == "org" else gid, True))
        for dept, teams in ctx.teams_by_department():
            if level == "org" and dept is not None:
                entries.append(("department", dept, dept, False))
            entries += [("team", t, t, False) for t in teams]
    points = [p for e in entries if (e[3] or e[0] == "team") and (p := _point(ctx, *e))]
    crowded = len(points) > CROWDED
    if crowded:  # name only the group itself and the teams at risk; the table has them all
        for p in points:
            if p["weight"] != "bold" and p["quadrant"] not in RISKS:
                p["label"] = ""
        section.blocks.append(
            Paragraph(
                "With this many teams, only those in a risk quadrant are named on the chart; the "
                "table below lists every team.",
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
        _balance_row(ctx, lvl, g, label, own, int(lvl == "team" and level != "team"))
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
        balance_section(ctx),
        heatmap_section(ctx),
        sections.trends_section(ctx),
        guidance.drivers_section(ctx),
        guidance.practices_section(ctx),
        guidance.comments_section(ctx),
        appendix.data_quality_section(ctx),
        appendix.how_to_read(ctx),
    ]
    return doc
