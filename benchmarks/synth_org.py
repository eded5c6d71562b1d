"""The benchmark organisation: positions in teams and departments, a manager chain, tenure
and location, turnover between waves, and the roster CSV of each wave."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from synth_items import CONSTRUCTS

PARTICIPATION = 0.85  # respondents / headcount
TEAM_SIZE = (8, 30)  # inclusive
TEAMS_PER_DEPARTMENT = (5, 40)  # inclusive
TURNOVER = 0.03  # share of positions with a new person at each wave
TENURE = np.array(["<1y", "1-3y", "3-5y", "5y+"])
LOCATIONS = np.array(["London", "Toronto", "Austin", "Berlin", "Singapore", "Lagos", "Sydney",
                      "Bangalore"])
OFFICES = np.array([[51.507, -0.128], [43.653, -79.383], [30.267, -97.743], [52.520, 13.405],
                    [1.352, 103.820], [6.524, 3.379], [-33.869, 151.209], [12.972, 77.595]])
FIRST = np.array(["Aisha", "Ben", "Carmen", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines",
                  "Jon", "Kemi", "Liam", "Maya", "Noor", "Omar", "Priya", "Quinn", "Rosa",
                  "Sam", "Tariq", "Uma", "Victor", "Wen", "Xavi", "Yara", "Zoe"])
LAST = np.array(["Adeyemi", "Brown", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad",
                 "Ivanova", "Jones", "Kim", "Lopez", "Murphy", "Nguyen", "Okafor", "Patel",
                 "Quinn", "Rossi", "Singh", "Tanaka", "Usman", "Virtanen", "Wright", "Yilmaz"])


@dataclass
class Org:
    """Positions 0..H-1; each position has a team, and a person that may change per wave."""

    headcount: int
    team_of: np.ndarray  # position -> team index
    dept_of_team: np.ndarray  # team index -> department index
    team_names: np.ndarray
    dept_names: np.ndarray
    lead_of_team: np.ndarray  # team index -> position of its lead
    tenure: np.ndarray
    location: np.ndarray
    team_effect: np.ndarray  # team x construct
    person_id: np.ndarray = field(default=None)  # position -> current employee number
    next_id: int = 0


def build_org(rng: np.random.Generator, respondents: int) -> Org:
    headcount = int(np.ceil(respondents / PARTICIPATION))
    sizes = []
    total = 0
    while total < headcount:
        s = int(rng.integers(TEAM_SIZE[0], TEAM_SIZE[1] + 1))
        s = min(s, headcount - total) if headcount - total >= TEAM_SIZE[0] else headcount - total
        sizes.append(s)
        total += s
    sizes = np.array(sizes)
    if len(sizes) > 1 and sizes[-1] < TEAM_SIZE[0]:  # fold a short last team into the previous
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    n_teams = len(sizes)
    dept_sizes = []
    assigned = 0
    while assigned < n_teams:
        d = int(rng.integers(TEAMS_PER_DEPARTMENT[0], TEAMS_PER_DEPARTMENT[1] + 1))
        dept_sizes.append(min(d, n_teams - assigned))
        assigned += dept_sizes[-1]
    dept_of_team = np.repeat(np.arange(len(dept_sizes)), dept_sizes)
    team_of = np.repeat(np.arange(n_teams), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    dept_names = np.array([f"Department {d + 1:04d}" for d in range(len(dept_sizes))])
    within = np.concatenate([np.arange(1, n + 1) for n in dept_sizes])
    team_names = np.array([f"D{d + 1:04d} Team {k:02d}" for d, k in zip(dept_of_team, within,
                                                                       strict=True)])
    loc_of_dept = rng.integers(0, len(LOCATIONS), size=len(dept_sizes))
    location = np.where(rng.random(headcount) < 0.8, loc_of_dept[dept_of_team[team_of]],
                        rng.integers(0, len(LOCATIONS), size=headcount))
    org = Org(
        headcount=headcount, team_of=team_of, dept_of_team=dept_of_team, team_names=team_names,
        dept_names=dept_names, lead_of_team=starts,
        tenure=rng.choice(len(TENURE), size=headcount, p=[0.15, 0.35, 0.25, 0.25]),
        location=location,
        team_effect=rng.normal(0, 0.35, size=(n_teams, len(CONSTRUCTS))),
    )
    org.person_id = np.arange(headcount, dtype=np.int64)
    org.next_id = headcount
    return org


def turnover(rng: np.random.Generator, org: Org) -> None:
    leavers = np.flatnonzero(rng.random(org.headcount) < TURNOVER)
    org.person_id[leavers] = np.arange(org.next_id, org.next_id + len(leavers))
    org.next_id += len(leavers)
    org.tenure[leavers] = 0


def emp_ids(numbers: np.ndarray) -> list[str]:
    return [f"E{x:08d}" for x in numbers.tolist()]


def person_names(numbers: np.ndarray) -> tuple[list[str], list[str]]:
    nf, nl = len(FIRST), len(LAST)
    first = FIRST.tolist()
    last = LAST.tolist()
    # a suffix keeps names distinct enough to look like a real roster
    return ([first[x % nf] for x in numbers.tolist()],
            [f"{last[(x // nf) % nl]}-{x // (nf * nl)}" for x in numbers.tolist()])


def email_addresses(numbers: np.ndarray) -> list[str]:
    return [f"e{x}@example.com" for x in numbers.tolist()]


def write_rows(fh, columns: list) -> None:
    """Write equal-length columns of ready-made CSV fields as rows."""
    fh.write("\n".join(map(",".join, zip(*columns, strict=True))))
    fh.write("\n")


def write_roster(org: Org, path: Path) -> int:
    numbers = org.person_id
    first, last = person_names(numbers)
    dept = org.dept_of_team[org.team_of]
    lead = org.lead_of_team[org.team_of]
    # members report to their team lead; a lead reports to the department's first lead;
    # department heads report to position 0 (the CEO), who reports to no one
    dept_head = org.lead_of_team[np.searchsorted(org.dept_of_team, np.arange(len(org.dept_names)))]
    positions = np.arange(org.headcount)
    manager = np.where(positions == lead, dept_head[dept], lead)
    manager = np.where(manager == positions, 0, manager)
    manager_ids = emp_ids(numbers[manager])
    manager_ids[0] = ""  # position 0 (the CEO) has no manager
    names = [f"{f} {last}" for f, last in zip(first, last, strict=True)]
    team = org.team_names[org.team_of].tolist()
    dept_names = org.dept_names[dept].tolist()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("employee_id,full_name,email,team,manager_id,department,tenure_band,location\n")
        write_rows(fh, [emp_ids(numbers), names, email_addresses(numbers), team, manager_ids,
                         dept_names, TENURE[org.tenure].tolist(),
                         LOCATIONS[org.location].tolist()])
    return org.headcount
