"""Cleaning of free-text survey comments.

``clean_comment`` normalizes unicode and whitespace, drops empty and "n/a"-style
answers (with a reason), masks e-mail addresses, phone numbers and the full names of
people in the roster, and truncates to a maximum length.  The text is otherwise kept
as written: formula-looking cells (``=SUM(...)``) are *not* rewritten here, escaping
is the report's job, and nothing in this module evaluates the text.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

DropReason = Literal["empty", "non_answer"]

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
NAME_MASK = "[name]"
_MASKS = (EMAIL_MASK, PHONE_MASK, NAME_MASK)


@dataclass(frozen=True)
class CleanedComment:
    """Result of cleaning one comment; ``text`` is None when the comment was dropped."""

    text: str | None
    dropped_reason: DropReason | None = None
    truncated: bool = False

    @property
    def kept(self) -> bool:
        return self.text is not None


# --- normalization -----------------------------------------------------------------

_ZWJ = "\u200d"  # kept: it joins emoji sequences
_WS = re.compile(r"\s+")


_LAYOUT = "\t\n\r\v\f"


def strip_invisible(text: str, keep: str = "") -> str:
    """Drop the characters that change how text looks without being seen: control
    characters (category Cc: NUL, escape, ...; those in `keep` stay) and format characters
    (Cf: bidi overrides and isolates, zero-width spaces, the BOM, soft hyphens), except the
    zero-width joiner that emoji sequences need. Right-to-left *letters* stay.

    The one neutralizing function for text shown to a reader: comments when they are
    cleaned, and every string the HTML and PDF reports show (team names come from the
    roster as written). 'invoice\u202egnp.exe' (shown as 'invoiceexe.png') ->
    'invoicegnp.exe'; 'Sup\u200bport' -> 'Support'.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch for ch in text
        if ch in keep or not (unicodedata.category(ch) == "Cc"
                              or (unicodedata.category(ch) == "Cf" and ch != _ZWJ)))


def normalize_text(text: str) -> str:
    """NFC-normalize, drop control/format characters and collapse whitespace."""
    text = strip_invisible(unicodedata.normalize("NFC", text), keep=_LAYOUT)
    return _WS.sub(" ", text).strip()


# --- non-answers ---------------------------------------------------------------------

NON_ANSWERS = frozenset(
    {
        "n/a",
        "na",
        "n.a",
        "n.a.",
        "n / a",
        "not applicable",
        "none",
        "none really",
        "none at all",
        "nothing",
        "nothing really",
        "nothing to add",
        "nothing else",
        "nothing to say",
        "no comment",
        "no comments",
        "no",
        "nope",
        "nah",
        "nil",
        "null",
        "idk",
        "i dont know",
        "i don't know",
        "dont know",
        "don't know",
        "dunno",
        "no idea",
        "no answer",
        "no response",
        "not sure",
        "pass",
        "skip",
        "x",
        "xx",
        "xxx",
        "blank",
        "empty",
        "test",
        "asdf",
        "no thanks",
        "no thank you",
    }
)
_ONLY_SYMBOLS = re.compile(r"^[\W_]+$")
_EDGE_PUNCT = re.compile(r"^[\s\W_]+|[\s.!?,;:'\"()\-_]+$")


def is_non_answer(text: str) -> bool:
    """True for answers such as 'n/a', 'None.', '-', '...', 'no comment', 'idk'."""
    t = text.strip().lower().replace("\u2019", "'")
    if _ONLY_SYMBOLS.match(t):
        return True
    if t in NON_ANSWERS:
        return True
    core = _EDGE_PUNCT.sub("", t)
    if core.lower() in NON_ANSWERS:
        return True
    return core.replace(".", "").replace(" ", "") in {"na", "nil", "none", "idk"}


# --- masking -------------------------------------------------------------------------

EMAIL_RE = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}\b", re.IGNORECASE
)
# "jane (at) corp.com", "jane[at]corp[dot]com", "jane at corp dot com"; a plain " at "
# needs spelled-out dots, so that "we looked at amazon.com" is left alone
OBFUSCATED_EMAIL_RE = re.compile(
    r"""
    [\w.+-]+\s?(?:\(at\)|\[at\]|\{at\})\s?
    (?:[\w-]+\s?(?:\.|\(dot\)|\[dot\]|\{dot\}|\sdot\s)\s?)+[A-Za-z]{2,24}\b
    | [\w.+-]+\sat\s(?:[\w-]+\s?(?:\(dot\)|\[dot\]|\{dot\}|\sdot\s)\s?)+[A-Za-z]{2,24}\b
    """,
    re.VERBOSE | re.IGNORECASE,
)

_GROUP = r"(?:\(\s?\d{1,5}\s?\)|\d{1,5})"
PHONE_RE = re.compile(
    rf"""
    (?<![\w@.\-+])          # not glued to a word, an address or a larger number
    (?:\+|\b00)?\s?         # international prefix
    {_GROUP}
    (?:[\s.\-]{{0,2}}{_GROUP}){{1,6}}
    (?![\w])
    """,
    re.VERBOSE,
)
_US_LOCAL = re.compile(r"^\d{3}[-.]\d{4}$")
_DATE_LIKE = re.compile(r"^\d{4}[-.]\d{1,2}[-.]\d{1,2}$|^\d{1,2}[-.]\d{1,2}[-.]\d{4}$")


def _phone_sub(match: re.Match[str]) -> str:
    s = match.group(0)
    lead = len(s) - len(s.lstrip())
    core = s.strip()
    digits = sum(c.isdigit() for c in core)
    if _DATE_LIKE.match(core):
        return s
    if 9 <= digits <= 15 or (digits >= 7 and core.startswith("+")) or _US_LOCAL.match(core):
        return s[:lead] + PHONE_MASK
    return s


def mask_emails(text: str) -> str:
    return OBFUSCATED_EMAIL_RE.sub(EMAIL_MASK, EMAIL_RE.sub(EMAIL_MASK, text))


def mask_phones(text: str) -> str:
    return PHONE_RE.sub(_phone_sub, text)


_WORD = re.compile(r"\w+")


def _equivalent_letters() -> dict[int, str]:
    """Letters that the re module's IGNORECASE treats as equal although their casefold()
    differs (dotless i and i, final and medial sigma...), each mapped to one of its class."""
    try:
        from re._casefix import _EXTRA_CASES  # CPython 3.11+: the table re itself uses
    except ImportError:  # pragma: no cover - other Pythons: casefold() alone
        return {}
    table: dict[int, str] = {}
    for code, others in _EXTRA_CASES.items():
        rep = chr(min(code, *others))
        for member in (code, *others):
            table[member] = rep
    return table


_EQUIVALENT = _equivalent_letters()
_DOTTED_I = {0x130: "i"}  # re lowercases U+0130 to "i"; casefold() adds a combining dot


def _fold(text: str) -> str:
    """Case-fold so that two strings the masking regex matches case-insensitively fold alike."""
    return text.translate(_DOTTED_I).casefold().translate(_EQUIVALENT)


class RosterNames:
    """A roster's full names, indexed for masking; build it once per roster and reuse it.

    Only names of two or more words are kept: single words are never masked. The index is
    keyed by a name's first word and then by its last word, and a comment is matched only
    against the names whose words all occur in it: the cost per comment depends on the
    comment, not on the size of the roster.
    """

    def __init__(self, roster_full_names: Iterable[str]):
        index: dict[str, dict[str, dict[tuple[str, ...], tuple[str, ...]]]] = {}
        for name in roster_full_names:
            if not isinstance(name, str):
                continue
            parts = tuple(normalize_text(name).split(" "))
            words = _WORD.findall(parts[0].casefold()) if parts[0] else []
            if len(parts) < 2 or not words:
                continue
            # a match holds every word of the name as a whole word of the text (the parts sit
            # between whitespace, and a non-word character or the text's ends)
            folded = [sys.intern(w) for w in _WORD.findall(_fold(" ".join(parts)))] or [""]
            by_last = index.setdefault(sys.intern(words[0]), {})
            by_last.setdefault(folded[-1], {})[parts] = tuple(folded[:-1])
        self._index = index
        self._patterns: dict[frozenset[tuple[str, ...]], re.Pattern[str]] = {}

    def __len__(self) -> int:
        return sum(len(v) for by_last in self._index.values() for v in by_last.values())

    def _pattern(self, names: frozenset[tuple[str, ...]]) -> re.Pattern[str]:
        pattern = self._patterns.get(names)
        if pattern is None:
            alts = sorted(
                (
                    r"\s+".join(re.escape(p).replace("'", "['\u2019]") for p in parts)
                    for parts in names
                ),
                key=len,
                reverse=True,
            )  # longest first: "Mary Ann Jones" before "Mary Ann"
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)
            if len(self._patterns) > 4096:
                self._patterns.clear()
            self._patterns[names] = pattern
        return pattern

    def candidates(self, text: str) -> frozenset[tuple[str, ...]]:
        """The names (as word tuples) whose words all occur in ``text``: only they can match.
        Found through the first and the last word, so the work does not grow with the roster."""
        firsts = set(_WORD.findall(text.casefold())) & self._index.keys()
        if not firsts:
            return frozenset()
        words = set(_WORD.findall(_fold(text)))
        words.add("")
        found = []
        for first in firsts:
            by_last = self._index[first]
            for last in words & by_last.keys():  # iterates the smaller of the two
                found.extend(
                    p for p, need in by_last[last].items() if all(w in words for w in need)
                )
        return frozenset(found)

    def mask(self, text: str) -> str:
        """Replace every full roster name in ``text`` (case-insensitive) with '[name]'."""
        if not self._index:
            return text
        candidates = self.candidates(text)
        return self._pattern(candidates).sub(NAME_MASK, text) if candidates else text


@functools.lru_cache(maxsize=8)
def _roster_from_tuple(names: tuple[str, ...]) -> RosterNames:
    return RosterNames(names)


def as_roster(roster_full_names: Iterable[str] | RosterNames) -> RosterNames:
    """A RosterNames as is, or one built (and cached) from an iterable of names."""
    if isinstance(roster_full_names, RosterNames):
        return roster_full_names
    return _roster_from_tuple(tuple(roster_full_names))


def mask_names(text: str, roster_full_names: Iterable[str] | RosterNames) -> str:
    """Replace every full 'First Last' roster name (case-insensitive) with '[name]'."""
    return as_roster(roster_full_names).mask(text)


def mask_pii(text: str, roster_full_names: Iterable[str] | RosterNames = ()) -> str:
    return mask_names(mask_phones(mask_emails(text)), roster_full_names)


# --- entry point ---------------------------------------------------------------------


def _truncate(text: str, max_length: int) -> str:
    cut = text[:max_length]
    # never leave half a mask such as "[pho" at the end
    open_at = cut.rfind("[")
    if open_at != -1 and "]" not in cut[open_at:]:
        tail = text[open_at:]
        if any(tail.startswith(m) for m in _MASKS):
            cut = cut[:open_at]
    return cut.rstrip()


def clean_comment(
    text: str | None,
    roster_full_names: Iterable[str] | RosterNames = (),
    max_length: int = 2000,
) -> CleanedComment:
    """Normalize, filter, mask and truncate one free-text answer.

    For many comments, pass a prebuilt ``RosterNames(names)`` (a plain iterable is
    indexed on each call unless it is the same sequence as a recent call).
    """
    if max_length < 1:
        raise ValueError("max_length must be positive")
    if text is None or (isinstance(text, float) and text != text):  # None or NaN
        return CleanedComment(None, "empty")
    norm = normalize_text(str(text))
    if not norm:
        return CleanedComment(None, "empty")
    if is_non_answer(norm):
        return CleanedComment(None, "non_answer")
    masked = mask_pii(norm, roster_full_names)
    if len(masked) > max_length:
        return CleanedComment(_truncate(masked, max_length), None, True)
    return CleanedComment(masked, None, False)
