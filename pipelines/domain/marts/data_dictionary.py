"""docs/marts.md, generated from the COMMENT ON statements in the marts file.

The descriptions live beside each model (`sql/<model>.yml`), are applied to
the database at build time, and are read back here, so the document cannot
drift from what analysts see in `duckdb_tables()` and `duckdb_columns()`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.domain.config.workspace import SQL_DIR
from pipelines.domain.marts.contract import contracts
from pipelines.domain.marts.labels import SUPPRESSION_REASONS

EXAMPLE_QUERIES = """\
## Example queries

Open the marts read-only with `./tandem sql` (or `duckdb -readonly data/marts/tandem.duckdb`).

The weakest teams on clarity in the latest wave:

```sql
SELECT group_id AS team, parent_group_id AS department, score_0_100,
       score_ci_low, score_ci_high, n_respondents
FROM mart_team_construct_scores
WHERE construct = 'clarity' AND group_level = 'team' AND NOT suppressed
  AND wave_id = (SELECT wave_id FROM dim_waves ORDER BY wave_seq DESC LIMIT 1)
ORDER BY score_0_100
LIMIT 10;
```

The questions of one team in the latest wave, weakest first, with the change since the
wave before:

```sql
SELECT construct_label, item_text, round(score_0_100) AS score,
       round(pct_favorable) AS pct_favorable, round(score_change) AS change, n_respondents
FROM mart_item_scores
WHERE group_level = 'team' AND group_id = 'Payments' AND NOT suppressed
  AND wave_id = (SELECT wave_id FROM dim_waves ORDER BY wave_seq DESC LIMIT 1)
ORDER BY score_0_100;
```

Significant drops between waves (q < 0.05 and at least the minimum effect):

```sql
SELECT group_level, group_id, construct, from_wave, to_wave,
       round(delta, 1) AS delta, round(q_value, 4) AS q, round(hedges_g, 2) AS g
FROM mart_team_changes
WHERE change = 'down'
ORDER BY delta;
```

Balance quadrant counts by department in the latest wave:

```sql
SELECT parent_group_id AS department, quadrant, count(*) AS teams
FROM mart_team_balance
WHERE group_level = 'team' AND NOT suppressed
  AND wave_id = (SELECT wave_id FROM dim_waves ORDER BY wave_seq DESC LIMIT 1)
GROUP BY ALL
ORDER BY department, quadrant;
```

Files and rows that did not make it in:

```sql
SELECT wave_id, file_name, status, rows_read, rows_accepted, rows_excluded,
       rows_quarantined, rows_rejected, message
FROM mart_data_quality
WHERE status <> 'accepted';
```
"""

HEADER = """\
# The marts: a data dictionary for analysts

Generated from the comments in `data/marts/tandem.duckdb` by `tandem docs`; do
not edit by hand. Each table is built by the SQL model of the same name under
`sql/` (its description is in `sql/<table>.yml`). The published file holds
aggregates only. A row with `suppressed = true` carries no figure at all, not
even its count: the group has fewer respondents than the minimum group size
(`min_group_size` in `tandem.yaml`, default 5), or its figure could reveal a
smaller group by subtraction (see `docs/confidentiality.md`).
"""


ROLES_TEXT = """\
Every column has a role (declared in `sql/<table>.yml`, the contract that the
publish checks enforce): **key** columns identify a row and are unique together;
a **figure** is computed from answers and kept at full precision (the reports
round it to the digits given in brackets); a **count** is a number of people,
answers or rows; a **label** is words or context. In a row with
`suppressed = true` every figure and count is NULL.
"""


def _reasons_text() -> str:
    lines = ["## Why a figure is missing", "",
             "`suppression_reason` says why a row is withheld:", ""]
    lines += [f"- `{code}`: {text}." for code, text in SUPPRESSION_REASONS.items()]
    lines += ["- `earlier_wave_<reason>` (changes only): the earlier wave's group was withheld "
              "for that reason, so no change can be shown.", ""]
    return "\n".join(lines)


def render(marts_file: Path, sql_dir: Path = SQL_DIR) -> str:
    with duckdb.connect(str(marts_file), read_only=True) as con:
        tables = con.execute("""
            SELECT table_name, comment FROM duckdb_tables()
            WHERE table_name LIKE 'mart_%' OR table_name LIKE 'dim_%' OR table_name LIKE 'meta_%'
            ORDER BY CASE WHEN table_name LIKE 'mart_%' THEN 0 WHEN table_name LIKE 'dim_%' THEN 1 ELSE 2 END,
                     table_name""").fetchall()
        columns = con.execute("""
            SELECT table_name, column_name, data_type, comment FROM duckdb_columns()
            ORDER BY table_name, column_index""").fetchall()
    roles = {(name, c.name): c for name, contract in contracts(sql_dir).items()
             for c in contract.columns}
    parts = [HEADER, ROLES_TEXT, _reasons_text(), "## Tables\n"]
    parts += [f"- [`{name}`](#{name.replace('_', '-')}): {_first_sentence(comment)}" for name, comment in tables]
    parts.append("")
    for name, comment in tables:
        source = f"`sql/{name}.sql`" if not name.startswith("meta_") else "written by the publish step"
        parts += [f"## {name}", "", comment or "", "", f"Built by {source}.", "",
                  "| column | role | type | description |", "|---|---|---|---|"]
        parts += [f"| `{col}` | {_role(roles.get((name, col)))} | {dtype} | "
                  f"{(desc or '').replace('|', '/')} |"
                  for table, col, dtype, desc in columns if table == name]
        parts.append("")
    parts.append(EXAMPLE_QUERIES)
    return "\n".join(parts)


def _role(column) -> str:
    if column is None:
        return ""
    return f"{column.role} ({column.digits})" if column.digits is not None else column.role


def _first_sentence(text: str | None) -> str:
    text = text or ""
    return text.split(". ")[0].rstrip(".") + "."
