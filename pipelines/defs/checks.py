"""Asset checks: WARN for what a person should look at, blocking ERROR for what must
never be published (broken conservation). The checks of each mart against its
contract run inside `marts_build` (see assets.py)."""

import dagster as dg

from pipelines.defs.assets import published_marts, survey_state
from pipelines.defs.resources import TandemWorkspace
from pipelines.domain.marts.alerts import read_alerts
from pipelines.domain.state import queries


def _state_warning(name: str, key: str, description: str, query, describe, empty: str):
    """A WARN check on the state: passes when `query` finds nothing."""

    @dg.asset_check(asset=survey_state, name=name, description=description)
    def _check(tandem: TandemWorkspace) -> dg.AssetCheckResult:
        with tandem.connect(tandem.workspace().state_file) as con:
            rows = query(con)
        return dg.AssetCheckResult(
            passed=not rows,
            severity=dg.AssetCheckSeverity.WARN,
            description="; ".join(describe(*row) for row in rows) or empty,
            metadata={key: dg.MetadataValue.json(dict(rows))},
        )

    return _check


rejected_files = _state_warning(
    "rejected_files", "rejected_files", "Names every raw file rejected in its latest version.",
    queries.rejected_files, lambda path, message: f"{path}: {message}", "no file rejected",
)
quarantined_rows = _state_warning(
    "quarantined_rows", "quarantined", "Rows with validation failures, per file.",
    queries.quarantined_counts, lambda path, n: f"{path}: {n} row(s) quarantined",
    "nothing quarantined",
)


@dg.asset_check(
    asset=survey_state,
    blocking=True,
    description="For every file: read = accepted + excluded + quarantined + rejected.",
)
def row_conservation(tandem: TandemWorkspace) -> dg.AssetCheckResult:
    with tandem.connect(tandem.workspace().state_file) as con:
        files, broken = queries.conservation_breaks(con)
    return dg.AssetCheckResult(
        passed=not broken,
        description=f"{files} file(s) checked; {len(broken)} do not conserve rows",
        metadata={"broken": dg.MetadataValue.json([list(map(str, row)) for row in broken])},
    )


def _alert_check(name: str, alert_type: str, description: str):
    @dg.asset_check(asset=published_marts, name=name, description=description)
    def _check(tandem: TandemWorkspace) -> dg.AssetCheckResult:
        messages = sorted(a["message"] for a in read_alerts(tandem.workspace().marts_file)
                          if a["alert_type"] == alert_type)
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
