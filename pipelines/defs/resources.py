"""The one resource: the workspace that a run reads from and writes to.

It also guards the run (`pipelines.domain.publish.guard`): whoever launched the
run (`tandem run`, the schedule, the sensor, the UI), the resource holds the
workspace lock for the run's whole duration, stops the run at its time limit,
and removes unpublished build files when the run ends.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.domain.config.settings import Settings
from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.pseudonym import load_key
from pipelines.domain.publish.guard import STOP_REASON_TAG, guarded_run


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

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        """Set up once per run (the job runs in one process): lock, watchdog, clean-up."""
        ws = self.workspace()
        limit_s = ws.settings().run_time_limit_minutes * 60
        info = context.log.info if context.log else print
        with guarded_run(ws, limit_s, log=info) as guard:
            try:
                yield self
            finally:
                if guard.timed_out:
                    if context.log:
                        context.log.error(f"Stopped: {guard.stop_reason}")
                    if context.instance and context.run_id:
                        context.instance.add_run_tags(
                            context.run_id, {STOP_REASON_TAG: guard.stop_reason}
                        )
        if guard.removed and context.log:
            context.log.info(
                f"Removed {len(guard.removed)} unpublished build file(s): "
                + ", ".join(p.name for p in guard.removed)
            )


#: One process per run, whatever launched it (the UI materializes assets with the default
#: multiprocess executor otherwise): the guard above then covers the whole run, not one step.
defs = dg.Definitions(resources={"tandem": TandemWorkspace()}, executor=dg.in_process_executor)
