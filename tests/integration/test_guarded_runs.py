"""The nightly run is guarded like a production job (issue 19, section 2).

Real processes on a small demo workspace: `tandem run`, `tandem serve` (Dagster's
daemon), `dagster job launch`, `tandem ui`; real DuckDB files and Dagster runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import dagster as dg
import psutil
import pytest

from pipelines.defs.freshness import wave_range
from pipelines.domain.config.workspace import REPO_ROOT, Workspace
from pipelines.domain.publish.guard import alert_log_file
from tests.integration.conftest import materialize_all
from tests.integration.test_cli import marts_hash
from tests.integration.test_empty_inputs import small_workspace

BIN = Path(sys.executable).parent
INGEST_STEPS = ("survey_state", "wave_state")
PULSE = "data/raw/surveys/pulse/2026-11/pulse_responses.csv"


def env_for(ws: Workspace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TANDEM_HOME", "DAGSTER_HOME"}}
    return {**env, "TANDEM_HOME": str(ws.home), "DAGSTER_HOME": str(ws.dagster_home)}


def tandem(ws: Workspace, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "tandem"), "--home", str(ws.home), *args], cwd=REPO_ROOT,
                          env=env_for(ws), capture_output=True, text=True, timeout=timeout)


def alerts(ws: Workspace) -> list[dict]:
    log = alert_log_file(ws)
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def leftovers(ws: Workspace) -> list[str]:
    """Half-written things a stopped run must not leave: build files and the lock."""
    return [p.name for p in [*ws.marts_dir.glob(".build-*"), ws.lock_file] if p.exists()]


def set_limit(ws: Workspace, minutes: float | None) -> None:
    lines = [line for line in ws.settings_file.read_text().splitlines()
             if not line.startswith("run_time_limit_minutes:")]
    if minutes is not None:
        lines.append(f"run_time_limit_minutes: {minutes}")
    ws.settings_file.write_text("\n".join(lines) + "\n")


def drop_last_response(ws: Workspace) -> None:
    path = ws.home / PULSE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A small demo workspace with its marts published once by `tandem run`."""
    ws = small_workspace(tmp_path_factory.mktemp("guard") / "ws")
    with ws.settings_file.open("a") as settings:
        settings.write(f"alert_command: 'cat >> {ws.home / 'delivered.jsonl'}; echo >> "
                       f"{ws.home / 'delivered.jsonl'}'\n")
    done = tandem(ws, "run")
    assert done.returncode == 0, done.stderr[-3000:]
    return ws


# --------------------------------------------------------------------------- tandem run


def test_a_failed_run_alerts_and_status_shows_its_step_and_error(ws):
    state = ws.state_file.read_bytes()
    ws.state_file.write_bytes(b"not a database")
    try:
        done = tandem(ws, "run", "--full")  # nothing changed: only a full run reads the state
    finally:
        ws.state_file.write_bytes(state)
    assert done.returncode == 1
    [alert] = alerts(ws)
    assert alert["alert_type"] == "run_failed" and alert["step"] in INGEST_STEPS
    assert f"failed in step {alert['step']}" in done.stderr, done.stderr[-3000:]
    assert "not a valid DuckDB database" in alert["error"] and alert["delivered"] is True
    delivered = [json.loads(x) for x in (ws.home / "delivered.jsonl").read_text().splitlines() if x]
    # the data alerts of the first run's publish, then this run's failure
    assert [d["run_id"] for d in delivered if d["alert_type"] == "run_failed"] == [alert["run_id"]]
    status = tandem(ws, "status").stdout
    assert "last failure: " in status
    assert f"run {alert['run_id']} failed in step {alert['step']}" in status
    assert "daemon: not running" in status and "nightly schedule (tandem_nightly_schedule): off" in status


def test_a_run_over_its_time_limit_is_stopped_and_alerted_and_the_marts_stay(ws):
    before = marts_hash(ws.marts_file)
    drop_last_response(ws)  # a run that got through would publish different marts
    set_limit(ws, 0.05)  # three seconds
    try:
        started = time.monotonic()
        done = tandem(ws, "run")
        elapsed = time.monotonic() - started
    finally:
        set_limit(ws, None)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "over its time limit of 0.05 minutes" in done.stderr
    alert = alerts(ws)[-1]
    assert alert["alert_type"] == "run_timed_out" and "time limit" in alert["reason"]
    assert marts_hash(ws.marts_file) == before
    assert leftovers(ws) == []
    print(f"\n[guard] time limit 3 s: the run ended after {elapsed:.1f} s (with start-up)")


def test_sigterm_ends_a_run_cleanly(ws):
    before = marts_hash(ws.marts_file)
    run = subprocess.Popen([str(BIN / "tandem"), "--home", str(ws.home), "run"], cwd=REPO_ROOT,
                           env=env_for(ws), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    deadline = time.monotonic() + 300
    while not list(ws.marts_dir.glob(".build-*.duckdb")):  # marts_build is writing its file
        assert run.poll() is None and time.monotonic() < deadline, "the run never built"
        time.sleep(0.05)
    run.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 1, stderr[-3000:]
    print(f"\n[guard] SIGTERM during marts_build: the run ended {time.monotonic() - sent:.1f} s later")
    assert "failed in step marts_build" in stderr and "interrupted" in stderr, stderr[-3000:]
    assert "the published marts were left as they were" in stderr
    assert leftovers(ws) == [] and marts_hash(ws.marts_file) == before
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        last = instance.get_runs(limit=1)[0]
        assert last.status == dg.DagsterRunStatus.FAILURE
    assert "interrupted" in alerts(ws)[-1]["reason"]
    done = tandem(ws, "run")  # the next run needs no clean-up
    assert done.returncode == 0, done.stderr[-3000:]
    assert marts_hash(ws.marts_file) != before


def test_a_run_outside_the_cli_waits_for_the_workspace_lock(ws):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from pipelines.domain.publish.atomic import run_lock\n"
         "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(4)\n",
         str(ws.lock_file)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    released = {}

    def note_release():
        holder.wait()
        released["at"] = time.time()

    threading.Thread(target=note_release, daemon=True).start()
    instance = dg.DagsterInstance.ephemeral()
    result = materialize_all(ws.home, instance)
    assert result.success
    messages = [e.user_message for e in instance.all_logs(result.run_id) if e.user_message]
    assert any(m.startswith(f"Waiting for the workspace lock: another Tandem run (pid {holder.pid})")
               for m in messages), messages
    starts = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_START)
    first_step = min(e.timestamp for e in starts)
    assert first_step >= released["at"]
    assert leftovers(ws) == []


# --------------------------------------------------------------------------- Dagster's daemon


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _stop(process: subprocess.Popen, signum: int) -> tuple[float, list[int]]:
    family = _descendants(process.pid)
    sent = time.monotonic()
    process.send_signal(signum)
    process.wait(timeout=120)
    _, alive = psutil.wait_procs(family, timeout=30)
    return time.monotonic() - sent, [p.pid for p in alive]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(1)
    return value


def _runs(ws: Workspace) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        return list(instance.get_runs())


def _window(ws: Workspace, run_id: str) -> tuple[float, float]:
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        stamps = [e.timestamp for e in instance.all_logs(run_id) if e.dagster_event
                  and e.dagster_event.event_type_value.startswith("STEP_")]
    return min(stamps), max(stamps)


def _launch(ws: Workspace) -> subprocess.Popen:
    """The whole job over every wave partition, launched outside the CLI (as the UI does)."""
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        tags = wave_range(instance, instance.get_dynamic_partitions("waves"))
    return subprocess.Popen([str(BIN / "dagster"), "job", "launch", "-m", "pipelines.definitions",
                             "-j", "tandem_nightly", "--tags", json.dumps(tags)], cwd=REPO_ROOT,
                            env=env_for(ws), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_serve_runs_unattended_never_interleaves_with_a_cli_run_and_alerts_on_failure(ws):
    known = {r.run_id for r in _runs(ws)}
    serve = subprocess.Popen([str(BIN / "tandem"), "--home", str(ws.home), "serve"], cwd=REPO_ROOT,
                             env=env_for(ws), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    timings = {}
    try:
        started = time.monotonic()
        status = _wait_for(lambda: (s := tandem(ws, "status").stdout) * ("daemon: running" in s),
                           240, "the daemon's heartbeat")
        timings["daemon_up_s"] = time.monotonic() - started
        assert "nightly schedule (tandem_nightly_schedule): on" in status
        assert "new-file sensor (raw_files_sensor): on" in status
        assert "failure alerts (run_failure_alert): on" in status
        # the sensor sees an export change and starts a run by itself
        drop_last_response(ws)
        sensed = _wait_for(lambda: [r for r in _runs(ws) if r.run_id not in known and r.is_finished],
                           300, "the sensor's run")
        assert [r.status for r in sensed] == [dg.DagsterRunStatus.SUCCESS]
        timings["sensor_run_done_s"] = time.monotonic() - started
        known |= {r.run_id for r in sensed}

        # a daemon run and a CLI run, started at once, never interleave
        launch = _launch(ws)
        cli = tandem(ws, "run", "--full")  # a whole run, whatever the daemon's run did
        assert launch.wait(timeout=300) == 0
        assert cli.returncode in (0, 3), cli.stderr[-3000:]
        new = _wait_for(lambda: (rs := [r for r in _runs(ws) if r.run_id not in known])
                        * all(r.is_finished for r in rs), 400, "both runs to end")
        assert {r.status for r in new} == {dg.DagsterRunStatus.SUCCESS}
        assert len(new) == (2 if cli.returncode == 0 else 1)
        windows = sorted(_window(ws, r.run_id) for r in new)
        for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
            assert end <= start, windows
        known |= {r.run_id for r in new}

        # a daemon run that fails is alerted by the failure sensor
        state = ws.state_file.read_bytes()
        ws.state_file.write_bytes(b"not a database")
        try:
            assert _launch(ws).wait(timeout=300) == 0
            failed_at = time.monotonic()
            alert = _wait_for(lambda: [a for a in alerts(ws) if a["run_id"] not in known], 240,
                              "the failure alert")[0]
        finally:
            ws.state_file.write_bytes(state)
        timings["failure_alerted_s"] = time.monotonic() - failed_at
        assert alert["step"] in INGEST_STEPS and alert["delivered"] is True
        assert "not a valid DuckDB database" in alert["error"]
    finally:
        stop_s, alive = _stop(serve, signal.SIGTERM)
    assert alive == [] and serve.returncode == 0
    timings["stop_s"] = stop_s
    print("\n[guard] serve:", {k: round(v, 1) for k, v in timings.items()})
    assert "daemon: not running" in tandem(ws, "status").stdout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_tandem_ui_stops_everything_it_started(ws, signum):
    port = 3900 + int(signum)

    def ignore_sigint():  # as a shell does for a background job
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    ui = subprocess.Popen([str(BIN / "tandem"), "--home", str(ws.home), "ui", "--port", str(port)],
                          cwd=REPO_ROOT, env=env_for(ws), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, start_new_session=True,
                          preexec_fn=ignore_sigint if signum == signal.SIGTERM else None)

    def serving():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2).read()
        except OSError:
            return None

    try:
        _wait_for(serving, 240, "the UI")
        _wait_for(lambda: len(_descendants(ui.pid)) >= 4, 120, "webserver, daemon and code server")
        names = " ".join(" ".join(p.cmdline()) for p in _descendants(ui.pid))
        assert "dagster_webserver" in names and "dagster._daemon" in names
    finally:
        stop_s, alive = _stop(ui, signum)
    assert alive == [], alive
    assert ui.returncode == 0 and not serving()
    print(f"\n[guard] tandem ui stopped by {signal.Signals(signum).name} in {stop_s:.1f} s")
    shutil.rmtree(ws.home / "reports", ignore_errors=True)
