"""Theme tagging of comments against the fixed, versioned taxonomy in ``taxonomy.yaml``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
OTHER = "other"
CONSTRUCTS = frozenset({"trust", "empowerment", "clarity", "accountability"})
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_FUZZY_MIN_STEM = 8


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    construct: str | None
    pattern: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    fuzzy_stems: tuple[str, ...]

    def matches(self, text: str, tokens: list[str]) -> bool:
        if self.pattern is not None:
            blocked = [m.span() for m in self.exclude.finditer(text)] if self.exclude else []
            for m in self.pattern.finditer(text):
                if not any(a <= m.start() and m.end() <= b for a, b in blocked):
                    return True
        return bool(self.fuzzy_stems) and any(_fuzzy_hit(tok, self.fuzzy_stems) for tok in tokens)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    themes: tuple[Theme, ...]

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def construct_of(self, theme_id: str) -> str | None:
        for t in self.themes:
            if t.id == theme_id:
                return t.construct
        return None


def _phrase_regex(phrase: str) -> str:
    words = phrase.strip().split()
    body = r"\s+".join(re.escape(w) for w in words)
    # word boundaries only where the phrase starts/ends with a word character
    start = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    end = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
    return start + body + end


def _compile(spec: dict) -> Theme:
    tid = spec["id"]
    for key in ("stems", "phrases", "regexes", "exclude"):
        bad = [v for v in spec.get(key, []) if not isinstance(v, str)]
        if bad:  # e.g. an unquoted 1:1, which YAML reads as the number 61
            raise ValueError(f"theme {tid}: {key} must be strings, got {bad!r}")
    construct = spec.get("construct")
    if construct is not None and construct not in CONSTRUCTS:
        raise ValueError(f"theme {tid}: unknown construct {construct!r}")
    parts = [r"(?<!\w)" + re.escape(s.lower()) + r"\w*" for s in spec.get("stems", [])]
    parts += [_phrase_regex(p.lower()) for p in spec.get("phrases", [])]
    parts += [f"(?:{r})" for r in spec.get("regexes", [])]
    excl = spec.get("exclude", [])
    return Theme(
        id=tid,
        label=spec.get("label", tid),
        construct=construct,
        # every rule matches at a word start: checking that first skips most positions fast
        pattern=re.compile(r"(?<!\w)(?=\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)
        if parts
        else None,
        exclude=re.compile("|".join(f"(?:{e})" for e in excl), re.IGNORECASE) if excl else None,
        fuzzy_stems=tuple(s.lower() for s in spec.get("stems", []) if len(s) >= _FUZZY_MIN_STEM),
    )


@functools.lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY_PATH) -> Taxonomy:
    """Parse and compile a taxonomy file (cached)."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    version = str(raw["version"])
    themes = tuple(_compile(spec) for spec in raw["themes"])
    ids = [t.id for t in themes]
    if len(set(ids)) != len(ids) or OTHER in ids:
        raise ValueError("theme ids must be unique and must not be 'other'")
    return Taxonomy(version=version, themes=themes)


TAXONOMY_VERSION: str = load_taxonomy().version
THEME_IDS: tuple[str, ...] = tuple(load_taxonomy().ids)
ALL_LABELS: tuple[str, ...] = (*THEME_IDS, OTHER)


def theme_construct(theme_id: str) -> str | None:
    """The construct a theme informs (None for 'other' and construct-free themes)."""
    return load_taxonomy().construct_of(theme_id)


def _osa_distance_le1(a: str, b: str) -> bool:
    """True when a and b are at most one edit apart (insert, delete, substitute, swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


@functools.lru_cache(maxsize=65536)
def _fuzzy_hit(token: str, stems: tuple[str, ...]) -> bool:
    return any(_near_stem(token, stem) for stem in stems)


def _near_stem(token: str, stem: str) -> bool:
    """Typo tolerance: some prefix of the token is one edit away from the stem."""
    if len(token) < len(stem) - 1 or token.startswith(stem):
        return False
    return any(
        _osa_distance_le1(token[:n], stem) for n in (len(stem) - 1, len(stem), len(stem) + 1)
    )


def themes(text: str | None, taxonomy: Taxonomy | None = None) -> list[str]:
    """Theme ids of a comment, in taxonomy order; ``['other']`` when none applies."""
    tax = taxonomy or load_taxonomy()
    if not text:
        return [OTHER]
    t = text.replace("\u2019", "'").replace("\u2018", "'")
    tokens = sorted({tok for tok in _TOKEN.findall(t.lower()) if len(tok) >= _FUZZY_MIN_STEM - 1})
    found = [th.id for th in tax.themes if th.matches(t, tokens)]
    return found or [OTHER]
