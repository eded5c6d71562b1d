"""Failed and crashed runs alert: what failed (step, error, reason), and the sensor that sends it.

The sensor covers runs that Dagster's daemon launched (schedule, sensor, UI),
including runs whose worker process died. `tandem run` alerts on its own runs
(tagged `tandem/launched_by: cli`), so a run is never alerted twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.publish.guard import (
    LAUNCHED_BY_TAG,
    PID_TAG,
    STOP_REASON_TAG,
    alert_run_failure,
)

INTERRUPTED = "DagsterExecutionInterruptedError"


def _was_interrupted(error) -> bool:
    """Dagster's interrupt, or DuckDB's: it notices SIGINT itself and ends its query."""
    return error is not None and (
        error.cls_name in (INTERRUPTED, "KeyboardInterrupt")
        or "Query interrupted" in (error.message or "")
    )


def _innermost(error):
    while error is not None and error.cause is not None and error.cls_name in (
        "DagsterExecutionStepExecutionError", "DagsterResourceFunctionError",
    ):
        error = error.cause
    return error


def _first_line(error) -> str:
    text = (error.message or "").strip()
    return text.splitlines()[0] if text else error.cls_name or "error"


def failure_summary(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dict:
    """The failed step (or none), its error in one line, and why the run stopped."""
    step, error, interrupted = None, None, False
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        data = entry.dagster_event.step_failure_data
        cause = _innermost(data.error) if data and data.error else None
        if step is None:
            step = entry.step_key
            error = ("the step was interrupted" if _was_interrupted(cause)
                     else _first_line(cause) if cause else entry.dagster_event.message)
        interrupted = interrupted or _was_interrupted(cause)
    if error is None:
        for kind in (dg.DagsterEventType.RESOURCE_INIT_FAILURE, dg.DagsterEventType.RUN_FAILURE):
            for entry in instance.all_logs(run.run_id, of_type=kind):
                data = entry.dagster_event.event_specific_data
                cause = _innermost(getattr(data, "error", None))
                error = error or (_first_line(cause) if cause else entry.dagster_event.message)
    reason = run.tags.get(STOP_REASON_TAG)
    if reason is None and interrupted:
        reason = "the run was interrupted (SIGTERM, Ctrl-C, or terminated from the UI)"
    stats = instance.get_run_stats(run.run_id)
    ended = stats.end_time or stats.start_time
    return {
        "alert_type": "run_timed_out" if run.tags.get(STOP_REASON_TAG) else "run_failed",
        "run_id": run.run_id,
        "job": run.job_name,
        "status": run.status.value,
        "step": step,
        "error": error or "no error was recorded (the run's process may have died)",
        "reason": reason,
        "ended_at": datetime.fromtimestamp(ended, tz=UTC).isoformat(timespec="seconds")
        if ended else None,
    }


def describe_failure(summary: dict) -> str:
    where = f"in step {summary['step']}" if summary.get("step") else "before any step"
    reason = f" ({summary['reason']})" if summary.get("reason") else ""
    return f"run {summary['run_id']} failed {where}: {summary['error']}{reason}"


@dg.run_failure_sensor(
    name="run_failure_alert",
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends every failed or crashed run (step, error, reason) to alert_command "
    "and the workspace's alert log (logs/alerts.jsonl).",
)
def run_failure_alert(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    if run.tags.get(LAUNCHED_BY_TAG) == "cli":
        return dg.SkipReason(f"run {run.run_id} was a `tandem run`, which alerts by itself")
    record = alert_run_failure(Workspace.resolve(), failure_summary(context.instance, run))
    context.log.info(f"Alerted: {describe_failure(record)} (delivered: {record['delivered']})")
    return None


defs = dg.Definitions(sensors=[run_failure_alert])


def recover_dead_runs(instance) -> list[tuple[str, int]]:
    """Fail runs whose process died (SIGKILL, power cut) and free their pool slots.

    Dagster frees the "duckdb" pool slot of a step when the step ends. A run whose
    process is killed never ends it, and stays STARTED: the next run would wait for
    the slot forever. The run monitoring daemon cannot see that a process died
    under the default run launcher, so this checks the PID that every run records
    ("Executing steps in process (pid: N)"), marks the dead runs failed and frees
    their slots. Live runs, including ones the daemon launched, are left alone.
    """
    from pipelines.domain.publish.atomic import pid_alive

    recovered = []
    unfinished = instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=[
                dg.DagsterRunStatus.NOT_STARTED,  # killed between its creation and its start
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
                dg.DagsterRunStatus.CANCELING,
            ]
        )
    )
    for record in unfinished:
        run = record.dagster_run
        pids = [  # (pid, a time at which that process was running it)
            (int(entry.dagster_event.engine_event_data.metadata["pid"].value), entry.timestamp)
            for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
            if "pid" in (entry.dagster_event.engine_event_data.metadata or {})
        ]
        if PID_TAG in run.tags:  # a CLI run records its process before it starts
            pids.append((int(run.tags[PID_TAG]), record.create_timestamp.timestamp()))
        if not pids or any(pid_alive(pid, seen) for pid, seen in pids):
            continue
        pid = pids[-1][0]
        instance.report_run_failed(run, f"The run's process (pid {pid}) died without ending the run.")
        recovered.append((run.run_id, pid))
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        for run_id in storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
    return recovered
