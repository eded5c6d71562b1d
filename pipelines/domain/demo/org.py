"""The demo organisation: departments, teams, people, turnover and one reorganisation.

Five departments and about 40 teams (``scale`` multiplies the count); every team
has a manager who is an employee of that team. Department heads manage the first
team of their department and report to the CEO, who manages the Executive Office.
Between the first two waves one team is split, two are merged and one is renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from pipelines.domain.demo.names import FIRST_NAMES, LAST_NAMES, email_local_part


@dataclass(frozen=True)
class Wave:
    wave_id: str
    survey: str
    period_start: date
    close_date: date


WAVES: tuple[Wave, ...] = (
    Wave("2025-11", "engagement", date(2025, 11, 3), date(2025, 11, 21)),
    Wave("2026-05", "engagement", date(2026, 5, 4), date(2026, 5, 22)),
    Wave("2026-11", "pulse", date(2026, 11, 2), date(2026, 11, 20)),
)

#: Office -> (latitude, longitude), for the Qualtrics location columns.
OFFICES: dict[str, tuple[float, float]] = {
    "London": (51.5072, -0.1276),
    "New York": (40.7128, -74.006),
    "Austin": (30.2672, -97.7431),
    "Toronto": (43.6532, -79.3832),
}

# (department, team, size): size None = drawn (15-26); small teams fall below k = 5.
# The first team of each department is managed by its head.
TEMPLATE: tuple[tuple[str, str, int | None], ...] = (
    ("Engineering", "Platform", 30),
    ("Engineering", "Payments", 34),
    ("Engineering", "Mobile", None),
    ("Engineering", "Web Frontend", None),
    ("Engineering", "Data Engineering", None),
    ("Engineering", "Machine Learning", None),
    ("Engineering", "Security", None),
    ("Engineering", "QA Automation", None),
    ("Engineering", "Developer Experience", None),
    ("Engineering", "Site Reliability", None),
    ("Engineering", "Identity", None),
    ("Engineering", "Search", None),
    ("Sales", "Enterprise Sales", 40),
    ("Sales", "SMB Sales East", 16),
    ("Sales", "SMB Sales West", 15),
    ("Sales", "Sales Development", None),
    ("Sales", "Partnerships", None),
    ("Sales", "Sales Operations", None),
    ("Sales", "Mid-Market Sales", None),
    ("Sales", "Solutions Architecture", 4),
    ("Operations", "People Operations", None),
    ("Operations", "Executive Office", 3),
    ("Operations", "Recruiting", None),
    ("Operations", "IT Support", None),
    ("Operations", "Procurement", None),
    ("Operations", "Facilities", None),
    ("Operations", "Legal", 8),
    ("Customer Success", "Support Tier 1", None),
    ("Customer Success", "Support Tier 2", None),
    ("Customer Success", "Onboarding", None),
    ("Customer Success", "Account Management", None),
    ("Customer Success", "Customer Education", None),
    ("Customer Success", "Renewals", None),
    ("Customer Success", "Community", None),
    ("Finance", "Accounting", None),
    ("Finance", "FP&A", None),
    ("Finance", "Billing", None),
    ("Finance", "Payroll", 9),
    ("Finance", "Tax", 3),
    ("Finance", "Internal Audit", 2),
)
EXECUTIVE_TEAM = "Executive Office"
#: The reorganisation, applied from the second wave.
SPLIT = ("Platform", ("Platform Core", "Platform Reliability"))
MERGE = (("SMB Sales East", "SMB Sales West"), "SMB Sales")
RENAME = ("Support Tier 2", "Technical Support")
#: Teams with a planted change between the first two waves.
CLARITY_DROP_TEAM = "Enterprise Sales"
TRUST_RISE_TEAM = "Payments"
_REQUIRED = {t for _, t, size in TEMPLATE if size is not None} | {
    "People Operations",
    "Support Tier 1",
    "Accounting",
    RENAME[0],
}
TURNOVER = 0.07  # share of non-managers who leave between waves (and are replaced)
ROSTER_COLUMNS = (
    "employee_id",
    "full_name",
    "email",
    "team",
    "manager_id",
    "department",
    "tenure_band",
    "location",
)


@dataclass
class Employee:
    employee_id: str
    first_name: str
    last_name: str
    email: str
    hire_date: date
    location: str
    team: str
    department: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Org:
    """Everything about the organisation that the rest of the demo needs."""

    employees: dict[str, Employee] = field(default_factory=dict)
    #: wave_id -> employee ids on the roster at that wave's close
    members: dict[str, list[str]] = field(default_factory=dict)
    #: wave_id -> team -> {"department", "manager_id", "office"} at that wave's close
    teams: dict[str, dict[str, dict]] = field(default_factory=dict)
    #: wave_id -> employee_id -> (team, department, manager_id) at that wave's close
    placement: dict[str, dict[str, tuple[str, str, str]]] = field(default_factory=dict)
    lineage: list[tuple[str, str, str]] = field(default_factory=list)

    def roster_rows(self, wave_id: str) -> list[dict[str, str]]:
        close = next(w.close_date for w in WAVES if w.wave_id == wave_id)
        rows = []
        for eid in self.members[wave_id]:
            e = self.employees[eid]
            team, department, manager_id = self.placement[wave_id][eid]
            rows.append(
                {
                    "employee_id": eid,
                    "full_name": e.full_name,
                    "email": e.email,
                    "team": team,
                    "manager_id": manager_id,
                    "department": department,
                    "tenure_band": tenure_band(e.hire_date, close),
                    "location": e.location,
                }
            )
        return rows


def tenure_band(hired: date, at: date) -> str:
    years = (at - hired).days / 365.25
    if years < 1:
        return "<1y"
    if years < 3:
        return "1-3y"
    if years < 5:
        return "3-5y"
    return "5y+"


def _team_plan(rng: np.random.Generator, scale: float) -> list[tuple[str, str, int]]:
    """(department, team, headcount) for the first wave; ``scale`` multiplies the team count."""
    wanted = max(len(_REQUIRED), round(len(TEMPLATE) * scale))
    plan: list[tuple[str, str, int | None]] = []
    if wanted <= len(TEMPLATE):
        optional = wanted - len(_REQUIRED)
        for dept, team, size in TEMPLATE:
            if team in _REQUIRED:
                plan.append((dept, team, size))
            elif optional > 0:
                plan.append((dept, team, size))
                optional -= 1
    else:
        plan = list(TEMPLATE)
        copy = 2
        while len(plan) < wanted:
            for dept, team, size in TEMPLATE:
                if len(plan) == wanted:
                    break
                plan.append((dept, f"{team} {copy}", size))
            copy += 1
    drawn = rng.integers(15, 27, size=len(plan))
    return [
        (d, t, s if s is not None else int(n)) for (d, t, s), n in zip(plan, drawn, strict=True)
    ]


def _hire_date(rng: np.random.Generator, close: date, manager: bool) -> date:
    band = rng.choice(4, p=[0.05, 0.25, 0.3, 0.4] if manager else [0.15, 0.35, 0.25, 0.25])
    low, high = [(0.05, 1.0), (1.0, 3.0), (3.0, 5.0), (5.0, 12.0)][band]
    return close - timedelta(days=int(rng.uniform(low, high) * 365.25))


class _People:
    """Draws unique e-mail addresses for new people."""

    def __init__(self, rng: np.random.Generator, org: Org):
        self.rng, self.org, self.taken = rng, org, set()

    def new(self, team: str, dept: str, office: str, hired: date) -> str:
        first = str(self.rng.choice(FIRST_NAMES))
        last = str(self.rng.choice(LAST_NAMES))
        local = email_local_part(first, last)
        candidate, n = local, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{local}{n}"
        self.taken.add(candidate)
        eid = f"E{len(self.org.employees) + 1:05d}"
        location = office if self.rng.random() < 0.8 else str(self.rng.choice(list(OFFICES)))
        self.org.employees[eid] = Employee(
            eid, first, last, f"{candidate}@example.com", hired, location, team, dept
        )
        return eid


def _snapshot(org: Org, wave_id: str, teams: dict[str, dict]) -> None:
    """Record who is where at the wave's close, with each person's manager."""
    heads = {info["department"]: info["manager_id"] for info in teams.values() if info.get("head")}
    ceo = teams[EXECUTIVE_TEAM]["manager_id"] if EXECUTIVE_TEAM in teams else ""
    placement = {}
    for eid in org.members[wave_id]:
        e = org.employees[eid]
        info = teams[e.team]
        if eid == ceo:
            boss = ""
        elif eid == heads.get(e.department):
            boss = ceo
        elif eid == info["manager_id"]:
            boss = heads.get(e.department, ceo)
        else:
            boss = info["manager_id"]
        placement[eid] = (e.team, e.department, boss)
    org.placement[wave_id] = placement
    org.teams[wave_id] = {t: dict(info) for t, info in teams.items()}


def _turnover(
    rng: np.random.Generator, org: Org, people: _People, current: list[str], teams, since, until
) -> list[str]:
    managers = {info["manager_id"] for info in teams.values()}
    staff = [eid for eid in current if eid not in managers]
    leavers = set(rng.choice(staff, size=round(TURNOVER * len(staff)), replace=False).tolist())
    kept = [eid for eid in current if eid not in leavers]
    replaced = sorted(leavers)  # most leavers are replaced in the same team; some twice, some not
    extra = rng.choice(replaced, size=round(0.15 * len(replaced)), replace=False).tolist()
    gone = set(rng.choice(replaced, size=round(0.2 * len(replaced)), replace=False).tolist())
    for eid in sorted([e for e in replaced if e not in gone] + extra):
        old = org.employees[eid]
        hired = since + timedelta(days=int(rng.integers(0, (until - since).days - 14)))
        kept.append(people.new(old.team, old.department, teams[old.team]["office"], hired))
    return kept


def _reorganise(rng: np.random.Generator, org: Org, members: list[str], teams, wave_id: str):
    """Split, merge and rename teams in place; return the lineage rows of this reorganisation."""
    lineage = []
    old, (left, right) = SPLIT
    if old in teams:
        info = teams.pop(old)
        people = [eid for eid in members if org.employees[eid].team == old]
        others = [eid for eid in people if eid != info["manager_id"]]
        moved = set(rng.choice(others, size=len(people) // 2, replace=False).tolist())
        new_manager = sorted(moved)[0]
        for eid in people:
            org.employees[eid].team = right if eid in moved else left
        teams[left] = dict(info)
        teams[right] = {**info, "manager_id": new_manager, "head": False}
        lineage += [(old, left, wave_id), (old, right, wave_id)]
    (a, b), merged = MERGE
    if a in teams and b in teams:
        info_a, _info_b = teams.pop(a), teams.pop(b)
        for eid in members:
            if org.employees[eid].team in (a, b):
                org.employees[eid].team = merged
        teams[merged] = info_a
        lineage += [(a, merged, wave_id), (b, merged, wave_id)]
    old, new = RENAME
    if old in teams:
        teams[new] = teams.pop(old)
        for eid in members:
            if org.employees[eid].team == old:
                org.employees[eid].team = new
        lineage.append((old, new, wave_id))
    return lineage


def build_org(rng: np.random.Generator, scale: float = 1.0) -> Org:
    org = Org()
    people = _People(rng, org)
    first = WAVES[0]
    teams: dict[str, dict] = {}
    members: list[str] = []
    seen_departments: set[str] = set()
    offices = list(OFFICES)
    for dept, team, size in _team_plan(rng, scale):
        office = offices[int(rng.integers(len(offices)))]
        head = dept not in seen_departments and team != EXECUTIVE_TEAM
        seen_departments.update([dept] if head else [])
        manager = people.new(team, dept, office, _hire_date(rng, first.close_date, True))
        members.append(manager)
        for _ in range(size - 1):
            hired = _hire_date(rng, first.close_date, False)
            members.append(people.new(team, dept, office, hired))
        teams[team] = {"department": dept, "manager_id": manager, "office": office, "head": head}
    org.members[first.wave_id] = list(members)
    _snapshot(org, first.wave_id, teams)
    for prev, wave in zip(WAVES, WAVES[1:], strict=False):
        members = _turnover(rng, org, people, members, teams, prev.close_date, wave.close_date)
        if wave is WAVES[1]:
            org.lineage = _reorganise(rng, org, members, teams, wave.wave_id)
        org.members[wave.wave_id] = list(members)
        _snapshot(org, wave.wave_id, teams)
    return org
