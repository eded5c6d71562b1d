"""Where one organisation's files live (BRIEF §5).

The workspace is the repository root unless `--home DIR` or `TANDEM_HOME` says
otherwise. Each workspace has its own Dagster instance directory, so runs and
schedules of a customer's workspace never mix with the demo's.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipelines.domain.config.settings import DEFAULT_SETTINGS_YAML, Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
SQL_DIR = REPO_ROOT / "sql"
HOME_ENV = "TANDEM_HOME"


@dataclass(frozen=True)
class Workspace:
    home: Path

    @classmethod
    def resolve(cls, home: str | Path | None = None) -> Workspace:
        chosen = home or os.environ.get(HOME_ENV) or REPO_ROOT
        return cls(Path(chosen).expanduser().resolve())

    # inputs
    @property
    def settings_file(self) -> Path:
        return self.home / "tandem.yaml"

    @property
    def raw_dir(self) -> Path:
        return self.home / "data" / "raw"

    @property
    def surveys_dir(self) -> Path:
        return self.raw_dir / "surveys"

    @property
    def roster_dir(self) -> Path:
        return self.raw_dir / "roster"

    @property
    def lineage_file(self) -> Path:
        return self.raw_dir / "lineage.csv"

    # outputs
    @property
    def marts_dir(self) -> Path:
        return self.home / "data" / "marts"

    @property
    def marts_file(self) -> Path:
        return self.marts_dir / "tandem.duckdb"

    @property
    def state_dir(self) -> Path:
        return self.home / "data" / "state"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.duckdb"

    @property
    def key_file(self) -> Path:
        return self.state_dir / "pseudonym.key"

    @property
    def lock_file(self) -> Path:
        return self.state_dir / "run.lock"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.home / ".dagster"

    def settings(self) -> Settings:
        return load_settings(self.settings_file)

    def duckdb_config(self) -> dict[str, str]:
        """DuckDB's memory limit and spill folder from the settings, for every writing connection."""
        settings = self.settings()
        spill = self.home / settings.duckdb_temp_directory
        spill.mkdir(parents=True, exist_ok=True)
        return {"memory_limit": settings.duckdb_memory_limit, "temp_directory": str(spill)}

    def ensure_layout(self) -> None:
        """Create the folders and a commented default `tandem.yaml` if missing."""
        for folder in (self.surveys_dir, self.roster_dir, self.marts_dir, self.state_dir,
                       self.reports_dir, self.dagster_home):
            folder.mkdir(parents=True, exist_ok=True)
        if not self.settings_file.exists():
            self.settings_file.write_text(DEFAULT_SETTINGS_YAML, encoding="utf-8")
        instance_yaml = self.dagster_home / "dagster.yaml"
        template = REPO_ROOT / "dagster.yaml"
        if not instance_yaml.exists() or instance_yaml.read_bytes() != template.read_bytes():
            shutil.copyfile(template, instance_yaml)

    def environ(self) -> dict[str, str]:
        """Environment for a Dagster process working on this workspace."""
        env = dict(os.environ)
        env[HOME_ENV] = str(self.home)
        env["DAGSTER_HOME"] = str(self.dagster_home)
        return env
