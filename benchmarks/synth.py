"""A fast, vectorized generator of a synthetic organisation for the benchmarks.

It writes a Tandem workspace's `data/raw/` at any scale: per-wave roster CSVs, a
codebook with 60 items in 8 constructs (the four default ones plus four more), and
one Qualtrics "numeric values" export per wave (three header rows: ids, question
texts, ImportIds). Everything is drawn with numpy and written in chunks, so 1M
respondents per wave take seconds per file and little memory.

It is deliberately independent of `pipelines.domain.demo` (which plants known answers
for 16 items and a few hundred people, one Python object per response).

Layout written under `<home>/data/raw/`:

    roster/<wave>.csv                      employee_id, full_name, email, team, manager_id,
                                           department, tenure_band, location
    surveys/bench/codebook.yaml
    surveys/bench/<wave>/bench_<wave>.csv  Qualtrics numeric export

`respondents` is the number of complete, distinct responses per wave; on top of them
each file carries some mess that ingest must handle: previews (0.05 %), partials
(2 %), earlier duplicate submissions (0.5 %), off-scale codes (1 row in 10,000,
quarantined by validation), "no answer" codes (-1, 1 % of cells) and blanks (1 %).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SURVEY = "bench"
PARTICIPATION = 0.85  # respondents / headcount
TEAM_SIZE = (8, 30)  # inclusive
TEAMS_PER_DEPARTMENT = (5, 40)  # inclusive
TURNOVER = 0.03  # share of positions with a new person at each wave
PARTIAL_RATE = 0.02
DUPLICATE_RATE = 0.005
PREVIEW_RATE = 0.0005
BAD_ROW_RATE = 0.0001
NO_ANSWER_RATE = 0.01
BLANK_RATE = 0.01
COMMENT_RATE = 0.15
CHUNK = 100_000

#: (construct, number of items, statement stem); the first four are Tandem's defaults.
CONSTRUCTS: tuple[tuple[str, int], ...] = (
    ("trust", 8), ("empowerment", 8), ("clarity", 8), ("accountability", 8),
    ("recognition", 7), ("growth", 7), ("wellbeing", 7), ("collaboration", 7),
)
LABELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
MATRIX_QUESTION = "How much do you agree with each statement?"
ENPS_QUESTION = "How likely are you to recommend this company as a place to work?"
COMMENT_QUESTION = "What one thing would most improve how your team is led?"
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
COMMENTS = np.array([
    "More time for focused work, fewer status meetings.",
    "Clearer priorities at the start of each quarter.",
    "Our manager listens, but decisions take too long.",
    "Recognition is rare, even when the team delivers.",
    "Tooling is slow and nobody owns fixing it.",
    "Please share the reasons behind reorganisations earlier.",
    "I would like a real career conversation, not a form.",
    "Workload spikes every month-end; plan for them.",
    "Great team, we help each other without being asked.",
    "Cross-team handovers lose information, every time.",
    "Stop changing the roadmap mid-sprint.",
    "Training budget exists on paper only.",
    "Our one-to-ones get cancelled too often.",
    "Meetings at 8pm for other time zones are wearing people down.",
    "Honest feedback, even when it is uncomfortable, would help.",
    "Nothing to add",
])
_ALPHABET = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
META = (  # (column id, question text, ImportId) of the Qualtrics metadata columns
    ("StartDate", "Start Date", "startDate"), ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"), ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"), ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"), ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("LocationLatitude", "Location Latitude", "locationLatitude"),
    ("LocationLongitude", "Location Longitude", "locationLongitude"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
    ("team", "team", "team"),
)


@dataclass(frozen=True)
class ItemSpec:
    item_id: str
    construct: str
    reverse: bool
    column: str  # Qualtrics column id
    import_id: str
    text: str


def item_specs(n_items: int = 60) -> list[ItemSpec]:
    """`n_items` items spread over the 8 constructs (60 by default: 4 x 8 + 4 x 7)."""
    counts = np.array([c for _, c in CONSTRUCTS], dtype=float)
    counts = np.maximum(2, np.floor(counts / counts.sum() * n_items)).astype(int)
    while counts.sum() < n_items:
        counts[int(np.argmin(counts))] += 1
    while counts.sum() > n_items:
        counts[int(np.argmax(counts))] -= 1
    specs = []
    for q, ((construct, _), n) in enumerate(zip(CONSTRUCTS, counts, strict=True), start=1):
        prefix = {"clarity": "C", "collaboration": "CO", "trust": "T", "empowerment": "E",
                  "accountability": "A", "recognition": "R", "growth": "G",
                  "wellbeing": "W"}[construct]
        for j in range(1, n + 1):
            reverse = bool(j == n)  # the last item of each construct is reverse-keyed
            item_id = f"{prefix}{j}" + ("R" if reverse else "")
            statement = (f"({construct}, statement {j}) "
                         + ("this is often a problem here." if reverse else "this works well here."))
            specs.append(ItemSpec(item_id, construct, reverse, f"Q{q}_{j}", f"QID{q}_{j}",
                                  statement))
    return specs


def wave_ids(n_waves: int, start: dt.date = dt.date(2024, 3, 1)) -> list[str]:
    """Quarterly waves: 2024-03, 2024-06, ..."""
    out = []
    for w in range(n_waves):
        month = start.month - 1 + 3 * w
        out.append(f"{start.year + month // 12}-{month % 12 + 1:02d}")
    return out


def wave_period(wave_id: str) -> tuple[dt.date, dt.date]:
    year, month = map(int, wave_id.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, 21)


def codebook(specs: list[ItemSpec], waves: list[str]) -> dict:
    items = [{"id": s.item_id, "construct": s.construct, "reverse": s.reverse, "text": s.text,
              "column": {"id": s.column}} for s in specs]
    enps_q = len(CONSTRUCTS) + 1
    items.append({"id": "ENPS", "role": "enps", "text": ENPS_QUESTION,
                  "scale": {"min": 0, "max": 10}, "column": {"id": f"Q{enps_q}"}})
    items.append({"id": "COMMENT", "role": "comment", "text": COMMENT_QUESTION,
                  "column": {"id": f"Q{enps_q + 1}_TEXT"}})
    return {
        "survey_id": SURVEY,
        "title": "Benchmark engagement survey (Qualtrics, numeric values)",
        "scale": {"min": 1, "max": 5, "labels": LABELS,
                  "no_answer": ["No basis for evaluation", "-1", "N/A"]},
        "respondent": {
            "id": {"id": "ExternalReference"}, "email": {"id": "RecipientEmail"},
            "team": {"id": "team"}, "timestamp": {"id": "EndDate"}, "status": {"id": "Status"},
            "progress": {"id": "Progress"}, "finished": {"id": "Finished"},
        },
        "team_join": "column",
        "exclude": {"status_values": ["Survey Preview", "Spam", "Test", "1", "8"],
                    "min_progress": 100},
        "waves": {w: {"period_start": wave_period(w)[0], "close_date": wave_period(w)[1]}
                  for w in waves},
        "items": items,
    }


# --- the organisation ------------------------------------------------------------------


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


def _emp_ids(numbers: np.ndarray) -> list[str]:
    return [f"E{x:08d}" for x in numbers.tolist()]


def _names(numbers: np.ndarray) -> tuple[list[str], list[str]]:
    nf, nl = len(FIRST), len(LAST)
    first = FIRST.tolist()
    last = LAST.tolist()
    # a suffix keeps names distinct enough to look like a real roster
    return ([first[x % nf] for x in numbers.tolist()],
            [f"{last[(x // nf) % nl]}-{x // (nf * nl)}" for x in numbers.tolist()])


def _emails(numbers: np.ndarray) -> list[str]:
    return [f"e{x}@example.com" for x in numbers.tolist()]


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_rows(fh, columns: list) -> None:
    """Write equal-length columns of ready-made CSV fields as rows."""
    fh.write("\n".join(map(",".join, zip(*columns, strict=True))))
    fh.write("\n")


def write_roster(org: Org, path: Path) -> int:
    numbers = org.person_id
    first, last = _names(numbers)
    dept = org.dept_of_team[org.team_of]
    lead = org.lead_of_team[org.team_of]
    # members report to their team lead; a lead reports to the department's first lead;
    # department heads report to position 0 (the CEO), who reports to no one
    dept_head = org.lead_of_team[np.searchsorted(org.dept_of_team, np.arange(len(org.dept_names)))]
    positions = np.arange(org.headcount)
    manager = np.where(positions == lead, dept_head[dept], lead)
    manager = np.where(manager == positions, 0, manager)
    manager_ids = _emp_ids(numbers[manager])
    manager_ids[0] = ""  # position 0 (the CEO) has no manager
    names = [f"{f} {last}" for f, last in zip(first, last, strict=True)]
    team = org.team_names[org.team_of].tolist()
    dept_names = org.dept_names[dept].tolist()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("employee_id,full_name,email,team,manager_id,department,tenure_band,location\n")
        _write_rows(fh, [_emp_ids(numbers), names, _emails(numbers), team, manager_ids,
                         dept_names, TENURE[org.tenure].tolist(),
                         LOCATIONS[org.location].tolist()])
    return org.headcount


# --- one wave's export -----------------------------------------------------------------


def _response_ids(rng: np.random.Generator, n: int) -> list[str]:
    chars = _ALPHABET[rng.integers(0, len(_ALPHABET), size=(n, 15))]
    return ["R_" + x for x in chars.view("<U15").ravel().tolist()]


def _stamp(seconds: np.ndarray) -> list[str]:
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")  # ...THH:MM:SS
    chars = np.ascontiguousarray(text).view("<U1").reshape(len(text), -1).copy()
    chars[:, 10] = " "
    return chars.view(f"<U{chars.shape[1]}").ravel().tolist()


def _strs(values: np.ndarray) -> list[str]:
    return list(map(str, values.tolist()))


def header_lines(specs: list[ItemSpec]) -> str:
    enps_q = len(CONSTRUCTS) + 1
    cols = list(META)
    cols += [(s.column, f"{MATRIX_QUESTION} - {s.text}", s.import_id) for s in specs]
    cols += [(f"Q{enps_q}", ENPS_QUESTION, f"QID{enps_q}"),
             (f"Q{enps_q + 1}_TEXT", COMMENT_QUESTION, f"QID{enps_q + 1}_TEXT")]
    buf = io.StringIO()
    pd.DataFrame([[c[0] for c in cols], [c[1] for c in cols],
                  [f'{{"ImportId":"{c[2]}"}}' for c in cols]]).to_csv(
        buf, index=False, header=False, lineterminator="\n")
    return buf.getvalue()


@dataclass
class WaveStats:
    wave_id: str
    rows: int = 0
    complete: int = 0
    bytes: int = 0


def write_wave(rng: np.random.Generator, org: Org, specs: list[ItemSpec], wave_id: str,
               respondents: int, path: Path) -> WaveStats:
    """One Qualtrics numeric export: `respondents` complete responses plus the mess."""
    stats = WaveStats(wave_id)
    h = org.headcount
    respondents = min(respondents, h)
    order = rng.permutation(h)
    responding = order[:respondents]
    silent = order[respondents:]
    n_partial = min(len(silent), int(round(respondents * PARTIAL_RATE)))
    n_dup = int(round(respondents * DUPLICATE_RATE))
    n_prev = max(1, int(round(respondents * PREVIEW_RATE)))
    # rows: complete responses, partials (people who did not finish), earlier duplicate
    # submissions of some respondents, previews (no person)
    dup_of = rng.choice(respondents, size=n_dup, replace=False)  # index into responding
    position = np.concatenate([responding, silent[:n_partial], responding[dup_of],
                               np.full(n_prev, -1)])
    kind = np.repeat(np.array([0, 1, 2, 3], dtype=np.int8),
                     [respondents, n_partial, n_dup, n_prev])
    n = len(position)
    start, close = wave_period(wave_id)
    t0 = np.datetime64(start, "s").astype(np.int64)
    span = (np.datetime64(close, "s") - np.datetime64(start, "s")).astype(np.int64) + 86_399
    end = t0 + rng.integers(2, span, size=n)
    dup = kind == 2  # an earlier submission: strictly before the kept one
    kept_end = end[dup_of]
    end[dup] = t0 + ((kept_end - t0 - 1) * rng.random(n_dup)).astype(np.int64)
    duration = rng.integers(90, 1_500, size=n)
    sort = np.argsort(end, kind="stable")  # Qualtrics lists responses by recorded date
    position, kind, end, duration = position[sort], kind[sort], end[sort], duration[sort]

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header_lines(specs))
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            _write_rows(fh, _wave_chunk(rng, org, specs, position[lo:hi], kind[lo:hi],
                                        end[lo:hi], duration[lo:hi]))
    stats.rows = n
    stats.complete = respondents
    stats.bytes = path.stat().st_size
    return stats


def _wave_chunk(rng, org: Org, specs: list[ItemSpec], position, kind, end, duration) -> list:
    """The CSV fields of some rows, as columns of strings."""
    n = len(position)
    person = position >= 0
    pos = np.where(person, position, 0)
    numbers = org.person_id[pos]
    first, last = _names(numbers)
    emails = _emails(numbers)
    ext = _emp_ids(numbers)
    team = org.team_names[org.team_of[pos]].tolist()
    for i in np.flatnonzero(~person).tolist():  # previews carry no person
        first[i] = last[i] = emails[i] = ext[i] = team[i] = ""
    loc = org.location[pos]
    lat = np.round(OFFICES[loc, 0] + rng.normal(0, 0.05, size=n), 4)
    lon = np.round(OFFICES[loc, 1] + rng.normal(0, 0.05, size=n), 4)
    octets = rng.integers(1, 255, size=(n, 3)).tolist()
    ip = [f"{a}.{b}.1.{c}" for a, b, c in octets]
    partial = kind == 1
    progress = np.where(partial, rng.integers(5, 96, size=n), 100)

    # answers: construct mean + team effect + person effect + item noise, on 1..5
    construct_of = np.array([[c for c, _ in CONSTRUCTS].index(s.construct) for s in specs])
    reverse = np.array([s.reverse for s in specs])
    team_fx = org.team_effect[org.team_of[pos]][:, construct_of]  # n x items
    person_fx = rng.normal(0, 0.55, size=(n, 1))
    latent = 3.55 + team_fx + person_fx + rng.normal(0, 0.75, size=(n, len(specs)))
    codes = np.clip(np.rint(latent), 1, 5).astype(np.int8)
    codes = np.where(reverse, 6 - codes, codes)
    u = rng.random((n, len(specs)), dtype=np.float32)
    codes[u < NO_ANSWER_RATE] = 8  # "no answer" code -1
    codes[(u >= NO_ANSWER_RATE) & (u < NO_ANSWER_RATE + BLANK_RATE)] = 0  # blank
    answered = np.where(partial, (progress / 100 * len(specs)).astype(int), len(specs))
    codes[np.arange(len(specs))[None, :] >= answered[:, None]] = 0  # partials stop early
    bad = np.flatnonzero(rng.random(n) < BAD_ROW_RATE)
    codes[bad, rng.integers(0, len(specs), size=len(bad))] = 7  # off the 1-5 scale
    table = ["", "1", "2", "3", "4", "5", "", "7", "-1"]
    answers = list(map(",".join, np.array(table, dtype=object)[codes].tolist()))

    enps = np.clip(np.rint(7 + 2 * person_fx[:, 0] + rng.normal(0, 1.5, size=n)), 0, 10)
    enps_text = [str(int(x)) for x in enps.tolist()]
    comments = [_csv_field(c) for c in COMMENTS.tolist()]
    pick = rng.integers(0, len(comments), size=n).tolist()
    says = ((rng.random(n) < COMMENT_RATE) & ~partial).tolist()
    comment = [comments[p] if w else "" for p, w in zip(pick, says, strict=True)]
    for i in np.flatnonzero(answered < len(specs)).tolist():
        enps_text[i] = ""

    stamp_end = _stamp(end)
    return [
        _stamp(end - duration), stamp_end, _strs(np.where(kind == 3, 1, 0)), ip,
        _strs(progress), _strs(duration), _strs(np.where(partial, 0, 1)), stamp_end,
        _response_ids(rng, n), last, first, emails, ext, _strs(lat), _strs(lon),
        np.where(kind == 3, "preview", "email").tolist(), ["EN"] * n, team,
        answers, enps_text, comment,
    ]


def generate(home: Path, respondents: int, n_items: int = 60, n_waves: int = 4,
             extra_waves: int = 1, seed: int = 7) -> dict:
    """Write the workspace's raw data: `n_waves` waves now, `extra_waves` more declared in the
    codebook but written later by `write_extra_wave` (for the incremental measurement)."""
    rng = np.random.default_rng(seed)
    raw = home / "data" / "raw"
    specs = item_specs(n_items)
    waves = wave_ids(n_waves + extra_waves)
    cb = raw / "surveys" / SURVEY / "codebook.yaml"
    cb.parent.mkdir(parents=True, exist_ok=True)
    cb.write_text(yaml.safe_dump(codebook(specs, waves), sort_keys=False, width=1000),
                  encoding="utf-8")
    org = build_org(rng, respondents)
    summary = {"headcount": org.headcount, "teams": len(org.team_names),
               "departments": len(org.dept_names), "items": len(specs),
               "constructs": len(CONSTRUCTS), "waves": {}, "pending_waves": waves[n_waves:]}
    for i, w in enumerate(waves[:n_waves]):
        if i:
            turnover(rng, org)
        write_roster(org, raw / "roster" / f"{w}.csv")
        stats = write_wave(rng, org, specs, w, respondents, export_path(home, w))
        summary["waves"][w] = {"rows": stats.rows, "complete": stats.complete,
                               "bytes": stats.bytes}
    summary["_org"] = org  # kept in memory for write_extra_wave
    summary["_rng"] = rng
    summary["_specs"] = specs
    return summary


def write_extra_wave(home: Path, summary: dict, respondents: int) -> dict:
    """Add the next declared wave (its roster and its export) to the workspace."""
    wave = summary["pending_waves"].pop(0)
    org, rng, specs = summary["_org"], summary["_rng"], summary["_specs"]
    turnover(rng, org)
    raw = home / "data" / "raw"
    write_roster(org, raw / "roster" / f"{wave}.csv")
    stats = write_wave(rng, org, specs, wave, respondents, export_path(home, wave))
    summary["waves"][wave] = {"rows": stats.rows, "complete": stats.complete,
                              "bytes": stats.bytes}
    return {"wave": wave, "rows": stats.rows, "bytes": stats.bytes}


def export_path(home: Path, wave: str) -> Path:
    return home / "data" / "raw" / "surveys" / SURVEY / wave / f"{SURVEY}_{wave}.csv"


def construct_columns(specs: list[ItemSpec]) -> dict[str, list[tuple[str, bool]]]:
    """construct -> [(Qualtrics column id, reverse)], for the DuckDB floor query."""
    out: dict[str, list[tuple[str, bool]]] = {}
    for s in specs:
        out.setdefault(s.construct, []).append((s.column, s.reverse))
    return out


def export_columns(specs: list[ItemSpec]) -> list[str]:
    enps_q = len(CONSTRUCTS) + 1
    return [c[0] for c in META] + [s.column for s in specs] + [f"Q{enps_q}", f"Q{enps_q + 1}_TEXT"]
