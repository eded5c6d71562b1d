"""Unattended operation, Dagster's daemon and the run lock: the daemon frees the pool slot of
a killed run, a live lock holder makes the CLI exit 3, and a dead, torn or reused-pid lock is
taken over. The workspace is the session's `ops` (tests/integration/ops_workspace.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest
import yaml

from pipelines.domain.config.workspace import REPO_ROOT
from pipelines.domain.publish.atomic import WorkspaceBusy, run_lock
from tests.integration.ops_workspace import (
    every_wave,
    instance_for,
    report,
    snapshot,
    tandem_run,
)
from tests.integration.tandem_cli import BIN, cli_env


def test_daemon_frees_the_pool_slot_of_a_killed_run(ops):
    """A scheduled run (launched by the daemon) whose worker is SIGKILLed: Dagster's code
    server marks it failed, and the daemon frees its slot after free_slots_after_run_end_seconds."""
    ws = ops[0]
    shipped = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    assert shipped["run_monitoring"]["enabled"]
    assert shipped["run_monitoring"]["free_slots_after_run_end_seconds"] > 0
    # the shipped settings, with shorter intervals so that the test takes seconds
    fast = json.loads(json.dumps(shipped))
    fast["run_monitoring"].update(poll_interval_seconds=2, free_slots_after_run_end_seconds=3)
    (ws.dagster_home / "dagster.yaml").write_text(yaml.safe_dump(fast), encoding="utf-8")
    env = cli_env(DAGSTER_HOME=str(ws.dagster_home), TANDEM_HOME=str(ws.home))
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.definitions"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    timeline = {}
    started = time.monotonic()
    try:
        launched = subprocess.run(
            [
                str(BIN / "dagster"),
                "job",
                "launch",
                "-m",
                "pipelines.definitions",
                "-j",
                "tandem_nightly",
                "--tags",
                json.dumps(every_wave(ws)),
            ],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert launched.returncode == 0, launched.stderr[-2000:]
        with instance_for(ws) as instance:
            run = instance.get_runs(limit=1)[0]
            deadline = time.monotonic() + 180
            while not instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots:
                assert time.monotonic() < deadline, "the daemon never started the run"
                time.sleep(0.3)
            timeline["slot_claimed_s"] = time.monotonic() - started
            pids = {
                int(e.dagster_event.engine_event_data.metadata["pid"].value)
                for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
                if "pid" in (e.dagster_event.engine_event_data.metadata or {})
            }
            assert pids, "the run worker recorded no pid"
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            deadline = killed_at + 90
            while True:
                run = instance.get_run_by_id(run.run_id)
                info = instance.event_log_storage.get_concurrency_info("duckdb")
                if run.is_finished and "run_failed_s" not in timeline:
                    timeline["run_failed_s"] = time.monotonic() - killed_at
                if run.is_finished and not info.claimed_slots and not info.pending_steps:
                    timeline["slot_freed_s"] = time.monotonic() - killed_at
                    break
                assert time.monotonic() < deadline, (run.status, info)
                time.sleep(0.5)
            assert run.status == dg.DagsterRunStatus.FAILURE
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
        ws.ensure_layout()  # restore the shipped dagster.yaml
    report("daemon", **{k: round(v, 1) for k, v in timeline.items()})


# --------------------------------------------------------------------------- the lock

HOLDER = """
import sys, time
from pathlib import Path
from pipelines.domain.publish.atomic import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_live_holder_makes_the_cli_exit_3_and_a_dead_one_is_taken_over(ops):
    ws = ops[0]
    before = ws.marts_file.stat().st_mtime_ns, snapshot(ws.marts_file)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ws.lock_file)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = tandem_run(ws.home, timeout=120)
        assert done.returncode == 3, (done.returncode, done.stderr[-2000:])
        assert f"another Tandem run (pid {holder.pid}) holds" in done.stderr
        assert (ws.marts_file.stat().st_mtime_ns, snapshot(ws.marts_file)) == before
    finally:
        holder.kill()  # SIGKILL: the lock file stays behind, naming a dead pid
        holder.wait()
    assert json.loads(ws.lock_file.read_text())["pid"] == holder.pid
    with run_lock(ws.lock_file):
        assert json.loads(ws.lock_file.read_text())["pid"] == os.getpid()
    assert not ws.lock_file.exists()


def test_lock_takes_over_torn_and_reused_pid_records_and_is_reentrant(tmp_path):
    lock = tmp_path / "run.lock"
    lock.write_text("")  # a holder killed between creating and writing the file
    with run_lock(lock):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    # a pid that is alive but belongs to a process started after the lock was taken
    newcomer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(json.dumps({"pid": newcomer.pid, "since": time.time() - 3600}))
        with run_lock(lock):
            assert json.loads(lock.read_text())["pid"] == os.getpid()
        # ... while the same pid recorded after its start is a live holder
        lock.write_text(json.dumps({"pid": newcomer.pid, "since": time.time()}))
        with pytest.raises(WorkspaceBusy), run_lock(lock):
            pass
        lock.unlink()
    finally:
        newcomer.kill()
        newcomer.wait()
    with run_lock(lock):
        with run_lock(lock):  # nested in the same process: neither retaken nor released
            pass
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()
