"""The demo generator's pieces: the analytic truth, the organisation, codebooks, scaling."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from pipelines.domain.demo import generate_demo, model
from pipelines.domain.demo.exports import google_timestamp
from pipelines.domain.demo.names import email_local_part
from pipelines.domain.demo.org import WAVES, build_org, tenure_band

REPO = Path(__file__).resolve().parents[2]


def test_analytic_truth_matches_a_large_simulation() -> None:
    """The planted team scores and ICC(1) (quadrature) agree with 12,000 simulated respondents."""
    rng = np.random.default_rng(7)
    teams, per_team, mu = 30, 400, 0.4
    z = model.spread_evenly(rng.standard_normal((teams, 1)))[:, 0]
    sigma_b = model.solve_sigma_b(mu, z, np.full(teams, 20.0), 0.15)
    latent = mu + sigma_b * z
    group = np.repeat(np.arange(teams), per_team)
    answers, _ = model.simulate_answers(rng, np.repeat(latent, per_team)[:, None] * np.ones(4))
    first = answers[:, :4].astype(float)
    first[:, 3] = 6 - first[:, 3]  # the fourth item of each construct is reverse-keyed
    scores = first.mean(axis=1)
    means = np.bincount(group, weights=scores) / per_team
    expected = model.team_moments(latent)[0]
    assert np.abs(model.to_points(means) - model.to_points(expected)).max() < 2.5
    msb = per_team * ((means - scores.mean()) ** 2).sum() / (teams - 1)
    msw = ((scores - means[group]) ** 2).sum() / (len(scores) - teams)
    simulated = (msb - msw) / (msb + (per_team - 1) * msw)
    planted = model.planted_icc(latent, np.full(teams, float(per_team)))
    assert planted == pytest.approx(0.15, abs=1e-6)
    assert simulated == pytest.approx(planted, abs=0.02)


def test_spread_evenly_keeps_the_order() -> None:
    z = np.array([[0.3, 5.0], [-2.0, 1.0], [1.1, -3.0]])
    even = model.spread_evenly(z)
    assert (np.argsort(even, axis=0) == np.argsort(z, axis=0)).all()
    assert np.allclose(even.mean(axis=0), 0) and np.allclose(even.std(axis=0, ddof=1), 1)


def test_latent_for_score_inverts_the_expected_score() -> None:
    x = model.latent_for_score(55.0)
    assert float(model.to_points(model.team_moments(np.array(x))[0])) == pytest.approx(55.0)


def test_small_helpers() -> None:
    assert email_local_part("Zoë", "O'Brien") == "zoe.obrien"
    assert email_local_part("Søren", "Ólafsdóttir") == "soren.olafsdottir"
    close = dt.date(2026, 5, 22)
    assert tenure_band(dt.date(2025, 9, 1), close) == "<1y"
    assert tenure_band(dt.date(2023, 5, 1), close) == "3-5y"
    assert tenure_band(dt.date(2015, 1, 1), close) == "5y+"
    assert google_timestamp(dt.datetime(2026, 11, 5, 21, 4, 3)) == "2026/11/05 9:04:03 pm GMT"


def test_organisation_hierarchy_turnover_and_reorganisation() -> None:
    org = build_org(np.random.default_rng(11))
    ids = {w.wave_id: set(org.members[w.wave_id]) for w in WAVES}
    first, second, third = (w.wave_id for w in WAVES)
    assert ids[first] - ids[second] and ids[second] - ids[first]  # leavers and joiners
    assert ids[second] - ids[third]
    for wave in WAVES:
        rows = org.roster_rows(wave.wave_id)
        by_id = {r["employee_id"]: r for r in rows}
        assert len(by_id) == len(rows) and len({r["email"] for r in rows}) == len(rows)
        assert sum(1 for r in rows if r["manager_id"] == "") == 1  # the CEO
        for r in rows:
            boss = r["manager_id"]
            seen = set()
            while boss:  # every chain reaches the CEO without a cycle
                assert boss in by_id and boss not in seen
                seen.add(boss)
                boss = by_id[boss]["manager_id"]
        for team, info in org.teams[wave.wave_id].items():
            assert by_id[info["manager_id"]]["team"] == team
    teams_before, teams_after = set(org.teams[first]), set(org.teams[second])
    assert {"Platform", "SMB Sales East", "SMB Sales West", "Support Tier 2"} <= teams_before
    assert {
        "Platform Core",
        "Platform Reliability",
        "SMB Sales",
        "Technical Support",
    } <= teams_after
    assert not {"Platform", "SMB Sales East", "Support Tier 2"} & teams_after
    assert {(a, b) for a, b, _ in org.lineage} >= {
        ("Platform", "Platform Core"),
        ("SMB Sales West", "SMB Sales"),
    }


def test_scale_multiplies_teams_and_people(tmp_path: Path) -> None:
    summary = generate_demo(tmp_path, scale=2.0)
    assert summary["teams"]["2025-11"] == 80
    assert 1200 <= summary["employees"]["2025-11"] <= 1700
    planted = json.loads((tmp_path / "data/demo_truth/planted.json").read_text(encoding="utf-8"))
    assert all(0.10 <= v <= 0.20 for v in planted["icc1"].values())
    with pytest.raises(ValueError):
        generate_demo(tmp_path / "x", scale=0)
