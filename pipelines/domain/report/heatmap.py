"""The heatmap: each group's score minus the organisation's, area by area."""

from __future__ import annotations

from .context import Ctx
from .formatting import construct_label, diff_value, fmt_diff, fmt_int
from .model import Cell, Paragraph, Section, Table

DIFF_BINS = [  # (lowest difference in the bin, fill, legend text)
    (-1000, "#ef8a62", "-10 or lower"),
    (-9, "#f7c3a8", "-9 to -5"),
    (-4, "#fde6da", "-4 to -2"),
    (-1, "#f7f7f7", "-1 to +1"),
    (2, "#dcebf5", "+2 to +4"),
    (5, "#a9cfe8", "+5 to +9"),
    (10, "#67a9cf", "+10 or higher"),
]


def diff_fill(diff: int) -> str:
    fill = DIFF_BINS[0][1]
    for low, colour, _ in DIFF_BINS:
        if diff >= low:
            fill = colour
    return fill


def sup_cell(ctx: Ctx, colspan: int = 1, **attrs: str) -> Cell:
    return Cell(
        ctx.suppressed_text,
        suppressed=True,
        colspan=colspan,
        align="center",
        attrs={"suppressed": "true", **attrs},
    )


def _heat_row(ctx: Ctx, level: str, gid: str, label: str, indent: int) -> list[Cell]:
    cells = [Cell(label, bold=level != "team", indent=indent)]
    for c in ctx.constructs:
        r = ctx.score(level, gid, c)
        org = ctx.score("org", ctx.org_id, c) if ctx.org_id else None
        attrs = {"metric": "diff", "group": gid, "level": level, "construct": c}
        if r is None:
            cells.append(Cell("n/a", align="center"))
        elif r["suppressed"] or r["score_0_100"] is None:
            cells.append(sup_cell(ctx, group=gid, level=level, construct=c))
        elif org is None or org["suppressed"] or org["score_0_100"] is None:
            cells.append(Cell("n/a", align="center"))
        else:
            diff = diff_value(r["score_0_100"], org["score_0_100"])
            cells.append(
                Cell(
                    fmt_diff(r["score_0_100"], org["score_0_100"]),
                    align="center",
                    fill=diff_fill(diff or 0),
                    attrs=attrs,
                )
            )
    return cells


def heatmap_section(ctx: Ctx) -> Section:
    section = Section("heatmap", "Compared with the organisation")
    if not ctx.org_id:
        section.blocks.append(Paragraph("No organisation scores in this wave to compare with."))
        return section
    section.blocks.append(
        Paragraph(
            "Each cell is the group's score minus the organisation's score, in points (both rounded "
            "as shown). Blue is above the organisation, orange below. Grey hatched cells had "
            f"{ctx.suppressed_text} and show nothing else.",
            style="note",
        )
    )
    columns = ["Group", *[construct_label(c) for c in ctx.constructs]]
    org_row = [Cell("Organisation score", bold=True)]
    for c in ctx.constructs:
        r = ctx.score("org", ctx.org_id, c)
        if r is None or r["suppressed"] or r["score_0_100"] is None:
            org_row.append(sup_cell(ctx) if r is not None else Cell("n/a", align="center"))
        else:
            org_row.append(
                Cell(
                    fmt_int(r["score_0_100"]),
                    bold=True,
                    align="center",
                    attrs={"metric": "score", "group": ctx.org_id, "level": "org", "construct": c},
                )
            )
    rows = [org_row]
    level, gid = ctx.own
    if level == "team":
        if ctx.data.parent_id:
            rows.append(_heat_row(ctx, "department", ctx.data.parent_id, ctx.data.parent_id, 0))
        rows.append(_heat_row(ctx, "team", gid, gid, 1))
    else:
        for dept, teams in ctx.teams_by_department():
            if dept is not None and ("department", dept) in ctx.data.family:
                rows.append(_heat_row(ctx, "department", dept, dept, 0))
            elif level == "org":
                rows.append([Cell("Other teams", bold=True, colspan=len(columns))])
            rows += [_heat_row(ctx, "team", t, t, 1) for t in teams]
    width = [1.8] + [1.0] * len(ctx.constructs)
    section.blocks.append(
        Table(columns, rows, widths=width, kind="heatmap", attrs={"table": "heatmap"})
    )
    legend = [Cell(text, fill=fill, align="center") for _, fill, text in DIFF_BINS]
    section.blocks.append(
        Table(["Points from the organisation"] + [""] * (len(legend) - 1), [legend], kind="legend")
    )
    return section
