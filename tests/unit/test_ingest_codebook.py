"""Codebook loading, schema and semantic validation, answer tokens."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from pipelines.domain.ingest import (
    CodebookError,
    item_tokens,
    load_codebook,
    normalize_label,
    parse_codebook,
)

ROOT = Path(__file__).resolve().parents[2]
CODEBOOKS = ROOT / "tests" / "fixtures" / "codebooks"
SCHEMA = ROOT / "docs" / "codebook.schema.json"

BASE = {
    "survey_id": "pulse",
    "scale": {"min": 1, "max": 5,
              "labels": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
              "no_answer": ["No basis for evaluation", -1]},
    "respondent": {"id": {"id": "ResponseId"}, "team": {"id": "team"}},
    "waves": {"2026-03": {"period_start": "2026-03-01", "close_date": "2026-03-31"}},
    "items": [
        {"id": "T1", "construct": "trust", "column": {"id": "Q1_1"}},
        {"id": "T4R", "construct": "trust", "reverse": True, "column": {"text": "Mistakes"}},
        {"id": "ENPS", "role": "enps", "column": {"id": "Q2"}},
        {"id": "COMMENT", "role": "comment", "column": {"id": "Q3"}},
    ],
}


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))


@pytest.mark.parametrize("path", sorted(CODEBOOKS.glob("*.yaml")), ids=lambda p: p.name)
def test_fixture_codebooks_load(path):
    cb = load_codebook(path)
    assert cb.items and all(len(ids) >= 2 for ids in cb.constructs.values())
    assert len(cb.constructs) >= 2


def test_demo_codebook_contents():
    cb = load_codebook(CODEBOOKS / "demo_engagement.yaml")
    assert cb.survey_id == "engagement"
    assert set(cb.constructs) == {"trust", "empowerment", "clarity", "accountability"}
    t4 = cb.item("T4R")
    assert t4.reverse and t4.role == "item" and t4.scale.labels[0] == "Strongly disagree"
    assert t4.column_for("2026-03").id == "Q1_4"
    assert t4.column_for("2026-09").text.startswith("How much do you agree? | ")
    assert cb.item("E1").column_for("2026-09") is None
    enps = cb.item("ENPS")
    assert (enps.scale.min, enps.scale.max) == (0, 10) and enps.scale.no_answer == cb.scale.no_answer
    assert cb.item("COMMENT").scale is None
    assert cb.waves["2026-03"].close_date.isoformat() == "2026-03-31"
    assert cb.waves["2026-03"]["period_start"].isoformat() == "2026-03-01"
    assert cb.respondent["id"].id == "ExternalReference"
    assert set(cb.respondent_for("2026-09")) == {"email", "team", "timestamp"}
    assert cb.team_join == "column"
    assert "survey test" in {normalize_label(v) for v in cb.exclude.status_values}
    assert cb.exclude.status_values[-1] == "8" and cb.exclude.min_progress == 100


def test_survey_id_defaults_to_folder(tmp_path):
    folder = tmp_path / "engagement-2026"
    folder.mkdir()
    data = copy.deepcopy(BASE)
    del data["survey_id"]
    (folder / "codebook.yaml").write_text(yaml.safe_dump(data))
    assert load_codebook(folder / "codebook.yaml").survey_id == "engagement-2026"


def test_yaml_dates_and_numeric_wave_keys(tmp_path):
    text = yaml.safe_dump(BASE).replace("'2026-03-01'", "2026-03-01").replace("'2026-03-31'",
                                                                              "2026-03-31")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert load_codebook(path).waves["2026-03"].period_start.year == 2026


def _broken(mutate) -> str:
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(CodebookError) as err:
        parse_codebook(data, source="test.yaml")
    assert "test.yaml" in str(err.value)
    return str(err.value)


def test_schema_errors():
    assert "scale" in _broken(lambda d: d.pop("scale"))
    assert "reverse" in _broken(lambda d: d["items"][0].update(reverse="yes"))
    assert "construct" in _broken(lambda d: d["items"][0].pop("construct"))
    assert "items/0" in _broken(lambda d: d["items"][0].update(column={"id": "a", "text": "b"}))
    assert "role" in _broken(lambda d: d["items"][0].update(role="likert"))
    assert "occurrence" in _broken(lambda d: d["items"][0]["column"].update(occurrence=0))
    assert "team_join" in _broken(lambda d: d.update(team_join="manager"))
    assert "colour" in _broken(lambda d: d.update(colour="blue"))


def test_semantic_errors():
    assert "at least 2 items" in _broken(lambda d: d["items"].pop(1))
    assert "min (5) must be below max (5)" in _broken(lambda d: d["scale"].update(min=5))
    assert "expected 5" in _broken(lambda d: d["scale"]["labels"].pop())
    assert "duplicate item id" in _broken(lambda d: d["items"][1].update(id="T1"))
    assert "reserved" in _broken(lambda d: d["items"][2].update(id="team"))
    assert "not in waves" in _broken(
        lambda d: d["items"][0].update(columns_by_wave={"2027-01": {"id": "X"}}))
    assert "after close_date" in _broken(
        lambda d: d["waves"]["2026-03"].update(period_start="2026-04-01"))
    assert "also answers" in _broken(lambda d: d["scale"].update(no_answer=["3"]))
    assert "respondent.email" in _broken(lambda d: d.update(team_join="roster_email"))
    assert "item T4R: scale min" in _broken(
        lambda d: d["items"][1].update(scale={"min": 3, "max": 1}))


def test_bad_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("items: [unclosed\n")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(path)
    with pytest.raises(CodebookError, match="cannot read"):
        load_codebook(tmp_path / "missing.yaml")


def test_normalize_label():
    assert normalize_label("  Strongly\u00a0 Agree \n") == "strongly agree"
    assert normalize_label(3) == "3"
    assert normalize_label("STRASSE") == normalize_label("straße")


def test_item_tokens():
    cb = parse_codebook(BASE)
    tokens = item_tokens(cb.item("T1"), cb)
    assert tokens["1"] == 1.0 and tokens["5.0"] == 5.0 and "6" not in tokens
    assert tokens["strongly agree"] == 5.0 and tokens["neutral"] == 3.0
    assert tokens["no basis for evaluation"] is None
    assert tokens["-1"] is None and tokens["-1.0"] is None
    enps = item_tokens(cb.item("ENPS"), cb)
    assert enps["0"] == 0.0 and enps["10"] == 10.0 and "strongly agree" not in enps
    assert item_tokens(cb.item("COMMENT"), cb) == {}
    data = copy.deepcopy(BASE)
    data["items"][0]["scale"] = {"min": 0, "max": 10, "aliases": {"0 - Not at all": 0}}
    cb2 = parse_codebook(data)
    assert item_tokens(cb2.item("T1"), cb2)["0 - not at all"] == 0.0
