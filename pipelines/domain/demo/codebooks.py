"""The default item bank (BRIEF §1) and the demo's codebooks (docs/codebook-spec.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.domain.demo.org import WAVES

#: (item id, construct, reverse, statement), in the order of the survey's matrix question.
ITEM_BANK: tuple[tuple[str, str, bool, str], ...] = (
    ("T1", "trust", False, "I can count on my manager to keep their commitments."),
    ("T2", "trust", False, "People on my team rely on each other to do what they say."),
    ("T3", "trust", False, "I can raise a concern on my team without fear of blame."),
    ("T4R", "trust", True, "On my team, mistakes are held against people."),
    ("E1", "empowerment", False, "I have the authority to decide how I do my work."),
    ("E2", "empowerment", False, "My manager lets me solve problems my own way."),
    ("E3", "empowerment", False, "I have the resources I need to do my job well."),
    ("E4R", "empowerment", True, "I need approval for even small decisions."),
    ("C1", "clarity", False, "My priorities for this quarter are clear to me."),
    ("C2", "clarity", False, "I understand how my work will be judged."),
    ("C3", "clarity", False, "My team's goals are clearly defined."),
    ("C4R", "clarity", True, "I often receive conflicting instructions."),
    ("A1", "accountability", False, "People on my team follow through on what they commit to."),
    ("A2", "accountability", False, "My manager holds everyone to the same standards."),
    ("A3", "accountability", False, "Poor performance on my team gets addressed."),
    ("A4R", "accountability", True, "Missed deadlines on my team go unnoticed."),
)
LABELS = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
NO_BASIS_LABEL = "No basis for evaluation"


def _likert_scale() -> dict:
    """The agreement scale both demo surveys use, with its no-answer codes."""
    return {"min": 1, "max": 5, "labels": list(LABELS),
            "no_answer": [NO_BASIS_LABEL, "-1", "N/A"]}
MATRIX_QUESTION = "How much do you agree with each statement?"
ENPS_QUESTION = "How likely are you to recommend this company as a place to work?"
COMMENT_QUESTION = "What one thing would most improve how your team is led?"
QUALTRICS_STATUS_EXCLUDED = ["Survey Preview", "Spam", "Test", "1", "8"]


def qualtrics_item_id(index: int) -> str:
    return f"Q1_{index + 1}"


def google_grid_text(statement: str) -> str:
    return f"{MATRIX_QUESTION} [{statement}]"


def _waves(survey: str) -> dict:
    return {
        w.wave_id: {"period_start": w.period_start, "close_date": w.close_date}
        for w in WAVES
        if w.survey == survey
    }


def _items(column_of, enps_column: dict, comment_column: dict) -> list[dict]:
    """The item bank, then the eNPS question and the comment question."""
    items = [
        {
            "id": item_id,
            "construct": construct,
            "reverse": reverse,
            "text": statement,
            "column": column_of(index, statement),
        }
        for index, (item_id, construct, reverse, statement) in enumerate(ITEM_BANK)
    ]
    items.append({"id": "ENPS", "role": "enps", "text": ENPS_QUESTION,
                  "scale": {"min": 0, "max": 10}, "column": enps_column})
    items.append({"id": "COMMENT", "role": "comment", "text": COMMENT_QUESTION,
                  "column": comment_column})
    return items


def engagement_codebook() -> dict:
    items = _items(lambda index, _: {"id": qualtrics_item_id(index)}, {"id": "Q2"}, {"id": "Q3"})
    return {
        "survey_id": "engagement",
        "title": "Engagement survey (Qualtrics)",
        "scale": _likert_scale(),
        "respondent": {
            "id": {"id": "ExternalReference"},
            "email": {"id": "RecipientEmail"},
            "team": {"id": "team"},
            "timestamp": {"id": "EndDate"},
            "status": {"id": "Status"},
            "progress": {"id": "Progress"},
            "finished": {"id": "Finished"},
        },
        "team_join": "column",
        "exclude": {"status_values": list(QUALTRICS_STATUS_EXCLUDED), "min_progress": 100},
        "waves": _waves("engagement"),
        "items": items,
    }


def pulse_codebook() -> dict:
    items = _items(lambda _, statement: {"text": google_grid_text(statement)},
                   {"text": ENPS_QUESTION}, {"text": COMMENT_QUESTION})
    return {
        "survey_id": "pulse",
        "title": "Pulse survey (Google Forms)",
        "scale": _likert_scale(),
        "respondent": {
            "email": {"text": "Email Address"},
            "timestamp": {"text": "Timestamp"},
        },
        "team_join": "roster_email",
        "waves": _waves("pulse"),
        "items": items,
    }


_HEADERS = {
    "engagement": (
        "# Codebook of the demo engagement survey, exported from Qualtrics (docs/codebook-spec.md).\n"
        "# Wave 2025-11 was exported as choice text, wave 2026-05 as numeric codes.\n"
    ),
    "pulse": (
        "# Codebook of the demo pulse survey, exported from Google Forms (docs/codebook-spec.md).\n"
        "# Google Forms has no respondent id column: respondents are told apart by email,\n"
        "# which also joins each response to its team through the roster.\n"
    ),
}


def write_codebook(raw_dir: Path, survey: str) -> Path:
    data = engagement_codebook() if survey == "engagement" else pulse_codebook()
    path = raw_dir / "surveys" / survey / "codebook.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    path.write_bytes((_HEADERS[survey] + text).encode("utf-8"))
    return path
