"""What a run has to do: observe the inputs, then ask Dagster what is stale.

`tandem run`, the nightly schedule and the new-file sensor all call `plan_run`. It keeps
the `waves` partitions equal to the waves in `data/raw/` (adding new ones, deleting
withdrawn ones), records one observation per input and per wave whose content moved (a
runless `AssetObservation` whose data version is the content fingerprint), and returns the
assets to materialize: those that Dagster resolves as missing or stale (an input's data
version or the asset's code version changed since the asset's last materialization), with
everything downstream of them, and the build and publish steps together (the checked build
file lives only for the run that made it). A partitioned asset runs for its stale waves
only, as one run over their range (`BackfillPolicy.single_run`). An empty plan is a night
with nothing new: no run at all.

Dagster's stale-status resolver is not yet a public API (`dagster._core`); this module is the
only place that touches it, and the lock pins the Dagster version it was written for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import dagster as dg
import duckdb
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import (
    DATA_VERSION_TAG,
    CachingStaleStatusResolver,
    StaleStatus,
)
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from dagster._time import get_current_datetime

from pipelines.defs.sources import WAVES
from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.fingerprint import input_fingerprints
from pipelines.domain.state.queries import stored_waves

#: Built and published in one run: the build file that the checks passed is the run's own.
BUILD_AND_PUBLISH = "published_marts"
#: Run tag: the waves (comma-separated) that a backfill parses again.
REPARSE_TAG = "tandem/reparse_waves"
#: Runs when a wave is withdrawn (Dagster does not count a deleted partition as a change).
WITHDRAWALS = "survey_state"


@dataclass
class RunPlan:
    assets: list[dg.AssetKey] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)  # the partitions to (re)build
    reasons: dict[str, str] = field(default_factory=dict)  # asset -> why it runs
    inputs: dict[str, str] = field(default_factory=dict)  # input or wave -> its data version
    reparse: list[str] = field(default_factory=list)  # waves a backfill parses again

    @property
    def nothing_to_do(self) -> bool:
        return not self.assets

    @property
    def key(self) -> str:
        """The same inputs and the same work: the same key (a sensor's run key)."""
        work = sorted(k.to_user_string() for k in self.assets), sorted(self.waves)
        text = repr((sorted(self.inputs.items()), work))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def tags(self, instance: dg.DagsterInstance) -> dict[str, str]:
        """The run's partition range (from the first to the last wave to build) and the
        waves to parse again whatever their load keys say (a backfill's)."""
        tags = wave_range(instance, self.waves)
        if self.reparse:
            tags[REPARSE_TAG] = ",".join(self.reparse)
        return tags


def sync_waves(instance: dg.DagsterInstance, waves: list[str]) -> tuple[list[str], list[str]]:
    """Make the `waves` partitions the waves on disk; returns the new and withdrawn ones."""
    known = instance.get_dynamic_partitions(WAVES.name)
    new = [w for w in waves if w not in known]
    if new:
        instance.add_dynamic_partitions(WAVES.name, new)
    withdrawn = [w for w in known if w not in waves]
    for wave in withdrawn:
        instance.delete_dynamic_partition(WAVES.name, wave)
    return new, withdrawn


def observe_inputs(
    instance: dg.DagsterInstance, ws: Workspace
) -> tuple[dict[str, str], list[str], list[str]]:
    """Record each input's (and each wave's) version where it moved; returns the versions,
    and the waves added and withdrawn since the last observation."""
    found = input_fingerprints(ws)
    new, withdrawn = sync_waves(instance, list(found.waves))
    versions = {name: (dg.AssetKey(name), None, v) for name, v in found.inputs.items()}
    versions |= {wave: (dg.AssetKey("raw_exports"), wave, v) for wave, v in found.waves.items()}
    for key, partition, version in versions.values():
        latest = instance.get_latest_data_version_record(key, True, partition)
        if latest is not None and _version_of(latest) == version:
            continue
        instance.report_runless_asset_event(dg.AssetObservation(
            asset_key=key, partition=partition, tags={DATA_VERSION_TAG: version}))
    return {name: v for name, (_, _, v) in versions.items()}, new, withdrawn


def plan_run(instance: dg.DagsterInstance, graph, ws: Workspace) -> RunPlan:
    """Observe the inputs and list what is missing or stale, with what follows from it.

    `graph` is the asset graph: `Definitions.resolve_asset_graph()`, or a schedule's or
    sensor's `context.repository_def.asset_graph`."""
    inputs, new, withdrawn = observe_inputs(instance, ws)
    stored = _stored_waves(ws)
    resolver = CachingStaleStatusResolver(
        instance=instance, asset_graph=graph,
        loading_context=AssetGraphView(
            temporal_context=TemporalContext(effective_dt=get_current_datetime(),
                                             last_event_id=None),
            instance=instance, asset_graph=graph,
        ),
    )
    plan = RunPlan(inputs=inputs)
    roots = []
    waves = instance.get_dynamic_partitions(WAVES.name)
    for key in graph.toposorted_asset_keys:
        if key not in graph.materializable_asset_keys:
            continue
        node = graph.get(key)
        partitions = waves if node.is_partitioned else [None]
        reasons = {}
        for partition in partitions:
            # a wave that comes back after a withdrawal has old events but no rows; a run
            # killed after storing a file but before Dagster recorded the wave leaves the
            # state ahead of (or behind) what Dagster knows: the state's own record decides
            reason = ("a new wave" if partition in new
                      else _why(resolver, key, partition)
                      or _out_of_step(stored, inputs, partition))
            if reason:
                reasons[partition] = reason
        name = key.to_user_string()
        if name == WITHDRAWALS and withdrawn:
            reasons[None] = "wave(s) withdrawn from data/raw/: " + ", ".join(withdrawn)
        if not reasons:
            continue
        if node.is_partitioned:
            plan.waves = [w for w in waves if w in reasons]
            plan.reasons[name] = "; ".join(f"{w}: {r}" for w, r in reasons.items())
        else:
            plan.reasons[name] = reasons[None]
        roots.append(key)
    if roots:
        plan.assets = _with_what_follows(graph, roots)
        if not plan.waves and any(graph.get(k).is_partitioned for k in plan.assets):
            plan.waves = list(waves)
    return plan


def full_selection(instance: dg.DagsterInstance, graph, ws: Workspace) -> RunPlan:
    """Every asset and every wave (`tandem run --full`, the tests' from-scratch runs)."""
    inputs, _, _ = observe_inputs(instance, ws)
    waves = instance.get_dynamic_partitions(WAVES.name)
    assets = [k for k in graph.toposorted_asset_keys if k in graph.materializable_asset_keys
              and (waves or not graph.get(k).is_partitioned)]
    return RunPlan(assets=assets, waves=list(waves), inputs=inputs,
                   reasons={k.to_user_string(): "a full run" for k in assets})


def backfill_plan(instance: dg.DagsterInstance, graph, ws: Workspace,
                  waves: list[str]) -> RunPlan:
    """Parse the named waves again, and rebuild what follows (`tandem backfill --waves`)."""
    inputs, _, _ = observe_inputs(instance, ws)
    known = instance.get_dynamic_partitions(WAVES.name)
    unknown = [w for w in waves if w not in known]
    if unknown or not waves:
        raise ValueError(f"no such wave: {', '.join(unknown) or '(none named)'}; the waves "
                         f"are: {', '.join(known) or 'none yet'}")
    roots = [k for k in graph.materializable_asset_keys if graph.get(k).is_partitioned]
    plan = RunPlan(assets=_with_what_follows(graph, roots), waves=list(waves), inputs=inputs,
                   reasons={k.to_user_string(): "backfill of " + ", ".join(waves) for k in roots})
    plan.reparse = list(waves)
    return plan


def wave_range(instance: dg.DagsterInstance, waves: list[str]) -> dict[str, str]:
    """Run tags for one run over `waves`: the range from the first to the last of them, in
    the partitions' order (a wave in between that is fresh re-parses nothing)."""
    if not waves:
        return {}
    order = instance.get_dynamic_partitions(WAVES.name)
    chosen = [w for w in order if w in set(waves)]
    return {ASSET_PARTITION_RANGE_START_TAG: chosen[0], ASSET_PARTITION_RANGE_END_TAG: chosen[-1]}


def _stored_waves(ws: Workspace) -> dict[str, str] | None:
    """What the state holds, per wave; None when it cannot be read now (another run is
    writing it: that run's own end decides)."""
    if not ws.state_file.exists():
        return {}
    try:
        with duckdb.connect(str(ws.state_file), read_only=True) as con:
            return stored_waves(con)
    except duckdb.Error:
        return None


def _out_of_step(stored: dict[str, str] | None, inputs: dict[str, str], wave: str | None):
    if stored is None or wave is None or stored.get(wave) == inputs.get(wave):
        return None
    return "the state holds other versions of its files than data/raw/"


def _why(resolver, key: dg.AssetKey, partition: str | None) -> str | None:
    status = resolver.get_status(key, partition)
    if status == StaleStatus.MISSING:
        return "never materialized"
    if status == StaleStatus.STALE:
        causes = resolver.get_stale_root_causes(key, partition)
        return "; ".join(sorted({_cause(c) for c in causes})) or "stale"
    return None


def _cause(cause) -> str:
    where = cause.key.asset_key.to_user_string()
    if cause.key.partition_key:
        where += f" [{cause.key.partition_key}]"
    return f"{where} {cause.reason}"


def _with_what_follows(graph, roots: list[dg.AssetKey]) -> list[dg.AssetKey]:
    selection = dg.AssetSelection.assets(*roots).downstream()
    if any(k.to_user_string() == BUILD_AND_PUBLISH for k in selection.resolve(graph)):
        selection = selection | dg.AssetSelection.assets(BUILD_AND_PUBLISH).upstream(
            depth=1).materializable().downstream()
    chosen = selection.resolve(graph)
    return [k for k in graph.toposorted_asset_keys if k in chosen]


def _version_of(record) -> str | None:
    entry = record.event_log_entry
    event = entry.asset_observation or entry.asset_materialization
    return event.tags.get(DATA_VERSION_TAG) if event and event.tags else None
