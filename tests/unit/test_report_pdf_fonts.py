"""The PDF's faces are parsed once a process and subset from a cut-down copy (issue 18): the
fonts a PDF embeds are the same whichever copy they were subset from."""

from __future__ import annotations

import re
import zlib

import pytest

from pipelines.domain.report import pdf_fonts
from pipelines.domain.report.model import Bullets, Document, Paragraph, Quote, Section
from pipelines.domain.report.pdf import font_dir, render_pdf

LATIN = "Łódź and Ærøskøbing – “quotes” ≥ 5 → • 12 % ±3"
OTHER = "Привет Ωμέγα ✓ 日本 😀 ẞ"  # Cyrillic and Greek are not in the cut-down copy


def _document(text: str) -> Document:
    blocks = [Paragraph(text), Bullets([text, f"{text}!"]), Quote(text, f"meta {text}")]
    return Document(
        title=f"Team {text}",
        subtitle=text,
        wave="w1",
        level="team",
        group_id="t",
        sections=[Section("a", f"About {text}", blocks=blocks)],
    )


def _embedded_fonts(pdf: bytes) -> list[bytes]:
    """The TrueType programs a PDF embeds (its FontFile2 streams), decompressed."""
    streams = re.findall(rb"/Length1 \d+\s*>>\s*stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    return [zlib.decompress(s) for s in streams]


@pytest.mark.skipif(font_dir() is None, reason="no DejaVu Sans installed")
@pytest.mark.parametrize("text", [LATIN, OTHER])
def test_a_document_embeds_the_same_fonts_from_either_copy(text: str) -> None:
    directory = font_dir()
    assert directory is not None
    pdf_fonts.warm(directory)  # the cut-down copies exist: a document uses them if it can
    from_copy = _embedded_fonts(render_pdf(_document(text)))
    pdf_fonts._made.clear()  # a fresh process's first document: the whole face
    pdf_fonts._written.clear()
    from_face = _embedded_fonts(render_pdf(_document(text)))
    assert len(from_copy) == 3
    assert from_copy == from_face
    regular = directory / pdf_fonts.FONT_FILES[""]
    cmap = pdf_fonts._parsed_font(regular, "").cmap
    in_copy = {cmap[ord(c)] for c in text if ord(c) in cmap} <= pdf_fonts._common_font(regular)[1]
    assert in_copy == (text == LATIN)  # Latin text was subset from the copy, the other not
