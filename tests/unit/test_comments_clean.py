"""Cleaning and masking of free-text comments."""

import re

import pytest

from pipelines.domain.comments import CleanedComment, RosterNames, clean_comment, is_non_answer

ROSTER = [
    "Mark Smith",
    "Will Turner",
    "Ana María López",
    "Jo O'Brien",
    "Priya van der Berg",
    "Cher",
]

PII_CORPUS = [
    ("Email me at mark.smith@example.com about it", ["mark.smith@example.com"]),
    (
        "Contact: j_doe+survey@sub.corp.co.uk, or HR@Example.ORG",
        ["j_doe+survey@sub.corp.co.uk", "HR@Example.ORG"],
    ),
    (
        "write to jane (at) corp dot com or jane[at]corp[dot]com",
        ["jane (at) corp dot com", "jane[at]corp[dot]com"],
    ),
    ("Call me on +44 20 7946 0958 or 07700 900123", ["7946 0958", "07700 900123"]),
    ("UK landline 020 7946 0958 and (01632) 960001", ["020 7946 0958", "960001"]),
    (
        "US: (415) 555-0132, 415.555.0132, 415-555-0132, +1 415 555 0132",
        ["555-0132", "555.0132", "555 0132"],
    ),
    (
        "France +33 1 23 45 67 89, intl 0044 7700 900 123, short 555-0199",
        ["+33 1 23 45 67 89", "7700 900 123", "555-0199"],
    ),
    ("Mark Smith never listens, and mark smith's deputy neither", ["Mark Smith", "mark smith"]),
    ("MARK  SMITH and Will\nTurner should talk to ana maría lópez", ["MARK", "Turner", "lópez"]),
    ("Jo O'Brien and Priya van der Berg run the night shift", ["O'Brien", "van der Berg"]),
]


@pytest.mark.parametrize("text,secrets", PII_CORPUS)
def test_no_pii_survives(text, secrets):
    out = clean_comment(text, ROSTER).text
    assert out is not None
    for secret in secrets:
        assert secret.lower() not in out.lower(), (secret, out)
    assert "@" not in out
    assert not re.search(r"\d{3,}", out), out  # no phone digits left


def test_masks_are_typed():
    out = clean_comment("a@b.com, +44 20 7946 0958, Mark Smith", ROSTER).text
    assert out == "[email], [phone], [name]"


def test_single_words_and_first_names_survive():
    text = "Mark my words: Will will mark the report. Ask Mark or Will. Cher said hi."
    assert clean_comment(text, ROSTER).text == text


def test_ordinary_numbers_survive():
    text = "In 2024-03-15 we had 3 people, 12-hour days, a $20,000 budget, 1,000,000 users, v2.3.1, 9-5"
    assert clean_comment(text, ROSTER).text == text


def test_at_in_prose_is_not_an_email():
    text = "We looked at amazon.com and at the roadmap."
    assert clean_comment(text).text == text


@pytest.mark.parametrize(
    "text",
    [
        "n/a",
        "N/A.",
        "na",
        "None",
        "none!",
        "nothing",
        "Nothing.",
        "-",
        ".",
        "...",
        "—",
        "no comment",
        "No comments.",
        "nope",
        "idk",
        "IDK",
        "n.a.",
        "nil",
        "?",
        "  N / A  ",
    ],
)
def test_non_answers_dropped_with_reason(text):
    assert clean_comment(text) == CleanedComment(None, "non_answer", False)
    assert is_non_answer(text)


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t", "\u200b", float("nan")])
def test_empty_dropped_with_reason(text):
    assert clean_comment(text) == CleanedComment(None, "empty", False)


def test_real_answers_that_start_like_non_answers_are_kept():
    for text in [
        "Nothing, my manager is great",
        "None of the managers listen",
        "No more reorgs please",
    ]:
        assert clean_comment(text).text == text


def test_unicode_and_whitespace_normalized():
    out = clean_comment("  Cafe\u0301\u00a0talk\x00\x07 is\r\n\r\n  good\u202e  ").text
    assert out == "Caf\u00e9 talk is good"


def test_emoji_sequences_kept():
    text = "Great team \U0001f469\u200d\U0001f4bb"
    assert clean_comment(text).text == text


def test_truncation():
    res = clean_comment("word " * 1000, max_length=50)
    assert res.truncated and len(res.text) <= 50
    short = clean_comment("short text", max_length=50)
    assert not short.truncated and short.text == "short text"


def test_truncation_never_leaves_half_a_mask():
    res = clean_comment("x" * 45 + " a@b.com tail", max_length=50)
    assert res.truncated and res.text == "x" * 45


def test_formula_text_kept_verbatim():
    text = '=HYPERLINK("http://x") +1 @everyone -nothing to add'
    assert clean_comment(text).text == text


def test_invalid_max_length():
    with pytest.raises(ValueError):
        clean_comment("hello", max_length=0)


def test_prebuilt_roster_large_and_curly_apostrophes():
    roster = RosterNames([f"First{i} Last{i}" for i in range(3000)] + ROSTER + ["", "  "])
    assert len(roster) == 3000 + 5  # "Cher" and blanks are not full names
    text = "first12 LAST12 met Jo O\u2019Brien; First1 alone; Last2 alone"
    assert clean_comment(text, roster).text == "[name] met [name]; First1 alone; Last2 alone"
