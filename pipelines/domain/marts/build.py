"""Build a complete marts file from the state database.

Layers run in order: SQL staging and intermediate models (TEMP tables), the
statistics that SQL cannot express (Python, from sufficient statistics), the
confidentiality step, then the SQL marts, the only tables written to the file.
The file is a new one; publishing it is a separate, atomic step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from threadpoolctl import threadpool_limits

from pipelines.domain.config.settings import Settings
from pipelines.domain.config.waves import wave_order
from pipelines.domain.marts import changes as change_stats
from pipelines.domain.marts import scoring
from pipelines.domain.marts.comments import comment_marts
from pipelines.domain.marts.disclosure import suppression_table
from pipelines.domain.marts.drivers import group_drivers
from pipelines.domain.marts.labels import labels_table
from pipelines.domain.marts.models import run_models


@dataclass(frozen=True)
class BuildResult:
    tables: dict[str, int]  # mart -> rows


def build_marts(
    state_file: Path, build_file: Path, sql_dir: Path, settings: Settings,
    duckdb_config: dict[str, str] | None = None,
) -> BuildResult:
    """Build every model into the new file `build_file`; `duckdb_config` bounds DuckDB's
    memory (it spills to its temp_directory beyond the limit)."""
    build_file.unlink(missing_ok=True)
    con = duckdb.connect(str(build_file), config=duckdb_config or {})
    try:
        # one thread: parallel float aggregation sums in a varying order, and the marts
        # must be identical row for row between runs on the same input
        con.execute("SET threads = 1")
        con.execute(f"ATTACH '{state_file}' AS state (READ_ONLY)")
        run_models(con, sql_dir, "inputs")
        _register(con, "int_settings", pd.DataFrame([{
            "min_group_size": settings.min_group_size,
            "comment_min_group_size": settings.comment_min_group_size,
            "min_effect": settings.min_effect,
            "low_participation": settings.low_participation,
            "low_alpha": settings.low_alpha,
            "min_participation": settings.min_participation,
        }]))
        # the Python layer works on group-sized matrices: BLAS threads only add overhead
        # (a 70 x 70 eigh took 40-390 ms with two OpenBLAS threads on a loaded machine)
        with threadpool_limits(limits=1):
            _python_layer(con, settings)
        marts = run_models(con, sql_dir, "outputs")
        con.execute("DETACH state")
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in marts}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return BuildResult(tables=counts)


def _df(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


#: SQL types of the columns that the Python layer produces (DOUBLE otherwise), so
#: that a table keeps its types when it happens to be empty.
COLUMN_TYPES = {
    **dict.fromkeys(["wave_id", "group_level", "group_id", "parent_group_id", "measure", "construct", "item_id",
                     "from_wave", "to_wave", "from_group_level", "from_group_id", "change", "quadrant", "outcome", "method",
                     "suppression_reason", "theme", "theme_label", "sentiment_label", "text",
                     "kind", "code", "label"], "VARCHAR"),
    "suppressed": "BOOLEAN",
    **dict.fromkeys(["n_respondents", "n_items", "n_groups", "n", "n_comments", "n_paired",
                     "min_group_size", "comment_min_group_size", "wave_seq", "stat_id"], "BIGINT"),
}


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("incoming_frame", frame)
    columns = ", ".join(f'CAST("{c}" AS {COLUMN_TYPES.get(c, "DOUBLE")}) AS "{c}"' for c in frame.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM incoming_frame")
    con.unregister("incoming_frame")


def _python_layer(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    waves = [r[0] for r in con.execute(
        "SELECT wave_id FROM stg_waves UNION SELECT wave_id FROM int_group_sizes").fetchall()]
    _register(con, "int_wave_order", pd.DataFrame(
        {"wave_id": wave_order(waves), "wave_seq": range(1, len(set(waves)) + 1)}))
    constructs = [r[0] for r in con.execute(
        "SELECT DISTINCT construct FROM stg_items WHERE construct IS NOT NULL").fetchall()]
    _register(con, "int_labels", labels_table(constructs))
    measure_stats = _df(con, "SELECT * FROM int_group_measure_stats ORDER BY ALL")
    item_variances = _df(con, "SELECT * FROM int_group_item_variances ORDER BY ALL")
    scores = scoring.group_scores(measure_stats, item_variances)
    _register(con, "int_group_scores", scores)
    # numbers only (the keys stay in DuckDB): item rows are groups x items, the largest frame
    _register(con, "int_item_figures", scoring.item_scores(_df(con, f"""
        SELECT rowid AS stat_id, {', '.join(scoring.ITEM_SUMS)} FROM int_group_item_stats
        ORDER BY stat_id""")))
    _register(con, "int_balance", scoring.balance(scores, settings.quadrant_threshold))
    _register(con, "int_enps", scoring.group_enps(_df(con, "SELECT * FROM int_group_sizes ORDER BY ALL")))
    _register(con, "int_reliability", scoring.construct_reliability(
        _df(con, "SELECT * FROM int_item_pair_moments ORDER BY ALL")))
    _register(con, "int_icc", scoring.construct_icc(measure_stats))
    lineage = _df(con, "SELECT * FROM stg_lineage ORDER BY ALL")
    changes, history = change_stats.team_changes(
        measure_stats, lineage, settings.min_effect,
        paired=change_stats.oriented_pairs(
            _df(con, "SELECT * FROM int_paired_measure_sums ORDER BY ALL")),
        min_pairs=settings.min_group_size)
    _register(con, "int_changes", changes)
    _register(con, "int_drivers", group_drivers(
        _df(con, "SELECT * FROM int_driver_moments ORDER BY ALL"), scores, settings.driver_min_n))
    suppression = suppression_table(
        _df(con, "SELECT * FROM int_group_sizes ORDER BY ALL"),
        _df(con, "SELECT * FROM int_group_atoms ORDER BY ALL"),
        history,
        settings.min_group_size,
        complementary=settings.differencing_protection,
    )
    _register(con, "int_suppression", suppression)
    themes, quotes = comment_marts(
        _df(con, """
            SELECT m.wave_id, m.group_level, m.group_id, c.response_key, c.comment_text AS text
            FROM stg_comments c JOIN int_group_members m USING (wave_id, response_key)
            WHERE m.group_level IN ('org', 'department', 'team') ORDER BY ALL"""),
        _df(con, """
            SELECT response_key,
                   coalesce(team_id, '(no team)') || ' | ' || tenure_band || ' | ' || location AS atom_id
            FROM int_respondents ORDER BY ALL"""),
        suppression,
        settings.comment_min_group_size,
    )
    _register(con, "int_comment_themes", themes)
    _register(con, "int_comment_quotes", quotes)
