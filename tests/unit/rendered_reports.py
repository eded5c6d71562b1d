"""Reading back the reports rendered from the synthetic marts file, as a reader (or an
attacker) would: the table cells with their data-* attributes, the visible text, the
text inside SVG charts, and the PDF text.

The render itself is one session fixture (`rendered`, in tests/unit/conftest.py), shared
by the tests/unit/test_report_rendered_*.py files.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pypdf

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
MART_TABLES = (
    "mart_team_construct_scores",
    "mart_team_balance",
    "mart_participation",
    "mart_enps",
    "mart_team_changes",
    "mart_construct_reliability",
    "mart_drivers",
    "mart_comment_themes",
)


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


def all_reports(out: Path, ext: str) -> list[Path]:
    return sorted(out.glob(f"*/*.{ext}"))


def read_mart_rows(marts: Path) -> dict[str, list[dict]]:
    """Every row of the marts that the reports show, as dicts, by table."""
    con = duckdb.connect(str(marts), read_only=True)
    try:

        def rows(table: str) -> list[dict]:
            cur = con.execute(f"select * from {table}")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        return {t: rows(t) for t in MART_TABLES}
    finally:
        con.close()
