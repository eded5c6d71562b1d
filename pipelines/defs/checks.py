"""Asset checks: WARN for what a person should look at, blocking ERROR for
what must never be published (broken conservation, a mart failing its checks)."""

import dagster as dg
import duckdb

from pipelines.defs.assets import marts_build, published_marts, survey_state
from pipelines.defs.resources import TandemWorkspace
from pipelines.domain.marts import checks as mart_checks
from pipelines.domain.publish.atomic import build_path


def _state_rows(tandem: TandemWorkspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(tandem.workspace().state_file), read_only=True) as con:
        return con.execute(sql).fetchall()


@dg.asset_check(
    asset=survey_state, description="Names every raw file rejected in its latest version."
)
def rejected_files(tandem: TandemWorkspace) -> dg.AssetCheckResult:
    rows = _state_rows(
        tandem, "SELECT path, message FROM file_loads WHERE status = 'rejected' ORDER BY path"
    )
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(f"{path}: {message}" for path, message in rows) or "no file rejected",
        metadata={"rejected_files": dg.MetadataValue.json({p: m for p, m in rows})},
    )


@dg.asset_check(asset=survey_state, description="Rows with validation failures, per file.")
def quarantined_rows(tandem: TandemWorkspace) -> dg.AssetCheckResult:
    rows = _state_rows(
        tandem,
        """
        SELECT path, rows_quarantined FROM file_loads WHERE rows_quarantined > 0
        UNION ALL  -- rosters and the lineage map have no load record, only quarantine rows
        SELECT path, count(DISTINCT record_number) FROM quarantine
        WHERE path NOT IN (SELECT path FROM file_loads) GROUP BY path
        ORDER BY path""",
    )
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(f"{p}: {n} row(s) quarantined" for p, n in rows)
        or "nothing quarantined",
        metadata={"quarantined": dg.MetadataValue.json(dict(rows))},
    )


@dg.asset_check(
    asset=survey_state,
    blocking=True,
    description="For every file: read = accepted + excluded + quarantined + rejected.",
)
def row_conservation(tandem: TandemWorkspace) -> dg.AssetCheckResult:
    broken = _state_rows(
        tandem,
        """
        SELECT path, rows_read, rows_accepted, rows_excluded, rows_quarantined, rows_rejected
        FROM file_loads
        WHERE rows_read <> rows_accepted + rows_excluded + rows_quarantined + rows_rejected
        ORDER BY path""",
    )
    files = _state_rows(tandem, "SELECT count(*) FROM file_loads")[0][0]
    return dg.AssetCheckResult(
        passed=not broken,
        description=f"{files} file(s) checked; {len(broken)} do not conserve rows",
        metadata={"broken": dg.MetadataValue.json([list(map(str, row)) for row in broken])},
    )


def _build_check(name: str, description: str):
    check_fn = getattr(mart_checks, name)

    @dg.asset_check(asset=marts_build, name=name, blocking=True, description=description)
    def _check(
        context: dg.AssetCheckExecutionContext, tandem: TandemWorkspace
    ) -> dg.AssetCheckResult:
        ws = tandem.workspace()
        target = build_path(ws.marts_file, context.op_execution_context.run_id)
        with duckdb.connect(str(target), read_only=True) as con:
            problems = check_fn(con, ws.settings())
        return dg.AssetCheckResult(
            passed=not problems,
            description="; ".join(problems[:20]) or "ok",
            metadata={"problems": len(problems)},
        )

    return _check


marts_complete = _build_check(
    "marts_complete", "Every mart exists and the core marts are non-empty."
)
marts_conserve_rows = _build_check(
    "marts_conserve_rows", "mart_data_quality conserves rows for every file."
)
suppression_holds = _build_check(
    "suppression_holds",
    "No suppressed row carries a figure; no shown figure rests on fewer than k respondents.",
)
aggregates_only = _build_check(
    "aggregates_only", "No respondent-level column reaches the published file."
)


def _alert_check(name: str, alert_type: str, description: str):
    @dg.asset_check(asset=published_marts, name=name, description=description)
    def _check(tandem: TandemWorkspace) -> dg.AssetCheckResult:
        with duckdb.connect(str(tandem.workspace().marts_file), read_only=True) as con:
            messages = [
                r[0]
                for r in con.execute(
                    "SELECT message FROM mart_alerts WHERE alert_type = ? ORDER BY ALL",
                    [alert_type],
                ).fetchall()
            ]
        return dg.AssetCheckResult(
            passed=not messages,
            severity=dg.AssetCheckSeverity.WARN,
            description="; ".join(messages[:20]) or "none",
            metadata={"alerts": len(messages)},
        )

    return _check


no_significant_drops = _alert_check(
    "no_significant_drops",
    "significant_drop",
    "No construct fell significantly (q < 0.05, |delta| >= min_effect).",
)
participation_healthy = _alert_check(
    "participation_healthy",
    "low_participation",
    "Participation at or above low_participation (default 60 %).",
)
constructs_reliable = _alert_check(
    "constructs_reliable",
    "low_reliability",
    "Cronbach's alpha at or above low_alpha (default 0.7).",
)
