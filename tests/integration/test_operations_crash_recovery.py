"""Unattended operation, crash recovery: `tandem run` SIGKILLed (its whole process group) at
random moments and in the narrowest window of the state refresh leaves the published marts
intact, and the next run recovers by itself. The workspace is the session's `ops`
(tests/integration/ops_workspace.py)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

import duckdb

from pipelines.domain.config.workspace import REPO_ROOT, Workspace
from tests.integration.ops_workspace import (
    KILL_SEED,
    KILLS,
    PULSE,
    RUN_TIMEOUT,
    all_run_ids,
    build_files,
    group_members,
    instance_for,
    pool_state,
    publish_window,
    report,
    snapshot,
    tandem_run,
    where_killed,
)
from tests.integration.tandem_cli import TANDEM, cli_env


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
