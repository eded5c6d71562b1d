"""A run does only what changed, as Dagster's data and code versions say.

One workspace goes through a night's sequence of runs, each planned by `plan_run` (observe
the inputs, ask Dagster what is stale) exactly as `tandem run`, the schedule and the sensor
do, and executed on one Dagster instance. The event log then says what each run
materialized. At the end the marts equal a from-scratch run's (the `demo_run` fixture).
"""

import os
import shutil
from dataclasses import dataclass, field

import dagster as dg
import pytest

from pipelines.defs.freshness import plan_run
from pipelines.defs.resources import TandemWorkspace
from tests.golden import golden
from tests.integration.conftest import load_definitions, new_workspace

LATER_WAVE = "engagement/2026-05"
LABEL = "I can count on my manager to keep their commitments."


@dataclass
class Night:
    planned: list[str]
    materialized: list[str] = field(default_factory=list)
    survey_state: dict = field(default_factory=dict)


def _run(ws, instance, definitions) -> Night:
    plan = plan_run(instance, definitions.resolve_asset_graph(), ws)
    night = Night([k.to_user_string() for k in plan.assets])
    if plan.nothing_to_do:
        return night
    result = dg.materialize(
        [*definitions.assets, *definitions.asset_checks], selection=plan.assets,
        resources={"tandem": TandemWorkspace(home=str(ws.home))}, instance=instance,
    )
    for event in result.get_asset_materialization_events():
        night.materialized.append(event.asset_key.to_user_string())
        if event.asset_key.to_user_string() == "survey_state":
            night.survey_state = {k: v.value for k, v in event.materialization.metadata.items()}
    return night


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("nights"))
    aside = ws.home / "aside"
    shutil.move(ws.surveys_dir / LATER_WAVE, aside)  # the later wave arrives on night 5
    instance, definitions = dg.DagsterInstance.ephemeral(), load_definitions()
    codebook = ws.surveys_dir / "engagement" / "codebook.yaml"
    runs = {"first": _run(ws, instance, definitions)}
    runs["nothing new"] = _run(ws, instance, definitions)
    for export in ws.surveys_dir.rglob("*.csv"):
        os.utime(export, (export.stat().st_atime, export.stat().st_mtime + 3600))
    runs["touched"] = _run(ws, instance, definitions)
    codebook.write_text(codebook.read_text().replace(LABEL, LABEL.replace("their", "the")))
    runs["label renamed"] = _run(ws, instance, definitions)
    codebook.write_text(codebook.read_text().replace(LABEL.replace("their", "the"), LABEL))
    runs["label back"] = _run(ws, instance, definitions)
    shutil.move(aside, ws.surveys_dir / LATER_WAVE)
    runs["new wave"] = _run(ws, instance, definitions)
    runs["after the new wave"] = _run(ws, instance, definitions)
    return ws, runs


def test_the_first_run_materializes_everything(nights):
    _, runs = nights
    assert {"survey_state", "published_marts", "leadership_reports"} <= set(
        runs["first"].materialized)
    assert runs["first"].survey_state["files_parsed"] == 2


def test_a_night_with_nothing_new_runs_nothing(nights):
    _, runs = nights
    for night in ("nothing new", "touched", "after the new wave"):
        assert runs[night].planned == [], f"{night}: {runs[night].planned}"


def test_a_renamed_label_reingests_nothing(nights):
    _, runs = nights
    for night in ("label renamed", "label back"):
        run = runs[night]
        assert run.survey_state["files_parsed"] == 0, night
        assert run.survey_state["files_unchanged"] == 2, night
        # the item's text is in the marts, so they are rebuilt (from the state, in seconds)
        assert "published_marts" in run.materialized


def test_a_new_wave_parses_only_its_own_file(nights):
    _, runs = nights
    run = runs["new wave"]
    assert run.survey_state["files_parsed"] == 1
    assert run.survey_state["files_unchanged"] == 2
    assert {"published_marts", "leadership_reports"} <= set(run.materialized)


def test_the_marts_equal_a_from_scratch_run(nights, demo_run, tmp_path):
    """Same rows and labels; figures equal to full precision (the files loaded in another
    order sum their floating-point values in another order)."""
    ws, _ = nights
    golden.save(demo_run.ws.marts_file, tmp_path)
    assert golden.compare(ws.marts_file, tmp_path) == []
