"""read_export: format detection, counts, encodings, delimiters and damaged files."""

from __future__ import annotations

import csv
import os
import time
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from pipelines.domain.ingest import RejectedFile, read_export
from tests.shared_files import shared_path

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ROOT / "tests" / "fixtures" / "formats"


VENDOR = shared_path("samples/vendor", env="TANDEM_VENDOR_SAMPLES")
needs_vendor = pytest.mark.skipif(VENDOR is None, reason="shared/samples/vendor not available")

# file, expected format, header rows, count published in SOURCES.md
VENDOR_CASES = [
    ("qualtrics/qualtRics_sample.csv", "qualtrics", 3, 1),
    ("qualtrics/qualtRics_sample_legacy.csv", "qualtrics_legacy", 2, 1),
    ("surveymonkey/fivethirtyeight_StarWars.csv", "surveymonkey", 2, 1186),
    ("surveymonkey/fivethirtyeight_steak-risk-survey.csv", "surveymonkey", 2, 550),
    ("google_forms/jupyter_2016-05-education-survey_responses.csv", "google_forms", 1, 125),
    ("google_forms/rstudio_2019_Spanish_R_Community_Survey_Responses.csv", "google_forms", 1, 338),
    ("google_forms/exceed_pilot_study_convenience_results.csv", "google_forms", 1, 14),
    ("limesurvey/softwaresaved_rse_2017_zaf_public_data.csv", "generic_csv", 1, 22),
    (
        "surveygizmo/jupyter_2015-12-notebook-ux_20160115235816-SurveyExport.csv",
        "generic_csv",
        1,
        1706,
    ),
]


def csv_count(path: Path, header_rows: int, delimiter: str = ",") -> int:
    """Records counted with the csv module alone (latin-1 maps every byte to one char)."""
    with open(path, encoding="latin-1", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return len(rows) - header_rows


@needs_vendor
@pytest.mark.parametrize("rel,fmt,header_rows,published", VENDOR_CASES)
def test_vendor_samples_detected_and_counted(rel, fmt, header_rows, published):
    path = VENDOR / rel
    parsed = read_export(path)
    assert parsed.format == fmt
    assert parsed.header_rows == header_rows
    assert parsed.delimiter == ","
    expected = csv_count(path, header_rows)
    assert expected == published
    assert parsed.responses == expected == len(parsed.records)
    assert list(parsed.records.columns) == list(range(len(parsed.columns)))
    assert parsed.record_numbers.tolist() == list(range(1, expected + 1))
    assert len(parsed.line_numbers) == expected
    assert (parsed.line_numbers[1:] > parsed.line_numbers[:-1]).all() if expected > 1 else True
    assert parsed.warnings == []


@needs_vendor
def test_vendor_details():
    q = read_export(VENDOR / "qualtrics/qualtRics_sample.csv")
    assert q.encoding == "utf-8"
    assert q.columns[9].text == "Nachname des Empfängers"
    assert q.columns[17].id == "Q1" and q.columns[17].import_id == "QID1"
    assert q.records.iloc[0, 17] == "2" and q.line_numbers.tolist() == [4]
    legacy = read_export(VENDOR / "qualtrics/qualtRics_sample_legacy.csv")
    assert legacy.encoding == "utf-8-sig"
    assert legacy.columns[0].id == "V1" and legacy.columns[0].text == "ResponseID"
    assert legacy.columns[-1].id == ""  # trailing comma: an empty column name
    sw = read_export(VENDOR / "surveymonkey/fivethirtyeight_StarWars.csv")
    assert sw.encoding == "cp1252"
    han, luke = sw.columns[15], sw.columns[16]
    assert han.id == han.text and han.sub_label == "Han Solo"
    assert luke.id == "" and luke.sub_label == "Luke Skywalker" and luke.text == han.text
    assert han.text.startswith("Please state whether you view the following characters")
    assert sw.columns[1].sub_label == "Response"
    jup = read_export(VENDOR / "google_forms/jupyter_2016-05-education-survey_responses.csv")
    multiline = jup.records.apply(lambda s: s.str.contains("\n", na=False)).to_numpy().sum()
    assert multiline == 45
    assert jup.line_numbers[-1] > jup.responses + 1  # records span several physical lines
    lime = read_export(VENDOR / "limesurvey/softwaresaved_rse_2017_zaf_public_data.csv")
    assert lime.columns[0].id == ""
    assert lime.columns[208].import_id == "likert2[affSat1]"
    exceed = read_export(VENDOR / "google_forms/exceed_pilot_study_convenience_results.csv")
    assert [c.text for c in exceed.columns].count(
        "This code snippet is difficult to understand."
    ) == 8


@pytest.mark.parametrize(
    "name,fmt,header_rows,delimiter,encoding,responses",
    [
        ("qualtrics_choice_text.csv", "qualtrics", 3, ",", "utf-8", 8),
        ("qualtrics_numeric_bom_crlf.csv", "qualtrics", 3, ",", "utf-8-sig", 8),
        ("qualtrics_2016_single_quote.csv", "qualtrics", 3, ",", "utf-8", 3),
        ("surveymonkey_matrix.csv", "surveymonkey", 2, ",", "utf-8", 5),
        ("surveymonkey_onehot.csv", "surveymonkey", 2, ",", "utf-8", 4),
        ("google_forms_grid.csv", "google_forms", 1, ",", "utf-8", 4),
        ("google_forms_grid.tsv", "google_forms", 1, "\t", "utf-8", 4),
        ("ms_forms.xlsx", "ms_forms", 1, None, "xlsx", 3),
        ("generic_semicolon_cp1252.csv", "generic_csv", 1, ";", "cp1252", 3),
    ],
)
def test_format_fixtures(name, fmt, header_rows, delimiter, encoding, responses):
    parsed = read_export(FORMATS / name)
    assert (parsed.format, parsed.header_rows, parsed.delimiter, parsed.encoding) == (
        fmt,
        header_rows,
        delimiter,
        encoding,
    )
    assert parsed.responses == responses
    assert parsed.warnings == []


def test_qualtrics_fixture_details():
    crlf = read_export(FORMATS / "qualtrics_numeric_bom_crlf.csv")
    assert crlf.columns[0].id == "StartDate"  # BOM stripped
    assert crlf.columns[14].import_id == "QID1_1"
    # record 2 holds a comment with an embedded newline: the next record starts 2 lines later
    assert crlf.line_numbers.tolist()[:3] == [4, 5, 7]
    assert crlf.records.iloc[1, 31] == 'He said "ship it",\nthen left.'
    old = read_export(FORMATS / "qualtrics_2016_single_quote.csv")
    assert old.columns[0].import_id == "responseId"
    assert old.columns[10].id == "Q1_1" and old.columns[10].import_id == "QID1"


def test_surveymonkey_and_google_columns():
    sm = read_export(FORMATS / "surveymonkey_matrix.csv")
    sub = sm.columns[10]
    assert sub.id == "" and sub.text == sm.columns[9].text and sub.parent == sub.text
    assert sub.label.endswith("| People on my team rely on each other to do what they say.")
    assert (
        sm.columns[13].sub_label == "Response" and sm.columns[13].label == "Which team are you on?"
    )
    g = read_export(FORMATS / "google_forms_grid.tsv")
    grid = g.columns[3]
    assert grid.parent == "How much do you agree?"
    assert grid.sub_label == "I can count on my manager to keep their commitments."
    assert g.records.iloc[2, -1] == '"Listen" more, please'  # unquoted TSV keeps the quotes


def test_ms_forms_xlsx_generated(tmp_path):
    path = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            "Rate your manager [Trust]",
            "Comment",
        ]
    )
    ws.append([1, "3/1/26 9:00:00", "3/1/26 9:05:00", "anonymous", None, None, 4, "ok"])
    ws.append([2, "3/1/26 9:10:00", "3/1/26 9:15:00", "anonymous", None, None, 5.0, None])
    ws.append([None] * 8)  # blank trailing row
    wb.save(path)
    parsed = read_export(path)
    assert parsed.format == "ms_forms" and parsed.responses == 2
    assert parsed.records[6].tolist() == ["4", "5"]
    assert parsed.line_numbers.tolist() == [2, 3]
    assert parsed.columns[6].sub_label == "Trust"


def test_generic_semicolon_cp1252():
    p = read_export(FORMATS / "generic_semicolon_cp1252.csv")
    assert p.columns[1].text == "Équipe"
    assert p.records.iloc[1, 6] == "Réunions; trop longues"
    assert p.records.iloc[2, 6] == "Prime 100 €"
    assert p.responses == 3  # the blank trailing rows are not records


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_header_only_is_zero_responses(tmp_path):
    p = read_export(_write(tmp_path, "h.csv", b"Timestamp,Q1,Q2\r\n"))
    assert p.format == "google_forms" and p.responses == 0 and len(p.columns) == 3
    q = read_export(FORMATS / "qualtrics_choice_text.csv")
    head = b"".join((FORMATS / "qualtrics_choice_text.csv").read_bytes().splitlines(True)[:3])
    q = read_export(_write(tmp_path, "q.csv", head))
    assert q.format == "qualtrics" and q.responses == 0


@pytest.mark.parametrize(
    "data,why",
    [
        (b"", "empty"),
        (b"\r\n\r\n  \n", "empty"),
        (b"just one line of prose without any delimiter\nand another one\n", "delimiter"),
        (b"a,b\n1,2,3,4\n5\n6,7,8,9,10\n1;2\n9,9,9,9,9,9\n", "delimiter"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04garbage that is not a zip", "xlsx"),
    ],
)
def test_rejected(tmp_path, data, why):
    path = _write(tmp_path, "bad.csv", data)
    with pytest.raises(RejectedFile) as err:
        read_export(path)
    assert str(path) in str(err.value) and why in str(err.value)


def test_binary_junk_rejected_fast_and_bounded(tmp_path):
    path = tmp_path / "junk.csv"
    with open(path, "wb") as fh:  # 200 MB: 1 MB of random bytes, then a sparse tail
        fh.write(os.urandom(1 << 20))
        fh.truncate(200 << 20)
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(RejectedFile, match="binary"):
        read_export(path)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2 and peak < 32 << 20
    printable = tmp_path / "junk2.csv"
    with open(printable, "wb") as fh:  # no NUL bytes: still no consistent delimiter
        fh.write(bytes(33 + b % 90 for b in os.urandom(1 << 20)))
        fh.truncate(200 << 20)
    t0 = time.perf_counter()
    with pytest.raises(RejectedFile):
        read_export(printable)
    assert time.perf_counter() - t0 < 5


def test_truncated_last_line(tmp_path):
    p = read_export(_write(tmp_path, "t.csv", b"id,team,Q1,Q2\n1,A,4,5\n2,B,3"))
    assert p.responses == 2
    assert p.records.iloc[1].tolist()[:3] == ["2", "B", "3"] and p.records.isna().iloc[1, 3]
    assert any("truncated" in w for w in p.warnings)
    q = read_export(_write(tmp_path, "t2.csv", b'id,comment\n1,"ok"\n2,"cut in the mid'))
    assert q.responses == 2 and q.records.iloc[1, 1] == "cut in the mid"


def test_duplicate_and_empty_names_blank_rows_crlf(tmp_path):
    data = b'id,Q,Q,,note\r\n1,1,2,x,"a\r\nb, c"\r\n\r\n2,3,4,y,\r\n,,,,\r\n,,,,\r\n\r\n'
    p = read_export(_write(tmp_path, "d.csv", data))
    assert [c.id for c in p.columns] == ["id", "Q", "Q", "", "note"]
    assert p.responses == 2 and p.line_numbers.tolist() == [2, 5]
    assert p.records.iloc[0, 4] == "a\r\nb, c"
    mid = read_export(_write(tmp_path, "m.csv", b"id,Q\n1,2\n,\n3,4\n"))
    assert mid.responses == 3  # an all-blank row between records is a record


def test_unquoted_tsv_and_latin1(tmp_path):
    tsv = 'Timestamp\tEmail Address\tQ, with comma\n2026-01-01\ta@x\t"quoted start\n'
    p = read_export(_write(tmp_path, "g.tsv", tsv.encode("utf-8")))
    assert p.delimiter == "\t" and p.records.iloc[0, 2] == '"quoted start'
    cp1252 = "name;city\nJosé;Zürich\n".encode("cp1252")
    q = read_export(_write(tmp_path, "c.csv", cp1252))
    assert q.encoding == "cp1252" and q.responses == 1 and q.records.iloc[0, 1] == "Zürich"
    # 0x81 and 0x8D are neither UTF-8 nor cp1252 text: the file is rejected, naming the line
    with pytest.raises(RejectedFile, match="line 3"):
        read_export(_write(tmp_path, "l.csv", cp1252 + b"\x81\x8d;x\n"))


def test_format_detected_from_content_not_name(tmp_path):
    data = (FORMATS / "surveymonkey_matrix.csv").read_bytes()
    p = read_export(_write(tmp_path, "google_forms_export.xlsx.csv", data))
    assert p.format == "surveymonkey"
    sm2 = b"StartDate,EndDate,How are you?\n,,Response\n2026-01-01,2026-01-01,Fine\n"
    assert read_export(_write(tmp_path, "x.csv", sm2)).format == "surveymonkey"
    plain = b"StartDate,EndDate,How are you?\n2026-01-01,2026-01-01,Fine\n"
    assert read_export(_write(tmp_path, "y.csv", plain)).format == "generic_csv"


def test_utf16_qualtrics_tsv(tmp_path):
    text = (FORMATS / "qualtrics_choice_text.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines(True)))
    tsv = "".join("\t".join(r).replace("\n", " ") + "\r\n" for r in rows)
    p = read_export(_write(tmp_path, "q.tsv", tsv.encode("utf-16")))
    assert p.format == "qualtrics" and p.encoding == "utf-16" and p.delimiter == "\t"
    assert p.responses == 8


def test_excel_sep_line_and_bom_on_cp1252(tmp_path):
    p = read_export(_write(tmp_path, "s.csv", b"sep=;\r\nid;Q1;Q2\r\n1;4;5\r\n2;3;3\r\n"))
    assert p.delimiter == ";" and [c.id for c in p.columns] == ["id", "Q1", "Q2"]
    assert p.responses == 2 and p.line_numbers.tolist() == [3, 4]
    q = read_export(_write(tmp_path, "b.csv", b"\xef\xbb\xbfid,name\n1,Jos\xe9\n"))
    assert q.encoding == "cp1252" and q.columns[0].id == "id" and q.records.iloc[0, 1] == "José"


def test_larger_file_is_fast(tmp_path):
    lines = (FORMATS / "qualtrics_choice_text.csv").read_text(encoding="utf-8").splitlines(True)
    body = [line for line in lines[3:] if line.startswith("2026-03-10 08")]
    path = tmp_path / "big.csv"
    path.write_text("".join(lines[:3]) + body[0] * 30_000, encoding="utf-8")
    t0 = time.perf_counter()
    p = read_export(path)
    assert time.perf_counter() - t0 < 5
    assert p.responses == 30_000 and p.line_numbers[-1] == 30_003
    assert p.records.iloc[-1, 14] == "Agree"
