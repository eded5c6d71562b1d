"""map_export, apply_exclusions, decode and inspect_file."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.domain.ingest import (
    RESPONDENT_COLUMNS,
    CodebookMismatch,
    apply_exclusions,
    decode,
    format_inspect_report,
    inspect_file,
    load_codebook,
    map_export,
    parse_codebook,
    parse_timestamps,
    read_export,
)

from .test_ingest_formats import FORMATS, VENDOR, needs_vendor

ROOT = Path(__file__).resolve().parents[2]
CODEBOOKS = ROOT / "tests" / "fixtures" / "codebooks"
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
FIXED = ["record_number", "line_number", *RESPONDENT_COLUMNS.values()]


def run(export: Path, codebook, wave=None):
    cb = codebook if not isinstance(codebook, str | Path) else load_codebook(codebook)
    parsed = read_export(export)
    mapped = map_export(parsed, cb, wave)
    result = apply_exclusions(mapped, cb)
    kept, excluded = result
    assert len(kept) + len(excluded) == parsed.responses  # counts conserve
    assert list(mapped.frame.columns) == FIXED + [i.id for i in cb.items]
    return parsed, mapped, result, decode(kept, cb)


# ---- vendor samples with Likert items -------------------------------------------------

@needs_vendor
def test_exceed_numbers_and_occurrence():
    path = VENDOR / "google_forms/exceed_pilot_study_convenience_results.csv"
    parsed, mapped, result, codes = run(path, CODEBOOKS / "exceed_pilot.yaml")
    assert len(codes) == 14 and not result.dedup_possible
    assert mapped.item_columns["CD2"] == [5] and mapped.item_columns["MU3"] == [12]
    assert codes["CD2"].tolist() == parsed.records[5].astype(float).tolist()
    assert codes[["CD1", "CD2", "CD3", "MU1", "MU2", "MU3", "MD1R"]].notna().all().all()


@needs_vendor
def test_rstudio_ratings_and_nps():
    path = VENDOR / "google_forms/rstudio_2019_Spanish_R_Community_Survey_Responses.csv"
    parsed, mapped, result, codes = run(path, CODEBOOKS / "rstudio_2019.yaml")
    assert mapped.item_columns["REASON_LEARNED"] == [13]  # second of the duplicated texts
    assert codes["ENJOY_R"].dropna().between(1, 5).all()
    assert int(codes["ENJOY_R"].notna().sum()) == 329
    assert codes["NPS_R"].max() == 10 and codes["NPS_R"].notna().sum() == 331
    assert codes["REASON_LEARNED"].dropna().iloc[0][0].isupper()  # comments keep their case


@needs_vendor
def test_limesurvey_labels_codes_and_aliases():
    path = VENDOR / "limesurvey/softwaresaved_rse_2017_zaf_public_data.csv"
    parsed, mapped, result, codes = run(path, CODEBOOKS / "limesurvey_rse.yaml")
    raw = parsed.records[208]  # likert2[affSat1]
    expect = raw.map({"Strongly disagree": 1, "Disagree": 2, "Neither agree or disagree": 3,
                      "Agree": 4, "Strongly Agree": 5}).astype(float)
    pd.testing.assert_series_equal(codes["SAT1"], expect, check_names=False)
    assert 0.0 in set(codes["GEN1"]) and codes["GEN1"].max() <= 10
    assert codes["FB1"].notna().sum() == 14
    assert len(mapped.invalid_values) == 0


@needs_vendor
def test_starwars_matrix_with_no_answer_label():
    path = VENDOR / "surveymonkey/fivethirtyeight_StarWars.csv"
    parsed, mapped, result, codes = run(path, CODEBOOKS / "starwars.yaml")
    assert result.dedup_possible and result.counts["duplicate"] == 0
    han_raw = parsed.records[mapped.item_columns["HAN"][0]]
    assert int((han_raw == "Unfamiliar (N/A)").sum()) > 0
    assert codes["HAN"].notna().sum() == int(han_raw.notna().sum() - (han_raw == "Unfamiliar (N/A)").sum())
    assert codes["HAN"].mean() > 4 > codes["PALPATINE"].mean()
    assert mapped.frame["respondent_id"].iloc[0] == parsed.records.iloc[0, 0]


@needs_vendor
def test_legacy_qualtrics_id_falls_back_to_second_row():
    cb = parse_codebook({
        "scale": {"min": 1, "max": 5},
        "respondent": {"id": {"id": "ResponseID"}, "status": {"id": "Status"},
                       "finished": {"id": "Finished"}},
        "items": [{"id": "MC", "construct": "x", "column": {"id": "Q1"}},
                  {"id": "MC2", "construct": "x", "column": {"id": "q1"}},
                  {"id": "TXT", "role": "comment", "column": {"id": "Q2"}}]})
    _, mapped, result, codes = run(VENDOR / "qualtrics/qualtRics_sample_legacy.csv", cb)
    assert mapped.frame["respondent_id"].tolist() == ["R_2YPOQ602ER1jkf1"]
    assert codes["MC"].tolist() == [2.0] and codes["TXT"].tolist() == ["Hello World!"]
    assert len(result.kept) == 1


@needs_vendor
def test_surveygizmo_partial_status():
    cb = parse_codebook({"scale": {"min": 1, "max": 5},
                         "respondent": {"status": {"id": "Status"},
                                        "timestamp": {"id": "Date Submitted"}},
                         "items": [{"id": "FREQ", "role": "comment",
                                    "column": {"text": "How often do you use Jupyter Notebook?"}}]})
    _, _, result, _ = run(VENDOR / "surveygizmo/jupyter_2015-12-notebook-ux_"
                          "20160115235816-SurveyExport.csv", cb)
    assert result.counts == {"preview_test_spam": 0, "partial": 927, "duplicate": 0}
    assert len(result.kept) == 779


# ---- demo-style exports -------------------------------------------------------------------

DEMO = CODEBOOKS / "demo_engagement.yaml"


def test_demo_qualtrics_choice_text_and_numeric_agree():
    _, mapped, res_text, codes_text = run(FORMATS / "qualtrics_choice_text.csv", DEMO, "2026-03")
    _, _, res_num, codes_num = run(FORMATS / "qualtrics_numeric_bom_crlf.csv", DEMO, "2026-03")
    items = [i.id for i in load_codebook(DEMO).items if i.role != "comment"]
    pd.testing.assert_frame_equal(codes_text[items], codes_num[items])
    assert res_text.excluded.to_dict("list") == res_num.excluded.to_dict("list") == {
        "record_number": [3, 4, 5, 7], "line_number": [7, 8, 9, 11],
        "reason": ["preview_test_spam", "partial", "duplicate", "preview_test_spam"]}
    assert res_text.dedup_possible and res_text.dedup_key == "respondent_id"
    assert codes_text["E2"].isna().tolist() == [False, False, False, True]  # "No basis" / -1
    assert codes_text["ENPS"].tolist() == [9.0, 10.0, 4.0, 8.0]
    assert codes_text["team"].tolist() == ["Alpha", "Alpha", "Beta", "Beta"]
    assert mapped.frame["T2"].iloc[0] == "strongly agree"  # normalized token
    assert "ResponseId" in mapped.unmapped_columns and "Q1_1" not in mapped.unmapped_columns
    assert codes_text["COMMENT"].iloc[1] == 'He said "ship it",\nthen left.'


def test_qualtrics_status_codes_excluded_without_status_values():
    cb = load_codebook(DEMO)
    cb.exclude = type(cb.exclude)()  # no status_values, no min_progress
    _, _, result, _ = run(FORMATS / "qualtrics_numeric_bom_crlf.csv", cb, "2026-03")
    assert result.counts == {"preview_test_spam": 2, "partial": 1, "duplicate": 1}


@pytest.mark.parametrize("name", ["google_forms_grid.csv", "google_forms_grid.tsv"])
def test_demo_google_wave(name):
    _, mapped, result, codes = run(FORMATS / name, DEMO, "2026-09")
    assert set(mapped.not_asked) == {"E1", "E2", "E3", "E4R", "A1", "A2", "A3", "A4R"}
    assert codes["E1"].isna().all() and mapped.unmapped_columns == []
    assert result.dedup_key == "email" and result.excluded["record_number"].tolist() == [3]
    assert codes["T1"].tolist() == [5.0, 4.0, 2.0] and codes["C4R"].tolist() == [1.0, 2.0, 4.0]


def test_google_grid_reference_spellings():
    _, mapped, _, codes = run(FORMATS / "google_forms_grid.csv", CODEBOOKS / "google_wave.yaml")
    assert [mapped.item_columns[i] for i in ("T1", "T2", "T3", "T4R")] == [[3], [4], [5], [6]]
    assert codes["ENPS"].tolist() == [9.0, 7.0, 5.0]


def _sm_codebook(**extra):
    q = "How much do you agree with the following statements about your team?"
    data = {"scale": {"min": 1, "max": 5, "labels": AGREE},
            "respondent": {"id": {"id": "Respondent ID"}, "timestamp": {"id": "End Date"},
                           "team": {"text": "Which team are you on?"}},
            "items": [
                {"id": "T1", "construct": "trust",
                 "column": {"text": f"{q} | I can count on my manager to keep their commitments."}},
                {"id": "T2", "construct": "trust",
                 "column": {"text": f"{q} | People on my team rely on each other to do what they say."}},
                {"id": "C1", "construct": "clarity",
                 "column": {"text": f"{q} | My priorities for this quarter are clear to me."}},
                {"id": "C2", "construct": "clarity",
                 "column": {"text": f"{q}|I understand how my work will be judged."}},
                {"id": "NOTE", "role": "comment", "column": {"text": "Any comments? | Open-Ended Response"}}]}
    data.update(extra)
    return parse_codebook(data)


def test_surveymonkey_matrix_rows():
    _, mapped, result, codes = run(FORMATS / "surveymonkey_matrix.csv", _sm_codebook())
    assert mapped.item_columns["C2"] == [12]
    assert result.excluded.to_dict("list") == {"record_number": [3], "line_number": [5],
                                               "reason": ["duplicate"]}
    np.testing.assert_array_equal(codes["T1"], [5.0, 4.0, 2.0, np.nan])
    np.testing.assert_array_equal(codes["C2"], [3.0, 5.0, 2.0, np.nan])  # the resubmission
    assert codes["NOTE"].iloc[2] == "resubmitted"
    assert codes["team"].tolist() == ["Alpha", "Alpha", "Beta", "Beta"]


def test_surveymonkey_one_column_per_option():
    items = [{"id": iid, "construct": c, "column": {"text": text}} for iid, c, text in [
        ("T1", "trust", "I can count on my manager to keep their commitments."),
        ("T2", "trust", "People on my team rely on each other to do what they say."),
        ("E1", "empowerment", "I have the authority to decide how I do my work."),
        ("E2", "empowerment", "My manager lets me solve problems my own way.")]]
    cb = parse_codebook({"scale": {"min": 1, "max": 5, "labels": AGREE},
                         "respondent": {"id": {"id": "RespondentID"}}, "items": items})
    _, mapped, _, codes = run(FORMATS / "surveymonkey_onehot.csv", cb)
    assert mapped.item_columns["T1"] == [1, 2, 3, 4, 5]
    assert codes["T1"].tolist()[:3] == [5.0, 3.0, 4.0] and np.isnan(codes["T1"].iloc[3])
    np.testing.assert_array_equal(codes["T2"], [4.0, 3.0, np.nan, 1.0])
    assert codes["E2"].tolist() == [4.0, 2.0, 5.0, 2.0]
    assert any("more than one option" in w for w in mapped.warnings)
    assert mapped.unmapped_columns == ["Department"]


def test_ms_forms_fixture():
    items = [{"id": iid, "construct": c, "column": {"text": text}} for iid, c, text in [
        ("T1", "trust", "I can count on my manager to keep their commitments."),
        ("T2", "trust", "People on my team rely on each other to do what they say."),
        ("C1", "clarity", "My priorities for this quarter are clear to me."),
        ("C2", "clarity", "I understand how my work will be judged.")]]
    items += [{"id": "ENPS", "role": "enps", "column": {"text": "How likely are you to "
                                                        "recommend this company as a place to work?"}},
              {"id": "COMMENT", "role": "comment", "column": {"text": "What one thing would most "
                                                              "improve how your team is led?"}}]
    cb = parse_codebook({"scale": {"min": 1, "max": 5, "labels": AGREE},
                         "respondent": {"id": {"id": "ID"}, "team": {"id": "Team"},
                                        "timestamp": {"id": "Completion time"}}, "items": items})
    _, _, result, codes = run(FORMATS / "ms_forms.xlsx", cb)
    assert codes["T1"].tolist() == [5.0, 4.0, 2.0] and codes["ENPS"].tolist() == [9.0, 10.0, 6.0]
    assert codes["COMMENT"].tolist()[2] == "=SUM(A1:A2)"  # kept as text; escaping is the report's job
    assert codes["submitted_at"].iloc[0] == "2026-03-11 09:04:00"


def test_generic_semicolon_with_codebook():
    cb = parse_codebook({"scale": {"min": 1, "max": 5},
                         "respondent": {"id": {"id": "Respondent"}, "team": {"id": "équipe"}},
                         "items": [{"id": i, "construct": c, "column": {"id": i}}
                                   for i, c in [("T1", "t"), ("T2", "t"), ("C1", "c"), ("C2", "c")]]})
    _, _, _, codes = run(FORMATS / "generic_semicolon_cp1252.csv", cb)
    assert codes["team"].tolist() == ["Vente", "Vente", "Opérations"]
    assert codes["C1"].tolist() == [4.0, 2.0, 5.0]


# ---- mismatches ---------------------------------------------------------------------------

def _demo_with(mutate):
    import yaml
    data = yaml.safe_load(DEMO.read_text())
    mutate(data)
    return parse_codebook(data, source="edited.yaml")


def test_missing_column_names_item_reference_and_candidates():
    cb = _demo_with(lambda d: d["items"][0].update(column={"id": "Q1_01"}))
    parsed = read_export(FORMATS / "qualtrics_choice_text.csv")
    with pytest.raises(CodebookMismatch) as err:
        map_export(parsed, cb, "2026-03")
    msg = str(err.value)
    assert "item T1" in msg and "'Q1_01'" in msg and "Q1_1" in msg and "edited.yaml" in msg
    assert len(err.value.problems) == 1
    cb2 = _demo_with(lambda d: d["respondent"].update(team={"id": "Team name"}))
    with pytest.raises(CodebookMismatch, match="respondent.team"):
        map_export(parsed, cb2, "2026-03")


def test_labels_not_on_scale():
    cb = parse_codebook({"scale": {"min": 1, "max": 5, "labels": AGREE},
                         "items": [{"id": "A", "construct": "x", "column": {"id": "Q1_1"}},
                                   {"id": "B", "construct": "x", "column": {"id": "Q1_2"}}]})
    sw = copy.deepcopy(read_export(FORMATS / "qualtrics_choice_text.csv"))
    sw.records[14] = "Very favorably"
    with pytest.raises(CodebookMismatch) as err:
        map_export(sw, cb)
    msg = str(err.value)
    assert "item A" in msg and "'very favorably' (8)" in msg and "'Strongly agree'" in msg
    assert "item B" not in msg


def test_ambiguous_and_occurrence_out_of_range():
    parsed = read_export(FORMATS / "surveymonkey_onehot.csv")
    cb = parse_codebook({"scale": {"min": 1, "max": 5},
                         "items": [{"id": "A", "construct": "x", "column": {"text": "I can count on my manager to keep their commitments."}},
                                   {"id": "B", "construct": "x", "column": {"id": "RespondentID", "occurrence": 2}}]})
    with pytest.raises(CodebookMismatch) as err:
        map_export(parsed, cb)
    assert "5 columns match" in str(err.value) and "occurrence" in str(err.value)
    assert "occurrence 2, but only 1" in str(err.value)


def test_unknown_wave():
    with pytest.raises(CodebookMismatch, match="wave '2031-01'"):
        map_export(read_export(FORMATS / "google_forms_grid.csv"), load_codebook(DEMO), "2031-01")


def test_minority_off_scale_values_and_decode_errors():
    parsed = read_export(FORMATS / "qualtrics_choice_text.csv")
    parsed.records.loc[1, 14] = "Somewhat agree"
    cb = load_codebook(DEMO)
    mapped = map_export(parsed, cb, "2026-03")
    assert mapped.invalid_values.to_dict("list") == {
        "record_number": [2], "line_number": [5], "item_id": ["T1"], "value": ["somewhat agree"]}
    with pytest.raises(ValueError, match=r"record 2 \(line 5\), column T1: answer 'somewhat agree'"):
        decode(mapped.frame, cb)
    assert np.isnan(decode(mapped.frame, cb, errors="coerce")["T1"].iloc[1])


def test_no_respondent_id_means_no_dedup():
    cb = _demo_with(lambda d: (d["respondent"].pop("id"), d["respondent"].pop("email"),
                               d.update(team_join="column")))
    _, _, result, _ = run(FORMATS / "qualtrics_choice_text.csv", cb, "2026-03")
    assert result.dedup_possible is False and result.counts["duplicate"] == 0
    kept, excluded = result
    assert len(kept) == 5


def test_parse_timestamps():
    s = pd.Series(["2025/07/31 11:59:34 am EEST", "2025/07/31 3:16:40 pm EEST",
                   "12/13/2019 12:02:32", "2026-03-10 09:00:00", None, "garbage"])
    ts = parse_timestamps(s)
    assert ts.iloc[1] > ts.iloc[0] and ts.iloc[1].hour == 15
    assert ts.iloc[2].year == 2019 and pd.isna(ts.iloc[4]) and pd.isna(ts.iloc[5])


# ---- inspect ------------------------------------------------------------------------------

def test_inspect_without_and_with_codebook():
    d = inspect_file(FORMATS / "qualtrics_choice_text.csv")
    assert (d["format"], d["header_rows"], d["delimiter"], d["encoding"]) == ("qualtrics", 3, ",", "utf-8")
    assert d["responses"] == 8 and d["excluded"] == 0 and d["mapped_items"] == []
    assert len(d["unmapped_columns"]) == 32
    text = format_inspect_report(d)
    assert "Format:     qualtrics (3 header rows)" in text and "Responses:  8" in text
    d = inspect_file(FORMATS / "qualtrics_choice_text.csv", DEMO, wave_id="2026-03")
    assert d["excluded"] == 4 and len(d["mapped_items"]) == 18
    assert d["excluded_by_reason"] == {"preview_test_spam": 2, "partial": 1, "duplicate": 1}
    text = format_inspect_report(d)
    assert "Excluded:   4 (preview_test_spam 2, partial 1, duplicate 1)" in text
    assert "Kept:       4" in text


def test_inspect_guesses_wave_from_folder(tmp_path):
    wave_dir = tmp_path / "data/raw/surveys/engagement/2026-09"
    wave_dir.mkdir(parents=True)
    target = wave_dir / "responses.tsv"
    target.write_bytes((FORMATS / "google_forms_grid.tsv").read_bytes())
    d = inspect_file(target, DEMO)
    assert d["wave"] == "2026-09" and d["format"] == "google_forms" and d["delimiter"] == "\t"
    assert d["not_asked"] and "Not asked in this wave" in format_inspect_report(d)
    assert "Delimiter:  tab" in format_inspect_report(d)
