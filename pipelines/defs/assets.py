"""The asset graph: raw exports -> state -> one asset per mart -> published marts -> reports.

Each asset wires domain functions together and reports what it did as metadata; the
marts are one asset each (built together by `marts_build`), described by their YAML.
"""

import hashlib
import time

import dagster as dg

from pipelines.defs.freshness import REPARSE_TAG
from pipelines.defs.resources import TandemWorkspace
from pipelines.defs.sources import (
    INGEST_CODE,
    MARTS_CODE,
    PUBLISH_CODE,
    REPORT_CODE,
    WAVES,
    codebooks,
    raw_exports,
    rosters,
    tandem_settings,
)
from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts.alerts import deliver, new_alerts, read_alerts
from pipelines.domain.marts.build import build_marts
from pipelines.domain.marts.checks import CHECK_DESCRIPTIONS, check_names, run_checks
from pipelines.domain.marts.contract import Contract, contracts
from pipelines.domain.publish.atomic import (
    build_path,
    clean_stale_builds,
    publish,
    same_marts,
    write_meta,
)
from pipelines.domain.state.queries import input_hashes, reference_version, wave_version
from pipelines.domain.state.refresh import refresh_reference, refresh_waves

POOL = "duckdb"


@dg.asset(
    kinds={"python", "duckdb"}, pool=POOL, group_name="ingest", code_version=INGEST_CODE,
    deps=[raw_exports, codebooks, tandem_settings], partitions_def=WAVES,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def wave_state(
    context: dg.AssetExecutionContext, tandem: TandemWorkspace
) -> dg.MaterializeResult:
    """One wave's exports: parse the new or changed ones, validate every row with Great
    Expectations, quarantine bad rows and store the accepted answers. No other wave's
    rows are touched. One run builds a range of waves."""
    ws = tandem.workspace()
    started = time.perf_counter()
    waves = set(context.partition_keys)
    # `tandem backfill` names the waves to parse again even where nothing changed
    reparse = set(filter(None, context.run.tags.get(REPARSE_TAG, "").split(",")))
    summary = refresh_waves(ws, tandem.pseudonym_key(), waves, log=context.log.info,
                            reparse=reparse & waves)
    for warning in summary.warnings:
        context.log.warning(warning)
    if not summary.files_loaded:
        context.log.info(
            f"No new or changed files: {summary.files_unchanged} unchanged, nothing parsed"
        )
    with tandem.connect(ws.state_file) as con:
        version = "+".join(wave_version(con, *w.split("/", 1)) for w in sorted(waves))
    return dg.MaterializeResult(
        # a content digest of the waves' load records: re-parsing to the same rows leaves
        # the marts fresh
        data_version=dg.DataVersion(hashlib.sha256(version.encode()).hexdigest()[:24]),
        metadata={
            "waves": dg.MetadataValue.json(sorted(waves)),
            "files_seen": summary.files_seen,
            "files_parsed": len(summary.files_loaded),
            "files_unchanged": summary.files_unchanged,
            "files_removed": len(summary.files_removed),
            "files_rejected": dg.MetadataValue.json([o.raw.path for o in summary.rejected]),
            "rows_read": sum(o.rows_read for o in summary.outcomes),
            "rows_accepted": sum(o.rows_accepted for o in summary.outcomes),
            "rows_excluded": sum(o.rows_excluded for o in summary.outcomes),
            "rows_quarantined": sum(o.rows_quarantined for o in summary.outcomes),
            "elapsed_s": round(time.perf_counter() - started, 3),
        },
    )


@dg.asset(
    kinds={"python", "duckdb"}, pool=POOL, group_name="ingest", code_version=INGEST_CODE,
    deps=[wave_state, rosters, codebooks, tandem_settings],
)
def survey_state(
    context: dg.AssetExecutionContext, tandem: TandemWorkspace
) -> dg.MaterializeResult:
    """The reference data of the state: rosters (validated with Great Expectations and
    pseudonymized), the lineage map and the codebooks' items and waves; the rows of a
    wave withdrawn from data/raw/ are removed. It runs after the waves, so that the
    state's checks see every wave."""
    ws = tandem.workspace()
    started = time.perf_counter()
    summary = refresh_reference(ws, tandem.pseudonym_key(), log=context.log.info)
    for warning in summary.warnings:
        context.log.warning(warning)
    with tandem.connect(ws.state_file) as con:
        version = reference_version(con)
    return dg.MaterializeResult(
        # a content digest: the same reference data again leaves the marts fresh
        data_version=dg.DataVersion(version),
        metadata={
            "files_removed": len(summary.files_removed),
            "elapsed_s": round(time.perf_counter() - started, 3),
        },
    )


CONTRACTS = contracts(SQL_DIR)


def _mart_spec(contract: Contract) -> dg.AssetSpec:
    schema = dg.TableSchema(columns=[
        dg.TableColumn(c.name, c.type, description=f"[{c.role}] {c.description}")
        for c in contract.columns
    ])
    return dg.AssetSpec(
        key=contract.table, description=contract.description,
        deps=[survey_state, wave_state, tandem_settings], code_version=MARTS_CODE,
        group_name="marts", kinds={"duckdb"},
        metadata={"dagster/column_schema": schema, "model": f"sql/{contract.table}.sql"},
    )


@dg.multi_asset(
    name="marts_build",
    specs=[_mart_spec(c) for c in CONTRACTS.values()],
    check_specs=[
        dg.AssetCheckSpec(name, asset=table, blocking=True, description=CHECK_DESCRIPTIONS[name])
        for table, contract in CONTRACTS.items() for name in check_names(contract)
    ],
    pool=POOL,
    can_subset=False,
)
def marts_build(context: dg.AssetExecutionContext, tandem: TandemWorkspace):
    """Build every mart into a new DuckDB file from the state, then check each against its
    contract (published only after every check passes)."""
    ws = tandem.workspace()
    removed = clean_stale_builds(ws.marts_file, keep_run_id=context.run_id)
    if removed:
        context.log.info(f"Removed {len(removed)} stale build file(s) from earlier runs")
    target = build_path(ws.marts_file, context.run_id)
    started = time.perf_counter()
    result = build_marts(ws.state_file, target, SQL_DIR, ws.settings(), ws.duckdb_config())
    elapsed = round(time.perf_counter() - started, 3)
    for table in CONTRACTS:
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": result.tables.get(table, 0), "build_file": target.name,
            "build_elapsed_s": elapsed,
        })
    with tandem.connect(target) as con:
        outcomes = run_checks(con, SQL_DIR, ws.settings())
    for outcome in outcomes:
        yield dg.AssetCheckResult(
            asset_key=outcome.table, check_name=outcome.check, passed=not outcome.problems,
            description="; ".join(outcome.problems[:20]) or "ok",
            metadata={"problems": len(outcome.problems)},
        )


@dg.asset(
    deps=list(CONTRACTS), kinds={"duckdb"}, pool=POOL, group_name="marts",
    code_version=PUBLISH_CODE,
)
def published_marts(
    context: dg.AssetExecutionContext, tandem: TandemWorkspace
) -> dg.MaterializeResult:
    """Swap the checked build in as data/marts/tandem.duckdb, atomically."""
    ws = tandem.workspace()
    target = build_path(ws.marts_file, context.run_id)
    if same_marts(target, ws.marts_file):  # e.g. a code change that moved no figure
        target.unlink()
        context.log.info("The build equals the published marts: left them as they were")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(ws.marts_file)), "unchanged": True,
            "new_alerts": 0, "alerts_not_delivered": 0,
        })
    with tandem.connect(ws.state_file) as con:
        inputs = input_hashes(con)
    write_meta(target, context.run_id, inputs, _versions())
    previous_alerts = read_alerts(ws.marts_file)
    publish(target, ws.marts_file)
    fresh = new_alerts(previous_alerts, read_alerts(ws.marts_file))
    command = ws.settings().alert_command
    failed = 0
    if command and fresh:
        for delivery in deliver(command, fresh):
            if delivery.returncode != 0:
                failed += 1
                context.log.warning(
                    f"alert_command failed ({delivery.returncode}): {delivery.error}"
                )
        context.log.info(
            f"Sent {len(fresh) - failed} of {len(fresh)} new alert(s) to alert_command"
        )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(ws.marts_file)),
            "input_files": len(inputs),
            "new_alerts": len(fresh),
            "alerts_not_delivered": failed,
            "unchanged": False,
        }
    )


@dg.asset(
    deps=[published_marts, tandem_settings], kinds={"html", "pdf"}, group_name="reports",
    code_version=REPORT_CODE,
)
def leadership_reports(
    context: dg.AssetExecutionContext, tandem: TandemWorkspace
) -> dg.MaterializeResult:
    """Summary reports for the organisation, each department and each reportable team."""
    from pipelines.domain.report import render_all
    from pipelines.domain.report.render import report_options

    ws = tandem.workspace()
    started = time.perf_counter()
    result = render_all(ws.marts_file, ws.reports_dir, **report_options(ws.settings()))
    return dg.MaterializeResult(
        metadata={
            "reports_dir": dg.MetadataValue.path(str(ws.reports_dir)),
            "reports_current": len(result.paths),
            "files_written": len(result.written),
            "files_removed": len(result.removed),
            "slowest_report_s": round(max(result.seconds.values(), default=0.0), 3),
            "elapsed_s": round(time.perf_counter() - started, 3),
        }
    )


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        name: version(name)
        for name in ("tandem", "dagster", "duckdb", "great-expectations", "pandas")
    }
