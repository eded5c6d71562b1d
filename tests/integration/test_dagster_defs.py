"""The Dagster project loads with `dg`, and its schedule and sensor behave."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.defs.automation import raw_files_sensor
from tests.integration.conftest import load_definitions

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_dg_check_defs_passes(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO_ROOT / "dagster.yaml").read_text())
    env = dict(os.environ, DAGSTER_HOME=str(home))
    dg_cli = Path(sys.executable).with_name("dg")
    done = subprocess.run([str(dg_cli), "check", "defs"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully" in done.stdout + done.stderr


def test_definitions_hold_the_job_schedule_sensor_and_pool():
    definitions = load_definitions()
    assert definitions.resolve_job_def("tandem_nightly")
    [schedule] = list(definitions.schedules)
    assert schedule.cron_schedule == "0 2 * * *"
    assert sorted(s.name for s in definitions.sensors) == ["raw_files_sensor", "run_failure_alert"]
    graph = definitions.resolve_asset_graph()
    pools = {key.to_user_string(): node.pools for key, node in
             ((k, graph.get(k)) for k in graph.get_all_asset_keys())}
    for asset in ("survey_state", "mart_team_construct_scores", "published_marts"):
        assert pools[asset] == {"duckdb"}, pools


def test_sensor_asks_for_one_run_per_state_of_the_inputs(tmp_path, monkeypatch):
    """The sensor requests what Dagster finds stale, keyed by the inputs' data versions:
    the same inputs (touched or not) give the same run key, which Dagster runs once."""
    raw = tmp_path / "data" / "raw" / "surveys" / "s" / "w1"
    raw.mkdir(parents=True)
    (raw / "export.csv").write_text("a,b\n1,2\n")
    monkeypatch.setenv("TANDEM_HOME", str(tmp_path))
    definitions = load_definitions()

    def tick(instance):
        return raw_files_sensor(dg.build_sensor_context(instance=instance,
                                                        definitions=definitions))

    with dg.instance_for_test() as instance:
        first = tick(instance)
        assert isinstance(first, dg.RunRequest)
        assert "survey_state" in [k.to_user_string() for k in first.asset_selection]
        assert tick(instance).run_key == first.run_key, "the same inputs never run twice"
        os.utime(raw / "export.csv", (1, 1))  # touched, content unchanged
        assert tick(instance).run_key == first.run_key
        (raw / "export.csv").write_text("a,b\n1,3\n")
        changed = tick(instance)
        assert isinstance(changed, dg.RunRequest)
        assert changed.run_key != first.run_key
