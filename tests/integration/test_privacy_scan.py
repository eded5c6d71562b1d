"""No name, email address or IP address from the raw files reaches a mart, a report or a log."""

import csv
import re

import pytest
from pypdf import PdfReader

IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def _identities(home):
    """Full names, emails and IP addresses planted in the demo's raw files."""
    names, emails, ips = set(), set(), set()
    for roster in (home / "data" / "raw" / "roster").glob("*.csv"):
        with roster.open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                names.add(row["full_name"])
                emails.add(row["email"].lower())
    for export in (home / "data" / "raw" / "surveys").rglob("*.csv"):
        text = export.read_text(encoding="utf-8-sig")
        ips.update(IP.findall(text))
        emails.update(e.lower() for e in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text))
    return names, emails, ips


@pytest.fixture(scope="module")
def identities(demo_run):
    names, emails, ips = _identities(demo_run.ws.home)
    assert len(names) > 500 and len(emails) > 500 and len(ips) > 500, "the scan needs something to find"
    return names, emails, ips


def _leaks(text: str, identities) -> list[str]:
    names, emails, ips = identities
    lowered = text.lower()
    found = [n for n in names if n.lower() in lowered]
    found += [e for e in emails if e in lowered]
    found += [ip for ip in set(IP.findall(text)) if ip in ips]
    return found


def test_no_identity_in_any_mart(demo_run, identities):
    tables = [r[0] for r in demo_run.query("SELECT table_name FROM duckdb_tables()")]
    for table in tables:
        frame = demo_run.frame(f"SELECT * FROM {table}")
        text = frame.astype(str).to_csv(index=False)
        assert not _leaks(text, identities), table


def test_no_identity_in_any_report(demo_run, identities):
    reports = list(demo_run.ws.reports_dir.rglob("*.html"))
    pdfs = list(demo_run.ws.reports_dir.rglob("*.pdf"))
    assert reports and pdfs
    for path in reports:
        assert not _leaks(path.read_text(encoding="utf-8"), identities), path.name
    for path in pdfs[:40]:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        assert not _leaks(text, identities), path.name


def test_no_identity_in_the_run_logs(demo_run, identities):
    text = "\n".join(demo_run.log_messages())
    assert text
    assert not _leaks(text, identities)


def test_the_state_holds_pseudonyms_not_identities(demo_run, identities):
    import duckdb

    with duckdb.connect(str(demo_run.ws.state_file), read_only=True) as con:
        for table in ("responses", "roster", "comments", "quarantine"):
            text = con.execute(f"SELECT * FROM {table}").df().astype(str).to_csv(index=False)
            assert not _leaks(text, identities), table
