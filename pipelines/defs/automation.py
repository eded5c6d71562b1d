"""The nightly job, its schedule, and a sensor on data/raw/."""

import json

import dagster as dg

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.raw_watch import changed_files, snapshot

nightly = dg.define_asset_job(
    "tandem_nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest, validate, build, check and publish the marts, then write the reports.",
)

_settings = Workspace.resolve().settings()

nightly_schedule = dg.ScheduleDefinition(
    name="tandem_nightly_schedule",
    job=nightly,
    cron_schedule=_settings.schedule_cron,
    execution_timezone=_settings.timezone,
    description="Every night (tandem.yaml: schedule_cron, timezone).",
)


@dg.sensor(
    job=nightly,
    minimum_interval_seconds=60,
    description="Starts a run when a new or changed file lands in data/raw/.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext):
    ws = Workspace.resolve()
    before = json.loads(context.cursor) if context.cursor else {}
    now = snapshot(ws.raw_dir, before)
    changed = changed_files(before, now)
    if not changed:
        return dg.SkipReason("no new or changed file in data/raw/")
    context.update_cursor(json.dumps(now, sort_keys=True))
    return dg.RunRequest(run_key=_run_key(now), tags={"tandem/changed_files": str(len(changed))})


def _run_key(now: dict) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16]


defs = dg.Definitions(jobs=[nightly], schedules=[nightly_schedule], sensors=[raw_files_sensor])
