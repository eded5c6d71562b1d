"""A small document model: the builder fills it once, and HTML and PDF both render it.

Because every text (figures included) is decided here, the two formats cannot
disagree on a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    text: str
    suppressed: bool = False
    fill: str | None = None  # background colour, "#rrggbb"
    bold: bool = False
    align: str = "left"  # left | right | center
    colspan: int = 1
    indent: int = 0
    attrs: dict[str, str] = field(default_factory=dict)  # HTML data-* attributes
    href: str | None = None  # a link to another report, relative to this one (HTML only)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    widths: list[float] | None = None  # relative column widths (PDF)
    kind: str = "data"  # data | heatmap | legend
    attrs: dict[str, str] = field(default_factory=dict)

    def header_aligns(self) -> list[str]:
        """Each heading aligns like the first row's cell under it (numbers right)."""
        first = self.rows[0] if self.rows else []
        aligns = [c.align for c in first for _ in range(c.colspan)]
        if len(first) != len(self.columns) or len(aligns) != len(self.columns):
            return ["left"] * len(self.columns)
        return ["left" if a == "center" and i == 0 else a for i, a in enumerate(aligns)]


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | lead | note | warning


@dataclass
class Bullets:
    items: list[str]
    style: str = "body"  # body | warning


@dataclass
class Chart:
    spec: dict
    alt: str
    width_mm: float = 170.0


@dataclass
class Quote:
    text: str
    meta: str


@dataclass
class Subheading:
    text: str


Block = Paragraph | Bullets | Table | Chart | Quote | Subheading


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    formats: tuple[str, ...] = ("html", "pdf")  # a very long table may be for the screen only


@dataclass
class Document:
    title: str
    subtitle: str
    wave: str
    level: str
    group_id: str
    sections: list[Section] = field(default_factory=list)


def _spans(row: list[Cell]) -> list[tuple[int, Cell]]:
    """(first column, cell) of each cell in a row, counting colspans."""
    out, column = [], 0
    for cell in row:
        out.append((column, cell))
        column += cell.colspan
    return out


def drop_empty_columns(table: Table, names: tuple[str, ...] = ("Note",)) -> Table:
    """Drop the named columns where no cell of their own has any text (a column of blanks
    says nothing). A cell spanning the column (a suppressed row) just spans one less."""
    for index in reversed(range(len(table.columns))):
        if table.columns[index] not in names:
            continue
        own = [c for row in table.rows for col, c in _spans(row) if col == index and c.colspan == 1]
        if any(c.text.strip() for c in own):
            continue
        rows = []
        for row in table.rows:
            kept = []
            for col, cell in _spans(row):
                if col <= index < col + cell.colspan:
                    if cell.colspan == 1:
                        continue
                    cell.colspan -= 1
                kept.append(cell)
            rows.append(kept)
        table.rows = rows
        del table.columns[index]
        if table.widths and index < len(table.widths):
            del table.widths[index]
    return table
