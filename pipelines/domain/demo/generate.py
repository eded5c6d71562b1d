"""``generate_demo``: write a complete demo workspace with known, planted answers."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import numpy as np

from pipelines.domain.demo import model
from pipelines.domain.demo.check import CHANGE_TOL, ICC_TOL, MAX_DRAWS, MIN_TEAM, RHO_MIN, assess
from pipelines.domain.demo.codebooks import ITEM_BANK, write_codebook
from pipelines.domain.demo.exports import Written, write_google_forms, write_qualtrics
from pipelines.domain.demo.org import ROSTER_COLUMNS, WAVES, Org, build_org
from pipelines.domain.demo.responses import (
    Response,
    add_bad_rows,
    add_duplicates,
    add_partials,
    add_previews,
    add_special_comments,
    simulate_wave,
    team_themes,
)
from pipelines.domain.demo.truth import (
    CONSTRUCTS,
    Truth,
    participation_rates,
    plant,
    planted_icc_by_construct,
    set_realised_icc,
)

# Per wave: previews, partials, duplicate submissions, bad rows and comments to mask or escape.
MESS: dict[str, dict] = {
    "2025-11": {
        "previews": 4,
        "partials": 10,
        "duplicates": 3,
        "faults": [
            ("value", (2, "Agree strongly", "unknown label 'Agree strongly' (not on the scale)")),
            ("timestamp", 12),
        ],
        "comments": [
            "Please follow up with me directly at {own_email} - I have more to say about this.",
            "Happy to talk it through, call me on +44 7700 900123 any afternoon.",
            "{name} keeps cutting people off in stand-ups, and nobody says anything.",
            "<script>alert(1)</script> just checking whether this form is safe",
        ],
    },
    "2026-05": {
        "previews": 3,
        "partials": 9,
        "duplicates": 3,
        "faults": [
            ("value", (6, "7", "code 7 is outside the 1-5 scale")),
            ("value", (9, "abc", "non-numeric code 'abc'")),
        ],
        "comments": [
            '=HYPERLINK("http://x","click")',
            "Our onboarding buddy {name} ({email}) was brilliant, please thank them from all of us.",
            "Text me on (512) 555-0147 if anything here needs explaining.",
        ],
    },
    "2026-11": {
        "previews": 0,
        "partials": 0,
        "duplicates": 1,
        "faults": [("timestamp", 9)],
        "comments": [
            "Since {name} took over, the weekly priorities finally make sense.",
            "Reach me at {own_email} or on 020 7946 0321, I'd rather say this in person.",
            "+1 to everything said last time about tooling, nothing has changed",
            "@channel announcements at 11pm need to stop",
        ],
    },
}
RAW = "data/raw/"
FILE_FORMAT = {  # wave -> (relative path, format, as_text, bom, crlf)
    "2025-11": ("surveys/engagement/2025-11/engagement_2025-11.csv", "qualtrics", True, True, True),
    "2026-05": (
        "surveys/engagement/2026-05/engagement_2026-05.csv",
        "qualtrics",
        False,
        False,
        False,
    ),
    "2026-11": ("surveys/pulse/2026-11/pulse_responses.csv", "google_forms", True, False, False),
}


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write(home: Path, relative: str, data: bytes, files: list[str]) -> None:
    """Write ``data`` at ``home / relative`` and note the path (relative to home)."""
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    files.append(relative)


def _wave_responses(
    rng: np.random.Generator, index: int, crng: random.Random, org: Org, truth: Truth, rates, themes
) -> list[Response]:
    wave = WAVES[index]
    mess = MESS[wave.wave_id]
    qualtrics = FILE_FORMAT[wave.wave_id][1] == "qualtrics"
    responses, silent = simulate_wave(
        rng, crng, org, wave, truth, rates[wave.wave_id], themes, allow_no_basis=qualtrics
    )
    add_partials(rng, responses, silent, org, wave, truth, mess["partials"])
    add_previews(rng, responses, wave, mess["previews"])
    add_duplicates(rng, responses, truth, wave, mess["duplicates"])
    add_bad_rows(rng, responses, wave, mess["faults"])
    templates = mess["comments"]
    add_special_comments(rng, responses, org, wave, templates)
    return responses


def _draw_wave(rng, index, crng, org, truth, rates, themes, earlier):
    """Draw a wave's responses until the draw is representative of the planted truth."""
    wid = WAVES[index].wave_id
    best = None
    for draw in range(1, MAX_DRAWS + 1):
        responses = _wave_responses(rng, index, crng, org, truth, rates, themes)
        by_team = dict.fromkeys(org.teams[wid], 0)
        for r in responses:
            if r.kind == "valid":
                by_team[r.team] += 1
        set_realised_icc(truth, wid, by_team)
        assessment = assess(responses, truth, wid, earlier, truth.changes)
        if best is None or assessment.shortfall < best[2].shortfall:
            best = (responses, by_team, assessment, draw)
        if assessment.ok:
            break
    responses, by_team, assessment, _ = best
    set_realised_icc(truth, wid, by_team)
    return responses, by_team, assessment, draw


def _planted_rows(wave_id: str, relative: str, written: list[Written]) -> list[dict]:
    out = []
    where = {id(w.response): w for w in written}
    for w in written:
        for note in w.response.notes:
            entry = {
                "wave_id": wave_id,
                "file": f"data/raw/{relative}",
                "record": w.record,
                "line": w.line,
                "key": w.key,
                **note,
            }
            if "superseded_by" in entry:
                later = where[id(entry.pop("superseded_by"))]
                entry["superseded_by"] = {"record": later.record, "key": later.key}
            if "item_index" in entry:
                index = entry.pop("item_index")
                entry["item"] = ITEM_BANK[index][0]
                entry["column"] = (
                    f"Q1_{index + 1}" if "engagement" in relative else ITEM_BANK[index][3]
                )
            out.append(entry)
    return out


def generate_demo(home: Path, seed: int = 2026, scale: float = 1.0) -> dict:
    """Write the demo workspace into ``home`` (BRIEF §5) and return a summary.

    Deterministic: the same seed and scale give byte-identical files. ``scale``
    multiplies the number of teams (and so employees); 1.0 gives about 40 teams
    and 700 employees. The planted truth goes to ``data/demo_truth/``.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    home = Path(home)
    raw = home / "data" / "raw"
    files: list[str] = []
    rng = np.random.default_rng(seed)  # one stream, drawn from in a fixed order
    crng = random.Random(seed)  # for the comment phrasings
    org = build_org(rng, scale)
    rates = participation_rates(rng, org)
    truth = plant(rng, org, rates)

    for wave in WAVES:
        rows = [[r[c] for c in ROSTER_COLUMNS] for r in org.roster_rows(wave.wave_id)]
        _write(
            home, f"{RAW}roster/{wave.wave_id}.csv", _csv_bytes(list(ROSTER_COLUMNS), rows), files
        )
    _write(
        home,
        f"{RAW}lineage.csv",
        _csv_bytes(["from_team", "to_team", "wave"], [list(x) for x in org.lineage]),
        files,
    )
    for survey in ("engagement", "pulse"):
        files.append(write_codebook(raw, survey).relative_to(home).as_posix())

    planted_rows: list[dict] = []
    waves_info: dict[str, dict] = {}
    comment_themes: dict[str, dict] = {}
    measured: dict[str, dict] = {}
    measured_changes: list[dict] = []
    earlier = None
    for index, wave in enumerate(WAVES):
        wid = wave.wave_id
        themes = team_themes(rng, truth, wid)
        comment_themes[wid] = themes
        responses, by_team, assessment, draws = _draw_wave(
            rng, index, crng, org, truth, rates, themes, earlier
        )
        earlier = assessment.team_means
        measured[wid] = {
            "draws": draws,
            "icc1": assessment.icc1,
            "spearman_vs_planted": assessment.spearman,
        }
        measured_changes += assessment.changes
        relative, fmt, as_text, bom, crlf = FILE_FORMAT[wid]
        if fmt == "qualtrics":
            data, written = write_qualtrics(
                rng, responses, org, as_text=as_text, bom=bom, crlf=crlf
            )
        else:
            data, written = write_google_forms(responses, org)
        _write(home, RAW + relative, data, files)
        planted_rows += _planted_rows(wid, relative, written)
        kinds = [r.kind for r in responses]
        valid = [r for r in responses if r.kind == "valid"]
        waves_info[wid] = {
            "survey": wave.survey,
            "file": f"data/raw/{relative}",
            "format": fmt,
            "answers_as": "text" if as_text else "codes",
            "encoding": "utf-8-sig" if bom else "utf-8",
            "line_endings": "CRLF" if crlf else "LF",
            "period_start": wave.period_start.isoformat(),
            "close_date": wave.close_date.isoformat(),
            "roster_headcount": len(org.members[wid]),
            "teams": len(org.teams[wid]),
            "rows": len(responses),
            "previews": kinds.count("preview"),
            "partials": kinds.count("partial"),
            "duplicates": kinds.count("duplicate"),
            "bad_rows": kinds.count("bad"),
            "respondents": len(valid),
            "comments": sum(1 for r in valid if r.comment),
            "respondents_by_team": by_team,
        }

    score_rows = [
        [wid, team, construct, f"{scores[k]:.3f}"]
        for wid, teams in truth.scores.items()
        for team, scores in teams.items()
        for k, construct in enumerate(CONSTRUCTS)
    ]
    _write(
        home,
        "data/demo_truth/planted_team_scores.csv",
        _csv_bytes(["wave_id", "team", "construct", "planted_score_0_100"], score_rows),
        files,
    )
    planted = {
        "seed": seed,
        "scale": scale,
        "constructs": list(CONSTRUCTS),
        "icc1": planted_icc_by_construct(truth),
        "icc1_by_wave": {w: {c: round(v, 4) for c, v in d.items()} for w, d in truth.icc.items()},
        "target_icc1": model.TARGET_ICC,
        "icc1_definition": "one-way ANOVA ICC(1) of respondent construct scores (mean of the "
        "answered items after reverse keying), as implied by the generating model: item noise "
        "and the 1-5 discretisation included, computed exactly by quadrature",
        "model": {
            "sigma_respondent": model.SIGMA_E,
            "sigma_item": model.SIGMA_N,
            "thresholds": model.THRESHOLDS.tolist(),
            "wave_correlation": model.WAVE_CORR,
            "sigma_team_by_wave": {
                w: [round(float(x), 4) for x in s] for w, s in truth.sigma_b.items()
            },
        },
        "changes": measured_changes or truth.changes,
        "representative_draw": {
            "rule": f"each wave's answers are redrawn (at most {MAX_DRAWS} times) until every "
            f"construct's measured ICC(1) is within {ICC_TOL} of the planted value, the Spearman "
            f"correlation of team means (teams with {MIN_TEAM}+ respondents) with the planted "
            f"scores is at least {RHO_MIN}, and each planted change is measured within "
            f"{CHANGE_TOL} points; otherwise the closest draw is kept",
            "measured": measured,
        },
        "reorganisation": [{"from_team": a, "to_team": b, "wave": w} for a, b, w in org.lineage],
        "comment_themes": comment_themes,
        "waves": waves_info,
        "respondents_rule": "respondents = rows kept after removing previews, partials "
        "(Progress < 100 or not finished), superseded duplicates (the latest submission of a "
        "respondent counts) and the bad rows listed",
        "bad_rows": [r for r in planted_rows if r["type"].startswith("bad_")],
        "excluded_rows": [
            r for r in planted_rows if r["type"] in ("preview", "partial", "duplicate")
        ],
        "special_comments": [r for r in planted_rows if r["type"] == "special_comment"],
    }
    text = json.dumps(planted, indent=2, ensure_ascii=False) + "\n"
    _write(home, "data/demo_truth/planted.json", text.encode("utf-8"), files)
    return {
        "home": str(home),
        "seed": seed,
        "scale": scale,
        "teams": {w.wave_id: len(org.teams[w.wave_id]) for w in WAVES},
        "employees": {w.wave_id: len(org.members[w.wave_id]) for w in WAVES},
        "respondents": {w: info["respondents"] for w, info in waves_info.items()},
        "files": files,
    }
