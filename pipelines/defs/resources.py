"""The one resource: the workspace that a run reads from and writes to."""

import dagster as dg

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

    def pseudonym_key(self) -> bytes:
        ws = self.workspace()
        return load_key(ws.key_file)


defs = dg.Definitions(resources={"tandem": TandemWorkspace()})
