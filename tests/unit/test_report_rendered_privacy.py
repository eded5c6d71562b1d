"""The rendered reports show nothing of a suppressed group but the phrase: no figure in
a table, a chart, the visible text or the PDF, even where the marts leak sentinels."""

from __future__ import annotations

import re

from tests.fixtures.marts_fixture import SENTINEL_N, WAVES
from tests.unit.rendered_reports import (
    K_TEXT,
    SUPPRESSED,
    SUPPRESSED_DEPTS,
    all_reports,
    parse,
    pdf_text,
)


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
