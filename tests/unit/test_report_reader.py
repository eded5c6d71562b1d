"""What a leader reads: priorities, advice, positions, alerts and explanations that make
sense for the group the report is about (issue 18), on the synthetic test marts."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from pipelines.domain.report.appendix import METRIC_TOPICS, glossary
from pipelines.domain.report.build import build_document
from pipelines.domain.report.charts import enps_domain
from pipelines.domain.report.context import Ctx
from pipelines.domain.report.formatting import construct_label, fmt_signed
from pipelines.domain.report.load import Marts, scope_data
from pipelines.domain.report.model import Bullets, Chart, Paragraph, Quote, Subheading, Table
from pipelines.domain.report.pdf import render_pdf
from tests.fixtures.marts_fixture import ORG, WAVES, build_marts

LATEST = WAVES[-1]
SCOPES = [
    ("org", ORG),
    ("department", "Engineering"),
    ("department", "Sales & Success"),
    ("team", "Platform"),
    ("team", "Sales West"),
]


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    return Marts.open(build_marts(tmp_path_factory.mktemp("reader") / "marts.duckdb"))


def make(marts, level, gid, wave=LATEST):
    data = scope_data(marts, wave, level, gid)
    return data, build_document(data, k=5, comment_k=10, threshold=60.0)


def section(doc, anchor):
    return next(s for s in doc.sections if s.anchor == anchor)


def tables(doc, name=None):
    return [
        b
        for s in doc.sections
        for b in s.blocks
        if isinstance(b, Table) and (name is None or b.attrs.get("table") == name)
    ]


def texts(doc) -> list[str]:
    out = [doc.title, doc.subtitle]
    for s in doc.sections:
        out.append(s.title)
        for b in s.blocks:
            if isinstance(b, Paragraph | Subheading):
                out.append(b.text)
            elif isinstance(b, Bullets):
                out += b.items
            elif isinstance(b, Quote):
                out += [b.text, b.meta]
            elif isinstance(b, Table):
                out += b.columns + [c.text for row in b.rows for c in row]
    return out


def test_org_priorities_read_a_meaningful_gap_and_the_method_in_words(marts):
    data, doc = make(marts, "org", ORG)
    ctx = Ctx(data, k=5, comment_k=10, threshold=60.0)
    (drivers,) = tables(doc, "drivers")
    assert "Gap to 60" in drivers.columns
    gaps = [c for row in drivers.rows for c in row if c.attrs.get("metric") == "gap_to_line"]
    assert gaps, "the organisation's gap is against the line"
    for cell in gaps:
        own = ctx.score("org", ORG, cell.attrs["construct"])
        assert cell.text == fmt_signed(own["score_0_100"] - 60.0)
    assert {c.text for c in gaps} != {"0"}
    note = " ".join(b.text for b in section(doc, "drivers").blocks if isinstance(b, Paragraph))
    assert "the correlation of each area with the outcome" in note and "from 66 responses" in note
    assert "the line at 60" in note
    assert not any("correlation (n" in t or "relative_weights" in t for t in texts(doc))
    _data, dept = make(marts, "department", "Sales & Success")
    (dept_drivers,) = tables(dept, "drivers")
    assert "Gap to organisation" in dept_drivers.columns


@pytest.mark.parametrize("level,gid", SCOPES)
def test_practices_follow_the_priorities_and_the_weakest_area(marts, level, gid):
    data, doc = make(marts, level, gid)
    ctx = Ctx(data, k=5, comment_k=10, threshold=60.0)
    blocks = section(doc, "practices").blocks
    heads = [b.text for b in blocks if isinstance(b, Subheading)]
    scores = {
        c: r["score_0_100"]
        for c in ctx.constructs
        if (r := ctx.score(level, gid, c)) and not r["suppressed"]
    }
    lowest = min(scores, key=scores.get)
    assert any(h.startswith(construct_label(lowest)) for h in heads), (heads, lowest)
    drivers = data.tables["drivers"]
    if drivers:
        top = max(drivers, key=lambda r: r["priority"])["construct"]
        assert any(h.startswith(construct_label(top)) and "top priority" in h for h in heads)
    for i, block in enumerate(blocks[:-1]):
        if isinstance(block, Subheading) and "(" in block.text and "risk" not in block.text:
            reason = blocks[i + 1]
            assert isinstance(reason, Paragraph) and re.search(r"(chaos|stagnat)", reason.text)


def test_uncertain_positions_are_shown_as_most_likely_and_department_charts_name_teams(marts):
    for level, gid in SCOPES:
        _data, doc = make(marts, level, gid)
        for table in tables(doc, "balance"):
            for row in table.rows:
                for cell in row:
                    if cell.attrs.get("metric") == "quadrant":
                        assert cell.text != "Unclear", (gid, row[0].text)
    _data, doc = make(marts, "department", "Sales & Success")
    (chart,) = [b for b in section(doc, "balance").blocks if isinstance(b, Chart)]
    points = chart.spec["datasets"]["points"]
    labels = {p["label"] for p in points if "label" in p}
    assert {"Sales & Success", "Sales East", "Sales West", "Équipe Nord"} <= labels
    assert {p["certain"] for p in points if "certain" in p} <= {True, False}


def alerts(doc) -> list[str]:
    blocks = section(doc, "summary").blocks
    return [i for b in blocks if isinstance(b, Bullets) and b.style == "warning" for i in b.items]


def test_each_report_shows_its_own_and_its_childrens_alerts(marts):
    assert alerts(make(marts, "team", "Sales West")[1]) == [
        "Participation in Sales West is 44%, below 60%."
    ]
    assert alerts(make(marts, "team", "Platform")[1]) == []
    assert alerts(make(marts, "team", "Sales East")[1]) == []
    dept = alerts(make(marts, "department", "Sales & Success")[1])
    assert len(dept) == 2 and any("Sales West" in a for a in dept)
    assert alerts(make(marts, "department", "Engineering")[1]) == []
    org = alerts(make(marts, "org", ORG)[1])
    assert org == ["Clarity of expectations fell 7 points in Sales & Success."]
    assert not any("TINY-SECRET" in a for s in SCOPES for a in alerts(make(marts, *s)[1]))


@pytest.mark.parametrize(
    "level,gid,wave", [(lvl, g, LATEST) for lvl, g in SCOPES] + [("org", ORG, WAVES[0])]
)
def test_how_to_read_explains_every_figure_and_missing_value_shown(marts, level, gid, wave):
    data, doc = make(marts, level, gid, wave)
    explained = " ".join(section(doc, "how-to-read").blocks[0].items)
    words = glossary(Ctx(data, k=5, comment_k=10, threshold=60.0))
    for table in tables(doc):
        for cell in (c for row in table.rows for c in row):
            for topic in METRIC_TOPICS.get(cell.attrs.get("metric", ""), ()):
                assert words[topic] in explained, (cell.attrs, topic)
            if cell.suppressed:
                assert words["suppressed"] in explained
            if cell.text.startswith("n/a"):
                assert words["n/a"] in explained
        if table.attrs.get("table") == "reliability":
            assert "alpha and omega" in explained
        if table.attrs.get("table") == "icc":
            assert "ICC(1)" in explained
    if any("Low (under 60%)" in t for t in texts(doc)):
        assert "Low (under 60%)" in explained


@pytest.mark.parametrize("level,gid", SCOPES)
def test_no_note_column_is_empty(marts, level, gid):
    _data, doc = make(marts, level, gid)
    for table in tables(doc):
        for i, name in enumerate(table.columns):
            if name == "Note":
                assert any(row[i].text for row in table.rows if len(row) == len(table.columns))


def test_enps_axis_fits_the_data():
    assert enps_domain([{"enps": -16, "lo": -22, "hi": -9}]) == [-30.0, 10.0]
    assert enps_domain([{"enps": 35, "lo": 20, "hi": 48}]) == [-10.0, 50.0]
    assert enps_domain([{"enps": -95, "lo": -100, "hi": -90}]) == [-100.0, 10.0]


IDS = re.compile(r"in_tandem|chaos_risk|stagnation_risk|relative_weights|\bunclear\b")


@pytest.mark.parametrize("level,gid", SCOPES)
def test_people_read_labels_not_ids(marts, level, gid):
    _data, doc = make(marts, level, gid)
    for text in texts(doc):
        assert not IDS.search(text), text
        for match in re.finditer(r"\bclarity\b", text, re.IGNORECASE):
            assert text[match.start() :].lower().startswith("clarity of expectations"), text


def test_no_heading_ends_a_pdf_page(marts):
    for level, gid in (("org", ORG), ("department", "Sales & Success")):
        _data, doc = make(marts, level, gid)
        heads = {s.title for s in doc.sections} | {
            b.text for s in doc.sections for b in s.blocks if isinstance(b, Subheading)
        }
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(doc)))
        for number, page in enumerate(reader.pages[:-1], start=1):
            lines = [
                line.strip()
                for line in page.extract_text().splitlines()
                if line.strip() and not re.search(r"page \d+ of \d+|^Tandem ·", line)
            ]
            assert lines and lines[-1] not in heads, (gid, number, lines[-1])
