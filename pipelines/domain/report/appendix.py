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
from .model import Bullets, Cell, Paragraph, Section, Subheading, Table, drop_empty_columns


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
            drop_empty_columns(
                Table(
                    ["File", "Status", "Rows read", "Accepted", "Excluded", "Quarantined", "Note"],
                    rows,
                    widths=[2.0, 1.4, 0.9, 1.1, 1.7, 1.4, 2.0],
                    attrs={"table": "files"},
                )
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
            drop_empty_columns(
                Table(
                    ["Area", "Respondents", "Items", "Alpha (interval)", "Omega", "Note"],
                    rows,
                    widths=[2, 1.35, 0.8, 1.8, 0.9, 2.0],
                    attrs={"table": "reliability"},
                )
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
            Table(
                ["Area", "Teams", "ICC(1)", "ICC(2)"],
                rows,
                widths=[2, 1, 1, 1],
                attrs={"table": "icc"},
            ),
        ]
    return section


# What each figure means, keyed by topic; METRIC_TOPICS says which figure needs which topic.
def glossary(ctx: Ctx) -> dict[str, str]:
    k, line = ctx.k, fmt_int(ctx.threshold)
    return {
        "score": "Scores run from 0 to 100: 0 means everyone chose the lowest answer on every "
        "question, 100 the highest. It is an average over people, not a percentage of people.",
        "favourable": "% favourable counts the answers in the top two boxes (agree, strongly "
        "agree); % neutral and % unfavourable make up the rest.",
        "interval": "The interval in brackets, such as 72 (65–79), is where the true figure "
        "most likely lies (95%). Small groups have wide intervals; two overlapping intervals "
        "may not differ.",
        "diff": "Differences from the organisation (“vs org.”, the heatmap) are the group's "
        "score minus the organisation's, in points, both rounded as shown.",
        "change": "A change is the score now minus the score in the previous wave, in points. "
        "It is called significant only if it is large enough to matter (a few points at least) "
        "and unlikely to be chance after correcting for the many comparisons made (q < 0.05). "
        "Changes are computed before rounding, so one can differ by a point from the "
        "difference of the two rounded scores.",
        "balance": f"The leadership index averages trust and empowerment; the management index "
        f"averages clarity of expectations and accountability. The quadrant lines are at "
        f"{line}. “Most likely” is the quadrant of the two indices themselves; a group is "
        f"placed for certain only when both intervals clear the line, else the marts call it "
        f"“Unclear”.",
        "spread": "How team scores spread: the lowest 10% of teams score at most the first "
        "figure, a quarter at most the second, half at most the median, and so on.",
        "rwg": "Agreement (rwg) runs from 0 to 1: near 1 the team answered alike; low values "
        "mean people experience the team very differently.",
        "enps": "eNPS (employee net promoter score) is the % of promoters (9 or 10 on “would "
        "you recommend working here”) minus the % of detractors (0 to 6), from -100 to +100; "
        "passives (7 or 8) count in neither.",
        "participation": "Participation is the number of responses divided by the headcount "
        "on the roster. “Low (under 60%)” means the results may not speak for the whole group; "
        "“Over 100%: roster out of date” means more people answered than the roster lists.",
        "drivers": "Impact (0 to 1) is the share of the differences in the outcome between "
        "people that goes with an area. The gap compares the score with a reference (the "
        "organisation, or for the organisation itself the quadrant line). Priority weighs "
        "impact by the shortfall: the higher, the sooner to act.",
        "comments": "Comments are grouped into themes by keywords. Share is the theme's part "
        "of the group's comments; “since last wave” is its change in percentage points. Mean "
        "sentiment runs from -1 (negative) to +1 (positive), estimated from the wording, so "
        "read it as a rough signal.",
        "reliability": "Cronbach's alpha and omega (0 to 1) say how consistently an area's "
        "questions measure the same thing; below 0.70 (“read with caution”) the area's score "
        "is less dependable.",
        "icc": "ICC(1) is the share of differences between people explained by their team; "
        "ICC(2) is how reliably team averages can be told apart (0.70 or more is good).",
        "files": "Each survey file: rows read, accepted, excluded (test or spam, partial, "
        "duplicate answers) and quarantined (rows that broke a rule and were set aside).",
        "n/a": "“n/a” means the marts hold no figure there: the group did not exist or was not "
        "surveyed in that wave, there is no earlier wave to compare with, or the figure could "
        "not be computed (for example, too few answers to an item).",
        "suppressed": f"“{ctx.suppressed_text}” marks a group or figure held back to protect "
        f"anonymity: results are shown only for groups of at least {k} people (and not where "
        f"they could be worked out from other groups' figures), and comments only for groups "
        f"of at least {ctx.comment_k}.",
    }


METRIC_TOPICS = {
    "score": ("score", "interval"),
    "favorable": ("favourable",),
    "neutral": ("favourable",),
    "unfavorable": ("favourable",),
    "rwg": ("rwg",),
    "n": ("score",),
    "item_score": ("score",),
    "item_favorable": ("favourable",),
    "vs_org": ("diff",),
    "diff": ("diff",),
    "leadership": ("balance",),
    "management": ("balance",),
    "quadrant": ("balance",),
    "delta": ("change",),
    "respondents": ("participation",),
    "headcount": ("participation",),
    "participation": ("participation",),
    "enps": ("enps", "interval"),
    "promoters": ("enps",),
    "passives": ("enps",),
    "detractors": ("enps",),
    "impact": ("drivers",),
    "gap": ("drivers",),
    "gap_to_line": ("drivers",),
    "priority": ("drivers",),
    "n_comments": ("comments",),
    "share": ("comments",),
    "share_change": ("comments",),
    "sentiment": ("comments",),
    "alpha": ("reliability",),
}
# Tables whose figures carry no data-metric: explained by the table they are in.
TABLE_TOPICS = {
    "reliability": ("reliability",),
    "icc": ("icc",),
    "files": ("files",),
    "drivers": ("drivers",),
    "themes": ("comments",),
    "enps": ("enps",),
    "team-quadrants": ("balance",),
    "team-spread": ("spread",),
    "departments": ("balance", "diff", "participation"),
}


def _tables(sections: list[Section]):
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Table):
                yield block


def how_to_read(ctx: Ctx, sections: list[Section] | None = None) -> Section:
    """Explain every figure, note and missing-value reason the other sections show."""
    topics: set[str] = {"score", "interval"}
    for table in _tables(sections or []):
        topics.update(TABLE_TOPICS.get(table.attrs.get("table", ""), ()))
        for cell in (c for row in table.rows for c in row):
            topics.update(METRIC_TOPICS.get(cell.attrs.get("metric", ""), ()))
            topics.update(("suppressed",) if cell.suppressed else ())
            topics.update(("n/a",) if cell.text.startswith("n/a") else ())
    if not sections:
        topics.add("suppressed")
    items = [text for topic, text in glossary(ctx).items() if topic in topics]
    return Section("how-to-read", "How to read this report", [Bullets(items)])
