"""Appendix sections: data quality (files, reliability, ICC) and how to read a report."""

from __future__ import annotations

from .context import Ctx
from .formatting import (
    construct_label,
    construct_sort_key,
    fmt_alpha,
    fmt_decimal,
    fmt_int,
    is_missing,
)
from .model import Bullets, Cell, Paragraph, Section, Subheading, Table


def data_quality_section(ctx: Ctx) -> Section:
    section = Section("data-quality", "Appendix: data quality")
    files = ctx.data.tables["data_quality"]
    if files:
        rows = []
        for f in files:
            excluded = fmt_int(f["rows_excluded"])
            parts = [
                (f["excluded_preview_test_spam"], "test/spam"),
                (f["excluded_partial"], "partial"),
                (f["excluded_duplicate"], "duplicate"),
            ]
            detail = ", ".join(f"{fmt_int(v)} {name}" for v, name in parts if v)
            rows.append(
                [
                    Cell(str(f["file_name"] or "")),
                    Cell(str(f["status"] or "").replace("_", " ").capitalize()),
                    Cell(fmt_int(f["rows_read"]), align="right"),
                    Cell(fmt_int(f["rows_accepted"]), align="right"),
                    Cell(excluded + (f" ({detail})" if detail else "")),
                    Cell(fmt_int(f["rows_quarantined"]), align="right"),
                    Cell(str(f["message"] or "")),
                ]
            )
        section.blocks.append(
            Table(
                ["File", "Status", "Rows read", "Accepted", "Excluded", "Quarantined", "Note"],
                rows,
                widths=[2.0, 1.4, 0.9, 1.1, 1.7, 1.4, 2.0],
                attrs={"table": "files"},
            )
        )
    else:
        section.blocks.append(Paragraph("No file records for this wave.", style="note"))
    reliability = sorted(
        ctx.data.tables["reliability"], key=lambda r: construct_sort_key(str(r["construct"]))
    )
    if reliability:
        rows = []
        for r in reliability:
            alpha = r["cronbach_alpha"]
            low = not is_missing(alpha) and float(alpha) < 0.7
            text = fmt_alpha(alpha)
            if not is_missing(r["alpha_ci_low"]) and not is_missing(r["alpha_ci_high"]):
                text += f" ({fmt_alpha(r['alpha_ci_low'])}–{fmt_alpha(r['alpha_ci_high'])})"
            rows.append(
                [
                    Cell(construct_label(str(r["construct"])), bold=True),
                    Cell(fmt_int(r["n_respondents"]), align="right"),
                    Cell(fmt_int(r["n_items"]), align="right"),
                    Cell(
                        text,
                        align="right",
                        attrs={
                            "metric": "alpha",
                            "construct": str(r["construct"]),
                            "wave": ctx.wave,
                        },
                    ),
                    Cell(fmt_alpha(r["omega"]), align="right"),
                    Cell(
                        "Below 0.70: read with caution" if low else "",
                        fill="#fde6da" if low else None,
                    ),
                ]
            )
        section.blocks += [
            Subheading("Reliability of each area (Cronbach's alpha)"),
            Table(
                ["Area", "Respondents", "Items", "Alpha (interval)", "Omega", "Note"],
                rows,
                widths=[2, 1.35, 0.8, 1.8, 0.9, 2.0],
                attrs={"table": "reliability"},
            ),
        ]
    icc = sorted(ctx.data.tables["icc"], key=lambda r: construct_sort_key(str(r["construct"])))
    if icc:
        rows = [
            [
                Cell(construct_label(str(r["construct"])), bold=True),
                Cell(fmt_int(r["n_groups"]), align="right"),
                Cell(fmt_decimal(r["icc1"]), align="right"),
                Cell(fmt_decimal(r["icc2"]), align="right"),
            ]
            for r in icc
        ]
        section.blocks += [
            Subheading("Do team scores differ? (intraclass correlation)"),
            Paragraph(
                "ICC(1) is the share of differences between people explained by their "
                "team; ICC(2) is how reliably team averages can be told apart (0.70 or "
                "more is good).",
                style="note",
            ),
            Table(["Area", "Teams", "ICC(1)", "ICC(2)"], rows, widths=[2, 1, 1, 1]),
        ]
    return section


def how_to_read(ctx: Ctx) -> Section:
    k, line = ctx.k, fmt_int(ctx.threshold)
    items = [
        "Scores run from 0 to 100: 0 means everyone chose the lowest answer on every question, "
        "100 the highest. It is an average over people, not a percentage of people.",
        "% favourable counts the answers in the top two boxes (agree, strongly agree); % neutral "
        "and % unfavourable make up the rest.",
        "The interval in brackets, such as 72 (65–79), is where the true figure most likely "
        "lies (95%). Small groups have wide intervals; two overlapping intervals may not differ.",
        "A change is called significant only if it is large enough to matter (a few points at "
        "least) and unlikely to be chance after correcting for the many comparisons made. "
        "Changes are computed before rounding, so one can differ by a point from the "
        "difference of the two rounded scores.",
        f"The leadership index averages trust and empowerment; the management index averages "
        f"clarity and accountability. The quadrant line is at {line}.",
        "Agreement (rwg) runs from 0 to 1: near 1 the team answered alike; low values mean "
        "people experience the team very differently.",
        f"“{ctx.suppressed_text}” marks a group or figure held back to protect anonymity: "
        f"results are shown only for groups of at least {k} people (and not where they could "
        f"be worked out from other groups' figures), and comments only for groups of at least "
        f"{ctx.comment_k}.",
    ]
    return Section("how-to-read", "How to read this report", [Bullets(items)])
