"""A run SIGKILLed in the middle of a wave range: the published marts stay whole, and the next
run finishes the waves that were left without parsing again what was already stored.

Two waves' exports change; `tandem run` (a real process) is killed as soon as it logs the
first of the two files as stored. The next `tandem run` builds both wave partitions again
(Dagster recorded neither), parses only the second file, leaves the third wave alone, and
publishes the same marts as a from-scratch run on the same files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import dagster as dg
import duckdb
import pytest

from pipelines.domain.config.workspace import REPO_ROOT
from tests.golden import golden
from tests.integration.conftest import materialize_all, new_workspace
from tests.integration.marts_hash import marts_hash_of
from tests.integration.tandem_cli import TANDEM, cli_env, tandem

CHANGED = ("engagement/2025-11", "engagement/2026-05")
UNTOUCHED = "pulse/2026-11"


def _drop_last_response(ws, wave: str) -> None:
    [path] = (ws.surveys_dir / wave).glob("*.csv")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _marts(ws) -> str:
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        return marts_hash_of(con)


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("kill"))
    assert tandem(ws.home, "run").returncode == 0
    published = _marts(ws)
    for wave in CHANGED:
        _drop_last_response(ws, wave)
    run = subprocess.Popen([TANDEM, "--home", str(ws.home), "run"], cwd=REPO_ROOT,
                           env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, start_new_session=True)
    deadline = time.monotonic() + 600
    for line in run.stderr:  # the first file stored: its transaction has committed
        if f"surveys/{CHANGED[0]}/" in line and " read, " in line:
            os.killpg(run.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "the run never stored the first file"
    run.wait()
    after_kill = _marts(ws)
    again = tandem(ws.home, "run")
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        [record] = instance.get_runs(limit=1)
        events = [e for e in instance.all_logs(record.run_id,
                                                of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
                  if e.dagster_event.asset_key == dg.AssetKey("wave_state")]
    waves = sorted(e.dagster_event.partition for e in events)
    metadata = {k: v.value for k, v in
                events[0].dagster_event.event_specific_data.materialization.metadata.items()}
    return ws, published, after_kill, run.returncode, again, waves, metadata


def test_the_killed_run_left_the_published_marts_as_they_were(killed):
    _, published, after_kill, returncode, *_ = killed
    assert returncode == -signal.SIGKILL
    assert after_kill == published


def test_the_next_run_finishes_the_waves_without_parsing_again(killed):
    _, _, _, _, again, waves, metadata = killed
    assert again.returncode == 0, again.stderr[-3000:]
    assert waves == sorted(CHANGED), f"{UNTOUCHED} is left alone"
    assert metadata["files_parsed"] == 1, "the first file was stored before the kill"
    assert metadata["files_unchanged"] == 1


def test_the_marts_equal_a_from_scratch_run_on_the_same_files(killed, tmp_path_factory):
    ws = killed[0]
    scratch = new_workspace(tmp_path_factory.mktemp("scratch"))
    for wave in CHANGED:
        _drop_last_response(scratch, wave)
    assert materialize_all(scratch.home).success
    folder = tmp_path_factory.mktemp("golden")
    golden.save(scratch.marts_file, folder)
    assert golden.compare(ws.marts_file, folder) == []
