"""Guard one run of a workspace: its lock, its time limit, and what it leaves behind.

Plain Python, used by the Dagster resource for every run, whoever launched it
(`tandem run`, the schedule, the sensor, the UI):

- the workspace lock (`run_lock`) is held for the whole run, so a run launched
  by the daemon never interleaves with `tandem run`; within the CLI's own process
  the lock is re-entrant;
- a watchdog interrupts the run (SIGINT to its own process, which Dagster turns
  into a failed step) once it is over `run_time_limit_minutes`;
- at the end, whatever happened, build files that were never published are
  removed, so a stopped run leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.marts.alerts import deliver
from pipelines.domain.publish.atomic import WorkspaceBusy, clean_stale_builds, run_lock

#: Run tag that says why a run was stopped (set when the time limit stopped it).
STOP_REASON_TAG = "tandem/stop_reason"
#: Run tag of runs that `tandem run` executes (it alerts on their failure itself).
LAUNCHED_BY_TAG = "tandem/launched_by"
#: Run tag: the process that runs a `tandem run` (to tell a dead run before its first event).
PID_TAG = "tandem/pid"


def alert_log_file(ws: Workspace) -> Path:
    """The workspace's log of run alerts, one JSON object a line."""
    return ws.home / "logs" / "alerts.jsonl"


@dataclass
class RunGuard:
    """What the guard saw during one run."""

    limit_s: float
    waited_s: float = 0.0
    timed_out: bool = False
    removed: list[Path] = field(default_factory=list)

    @property
    def stop_reason(self) -> str | None:
        if not self.timed_out:
            return None
        return f"the run was over its time limit of {_minutes(self.limit_s)} (run_time_limit_minutes)"


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"


@contextlib.contextmanager
def guarded_run(ws: Workspace, limit_s: float, log=print, poll_s: float = 1.0):
    """Hold the workspace lock for the run (waiting for it while another run holds it),
    stop the run once it is over `limit_s`, and remove unpublished build files at the end.

    The time limit counts from the start, waiting included: a run that cannot get
    the lock within it fails with WorkspaceBusy and never touches the workspace.
    """
    guard = RunGuard(limit_s=limit_s)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        announced = False
        while True:
            try:
                stack.enter_context(run_lock(ws.lock_file))
                break
            except WorkspaceBusy as exc:
                if time.monotonic() - started >= limit_s:
                    raise WorkspaceBusy(
                        f"{exc}; waited {_minutes(limit_s)} (run_time_limit_minutes) for it"
                    ) from None
                if not announced:
                    log(f"Waiting for the workspace lock: {exc}")
                    announced = True
                time.sleep(poll_s)
        guard.waited_s = time.monotonic() - started
        if announced:
            log(f"Got the workspace lock after {guard.waited_s:.1f} s")
        timer = threading.Timer(max(0.0, limit_s - guard.waited_s), _time_is_up, args=(guard,))
        timer.daemon = True
        timer.start()
        try:
            yield guard
        finally:
            timer.cancel()
            guard.removed = clean_stale_builds(ws.marts_file)


def _time_is_up(guard: RunGuard) -> None:
    guard.timed_out = True
    os.kill(os.getpid(), signal.SIGINT)  # Dagster raises it in the running step


def alert_run_failure(ws: Workspace, alert: dict) -> dict:
    """Append a run alert to the workspace's alert log and send it to `alert_command`.

    Returns the alert as logged, with `delivered` (true, false, or null when no
    alert_command is set) and the command's error if it failed.
    """
    record = {"alert_type": "run_failed", "at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
              **alert}
    command = ws.settings().alert_command
    delivered: bool | None = None
    if command:
        (result,) = deliver(command, [record])
        delivered = result.returncode == 0
        if not delivered:
            record["delivery_error"] = result.error or f"exit code {result.returncode}"
    record["delivered"] = delivered
    log_file = alert_log_file(ws)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")
    return record


def last_alert(ws: Workspace) -> dict | None:
    log_file = alert_log_file(ws)
    if not log_file.exists():
        return None
    lines = [line for line in log_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def why_nothing_was_accepted(state_file: Path, limit: int = 20) -> list[str] | None:
    """None when some response was accepted; otherwise one line per rejected file and
    per (file, column, rule) of quarantined rows, with the first row's message."""
    import duckdb

    if not state_file.exists():
        return ["no export has been read yet (is data/raw/surveys/<survey>/<wave>/ empty?)"]
    with duckdb.connect(str(state_file), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "file_loads" not in tables:
            return ["no export has been read yet (is data/raw/surveys/<survey>/<wave>/ empty?)"]
        if con.execute("SELECT coalesce(sum(rows_accepted), 0) FROM file_loads").fetchone()[0]:
            return None
        lines = [f"{path}: rejected: {message}" for path, message in con.execute(
            "SELECT path, message FROM file_loads WHERE status = 'rejected' ORDER BY path").fetchall()]
        if "quarantine" in tables:
            lines += [f"{path}: {n} row(s) quarantined, e.g. {message}" for path, n, message in con.execute("""
                SELECT path, count(*) AS n, arg_min(message, record_number) FROM quarantine
                WHERE path IN (SELECT path FROM file_loads)
                GROUP BY path, column_name, rule ORDER BY path, n DESC, rule""").fetchall()]
        if not lines:
            lines = ["the exports hold no response (header rows only, or every row excluded)"]
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])
