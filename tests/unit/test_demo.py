"""The demo generator: determinism, file shapes, and that the planted truth is recoverable.

The recovery checks score the generated files directly (csv + numpy, independent
of the pipeline): reverse keying, respondent construct scores, team means, and
the one-way ANOVA ICC(1) of Bliese (2000).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.stats import spearmanr

from pipelines.domain.demo import generate_demo
from pipelines.domain.demo.codebooks import ITEM_BANK, LABELS, NO_BASIS_LABEL

REPO = Path(__file__).resolve().parents[2]
CONSTRUCTS = ("trust", "empowerment", "clarity", "accountability")
QUALTRICS_IDS = (
    (
        "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,"
        "ResponseId,RecipientLastName,RecipientFirstName,RecipientEmail,ExternalReference,"
        "LocationLatitude,LocationLongitude,DistributionChannel,UserLanguage,team"
    ).split(",")
    + [f"Q1_{i}" for i in range(1, 17)]
    + ["Q2", "Q3"]
)
LABEL_CODE = {label.casefold(): i + 1 for i, label in enumerate(LABELS)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict, dict]:
    home = tmp_path_factory.mktemp("demo")
    summary = generate_demo(home)
    planted = json.loads((home / "data/demo_truth/planted.json").read_text(encoding="utf-8"))
    return home, summary, planted


def _records(path: Path, header_rows: int) -> tuple[list[list[str]], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[:header_rows], rows[header_rows:]


def _code(token: str) -> float | None:
    """Answer token -> 1..5, NaN for no answer, None for a token that is not on the scale."""
    token = token.strip()
    if token in ("", "-1") or token.casefold() == NO_BASIS_LABEL.casefold():
        return np.nan
    if token.casefold() in LABEL_CODE:
        return float(LABEL_CODE[token.casefold()])
    if token.isdigit() and 1 <= int(token) <= 5:
        return float(token)
    return None


def _valid_responses(home: Path, planted: dict, wave_id: str) -> dict:
    """Score one wave from its file: what a careful analyst would keep, counted by reason."""
    info = planted["waves"][wave_id]
    qualtrics = info["format"] == "qualtrics"
    _, records = _records(home / info["file"], 3 if qualtrics else 1)
    period = date.fromisoformat(info["period_start"]), date.fromisoformat(info["close_date"])
    roster = {}
    with (home / f"data/raw/roster/{wave_id}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            roster[row["email"]] = row["team"]
    counts = dict.fromkeys(("previews", "partials", "duplicates", "bad_rows"), 0)
    latest: dict[str, tuple[datetime, str, list]] = {}
    for rec in records:
        if qualtrics:
            status, progress, finished = rec[2], int(rec[4]), rec[6]
            if status in ("1", "Survey Preview"):
                counts["previews"] += 1
                continue
            if progress < 100 or finished in ("0", "False"):
                counts["partials"] += 1
                continue
            when = datetime.strptime(rec[1], "%Y-%m-%d %H:%M:%S")
            email, team, tokens = rec[11], rec[17], rec[18:34]
        else:
            stamp = rec[0].removesuffix(" GMT")
            when = datetime.strptime(stamp.upper(), "%Y/%m/%d %I:%M:%S %p")
            email, tokens = rec[1], rec[2:18]
            team = roster[email]
        answers = [_code(t) for t in tokens]
        if any(a is None for a in answers) or not period[0] <= when.date() <= period[1]:
            counts["bad_rows"] += 1
            continue
        if email in latest:
            counts["duplicates"] += 1
            if latest[email][0] > when:
                continue
        latest[email] = (when, team, answers)
    teams = [v[1] for v in latest.values()]
    answers = np.array([v[2] for v in latest.values()], dtype=float)
    return {"counts": counts, "teams": np.array(teams), "answers": answers}


def _construct_scores(answers: np.ndarray) -> np.ndarray:
    """(n, 4) respondent construct scores: reverse keyed, mean of answered, >= half answered."""
    keyed = answers.copy()
    for j, (_, _, reverse, _) in enumerate(ITEM_BANK):
        if reverse:
            keyed[:, j] = 6 - keyed[:, j]
    blocks = keyed.reshape(len(keyed), 4, 4)
    answered = (~np.isnan(blocks)).sum(axis=2)
    with np.errstate(invalid="ignore"):
        scores = np.nanmean(blocks, axis=2)
    return np.where(answered >= 2, scores, np.nan)


def _icc1(scores: np.ndarray, teams: np.ndarray) -> float:
    """Bliese's ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW), k = N / J (multilevel::ICC1)."""
    keep = ~np.isnan(scores)
    scores, teams = scores[keep], teams[keep]
    labels, group = np.unique(teams, return_inverse=True)
    n, j = len(scores), len(labels)
    sizes = np.bincount(group)
    means = np.bincount(group, weights=scores) / sizes
    msb = (sizes * (means - scores.mean()) ** 2).sum() / (j - 1)
    msw = ((scores - means[group]) ** 2).sum() / (n - j)
    k = n / j
    return float((msb - msw) / (msb + (k - 1) * msw))


def _planted_scores(home: Path) -> dict[tuple[str, str, str], float]:
    path = home / "data/demo_truth/planted_team_scores.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            (r["wave_id"], r["team"], r["construct"]): float(r["planted_score_0_100"])
            for r in csv.DictReader(handle)
        }


def test_same_seed_gives_identical_bytes(tmp_path: Path, demo) -> None:
    home, summary, _ = demo
    again = generate_demo(tmp_path / "again")
    assert again["files"] == summary["files"]
    for relative in summary["files"]:
        assert (tmp_path / "again" / relative).read_bytes() == (home / relative).read_bytes(), (
            relative
        )


def test_workspace_layout(demo) -> None:
    home, summary, _ = demo
    expected = {
        "data/raw/roster/2025-11.csv",
        "data/raw/roster/2026-05.csv",
        "data/raw/roster/2026-11.csv",
        "data/raw/lineage.csv",
        "data/raw/surveys/engagement/codebook.yaml",
        "data/raw/surveys/pulse/codebook.yaml",
        "data/raw/surveys/engagement/2025-11/engagement_2025-11.csv",
        "data/raw/surveys/engagement/2026-05/engagement_2026-05.csv",
        "data/raw/surveys/pulse/2026-11/pulse_responses.csv",
        "data/demo_truth/planted_team_scores.csv",
        "data/demo_truth/planted.json",
    }
    assert set(summary["files"]) == expected
    assert all((home / f).is_file() for f in expected)
    assert 35 <= summary["teams"]["2025-11"] <= 45
    assert 600 <= summary["employees"]["2025-11"] <= 800


def test_qualtrics_files_have_three_header_rows(demo) -> None:
    home, _, planted = demo
    raw = {}
    for wave_id in ("2025-11", "2026-05"):
        path = home / planted["waves"][wave_id]["file"]
        raw[wave_id] = path.read_bytes()
        header, records = _records(path, 3)
        assert header[0] == QUALTRICS_IDS
        assert header[1][18].startswith("How much do you agree with each statement? - ")
        assert header[2][0] == '{"ImportId":"startDate"}'
        assert header[2][18] == '{"ImportId":"QID1_1"}'
        assert all(len(r) == len(QUALTRICS_IDS) for r in records)
    assert raw["2025-11"].startswith(b"\xef\xbb\xbf") and b"\r\n" in raw["2025-11"]
    assert not raw["2026-05"].startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw["2026-05"]
    _, text_records = _records(home / planted["waves"]["2025-11"]["file"], 3)
    assert any(r[18] == "Strongly agree" for r in text_records)
    _, code_records = _records(home / planted["waves"]["2026-05"]["file"], 3)
    assert {r[18] for r in code_records} <= {"1", "2", "3", "4", "5", "", "-1", "7", "abc"}


def test_google_forms_file(demo) -> None:
    home, _, planted = demo
    header, records = _records(home / planted["waves"]["2026-11"]["file"], 1)
    assert header[0][:2] == ["Timestamp", "Email Address"]
    assert header[0][2] == f"How much do you agree with each statement? [{ITEM_BANK[0][3]}]"
    assert len(header[0]) == 20 and all(len(r) == 20 for r in records)


def test_reorganisation_lineage(demo) -> None:
    home, _, _ = demo
    with (home / "data/raw/lineage.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sources: dict[str, set[str]] = {}
    targets: dict[str, set[str]] = {}
    for r in rows:
        assert r["wave"] == "2026-05"
        sources.setdefault(r["from_team"], set()).add(r["to_team"])
        targets.setdefault(r["to_team"], set()).add(r["from_team"])
    assert any(len(v) == 2 for v in sources.values())  # a split
    assert any(len(v) == 2 for v in targets.values())  # a merge
    assert any(len(sources[next(iter(v))]) == 1 and len(v) == 1 for v in targets.values())  # rename


@pytest.mark.parametrize("wave_id", ["2025-11", "2026-05", "2026-11"])
def test_counts_in_planted_json_match_the_files(demo, wave_id: str) -> None:
    home, summary, planted = demo
    info = planted["waves"][wave_id]
    scored = _valid_responses(home, planted, wave_id)
    for reason, count in scored["counts"].items():
        assert count == info[reason], reason
    assert len(scored["teams"]) == info["respondents"] == summary["respondents"][wave_id]
    by_team = dict(zip(*np.unique(scored["teams"], return_counts=True), strict=True))
    assert {t: int(n) for t, n in by_team.items()} == {
        t: n for t, n in info["respondents_by_team"].items() if n
    }
    listed = [r for r in planted["bad_rows"] if r["wave_id"] == wave_id]
    assert len(listed) == info["bad_rows"]
    assert 0.75 <= info["respondents"] / info["roster_headcount"] <= 0.85


def test_mess_is_within_the_brief(demo) -> None:
    _, _, planted = demo
    assert len(planted["bad_rows"]) <= 6
    waves = planted["waves"]
    assert all(3 <= waves[w]["previews"] <= 5 for w in ("2025-11", "2026-05"))
    assert all(waves[w]["partials"] >= 8 for w in ("2025-11", "2026-05"))
    texts = " ".join(c["text"] for c in planted["special_comments"])
    for needle in ("@example.com", "7700 900123", "<script>alert(1)</script>", "=HYPERLINK("):
        assert needle in texts


@pytest.mark.parametrize("wave_id", ["2025-11", "2026-05", "2026-11"])
def test_team_sizes(demo, wave_id: str) -> None:
    _, _, planted = demo
    sizes = planted["waves"][wave_id]["respondents_by_team"].values()
    assert sum(1 for n in sizes if n < 5) >= 3
    assert sum(1 for n in sizes if n >= 10) >= 30


def test_planted_icc_is_about_015(demo) -> None:
    _, _, planted = demo
    assert all(0.10 <= v <= 0.20 for v in planted["icc1"].values())


@pytest.mark.parametrize("wave_id", ["2025-11", "2026-05", "2026-11"])
def test_planted_truth_is_recovered_from_the_answers(demo, wave_id: str) -> None:
    home, _, planted = demo
    scored = _valid_responses(home, planted, wave_id)
    scores = _construct_scores(scored["answers"])
    truth = _planted_scores(home)
    teams = scored["teams"]
    for c, construct in enumerate(CONSTRUCTS):
        measured, expected = [], []
        for team in np.unique(teams):
            values = scores[teams == team, c]
            values = values[~np.isnan(values)]
            if len(values) >= 10:
                measured.append((values.mean() - 1) / 4 * 100)
                expected.append(truth[(wave_id, str(team), construct)])
        assert spearmanr(measured, expected).statistic >= 0.8, construct
        icc = _icc1(scores[:, c], teams)
        assert abs(icc - planted["icc1_by_wave"][wave_id][construct]) <= 0.05, construct


def test_planted_changes(demo) -> None:
    home, _, planted = demo
    truth = _planted_scores(home)
    changes = {(c["team"], c["construct"]): c for c in planted["changes"]}
    drop = changes[("Enterprise Sales", "clarity")]
    rise = changes[("Payments", "trust")]
    assert drop["delta"] <= -10 and rise["delta"] >= 10
    for change in (drop, rise):
        before = truth[(change["from_wave"], change["team"], change["construct"])]
        after = truth[(change["to_wave"], change["team"], change["construct"])]
        assert after - before == pytest.approx(change["delta"], abs=0.01)


def test_codebooks_match_the_schema_and_the_item_bank(demo) -> None:
    home, _, _ = demo
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = REPO / "docs" / "codebook.schema.json"
    if not schema_path.exists():
        pytest.skip("no codebook schema yet")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for survey in ("engagement", "pulse"):
        raw = yaml.safe_load((home / f"data/raw/surveys/{survey}/codebook.yaml").read_text())
        plain = json.loads(json.dumps(raw, default=str))
        jsonschema.validate(plain, schema)
        items = {i["id"]: i for i in raw["items"]}
        assert [i for i in items if items[i].get("role", "item") == "item"] == [
            "T1",
            "T2",
            "T3",
            "T4R",
            "E1",
            "E2",
            "E3",
            "E4R",
            "C1",
            "C2",
            "C3",
            "C4R",
            "A1",
            "A2",
            "A3",
            "A4R",
        ]
        likert = [i for i in items.values() if i.get("role", "item") == "item"]
        assert all(i["reverse"] == i["id"].endswith("R") for i in likert)
        assert items["ENPS"]["role"] == "enps" and items["COMMENT"]["role"] == "comment"
        assert isinstance(next(iter(raw["waves"].values()))["period_start"], dt.date)
    engagement = yaml.safe_load((home / "data/raw/surveys/engagement/codebook.yaml").read_text())
    assert engagement["team_join"] == "column"
    assert {"Survey Preview", "1"} <= set(engagement["exclude"]["status_values"])
    assert engagement["exclude"]["min_progress"] == 100


def test_pulse_respondents_join_the_roster_by_email(demo) -> None:
    home, _, _ = demo
    with (home / "data/raw/roster/2026-11.csv").open(encoding="utf-8", newline="") as f:
        emails = {r["email"] for r in csv.DictReader(f)}
    with (home / "data/raw/surveys/pulse/2026-11/pulse_responses.csv").open(
        encoding="utf-8", newline=""
    ) as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["Email Address"] in emails for r in rows)
