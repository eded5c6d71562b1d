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

from pipelines.domain.marts.contract import ContractError, check_table, load_contract

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


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path, phase: str) -> list[str]:
    """Create the models of one phase of the build; return their names in order.

    `"inputs"`: the `stg_` and `int_` models that need nothing from the Python
    layer (every table they read, directly or through other models, is a SQL
    model or the state). `"outputs"`: every other model: the `int_` models that
    read what the Python layer registered (e.g. `int_published_groups` reads
    `int_suppression`), and the `mart_` and `dim_` models.
    """
    if phase not in ("inputs", "outputs"):
        raise ValueError(f"unknown phase {phase!r}")
    if phase == "inputs":
        _create_macros(con, sql_dir)
    models = discover(sql_dir, LAYERS)
    needs_python = _needs_python(models)
    inputs = {name for name in models
              if name.startswith(("stg_", "int_")) and not needs_python[name]}
    chosen = {name: m for name, m in models.items() if (name in inputs) == (phase == "inputs")}
    order = execution_order(chosen)
    for name in order:
        model = chosen[name]
        kind = "TABLE" if model.persistent else "TEMP TABLE"
        body = model.sql.strip().rstrip(";")
        if model.persistent:
            body = _withhold(body, model.path.with_suffix(".yml"))
        try:
            con.execute(f"CREATE OR REPLACE {kind} {name} AS {body}")
        except duckdb.Error as exc:
            raise RuntimeError(f"SQL model {model.path.name} failed: {exc}") from exc
        if model.persistent:
            apply_comments(con, name, model.path.with_suffix(".yml"))
    return [name for name in order if models[name].persistent]


def _create_macros(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> None:
    """Create the macros of `sql/macros.sql`, which the models may use."""
    path = sql_dir / "macros.sql"
    if path.exists():
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise RuntimeError(f"{path.name} failed: {exc}") from exc


def _withhold(body: str, doc_path: Path) -> str:
    """Wrap a published model so that every figure and count of its contract is NULL
    wherever `suppressed` is true: the contract, not each model, decides what is hidden."""
    if not doc_path.exists():
        return body
    protected = load_contract(doc_path).protected
    if not protected:
        return body
    nulled = ", ".join(f"if(suppressed, null, {c}) as {c}" for c in protected)
    return f"select * replace ({nulled}) from (\n{body}\n)"


def _needs_python(models: dict[str, Model]) -> dict[str, bool]:
    """For each model: does it read, directly or not, a table that no SQL model makes?"""
    refs = {name: set(_REF.findall(_strip_comments(m.sql))) - {name} for name, m in models.items()}
    memo: dict[str, bool] = {}

    def visit(name: str) -> bool:
        if name not in memo:
            memo[name] = False
            memo[name] = any(r not in models or visit(r) for r in refs[name])
        return memo[name]

    return {name: visit(name) for name in models}


def apply_comments(con: duckdb.DuckDBPyConnection, table: str, doc_path: Path) -> None:
    """Check the table against its YAML contract, then COMMENT ON it and each column."""
    if not doc_path.exists():
        raise RuntimeError(f"{table} has no documentation file {doc_path.name}")
    try:
        contract = load_contract(doc_path)
    except ContractError as exc:
        raise RuntimeError(str(exc)) from exc
    described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    problems = check_table(contract, described)
    if problems:
        raise RuntimeError(f"{doc_path.name}: " + "; ".join(problems))
    con.execute(f"COMMENT ON TABLE {table} IS {_quote(contract.description)}")
    for column in contract.columns:
        con.execute(f"COMMENT ON COLUMN {table}.{column.name} IS {_quote(column.description)}")


def _quote(text: str) -> str:
    return "'" + " ".join(str(text).split()).replace("'", "''") + "'"
