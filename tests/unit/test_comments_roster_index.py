"""The roster-name index masks exactly as the former per-comment matcher did."""

from __future__ import annotations

import random
import re

from pipelines.domain.comments import RosterNames, clean_comment
from pipelines.domain.comments.clean import _WORD, NAME_MASK, normalize_text


def reference_mask(text: str, roster: list[str]) -> str:
    """The matcher before the index (commit 7f40bb4): every roster name whose first word
    occurs in the text, in one case-insensitive alternation, longest pattern first."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for name in roster:
        parts = tuple(normalize_text(name).split(" "))
        words = _WORD.findall(parts[0].casefold()) if parts[0] else []
        if len(parts) >= 2 and words:
            index.setdefault(words[0], set()).add(parts)
    words = set(_WORD.findall(text.casefold()))
    names = {p for w in words & index.keys() for p in index[w]}
    if not names:
        return text
    alts = sorted(
        (r"\s+".join(re.escape(p).replace("'", "['\u2019]") for p in parts) for parts in names),
        key=len,
        reverse=True,
    )
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(NAME_MASK, text)


FIRST = ["Mark", "Will", "Ana", "Jo", "Mary", "Jean-Luc", "Zoë", "Iñigo", "Sıla", "Σοφία", "Li"]
LAST = ["Smith", "Turner", "López", "O'Brien", "Ann", "van der Berg", "Müller", "Straße",
        "Öztürk", "Παπαδοπούλου", "Wei", "Ann Jones", "Smith-Jones"]
FILLER = ["said", "and", "the", "manager", "mark", "will", "smith", "ann", "(", ")", "'s", ",",
          "—", "MARK", "jones", "Mary-Ann", "über", "x"]


def _variant(name: str, rng: random.Random) -> str:
    """The name as a commenter may write it: case changed, curly apostrophe, possessive."""
    choice = rng.randrange(6)
    if choice == 0:
        name = name.upper()
    elif choice == 1:
        name = name.lower()
    elif choice == 2:
        name = name.replace("'", "\u2019")
    elif choice == 3:
        name = name + "'s"
    elif choice == 4:
        name = "(" + name + ")"
    return name


def test_index_masks_like_the_former_matcher_on_a_varied_sample():
    rng = random.Random(16)
    roster = sorted({f"{f} {last}" for f in FIRST for last in LAST if rng.random() < 0.6})
    roster += ["Cher", "", "  ", "Mary Ann", "Mary Ann Jones", "Ana María López", "X Æ A-12"]
    names = RosterNames(roster)
    masked_somewhere = 0
    for _ in range(3000):
        words = [rng.choice(FILLER) for _ in range(rng.randrange(2, 12))]
        for _ in range(rng.randrange(0, 3)):
            person = rng.choice(roster) or "Nobody Here"
            if rng.random() < 0.3:  # a near miss: first name of one, last name of another
                person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            words.insert(rng.randrange(len(words) + 1), _variant(person, rng))
        text = normalize_text(" ".join(words))
        expected = reference_mask(text, roster)
        assert names.mask(text) == expected, text
        assert clean_comment(text, names).text == clean_comment(text, roster).text
        masked_somewhere += expected != text
    assert masked_somewhere > 1000  # the sample does exercise the masking


def test_equivalent_letters_still_match():
    # re's IGNORECASE takes dotless i for i and final sigma for sigma; the index must too
    roster = ["Jo Smith", "Nikos Papadopoulos", "Ana Σοφία"]
    names = RosterNames(roster)
    for text in ["Jo Smıth left", "JO SMİTH left", "ana ΣΟΦΊΑ left", "ana σοφία left"]:
        assert names.mask(text) == reference_mask(text, roster)


def test_cost_per_comment_does_not_depend_on_the_roster():
    big = RosterNames([f"Mark Last{i}" for i in range(20_000)] + ["Mark Smith"])
    # every name shares the first word "Mark"; only the one with a last word in the text is tried
    assert big.candidates("Mark Smith and mark said so") == frozenset({("Mark", "Smith")})
    assert big.mask("Mark Smith and Mark Last7 met") == "[name] and [name] met"
