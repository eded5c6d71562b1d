"""Who answers each wave, what they answer, and the mess real exports carry.

Answers come from the planted team means (``model.simulate_answers``); the
mess (preview, partial and duplicate submissions, bad rows and tricky comments)
is added on top and described on each row so that ``planted.json`` can list it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

import numpy as np

from pipelines.domain.comments import demo_comment
from pipelines.domain.demo import model
from pipelines.domain.demo.org import Org, Wave
from pipelines.domain.demo.truth import CONSTRUCTS, Truth

N_ITEMS = 16
BLANK, NO_BASIS = 0, -1
COMMENT_SHARE = 0.6
#: Theme whose complaints point at each construct, and themes about anything else.
CONSTRUCT_THEME = {
    "trust": "trust_safety",
    "empowerment": "autonomy",
    "clarity": "clarity_goals",
    "accountability": "accountability_fairness",
}
OTHER_THEMES = (
    "communication",
    "recognition",
    "workload",
    "growth_development",
    "tools_resources",
    "direction_vision",
)
ALL_THEMES = tuple(CONSTRUCT_THEME.values()) + OTHER_THEMES
_IP_FIRST_OCTETS = (24, 50, 62, 73, 81, 86, 92, 98, 104, 109, 174, 176, 185, 188, 203, 212)


@dataclass
class Response:
    """One row of an export, before it is written in a vendor's format."""

    employee_id: str | None
    team: str
    start: datetime
    end: datetime
    answers: list[int]  # 16 items in bank order: 1-5, BLANK or NO_BASIS
    enps: int | None
    comment: str = ""
    progress: int = 100
    finished: bool = True
    preview: bool = False
    ip: str = ""
    #: valid | preview | partial | duplicate (superseded by a later one) | bad
    kind: str = "valid"
    #: item index -> the raw text written instead of the answer (bad rows)
    overrides: dict[int, str] = field(default_factory=dict)
    #: what was planted on this row, for planted.json
    notes: list[dict] = field(default_factory=list)
    response_id: str = ""


def _ip(rng: np.random.Generator) -> str:
    first = int(rng.choice(_IP_FIRST_OCTETS))
    rest = rng.integers(1, 255, size=3)
    return f"{first}.{rest[0]}.{rest[1]}.{rest[2]}"


def _moment(rng: np.random.Generator, wave: Wave) -> datetime:
    days = (wave.close_date - wave.period_start).days + 1
    day = wave.period_start + timedelta(days=int(days * rng.beta(1.2, 2.5)))
    seconds = int(rng.uniform(8 * 3600, 18.5 * 3600))
    return datetime.combine(day, time()) + timedelta(seconds=seconds)


def _duration(rng: np.random.Generator) -> timedelta:
    return timedelta(seconds=int(np.clip(rng.lognormal(np.log(330), 0.5), 70, 3000)))


def team_themes(rng: np.random.Generator, truth: Truth, wave_id: str) -> dict[str, dict[str, str]]:
    """Each team's planted comment themes: its weakest construct's theme, plus one other."""
    scores = truth.scores[wave_id]
    org_mean = np.mean(list(scores.values()), axis=0)
    out = {}
    for team, s in scores.items():
        weakest = CONSTRUCTS[int(np.argmin(s - org_mean))]
        secondary = str(rng.choice(OTHER_THEMES))
        out[team] = {"primary": CONSTRUCT_THEME[weakest], "secondary": secondary}
    return out


def _comment(
    rng: np.random.Generator, crng: random.Random, themes: dict[str, str], overall: float
) -> str:
    pick = rng.random()
    if pick < 0.5:
        theme = themes["primary"]
        sentiment = str(rng.choice(["negative", "neutral", "positive"], p=[0.6, 0.25, 0.15]))
    else:
        theme = themes["secondary"] if pick < 0.75 else str(rng.choice(ALL_THEMES))
        mood = overall + rng.normal(0, 0.6)
        sentiment = "negative" if mood < -0.35 else "positive" if mood > 0.55 else "neutral"
    text = demo_comment(theme, sentiment, crng)
    if rng.random() < 0.03:  # a second thought on a new line: an embedded newline in the CSV
        text += "\n" + demo_comment(str(rng.choice(ALL_THEMES)), sentiment, crng)
    return text


def simulate_wave(
    rng: np.random.Generator,
    crng: random.Random,
    org: Org,
    wave: Wave,
    truth: Truth,
    rates: dict[str, float],
    themes: dict[str, dict[str, str]],
    allow_no_basis: bool,
) -> tuple[list[Response], list[str]]:
    """The complete responses of a wave, and the ids of the employees who did not answer."""
    placement = org.placement[wave.wave_id]
    members = org.members[wave.wave_id]
    draws = rng.random(len(members))
    respondents = [e for e, u in zip(members, draws, strict=True) if u < rates[placement[e][0]]]
    silent = [e for e, u in zip(members, draws, strict=True) if u >= rates[placement[e][0]]]
    teams = [placement[e][0] for e in respondents]
    latent = np.array([truth.latent[wave.wave_id][t] for t in teams]).reshape(-1, 4)
    answers, eta = model.simulate_answers(rng, latent)
    missing = rng.random(answers.shape) < 0.012
    no_basis = missing & (rng.random(answers.shape) < (0.4 if allow_no_basis else 0.0))
    answers = np.where(missing, np.where(no_basis, NO_BASIS, BLANK), answers)
    mu = np.array([model.CONSTRUCT_MEAN[c] for c in CONSTRUCTS])
    spread = np.sqrt(truth.sigma_b[wave.wave_id] ** 2 + model.SIGMA_E**2)
    overall = ((eta - mu) / spread).mean(axis=1)
    enps = np.clip(np.rint(7.0 + 2.2 * overall + rng.normal(0, 1.4, len(overall))), 0, 10)
    out = []
    for i, eid in enumerate(respondents):
        start = _moment(rng, wave)
        comment = ""
        if rng.random() < COMMENT_SHARE:
            comment = _comment(rng, crng, themes[teams[i]], float(overall[i]))
        out.append(
            Response(
                employee_id=eid,
                team=teams[i],
                start=start,
                end=start + _duration(rng),
                answers=[int(a) for a in answers[i]],
                enps=None if rng.random() < 0.03 else int(enps[i]),
                comment=comment,
                ip=_ip(rng),
            )
        )
    return out, silent


def add_partials(
    rng: np.random.Generator,
    responses: list[Response],
    silent: list[str],
    org: Org,
    wave: Wave,
    truth: Truth,
    count: int,
) -> None:
    """Employees who started and gave up: Progress < 100, Finished 0, answers stop part-way."""
    chosen = sorted(rng.choice(silent, size=min(count, len(silent)), replace=False).tolist())
    for eid in chosen:
        team = org.placement[wave.wave_id][eid][0]
        answers, _ = model.simulate_answers(rng, truth.latent[wave.wave_id][team][None, :])
        progress = int(rng.integers(6, 95))
        answered = N_ITEMS * progress // 100
        start = _moment(rng, wave)
        responses.append(
            Response(
                employee_id=eid,
                team=team,
                start=start,
                end=start + _duration(rng) / 3,
                answers=[int(a) if j < answered else BLANK for j, a in enumerate(answers[0])],
                enps=None,
                progress=progress,
                finished=False,
                ip=_ip(rng),
                kind="partial",
                notes=[{"type": "partial", "why": f"Progress {progress} < 100, Finished 0"}],
            )
        )


def add_previews(
    rng: np.random.Generator, responses: list[Response], wave: Wave, count: int
) -> None:
    """The survey owner testing the survey: Status 'Survey Preview', no recipient."""
    admin_ip = _ip(rng)
    for n in range(count):
        start = datetime.combine(wave.period_start, time(7, 40)) + timedelta(minutes=7 * n)
        responses.append(
            Response(
                employee_id=None,
                team="",
                start=start,
                end=start + timedelta(seconds=95 + 11 * n),
                answers=[int(a) for a in rng.integers(1, 6, size=N_ITEMS)],
                enps=int(rng.integers(0, 11)),
                comment="test - please ignore" if n == 0 else "",
                preview=True,
                ip=admin_ip,
                kind="preview",
                notes=[{"type": "preview", "why": "Status = Survey Preview (1)"}],
            )
        )


def add_duplicates(
    rng: np.random.Generator, responses: list[Response], truth: Truth, wave: Wave, count: int
) -> None:
    """The same respondent submits twice; the later submission is the one that counts."""
    valid = [i for i, r in enumerate(responses) if r.kind == "valid" and not r.notes]
    close = datetime.combine(wave.close_date, time(23, 0))
    for i in sorted(rng.choice(valid, size=count, replace=False).tolist()):
        first = responses[i]
        answers, _ = model.simulate_answers(rng, truth.latent[wave.wave_id][first.team][None, :])
        start = min(first.end + timedelta(hours=float(rng.uniform(2, 40))), close)
        second = replace(
            first,
            start=start,
            end=start + _duration(rng),
            answers=[int(a) for a in answers[0]],
            overrides={},
            notes=[
                {"type": "resubmission", "why": "second submission of the same respondent; counts"}
            ],
        )
        first.kind = "duplicate"
        first.notes = [
            {
                "type": "duplicate",
                "why": "earlier submission of a respondent who "
                "submitted twice (same email and ExternalReference); superseded",
                "superseded_by": second,
            }
        ]
        responses.append(second)


def add_bad_rows(
    rng: np.random.Generator,
    responses: list[Response],
    wave: Wave,
    faults: list[tuple[str, object]],
) -> None:
    """Rows that a validator must quarantine. A fault is (kind, detail):
    ("value", (item_index, raw_text, why)) or ("timestamp", days_after_close)."""
    valid = [i for i, r in enumerate(responses) if r.kind == "valid" and not r.notes]
    chosen = sorted(rng.choice(valid, size=len(faults), replace=False).tolist())
    for i, (kind, detail) in zip(chosen, faults, strict=True):
        r = responses[i]
        r.kind = "bad"
        if kind == "value":
            item, raw, why = detail  # type: ignore[misc]
            r.overrides[item] = raw
            r.notes.append({"type": "bad_value", "item_index": item, "value": raw, "why": why})
        else:
            r.start = datetime.combine(wave.close_date, r.start.time()) + timedelta(days=detail)
            r.end = r.start + _duration(rng)
            r.notes.append(
                {
                    "type": "bad_timestamp",
                    "why": f"submitted {detail} days after the "
                    f"wave closed on {wave.close_date.isoformat()}",
                }
            )


def add_special_comments(
    rng: np.random.Generator, responses: list[Response], org: Org, wave: Wave, templates: list[str]
) -> None:
    """Comments that must be masked or escaped: an email, a phone number, a roster name, HTML,
    spreadsheet formulas. Templates may use {name} and {email} (a team-mate) and {own_email}."""
    sizes: dict[str, int] = {}
    for r in responses:
        sizes[r.team] = sizes.get(r.team, 0) + (r.kind == "valid")
    # in teams large enough for their comments to be shown (comment k defaults to 10)
    valid = [
        i
        for i, r in enumerate(responses)
        if r.kind == "valid" and not r.notes and sizes[r.team] >= 12
    ]
    chosen = sorted(rng.choice(valid, size=len(templates), replace=False).tolist())
    placement = org.placement[wave.wave_id]
    for i, template in zip(chosen, templates, strict=True):
        r = responses[i]
        mates = sorted(e for e, p in placement.items() if p[0] == r.team and e != r.employee_id)
        other = org.employees[mates[int(rng.integers(len(mates)))]] if mates else None
        name = other.full_name if other else "Priya Natarajan"
        email = other.email if other else "priya.natarajan@example.com"
        own = org.employees[r.employee_id].email if r.employee_id else email
        r.comment = template.format(name=name, email=email, own_email=own)
        r.notes.append({"type": "special_comment", "text": r.comment})
