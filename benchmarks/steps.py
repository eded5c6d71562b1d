"""Print, as JSON, the step timings of the latest run in a workspace's Dagster instance.

Usage (the harness runs it in its own process, with DAGSTER_HOME=<workspace>/.dagster):

    DAGSTER_HOME=W/.dagster .venv/bin/python benchmarks/steps.py

Each step key (an asset, or an asset check) gets its STEP_START and its
STEP_SUCCESS / STEP_FAILURE / STEP_SKIPPED times from the event log; asset
materializations come with their metadata (rows read, files written, ...).
"""

from __future__ import annotations

import json
import sys

import dagster as dg

END_EVENTS = {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}


def _plain(value):
    for attr in ("value", "text", "path", "data"):
        if hasattr(value, attr):
            inner = getattr(value, attr)
            return inner if isinstance(inner, int | float | str | list | dict) else str(inner)
    return str(value)


def latest_run_steps() -> dict:
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return {"run_id": None}
        run = runs[0]
        steps: dict[str, dict] = {}
        materializations: dict[str, dict] = {}
        run_start = run_end = None
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None:
                continue
            kind = event.event_type_value
            if kind in ("PIPELINE_START", "RUN_START"):
                run_start = entry.timestamp
            elif kind in ("PIPELINE_SUCCESS", "PIPELINE_FAILURE", "RUN_SUCCESS", "RUN_FAILURE"):
                run_end = entry.timestamp
            if entry.step_key is None:
                continue
            step = steps.setdefault(entry.step_key, {})
            if kind == "STEP_START":
                step["start"] = entry.timestamp
            elif kind in END_EVENTS:
                step["end"] = entry.timestamp
                step["status"] = kind.removeprefix("STEP_").lower()
            elif kind == "ASSET_MATERIALIZATION":
                mat = event.event_specific_data.materialization
                materializations[mat.asset_key.to_user_string()] = {
                    k: _plain(v) for k, v in mat.metadata.items()
                }
        for step in steps.values():
            if "start" in step and "end" in step:
                step["seconds"] = round(step["end"] - step["start"], 3)
        return {
            "run_id": run.run_id,
            "status": run.status.value,
            "run_start": run_start,
            "run_end": run_end,
            "steps": steps,
            "materializations": materializations,
        }


if __name__ == "__main__":
    json.dump(latest_run_steps(), sys.stdout, default=str)
