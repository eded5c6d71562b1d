"""Recommended practices, drawn from the ideas in the seeds, in our own words.

One set per balance quadrant (leadership without management drifts into chaos,
management without leadership into stagnation) and one per weak construct.
"""

from __future__ import annotations

from .formatting import construct_label

QUADRANT_PRACTICES: dict[str, tuple[str, list[str]]] = {
    "in_tandem": (
        "In tandem: keep both engines running",
        [
            "Protect what works: keep the rituals that give direction (the why) and the ones "
            "that keep delivery on track (the how), even when the quarter gets busy.",
            "Share the team's habits with a team that is struggling; pairing managers spreads "
            "practice faster than training does.",
        ],
    ),
    "chaos_risk": (
        "Chaos risk (vision without execution): add structure",
        [
            "Turn the direction into a short written plan: three priorities, an owner and a date "
            "for each, reviewed in a weekly team meeting.",
            "Agree how work will be judged before it starts, so energy goes into the same goals.",
            "Track commitments in the open and close the loop on each one; ideas without "
            "follow-through are what people experience as chaos.",
        ],
    ),
    "stagnation_risk": (
        "Stagnation risk (order without inspiration): add purpose and room",
        [
            "Explain the why behind the plan: connect the team's work to what the organisation "
            "is trying to achieve, and repeat it more often than feels necessary.",
            "Hand over decisions, not just tasks: let people choose how to reach an agreed goal.",
            "Make time for new ideas: a regular slot where the team proposes and tries "
            "improvements, with mistakes treated as learning.",
        ],
    ),
    "adrift": (
        "Adrift: rebuild both direction and structure",
        [
            "Start with a conversation, not a plan: hold one-to-ones to hear what gets in "
            "people's way, and say what you heard back to the team.",
            "Set two or three clear goals for the next quarter and how progress will be checked.",
            "Ask for help: an experienced peer manager or coach can support the team lead while "
            "the basics are rebuilt.",
        ],
    ),
    "unclear": (
        "Unclear position: look closer before acting",
        [
            "The interval crosses a threshold line, so the team is not clearly on either side. "
            "Read the construct scores below and discuss them with the team before choosing "
            "what to change.",
        ],
    ),
}

CONSTRUCT_PRACTICES: dict[str, list[str]] = {
    "clarity": [
        "Hold regular one-to-ones with each person and use them to agree priorities and what "
        "good work looks like.",
        "Write expectations down: goals, standards and deadlines that everyone can see, and "
        "revisit them in team meetings.",
        "Remove conflicting instructions: agree priorities with other managers before they "
        "reach the team.",
    ],
    "empowerment": [
        "Delegate outcomes, not steps: agree the goal and the limits, then let people decide "
        "how to get there.",
        "Review which decisions need your approval and drop the ones that do not.",
        "Check that people have the tools, time and information they need to do the job well.",
    ],
    "trust": [
        "Recognise good work specifically and promptly, in the team and one-to-one.",
        "Invest in each person's development: talk about growth, not only about tasks.",
        "Build psychological safety: thank people who raise concerns, treat mistakes as "
        "something to learn from, and keep your own commitments visibly.",
    ],
    "accountability": [
        "Follow through on every commitment, and make it normal to ask what happened to one.",
        "Apply the same standards to everyone, and say so out loud.",
        "Address under-performance early, privately and with support, rather than letting "
        "missed deadlines pass unnoticed.",
    ],
}


def quadrant_practices(quadrant: str | None) -> tuple[str, list[str]] | None:
    if not quadrant:
        return None
    return QUADRANT_PRACTICES.get(quadrant)


def construct_practices(construct: str) -> list[str]:
    if construct in CONSTRUCT_PRACTICES:
        return CONSTRUCT_PRACTICES[construct]
    label = construct_label(construct).lower()
    return [
        f"Share the {label} results with the team and ask which one or two items matter most "
        "to them.",
        "Agree one concrete change, name an owner, and check on it at the next team meeting.",
    ]


# Why an area matters, in one line, from the seeds' reasoning: leadership without management
# drifts into chaos, management without leadership into stagnation.
CONSTRUCT_REASONS = {
    "clarity": "Management side: without clear expectations, energy and ideas lack direction "
    "and the team drifts towards chaos.",
    "accountability": "Management side: without follow-through, plans stay plans, and a lot of "
    "energy without follow-through is what people experience as chaos.",
    "trust": "Leadership side: without trust, work gets done efficiently but without "
    "enthusiasm or new ideas, which is how a team stagnates.",
    "empowerment": "Leadership side: without room to decide, people carry out tasks without "
    "ownership or innovation, which is how a team stagnates.",
}

METHODS = {
    "relative_weights": "relative weights (Johnson 2000), which split the explained variation "
    "fairly between areas that move together",
    "correlation": "the correlation of each area with the outcome",
    "regression": "a regression of the outcome on all areas together",
    "dominance": "dominance analysis, which splits the explained variation between areas",
}


def construct_reason(construct: str) -> str:
    return CONSTRUCT_REASONS.get(
        construct,
        "Leadership and management work in tandem: a weak area holds back both, and either "
        "side alone drifts into chaos or stagnation.",
    )


def method_label(method: object) -> str:
    """A driver method in plain words, never its id."""
    key = str(method or "").strip().lower()
    return METHODS.get(key, key.replace("_", " ") or "an unnamed method")


def method_sentence(method: object, n: object, outcome: str) -> str:
    """'Impact on eNPS is estimated with relative weights (...), from 616 responses.'"""
    text = f"Impact on {outcome} is estimated with {method_label(method)}"
    if isinstance(n, int | float):
        text += f", from {int(n)} responses"
    return text + "."
