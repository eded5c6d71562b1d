"""The workspace of the unattended-operation tests (test_operations_*.py): a half-size demo
with report rendering off, run through `tandem run` in its own process, so that one run
takes 15-30 s on two cores; two versions of one input file, so that each run changes the
marts; and what the tests read back (marts snapshots, Dagster's event log and pool slots,
processes). Figures are printed (`pytest -s`)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.demo import generate_demo
from pipelines.domain.ingest.pseudonym import create_key_file
from pipelines.domain.publish.atomic import BUILD_PREFIX
from tests.integration.marts_hash import marts_hash_of, read_marts
from tests.integration.tandem_cli import tandem

PULSE = Path("data/raw/surveys/pulse/2026-11/pulse_responses.csv")
RUN_TIMEOUT = 420  # a hung run (e.g. waiting for a pool slot forever) fails the test
KILLS = int(os.environ.get("TANDEM_CRASH_KILLS", "10"))
KILL_SEED = 20261125


def tandem_run(home: Path, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
    return tandem(home, "run", timeout=timeout)


def snapshot_of(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(hash of every published table except meta_*, meta_publish.run_id), in one connection.

    Two snapshots hash alike only if every mart holds the same rows in the same order.
    """
    (run_id,) = con.execute("SELECT run_id FROM meta_publish").fetchone()
    return marts_hash_of(con), run_id


def snapshot(marts: Path) -> tuple[str, str]:
    return read_marts(marts, snapshot_of)


def drop_last_records(data: bytes, n: int) -> bytes:
    """The same Google Forms export without its last `n` responses."""
    text = data.decode("utf-8")
    records = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(records[:-n])
    return out.getvalue().encode("utf-8")


class Variants:
    """Two versions of one input file, so that each run changes the marts."""

    def __init__(self, ws: Workspace) -> None:
        self.path = ws.home / PULSE
        self.data = {"A": self.path.read_bytes()}
        self.data["B"] = drop_last_records(self.data["A"], 30)
        self.current = "A"

    def use(self, name: str) -> str:
        self.path.write_bytes(self.data[name])
        self.current = name
        return name

    def toggle(self) -> str:
        return self.use("B" if self.current == "A" else "A")


def build_files(ws: Workspace) -> list[str]:
    return sorted(p.name for p in ws.marts_dir.glob(f"{BUILD_PREFIX}*"))


def instance_for(ws: Workspace) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(ws.dagster_home))


def pool_state(ws: Workspace) -> tuple[list[str], list[str]]:
    """(run ids holding a "duckdb" pool slot, run ids waiting for one)."""
    with instance_for(ws) as instance:
        info = instance.event_log_storage.get_concurrency_info("duckdb")
    return [c.run_id for c in info.claimed_slots], [p.run_id for p in info.pending_steps]


def where_killed(ws: Workspace, known_runs: set[str]) -> str:
    """The step that was running when the run died, from Dagster's event log."""
    with instance_for(ws) as instance:
        runs = [r for r in instance.get_runs(limit=5) if r.run_id not in known_runs]
        if not runs:
            return "before the run started"
        started, ended = [], set()
        for entry in instance.all_logs(runs[0].run_id):
            kind = entry.dagster_event.event_type_value if entry.dagster_event else None
            if kind == "STEP_START":
                started.append(entry.step_key)
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
                ended.add(entry.step_key)
        running = [s for s in started if s not in ended]
        if running:
            return running[-1]
        return f"between steps (after {started[-1]})" if started else "run start"


def publish_window(ws: Workspace) -> float:
    """Seconds from the start of marts_build to the end of published_marts, in the last run."""
    with instance_for(ws) as instance:
        run = instance.get_runs(limit=1)[0]
        times = {
            (e.step_key, e.dagster_event.event_type_value): e.timestamp
            for e in instance.all_logs(run.run_id)
            if e.dagster_event and e.step_key
        }
    return times[("published_marts", "STEP_SUCCESS")] - times[("marts_build", "STEP_START")]


def group_members(pgid: int, grace_s: float = 10.0) -> list[int]:
    """Processes of a process group that still run (zombies do not count), after up to
    `grace_s` seconds: SIGKILL reaches a process in uninterruptible sleep (an fsync, say)
    only when its system call returns."""
    import psutil

    deadline = time.monotonic() + grace_s
    while True:
        alive = []
        for proc in psutil.process_iter(["pid", "status"]):
            try:
                if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                    alive.append(proc.pid)
            except (ProcessLookupError, psutil.Error):
                continue
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def all_run_ids(ws: Workspace) -> set[str]:
    with instance_for(ws) as instance:
        return {r.run_id for r in instance.get_runs()}


def report(label: str, **figures) -> None:
    print(f"\n[{label}] " + json.dumps(figures, default=str))


def make_ops(home: Path) -> tuple[Workspace, Variants, dict[str, str], dict[str, float]]:
    """A half-size demo workspace, run once through the CLI (version A published)."""
    ws = Workspace(home)
    ws.ensure_layout()
    create_key_file(ws.key_file)
    generate_demo(home, seed=2026, scale=0.5)
    settings = ws.settings_file.read_text(encoding="utf-8")
    ws.settings_file.write_text(
        settings + "\n# test: no report rendering, to keep runs short\n"
        "team_reports: false\nreport_formats: []\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    done = tandem_run(home)
    assert done.returncode == 0, done.stderr[-3000:]
    timing = {"run_s": time.monotonic() - started, "publish_window_s": publish_window(ws)}
    report("first run", **{k: round(v, 1) for k, v in timing.items()})
    variants = Variants(ws)
    hashes = {"A": snapshot(ws.marts_file)[0]}
    return ws, variants, hashes, timing


def every_wave(ws: Workspace) -> dict[str, str]:
    """Run tags for a launch of the whole job over every wave partition (as the UI asks)."""
    from pipelines.defs.freshness import wave_range

    with instance_for(ws) as instance:
        return wave_range(instance, instance.get_dynamic_partitions("waves"))
