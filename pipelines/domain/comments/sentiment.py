"""Sentiment of a comment: VADER plus a small lexicon of workplace phrases.

VADER (vaderSentiment, lexicon shipped inside the package) gives a compound score in
[-1, 1].  Three workplace adjustments are layered on top, all deterministic:

1. Politeness in requests is not praise.  Answers to "what would most improve ..." are
   often requests ("More training would be amazing, please"); the politeness formulas
   (please, would be nice, I'd love ...) are removed before VADER scores the text, and
   a comment made only of requests ("More honesty about layoffs") has its score halved.
2. Topic words are not sentiment: the survey asks about trust, recognition, fairness,
   support ..., so those words get a much smaller valence than in general English.
   Workplace words missing from VADER's lexicon get one (micromanaging, burnout ...).
3. Complaint and praise constructions that VADER reads as neutral get a fixed shift
   ("nobody noticed", "for months", "still waiting", "keep it up" ...).
4. A comment that *describes* the current state (rather than asking for something)
   leans negative: asked what would improve things, people describe what is wrong.

The label is read from the final score with fixed thresholds.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SentimentLabel = Literal["negative", "neutral", "positive"]
LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")

POSITIVE_AT = 0.2
NEGATIVE_AT = -0.05

# word -> valence on VADER's -4..+4 scale
WORKPLACE_LEXICON: dict[str, float] = {
    "micromanaging": -2.2,
    "micromanaged": -2.2,
    "micromanagement": -2.2,
    "micromanage": -2.0,
    "micromanager": -2.0,
    "burnout": -2.5,
    "overworked": -2.2,
    "understaffed": -2.0,
    "drowning": -2.4,
    "exhausted": -2.0,
    "favouritism": -2.3,
    "favoritism": -2.3,
    "backstabbing": -2.5,
    "scapegoat": -2.0,
    "slackers": -1.8,
    "demoralising": -2.4,
    "demoralizing": -2.4,
    "unsustainable": -2.0,
    "silos": -1.0,
    "bureaucracy": -1.5,
    "firefighting": -1.0,
    "toxic": -2.5,
    "invisible": -1.0,
    "gossip": -1.5,
    "retaliation": -2.5,
    "performative": -1.5,
    "undervalued": -2.0,
    "underpaid": -2.0,
    "unappreciated": -2.0,
    "overloaded": -1.8,
    "swamped": -1.5,
    "disconnected": -1.2,
    "afraid": -1.8,
    "intimidating": -1.8,
    "slashed": -1.5,
    "approachable": 1.5,
    "empowered": 1.8,
    "inspiring": 2.2,
    "brilliant": 2.5,
    "lol": 0.0,
    "fix": -0.6,
    "broken": -1.8,
    "messy": -1.5,
    "uneven": -1.2,
    "unevenly": -1.4,
    "overtime": -0.8,
    "short-staffed": -2.0,
    "honeymoon": 0.0,
    "shrugging": -0.8,
    # topic words of the survey itself: damped, so that "more honesty" is no praise
    "praise": 0.8,
    "honesty": 0.6,
    "openness": 0.4,
    "trust": 0.8,
    "trusted": 0.8,
    "reward": 0.6,
    "rewards": 0.6,
    "rewarding": 0.6,
    "worth": 0.3,
    "fair": 0.6,
    "support": 0.6,
    "respect": 0.6,
    "friends": 0.3,
    "popularity": 0.2,
    "sharing": 0.4,
    "share": 0.3,
    "better": 0.8,
    "clear": 0.8,
    "improve": 0.5,
    "improvement": 0.5,
    "value": 0.5,
    "values": 0.5,
    "benefit": 0.6,
    "benefits": 0.6,
    "opportunity": 0.6,
    "opportunities": 0.6,
    "growth": 0.4,
    "safety": 0.4,
    "safe": 0.8,
    "engagement": 0.5,
    "interest": 0.5,
    "free": 0.5,
    "sure": 0.3,
    "honest": 1.0,
    "honestly": 0.3,
    "asset": 0.3,
    "greatest": 1.5,
    "energy": 1.0,
    "listened": 1.2,
    "motivates": 1.5,
    "reasonable": 1.0,
    "sidelined": -1.5,
}

_POLITENESS = re.compile(
    r"""
    \b(?:please|pls|plz|kindly)\b
    | \b(?:it\s)?(?:would|wud|could|it'd)\s(?:really\s)?(?:be\s)?
      (?:nice|great|good|lovely|amazing|helpful|ideal|awesome|fantastic|brilliant|useful)\b
    | \b(?:would|wud|i'd|we'd)\s(?:really\s)?(?:love|like|appreciate)\b
    | \bwould\s(?:really\s)?help(?:\sa\slot)?\b
    | \bgo\sa\slong\sway\b
    """,
    re.VERBOSE | re.IGNORECASE,
)

# (pattern, shift of the compound score)
_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p, re.IGNORECASE), w)
    for p, w in (
        (r"\b(?:nobody|no one|no-one|noone)\b", -0.35),
        (r"\bnever\b", -0.3),
        (r"\bzero\b", -0.3),
        (r"\bnothing (?:happens|changes|gets done)\b", -0.4),
        (r"\binstead of\b", -0.2),
        (r"\btoo (?:many|much|long|few|little|slow|often)\b", -0.3),
        (r"\bnot (?:enough|sustainable|clear|fair|great|good)\b", -0.3),
        (r"\b(?:still|always) (?:waiting|the last)\b", -0.35),
        (r"\b(?:for|in|takes?|taking) (?:weeks|months|years|ages)\b", -0.3),
        (r"\b(?:doesn|don|can|won|isn|aren|haven|hasn|didn|wasn|weren)'?t\b", -0.15),
        (r"\bno (?:idea|time|progression|explanation|clue|way)\b", -0.3),
        (r"\bevery(?:\ssingle)?\stime\b", -0.2),
        (r"\b(?:a|an) actual\b|\bactually (?:read|knows?|listen|work|show|do)\w*\b", -0.35),
        (r"\bsays it all\b|\bdo the maths?\b|\bokay\.\s*$|\boh great\b", -0.5),
        (r"\bapparently\b", -0.3),
        (r"\bstill\b", -0.25),
        (r"\bpopularity contest\b|\bget(?:s|ting)? away with\b", -0.5),
        (r"\ba (?:different|new|better|real) (?:manager|boss|lead|director)\b", -0.5),
        (r"\b(?:keep|keeps) (?:doing|it up|them going|it that way)\b", 0.4),
        (r"\b(?:no complaints|couldn't ask for more|could not ask for more)\b", 0.5),
        (r"\bmakes? (?:a|all the) (?:big |real |huge )?difference\b", 0.4),
        (r"\b(?:has|have|got) (?:my|our|each other's|your) backs?\b", 0.5),
        (r"\b(?:know|knows) exactly\b|\beveryone pulls\b|\bpulls (?:their|his|her) weight", 0.4),
        (r"\bkeeps? (?:us|everyone|me|the team) (?:in the loop|informed|posted)\b", 0.4),
        (r"\b(?:always|really|clearly) explains\b|\btime to breathe\b|\bbelieve in\b", 0.4),
        # complaints VADER reads as praise ("wins", "like", "hard"), and praise it reads as
        # complaint ("mistake", "pressure"): added after the demo's mislabelled phrasings
        (r"\bopposite (?:instructions|directions|priorities)\b|\bhave to guess\b", -0.9),
        (r"\bcovering (?:the work|for)\b|\bthe work of (?:two|three|four|five|six)\b", -0.7),
        (r"\bwithout knowing (?:what|why)\b|\bwhat for\b", -0.7),
        (r"\bno finger[- ]pointing\b|\bhelped me (?:sort|fix|through)\b", 0.6),
        (r"\b(?:took|takes|taken) (?:a lot of )?(?:the )?pressure off\b", 0.6),
        (r"\bfeels? sustainable\b|\blearned a lot\b|\bfound me\b", 0.4),
        (r"\bmakes? a point of thanking\b|\bthanking (?:people|us|everyone)\b", 0.6),
        (r"\bheld to the same standard\b|\bi respect that\b", 0.4),
    )
)

# A sentence that asks for something rather than describing how things are.
_REQUEST = re.compile(
    r"""^(?:(?:please|pls|just|maybe|perhaps|honestly|so|and|but|also|i\ think|i\ feel)[\s,]+)*
    (?:more|less|fewer|better|clearer|regular|proper|real|some|a|an|give|let|allow|provide
      |set|make|share|explain|tell|hold|include|bring|start|get|hire|treat|respect
      |define|agree|spread|focus|invest|replace|update|clarify|recogni[sz]e|reward|pay
      |enforce|deal|empower|encourage|involve|listen|trust|be|have|create|reduce|increase
      |cut|pick|follow|getting|having|being|would|could|can|should|need|i'?d|i\ would
      |i\ want|we\ need|we\ could|managers?\ should|leadership\ should|leaders?\ should
      |upgrade|protect|write|address|apply|mention|add|remove|schedule|plan|hold
      |keep|ask|check|consider|introduce|offer|continue|return|improve|implement)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\n+"
    # a clause with its own subject after a comma or dash: "Hire more, we are short"
    r"|\s*[,:\u2013\u2014-]\s+(?=(?:we|we're|we've|i|i'm|i've|they|it|it's|its|half|nobody"
    r"|no one|everyone|there|three|two|our|my|some of us|people)\b)",
    re.IGNORECASE,
)
_NONCOMMITTAL = re.compile(
    r"^(?:no idea|not sure|hard to say|don'?t know|i don'?t know|unsure|can'?t say|"
    r"its fine|it's fine|no opinion)\b[\w\s,.]{0,20}$",
    re.IGNORECASE,
)
_SUBJECT = re.compile(r"\b(?:i|we|they|he|she|it|nobody|everyone|someone)\b", re.IGNORECASE)
_DETERMINERS = frozenset(
    "my our the his her their this that these those your its every each".split()
)
REQUEST_DAMPING = 0.5
STATEMENT_LEAN = -0.2
STATEMENT_PRAISE = 0.2  # a statement this positive is praise, not a complaint


def _is_request(sentence: str) -> bool:
    words = re.findall(r"[\w']+", sentence)
    if not words:
        return True
    has_verb_hint = re.search(
        r"\b(?:is|are|was|were|am|be|been|has|have|had|do|does|did|get|gets|got|feel|feels"
        r"|seems?|takes?|keeps?|makes?|goes|went|comes|came|know|knows|need|needs|work"
        r"|works)\b|\w+(?:ed|ing)\b",
        sentence,
        re.IGNORECASE,
    )
    if not has_verb_hint and (
        len(words) <= 4 or not (_SUBJECT.search(sentence) or words[0].lower() in _DETERMINERS)
    ):
        return True  # a bare noun phrase: "Transparency", "Realistic deadlines for sprints"
    return bool(_REQUEST.match(sentence.strip(" -*\"'")))


@functools.lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(WORKPLACE_LEXICON)
    return analyzer


def sentiment_score(text: str | None) -> float:
    """Compound score in [-1, 1] (0.0 for empty text)."""
    if not text or not text.strip():
        return 0.0
    t = text.replace("\u2019", "'").replace("\u2018", "'").strip()
    if _NONCOMMITTAL.match(t):
        return 0.0
    stripped = _POLITENESS.sub(" ", t)
    compound = _analyzer().polarity_scores(stripped)["compound"]
    shift = sum(w for pat, w in _CUES if pat.search(t))
    sentences = [x for x in _SENTENCE_SPLIT.split(t) if x.strip()]
    if all(_is_request(x) for x in sentences):
        raw = compound * REQUEST_DAMPING + shift
    elif compound < STATEMENT_PRAISE:
        raw = compound + shift + STATEMENT_LEAN
    else:
        raw = compound + shift
    return round(max(-1.0, min(1.0, raw)), 4)


def label_for(score: float) -> SentimentLabel:
    if score >= POSITIVE_AT:
        return "positive"
    if score <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def sentiment(text: str | None) -> tuple[SentimentLabel, float]:
    """(label, score): label in negative|neutral|positive, score in [-1, 1]."""
    score = sentiment_score(text)
    return label_for(score), score
