"""The PDF's DejaVu faces, parsed once a process instead of once a document.

fpdf2 binds a font to one document and subsets it in place when the document is written, so
each document needs a font object of its own. Parsing the three faces took about 0.13 s a
document and subsetting them another 0.13 s. Here the metrics (widths, cmap) are parsed once
and shared; each document gets its own glyph map and a font to subset that is as small as
it can be: the faces cut down once to the common scripts and symbols (`COMMON`), when every
glyph the document uses is there, else the whole face without the tables fpdf2 drops. The
embedded subset is the same, byte for byte, as fpdf2 makes from the original face.
"""

from __future__ import annotations

import copy
import io
import logging
from functools import cache
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every glyph
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
# the tables fpdf2 drops when it subsets a font for a document (fpdf/output.py, _add_fonts);
# the subsetter parses the layout tables (GSUB, GPOS) just to drop them, half its time
DROPPED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix")
DROPPED_TABLES += ("CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR")
DROPPED_TABLES += ("kern",)  # the subsetter drops the legacy 'kern' of a font with GPOS
# Latin, punctuation, currency, arrows, maths and shapes: what almost every report draws
COMMON = [(0x0000, 0x024F), (0x2000, 0x20CF), (0x2190, 0x22FF), (0x25A0, 0x25FF)]


_written: dict[Path, int] = {}  # documents written by this process, per face
_made: set[Path] = set()  # faces whose cut-down copy this process has (or inherited)


@cache
def _lean_font(path: Path) -> bytes:
    """The whole face without the tables fpdf2 drops from each document's subset anyway."""
    font = ttLib.TTFont(str(path), recalcTimestamp=False)
    for tag in DROPPED_TABLES:
        if tag in font:
            del font[tag]
    return _save(font)


@cache
def _common_font(path: Path) -> tuple[bytes, frozenset[str]]:
    """The lean face cut down to the COMMON characters' glyphs (names kept), and its glyphs."""
    font = ttLib.TTFont(io.BytesIO(_lean_font(path)), recalcTimestamp=False)
    cmap = font.getBestCmap()
    wanted = {g for c, g in cmap.items() if any(lo <= c <= hi for lo, hi in COMMON)}
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.name_IDs = ["*"]  # the document's own subset prunes the names as before
    options.name_languages = ["*"]
    options.prune_unicode_ranges = False
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted(wanted))
    subsetter.subset(font)
    _made.add(path)
    return _save(font), frozenset(font.getGlyphOrder())


def _save(font: ttLib.TTFont) -> bytes:
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class Face(TTFFont):
    """fpdf2's TrueType font, measuring text a little faster: its line breaking measures
    every line again for each character it adds (the same integer sum, so the same widths)."""

    __slots__ = ()

    def get_text_width(self, text: str, font_size_pt: float, text_shaping_params):
        if text_shaping_params or self.is_symbol:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        return len(text), sum(map(self.cw.__getitem__, map(ord, text))) * font_size_pt * 0.001


@cache
def _parsed_font(path: Path, style: str) -> Face:
    """A DejaVu face parsed once a process (metrics, cmap): about 0.04 s a face."""
    scratch = FPDF()
    scratch.add_font("DejaVu", style, str(path))
    parsed, face = scratch.fonts[f"dejavu{style}"], Face.__new__(Face)
    for slot in TTFFont.__slots__:
        if hasattr(parsed, slot):
            setattr(face, slot, getattr(parsed, slot))
    return face


@cache
def drawable(directory: Path) -> frozenset[int]:
    """The characters both the regular and the oblique face can draw."""
    regular = _parsed_font(directory / FONT_FILES[""], "")
    oblique = _parsed_font(directory / FONT_FILES["I"], "I")
    return frozenset(regular.cmap) & frozenset(oblique.cmap)


def document_font(directory: Path, style: str, index: int) -> Face:
    """A face for one document: the parsed metrics shared, its own glyph map."""
    path = directory / FONT_FILES[style]
    font = copy.copy(_parsed_font(path, style))  # widths and cmap are only read
    font.i = index
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.ttfont = ttLib.TTFont(io.BytesIO(_lean_font(path)), recalcTimestamp=False, lazy=True)
    return font


def font_to_subset(font: TTFFont) -> None:
    """Before a document is written: give fpdf2 the smallest font holding its glyphs. The
    cut-down face costs about 0.13 s to make, so a process makes it for its second document:
    one that writes a single document (`tandem report org`) does not pay for it."""
    path = Path(font.ttffile)
    _written[path] = _written.get(path, 0) + 1
    if _written[path] < 2 and path not in _made:
        return
    common, glyphs = _common_font(path)
    if set(font.subset.get_all_glyph_names()) <= glyphs:
        font.ttfont = ttLib.TTFont(io.BytesIO(common), recalcTimestamp=False, lazy=True)


def warm(directory: Path) -> None:
    """Parse and cut down every face now, in a process about to fork its workers (render_all):
    they inherit the faces instead of each making them again (about 0.5 s a worker)."""
    for style, name in FONT_FILES.items():
        _parsed_font(directory / name, style)
        _common_font(directory / name)
