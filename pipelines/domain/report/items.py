"""The questions under each area: every item's score and % favourable (`mart_item_scores`).

One compact table, one block of rows per area that the scores section shows: the area as a
bold row, then its questions. Only for a group whose area is shown; a question whose row is
withheld (too few people answered it, or it would reveal such a row by subtraction) says
"fewer than k responses" and nothing else.
"""

from __future__ import annotations

from .context import Ctx
from .formatting import construct_label, fmt_int, fmt_pct, natural_key
from .heatmap import sup_cell
from .model import Cell, Paragraph, Section, Table


def _item_rows(ctx: Ctx) -> dict[str, list[dict]]:
    """The group's item rows of this wave, by construct, in item order."""
    level, gid = ctx.own
    found: dict[str, list[dict]] = {}
    for r in ctx.data.tables.get("items", []):
        if (r["wave_id"], r["group_level"], r["group_id"]) == (ctx.wave, level, gid):
            found.setdefault(str(r["construct"]), []).append(r)
    return {c: sorted(rows, key=lambda r: natural_key(str(r["item_id"]))) for c, rows in found.items()}


def _question(r: dict) -> str:
    text = str(r.get("item_text") or r["item_id"])
    return f"{text} (reversed)" if r.get("is_reverse_keyed") else text


def items_section(ctx: Ctx) -> Section | None:
    """The section, or None when the group shows no area with questions."""
    level, gid = ctx.own
    by_construct = _item_rows(ctx)
    rows: list[list[Cell]] = []
    reversed_items = False
    for c in ctx.constructs:
        score = ctx.score(level, gid, c)
        if c not in by_construct or score is None or score["suppressed"]:
            continue  # the area itself is not shown: neither are its questions
        rows.append([Cell(construct_label(c), bold=True, colspan=3)])
        for r in by_construct[c]:
            question = Cell(_question(r), indent=1)
            reversed_items |= bool(r.get("is_reverse_keyed"))
            if r["suppressed"] or r["score_0_100"] is None:
                rows.append([question, sup_cell(ctx, 2, construct=c, item=str(r["item_id"]))])
                continue
            attrs = {"construct": c, "item": str(r["item_id"]), "group": gid, "level": level}
            rows.append([
                question,
                Cell(fmt_int(r["score_0_100"]), align="right", attrs=attrs | {"metric": "item_score"}),
                Cell(fmt_pct(r["pct_favorable"]), align="right",
                     attrs=attrs | {"metric": "item_favorable"}),
            ])
    if not rows:
        return None
    section = Section("items", "Questions")
    section.blocks.append(
        Table(["Question", "Score", "Favourable"], rows, widths=[6.0, 1.0, 1.2],
              attrs={"table": "items"})
    )
    if reversed_items:
        section.blocks.append(Paragraph(
            "A question marked (reversed) is worded negatively: its answers are reversed before "
            "scoring, so a high score and a high favourable share mean people disagreed.",
            style="note",
        ))
    return section
