"""The complementary suppression of mart_item_scores on a hand-made wave (k = 5, one item).

The mart's own SQL runs in DuckDB on small input tables, so each rule can be seen at work,
including one the demo never needs: answers of the parent that are in no child (an
'unknown' location) count with the hidden ones.
"""

import duckdb
import pandas as pd
import pytest

from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts import scoring
from pipelines.domain.marts.build import _register
from pipelines.domain.marts.models import _create_macros, _withhold

K = 5
ORG = "Organisation"
#: (group_level, group_id, parent_group_id, answers to the item)
GROUPS = [
    ("org", ORG, None, 60),
    ("department", "Sales", ORG, 40),
    ("department", "Ops", ORG, 20),
    # Ops's teams: E is withheld (4 answers), so D (the only shown sibling) is hidden with it
    ("team", "A", "Sales", 20), ("team", "B", "Sales", 12), ("team", "C", "Sales", 8),
    ("team", "D", "Ops", 16), ("team", "E", "Ops", 4),
    # Sales's locations leave 3 answers of an unknown location: the smaller shown one goes
    ("location", "Sales / London", "Sales", 30), ("location", "Sales / Paris", "Sales", 7),
    ("location", "Ops / London", "Ops", 15), ("location", "Ops / Paris", "Ops", 5),
    # so do the organisation's: 60 - 45 - 12 = 3
    ("location", "London", ORG, 45), ("location", "Paris", ORG, 12),
]


@pytest.fixture(scope="module")
def mart() -> pd.DataFrame:
    stats = pd.DataFrame(
        [("W1", level, gid, parent, "trust", "T1", n, 3 * n, 10 * n, 50 * n, n // 2, n // 4, 5)
         for level, gid, parent, n in GROUPS],
        columns=["wave_id", "group_level", "group_id", "parent_group_id", "construct", "item_id",
                 "n_respondents", "sum_value", "sum_value_sq", "sum_0_100", "favorable",
                 "unfavorable", "n_options"])
    with duckdb.connect() as con:
        _create_macros(con, SQL_DIR)
        _register(con, "int_group_item_stats", stats)
        _register(con, "int_item_figures", scoring.item_scores(con.execute(
            f"SELECT rowid AS stat_id, {', '.join(scoring.ITEM_SUMS)} FROM int_group_item_stats "
            "ORDER BY stat_id").df()))
        con.execute("CREATE TEMP TABLE int_published_groups AS SELECT wave_id, group_level, "
                    "group_id, false AS is_suppressed, NULL::VARCHAR AS suppression_reason, "
                    f"{K} AS min_group_size FROM int_group_item_stats")
        con.execute("CREATE TEMP TABLE int_construct_labels AS SELECT 'trust' AS construct, "
                    "'Trust' AS construct_label")
        con.execute("CREATE TEMP TABLE dim_waves AS SELECT 'W1' AS wave_id, 1 AS wave_seq")
        con.execute("CREATE TEMP TABLE stg_waves AS SELECT 'W1' AS wave_id, 's1' AS survey_id")
        con.execute("CREATE TEMP TABLE stg_items AS SELECT 's1' AS survey_id, 'T1' AS item_id, "
                    "'I trust my manager' AS item_text, false AS is_reverse_keyed")
        path = SQL_DIR / "mart_item_scores.sql"
        body = path.read_text(encoding="utf-8").strip().rstrip(";")
        return con.execute(_withhold(body, path.with_suffix(".yml"))).df()


def test_siblings_are_hidden_smallest_first_until_nothing_below_k_is_left_to_subtract(mart):
    reasons = dict(zip(mart["group_id"], mart["suppression_reason"], strict=True))
    assert {g: r for g, r in reasons.items() if pd.notna(r)} == {
        "E": "fewer_than_k_respondents",
        "D": "complementary_suppression",  # Ops - D would be E's 4 answers
        "Sales / Paris": "complementary_suppression",  # Sales - London would be 3 unknown
        "Paris": "complementary_suppression",  # the organisation - London would be 3 unknown
    }
    # the smallest shown sibling goes, not a larger one: Sales's teams and Ops's locations stay
    hidden = mart[mart["suppressed"]]
    assert hidden["n_respondents"].isna().all() and hidden["score_0_100"].isna().all()
    assert (mart.loc[~mart["suppressed"], "n_respondents"] >= K).all()
