"""Dagster's long-running processes for one workspace (`tandem ui`, `tandem serve`).

- `supervise` runs `dagster dev` or `dagster-daemon` in a session of its own and,
  when `tandem` gets SIGINT (Ctrl-C), SIGTERM or SIGHUP, stops it and every
  process it started (webserver, daemon, code servers, run workers). Started from
  a script, Dagster's processes ignore SIGINT; these get the default handlers back.
- `set_automation` turns the nightly schedule and the new-file sensor on or off
  (Dagster's own `schedule start` / `sensor start` commands), and
  `automation_state` says which are on and whether a daemon is running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import psutil

SCHEDULE = "tandem_nightly_schedule"
SENSOR = "raw_files_sensor"
FAILURE_SENSOR = "run_failure_alert"
MODULE = "pipelines.definitions"
#: A daemon whose last heartbeat is older than this is taken as not running.
HEARTBEAT_FRESH_S = 90
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def dagster_bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _default_signals() -> None:  # runs in the child, before exec
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


def supervise(command: list[str], env: dict[str, str], cwd: Path, grace_s: float = 20.0) -> int:
    """Run `command` until it ends or `tandem` is told to stop; then stop its whole tree.

    Returns the command's exit code, or 0 when a signal stopped it.
    """
    process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True,
                               preexec_fn=_default_signals)
    received: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _frame: received.append(signum))
                for s in STOP_SIGNALS}
    try:
        while process.poll() is None and not received:
            time.sleep(0.2)
    finally:
        stopped = stop_tree(process, grace_s)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        name = signal.Signals(received[0]).name
        print(f"Stopped on {name}: {Path(command[0]).name} and the {stopped - 1} process(es) "
              "it had started have ended", flush=True)
        return 0
    return process.returncode


def stop_tree(process: subprocess.Popen, grace_s: float) -> int:
    """SIGTERM the process and let it stop its children; after `grace_s`, SIGTERM and
    then SIGKILL whatever of its tree is left (its process group and any descendant)."""
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace_s)
    left = [p for p in family if _running(p)]
    for member in left:
        with contextlib.suppress(psutil.Error):
            member.terminate()
    _, left = psutil.wait_procs(left, timeout=5)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for member in left:
        with contextlib.suppress(psutil.Error):
            member.kill()
    psutil.wait_procs(left, timeout=5)
    if process.poll() is None:
        process.kill()
    process.wait()
    return len(family) + 1


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def automation_state(instance: dg.DagsterInstance) -> dict:
    """Which of the schedule and sensors are on, and the daemon's last heartbeat age."""
    stored = {s.instigator_name: s.status for s in instance.all_instigator_state()}
    on = {"RUNNING", "DECLARED_IN_CODE", "AUTOMATICALLY_RUNNING"}
    state = {name: stored[name].value in on if name in stored else None
             for name in (SCHEDULE, SENSOR, FAILURE_SENSOR)}
    if state[FAILURE_SENSOR] is None:
        state[FAILURE_SENSOR] = True  # on by default in code
    beats = [b.timestamp for b in instance.get_daemon_heartbeats().values()]
    state["daemon_heartbeat_age_s"] = time.time() - max(beats) if beats else None
    return state


def set_automation(instance: dg.DagsterInstance, env: dict[str, str], cwd: Path,
                   schedule: bool = True, sensor: bool = True) -> list[str]:
    """Start or stop the schedule and the sensor in the workspace's instance."""
    state = automation_state(instance)
    changed = []
    for kind, name, wanted in (("schedule", SCHEDULE, schedule), ("sensor", SENSOR, sensor)):
        if bool(state[name]) == wanted:
            continue
        action = "start" if wanted else "stop"
        done = subprocess.run([dagster_bin("dagster"), kind, action, name, "-m", MODULE],
                              cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"dagster {kind} {action} {name} failed: {done.stderr.strip()[-500:]}")
        changed.append(f"{kind} {name}: {'on' if wanted else 'off'}")
    return changed


def describe_automation(state: dict) -> list[str]:
    def word(value):
        return "on" if value else "off"

    age = state["daemon_heartbeat_age_s"]
    daemon = ("running" if age is not None and age < HEARTBEAT_FRESH_S
              else "not running" + (f" (last heartbeat {age:.0f} s ago)" if age is not None else ""))
    lines = [
        f"nightly schedule ({SCHEDULE}): {word(state[SCHEDULE])}",
        f"new-file sensor ({SENSOR}): {word(state[SENSOR])}",
        f"failure alerts ({FAILURE_SENSOR}): {word(state[FAILURE_SENSOR])}",
        f"daemon: {daemon}" + ("" if daemon == "running" else "; start it with `tandem serve`"),
    ]
    return lines
