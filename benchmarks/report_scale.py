"""Report rendering at scale, on synthetic marts (benchmarks/report_synth.py).

    .venv/bin/python benchmarks/report_scale.py org --respondents 1000000
    .venv/bin/python benchmarks/report_scale.py sample --respondents 100000 --reports 60

`org`: the time to read the marts once (Marts.open), then the organisation report of the
latest wave phase by phase (cut its rows, build, HTML, PDF) and the size of its HTML.
`sample`: the first N/2 department and N/2 team reports of the latest wave, HTML and PDF,
through the same process pool as render_all (every core), with the wall time per report
and the memory of the process tree sampled every 0.2 s. Prints JSON. Nothing is asserted:
a person reads the figures (RESULTS.md, "Reports").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
from report_synth import build

from pipelines.domain.report import render
from pipelines.domain.report.build import build_document
from pipelines.domain.report.html import render_html
from pipelines.domain.report.load import Marts, scope_data
from pipelines.domain.report.pdf import render_pdf

GIB = 1024**3


def marts_for(respondents: int, workdir: Path) -> tuple[Path, dict]:
    path = workdir / f"marts-r{respondents}.duckdb"
    started = time.perf_counter()
    counts = build(path, respondents) if not path.exists() else {}
    return path, {"synth_s": round(time.perf_counter() - started, 1), **counts}


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tree_rss() -> int:
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        t0 = time.perf_counter()
        while not self.stop.wait(0.2):
            self.samples.append((time.perf_counter() - t0, tree_rss()))


class Clock:
    """Wall and CPU seconds of named phases (CPU matters on a shared machine)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name: str, fn, *args):
        w, c = time.perf_counter(), time.process_time()
        value = fn(*args)
        self.wall[name] = round(time.perf_counter() - w, 2)
        self.cpu[name] = round(time.process_time() - c, 2)
        return value


def org(marts_path: Path, out: Path) -> dict:
    clock = Clock()
    marts = clock("marts_load", Marts.open, marts_path)
    rss = round(psutil.Process().memory_info().rss / GIB, 2)
    wave = marts.waves[-1]
    data = clock("scope", scope_data, marts, wave, "org", marts.org_id(wave) or "")
    doc = clock("build", lambda: build_document(data, k=5, comment_k=10, threshold=60.0))
    html = clock("html", lambda: render_html(doc).encode())
    pdf = clock("pdf", render_pdf, doc)
    (out / "org.html").write_bytes(html)
    (out / "org.pdf").write_bytes(pdf)
    report = ("scope", "build", "html", "pdf")
    return {
        "rss_after_load_gib": rss,
        "wall_s": clock.wall,
        "cpu_s": clock.cpu,
        "org_report_wall_s": round(sum(clock.wall[k] for k in report), 2),
        "org_report_cpu_s": round(sum(clock.cpu[k] for k in report), 2),
        "org_html_mb": round(len(html) / 1e6, 3),
        "org_pdf_mb": round(len(pdf) / 1e6, 3),
        "named_teams": len(data.teams.get("attention", [])),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def sample(marts_path: Path, out: Path, n_reports: int, workers: int | None) -> dict:
    t = time.perf_counter()
    marts = Marts.open(marts_path)
    load_s = time.perf_counter() - t
    wave = marts.waves[-1]
    stems = render._stems(marts, wave)
    departments = [k for k in stems if k[0] == "department"][: n_reports // 2]
    teams = [k for k in stems if k[0] == "team"][: n_reports - len(departments)]
    jobs = [render.Job(wave, lvl, g, stems[(lvl, g)], g) for lvl, g in departments + teams]
    plan = [(job, out / wave) for job in jobs]
    params = {"k": 5, "comment_k": 10, "threshold": 60.0}
    sampler = Sampler()
    sampler.start()
    cpu = cpu_seconds()
    t = time.perf_counter()
    results = render._run(marts, plan, params, ("html", "pdf"), workers)
    wall = time.perf_counter() - t
    cpu = cpu_seconds() - cpu  # this process and its (reaped) pool workers
    sampler.stop.set()
    sampler.join()
    seconds = sorted(s for _, _, sec in results for s in sec.values())
    rss = [r for _, r in sampler.samples] or [tree_rss()]
    quarter = max(1, len(rss) // 4)
    return {
        "marts_load_s": round(load_s, 2),
        "reports": len(jobs),
        "workers": workers or os.cpu_count(),
        "wall_s": round(wall, 2),
        "wall_per_report_s": round(wall / len(jobs), 3),
        "cpu_per_report_s": round(cpu / len(jobs), 3),
        "worker_wall_per_report_median_s": round(seconds[len(seconds) // 2], 3),
        "worker_wall_per_report_max_s": round(seconds[-1], 3),
        "tree_rss_gib_by_quarter": [
            round(max(rss[i : i + quarter]) / GIB, 3) for i in range(0, len(rss), quarter)
        ][:4],
        "tree_rss_gib_max": round(max(rss) / GIB, 3),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("org", "sample"))
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=60)
    parser.add_argument("--workers", type=int)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tandem-report-bench"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    marts_path, synth = marts_for(args.respondents, args.workdir)
    out = args.workdir / f"out-r{args.respondents}"
    shutil.rmtree(out, ignore_errors=True)  # render every time: unchanged reports are skipped
    (out / "x").mkdir(parents=True, exist_ok=True)
    if args.what == "org":
        result = org(marts_path, out)
    else:
        result = sample(marts_path, out, args.reports, args.workers)
    print(json.dumps({"respondents": args.respondents, **synth, **result}, indent=1))


if __name__ == "__main__":
    main()
