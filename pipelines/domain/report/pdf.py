"""Render a Document as a PDF with fpdf2: embedded DejaVu Sans when an installed package
or the system ships it, else the core Helvetica font with text reduced to latin-1."""

from __future__ import annotations

import importlib.util
import io
import struct
from functools import cache
from pathlib import Path

from fpdf import FPDF

from pipelines.domain.comments.clean import strip_invisible

from . import charts
from .formatting import to_latin1
from .html import inert_spec
from .model import Bullets, Cell, Chart, Document, Paragraph, Quote, Subheading, Table
from .pdf_fonts import FONT_FILES, document_font, drawable, font_to_subset, warm

ACCENT = (27, 108, 168)
INK = (31, 41, 51)
MUTED = (95, 107, 118)
WARN = (138, 59, 0)
SUPPRESSED_FILL = (232, 232, 232)
PAD_X, PAD_Y, INDENT = 1.5, 1.3, 3.5
CHART_SCALE = 1.5  # PNG pixels per CSS pixel: about 165 dpi as printed, a third of 2's cost


@cache
def font_dir() -> Path | None:
    """A directory holding the DejaVu Sans TTFs: matplotlib's copy, else Debian's."""
    candidates = []
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "mpl-data" / "fonts" / "ttf")
    candidates.append(Path("/usr/share/fonts/truetype/dejavu"))
    for directory in candidates:
        if all((directory / name).is_file() for name in FONT_FILES.values()):
            return directory
    return None


def warm_fonts(formats: tuple[str, ...]) -> None:
    """Parse the PDF's faces before forking workers, so that they inherit them."""
    directory = font_dir()
    if "pdf" in formats and directory is not None:
        warm(directory)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class ReportPDF(FPDF):
    def __init__(self, doc: Document, unicode_font: Path | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.unicode = unicode_font is not None
        self.glyphs: frozenset[int] = frozenset()
        self.wrapped: dict[tuple[int, float, float], list[str]] = {}  # a table's cells' lines
        if unicode_font is not None:
            for style in FONT_FILES:
                font = document_font(unicode_font, style, len(self.fonts) + 1)
                self.fonts[font.fontkey] = font  # what add_font does, without parsing again
            self.fam = "DejaVu"
            # characters the font lacks (emoji, CJK) become "?" rather than vanish
            self.glyphs = drawable(unicode_font)
        else:
            self.fam = "Helvetica"
        self.set_margins(16, 16, 16)
        self.c_margin = 0  # tables pad their own cells; keeps measuring and drawing in step
        self.set_auto_page_break(True, margin=16)
        self.set_title(self.t(f"{doc.title} · {doc.wave}"))
        self.set_creator("Tandem")
        self.alias_nb_pages()

    def t(self, text: object) -> str:
        text = strip_invisible(str(text), keep="\n\r\t")
        if not self.unicode:
            return to_latin1(text)
        if all(ord(ch) in self.glyphs for ch in text if ch not in "\n\r\t"):
            return text
        return "".join(ch if ch in "\n\r\t" or ord(ch) in self.glyphs else "?" for ch in text)

    def style(self, size: float, emphasis: str = "", colour=INK) -> None:
        self.set_font(self.fam, emphasis, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-11)
        self.style(7.5, colour=MUTED)
        self.cell(0, 5, self.t(f"Tandem · {self.doc.title} · wave {self.doc.wave}"), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")

    def room(self, height: float) -> None:
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    # blocks -------------------------------------------------------------------------------

    def heading(self, text: str, keep: float = 40) -> None:
        self.room(14 + keep)  # a heading never ends a page without what follows it
        self.ln(4)
        self.style(14, "B", ACCENT)
        self.multi_cell(0, 7, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(217, 222, 227)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)

    def paragraph(self, block: Paragraph) -> None:
        size, emphasis, colour = {
            "note": (8.5, "I", MUTED),
            "warning": (9.5, "", WARN),
            "lead": (11, "", INK),
        }.get(block.style, (9.5, "", INK))
        self.style(size, emphasis, colour)
        self.multi_cell(0, size * 0.5, self.t(block.text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def bullets(self, block: Bullets) -> None:
        colour = WARN if block.style == "warning" else INK
        for item in block.items:
            self.style(9.5, colour=colour)
            self.room(10)
            y = self.get_y()
            self.set_x(self.l_margin + 1)
            self.cell(4, 5, self.t("•"))
            self.set_xy(self.l_margin + 5, y)
            self.multi_cell(0, 5, self.t(item), new_x="LMARGIN", new_y="NEXT")
            self.ln(0.8)
        self.ln(1)

    def subheading(self, text: str) -> None:
        self.room(20)
        self.ln(1.5)
        self.style(10.5, "B")
        self.multi_cell(0, 5.5, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(0.5)

    def legend(self, table: Table) -> None:
        self.room(10)
        self.style(7.5, colour=MUTED)
        self.cell(
            self.get_string_width(self.t(table.columns[0])) + 3, 5, self.t(table.columns[0] + ":")
        )
        for cell in table.rows[0]:
            self.set_fill_color(*_hex(cell.fill or "#ffffff"))
            self.set_text_color(*INK)
            self.cell(
                self.get_string_width(self.t(cell.text)) + 4,
                5,
                self.t(cell.text),
                fill=True,
                align="C",
            )
            self.cell(1, 5, "")
        self.ln(8)

    def table_block(self, table: Table) -> None:
        """A light table drawn cell by cell (much faster than fpdf2's table for our sizes)."""
        if table.kind == "legend":
            self.legend(table)
            return
        self.wrapped.clear()
        if table.caption:
            self.style(8.5, "I", MUTED)
            self.multi_cell(0, 4.5, self.t(table.caption), new_x="LMARGIN", new_y="NEXT")
        size = 8 if table.kind == "heatmap" or len(table.columns) > 6 else 8.5
        weights = table.widths or [1.0] * len(table.columns)
        widths = [self.epw * w / sum(weights) for w in weights]
        header = [
            Cell(c, bold=True, fill="#eef1f4", align=a, attrs={"header": "1"})
            for c, a in zip(table.columns, table.header_aligns(), strict=True)
        ]
        self.room(8 + 7 * min(len(table.rows), 3))
        self._table_row(header, widths, size, header=True)
        for cells in table.rows:
            if self._row_height(cells, widths, size) + self.get_y() > self.h - self.b_margin:
                self.add_page()
                self._table_row(header, widths, size, header=True)
            self._table_row(cells, widths, size)
        self.ln(3)

    def _spans(self, cells: list[Cell], widths: list[float]) -> list[tuple[Cell, float]]:
        spans, i = [], 0
        for cell in cells:
            spans.append((cell, sum(widths[i : i + cell.colspan])))
            i += cell.colspan
        return spans

    def _cell_font(self, cell: Cell, size: float, width: float | None = None) -> None:
        if cell.suppressed:
            self.style(size - 0.5, "I", MUTED)
            return
        self.style(size, "B" if cell.bold else "")
        if width is not None and "header" in cell.attrs:
            # shrink a heading until its longest word fits, rather than break the word
            longest = max(self.t(cell.text).split() or [""], key=self.get_string_width)
            while size > 6.5 and self.get_string_width(longest) > width - 2 * PAD_X:
                size -= 0.25
                self.style(size, "B")

    def _lines(self, cell: Cell, width: float, size: float) -> list[str]:
        """A cell's lines, measured once: a row is measured to fit the page, then drawn."""
        key = (id(cell), width, size)  # cells live as long as their table; cleared per table
        if key not in self.wrapped:
            self.wrapped[key] = self._wrap(cell, width, size)
        return self.wrapped[key]

    def _wrap(self, cell: Cell, width: float, size: float) -> list[str]:
        self._cell_font(cell, size, width)
        text = self.t(cell.text)
        inner = width - 2 * PAD_X - cell.indent * INDENT
        if self.get_string_width(text) <= inner:
            return [text]
        return self.multi_cell(inner, size * 0.45, text, dry_run=True, output="LINES") or [""]

    def _row_height(self, cells: list[Cell], widths: list[float], size: float) -> float:
        counts = [len(self._lines(c, w, size)) for c, w in self._spans(cells, widths)]
        return max(counts, default=1) * size * 0.45 + 2 * PAD_Y

    def _table_row(
        self, cells: list[Cell], widths: list[float], size: float, header: bool = False
    ) -> None:
        spans = self._spans(cells, widths)
        line_h = size * 0.45
        wrapped = [self._lines(c, w, size) for c, w in spans]
        height = max((len(lines) for lines in wrapped), default=1) * line_h + 2 * PAD_Y
        x, y = self.l_margin, self.get_y()
        for (cell, width), lines in zip(spans, wrapped, strict=True):
            if cell.suppressed:
                self._hatch(x, y, width, height)
            elif cell.fill:
                self.set_fill_color(*_hex(cell.fill))
                self.rect(x + 0.3, y + 0.3, width - 0.6, height - 0.6, style="F")
            self._cell_font(cell, size, width)
            align = "C" if cell.suppressed else {"right": "R", "center": "C"}.get(cell.align, "L")
            offset = cell.indent * INDENT
            for i, line in enumerate(lines):
                self.set_xy(x + PAD_X + offset, y + PAD_Y + i * line_h)
                self.cell(width - 2 * PAD_X - offset, line_h, line, align=align)
            x += width
        self.set_draw_color(*((150, 158, 166) if header else (217, 222, 227)))
        self.set_line_width(0.4 if header else 0.15)
        self.line(self.l_margin, y + height, self.l_margin + sum(widths), y + height)
        self.set_line_width(0.2)
        self.set_xy(self.l_margin, y + height)

    def _hatch(self, x: float, y: float, w: float, h: float) -> None:
        """Neutral grey cell with diagonal hatching: visibly 'nothing to show'."""
        self.set_fill_color(*SUPPRESSED_FILL)
        self.rect(x + 0.3, y + 0.3, w - 0.6, h - 0.6, style="F")
        self.set_draw_color(205, 205, 205)
        self.set_line_width(0.25)
        with self.rect_clip(x + 0.3, y + 0.3, w - 0.6, h - 0.6):
            step = 2.2
            offset = -h
            while offset < w:
                self.line(x + offset, y + h, x + offset + h, y)
                offset += step
        self.set_line_width(0.2)

    def chart_box(self, block: Chart) -> tuple[bytes, float, float]:
        png = charts.to_png(inert_spec(block.spec), scale=CHART_SCALE)
        width_px, height_px = _png_size(png)
        width = min(block.width_mm, self.epw, width_px / CHART_SCALE * 0.2646 * 1.15)
        return png, width, width * height_px / width_px

    def estimate(self, block: object) -> float:
        """Rough height of a block's first part, to keep it with what introduces it."""
        if isinstance(block, Chart):
            return self.chart_box(block)[2] + 4
        if isinstance(block, Table):
            return 8 + 7 * min(len(block.rows), 3)
        return 20

    def chart(self, block: Chart) -> None:
        png, width, height = self.chart_box(block)
        self.room(height + 4)
        self.image(io.BytesIO(png), x=self.l_margin, w=width, h=height, alt_text=self.t(block.alt))
        self.ln(3)

    def quote(self, block: Quote) -> None:
        self.room(14)
        x0, y0, page = self.l_margin, self.get_y(), self.page
        self.set_x(x0 + 4)
        self.style(9.5, "I")
        self.multi_cell(self.epw - 6, 5, self.t(f"“{block.text}”"), new_x="LMARGIN", new_y="NEXT")
        self.set_x(x0 + 4)
        self.style(7.5, colour=MUTED)
        self.multi_cell(self.epw - 6, 4, self.t(block.meta), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(200, 205, 210)
        self.set_line_width(0.8)
        if self.page == page and self.get_y() > y0:
            self.line(x0 + 1, y0 + 0.5, x0 + 1, self.get_y() - 0.5)
        self.set_line_width(0.2)
        self.ln(2.5)


def render_pdf(doc: Document) -> bytes:
    pdf = ReportPDF(doc, font_dir())
    pdf.add_page()
    pdf.style(19, "B")
    pdf.multi_cell(0, 9, pdf.t(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.style(11, colour=MUTED)
    pdf.multi_cell(0, 6, pdf.t(doc.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.set_line_width(0.2)
    pdf.ln(4)
    for section in (s for s in doc.sections if "pdf" in s.formats):
        first = section.blocks[0] if section.blocks else None
        keep = pdf.estimate(first) if first is not None else 0
        if isinstance(first, Paragraph | Subheading) and len(section.blocks) > 1:
            keep += pdf.estimate(section.blocks[1])
        pdf.heading(section.title, keep=min(keep, 150))
        for i, block in enumerate(section.blocks):
            following = section.blocks[i + 1] if i + 1 < len(section.blocks) else None
            if isinstance(block, Subheading | Paragraph) and isinstance(following, Table | Chart):
                pdf.room(min(15 + pdf.estimate(following), 150))  # keep intro with its block
            elif isinstance(block, Subheading) and following is not None:
                pdf.room(30)  # a subheading never ends a page: keep it with a few lines
            if isinstance(block, Paragraph):
                pdf.paragraph(block)
            elif isinstance(block, Bullets):
                pdf.bullets(block)
            elif isinstance(block, Subheading):
                pdf.subheading(block.text)
            elif isinstance(block, Table):
                pdf.table_block(block)
            elif isinstance(block, Chart):
                pdf.chart(block)
            elif isinstance(block, Quote):
                pdf.quote(block)
    if pdf.unicode:
        for font in pdf.fonts.values():
            font_to_subset(font)
    return bytes(pdf.output())
