"""The mart contract: what each published table holds, read from `sql/<model>.yml`.

Every column of every `mart_` and `dim_` model declares a role:

- `key`: identifies the row; the keys of a table are unique together;
- `figure`: a value computed from answers (a score, an interval, a share, a
  quadrant); NULL wherever the row's group is suppressed; `digits` says how
  many decimals a report shows (the mart keeps full precision);
- `count`: a number of people, answers or rows; NULL where suppressed, too;
- `label`: words and context (a name, a label, a reason, a setting).

and its DuckDB type. The build refuses a model whose YAML misses a column, a
role or a type; the publish checks, the data dictionary and the reports derive
from this contract, so a new figure column is covered by one line of YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ROLES = ("key", "figure", "count", "label")
SUPPRESSED = "suppressed"


class ContractError(ValueError):
    """A model's YAML does not describe its table completely."""


@dataclass(frozen=True)
class Column:
    name: str
    role: str
    type: str
    description: str
    digits: int | None = None


@dataclass(frozen=True)
class Contract:
    table: str
    description: str
    columns: tuple[Column, ...]
    size_column: str | None = None  # shown rows rest on at least k of these

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def of_role(self, *roles: str) -> list[str]:
        return [c.name for c in self.columns if c.role in roles]

    @property
    def keys(self) -> list[str]:
        return self.of_role("key")

    @property
    def protected(self) -> list[str]:
        """Columns that must be NULL in a suppressed row: every figure and count."""
        return self.of_role("figure", "count") if SUPPRESSED in self.names else []

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def load_contract(path: Path) -> Contract:
    """Read and check one model's YAML file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table = doc.get("name") or path.stem
    if not doc.get("description"):
        raise ContractError(f"{path.name}: the table has no description")
    columns = []
    for i, raw in enumerate(doc.get("columns") or []):
        name = raw.get("name")
        where = f"{path.name}: column {name or f'#{i + 1}'}"
        if raw.get("role") not in ROLES:
            raise ContractError(f"{where} has role {raw.get('role')!r}; expected one of {ROLES}")
        if not raw.get("type"):
            raise ContractError(f"{where} has no type")
        if not raw.get("description"):
            raise ContractError(f"{where} has no description")
        if "digits" in raw and raw["role"] != "figure":
            raise ContractError(f"{where}: only a figure has display digits")
        columns.append(Column(name, raw["role"], str(raw["type"]).upper(),
                              " ".join(str(raw["description"]).split()), raw.get("digits")))
    contract = Contract(table, " ".join(str(doc["description"]).split()), tuple(columns),
                        doc.get("size_column"))
    if not contract.keys:
        raise ContractError(f"{path.name}: no column has role key")
    if contract.size_column and contract.size_column not in contract.of_role("count"):
        raise ContractError(f"{path.name}: size_column {contract.size_column} is not a count")
    return contract


@cache
def contracts(sql_dir: Path) -> dict[str, Contract]:
    """The contract of every published model (`mart_*`, `dim_*`) under `sql_dir`."""
    return {p.stem: load_contract(p) for p in sorted(sql_dir.glob("*.yml"))
            if p.stem.startswith(("mart_", "dim_"))}


def check_table(contract: Contract, described: list[tuple[str, str]]) -> list[str]:
    """Problems between a built table's (column, type) list and its contract."""
    actual = dict(described)
    problems = [f"{contract.table}.{c} is not in its YAML contract"
                for c in actual if c not in contract.names]
    problems += [f"{contract.table}.{c} is in the contract but not in the table"
                 for c in contract.names if c not in actual]
    problems += [f"{contract.table}.{c.name} is {actual[c.name]}, the contract says {c.type}"
                 for c in contract.columns if c.name in actual and actual[c.name] != c.type]
    return problems
