"""Shared test helpers: the shared reference files, and the fast tier.

The fast tier (`./tandem test --quick`, i.e. `pytest -m quick`) is every test under
tests/unit but those marked `slow` (they run in the full suite), plus the tests marked
`quick` elsewhere (one small materialization), so that it stays under two minutes."""

from pathlib import Path

import pytest

from tests.shared_files import REPO_ROOT, SHARED

UNIT = REPO_ROOT / "tests" / "unit"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared reference folder {SHARED} is not beside the repository")
    return SHARED


def pytest_collection_modifyitems(config, items):
    for item in items:
        if UNIT in item.path.parents and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.quick)
