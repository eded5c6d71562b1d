"""The `tandem` command: demo, run, serve, ui, sql, inspect, status, init."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipelines.domain.config.workspace import REPO_ROOT, Workspace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tandem", description=__doc__)
    parser.add_argument(
        "--home", help="workspace directory (default: TANDEM_HOME, else the repository)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "init", help="create the workspace layout, tandem.yaml and a pseudonymization key"
    )
    demo = sub.add_parser(
        "demo", help="generate the demo organisation if missing, then run everything"
    )
    demo.add_argument("--seed", type=int, default=2026)
    run = sub.add_parser(
        "run", help="bring the marts and reports up to date with data/raw/ (only what changed)"
    )
    run.add_argument("--full", action="store_true",
                     help="materialize every asset, even those that Dagster finds up to date")
    backfill = sub.add_parser(
        "backfill", help="parse chosen waves again (and rebuild what follows), changed or not"
    )
    backfill.add_argument("--waves", required=True,
                          help="comma-separated <survey>/<wave>, e.g. engagement/2026-05")
    ui = sub.add_parser("ui", help="start the Dagster UI (webserver and daemon) on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    serve = sub.add_parser(
        "serve", help="run Dagster's daemon: the nightly schedule, the new-file sensor, failure alerts"
    )
    serve.add_argument("--no-schedule", action="store_true", help="turn the nightly schedule off")
    serve.add_argument("--no-sensor", action="store_true", help="turn the new-file sensor off")
    sub.add_parser("sql", help="open the published marts read-only in the duckdb CLI")
    inspect = sub.add_parser("inspect", help="detect and describe one export file")
    inspect.add_argument("file")
    inspect.add_argument("--codebook")
    inspect.add_argument("--json", action="store_true")
    sub.add_parser(
        "status", help="the last run, the last failure, the schedule and sensor, the published marts"
    )
    docs = sub.add_parser("docs", help="regenerate docs/marts.md from the published marts' comments")
    docs.add_argument("--output", default=str(REPO_ROOT / "docs" / "marts.md"))
    report = sub.add_parser(
        "report", help="render reports on demand: any organisation, department or team and wave"
    )
    report.add_argument(
        "--scope",
        action="append",
        default=[],
        help="org, department:NAME or team:NAME (repeatable; default: the reports the "
        "report_scopes setting asks for)",
    )
    report.add_argument("--wave", help="survey wave (default: the latest)")
    args = parser.parse_args(argv)

    ws = Workspace.resolve(args.home)
    handler = {
        "init": _init,
        "demo": _demo,
        "run": _run,
        "backfill": _run,
        "ui": _ui,
        "serve": _serve,
        "sql": _sql,
        "inspect": _inspect,
        "status": _status,
        "docs": _docs,
        "report": _report,
    }[args.command]
    return handler(ws, args)


def _init(ws: Workspace, args=None) -> int:
    from pipelines.domain.ingest.pseudonym import create_key_file

    ws.ensure_layout()
    if create_key_file(ws.key_file):
        print(f"Created a pseudonymization key at {ws.key_file} (keep it secret; never commit it)")
    return 0


def _demo(ws: Workspace, args) -> int:
    from pipelines.domain.demo import generate_demo

    _init(ws)
    if not any(ws.surveys_dir.glob("*/codebook.yaml")):
        summary = generate_demo(ws.home, seed=args.seed)
        waves = sorted(summary["employees"])
        print(f"Generated the demo organisation in {ws.raw_dir}: {len(waves)} waves "
              f"({', '.join(waves)}), {summary['teams'][waves[-1]]} teams and "
              f"{summary['employees'][waves[-1]]} employees at the latest wave")
    return _run(ws, args)


def _run(ws: Workspace, args=None) -> int:
    from pipelines.domain.ingest.pseudonym import MissingKeyError, load_key
    from pipelines.domain.publish.atomic import WorkspaceBusy, run_lock

    ws.ensure_layout()
    try:
        load_key(ws.key_file)
    except MissingKeyError as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return 2
    os.environ.update(ws.environ())
    # SIGTERM stops a run as Ctrl-C does: during the run Dagster fails the current step
    # and the run; before or after it, this ends `tandem` without a stack trace
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with run_lock(ws.lock_file):
            return _execute(ws, full=bool(getattr(args, "full", False)),
                            waves=getattr(args, "waves", None))
    except WorkspaceBusy as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("tandem: stopped (SIGTERM or Ctrl-C) outside the run's steps; the published marts "
              "were left as they were", file=sys.stderr)
        return 130


def _execute(ws: Workspace, full: bool = False, waves: str | None = None) -> int:
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.freshness import backfill_plan, full_selection, plan_run
    from pipelines.defs.run_alerts import describe_failure, failure_summary, recover_dead_runs
    from pipelines.domain.publish.guard import LAUNCHED_BY_TAG, PID_TAG, alert_run_failure

    definitions = defs() if callable(defs) else defs
    job = definitions.resolve_job_def("tandem_nightly")
    with dg.DagsterInstance.get() as instance:
        for run_id, pid in recover_dead_runs(instance):
            print(
                f"Run {run_id} had died (its process {pid} is gone): marked it failed "
                "and freed its concurrency-pool slots"
            )
            dead = instance.get_run_by_id(run_id)
            if dead.tags.get(LAUNCHED_BY_TAG) == "cli":  # the daemon's sensor alerts on its own runs
                alert_run_failure(ws, failure_summary(instance, dead))
        graph = definitions.resolve_asset_graph()
        try:
            plan = (backfill_plan(instance, graph, ws, waves.split(",")) if waves
                    else full_selection(instance, graph, ws) if full
                    else plan_run(instance, graph, ws))
        except ValueError as exc:
            print(f"tandem: {exc}", file=sys.stderr)
            return 2
        if plan.nothing_to_do:
            print("Nothing changed since the last run (inputs and code as Dagster last saw "
                  "them): nothing to do.")
            print(f"Marts:   {ws.marts_file}")
            return 0
        by_reason: dict[str, list[str]] = {}
        for asset, reason in plan.reasons.items():
            by_reason.setdefault(reason, []).append(asset)
        for reason, assets in by_reason.items():
            print(f"To run: {', '.join(assets)} ({reason})")
        if plan.waves:
            print(f"Waves:  {', '.join(plan.waves)}")
        result = job.execute_in_process(
            asset_selection=plan.assets,
            tags={**plan.tags(instance), LAUNCHED_BY_TAG: "cli", PID_TAG: str(os.getpid())},
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
        failure = None
        if not result.success:
            failure = failure_summary(instance, instance.get_run_by_id(result.run_id))
            alert_run_failure(ws, failure)
    checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    for check in checks:
        if not check.passed:
            print(
                f"check {check.asset_check_key.name} ({check.severity.value}): {check.description}"
            )
    if not result.success:
        published = any(
            e.asset_key == dg.AssetKey("published_marts")
            for e in result.get_asset_materialization_events()
        )
        outcome = (
            "the new marts were published before a later step failed"
            if published
            else "the published marts were left as they were"
        )
        print(f"tandem: {describe_failure(failure)}", file=sys.stderr)
        print(f"tandem: the run failed (run id {result.run_id}); {outcome}", file=sys.stderr)
        return 1
    _print_nothing_accepted(ws)
    print(f"Run {result.run_id} succeeded.")
    print(f"Marts:   {ws.marts_file}   (open them with: tandem sql)")
    print(f"Reports: {ws.reports_dir}/<wave>/   (start with {ws.reports_dir / 'index.html'})")
    return 0


def _print_nothing_accepted(ws: Workspace) -> None:
    from pipelines.domain.publish.guard import why_nothing_was_accepted

    reasons = why_nothing_was_accepted(ws.state_file)
    if reasons is None:
        return
    print("tandem: no response was accepted, so the marts hold no scores yet. Why, per file "
          "(fix the codebook or the export, then run again):", file=sys.stderr)
    for line in reasons:
        print(f"  {line}", file=sys.stderr)


def _ui(ws: Workspace, args) -> int:
    from pipelines.defs.service import MODULE, dagster_bin, supervise

    ws.ensure_layout()
    command = [dagster_bin("dagster"), "dev", "-m", MODULE, "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"Dagster UI on http://127.0.0.1:{args.port} (workspace {ws.home}); Ctrl-C to stop",
          flush=True)
    try:
        return supervise(command, ws.environ(), REPO_ROOT)
    finally:
        _forget_daemon(ws)


def _serve(ws: Workspace, args) -> int:
    import dagster as dg

    from pipelines.defs.service import MODULE, dagster_bin, set_automation, supervise

    ws.ensure_layout()
    env = ws.environ()
    os.environ.update(env)
    with dg.DagsterInstance.get() as instance:
        for change in set_automation(instance, env, REPO_ROOT, schedule=not args.no_schedule,
                                     sensor=not args.no_sensor):
            print(f"Turned {change}", flush=True)
    settings = ws.settings()
    print(f"Serving workspace {ws.home}: nightly schedule "
          f"{'off' if args.no_schedule else f'on ({settings.schedule_cron}, {settings.timezone})'}, "
          f"new-file sensor {'off' if args.no_sensor else 'on'}, failure alerts on. "
          "Ctrl-C or SIGTERM to stop", flush=True)
    try:
        return supervise([dagster_bin("dagster-daemon"), "run", "-m", MODULE], env, REPO_ROOT)
    finally:
        _forget_daemon(ws)


def _forget_daemon(ws: Workspace) -> None:
    """The daemon we ran has stopped: drop its heartbeats, so status says so at once."""
    os.environ.update(ws.environ())
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        instance.wipe_daemon_heartbeats()


def _duckdb_cli() -> str:
    local = Path(sys.executable).with_name("duckdb")
    return str(local) if local.exists() else "duckdb"


def _sql(ws: Workspace, args) -> int:
    if not ws.marts_file.exists():
        print(
            f"tandem: no published marts at {ws.marts_file}; run `tandem run` first",
            file=sys.stderr,
        )
        return 2
    os.execvp(_duckdb_cli(), [_duckdb_cli(), "-readonly", str(ws.marts_file)])
    return 0  # not reached


def _inspect(ws: Workspace, args) -> int:
    from pipelines.domain.ingest import RejectedFile, format_inspect_report, inspect_file

    try:
        report = inspect_file(Path(args.file), Path(args.codebook) if args.codebook else None)
    except RejectedFile as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, default=str) if args.json else format_inspect_report(report))
    return 0


def _status(ws: Workspace, args) -> int:
    import duckdb

    os.environ.update(ws.environ())
    import dagster as dg

    from pipelines.defs.run_alerts import describe_failure, failure_summary
    from pipelines.defs.service import automation_state, describe_automation

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if runs:
            run = runs[0]
            stats = instance.get_run_stats(run.run_id)
            print(f"last run: {run.run_id} {run.status.value} at "
                  f"{_when(stats.end_time or stats.start_time)}")
        else:
            print("last run: none yet")
        failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]),
                                   limit=1)
        if failed:
            summary = failure_summary(instance, failed[0])
            print(f"last failure: {_when(summary['ended_at'])}: {describe_failure(summary)}")
        else:
            print("last failure: none")
        for line in describe_automation(automation_state(instance)):
            print(line)
        waves = instance.get_dynamic_partitions("waves")
        built = instance.get_materialized_partitions(dg.AssetKey("wave_state")) if waves else set()
        print(f"wave partitions: {len(waves)}" + "".join(
            f"\n  {wave}: {'built' if wave in built else 'not built yet'}" for wave in waves))
    if ws.marts_file.exists():
        with duckdb.connect(str(ws.marts_file), read_only=True) as con:
            run_id, built_at, inputs = con.execute(
                "SELECT run_id, built_at, input_files FROM meta_publish"
            ).fetchone()
        print(f"published marts: {ws.marts_file}, built by run {run_id} at {built_at}")
        for path, digest in json.loads(inputs).items():
            print(f"  {digest[:12]}  {path}")
    else:
        print("published marts: none yet")
    return 0


def _when(moment) -> str:
    if moment is None:
        return "an unknown time"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment).timestamp()
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _docs(ws: Workspace, args) -> int:
    from pipelines.domain.marts.data_dictionary import render

    if not ws.marts_file.exists():
        print(f"tandem: no published marts at {ws.marts_file}; run `tandem run` first", file=sys.stderr)
        return 2
    Path(args.output).write_text(render(ws.marts_file), encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _report(ws: Workspace, args) -> int:
    """Render the asked-for reports (and keep the others current) from the published marts."""
    from pipelines.domain.report import parse_scope, render_all, report_options

    if not ws.marts_file.exists():
        print(f"No published marts at {ws.marts_file}: run `tandem run` first.", file=sys.stderr)
        return 2
    try:
        only = [(args.wave, *parse_scope(text)) for text in args.scope]
        options = report_options(ws.settings())
        result = render_all(ws.marts_file, ws.reports_dir, **options, only=only)
    except ValueError as exc:
        print(f"tandem report: {exc}", file=sys.stderr)
        return 2
    print(
        f"{len(result.written)} file(s) written, {len(result.paths) - 1} current, "
        f"{len(result.removed)} stale removed; start with {ws.reports_dir / 'index.html'}"
    )
    return 0
