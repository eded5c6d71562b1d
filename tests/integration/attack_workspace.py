"""The workspace of the end-to-end attack test (tests/integration/test_attack.py): teams cut
down to a few respondents in the raw exports, and tandem.yaml options set."""

from __future__ import annotations

import codecs
import csv
import io
from collections import defaultdict
from pathlib import Path

# five departments and around the reorganisation (the merged "SMB Sales East" before the merge,
# the split-off "Platform Reliability" and the renamed "Technical Support" after it).
SHRINK: dict[str, dict[str, int]] = {
    "2025-11": {
        "SMB Sales East": 3,
        "Mobile": 4,
        "Billing": 1,
        "Renewals": 2,
        "Procurement": 3,
        "Community": 4,
    },
    "2026-05": {
        "Platform Reliability": 3,
        "Security": 2,
        "People Operations": 4,
        "Billing": 3,
        "Onboarding": 1,
        "Mid-Market Sales": 4,
        "Technical Support": 2,
    },
    "2026-11": {
        "Platform Reliability": 2,
        "Data Engineering": 4,
        "Mid-Market Sales": 3,
        "People Operations": 1,
        "Billing": 4,
        "Partnerships": 2,
    },
}


def shrink_teams(home: Path, plan: dict[str, dict[str, int]] = SHRINK) -> None:
    """Delete response rows from the raw exports so that the planned teams keep only the first
    few complete responses (by file order) of distinct respondents. Files stay valid: same
    encoding, BOM, line endings and header rows."""
    for wave_id, keep in plan.items():
        (path,) = sorted((home / "data" / "raw" / "surveys").glob(f"*/{wave_id}/*.csv"))
        raw = path.read_bytes()
        bom = raw.startswith(codecs.BOM_UTF8)
        text = raw.decode("utf-8-sig")
        newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = rows[0]
        if header[0] == "Timestamp":  # Google Forms: the team comes from the roster by email
            skip, email_col = 1, header.index("Email Address")
            roster = _roster_teams(home, wave_id)

            def team_of(row, roster=roster, email_col=email_col):
                return roster.get(row[email_col].strip().lower())

            def complete(row):
                return True
        else:  # Qualtrics: embedded-data team column, two or three header rows
            skip = 3 if rows[2] and rows[2][0].startswith("{") else 2
            email_col, team_col = header.index("RecipientEmail"), header.index("team")
            status, progress, finished = (
                header.index(c) for c in ("Status", "Progress", "Finished")
            )

            def team_of(row, team_col=team_col):
                return row[team_col].strip()

            def complete(row, s=status, p=progress, f=finished):
                return row[s] in ("IP Address", "0") and row[p] == "100" and row[f] in ("True", "1")

        kept: dict[str, set[str]] = defaultdict(set)
        out = rows[:skip]
        for row in rows[skip:]:
            team = team_of(row) if len(row) > email_col else None
            if team not in keep:
                out.append(row)
                continue
            who = row[email_col].strip().lower()
            if complete(row) and (who in kept[team] or len(kept[team]) < keep[team]):
                kept[team].add(who)
                out.append(row)
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator=newline).writerows(out)
        path.write_bytes((codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8"))


def _roster_teams(home: Path, wave_id: str) -> dict[str, str]:
    with (home / "data" / "raw" / "roster" / f"{wave_id}.csv").open(encoding="utf-8-sig") as f:
        return {r["email"].strip().lower(): r["team"].strip() for r in csv.DictReader(f)}


def set_options(home: Path, **options: object) -> None:
    """Set top-level keys of tandem.yaml (replacing the default lines)."""
    path = home / "tandem.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for key, value in options.items():
        rendered = f"{key}: {_yaml(value)}"
        hits = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
        if hits:
            lines[hits[0]] = rendered
        else:
            lines.append(rendered)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
