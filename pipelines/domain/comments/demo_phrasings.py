"""Realistic comments for the demo generator.

The phrasings deliberately avoid the words a theme is named after ("clear goals",
"communication", "workload" ...): they say what people actually write ("I never know
which project should come first this month").  How many of them the taxonomy still
recovers is measured in the tests and reported in docs/comments.md.
"""

from __future__ import annotations

import random

MANAGERS = ("My manager", "Our team lead", "Our supervisor", "The new manager", "My boss")
PERIODS = ("this quarter", "this month", "lately", "since January", "this year")

# theme -> sentiment -> templates; {Mgr}/{mgr} is a manager, {period} a time span
PHRASINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "communication": {
        "negative": (
            "I usually hear about changes to our process from another team before {mgr} mentions them.",
            "We only find out what was decided upstairs weeks later, if at all.",
            "{Mgr} rarely replies to messages, so questions just sit there for days.",
            "Important news reaches the remote people last, usually by accident.",
        ),
        "neutral": (
            "A short weekly summary of what was agreed in the leadership meeting.",
            "More regular one-to-ones with {mgr}, even just twenty minutes.",
            "Could we have an open Q&A with the department head once a quarter?",
        ),
        "positive": (
            "{Mgr} keeps everyone in the loop and always explains the reasoning behind changes.",
            "Our weekly stand-up is short and everyone knows what is going on. Great format.",
            "I always feel listened to in my one-to-ones, {mgr} is excellent at that.",
        ),
    },
    "recognition": {
        "negative": (
            "Nobody noticed when we covered for two absent colleagues for a whole month.",
            "Extra effort here gets a shrug, never a thank you.",
            "The people who stay late to fix things get no credit at all.",
        ),
        "neutral": (
            "A quick thank-you from {mgr} when we hit a milestone.",
            "Mention individual contributions in the team meeting now and then.",
            "Some kind of bonus when a big launch goes out.",
        ),
        "positive": (
            "{Mgr} makes a point of thanking people by name in front of the whole department.",
            "I feel genuinely valued, good work gets noticed here.",
            "Loved the shout-outs at the end of the quarter, it made people's week.",
        ),
    },
    "workload": {
        "negative": (
            "Three of us are covering the work of five and it has been like this {period}.",
            "I answer emails at night and on Sundays just to keep up.",
            "We keep taking on new projects and never drop old ones, people are exhausted.",
        ),
        "neutral": (
            "Hire one more person for the support desk.",
            "Protect one afternoon a week with no calls so we can get real work done.",
            "Realistic timelines when new requests come in.",
        ),
        "positive": (
            "Hours have been reasonable {period} and the team finally has time to breathe.",
            "{Mgr} pushes back on extra requests so we can finish what we started, much appreciated.",
            "The new hires took a lot of pressure off, it feels sustainable now. Thank you.",
        ),
    },
    "growth_development": {
        "negative": (
            "I've asked twice about a path to a senior role and never got an answer.",
            "In two years nobody has talked to me about my career here.",
            "There's no budget or time to learn anything new.",
        ),
        "neutral": (
            "A mentor from another department.",
            "Pay for one course or certification a year.",
            "Regular conversations about where I want to be in three years.",
        ),
        "positive": (
            "{Mgr} found me a course and gave me time to do it, I've learned a lot {period}.",
            "I was promoted this spring and had great coaching along the way.",
            "Shadowing the senior engineers has taught me more than any course, brilliant idea.",
        ),
    },
    "tools_resources": {
        "negative": (
            "My laptop freezes several times a day and IT says there is no money for a new one.",
            "We still share one printer between forty people.",
            "The booking software crashes every Monday morning.",
        ),
        "neutral": (
            "Second monitors for everyone who asks.",
            "A proper budget line for software licences.",
            "Upgrade the scanners in the warehouse.",
        ),
        "positive": (
            "The new laptops and the faster network made a huge difference.",
            "We finally have the equipment we need, thank you.",
            "The new scheduling app is excellent and saves me an hour a day.",
        ),
    },
    "direction_vision": {
        "negative": (
            "Nobody can tell me where the company wants to be in five years.",
            "We change strategy every quarter and nobody explains why.",
            "It feels like we're working hard without knowing what for.",
        ),
        "neutral": (
            "Share the plan for next year and how our team fits into it.",
            "Explain the bigger picture behind the new product line.",
            "A roadmap that looks further ahead than the next release.",
        ),
        "positive": (
            "Our director connects the day-to-day work to where the business is heading, which motivates me.",
            "For the first time I understand the long-term plan and I believe in it.",
            "Leadership has a strong sense of purpose and it is inspiring.",
        ),
    },
    "clarity_goals": {
        "negative": (
            "I never know which project should come first {period}.",
            "Two managers give me opposite instructions and I have to guess which one wins.",
            "What counts as done keeps changing every sprint, it's frustrating.",
        ),
        "neutral": (
            "A ranked list of what matters most each week.",
            "Agree at the start of each quarter what I will be measured on.",
            "Write down who owns which piece of work.",
        ),
        "positive": (
            "I know exactly what is expected of me {period}.",
            "{Mgr} sets priorities at the start of each week and sticks to them, really helpful.",
            "Our targets are simple and everyone understands them, works well.",
        ),
    },
    "autonomy": {
        "negative": (
            "{Mgr} rewrites every document I send and checks in several times a day.",
            "Even ordering a $15 cable needs two sign-offs.",
            "I'm not allowed to decide anything without running it past three people.",
        ),
        "neutral": (
            "Let the team decide how to split the work.",
            "Give senior staff the authority to buy small things without asking.",
            "More say in which projects I pick up.",
        ),
        "positive": (
            "{Mgr} gives me room to do things my own way and I love it.",
            "I really enjoy being able to plan my own week.",
            "We get to choose our own approach and it works great.",
        ),
    },
    "trust_safety": {
        "negative": (
            "People keep quiet in meetings because the last person who disagreed was sidelined.",
            "When something goes wrong the first question is whose fault it was.",
            "I would never admit a mistake here, it would be held against me.",
        ),
        "neutral": (
            "Make it normal to disagree with the boss.",
            "Anonymous ways to raise problems.",
            "Leaders could admit when they don't have the answer.",
        ),
        "positive": (
            "I can say what I think in front of {mgr} without worrying, which is great.",
            "When I made a big mistake the team helped me sort it out, no finger pointing. Wonderful people.",
            "We have each other's backs on this team, always.",
        ),
    },
    "accountability_fairness": {
        "negative": (
            "Some people miss every deadline and nothing ever happens to them.",
            "The rules are different for the manager's favourites.",
            "Actions agreed after last year's survey were quietly dropped, nobody followed up.",
        ),
        "neutral": (
            "Apply the same standards to everyone, including senior staff.",
            "Address poor performance earlier.",
            "Check in on what was agreed at the end of each project.",
        ),
        "positive": (
            "Everyone is held to the same standard here, managers included, and I respect that.",
            "{Mgr} follows up on every commitment made in our retros, excellent.",
            "People on this team do what they say they will do, great to see.",
        ),
    },
    "other": {
        "negative": ("The office is far too noisy.", "Parking is impossible after nine."),
        "neutral": ("Better coffee in the kitchen.", "More social events."),
        "positive": ("Things are going well, thanks.", "Great place to work, no complaints."),
    },
}

THEMES = tuple(PHRASINGS)
SENTIMENTS = ("negative", "neutral", "positive")


def demo_comment(theme: str, sentiment: str, rng: random.Random) -> str:
    """One realistic comment for ``theme`` ('other' allowed) with the given sentiment."""
    try:
        templates = PHRASINGS[theme][sentiment]
    except KeyError as exc:
        raise ValueError(f"unknown theme/sentiment: {theme!r}/{sentiment!r}") from exc
    template = rng.choice(templates)
    mgr = rng.choice(MANAGERS)
    return template.format(Mgr=mgr, mgr=mgr[0].lower() + mgr[1:], period=rng.choice(PERIODS))


def template_count() -> int:
    return sum(len(v) for per in PHRASINGS.values() for v in per.values())
