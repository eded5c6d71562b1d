"""Where a run's time and memory go, function by function, without Dagster.

    .venv/bin/python benchmarks/profile_stages.py WORKSPACE [--stages ingest,build,reports]
        [--report-jobs N] [--json OUT]

WORKSPACE is a generated benchmark workspace (`run.py --floor-only --keep` leaves one);
its `data/raw` is used read-only. The script runs the pipeline's own domain functions
in a scratch home beside it: `refresh_state` (ingest into a fresh state database),
`build_marts` (every SQL model and the Python statistics layer) and, optionally, the
first N report jobs. Each named function is wrapped to record its calls, wall time,
CPU time and the peak RSS of the process while it ran (sampled every 50 ms); every
SQL model is timed on its own. Nothing under pipelines/ is modified: the wrappers are
installed by patching module attributes at run time.

Run it under py-spy for a function-level profile of the same work:

    .venv/bin/py-spy record --format raw --rate 50 -o prof.txt -- \\
        .venv/bin/python benchmarks/profile_stages.py W
    .venv/bin/python benchmarks/pyspy_top.py prof.txt
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import psutil

GIB = 1024 ** 3
RECORDS: list[dict] = []
_PROC = psutil.Process()


class Sampler(threading.Thread):
    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.interval = interval
        self.halt = threading.Event()
        self.limit: int | None = None

    def run(self) -> None:
        while not self.halt.is_set():
            rss = _PROC.memory_info().rss
            self.samples.append((time.perf_counter(), rss))
            if self.limit and rss > self.limit:
                current = RECORDS[-1]["name"] if RECORDS else "?"
                print(f"RSS {rss / GIB:.1f} GiB over the limit; last finished: {current}",
                      flush=True)
                os._exit(3)
            self.halt.wait(self.interval)

    def peak(self, start: float, end: float) -> int:
        inside = [r for t, r in self.samples if start <= t <= end + self.interval]
        return max(inside, default=_PROC.memory_info().rss)


SAMPLER = Sampler()


def _record(stage: str, name: str, start: float, cpu0: float, rss0: int) -> None:
    end = time.perf_counter()
    RECORDS.append({
        "stage": stage, "name": name, "start": start, "seconds": end - start,
        "cpu_seconds": time.process_time() - cpu0, "rss_before": rss0,
        "rss_after": _PROC.memory_info().rss, "_end": end,
    })


def wrap(owner, attr: str, stage: str, name: str | None = None) -> None:
    original = getattr(owner, attr)
    label = name or attr

    @functools.wraps(original)
    def timed(*args, **kwargs):
        start, cpu0, rss0 = time.perf_counter(), time.process_time(), _PROC.memory_info().rss
        try:
            return original(*args, **kwargs)
        finally:
            _record(stage, label, start, cpu0, rss0)

    setattr(owner, attr, timed)


class TimedConnection:
    """A DuckDB connection whose CREATE ... AS statements are timed one by one."""

    _MODEL = re.compile(r"CREATE OR REPLACE (?:TEMP )?TABLE (\w+)", re.IGNORECASE)

    def __init__(self, con, stage: str):
        self._con = con
        self._stage = stage

    def execute(self, sql, *args, **kwargs):
        match = self._MODEL.match(sql.strip()) if isinstance(sql, str) else None
        if not match:
            return self._con.execute(sql, *args, **kwargs)
        start, cpu0, rss0 = time.perf_counter(), time.process_time(), _PROC.memory_info().rss
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            _record(self._stage, f"sql {match.group(1)}", start, cpu0, rss0)

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._con.__exit__(*exc)


def instrument() -> None:
    import duckdb

    from pipelines.domain import ingest  # noqa: F401
    from pipelines.domain.ingest import loading  # noqa: F401
    from pipelines.domain.marts import build, changes, disclosure, scoring  # noqa: F401
    from pipelines.domain.marts import comments as comments_marts  # noqa: F401
    from pipelines.domain.report import render
    from pipelines.domain.state import db as state  # noqa: F401
    from pipelines.domain.state import refresh  # noqa: F401

    # ingest (survey_state)
    wrap(refresh, "_refresh_rosters", "ingest", "rosters: read, validate (GX), pseudonymize")
    wrap(refresh, "file_sha256", "ingest", "file_sha256")
    wrap(refresh, "load_file", "ingest", "load_file (one export, total)")
    wrap(ingest, "read_export", "ingest", "read_export (csv parse)")
    wrap(ingest, "map_export", "ingest", "map_export")
    wrap(ingest, "apply_exclusions", "ingest", "apply_exclusions")
    wrap(ingest, "parse_timestamps", "ingest", "parse_timestamps")
    wrap(loading, "validate_frame", "ingest", "validate_frame (GX, every row)")
    wrap(loading, "_state_rows", "ingest", "_state_rows (decode, pseudonymize, melt, comments)")
    wrap(ingest, "decode", "ingest", "decode")
    wrap(state, "replace_file_rows", "ingest", "state.replace_file_rows (insert into DuckDB)")

    # build (marts_build): every SQL model, every fetch into pandas, every Python statistic
    real_connect = duckdb.connect

    def connect(*args, **kwargs):
        return TimedConnection(real_connect(*args, **kwargs), "build")

    build.duckdb = type("duckdb_proxy", (), {"connect": staticmethod(connect),
                                             "DuckDBPyConnection": duckdb.DuckDBPyConnection})
    original_df = build._df

    def timed_df(con, sql):
        start, cpu0, rss0 = time.perf_counter(), time.process_time(), _PROC.memory_info().rss
        try:
            return original_df(con, sql)
        finally:
            what = " ".join(sql.split())[:70]
            _record("build", f"fetch to pandas: {what}", start, cpu0, rss0)

    build._df = timed_df
    wrap(build, "_register", "build", "register pandas frame as temp table")
    for attr in ("group_scores", "item_scores", "balance", "group_enps", "construct_reliability",
                 "construct_icc"):
        wrap(scoring, attr, "build", f"scoring.{attr}")
    wrap(changes, "team_changes", "build", "changes.team_changes")
    wrap(build, "group_drivers", "build", "drivers.group_drivers")
    wrap(build, "suppression_table", "build", "disclosure.suppression_table")
    wrap(build, "comment_marts", "build", "comments_marts.comment_marts")

    # reports (leadership_reports)
    wrap(render.Marts, "open", "reports", "Marts.open (all marts into Python rows)")
    wrap(render, "_jobs", "reports", "_jobs (list reports, is_reportable per group)")
    wrap(render, "scope_data", "reports", "scope_data (cut one report's rows)")
    wrap(render, "build_document", "reports", "build_document")
    wrap(render, "render_html", "reports", "render_html")
    wrap(render, "render_pdf", "reports", "render_pdf")


def stub(parts: set[str]) -> None:
    import pandas as pd

    from pipelines.domain.marts import build, scoring

    if "answers" in parts:
        timed_df = build._df

        def df(con, sql):
            if "FROM int_answers_scored" in sql:
                return pd.DataFrame(columns=["wave_id", "construct", "response_key", "item_id",
                                             "value_keyed"])
            return timed_df(con, sql)

        build._df = df
        reliability = scoring.construct_reliability
        scoring.construct_reliability = lambda answers: reliability(answers.head(0))
    if "suppression" in parts:  # primary suppression only: no complementary search
        suppression = build.suppression_table
        build.suppression_table = lambda *a, **k: suppression(*a, **{**k, "complementary": False})
    if "drivers" in parts:
        drivers = build.group_drivers
        build.group_drivers = lambda moments, scores, *a, **k: drivers(moments.head(0), scores,
                                                                       *a, **k)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("workspace")
    p.add_argument("--stages", default="ingest,build")
    p.add_argument("--report-jobs", type=int, default=0,
                   help="render only the first N report jobs (0: all)")
    p.add_argument("--json")
    p.add_argument("--rss-limit-gib", type=float, default=16.0,
                   help="exit at once if the process goes above this")
    p.add_argument("--stub", default="",
                   help="comma-separated parts of the build to replace by empty results, to "
                        "measure the rest at a scale where they do not fit: 'answers' (the fetch "
                        "of every answer into pandas and construct_reliability), 'drivers', "
                        "'suppression' (primary suppression only, no complementary search)")
    args = p.parse_args()
    stages = set(args.stages.split(","))

    from pipelines.domain.config.workspace import SQL_DIR, Workspace

    src = Workspace(Path(args.workspace).resolve())
    scratch = Workspace(src.home.parent / (src.home.name + "-profile"))
    shutil.rmtree(scratch.home, ignore_errors=True)
    (scratch.home / "data").mkdir(parents=True)
    (scratch.home / "data" / "raw").symlink_to(src.raw_dir)
    scratch.state_dir.mkdir(parents=True)
    shutil.copyfile(src.key_file, scratch.key_file)
    if src.settings_file.exists():
        shutil.copyfile(src.settings_file, scratch.settings_file)
    scratch.ensure_layout()
    if "ingest" not in stages and src.state_file.exists():
        scratch.state_file.symlink_to(src.state_file)  # build from the workspace's own state

    instrument()
    stub(set(filter(None, args.stub.split(","))))
    SAMPLER.limit = int(args.rss_limit_gib * GIB)
    SAMPLER.start()
    from pipelines.domain.ingest.pseudonym import load_key
    from pipelines.domain.marts import build
    from pipelines.domain.state.refresh import refresh_state

    totals = {}
    settings = scratch.settings()
    if "ingest" in stages:
        t = time.perf_counter()
        wrap_stage = refresh_state
        wrap_stage(scratch, load_key(scratch.key_file), log=lambda m: None)
        totals["ingest (refresh_state)"] = time.perf_counter() - t
    if "build" in stages:
        target = scratch.marts_dir / "build.duckdb"
        t = time.perf_counter()
        build.build_marts(scratch.state_file, target, SQL_DIR, settings)
        totals["build (build_marts)"] = time.perf_counter() - t
        target.replace(scratch.marts_file)
    if "reports" in stages:
        from pipelines.domain.report import render

        if args.report_jobs:
            original_jobs = render._jobs
            render._jobs = lambda *a, **k: original_jobs(*a, **k)[: args.report_jobs]
        t = time.perf_counter()
        render.render_all(scratch.marts_file, scratch.reports_dir,
                          min_group_size=settings.min_group_size,
                          comment_min_group_size=settings.comment_min_group_size,
                          quadrant_threshold=settings.quadrant_threshold,
                          team_reports=settings.team_reports,
                          formats=tuple(settings.report_formats) or ("html",))
        totals["reports (render_all)"] = time.perf_counter() - t
    SAMPLER.halt.set()
    SAMPLER.join()

    # aggregate by (stage, name)
    table: dict[tuple[str, str], dict] = {}
    for r in RECORDS:
        key = (r["stage"], r["name"])
        agg = table.setdefault(key, {"stage": r["stage"], "name": r["name"], "calls": 0,
                                     "seconds": 0.0, "cpu_seconds": 0.0, "peak_rss_gib": 0.0})
        agg["calls"] += 1
        agg["seconds"] += r["seconds"]
        agg["cpu_seconds"] += r["cpu_seconds"]
        agg["peak_rss_gib"] = max(agg["peak_rss_gib"],
                                  SAMPLER.peak(r["start"], r["_end"]) / GIB)
    rows = sorted(table.values(), key=lambda a: (a["stage"], -a["seconds"]))
    out = {"totals_s": {k: round(v, 2) for k, v in totals.items()},
           "peak_rss_gib": round(max((r for _, r in SAMPLER.samples), default=0) / GIB, 3),
           "functions": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in a.items()}
                         for a in rows]}
    print(json.dumps(out["totals_s"]), f"peak RSS {out['peak_rss_gib']} GiB")
    print(f"{'stage':8} {'function / SQL model':76} {'calls':>5} {'wall s':>8} {'cpu s':>8} "
          f"{'peak GiB':>8}")
    for a in rows:
        if a["seconds"] >= 0.05 or a["peak_rss_gib"] > 0.5:
            print(f"{a['stage']:8} {a['name'][:76]:76} {a['calls']:5d} {a['seconds']:8.2f} "
                  f"{a['cpu_seconds']:8.2f} {a['peak_rss_gib']:8.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    shutil.rmtree(scratch.home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
