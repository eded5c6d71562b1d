"""The `tandem` command end to end, in a temporary workspace, through real subprocesses."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request

import dagster as dg
import duckdb
import pytest

from pipelines.domain.config.workspace import REPO_ROOT, Workspace
from tests.integration.marts_hash import marts_hash
from tests.integration.tandem_cli import TANDEM, cli_env, tandem

PULSE = "data/raw/surveys/pulse/2026-11/pulse_responses.csv"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`tandem init`, then `tandem demo` (team reports and PDFs off to save time)."""
    home = tmp_path_factory.mktemp("cli") / "workspace"
    done = tandem(home, "init")
    assert done.returncode == 0, done.stderr
    ws = Workspace(home)
    ws.settings_file.write_text(
        ws.settings_file.read_text(encoding="utf-8")
        .replace("team_reports: true", "team_reports: false")
        .replace("report_formats: [html, pdf]", "report_formats: [html]"),
        encoding="utf-8",
    )
    started = time.monotonic()
    done = tandem(home, "demo", "--seed", "2026")
    print(f"\n[cli] tandem demo: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-3000:]
    return ws, done


def test_init_creates_the_layout_and_a_private_key(tmp_path):
    home = tmp_path / "fresh"
    first = tandem(home, "init")
    assert first.returncode == 0, first.stderr
    assert "Created a pseudonymization key" in first.stdout
    ws = Workspace(home)
    key = ws.key_file.read_text().strip()
    assert len(key) >= 32
    assert stat.S_IMODE(ws.key_file.stat().st_mode) == 0o600
    assert ws.settings_file.exists() and ws.surveys_dir.is_dir() and ws.marts_dir.is_dir()
    shipped = (REPO_ROOT / "dagster.yaml").read_bytes()
    assert (ws.dagster_home / "dagster.yaml").read_bytes() == shipped
    again = tandem(home, "init")
    assert again.returncode == 0 and "Created" not in again.stdout
    assert ws.key_file.read_text().strip() == key, "init must never replace a key"


def test_demo_generates_the_organisation_and_publishes(demo):
    ws, done = demo
    assert "Generated the demo organisation" in done.stdout
    assert re.search(r"Run [0-9a-f-]{36} succeeded\.", done.stdout)
    assert ws.marts_file.exists()
    assert (ws.reports_dir / "index.html").exists()
    assert not list(ws.marts_dir.glob(".build-*"))
    assert not ws.lock_file.exists()


def test_status_names_the_last_run_and_the_published_version(demo):
    ws, done = demo
    run_id = re.search(r"Run ([0-9a-f-]{36}) succeeded", done.stdout).group(1)
    status = tandem(ws.home, "status", timeout=120)
    assert status.returncode == 0, status.stderr
    assert re.search(rf"last run: {run_id} SUCCESS", status.stdout), status.stdout
    assert f"built by run {run_id}" in status.stdout
    assert PULSE in status.stdout


def test_sql_answers_a_piped_query_read_only(demo):
    ws, _ = demo
    done = tandem(
        ws.home, "sql", stdin=".mode csv\nselect count(*) from mart_team_construct_scores;\n"
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        (expected,) = con.execute("SELECT count(*) FROM mart_team_construct_scores").fetchone()
    assert expected > 0
    assert done.stdout.strip().splitlines()[-1] == str(expected)
    # the analysts' session cannot write
    write = tandem(ws.home, "sql", stdin="create table scratch as select 1 as x;\n")
    assert "read-only" in (write.stdout + write.stderr).lower()
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        names = {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "scratch" not in names


def test_inspect_json_describes_a_demo_export(demo):
    ws, _ = demo
    codebook = ws.surveys_dir / "pulse" / "codebook.yaml"
    done = tandem(ws.home, "inspect", str(ws.home / PULSE), "--codebook", str(codebook), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["format"] == "google_forms"
    assert report["responses"] > 0
    assert report["mapped_items"], "the codebook maps the item columns"


def test_a_second_run_with_nothing_new_runs_nothing_and_leaves_the_marts(demo):
    ws, _ = demo
    before = marts_hash(ws.marts_file)
    published_at = ws.marts_file.stat().st_mtime_ns
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        runs = len(instance.get_runs())
    started = time.monotonic()
    done = tandem(ws.home, "run")
    print(f"\n[cli] second tandem run: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Nothing changed since the last run" in done.stdout
    with dg.DagsterInstance.from_config(str(ws.dagster_home)) as instance:
        assert len(instance.get_runs()) == runs, "no Dagster run at all"
        wave = instance.get_latest_materialization_event(dg.AssetKey("wave_state"))
        assert wave.asset_materialization.metadata["files_parsed"].value == 3
    assert marts_hash(ws.marts_file) == before
    assert ws.marts_file.stat().st_mtime_ns == published_at, "not even republished"


def test_a_missing_key_stops_the_run_with_exit_code_2(demo, tmp_path):
    ws, _ = demo
    home = tmp_path / "nokey"
    assert tandem(home, "init").returncode == 0
    other = Workspace(home)
    shutil.rmtree(other.raw_dir)
    shutil.copytree(ws.raw_dir, other.raw_dir)
    other.key_file.unlink()
    done = tandem(home, "run", timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "No pseudonymization key" in done.stderr
    assert "TANDEM_PSEUDONYM_KEY" in done.stderr
    short = tandem(home, "run", timeout=120, TANDEM_PSEUDONYM_KEY="too-short")
    assert short.returncode == 2 and "at least 32 characters" in short.stderr
    assert not other.marts_file.exists()
    assert not other.state_file.exists()
    assert not list(other.marts_dir.iterdir()), "nothing may be written to data/marts/"


# --------------------------------------------------------------------------- the UI

QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        name
        assetNodes {
          assetKey { path }
          assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
        }
        schedules { name cronSchedule }
        sensors { name }
      }
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, data: bytes | None = None) -> bytes:
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def test_ui_serves_the_assets_checks_schedule_and_sensor(demo):
    ws, _ = demo
    port = _free_port()
    server = subprocess.Popen(
        [TANDEM, "--home", str(ws.home), "ui", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=cli_env(),
        cwd=REPO_ROOT,
        start_new_session=True,  # dagster dev and its children in one group
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, "tandem ui exited"
            try:
                info = json.loads(_get(f"{base}/server_info"))
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "the UI did not come up"
                time.sleep(1)
        assert info["dagster_webserver_version"]
        answer = json.loads(_get(f"{base}/graphql", json.dumps({"query": QUERY}).encode()))
        assert "errors" not in answer, answer.get("errors")
        (repo,) = answer["data"]["repositoriesOrError"]["nodes"]
        assets = {"/".join(a["assetKey"]["path"]): a for a in repo["assetNodes"]}
        assert {"survey_state", "mart_team_construct_scores", "published_marts",
                "leadership_reports"} <= set(
            assets
        )
        checks = {
            c["name"]: c["blocking"]
            for a in assets.values()
            for c in (a["assetChecksOrError"] or {}).get("checks", [])
        }
        assert checks.get("row_conservation") is True
        assert checks.get("suppression_holds") is True
        assert "tandem_nightly_schedule" in {s["name"] for s in repo["schedules"]}
        assert "raw_files_sensor" in {s["name"] for s in repo["sensors"]}
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(server.pid, signal.SIGKILL)  # whatever did not stop on SIGINT
        except ProcessLookupError:
            pass
        server.wait()
