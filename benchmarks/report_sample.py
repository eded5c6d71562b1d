"""Time a sample of leadership reports on published marts, per report and per phase.

    .venv/bin/python benchmarks/report_sample.py MARTS.duckdb OUT_DIR [N_DEPARTMENTS] [N_TEAMS]

Renders, for the latest wave, the organisation report, the first N department reports
and the first N reportable team reports (HTML and PDF) with the same functions as the
`leadership_reports` step, into OUT_DIR, and prints JSON: the time to load the marts
into memory, and for each report the time to cut its rows (scope_data), build the
document, render the HTML and render the PDF. The pipeline's own report step is timed
from its Dagster events; this sample says where a report's time goes, and lets the
per-report cost be measured at scales where rendering every report is not practical.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import psutil

from pipelines.domain.report.build import build_document
from pipelines.domain.report.html import render_html
from pipelines.domain.report.load import Marts, scope_data
from pipelines.domain.report.pdf import render_pdf


def main(marts_path: str, out_dir: str, n_departments: int = 3, n_teams: int = 3) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    marts = Marts.open(Path(marts_path))
    result: dict = {
        "marts_load_s": round(time.perf_counter() - t0, 3),
        "marts_rows_in_memory": {k: len(v) for k, v in marts.tables.items()},
        "rss_after_load_gib": round(psutil.Process().memory_info().rss / 1024**3, 3),
        "reports": [],
    }
    wave = marts.waves[-1]
    t = time.perf_counter()
    departments = [g for g, _ in marts.groups(wave, "department")][:n_departments]
    teams = [g for g, _ in marts.groups(wave, "team")
             if marts.is_reportable(wave, "team", g)][:n_teams]
    result["list_groups_s"] = round(time.perf_counter() - t, 3)
    jobs = [("org", marts.org_id(wave))] + [("department", d) for d in departments] + \
        [("team", g) for g in teams]
    for i, (level, gid) in enumerate(jobs):
        timing = {"level": level, "group_id": gid}
        t = time.perf_counter()
        data = scope_data(marts, wave, level, gid)
        timing["scope_data_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        doc = build_document(data, k=5, comment_k=10, threshold=60.0)
        timing["build_document_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        html = render_html(doc).encode()
        timing["render_html_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        pdf = render_pdf(doc)
        timing["render_pdf_s"] = round(time.perf_counter() - t, 3)
        (out / f"{i:03d}-{level}.html").write_bytes(html)
        (out / f"{i:03d}-{level}.pdf").write_bytes(pdf)
        timing["html_bytes"], timing["pdf_bytes"] = len(html), len(pdf)
        timing["total_s"] = round(sum(v for k, v in timing.items() if k.endswith("_s")), 3)
        result["reports"].append(timing)
    result["peak_rss_gib"] = round(psutil.Process().memory_info().rss / 1024**3, 3)
    return result


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(main(args[0], args[1], *(int(a) for a in args[2:]))))
