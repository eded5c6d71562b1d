"""One wave order everywhere: the natural sort of the wave id, written to dim_waves.wave_seq.

The demo's waves are renamed w9, w10 and w11, whose plain string order (w10, w11,
w9) is wrong. The marts must still compare w9 with w10 and w10 with w11, and the
comment themes must take w9 as w10's previous wave.
"""

import re
import shutil
from pathlib import Path

import pytest

from pipelines.domain.config.waves import wave_order
from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.ingest.pseudonym import load_key
from pipelines.domain.marts.build import build_marts
from pipelines.domain.state.refresh import refresh_state
from tests.integration.conftest import new_workspace

RENAME = {"2025-11": "w9", "2026-05": "w10", "2026-11": "w11"}


def test_wave_order_is_natural():
    assert wave_order(["w10", "w9", "w11"]) == ["w9", "w10", "w11"]
    assert wave_order(["2026-05", "2025-11", "2026-11"]) == ["2025-11", "2026-05", "2026-11"]
    assert wave_order(["2026-Q1", "2025-Q4", "2026-Q2"]) == ["2025-Q4", "2026-Q1", "2026-Q2"]


def _rename_waves(raw: Path) -> None:
    for survey in (raw / "surveys").iterdir():
        codebook = survey / "codebook.yaml"
        text = codebook.read_text(encoding="utf-8")
        for old, new in RENAME.items():
            text = re.sub(rf"^(\s+){re.escape(old)}:$", rf"\g<1>{new}:", text, flags=re.M)
            if (survey / old).is_dir():
                (survey / old).rename(survey / new)
        codebook.write_text(text, encoding="utf-8")
    for old, new in RENAME.items():
        (raw / "roster" / f"{old}.csv").rename(raw / "roster" / f"{new}.csv")
    lineage = raw / "lineage.csv"
    text = lineage.read_text(encoding="utf-8")
    for old, new in RENAME.items():
        text = re.sub(rf",{re.escape(old)}$", f",{new}", text, flags=re.M)
    lineage.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def renamed_marts(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("waves"))
    _rename_waves(ws.raw_dir)
    refresh_state(ws, load_key(ws.key_file), log=lambda message: None)
    target = ws.marts_dir / "build.duckdb"
    build_marts(ws.state_file, target, SQL_DIR, ws.settings())
    import duckdb

    con = duckdb.connect(str(target), read_only=True)
    yield con
    con.close()
    shutil.rmtree(ws.home, ignore_errors=True)


def test_dim_waves_orders_w9_before_w10(renamed_marts):
    rows = renamed_marts.execute("SELECT wave_id, wave_seq FROM dim_waves ORDER BY wave_seq").fetchall()
    assert rows == [("w9", 1), ("w10", 2), ("w11", 3)]


def test_changes_compare_consecutive_waves_in_that_order(renamed_marts):
    pairs = renamed_marts.execute(
        "SELECT DISTINCT from_wave, to_wave FROM mart_team_changes ORDER BY ALL").fetchall()
    assert pairs == [("w10", "w11"), ("w9", "w10")]


def test_comment_themes_take_the_previous_wave_in_that_order(renamed_marts):
    previous = renamed_marts.execute("""
        SELECT DISTINCT wave_id, previous_wave_id FROM mart_comment_themes
        WHERE group_level = 'org' ORDER BY ALL""").fetchall()
    assert previous == [("w10", "w9"), ("w11", "w10"), ("w9", None)]
