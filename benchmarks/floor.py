"""DuckDB's own floor: read the same export files and write one team x construct aggregate.

Run in a fresh process by the harness:

    .venv/bin/python benchmarks/floor.py OUT.duckdb SPEC.json FILE.csv [FILE.csv ...]

SPEC.json holds {"columns": [every export column id, in order],
"constructs": {construct: [[column id, reverse], ...]}}. The three Qualtrics header
rows are skipped (`skip=3, header=false`, explicit column names and types), the
complete responses kept (Status 0, Finished 1, Progress 100), the "no answer" code
and off-scale codes dropped, reverse-keyed items flipped (6 - x), and one table
written: wave file x team x construct -> mean answer and number of answers.
This is the least work any pipeline must do on these files; there is no
de-duplication, validation report, pseudonymization or long-form storage.
"""

from __future__ import annotations

import json
import sys
import time


def floor_sql(files: list[str], columns: list[str], constructs: dict[str, list]) -> str:
    item_columns = {c for items in constructs.values() for c, _ in items}
    types = {c: ("INTEGER" if c in item_columns or c == "Progress" else "VARCHAR")
             for c in columns}
    spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
    file_list = "[" + ", ".join(f"'{f}'" for f in files) + "]"

    def keyed(col: str, reverse: bool) -> str:
        value = f'(6 - "{col}")' if reverse else f'"{col}"'
        return f'CASE WHEN "{col}" BETWEEN 1 AND 5 THEN {value} END'

    aggregates = []
    for construct, items in constructs.items():
        sums = " + ".join(f"coalesce(sum({keyed(c, r)}), 0)" for c, r in items)
        counts = " + ".join(f"count({keyed(c, r)})" for c, r in items)
        aggregates.append(f"({sums}) / nullif({counts}, 0) AS \"{construct}__mean\"")
        aggregates.append(f"({counts}) AS \"{construct}__n\"")
    return f"""
CREATE OR REPLACE TABLE team_construct AS
WITH responses AS (
    SELECT * FROM read_csv({file_list}, header = false, skip = 3, delim = ',', quote = '"',
                           escape = '"', columns = {spec}, filename = true)
    WHERE "Status" = '0' AND "Finished" = '1' AND "Progress" = 100
),
wide AS (
    SELECT filename AS wave_file, team, {", ".join(aggregates)}
    FROM responses
    GROUP BY ALL
)
SELECT wave_file, team, split_part(measure, '__', 1) AS construct,
       max(v) FILTER (WHERE ends_with(measure, '__mean')) AS mean_answer,
       CAST(max(v) FILTER (WHERE ends_with(measure, '__n')) AS BIGINT) AS answers
FROM (UNPIVOT wide ON COLUMNS('__') INTO NAME measure VALUE v)
GROUP BY ALL
"""


def run(out: str, spec_path: str, files: list[str]) -> dict:
    import duckdb

    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    started = time.perf_counter()
    con = duckdb.connect(out)
    sql = floor_sql(files, spec["columns"], spec["constructs"])
    con.execute(sql)
    rows, answers = con.execute("SELECT count(*), sum(answers) FROM team_construct").fetchone()
    con.execute("CHECKPOINT")
    con.close()
    return {"rows": rows, "answers": int(answers or 0),
            "seconds_in_process": round(time.perf_counter() - started, 3)}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], sys.argv[3:])))
