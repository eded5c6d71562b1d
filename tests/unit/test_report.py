"""End-to-end tests of the leadership reports on a synthetic marts file.

One render of both waves (HTML and PDF) is shared by the module; the tests then read
the files back as a reader (or an attacker) would.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pypdf
import pytest

from pipelines.domain.report import render_all
from pipelines.domain.report.formatting import (
    construct_label,
    fmt_alpha,
    fmt_decimal,
    fmt_diff,
    fmt_int,
    fmt_pct,
    fmt_pct_interval,
    fmt_share,
    fmt_signed,
    fmt_with_interval,
    quadrant_label,
)
from tests.fixtures.marts_fixture import ORG, SENTINEL_N, WAVES, build_marts

SUPPRESSED = ("Team-Tiny", "Team-Shadow", "Ops Core")
SUPPRESSED_DEPTS = ("Ops",)
SHOWN_TEAMS = {
    "Platform": "platform",
    "Mobile": "mobile",
    "Sales East": "sales-east",
    "Sales West": "sales-west",
    "Équipe Nord": "equipe-nord",
}
DEPARTMENTS = {"Engineering": "engineering", "Sales & Success": "sales-success", "Ops": "ops"}
K_TEXT = "fewer than 5 responses"


class Cells(HTMLParser):
    """Collects every table cell (with its table's data-table and its own data-*), the
    visible text outside SVG, and the text inside SVG."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[dict]] = []
        self.cells: list[dict] = []
        self.table: str | None = None
        self.cell: dict | None = None
        self.svg_depth = 0
        self.text: list[str] = []
        self.svg_text: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "svg":
            self.svg_depth += 1
        elif tag == "table":
            self.table = attrs.get("data-table")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = {
                "tag": tag,
                "table": self.table,
                "text": "",
                "attrs": {k[5:]: v for k, v in attrs.items() if k.startswith("data-")},
                "class": attrs.get("class") or "",
            }

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.cell["text"] = self.cell["text"].strip()
            self.rows[-1].append(self.cell)
            self.cells.append(self.cell)
            self.cell = None

    def handle_data(self, data):
        (self.svg_text if self.svg_depth else self.text).append(data)
        if self.cell is not None:
            self.cell["text"] += data


def parse(path: Path) -> Cells:
    parser = Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    marts = build_marts(root / "marts.duckdb")
    result = render_all(marts, root / "out")
    return marts, root / "out", result


@pytest.fixture(scope="module")
def mart_rows(rendered):
    marts = rendered[0]
    con = duckdb.connect(str(marts), read_only=True)
    try:

        def rows(table: str) -> list[dict]:
            cur = con.execute(f"select * from {table}")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        return {
            t: rows(t)
            for t in (
                "mart_team_construct_scores",
                "mart_team_balance",
                "mart_participation",
                "mart_enps",
                "mart_team_changes",
                "mart_construct_reliability",
                "mart_drivers",
                "mart_comment_themes",
            )
        }
    finally:
        con.close()


def all_reports(out: Path, ext: str) -> list[Path]:
    return sorted(out.glob(f"*/*.{ext}"))


def test_every_report_exists_in_both_formats(rendered):
    _, out, result = rendered
    for wave in WAVES:
        expected = (
            ["org"]
            + [f"department-{s}" for s in DEPARTMENTS.values()]
            + [f"team-{s}" for s in SHOWN_TEAMS.values()]
        )
        for stem in expected:
            for ext in ("html", "pdf"):
                path = out / wave / f"{stem}.{ext}"
                assert path.is_file() and path.stat().st_size > 1000, path
                assert path in result.paths
        names = {p.name for p in (out / wave).iterdir()}
        for team in ("team-tiny", "team-shadow", "ops-core"):
            assert not any(team in n for n in names), f"suppressed {team} got a report"
    index = (out / "index.html").read_text(encoding="utf-8")
    for wave in WAVES:
        assert f'href="{wave}/org.html"' in index and f'href="{wave}/team-platform.pdf"' in index
    for href in re.findall(r'href="([^"#]+)"', index):
        assert (out / href).is_file(), href


def test_html_is_self_contained_and_escaped(rendered):
    _, out, _ = rendered
    for path in [*all_reports(out, "html"), out / "index.html"]:
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<\s*script", html, re.I), path
        assert not re.search(r"<\s*(link|iframe|object|embed|img)\b", html, re.I), path
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I), path
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", html, re.I), path
        assert "Content-Security-Policy" in html
        for tag, attrs in parse(path).tags:
            assert not any(k.startswith("on") for k in attrs), (path, tag, attrs)
    org = (out / WAVES[1] / "org.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Please stop" in org
    assert "=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;click me&quot;)" in org
    dept = (out / WAVES[1] / "department-engineering.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; too many meetings" in dept
    org_pdf = pdf_text(out / WAVES[1] / "org.pdf")
    assert "<script>alert('x')</script> Please stop" in org_pdf
    assert '=HYPERLINK("http://evil.example/x","click me")' in org_pdf


def test_suppressed_groups_show_only_the_phrase(rendered):
    _, out, _ = rendered
    hidden = SUPPRESSED + SUPPRESSED_DEPTS
    checked = 0
    for path in all_reports(out, "html"):
        page = parse(path)
        for row in page.rows:
            if row and row[0]["tag"] == "td" and row[0]["text"] in hidden:
                for cell in row[1:]:
                    assert cell["text"] == K_TEXT and "suppressed" in cell["class"], (path, row)
                    checked += 1
        for cell in page.cells:
            if cell["attrs"].get("group") in hidden:
                assert "metric" not in cell["attrs"], (path, cell)
        svg = " ".join(page.svg_text)
        assert not any(name in svg for name in SUPPRESSED), path
        visible = " ".join(page.text)
        assert not re.search(rf"\b(97|{SENTINEL_N})\b", visible), path
        assert "TINY-SECRET" not in path.read_text(encoding="utf-8")
    assert checked > 50
    for path in all_reports(out, "pdf"):
        text = pdf_text(path)
        assert not re.search(rf"\b(97|{SENTINEL_N})\b", text), path
        assert "TINY-SECRET" not in text
        for line in text.splitlines():
            if any(re.search(rf"\b{re.escape(n)}\b", line) for n in hidden):
                rest = re.sub(r"fewer than 5( responses)?|page \d+ of \d+", "", line)
                rest = re.sub("|".join(WAVES), "", rest)
                assert not re.search(r"\d", rest), (path, line)
    ops = parse(out / WAVES[1] / "department-ops.html")
    assert K_TEXT in " ".join(ops.text) and not ops.cells


def _expected(cell: dict, wave: str, rows: dict) -> str | None:
    a, table, metric = cell["attrs"], cell["table"], cell["attrs"]["metric"]
    wave = a.get("wave", wave)
    level, group, construct = a.get("level"), a.get("group"), a.get("construct")

    def one(name: str, **keys) -> dict:
        found = [r for r in rows[name] if all(r[k] == v for k, v in keys.items())]
        assert len(found) == 1, (name, keys)
        return found[0]

    if table in ("scores", "heatmap", "trend") and metric in (
        "score",
        "favorable",
        "neutral",
        "unfavorable",
        "rwg",
        "n",
        "vs_org",
        "diff",
    ):
        r = one(
            "mart_team_construct_scores",
            wave_id=wave,
            group_level=level,
            group_id=group,
            construct=construct,
        )
        org = one(
            "mart_team_construct_scores",
            wave_id=wave,
            group_level="org",
            group_id=ORG,
            construct=construct,
        )
        if table != "scores" and metric == "score":
            return fmt_int(r["score_0_100"])
        return {
            "score": lambda: fmt_with_interval(
                r["score_0_100"], r["score_ci_low"], r["score_ci_high"]
            ),
            "favorable": lambda: fmt_pct_interval(
                r["pct_favorable"], r["favorable_ci_low"], r["favorable_ci_high"]
            ),
            "neutral": lambda: fmt_pct(r["pct_neutral"]),
            "unfavorable": lambda: fmt_pct(r["pct_unfavorable"]),
            "rwg": lambda: fmt_decimal(r["rwg_j"]),
            "n": lambda: fmt_int(r["n_respondents"]),
            "vs_org": lambda: fmt_diff(r["score_0_100"], org["score_0_100"]),
            "diff": lambda: fmt_diff(r["score_0_100"], org["score_0_100"]),
        }[metric]()
    if metric == "delta":
        r = one(
            "mart_team_changes",
            group_level=level,
            group_id=group,
            construct=construct,
            to_wave=wave,
        )
        verdict = "significant" if r["change"] in ("up", "down") else "not significant"
        return f"{fmt_signed(r['delta'])} ({verdict})"
    if metric in ("leadership", "management", "quadrant"):
        r = one("mart_team_balance", wave_id=wave, group_level=level, group_id=group)
        if metric == "quadrant":
            return quadrant_label(r["quadrant"])
        return fmt_with_interval(
            r[f"{metric}_index"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"]
        )
    if metric in ("respondents", "headcount", "participation"):
        r = one("mart_participation", wave_id=wave, group_level=level, group_id=group)
        return (
            fmt_share(r["participation_rate"]) if metric == "participation" else fmt_int(r[metric])
        )
    if metric in ("enps", "promoters", "passives", "detractors"):
        r = one("mart_enps", wave_id=wave, group_level=level, group_id=group)
        if metric == "enps":
            return fmt_with_interval(r["enps"], r["enps_ci_low"], r["enps_ci_high"], signed=True)
        return fmt_share(r[metric])
    if metric == "alpha":
        r = one("mart_construct_reliability", wave_id=wave, construct=construct)
        return (
            f"{fmt_alpha(r['cronbach_alpha'])} ({fmt_alpha(r['alpha_ci_low'])}–"
            f"{fmt_alpha(r['alpha_ci_high'])})"
        )
    if metric in ("impact", "gap", "priority"):
        r = one(
            "mart_drivers", wave_id=wave, group_level=level, group_id=group, construct=construct
        )
        return {
            "impact": fmt_decimal(r["impact"]),
            "gap": fmt_signed(r["gap_to_org"]),
            "priority": fmt_decimal(r["priority"]),
        }[metric]
    if metric in ("n_comments", "share", "sentiment", "share_change"):
        r = one(
            "mart_comment_themes", wave_id=wave, group_level=level, group_id=group, theme=a["theme"]
        )
        change = r.get("share_change")
        return {
            "n_comments": fmt_int(r["n_comments"]),
            "share": fmt_share(r["share"]),
            "sentiment": fmt_decimal(r["mean_sentiment"]),
            "share_change": "" if change is None else f"{fmt_signed(change * 100)} pts",
        }[metric]
    return None


def test_every_figure_equals_the_mart_value_after_rounding(rendered, mart_rows):
    _, out, _ = rendered
    metrics: set[str] = set()
    for path in all_reports(out, "html"):
        wave = path.parent.name
        for cell in parse(path).cells:
            if "metric" not in cell["attrs"]:
                continue
            expected = _expected(cell, wave, mart_rows)
            assert expected is not None, cell
            assert cell["text"] == expected, (path.name, cell)
            metrics.add(cell["attrs"]["metric"])
    assert {
        "score",
        "favorable",
        "diff",
        "vs_org",
        "leadership",
        "management",
        "delta",
        "participation",
        "enps",
        "alpha",
        "impact",
        "share",
    } <= metrics


def test_rounding_is_half_up_as_shown(rendered):
    _, out, _ = rendered
    page = parse(out / WAVES[1] / "team-platform.html")
    trust = [
        c
        for c in page.cells
        if c["attrs"].get("metric") == "score"
        and c["table"] == "scores"
        and c["attrs"]["construct"] == "trust"
    ]
    assert [c["text"] for c in trust] == ["79 (73–85)"]  # 78.5 ± 6: half-up, not banker's


def test_pdf_holds_the_same_figures(rendered):
    _, out, _ = rendered
    for stem in ("org", "department-sales-success", "team-sales-west"):
        html, pdf = out / WAVES[1] / f"{stem}.html", out / WAVES[1] / f"{stem}.pdf"
        text = pdf_text(pdf)
        flat = " ".join(text.split())
        page = parse(html)
        shown = [
            c["text"]
            for c in page.cells
            if c["attrs"].get("metric")
            in ("score", "leadership", "management", "enps", "participation", "alpha", "delta")
        ]
        assert shown
        for figure in shown:
            assert figure in flat, (stem, figure)
        lines = set(text.splitlines())
        for row in page.rows:
            cells = [c for c in row if c["tag"] == "td"]
            if cells and all(c["table"] == "scores" for c in cells) and " " not in cells[0]["text"]:
                assert " ".join(c["text"] for c in cells) in lines, (stem, cells[0]["text"])
    summary = pdf_text(out / WAVES[1] / "org.pdf")
    assert "clarity of expectations fell 7 points in Sales & Success (significant)" in summary
    assert "Trust rose 6 points in Engineering (significant)" in summary
    assert "Mobile" in summary and "Clarity of expectations fell 6 points in Mobile" not in summary


def test_summary_calls_only_marked_changes_significant(rendered):
    _, out, _ = rendered
    text = " ".join(parse(out / WAVES[1] / "department-engineering.html").text)
    assert "trust rose 6 points in Engineering (significant)" in text
    assert "in Mobile (significant)" not in text  # delta -5.6 but q = 0.21: change 'none'
    west = " ".join(parse(out / WAVES[1] / "team-sales-west.html").text)
    assert "accountability fell 9 points in Sales West (significant)" in west
    assert "Participation is below 60%" in west
    platform = " ".join(parse(out / WAVES[1] / "team-platform.html").text)
    assert "roster is probably out of date" in platform
    first = " ".join(parse(out / WAVES[0] / "org.html").text)
    assert "This is the first wave" in first


def test_practices_follow_quadrant_and_weak_constructs(rendered):
    _, out, _ = rendered
    mobile = " ".join(parse(out / WAVES[1] / "team-mobile.html").text)
    assert "Chaos risk (vision without execution): add structure" in mobile
    assert f"{construct_label('clarity')} (48, below 60)" in mobile
    assert "one-to-ones" in mobile
    east = " ".join(parse(out / WAVES[1] / "team-sales-east.html").text)
    assert "order without inspiration" in east and "Delegate outcomes" in east
    assert "psychological safety" in east


def test_data_quality_appendix(rendered):
    _, out, _ = rendered
    text = " ".join(parse(out / WAVES[1] / "team-platform.html").text)
    for name in (
        "engagement_2026-03.csv",
        "pulse_extra.xlsx",
        "broken.csv",
        "Partly quarantined",
        "Rejected",
        "Below 0.70: read with caution",
    ):
        assert name in text


def test_second_run_rewrites_nothing(rendered):
    marts, out, _ = rendered
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = render_all(marts, out)
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert again.written == [] and again.removed == []
    assert before == after
