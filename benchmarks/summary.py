"""The summary table that `benchmarks/run.py` prints at the end of a run."""

from __future__ import annotations


def step_seconds(run: dict, key: str) -> float | None:
    step = run.get("dagster", {}).get("steps", {}).get(key, {})
    return step.get("seconds")


def summary_table(r: dict) -> str:
    lines = [f"\n{r['name']}: {r['respondents']} respondents x {r['items']} items x "
             f"{r['waves']} waves = {r['respondents'] * r['items'] * r['waves']:,} answers"]
    floor = r["floor"]
    lines.append(f"floor (DuckDB alone)   {floor['seconds']:8.1f} s  {floor['peak_rss_gib']:6.2f} GiB  "
                 f"cpu {floor['cpu_seconds']:7.1f} s")
    for key, label in (("startup_import", "dagster import+defs"),
                       ("startup_empty_run", "run, empty workspace"),
                       ("full", "full run"), ("noop", "no-op run"),
                       ("incremental", "incremental run")):
        run = r.get(key)
        if not run:
            continue
        ratio = ""
        if key == "full" and floor.get("seconds"):
            rep = step_seconds(run, "leadership_reports") or 0
            ratio = (f"  {run['seconds'] / floor['seconds']:6.1f}x floor "
                     f"({(run['seconds'] - rep) / floor['seconds']:.1f}x without reports)")
        lines.append(f"{label:22} {run['seconds']:8.1f} s  {run['peak_rss_gib']:6.2f} GiB  "
                     f"cpu {run['cpu_seconds']:7.1f} s  {run['outcome']}{ratio}")
        steps = run.get("dagster", {}).get("steps", {})
        if key in ("full", "incremental", "noop"):
            for step_key, step in steps.items():
                if step.get("seconds") is not None and step["seconds"] >= 0.5:
                    lines.append(f"    {step_key:34} {step['seconds']:8.1f} s  "
                                 f"{step.get('peak_rss_gib', 0):6.2f} GiB  "
                                 f"cpu {step.get('cpu_seconds') or 0:7.1f} s")
                elif "stopped_after_s" in step:
                    lines.append(f"    {step_key:34} stopped after {step['stopped_after_s']} s  "
                                 f"{step.get('peak_rss_gib', 0):6.2f} GiB")
            if run.get("report_files_written"):
                rep = step_seconds(run, "leadership_reports") or 0
                lines.append(f"    report files written: {run['report_files_written']} "
                             f"({rep / run['report_files_written']:.2f} s per file)")
    sample = r.get("report_sample", {}).get("result")
    if isinstance(sample, dict):
        lines.append(f"report sample: marts load {sample['marts_load_s']} s")
        for rep in sample["reports"]:
            lines.append(f"    {rep['level']:10} {rep['group_id'][:24]:24} {rep['total_s']:6.2f} s "
                         f"(scope {rep['scope_data_s']}, build {rep['build_document_s']}, "
                         f"html {rep['render_html_s']}, pdf {rep['render_pdf_s']})")
    return "\n".join(lines)
