"""Hostile text in every block of a report, rendered directly (seconds, no pipeline run).

The corpus run (test_hostile_input.py) shows each case where the pipeline puts it; this
puts every case in every kind of block (title, section, paragraph, bullets, subheading,
table column, cell and caption, quote) and checks the same rules, plus the two functions
that make text inert and file names safe.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from pipelines.domain.comments.clean import clean_comment, strip_invisible
from pipelines.domain.report.html import render_html
from pipelines.domain.report.model import (
    Bullets,
    Cell,
    Document,
    Paragraph,
    Quote,
    Section,
    Subheading,
    Table,
)
from pipelines.domain.report.pdf import render_pdf
from pipelines.domain.report.render import MAX_NAME, file_slug, wave_dir_name
from tests.fixtures.hostile.corpus import load_cases
from tests.fixtures.hostile.pages import Page, check_page

pytestmark = pytest.mark.quick  # no pipeline run: part of the fast tier
CASES = load_cases()
TEXTS = [c.text[:3000] for c in CASES]  # a report never shows more of a comment than 2,000


def test_strip_invisible_drops_what_cannot_be_seen_and_keeps_letters():
    assert strip_invisible("invoice\u202egnp.exe\u202c") == "invoicegnp.exe"
    assert strip_invisible("Sup\u200bport\ufeff\u2060\u00ad") == "Support"
    assert strip_invisible("\u2067admin\u2069 \u200fmark\u200e") == "admin mark"
    assert strip_invisible("nul\x00 esc\x1b[31m") == "nul esc[31m"
    assert strip_invisible("a\nb\tc", keep="\n\t") == "a\nb\tc"
    assert strip_invisible("👩\u200d💻 الفريق שלום") == "👩\u200d💻 الفريق שלום"  # ZWJ, RTL letters
    assert strip_invisible("plain <b>text</b>") == "plain <b>text</b>"
    # the comment cleaner uses the same function
    assert clean_comment("pass\u200bword\u202e here\n").text == "password here"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_file_name_part_is_short_plain_and_never_a_path(case):
    slug = file_slug(case.text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert len(slug) <= MAX_NAME
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", wave_dir_name(case.text))
    assert len(wave_dir_name(case.text)) <= MAX_NAME


def test_long_names_stay_distinct():
    a, b = "Z" * 300, "Z" * 299 + "Y"
    assert file_slug(a) != file_slug(b) and len(file_slug(a)) == len(file_slug(b)) == MAX_NAME
    assert file_slug(a) == file_slug(a)
    assert file_slug("../../etc") == "etc" and file_slug("..") == "group"
    assert wave_dir_name("2026-02") == "2026-02" and wave_dir_name("../w1") == "w1"


@pytest.fixture(scope="module")
def document() -> Document:
    sections = []
    for i, text in enumerate(TEXTS):
        table = Table([text[:200], "n"], [[Cell(text), Cell("12", align="right",
                                                          attrs={"group": text[:200]})]],
                      caption=text)
        sections.append(Section(f"s{i}", text[:200], [
            Paragraph(text), Bullets([text, text[:50]]), Subheading(text[:200]), table,
            Quote(text, f"{text[:100]}, negative")]))
    return Document("Team report: " + TEXTS[0], TEXTS[1], "2026-02", "team", TEXTS[2], sections)


def test_every_block_shows_hostile_text_as_text(document):
    page = Page(render_html(document))
    check_page("document", page)
    shown = "".join(page.text)
    for text in TEXTS:
        visible = strip_invisible(text, keep="\n\t")
        assert visible[:200] in shown
    assert any(visible in q for q in page.quotes for visible in [strip_invisible(TEXTS[0])])


def test_the_pdf_of_every_block_renders(document):
    data = render_pdf(document)
    for action in (b"/JavaScript", b"/JS ", b"/Launch", b"/URI", b"/SubmitForm"):
        assert action not in data, action
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) > len(TEXTS) // 4
    assert "<script>alert('x')</script>" in text.replace("\n", "")
