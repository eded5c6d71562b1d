"""The nightly job, its schedule, and a sensor on the workspace's inputs.

Both ask the same question as `tandem run` (`pipelines.defs.freshness.plan_run`): observe
the inputs, and materialize what Dagster finds missing or stale, with what follows from it.
A night or a minute with nothing new launches no run.
"""

import dagster as dg

from pipelines.defs.freshness import RunPlan, plan_run
from pipelines.domain.config.workspace import Workspace

nightly = dg.define_asset_job(
    "tandem_nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest, validate, build, check and publish the marts, then write the reports.",
)

_settings = Workspace.resolve().settings()
NOTHING_NEW = "nothing changed since the last run (inputs and code as Dagster last saw them)"


def _plan(context) -> RunPlan:
    return plan_run(context.instance, context.repository_def.asset_graph, Workspace.resolve())


def _request(context, plan: RunPlan, run_key: str) -> dg.RunRequest:
    why = "; ".join(f"{a}: {r}" for a, r in plan.reasons.items())
    return dg.RunRequest(
        run_key=run_key, asset_selection=plan.assets,
        tags={**plan.tags(context.instance), "tandem/stale": why[:1000]},
    )


@dg.schedule(
    job=nightly,
    cron_schedule=_settings.schedule_cron,
    execution_timezone=_settings.timezone,
    description="Every night (tandem.yaml: schedule_cron, timezone): what changed, if anything.",
)
def tandem_nightly_schedule(context: dg.ScheduleEvaluationContext):
    plan = _plan(context)
    if plan.nothing_to_do:
        return dg.SkipReason(NOTHING_NEW)
    moment = context.scheduled_execution_time
    return _request(context, plan, f"{moment.isoformat() if moment else 'now'}:{plan.key}")


@dg.sensor(
    job=nightly,
    minimum_interval_seconds=60,
    description="Starts a run when an input in data/raw/ (or tandem.yaml) changes its content.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext):
    plan = _plan(context)
    if plan.nothing_to_do:
        return dg.SkipReason(NOTHING_NEW)
    return _request(context, plan, plan.key)  # one run per state of the inputs, even if it fails


defs = dg.Definitions(jobs=[nightly], schedules=[tandem_nightly_schedule],
                      sensors=[raw_files_sensor])
