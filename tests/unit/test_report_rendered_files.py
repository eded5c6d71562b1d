"""The rendered reports as files: every report in both formats, self-contained HTML
with hostile comments escaped, and a second render that rewrites nothing."""

from __future__ import annotations

import re

from pipelines.domain.report import render_all
from tests.fixtures.marts_fixture import WAVES
from tests.unit.rendered_reports import DEPARTMENTS, SHOWN_TEAMS, all_reports, parse, pdf_text


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


def test_second_run_rewrites_nothing(rendered):
    marts, out, _ = rendered
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = render_all(marts, out)
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert again.written == [] and again.removed == []
    assert before == after
