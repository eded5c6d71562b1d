"""The one resource: the workspace that a run reads from and writes to."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.domain.config.settings import Settings
from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.pseudonym import load_key


class TandemWorkspace(dg.ConfigurableResource):
    """Paths and settings of one organisation's workspace (`--home` / TANDEM_HOME)."""

    home: str = ""

    def workspace(self) -> Workspace:
        return Workspace.resolve(self.home or None)

    def settings(self) -> Settings:
        return self.workspace().settings()

    @contextmanager
    def connect(self, path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only DuckDB connection to a workspace database (state, build or marts)."""
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()

    def pseudonym_key(self) -> bytes:
        ws = self.workspace()
        return load_key(ws.key_file)


defs = dg.Definitions(resources={"tandem": TandemWorkspace()})
