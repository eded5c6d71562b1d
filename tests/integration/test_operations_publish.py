"""Unattended operation: concurrent analysts, SIGKILLed runs, stale files, the run lock.

Everything here is real: `tandem run` in its own process, reader processes with
read-only DuckDB connections, SIGKILL to the run's whole process group, and a
Dagster daemon. The workspace is a half-size demo with report rendering off, so
that one run takes 15-30 s on two cores. Figures are printed (`pytest -s`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.domain.config.workspace import REPO_ROOT, Workspace
from pipelines.domain.demo import generate_demo
from pipelines.domain.ingest.pseudonym import create_key_file
from pipelines.domain.publish.atomic import BUILD_PREFIX, WorkspaceBusy, run_lock

BIN = Path(sys.executable).parent
TANDEM = str(BIN / "tandem")
PULSE = Path("data/raw/surveys/pulse/2026-11/pulse_responses.csv")
RUN_TIMEOUT = 420  # a hung run (e.g. waiting for a pool slot forever) fails the test
KILLS = int(os.environ.get("TANDEM_CRASH_KILLS", "10"))
KILL_SEED = 20261125


# --------------------------------------------------------------------------- helpers


def cli_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would override `--home`."""
    drop = {"TANDEM_HOME", "DAGSTER_HOME", "TANDEM_PSEUDONYM_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def tandem_run(home: Path, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TANDEM, "--home", str(home), "run"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        cwd=REPO_ROOT,
    )


def snapshot_of(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(ordered hash of every published table except meta_*, meta_publish.run_id).

    Rows are hashed in storage order, table by table in name order, so two
    snapshots hash alike only if every mart holds the same rows in the same order.
    """
    tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE NOT starts_with(table_name, 'meta_') ORDER BY table_name"
        ).fetchall()
    ]
    digest = hashlib.sha256()
    for name in tables:
        digest.update(f"\x00{name}\x00".encode())
        cursor = con.execute(f'SELECT * FROM "{name}"')
        while rows := cursor.fetchmany(5000):
            digest.update(repr(rows).encode())
    (run_id,) = con.execute("SELECT run_id FROM meta_publish").fetchone()
    return digest.hexdigest(), run_id


def snapshot(marts: Path) -> tuple[str, str]:
    con = duckdb.connect(str(marts), read_only=True)
    try:
        return snapshot_of(con)
    finally:
        con.close()


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


def group_members(pgid: int) -> list[int]:
    """Processes of a process group that still run (zombies do not count)."""
    import psutil

    alive = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                alive.append(proc.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return alive


def all_run_ids(ws: Workspace) -> set[str]:
    with instance_for(ws) as instance:
        return {r.run_id for r in instance.get_runs()}


def report(label: str, **figures) -> None:
    print(f"\n[{label}] " + json.dumps(figures, default=str))


# --------------------------------------------------------------------------- the workspace


@pytest.fixture(scope="module")
def ops(tmp_path_factory):
    """A half-size demo workspace, run once through the CLI (version A published)."""
    home = tmp_path_factory.mktemp("ops")
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


# --------------------------------------------------------------------------- concurrency


def _reader(marts: str, out: str, stop) -> None:
    """Loop: open read-only, hash every mart in one connection, read meta_publish, close."""
    with open(out, "w", encoding="utf-8") as sink:
        while not stop.is_set():
            record: dict = {"t": time.time()}
            try:
                started = time.perf_counter()
                con = duckdb.connect(marts, read_only=True)
                record["open_s"] = time.perf_counter() - started
                try:
                    record["hash"], record["run_id"] = snapshot_of(con)
                finally:
                    con.close()
            except Exception as exc:  # every error is a test failure, reported below
                record["error"] = f"{type(exc).__name__}: {exc}"
            sink.write(json.dumps(record) + "\n")
            sink.flush()
            time.sleep(0.5)  # an analyst's pace, not a busy loop starving the run of CPU


def _records(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_readers_see_the_old_or_the_new_marts_never_a_mix(ops, tmp_path):
    ws, variants, hashes, _ = ops
    old_hash, old_run = snapshot(ws.marts_file)
    variants.use("B")

    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    outs = [tmp_path / f"reader-{i}.jsonl" for i in range(3)]
    readers = [ctx.Process(target=_reader, args=(str(ws.marts_file), str(o), stop)) for o in outs]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 60
        while not all(_records(o) for o in outs):  # every reader has read the old version
            assert time.monotonic() < deadline, "the readers did not start"
            time.sleep(0.2)
        started = time.monotonic()
        done = tandem_run(ws.home)
        run_seconds = time.monotonic() - started
        assert done.returncode == 0, done.stderr[-3000:]
        finished = time.time()
        deadline = time.monotonic() + 60
        while not all(sum(r["t"] > finished for r in _records(o)) >= 2 for o in outs):
            assert time.monotonic() < deadline, "the readers stopped reading"
            time.sleep(0.2)
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
            if reader.is_alive():
                reader.kill()

    new_hash, new_run = snapshot(ws.marts_file)
    hashes["B"] = new_hash
    records = [r for o in outs for r in _records(o)]
    errors = [r["error"] for r in records if "error" in r]
    opens = sorted(r["open_s"] for r in records if "open_s" in r)
    seen = {(r["hash"], r["run_id"]) for r in records if "hash" in r}
    report(
        "concurrency",
        run_seconds=round(run_seconds, 1),
        snapshots=len(records),
        errors=len(errors),
        open_s_median=round(statistics.median(opens), 4),
        open_s_max=round(opens[-1], 4),
        saw_old=sum(r.get("run_id") == old_run for r in records),
        saw_new=sum(r.get("run_id") == new_run for r in records),
    )
    assert new_hash != old_hash, "the changed input should have changed the marts"
    assert not errors, errors[:5]
    # A lock conflict makes DuckDB raise at once (in about 0.01 s), which `errors` catches;
    # the bound on the time to open guards against waiting of any other kind. On a loaded
    # two-core machine a CPU-starved open can take about a second, hence the 1 % allowance.
    slow = [o for o in opens if o >= 1.0]
    assert len(slow) <= len(opens) // 100 and opens[-1] < 2.0, f"slow read-only opens: {slow}"
    assert seen <= {(old_hash, old_run), (new_hash, new_run)}, "a snapshot mixed two versions"
    assert (old_hash, old_run) in seen and (new_hash, new_run) in seen
    for out in outs:  # every reader ends on the new version
        assert _records(out)[-1]["run_id"] == new_run


# --------------------------------------------------------------------------- crash recovery


def _kill_group_after(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the run's process group after `delay` s; False if it ended first."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def _start_run(ws: Workspace) -> subprocess.Popen:
    return subprocess.Popen(
        [TANDEM, "--home", str(ws.home), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=cli_env(),
        cwd=REPO_ROOT,
        start_new_session=True,  # its own process group: SIGKILL takes every child with it
    )


def test_sigkill_at_random_moments_leaves_the_published_marts_intact(ops):
    ws, variants, hashes, _ = ops
    if "B" not in hashes:  # run on its own: publish version B once
        variants.use("B")
        assert tandem_run(ws.home).returncode == 0
        hashes["B"] = snapshot(ws.marts_file)[0]
    # measure a run like those of the loop: one changed file to parse, new marts to publish
    variants.toggle()
    started = time.monotonic()
    done = tandem_run(ws.home)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert snapshot(ws.marts_file)[0] == hashes[variants.current]
    window = publish_window(ws)

    # seeded delays: most spread evenly (stratified) over the whole run, the rest aimed at
    # the window between the build file's creation and the end of the publish step
    rng = random.Random(KILL_SEED)
    aimed = max(1, KILLS * 3 // 10)
    spread = KILLS - aimed
    plan = [("spread", (i + rng.random()) / spread * 0.95 * duration) for i in range(spread)]
    plan += [("aimed", rng.uniform(0.0, window)) for _ in range(aimed)]
    rng.shuffle(plan)

    outcomes = []
    loop_started = time.monotonic()
    for kind, delay in plan:
        variant = variants.toggle()
        before_hash, before_run = snapshot(ws.marts_file)
        known = all_run_ids(ws)
        stale = set(build_files(ws))
        process = _start_run(ws)
        if kind == "aimed":  # wait for this run's build file
            deadline = time.monotonic() + RUN_TIMEOUT
            while (
                process.poll() is None
                and not {n for n in build_files(ws) if n.endswith(".duckdb")} - stale
            ):
                assert time.monotonic() < deadline, "no build file appeared"
                time.sleep(0.05)
        killed = _kill_group_after(process, delay)
        if not killed:
            assert process.returncode == 0
        assert group_members(process.pid) == [], "a process of the killed run survived"
        after_hash, after_run = snapshot(ws.marts_file)  # opens: never a damaged file
        if after_run == before_run:
            outcome = "old"
            assert after_hash == before_hash
        else:
            outcome = "new"
            other = "A" if variant == "B" else "B"
            assert after_hash == hashes[variant], (
                f"run {after_run} published marts that are not those of its input {variant}"
                + (f" but those of {other}" if after_hash == hashes[other] else "")
                + f"; killed: {killed}, in {where_killed(ws, known)}"
            )
        claimed, _ = pool_state(ws)
        outcomes.append(
            {
                "kind": kind,
                "delay_s": round(delay, 2),
                "killed": killed,
                "in": where_killed(ws, known) if killed else "finished",
                "published": outcome,
                "stale_build_files": len(build_files(ws)),
                "lock_left": ws.lock_file.exists(),
                "slot_left": bool(claimed),
            }
        )
    loop_seconds = time.monotonic() - loop_started

    # the next run recovers by itself: stale files, the lock, the pool slot, the dead runs
    stale = build_files(ws)
    started = time.monotonic()
    done = tandem_run(ws.home)
    recovery_seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert snapshot(ws.marts_file)[0] == hashes[variants.current]
    assert build_files(ws) == [], "stale build files were not cleaned up"
    assert not ws.lock_file.exists()
    claimed, pending = pool_state(ws)
    assert claimed == [] and pending == [], (claimed, pending)
    with instance_for(ws) as instance:
        unfinished = [r.run_id for r in instance.get_runs() if not r.is_finished]
    assert unfinished == [], f"runs left STARTED: {unfinished}"

    report(
        "crash",
        run_seconds=round(duration, 1),
        publish_window_s=round(window, 1),
        kills=sum(o["killed"] for o in outcomes),
        loop_seconds=round(loop_seconds, 1),
        recovery_run_seconds=round(recovery_seconds, 1),
        stale_before_recovery=stale,
        recovered_runs=done.stdout.count("had died"),
        outcomes=outcomes,
    )
    assert sum(o["killed"] for o in outcomes) >= KILLS - 2, "most runs must be killed, not finish"
    assert any(o["stale_build_files"] for o in outcomes), "no kill hit the build window"
    assert any(o["slot_left"] for o in outcomes), "no kill left a pool slot to recover"
    assert any(o["lock_left"] for o in outcomes), "no kill left a lock to take over"


TORN = """
import os, sys
from pathlib import Path
from pipelines.domain.state import refresh
from pipelines.domain.ingest.pseudonym import load_key
from pipelines.domain.config.workspace import Workspace

def die(*args, **kwargs):  # the process dies like a SIGKILL, here and nowhere else
    os._exit(9)

refresh._register = die
ws = Workspace(Path(sys.argv[1]))
refresh.refresh_state(ws, load_key(ws.key_file), log=lambda message: None)
"""


def test_a_run_killed_between_a_files_rows_and_its_registry_entry_reparses_it(ops):
    """The narrowest window of the crash loop, hit on purpose: the state has committed the
    new rows of a changed file but not yet recorded the file as loaded. If the file then
    changes back, the next run must parse it again, not trust the rows it finds."""
    ws, variants, hashes = ops[:3]
    if "B" not in hashes:
        variants.use("B")
        assert tandem_run(ws.home).returncode == 0
        hashes["B"] = snapshot(ws.marts_file)[0]
    published = variants.current
    assert tandem_run(ws.home).returncode == 0
    assert snapshot(ws.marts_file)[0] == hashes[published]
    variants.toggle()
    died = subprocess.run(
        [sys.executable, "-c", TORN, str(ws.home)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=cli_env(),
        timeout=300,
    )
    assert died.returncode == 9, died.stderr[-2000:]
    variants.use(published)  # the file changes back before the next run
    done = tandem_run(ws.home)
    assert done.returncode == 0, done.stderr[-3000:]
    con = duckdb.connect(str(ws.marts_file), read_only=True)
    try:
        (inputs,) = con.execute("SELECT input_files FROM meta_publish").fetchone()
    finally:
        con.close()
    on_disk = hashlib.sha256(variants.path.read_bytes()).hexdigest()
    assert json.loads(inputs)[PULSE.as_posix()] == on_disk
    assert snapshot(ws.marts_file)[0] == hashes[published], (
        "the marts were built from the rows of the other version of the file, "
        "while meta_publish names this one"
    )


# --------------------------------------------------------------------------- Dagster's daemon


def test_daemon_frees_the_pool_slot_of_a_killed_run(ops):
    """A scheduled run (launched by the daemon) whose worker is SIGKILLed: Dagster's code
    server marks it failed, and the daemon frees its slot after free_slots_after_run_end_seconds."""
    ws = ops[0]
    shipped = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    assert shipped["run_monitoring"]["enabled"]
    assert shipped["run_monitoring"]["free_slots_after_run_end_seconds"] > 0
    # the shipped settings, with shorter intervals so that the test takes seconds
    fast = json.loads(json.dumps(shipped))
    fast["run_monitoring"].update(poll_interval_seconds=2, free_slots_after_run_end_seconds=3)
    (ws.dagster_home / "dagster.yaml").write_text(yaml.safe_dump(fast), encoding="utf-8")
    env = cli_env(DAGSTER_HOME=str(ws.dagster_home), TANDEM_HOME=str(ws.home))
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.definitions"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    timeline = {}
    started = time.monotonic()
    try:
        launched = subprocess.run(
            [
                str(BIN / "dagster"),
                "job",
                "launch",
                "-m",
                "pipelines.definitions",
                "-j",
                "tandem_nightly",
            ],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert launched.returncode == 0, launched.stderr[-2000:]
        with instance_for(ws) as instance:
            run = instance.get_runs(limit=1)[0]
            deadline = time.monotonic() + 180
            while not instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots:
                assert time.monotonic() < deadline, "the daemon never started the run"
                time.sleep(0.3)
            timeline["slot_claimed_s"] = time.monotonic() - started
            pids = {
                int(e.dagster_event.engine_event_data.metadata["pid"].value)
                for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
                if "pid" in (e.dagster_event.engine_event_data.metadata or {})
            }
            assert pids, "the run worker recorded no pid"
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            deadline = killed_at + 90
            while True:
                run = instance.get_run_by_id(run.run_id)
                info = instance.event_log_storage.get_concurrency_info("duckdb")
                if run.is_finished and "run_failed_s" not in timeline:
                    timeline["run_failed_s"] = time.monotonic() - killed_at
                if run.is_finished and not info.claimed_slots and not info.pending_steps:
                    timeline["slot_freed_s"] = time.monotonic() - killed_at
                    break
                assert time.monotonic() < deadline, (run.status, info)
                time.sleep(0.5)
            assert run.status == dg.DagsterRunStatus.FAILURE
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
        ws.ensure_layout()  # restore the shipped dagster.yaml
    report("daemon", **{k: round(v, 1) for k, v in timeline.items()})


# --------------------------------------------------------------------------- the lock

HOLDER = """
import sys, time
from pathlib import Path
from pipelines.domain.publish.atomic import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_live_holder_makes_the_cli_exit_3_and_a_dead_one_is_taken_over(ops):
    ws = ops[0]
    before = ws.marts_file.stat().st_mtime_ns, snapshot(ws.marts_file)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ws.lock_file)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = tandem_run(ws.home, timeout=120)
        assert done.returncode == 3, (done.returncode, done.stderr[-2000:])
        assert f"another Tandem run (pid {holder.pid}) holds" in done.stderr
        assert (ws.marts_file.stat().st_mtime_ns, snapshot(ws.marts_file)) == before
    finally:
        holder.kill()  # SIGKILL: the lock file stays behind, naming a dead pid
        holder.wait()
    assert json.loads(ws.lock_file.read_text())["pid"] == holder.pid
    with run_lock(ws.lock_file):
        assert json.loads(ws.lock_file.read_text())["pid"] == os.getpid()
    assert not ws.lock_file.exists()


def test_lock_takes_over_torn_and_reused_pid_records_and_is_reentrant(tmp_path):
    lock = tmp_path / "run.lock"
    lock.write_text("")  # a holder killed between creating and writing the file
    with run_lock(lock):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    # a pid that is alive but belongs to a process started after the lock was taken
    newcomer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(json.dumps({"pid": newcomer.pid, "since": time.time() - 3600}))
        with run_lock(lock):
            assert json.loads(lock.read_text())["pid"] == os.getpid()
        # ... while the same pid recorded after its start is a live holder
        lock.write_text(json.dumps({"pid": newcomer.pid, "since": time.time()}))
        with pytest.raises(WorkspaceBusy), run_lock(lock):
            pass
        lock.unlink()
    finally:
        newcomer.kill()
        newcomer.wait()
    with run_lock(lock):
        with run_lock(lock):  # nested in the same process: neither retaken nor released
            pass
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()
