"""Trends across waves, participation and eNPS."""

from __future__ import annotations

from . import charts
from .context import Ctx
from .formatting import (
    construct_label,
    fmt_int,
    fmt_share,
    fmt_signed,
    fmt_with_interval,
    is_missing,
)
from .model import Cell, Chart, Paragraph, Section, Subheading, Table, drop_empty_columns

MAX_TREND_WAVES = 4


def _sup(ctx: Ctx, colspan: int = 1) -> Cell:
    return Cell(
        ctx.suppressed_text,
        suppressed=True,
        colspan=colspan,
        align="center",
        attrs={"suppressed": "true"},
    )


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
                row.append(
                    Cell(
                        fmt_int(r["score_0_100"]),
                        align="right",
                        attrs={
                            "metric": "score",
                            "construct": c,
                            "wave": w,
                            "group": gid,
                            "level": level,
                        },
                    )
                )
        ch = changes.get(c)
        if ctx.prev_wave is None:
            pass  # first wave: nothing to compare with
        elif ch is not None and ch["suppressed"]:
            row.append(_sup(ctx))
        elif ch is None or is_missing(ch["delta"]):
            row.append(Cell("n/a", align="right"))
        else:
            row.append(
                Cell(
                    _change_text(ch),
                    align="right",
                    attrs={
                        "metric": "delta",
                        "construct": c,
                        "group": gid,
                        "level": level,
                        "wave": ctx.wave,
                    },
                )
            )
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
        Cell(
            fmt_share(r["participation_rate"]),
            align="right",
            attrs=attrs | {"metric": "participation"},
        ),
        Cell(_participation_note(r)),
    ]


def _participation_tables(ctx: Ctx, waves: list[str]) -> list:
    level, gid = ctx.own
    cols = ["Wave", "Responses", "On roster", "Participation", "Note"]
    history = [
        _participation_row(ctx, w, level, gid, w)
        for w in waves
        if ctx.participation(level, gid, w) is not None
    ]
    blocks: list = []
    if history:
        blocks += [
            Subheading("Participation"),
            drop_empty_columns(
                Table(cols, history, widths=[1.4, 1, 1, 1, 2.2], attrs={"table": "participation"})
            ),
        ]
    children = []
    if level == "org":
        children = [] if ctx.large else [("department", d) for d in ctx.members("department")]
    elif level == "department":
        children = [("team", t) for t in ctx.members("team")]
    rows = [
        _participation_row(ctx, g, lvl, g, ctx.wave)
        for lvl, g in children
        if ctx.participation(lvl, g) is not None
    ]
    if rows:
        blocks.append(
            drop_empty_columns(
                Table(
                    ["Group", *cols[1:]],
                    rows,
                    widths=[1.4, 1, 1, 1, 2.2],
                    caption=f"By {children[0][0]}, wave {ctx.wave}",
                    attrs={"table": "participation-children"},
                )
            )
        )
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
        rows.append(
            [
                Cell(w),
                Cell(
                    fmt_with_interval(r["enps"], r["enps_ci_low"], r["enps_ci_high"], signed=True),
                    align="right",
                    attrs=attrs | {"metric": "enps"},
                ),
                Cell(
                    fmt_share(r["promoters"]), align="right", attrs=attrs | {"metric": "promoters"}
                ),
                Cell(fmt_share(r["passives"]), align="right", attrs=attrs | {"metric": "passives"}),
                Cell(
                    fmt_share(r["detractors"]),
                    align="right",
                    attrs=attrs | {"metric": "detractors"},
                ),
            ]
        )
        points.append(
            {"wave": w, "enps": r["enps"], "lo": r["enps_ci_low"], "hi": r["enps_ci_high"]}
        )
    if not rows:
        return []
    blocks: list = [
        Subheading("eNPS (would recommend as a place to work)"),
        Table(
            ["Wave", "eNPS (interval)", "Promoters", "Passives", "Detractors"],
            rows,
            widths=[1.4, 1.8, 1, 1, 1],
            attrs={"table": "enps"},
        ),
    ]
    if len(points) > 1:
        blocks.append(
            Chart(charts.enps_chart(points, waves), "eNPS by wave with interval.", width_mm=130)
        )
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
                points.append(
                    {
                        "wave": w,
                        "construct": construct_label(c),
                        "score": r["score_0_100"],
                        "lo": r["score_ci_low"],
                        "hi": r["score_ci_high"],
                    }
                )
    if len({p["wave"] for p in points}) > 1:
        section.blocks.append(
            Chart(
                charts.trend_chart(points, waves),
                "Scores by wave, one line per area.",
                width_mm=140,
            )
        )
    elif ctx.prev_wave is None:
        section.blocks.append(
            Paragraph("This is the first wave; trends start with the next one.", style="note")
        )
    section.blocks.append(_trend_table(ctx, waves))
    if ctx.prev_wave is not None:
        section.blocks.append(
            Paragraph(
                "A change is called significant only when it is at least the minimum effect and "
                "survives the false-discovery correction (q < 0.05).",
                style="note",
            )
        )
    section.blocks += _participation_tables(ctx, waves)
    section.blocks += _enps_blocks(ctx, waves)
    return section
