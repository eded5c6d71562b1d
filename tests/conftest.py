"""Shared test helpers: the shared reference files."""

from pathlib import Path

import pytest

from tests.shared_files import SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared reference folder {SHARED} is not beside the repository")
    return SHARED

