"""Benchmark harness: Tandem at a chosen scale, as a ratio to DuckDB's own floor.

    .venv/bin/python benchmarks/run.py --respondents 10000 --items 60 --waves 4

See benchmarks/README.md. In one run, on the same generated files, it measures:

1. floor      DuckDB alone, in a fresh process: read the wave exports, write one
              team x construct aggregate (benchmarks/floor.py);
2. startup    Dagster's own start-up: a process that imports dagster and loads the
              definitions, and `tandem run` on an empty workspace with no surveys;
3. full       `tandem --home W run` from an empty state (ingest, GX validation of every
              row, state, marts, checks, publish, reports), with per-step times from
              the run's Dagster event log (benchmarks/steps.py);
4. noop       the same command again, nothing changed;
5. incremental one new wave (its export and its roster) added, the command again.

Every command's peak RSS is the sum over its whole process tree, sampled every 0.1 s
with psutil. Results go to benchmarks/results/<name>.json and a summary is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from summary import summary_table  # noqa: E402
from tree_sampler import TreeSampler, where_is  # noqa: E402

PY = sys.executable
TANDEM = str(Path(PY).with_name("tandem"))
GIB = 1024 ** 3
CODE = REPO  # where the measured `pipelines` package and sql/ live (see --code)


def code_env(**extra: str) -> dict:
    """Environment that makes every Python process import `pipelines` from CODE."""
    env = dict(os.environ, **extra)
    if CODE != REPO:
        env["PYTHONPATH"] = str(CODE) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def snapshot_head(target: Path) -> Path:
    """Extract the committed pipeline code (HEAD) into `target`; read-only for the repo."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD", "pipelines", "sql", "docs",
                              "dagster.yaml", "pyproject.toml"], cwd=REPO, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


# --- measuring one command ---------------------------------------------------------------


def measure(command: list[str], *, env: dict | None = None, timeout: float, rss_limit_gib: float,
            log: Path | None = None, label: str = "") -> dict:
    """Run `command` in its own process group; wall time, exit code, peak tree RSS."""
    print(f"[{time.strftime('%H:%M:%S')}] {label}: {' '.join(command)}", flush=True)
    out = open(log, "wb") if log else subprocess.DEVNULL
    load_before = os.getloadavg()
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started_at = time.time()
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, cwd=CODE, env=env or code_env(), stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    sampler = TreeSampler(proc.pid, limit_bytes=int(rss_limit_gib * GIB))
    sampler.start()
    outcome = "ok"
    while True:
        try:
            proc.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
        if sampler.over_limit or time.perf_counter() - t0 > timeout:
            outcome = "rss_limit" if sampler.over_limit else "timeout"
            stack = where_is(proc.pid)
            os.killpg(proc.pid, signal.SIGKILL)  # our own process group only
            proc.wait()
            break
    wall = time.perf_counter() - t0
    sampler.stop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    if log:
        out.close()
    result = {
        "label": label, "command": command, "seconds": round(wall, 3), "exit_code": proc.returncode,
        "outcome": outcome if outcome != "ok" or proc.returncode == 0 else "failed",
        "peak_rss_bytes": sampler.peak, "peak_rss_gib": round(sampler.peak / GIB, 3),
        "cpu_seconds": round(cpu, 2),  # user + system of the command and its waited-for children
        "loadavg_1m_before": round(load_before[0], 2), "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "started_at": started_at,
    }
    if outcome != "ok":
        result["stack_when_stopped"] = stack
    result["_sampler"] = sampler
    print(f"    -> {result['outcome']} in {wall:.1f} s ({cpu:.1f} s CPU), peak RSS "
          f"{sampler.peak / GIB:.2f} GiB, load {load_before[0]:.1f} -> {os.getloadavg()[0]:.1f}",
          flush=True)
    return result


def dagster_steps(home: Path, sampler: TreeSampler | None) -> dict:
    env = code_env(DAGSTER_HOME=str(home / ".dagster"), TANDEM_HOME=str(home))
    text = subprocess.run([PY, str(HERE / "steps.py")], cwd=CODE, env=env, check=True,
                          capture_output=True, text=True).stdout
    data = json.loads(text)
    started = sampler.samples[0][0] if sampler and sampler.samples else None
    if started is not None and data.get("steps") and min(
            s.get("start", started) for s in data["steps"].values()) < started - 1:
        # the latest run is an earlier command's: this one started none (a no-op)
        return {"run_id": None, "steps": {}, "note": "no Dagster run (nothing was stale)"}
    for step in data.get("steps", {}).values():
        if sampler and "start" in step and "end" in step:
            step["peak_rss_gib"] = round(sampler.peak_between(step["start"], step["end"]) / GIB, 3)
            step["cpu_seconds"] = sampler.cpu_between(step["start"], step["end"])
    return data


def report_files(reports: Path, since: float | None = None) -> int:
    if not reports.is_dir():
        return 0
    return sum(1 for p in reports.rglob("*") if p.suffix in (".html", ".pdf")
               and p.name != "index.html" and (since is None or p.stat().st_mtime >= since))


def strip(result: dict) -> dict:
    return {k: v for k, v in result.items() if not k.startswith("_")}


# --- the benchmark -------------------------------------------------------------------------


def settings_yaml(team_reports: bool, formats: list[str]) -> str:
    formats = [f for f in formats if f and f != "none"]
    return (f"team_reports: {'true' if team_reports else 'false'}\n"
            f"report_formats: [{', '.join(formats)}]\n")


def machine() -> dict:
    import duckdb

    def version(name: str) -> str:
        from importlib.metadata import version as v
        try:
            return v(name)
        except Exception:  # noqa: BLE001
            return "?"

    return {
        "nproc": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
        "swap_gib": round(psutil.swap_memory().total / GIB, 1),
        "cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
        "kernel": platform.release(),
        "versions": {n: version(n) for n in ("dagster", "duckdb", "great-expectations",
                                              "pandas", "numpy", "psutil")},
        "duckdb_threads": duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0],
        "code": code_state(),
    }


def code_state() -> dict:
    """The commit and a digest of the working tree's pipeline code (helpers edit it in parallel)."""
    import hashlib

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    digest = hashlib.sha256()
    for path in sorted([*CODE.glob("pipelines/**/*.py"), *CODE.glob("sql/*.sql")]):
        digest.update(str(path.relative_to(CODE)).encode())
        digest.update(path.read_bytes())
    dirty = git("status", "--porcelain", "--", "pipelines", "sql")
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "worktree_dirty_files": len(dirty.splitlines()) if dirty != "?" else None,
            "measured_code_sha256": digest.hexdigest()[:16]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--respondents", type=int, default=10_000, help="complete responses per wave")
    p.add_argument("--items", type=int, default=60)
    p.add_argument("--waves", type=int, default=4, help="waves in the full run (one more is "
                   "added for the incremental run)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workdir", default="/tmp/tandem-bench", help="where workspaces are generated")
    p.add_argument("--name", help="results name (default r<respondents>-i<items>-w<waves>)")
    p.add_argument("--floor-only", action="store_true",
                   help="generate and measure the DuckDB floor only (no Tandem run)")
    p.add_argument("--team-reports", action="store_true",
                   help="also render one report per team (off by default: see README)")
    p.add_argument("--report-formats", default="html,pdf",
                   help="tandem.yaml report_formats for the runs; 'none' renders no report "
                        "files (the report step still runs)")
    p.add_argument("--report-sample", type=int, default=3,
                   help="after the full run, time the org report and this many department "
                        "and team reports, phase by phase, in a separate process (0: skip)")
    p.add_argument("--phases", default="startup,full,noop,incremental",
                   help="which Tandem measurements to make after the floor (comma-separated)")
    p.add_argument("--timeout", type=float, default=25 * 60, help="per command, seconds")
    p.add_argument("--rss-limit-gib", type=float, default=20.0,
                   help="kill a command whose process tree exceeds this (no swap here)")
    p.add_argument("--profile", action="store_true",
                   help="run the full run under py-spy (raw collapsed stacks, 50 Hz) "
                        "instead of bare; times are then a little inflated")
    p.add_argument("--code", default="head",
                   help="which pipeline code to measure: 'head' (a `git archive HEAD` snapshot, "
                        "so that edits in progress do not change the code mid-run) or "
                        "'worktree' (the files as they are now)")
    p.add_argument("--keep", action="store_true", help="keep the generated workspace")
    p.add_argument("--workspace", help="measure an existing workspace (e.g. one whose full run "
                   "was stopped) instead of generating one; no floor, no incremental phase")
    args = p.parse_args(argv)

    name = args.name or f"r{args.respondents}-i{args.items}-w{args.waves}"
    root = Path(args.workdir) / name
    shutil.rmtree(root, ignore_errors=True)
    home = Path(args.workspace).resolve() if args.workspace else root / "ws"
    empty = root / "empty"
    logs = root / "logs"
    logs.mkdir(parents=True)
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    report: dict = {
        "name": name, "respondents": args.respondents, "items": args.items, "waves": args.waves,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "team_reports": args.team_reports, "report_formats": args.report_formats.split(","),
    }
    limits = {"timeout": args.timeout, "rss_limit_gib": args.rss_limit_gib}
    global CODE
    if args.code == "head" and not args.floor_only:
        CODE = snapshot_head(root / "code")
    elif args.code not in ("head", "worktree"):
        CODE = Path(args.code).resolve()  # an earlier snapshot, to measure the same code again
    report["code"] = {"measured": args.code, "path": str(CODE)}
    report["machine"] = machine()

    if args.workspace:
        report["workspace"] = str(home)
        phases = set(args.phases.split(",")) - {"incremental"}
        args.phases = ",".join(sorted(phases))
        run_pipeline(args, report, home, empty, logs, limits, summary=None)
        shutil.rmtree(root, ignore_errors=True)
        out = results_dir / f"{name}.json"
        out.write_text(json.dumps(report, indent=2, default=str))
        print(f"results: {out}")
        return 0

    # 1. generate
    t0 = time.perf_counter()
    summary = synth.generate(home, args.respondents, args.items, args.waves, extra_waves=1,
                             seed=args.seed)
    report["generated"] = {k: v for k, v in summary.items() if not k.startswith("_")}
    report["generated"]["seconds"] = round(time.perf_counter() - t0, 2)
    exports = [str(synth.export_path(home, w)) for w in list(summary["waves"])]
    report["generated"]["answers_in_exports"] = sum(
        v["rows"] for v in summary["waves"].values()) * args.items
    report["generated"]["export_bytes"] = sum(v["bytes"] for v in summary["waves"].values())
    print(f"generated {name} in {report['generated']['seconds']} s: "
          f"{summary['headcount']} people, {summary['teams']} teams, "
          f"{summary['departments']} departments, {len(exports)} wave files "
          f"({report['generated']['export_bytes'] / 1e6:.0f} MB)", flush=True)

    # 2. the floor (fresh process)
    spec = root / "floor_spec.json"
    specs = synth.item_specs(args.items)
    spec.write_text(json.dumps({"columns": synth.export_columns(specs),
                                "constructs": synth.construct_columns(specs)}))
    floor_db = root / "floor.duckdb"
    floor = measure([PY, str(HERE / "floor.py"), str(floor_db), str(spec), *exports],
                    log=logs / "floor.log", label="floor", **limits)
    floor_out = (logs / "floor.log").read_text().strip().splitlines()
    floor["result"] = json.loads(floor_out[-1]) if floor["outcome"] == "ok" else floor_out[-5:]
    report["floor"] = strip(floor)
    floor_db.unlink(missing_ok=True)

    if not args.floor_only:
        run_pipeline(args, report, home, empty, logs, limits, summary)

    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    out = results_dir / f"{name}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"results: {out}")
    print(summary_table(report))
    return 0


def run_pipeline(args, report: dict, home: Path, empty: Path, logs: Path, limits: dict,
                 summary: dict) -> None:
    formats = args.report_formats.split(",")
    for ws in (home, empty) if summary is not None else (empty,):
        subprocess.run([TANDEM, "--home", str(ws), "init"], cwd=CODE, env=code_env(), check=True,
                       capture_output=True)
        (ws / "tandem.yaml").write_text(settings_yaml(args.team_reports, formats))

    phases = set(args.phases.split(","))
    if "startup" in phases:  # Dagster's own start-up, two ways
        env = code_env(TANDEM_HOME=str(empty), DAGSTER_HOME=str(empty / ".dagster"))
        code = ("import dagster; from pipelines.definitions import defs; "
                "d = defs(); d.resolve_job_def('tandem_nightly')")
        report["startup_import"] = strip(measure(
            [PY, "-c", code], env=env, label="dagster import + definitions",
            log=logs / "startup_import.log", **limits))
        empty_run = measure([TANDEM, "--home", str(empty), "run"],
                            label="tandem run, empty workspace",
                            log=logs / "startup_empty_run.log", **limits)
        empty_run["dagster"] = dagster_steps(empty, empty_run["_sampler"])
        report["startup_empty_run"] = strip(empty_run)

    reports_dir = home / "reports"
    command = [TANDEM, "--home", str(home), "run"]
    if args.profile:
        command = [str(Path(PY).with_name("py-spy")), "record", "--format", "raw", "--rate", "50",
                   "--subprocesses", "-o", str(logs.parent / "full_run.pyspy.txt"), "--",
                   *command]
    for phase in ("full", "noop", "incremental"):
        if phase not in phases:
            continue
        if phase == "incremental":
            report["incremental_file"] = synth.write_extra_wave(home, summary, args.respondents)
        run = measure(command if phase == "full" else [TANDEM, "--home", str(home), "run"],
                      label=f"{phase} run", log=logs / f"{phase}.log", **limits)
        run["dagster"] = dagster_steps(home, run["_sampler"])
        stopped_at = run["started_at"] + run["seconds"]
        for step in run["dagster"].get("steps", {}).values():
            if "start" in step and "end" not in step:  # the step the stop interrupted
                step["stopped_after_s"] = round(stopped_at - step["start"], 1)
                step["peak_rss_gib"] = round(
                    run["_sampler"].peak_between(step["start"], stopped_at) / GIB, 3)
        run["report_files_written"] = report_files(reports_dir, since=run["started_at"])
        run["report_files_total"] = report_files(reports_dir)
        if run["outcome"] != "ok":
            run["log_tail"] = (logs / f"{phase}.log").read_text(errors="replace").splitlines()[-15:]
        report[phase] = strip(run)
        if run["outcome"] != "ok" and phase == "full":
            # the state keeps every file ingested before the stop, so the next run (measured
            # as "noop") resumes from there: it then times the marts build on its own budget
            report["full_incomplete"] = True
            phases.discard("incremental")
        if phase == "full" and args.report_sample > 0 and run["outcome"] == "ok":
            sample = measure([PY, str(HERE / "report_sample.py"), str(home / "data" / "marts" /
                              "tandem.duckdb"), str(logs.parent / "report_sample"),
                              str(args.report_sample), str(args.report_sample)],
                             label="report sample", log=logs / "report_sample.log", **limits)
            lines = (logs / "report_sample.log").read_text(errors="replace").strip().splitlines()
            sample["result"] = json.loads(lines[-1]) if sample["outcome"] == "ok" else lines[-15:]
            report["report_sample"] = strip(sample)
    if args.profile:
        report["profile_file"] = str(logs.parent / "full_run.pyspy.txt")
        keep = HERE / "results" / f"{report['name']}.pyspy.txt"
        src = logs.parent / "full_run.pyspy.txt"
        if src.exists():
            shutil.copyfile(src, keep)
            report["profile_file"] = str(keep.relative_to(REPO))


if __name__ == "__main__":
    sys.exit(main())
