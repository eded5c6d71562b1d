"""A run does only what changed, as Dagster's data and code versions say.

One workspace goes through a sequence of nights, each planned by `plan_run` (observe the
inputs, ask Dagster what is stale) exactly as `tandem run`, the schedule and the sensor do,
and executed on one Dagster instance. The event log says what each run materialized, and
for which wave partitions. At the end the marts equal a from-scratch run's (`demo_run`).
"""

import os
import shutil
from dataclasses import dataclass, field

import dagster as dg
import duckdb
import pytest

from pipelines.defs.freshness import backfill_plan, plan_run
from pipelines.defs.resources import TandemWorkspace
from pipelines.domain.ingest.pseudonym import load_key
from pipelines.domain.state.refresh import refresh_waves
from tests.golden import golden
from tests.integration.conftest import load_definitions, new_workspace

LATER_WAVE = "engagement/2026-05"
PULSE = "pulse/2026-11"
LABEL = "I can count on my manager to keep their commitments."


@dataclass
class Night:
    planned: list[str]
    materialized: list[str] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)  # wave_state partitions materialized
    wave_state: dict = field(default_factory=dict)
    survey_state: dict = field(default_factory=dict)
    marts_waves: list[str] = field(default_factory=list)


def _run(ws, instance, definitions, plan=None) -> Night:
    graph = definitions.resolve_asset_graph()
    plan = plan or plan_run(instance, graph, ws)
    night = Night([k.to_user_string() for k in plan.assets])
    if plan.nothing_to_do:
        return night
    result = dg.materialize(
        [*definitions.assets, *definitions.asset_checks], selection=plan.assets,
        tags=plan.tags(instance), resources={"tandem": TandemWorkspace(home=str(ws.home))},
        instance=instance,
    )
    for event in result.get_asset_materialization_events():
        name = event.asset_key.to_user_string()
        night.materialized.append(name)
        metadata = {k: v.value for k, v in event.materialization.metadata.items()}
        if name == "wave_state":
            night.waves.append(event.partition)
            night.wave_state = metadata
        elif name == "survey_state":
            night.survey_state = metadata
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        night.marts_waves = [w for (w,) in con.execute(
            "SELECT DISTINCT wave_id FROM mart_team_construct_scores ORDER BY 1").fetchall()]
    return night


def _move(source, target):
    shutil.move(source, target)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("nights"))
    aside = ws.home / "aside"
    aside.mkdir()
    _move(ws.surveys_dir / LATER_WAVE, aside / "later")  # the later wave arrives on night 6
    instance, definitions = dg.DagsterInstance.ephemeral(), load_definitions()
    graph = definitions.resolve_asset_graph()
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
    _move(aside / "later", ws.surveys_dir / LATER_WAVE)
    runs["new wave"] = _run(ws, instance, definitions)
    runs["after the new wave"] = _run(ws, instance, definitions)
    # a run killed after it stored a file, before Dagster recorded the wave; the file is
    # then put back as it was, so Dagster's versions say nothing changed
    [pulse] = (ws.surveys_dir / PULSE).glob("*.csv")
    original, stat = pulse.read_bytes(), pulse.stat()
    pulse.write_bytes(b"".join(original.splitlines(keepends=True)[:-1]))
    refresh_waves(ws, load_key(ws.key_file), {PULSE}, log=lambda message: None)
    pulse.write_bytes(original)
    os.utime(pulse, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    runs["state out of step"] = _run(ws, instance, definitions)
    runs["backfill"] = _run(ws, instance, definitions, backfill_plan(instance, graph, ws, [PULSE]))
    _move(ws.surveys_dir / PULSE, aside / "pulse")
    runs["withdrawn"] = _run(ws, instance, definitions)
    runs["partitions after withdrawal"] = instance.get_dynamic_partitions("waves")
    _move(aside / "pulse", ws.surveys_dir / PULSE)
    runs["returned"] = _run(ws, instance, definitions)
    runs["partitions"] = instance.get_dynamic_partitions("waves")
    return ws, runs


def test_the_first_run_materializes_everything(nights):
    _, runs = nights
    first = runs["first"]
    assert {"survey_state", "wave_state", "published_marts", "leadership_reports"} <= set(
        first.materialized)
    assert sorted(first.waves) == ["engagement/2025-11", PULSE]
    assert first.wave_state["files_parsed"] == 2


def test_a_night_with_nothing_new_runs_nothing(nights):
    _, runs = nights
    for night in ("nothing new", "touched", "after the new wave"):
        assert runs[night].planned == [], f"{night}: {runs[night].planned}"


def test_a_renamed_label_reingests_nothing(nights):
    _, runs = nights
    for night in ("label renamed", "label back"):
        run = runs[night]
        assert run.wave_state["files_parsed"] == 0, night
        assert run.wave_state["files_unchanged"] == 2, night
        # the item's text is in the marts, so they are rebuilt (from the state, in seconds)
        assert "published_marts" in run.materialized


def test_a_new_wave_is_a_new_partition_and_parses_only_its_own_file(nights):
    _, runs = nights
    run = runs["new wave"]
    assert run.waves == [LATER_WAVE], "no other wave's partition is materialized"
    assert run.wave_state["files_parsed"] == 1 and run.wave_state["files_seen"] == 1
    assert "survey_state" in run.materialized  # the codebook's undeclared waves may move
    assert {"published_marts", "leadership_reports"} <= set(run.materialized)
    assert LATER_WAVE.split("/")[1] in run.marts_waves
    assert runs["partitions"] == ["engagement/2025-11", LATER_WAVE, PULSE]  # pulse came back


def test_a_state_out_of_step_with_dagster_is_caught_up(nights):
    """The state's own record of its files, not only Dagster's events, decides."""
    _, runs = nights
    run = runs["state out of step"]
    assert run.waves == [PULSE]
    assert run.wave_state["files_parsed"] == 1


def test_a_backfill_parses_the_chosen_wave_again(nights):
    _, runs = nights
    run = runs["backfill"]
    assert run.waves == [PULSE]
    assert run.wave_state["files_parsed"] == 1
    assert "published_marts" in run.materialized


def test_a_withdrawn_wave_leaves_the_partitions_and_the_marts(nights):
    _, runs = nights
    run = runs["withdrawn"]
    assert PULSE not in runs["partitions after withdrawal"]
    assert run.survey_state["files_removed"] == 1 and run.waves == []
    assert PULSE.split("/")[1] not in run.marts_waves
    assert runs["returned"].waves == [PULSE]
    assert PULSE.split("/")[1] in runs["returned"].marts_waves


def test_the_marts_equal_a_from_scratch_run(nights, demo_run, tmp_path):
    """Same rows and labels; figures equal to full precision (the files loaded in another
    order sum their floating-point values in another order)."""
    ws, _ = nights
    golden.save(demo_run.ws.marts_file, tmp_path)
    assert golden.compare(ws.marts_file, tmp_path) == []
