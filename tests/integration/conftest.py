"""A demo workspace materialized once per session, through the real Dagster assets."""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import pipelines.defs as defs_package
from pipelines.defs.freshness import full_selection
from pipelines.defs.resources import TandemWorkspace
from pipelines.domain.config.workspace import Workspace
from pipelines.domain.demo import generate_demo
from pipelines.domain.ingest.pseudonym import create_key_file
from tests.integration.ops_workspace import make_ops


def load_definitions() -> dg.Definitions:
    return dg.components.load_defs(defs_package)


def materialize_all(home: Path, instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialize every asset and run every check on the workspace at `home`."""
    definitions = load_definitions()
    instance = instance or dg.DagsterInstance.ephemeral()
    # every asset, and every wave partition in one run (as `tandem run --full` does)
    plan = full_selection(instance, definitions.resolve_asset_graph(), Workspace(home))
    return dg.materialize(
        [*definitions.assets, *definitions.asset_checks],
        selection=plan.assets,
        tags=plan.tags(instance),
        resources={"tandem": TandemWorkspace(home=str(home))},
        instance=instance,
        raise_on_error=False,
    )


def new_workspace(home: Path, seed: int = 2026) -> Workspace:
    ws = Workspace(home)
    ws.ensure_layout()
    create_key_file(ws.key_file)
    generate_demo(home, seed=seed)
    return ws


@dataclass
class DemoRun:
    ws: Workspace
    result: dg.ExecuteInProcessResult
    instance: dg.DagsterInstance | None = None

    def log_messages(self) -> list[str]:
        return [e.user_message for e in self.instance.all_logs(self.result.run_id) if e.user_message]

    def query(self, sql: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.ws.marts_file), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def frame(self, sql: str):
        with duckdb.connect(str(self.ws.marts_file), read_only=True) as con:
            return con.execute(sql).df()


def alert_log(ws: Workspace) -> Path:
    return ws.home / "alerts.jsonl"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    ws = new_workspace(tmp_path_factory.mktemp("demo"))
    with ws.settings_file.open("a", encoding="utf-8") as settings:
        settings.write(f"\nalert_command: '{{ cat; echo; }} >> {alert_log(ws)}'\n")
    instance = dg.DagsterInstance.ephemeral()
    result = materialize_all(ws.home, instance)
    assert result.success, "the demo run failed"
    return DemoRun(ws, result, instance)


@pytest.fixture(scope="session")
def demo_rerun(demo_run) -> DemoRun:
    """The same workspace run again with nothing changed."""
    result = materialize_all(demo_run.ws.home, demo_run.instance)
    assert result.success, "the second demo run failed"
    return DemoRun(demo_run.ws, result, demo_run.instance)


@pytest.fixture(scope="session")
def ops(tmp_path_factory):
    """The unattended-operation workspace (tests/integration/ops_workspace.py), run once and
    shared by the test_operations_* files, which pytest runs in name order: concurrent
    readers (which publishes version B), crash recovery, then the daemon and the lock."""
    return make_ops(tmp_path_factory.mktemp("ops"))
