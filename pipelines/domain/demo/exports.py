"""Writers for the vendor formats of BRIEF §4: Qualtrics CSV and Google Forms CSV.

Both return the file's bytes and, for every data record, its 1-based record
number (after the header rows), the physical line where it starts and its key.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from pipelines.domain.demo.codebooks import (
    COMMENT_QUESTION,
    ENPS_QUESTION,
    ITEM_BANK,
    LABELS,
    MATRIX_QUESTION,
    NO_BASIS_LABEL,
    google_grid_text,
    qualtrics_item_id,
)
from pipelines.domain.demo.org import OFFICES, Org
from pipelines.domain.demo.responses import BLANK, NO_BASIS, Response

# (column id, question text, ImportId) of the Qualtrics metadata columns
QUALTRICS_META: tuple[tuple[str, str, str], ...] = (
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("LocationLatitude", "Location Latitude", "locationLatitude"),
    ("LocationLongitude", "Location Longitude", "locationLongitude"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
    ("team", "team", "team"),
)
_ALPHABET = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))


@dataclass(frozen=True)
class Written:
    """Where one response landed in the file."""

    record: int
    line: int
    key: str  # ResponseId (Qualtrics) or email + timestamp (Google Forms)
    response: Response


def qualtrics_columns() -> list[tuple[str, str, str]]:
    columns = list(QUALTRICS_META)
    for index, (_, _, _, statement) in enumerate(ITEM_BANK):
        columns.append(
            (qualtrics_item_id(index), f"{MATRIX_QUESTION} - {statement}", f"QID1_{index + 1}")
        )
    columns.append(("Q2", ENPS_QUESTION, "QID2"))
    columns.append(("Q3", COMMENT_QUESTION, "QID3_TEXT"))
    return columns


def _answer(value: int, as_text: bool) -> str:
    if value == BLANK:
        return ""
    if value == NO_BASIS:
        return NO_BASIS_LABEL if as_text else "-1"
    return LABELS[value - 1] if as_text else str(value)


def _encode(buffer: io.StringIO, bom: bool) -> bytes:
    return ("\ufeff" if bom else "").encode("utf-8") + buffer.getvalue().encode("utf-8")


def _emit(writer, header_lines: int, rows, keys, responses) -> list[Written]:
    """Write the data rows, noting the physical line where each record starts."""
    written = []
    line = header_lines + 1
    for number, (row, key, response) in enumerate(zip(rows, keys, responses, strict=True), 1):
        writer.writerow(row)
        written.append(Written(number, line, key, response))
        line += 1 + sum(cell.count("\n") for cell in row)  # quoted cells may hold newlines
    return written


def write_qualtrics(
    rng: np.random.Generator,
    responses: list[Response],
    org: Org,
    *,
    as_text: bool,
    bom: bool,
    crlf: bool,
) -> tuple[bytes, list[Written]]:
    """A Qualtrics CSV with three header rows (ids, question texts, ImportIds).

    ``as_text`` writes choice text ("Strongly agree", Status "IP Address"/"Survey Preview",
    Finished "True"/"False") as Qualtrics' "use choice text" export does; otherwise numeric
    codes (Status 0/1, Finished 1/0).
    """
    ordered = sorted(responses, key=lambda r: r.end)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    columns = qualtrics_columns()
    writer.writerow([c[0] for c in columns])
    writer.writerow([c[1] for c in columns])
    writer.writerow([f'{{"ImportId":"{c[2]}"}}' for c in columns])
    seen: set[str] = set()
    rows, keys = [], []
    for r in ordered:
        rid = "R_" + "".join(rng.choice(_ALPHABET, size=15))
        while rid in seen:
            rid = "R_" + "".join(rng.choice(_ALPHABET, size=15))
        seen.add(rid)
        r.response_id = rid
        person = org.employees[r.employee_id] if r.employee_id else None
        office = OFFICES[person.location] if person else OFFICES["London"]
        lat, lon = office + rng.normal(0, 0.05, size=2)
        if as_text:
            status = "Survey Preview" if r.preview else "IP Address"
            finished = "True" if r.finished else "False"
        else:
            status = "1" if r.preview else "0"
            finished = "1" if r.finished else "0"
        answers = [_answer(a, as_text) for a in r.answers]
        for index, raw in r.overrides.items():
            answers[index] = raw
        rows.append(
            [
                r.start.strftime("%Y-%m-%d %H:%M:%S"),
                r.end.strftime("%Y-%m-%d %H:%M:%S"),
                status,
                r.ip,
                str(r.progress),
                str(int((r.end - r.start).total_seconds())),
                finished,
                r.end.strftime("%Y-%m-%d %H:%M:%S"),
                rid,
                person.last_name if person else "",
                person.first_name if person else "",
                person.email if person else "",
                person.employee_id if person else "",
                f"{lat:.4f}",
                f"{lon:.4f}",
                "preview" if r.preview else "email",
                "EN",
                r.team,
                *answers,
                "" if r.enps is None else str(r.enps),
                r.comment,
            ]
        )
        keys.append(rid)
    written = _emit(writer, 3, rows, keys, ordered)
    return _encode(buffer, bom), written


def google_timestamp(moment) -> str:
    """Google Forms' own style: ``2026/11/05 9:14:33 am GMT``."""
    hour = moment.hour % 12 or 12
    half = "am" if moment.hour < 12 else "pm"
    return f"{moment:%Y/%m/%d} {hour}:{moment:%M:%S} {half} GMT"


def google_columns() -> list[str]:
    return [
        "Timestamp",
        "Email Address",
        *(google_grid_text(statement) for _, _, _, statement in ITEM_BANK),
        ENPS_QUESTION,
        COMMENT_QUESTION,
    ]


def write_google_forms(responses: list[Response], org: Org) -> tuple[bytes, list[Written]]:
    """A Google Forms CSV: one header row, every cell quoted, answers as text labels."""
    ordered = sorted(responses, key=lambda r: r.end)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(google_columns())
    rows, keys = [], []
    for r in ordered:
        email = org.employees[r.employee_id].email if r.employee_id else ""
        answers = [_answer(a, True) for a in r.answers]
        for index, raw in r.overrides.items():
            answers[index] = raw
        stamp = google_timestamp(r.end)
        rows.append([stamp, email, *answers, "" if r.enps is None else str(r.enps), r.comment])
        keys.append(f"{email} {stamp}")
    written = _emit(writer, 1, rows, keys, ordered)
    return _encode(buffer, False), written
