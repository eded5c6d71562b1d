"""Run the SQL models under `sql/`: one model per file, named like the file.

`stg_` and `int_` models become TEMP tables of the build connection, so they
never reach the published file; `mart_` models become real tables there.
Each mart has a YAML file beside it (`sql/mart_x.yml`) whose descriptions are
applied with COMMENT ON, so the data dictionary lives in the database itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import yaml

LAYERS = ("stg_", "int_", "mart_", "dim_")
_REF = re.compile(r"\b((?:stg|int|mart|dim)_[a-z0-9_]+)\b")


@dataclass(frozen=True)
class Model:
    name: str
    sql: str
    path: Path

    @property
    def persistent(self) -> bool:
        return self.name.startswith(("mart_", "dim_"))


def discover(sql_dir: Path, prefixes: tuple[str, ...]) -> dict[str, Model]:
    models = {}
    for path in sorted(sql_dir.glob("*.sql")):
        if path.stem.startswith(prefixes):
            models[path.stem] = Model(path.stem, path.read_text(encoding="utf-8"), path)
    return models


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def execution_order(models: dict[str, Model]) -> list[str]:
    """Order models so that each runs after the models it references."""
    graph = {
        name: {ref for ref in _REF.findall(_strip_comments(model.sql)) if ref in models and ref != name}
        for name, model in models.items()
    }
    return list(TopologicalSorter(graph).static_order())


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path, prefixes: tuple[str, ...]) -> list[str]:
    """Create every model whose name starts with one of `prefixes`; return their names in order."""
    models = discover(sql_dir, prefixes)
    order = execution_order(models)
    for name in order:
        model = models[name]
        kind = "TABLE" if model.persistent else "TEMP TABLE"
        body = model.sql.strip().rstrip(";")
        try:
            con.execute(f"CREATE OR REPLACE {kind} {name} AS {body}")
        except duckdb.Error as exc:
            raise RuntimeError(f"SQL model {model.path.name} failed: {exc}") from exc
        if model.persistent:
            apply_comments(con, name, model.path.with_suffix(".yml"))
    return order


def apply_comments(con: duckdb.DuckDBPyConnection, table: str, doc_path: Path) -> None:
    """COMMENT ON the table and each column from the model's YAML file."""
    if not doc_path.exists():
        raise RuntimeError(f"{table} has no documentation file {doc_path.name}")
    doc = yaml.safe_load(doc_path.read_text(encoding="utf-8"))
    con.execute(f"COMMENT ON TABLE {table} IS {_quote(doc['description'])}")
    actual = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    documented = {col["name"]: col["description"] for col in doc.get("columns", [])}
    missing = [c for c in actual if c not in documented]
    if missing:
        raise RuntimeError(f"{doc_path.name} does not describe column(s) {missing}")
    for column in actual:
        con.execute(f"COMMENT ON COLUMN {table}.{column} IS {_quote(documented[column])}")


def _quote(text: str) -> str:
    return "'" + " ".join(str(text).split()).replace("'", "''") + "'"
