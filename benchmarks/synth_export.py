"""One wave's Qualtrics "numeric values" export of the benchmark organisation: three header
rows (ids, question texts, ImportIds), the metadata columns, the items, eNPS and a comment,
with the mess that ingest must handle (previews, partials, duplicates, off-scale codes,
"no answer" codes and blanks). Written in chunks of CHUNK rows."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from synth_items import CONSTRUCTS, ItemSpec, wave_period
from synth_org import OFFICES, Org, email_addresses, emp_ids, person_names, write_rows

from pipelines.domain.demo.codebooks import COMMENT_QUESTION, ENPS_QUESTION, MATRIX_QUESTION
from pipelines.domain.demo.exports import QUALTRICS_META

PARTIAL_RATE = 0.02
DUPLICATE_RATE = 0.005
PREVIEW_RATE = 0.0005
BAD_ROW_RATE = 0.0001
NO_ANSWER_RATE = 0.01
BLANK_RATE = 0.01
COMMENT_RATE = 0.15
CHUNK = 100_000
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


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


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
    cols = list(QUALTRICS_META)
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
            write_rows(fh, _wave_chunk(rng, org, specs, position[lo:hi], kind[lo:hi],
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
    first, last = person_names(numbers)
    emails = email_addresses(numbers)
    ext = emp_ids(numbers)
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
