"""The mart YAML is the contract: every published column declares a role and a type."""

import shutil

import pytest
import yaml

from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts.contract import ROLES, ContractError, contracts, load_contract

PUBLISHED = sorted(p.stem for p in SQL_DIR.glob("*.sql") if p.stem.startswith(("mart_", "dim_")))


def test_every_published_model_has_a_complete_contract():
    found = contracts(SQL_DIR)
    assert sorted(found) == PUBLISHED
    for contract in found.values():
        assert contract.keys, contract.table
        assert all(c.role in ROLES and c.type and c.description for c in contract.columns)


def test_every_figure_says_how_it_is_shown():
    for contract in contracts(SQL_DIR).values():
        for column in contract.columns:
            if column.role == "figure" and column.type == "DOUBLE":
                assert column.digits is not None, f"{contract.table}.{column.name}"


def test_suppressible_marts_protect_every_figure_and_count():
    for contract in contracts(SQL_DIR).values():
        if "suppressed" in contract.names:
            assert set(contract.protected) == set(contract.of_role("figure", "count"))
            assert "suppression_reason" in contract.names, contract.table


@pytest.mark.parametrize("change", ["drop role", "bad role", "drop type"])
def test_a_column_without_a_valid_role_or_type_is_refused(tmp_path, change):
    path = tmp_path / "mart_team_construct_scores.yml"
    shutil.copy(SQL_DIR / path.name, path)
    doc = yaml.safe_load(path.read_text())
    column = doc["columns"][7]
    if change == "drop role":
        del column["role"]
    elif change == "bad role":
        column["role"] = "metric"
    else:
        del column["type"]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(ContractError, match=column["name"]):
        load_contract(path)
