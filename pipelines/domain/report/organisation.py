"""An organisation's teams as a distribution, and a large organisation's departments."""

from __future__ import annotations

from .context import Ctx
from .formatting import (
    construct_label,
    diff_value,
    fmt_diff,
    fmt_int,
    fmt_share,
    quadrant_label,
)
from .heatmap import diff_fill
from .model import Cell, Paragraph, Section, Subheading, Table
from .overview import RISK_QUADRANTS, position

PRINTED_DEPARTMENTS = 40

QUANTILE_HEADS = ["Lowest 10%", "Lower quarter", "Median", "Upper quarter", "Highest 10%"]


def teams_section(ctx: Ctx) -> Section | None:
    """An organisation's teams as a distribution: where they most likely stand, how their
    scores spread, and which ones need attention (named, up to a fixed number)."""
    overview = ctx.data.teams
    if ctx.level != "org" or not overview.get("n_teams"):
        return None
    section = Section("teams", "Teams across the organisation")
    likely: dict = overview.get("likely", {})  # type: ignore[assignment]
    placed: dict = overview.get("quadrants", {})  # type: ignore[assignment]
    rows = []
    for key in ("in_tandem", "chaos_risk", "stagnation_risk", "adrift"):
        if likely.get(key) or placed.get(key):
            rows.append(
                [
                    Cell(quadrant_label(key), bold=True),
                    Cell(fmt_int(likely.get(key, 0)), align="right"),
                    Cell(fmt_int(placed.get(key, 0)), align="right"),
                ]
            )
    section.blocks.append(
        Paragraph(
            f"{fmt_int(overview['n_shown'])} of {fmt_int(overview['n_teams'])} teams have enough "
            "responses to show. “Most likely” counts each team in the quadrant of its two "
            "indices; “certain” counts only those whose intervals clear the lines.",
            style="note",
        )
    )
    if rows:
        section.blocks.append(
            Table(
                ["Quadrant", "Teams, most likely", "Teams, certain"],
                rows,
                widths=[2.5, 1.5, 1.5],
                attrs={"table": "team-quadrants"},
            )
        )
    distribution: dict = overview.get("distribution", {})  # type: ignore[assignment]
    if distribution:
        section.blocks += [
            Subheading("How team scores spread"),
            Table(
                ["Area", *QUANTILE_HEADS],
                [
                    [Cell(construct_label(c), bold=True)]
                    + [Cell(fmt_int(v), align="right") for v in values]
                    for c, values in distribution.items()
                ],
                widths=[2.2, 1, 1, 1, 1, 1],
                attrs={"table": "team-spread"},
            ),
        ]
    named = overview.get("attention", [])
    if named:
        section.blocks.append(
            Paragraph(
                f"The {len(named)} teams that need attention most (risk quadrants, significant "  # type: ignore[arg-type]
                "drops, then the lowest scores) are named in the charts and tables of this report "
                "and under “Where to look first”; every team is in its department's report.",
                style="note",
            )
        )
    return section


def departments_sections(ctx: Ctx) -> list[Section]:
    """A large organisation's departments, one compact row each: all of them on screen (HTML),
    and in print (PDF) those most likely at risk, up to PRINTED_DEPARTMENTS."""
    if not ctx.large:
        return []
    full = _departments(ctx, ctx.members("department"))
    full.formats = ("html",)
    at_risk = [
        d
        for d in ctx.members("department")
        if ctx.is_reportable("department", d)
        and (b := ctx.balance("department", d))
        and position(b, ctx.threshold)[0] in RISK_QUADRANTS
    ]
    printed = _departments(ctx, at_risk[:PRINTED_DEPARTMENTS])
    printed.formats = ("pdf",)
    printed.blocks.insert(
        1,
        Paragraph(
            f"In print: the {min(len(at_risk), PRINTED_DEPARTMENTS)} of "
            f"{len(ctx.members('department'))} departments most likely in a risk quadrant. The "
            "HTML report lists every department.",
            style="note",
        ),
    )
    return [full, printed]


def _departments(ctx: Ctx, departments: list[str]) -> Section:
    section = Section("departments", "Departments")
    section.blocks.append(
        Paragraph(
            "Every department: responses, participation, both indices, its most likely "
            "quadrant, and each area's score minus the organisation's. The name links to the "
            "department's own report.",
            style="note",
        )
    )
    org = {c: ctx.score("org", ctx.org_id, c) for c in ctx.constructs} if ctx.org_id else {}
    rows = []
    for dept in departments:
        name = Cell(dept, bold=True, href=ctx.link("department", dept))
        b = ctx.balance("department", dept)
        if not ctx.is_reportable("department", dept) or b is None or b["suppressed"]:
            rows.append([name, Cell(ctx.suppressed_text, suppressed=True, colspan=5 + len(org))])
            continue
        p = ctx.participation("department", dept)
        likely, certain = position(b, ctx.threshold)
        row = [
            name,
            Cell(fmt_int(ctx.group_n("department", dept)), align="right"),
            Cell(fmt_share(p["participation_rate"]) if p and not p["suppressed"] else "n/a"),
            Cell(fmt_int(b["leadership_index"]), align="right"),
            Cell(fmt_int(b["management_index"]), align="right"),
            Cell(quadrant_label(likely, short=True) + ("" if certain else " (likely)")),
        ]
        for c, o in org.items():
            r = ctx.score("department", dept, c)
            if r is None or r["suppressed"] or o is None or o["suppressed"]:
                row.append(Cell("n/a", align="center"))
            else:
                diff = diff_value(r["score_0_100"], o["score_0_100"]) or 0
                row.append(
                    Cell(
                        fmt_diff(r["score_0_100"], o["score_0_100"]),
                        align="center",
                        fill=diff_fill(diff),
                    )
                )
        rows.append(row)
    section.blocks.append(
        Table(
            ["Department", "Responses", "Participation", "Leadership", "Management", "Most likely"]
            + [f"{construct_label(c)} vs org." for c in org],
            rows,
            widths=[2.2, 1, 1.1, 1.1, 1.1, 1.6] + [1.0] * len(org),
            attrs={"table": "departments"},
        )
    )
    return section
