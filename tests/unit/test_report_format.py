"""Display rounding and text helpers shared by the HTML and PDF reports."""

from __future__ import annotations

import io

import pypdf

from pipelines.domain.report import pdf as pdf_module
from pipelines.domain.report.build import build_document
from pipelines.domain.report.formatting import (
    fmt_alpha,
    fmt_diff,
    fmt_int,
    fmt_pct_interval,
    fmt_points,
    fmt_range,
    fmt_share,
    fmt_signed,
    fmt_with_interval,
    natural_key,
    slugify,
    suppressed_text,
    to_latin1,
)
from pipelines.domain.report.load import Marts, scope_data
from tests.fixtures.marts_fixture import WAVES, build_marts


def test_rounding_is_half_away_from_zero():
    assert [fmt_int(v) for v in (72.5, 73.5, 0.5, -0.5, -2.5, 59.49)] == [
        "73",
        "74",
        "1",
        "-1",
        "-3",
        "59",
    ]
    assert fmt_alpha(0.125) == "0.13" and fmt_alpha(0.7) == "0.70"
    assert fmt_int(None) == "n/a" and fmt_int(float("nan")) == "n/a"


def test_intervals_and_signs():
    assert fmt_with_interval(72.4, 65.5, 79.49) == "72 (66–79)"
    assert fmt_with_interval(10, -4.2, 24.5, signed=True) == "+10 (-4 to +25)"
    assert fmt_with_interval(72.4, None, 80) == "72"
    assert fmt_pct_interval(64.2, 58, 70.5) == "64% (58–71)"
    assert fmt_range(None, 3) == "n/a"
    assert fmt_signed(0.4) == "0" and fmt_signed(4.6) == "+5"


def test_difference_uses_the_rounded_figures_a_reader_sees():
    assert fmt_diff(72.4, 64.6) == "+7"  # 72 - 65, not round(7.8) = 8
    assert fmt_diff(60.5, 61.4) == "0"
    assert fmt_points(-7.2) == "7 points" and fmt_points(1.2) == "1 point"
    assert fmt_share(0.4375) == "44%" and fmt_share(1.077) == "108%"


def test_names_and_ordering():
    assert slugify("Sales & Success") == "sales-success"
    assert slugify("Équipe Nord") == "equipe-nord" and slugify("日本") == "group"
    assert sorted(["w10", "w2", "W1"], key=natural_key) == ["W1", "w2", "w10"]
    assert suppressed_text(7) == "fewer than 7 responses"
    assert to_latin1("72 (66–79) “ok” − Ωmega") == '72 (66-79) "ok" - ?mega'


def test_pdf_falls_back_to_a_core_font(tmp_path, monkeypatch):
    marts = Marts.open(build_marts(tmp_path / "marts.duckdb"))
    data = scope_data(marts, WAVES[1], "team", "Équipe Nord")
    doc = build_document(data, k=5, comment_k=10, threshold=60.0)
    monkeypatch.setattr(pdf_module, "font_dir", lambda: None)
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_module.render_pdf(doc))).pages
    )
    assert "Team report: Équipe Nord (Sales & Success)" in text
    assert "61 (56-66)" in text  # the en dash became a hyphen, the figure did not change


def test_pdf_marks_characters_the_font_lacks():
    from pipelines.domain.report.model import Document, Quote, Section

    doc = Document(
        "Emoji 👍",
        "s",
        "w1",
        "org",
        "x",
        [Section("a", "A", [Quote("Great 👍 team – Ça va", "meta")])],
    )
    text = pypdf.PdfReader(io.BytesIO(pdf_module.render_pdf(doc))).pages[0].extract_text()
    assert "Great ? team – Ça va" in text
