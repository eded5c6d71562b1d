"""Determinism: the same inputs and key give the same marts, row for row.

Two fresh workspaces are generated from the same demo seed. Each gets its own
random key file, but both runs take the same key from TANDEM_PSEUDONYM_KEY
(which wins over the file). The two `tandem run`s go in parallel, in separate
processes, which also shows that two workspaces do not share any state.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import duckdb

from pipelines.domain.config.workspace import REPO_ROOT, Workspace
from pipelines.domain.demo import generate_demo
from tests.integration.marts_hash import read_marts, table_hashes
from tests.integration.tandem_cli import TANDEM, cli_env

KEY = "determinism-test-key-" + "0123456789abcdef" * 3
RUN_METADATA = {"run_id", "built_at"}  # the only columns that may differ between runs


def meta_publish(marts: Path) -> dict:
    con = duckdb.connect(str(marts), read_only=True)
    try:
        cursor = con.execute("SELECT * FROM meta_publish")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


def test_two_workspaces_from_the_same_seed_and_key_publish_identical_marts(tmp_path):
    homes = [tmp_path / "first", tmp_path / "second"]
    for home in homes:
        init = subprocess.run(
            [TANDEM, "--home", str(home), "init"],
            capture_output=True,
            text=True,
            env=cli_env(),
            cwd=REPO_ROOT,
            timeout=120,
        )
        assert init.returncode == 0, init.stderr
        generate_demo(home, seed=4242, scale=0.5)
        ws = Workspace(home)
        ws.settings_file.write_text(
            ws.settings_file.read_text(encoding="utf-8")
            + "\nteam_reports: false\nreport_formats: [html]\n",
            encoding="utf-8",
        )
    keys = [Workspace(h).key_file.read_text() for h in homes]
    assert keys[0] != keys[1], "each init makes its own random key; the env key must win"

    started = time.monotonic()
    runs = [
        subprocess.Popen(
            [TANDEM, "--home", str(home), "run"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(TANDEM_PSEUDONYM_KEY=KEY),
            cwd=REPO_ROOT,
        )
        for home in homes
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    seconds = time.monotonic() - started
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-3000:]

    marts = [Workspace(h).marts_file for h in homes]
    first, second = (read_marts(m, table_hashes) for m in marts)
    print(f"\n[determinism] two parallel runs: {seconds:.1f} s; {len(first)} tables compared")
    assert first.keys() == second.keys()
    assert any(name.startswith("mart_") for name in first)
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"tables that differ between the two runs: {differing}"

    meta = [meta_publish(m) for m in marts]
    assert meta[0]["run_id"] != meta[1]["run_id"]
    assert set(meta[0]) >= RUN_METADATA
    for column in set(meta[0]) - RUN_METADATA:
        assert meta[0][column] == meta[1][column], column
    assert json.loads(meta[0]["input_files"]), "meta_publish names the input files"
