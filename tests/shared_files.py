"""Where the tests find the shared reference files: the folder `shared/` beside the clone
(`../shared`), or a folder named by an environment variable. Tests that need them skip when
they are absent (see the README's Tests section)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


def shared_path(relative: str, env: str | None = None) -> Path | None:
    """The folder named by the environment variable `env` when it is set and exists, else
    `relative` under the shared folder when it exists, else None."""
    candidates = [os.environ.get(env) if env else None, SHARED / relative]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None
