"""The `tandem` command as the integration tests run it: a real subprocess of this venv's
entry point, in the repository, with an environment that cannot override `--home`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipelines.domain.config.workspace import REPO_ROOT

BIN = Path(sys.executable).parent
TANDEM = str(BIN / "tandem")


def cli_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would override `--home`."""
    drop = {"TANDEM_HOME", "DAGSTER_HOME", "TANDEM_PSEUDONYM_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def tandem(home: Path, *args: str, stdin: str | None = None, timeout: float = 600, **env):
    return subprocess.run(
        [TANDEM, "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(**env),
        cwd=REPO_ROOT,
    )
