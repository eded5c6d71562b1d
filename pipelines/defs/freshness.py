"""What a run has to do: observe the inputs, then ask Dagster what is stale.

`tandem run`, the nightly schedule and the new-file sensor all call `plan_run`: it records
one observation per input (a runless `AssetObservation` carrying the input's content
fingerprint as its data version) and returns the assets to materialize: those that Dagster
resolves as missing or stale (an input's data version or the asset's code version changed
since its last materialization), everything downstream of them, and the build and publish
steps together (the checked build file lives only for the run that made it). An empty plan
is a night with nothing new: no run at all.

Dagster's stale-status resolver is not yet a public API (`dagster._core`); this module is the
only place that touches it, and the lock pins the Dagster version it was written for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import dagster as dg
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import (
    DATA_VERSION_TAG,
    CachingStaleStatusResolver,
    StaleStatus,
)
from dagster._time import get_current_datetime

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.fingerprint import input_fingerprints

#: Built and published in one run: the build file that the checks passed is the run's own.
BUILD_AND_PUBLISH = "published_marts"


@dataclass
class RunPlan:
    assets: list[dg.AssetKey] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # asset -> why it runs
    inputs: dict[str, str] = field(default_factory=dict)  # input -> its data version

    @property
    def nothing_to_do(self) -> bool:
        return not self.assets

    @property
    def key(self) -> str:
        """The same inputs and the same reasons: the same key (a sensor's run key)."""
        text = repr((sorted(self.inputs.items()), sorted(self.reasons.items())))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def observe_inputs(instance: dg.DagsterInstance, ws: Workspace) -> dict[str, str]:
    """Record each input's current version; only a version that moved is recorded again."""
    versions = input_fingerprints(ws)
    for name, version in versions.items():
        key = dg.AssetKey(name)
        latest = instance.get_latest_data_version_record(key, is_source=True)
        if latest is not None and _version_of(latest) == version:
            continue
        instance.report_runless_asset_event(
            dg.AssetObservation(asset_key=key, tags={DATA_VERSION_TAG: version})
        )
    return versions


def plan_run(instance: dg.DagsterInstance, graph, ws: Workspace) -> RunPlan:
    """Observe the inputs and list what is missing or stale, with what follows from it.

    `graph` is the asset graph: `Definitions.resolve_asset_graph()`, or a schedule's or
    sensor's `context.repository_def.asset_graph`."""
    inputs = observe_inputs(instance, ws)
    resolver = CachingStaleStatusResolver(
        instance=instance,
        asset_graph=graph,
        loading_context=AssetGraphView(
            temporal_context=TemporalContext(effective_dt=get_current_datetime(),
                                             last_event_id=None),
            instance=instance, asset_graph=graph,
        ),
    )
    plan = RunPlan(inputs=inputs)
    roots = []
    for key in graph.toposorted_asset_keys:
        if key not in graph.materializable_asset_keys:
            continue
        status = resolver.get_status(key)
        if status == StaleStatus.MISSING:
            plan.reasons[key.to_user_string()] = "never materialized"
        elif status == StaleStatus.STALE:
            causes = resolver.get_stale_root_causes(key)
            plan.reasons[key.to_user_string()] = "; ".join(
                f"{c.key.asset_key.to_user_string()} {c.reason}" for c in causes) or "stale"
        else:
            continue
        roots.append(key)
    if not roots:
        return plan
    selection = dg.AssetSelection.assets(*roots).downstream()
    if any(k.to_user_string() == BUILD_AND_PUBLISH for k in selection.resolve(graph)):
        selection = selection | dg.AssetSelection.assets(BUILD_AND_PUBLISH).upstream(
            depth=1).materializable().downstream()
    chosen = selection.resolve(graph)
    plan.assets = [k for k in graph.toposorted_asset_keys if k in chosen]
    return plan


def _version_of(record) -> str | None:
    entry = record.event_log_entry
    event = entry.asset_observation or entry.asset_materialization
    return event.tags.get(DATA_VERSION_TAG) if event and event.tags else None
