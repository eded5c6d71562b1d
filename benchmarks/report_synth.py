"""A synthetic marts file of any size, built directly with DuckDB SQL, for the report benchmark.

    .venv/bin/python benchmarks/report_synth.py OUT.duckdb --respondents 1000000

The pipeline itself does not yet scale to a million respondents, so this writes the mart
tables the reports read (pipelines/domain/report/contract.py) straight from SQL: about 16
respondents a team and 22.7 teams a department (1 M respondents: 62,500 teams, 2,750
departments), four constructs, two waves, 4 % of the teams too small to show, drivers for
groups over 25 respondents, changes between the waves, and a few alerts and comments.
Figures are deterministic pseudo-random values from hash(); they are plausible, not real.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from pipelines.domain.report.contract import TABLES

WAVES = ("2026-05", "2026-11")
CONSTRUCTS = ("trust", "empowerment", "clarity", "accountability")


def _ddl(con: duckdb.DuckDBPyConnection) -> None:
    types = {
        "suppressed": "boolean",
        "over_100_flag": "boolean",
        "n_respondents": "bigint",
        "n": "bigint",
        "n_items": "bigint",
        "n_groups": "bigint",
        "headcount": "bigint",
        "respondents": "bigint",
        "n_comments": "bigint",
        "rows_read": "bigint",
        "rows_accepted": "bigint",
        "rows_excluded": "bigint",
        "excluded_preview_test_spam": "bigint",
        "excluded_partial": "bigint",
        "excluded_duplicate": "bigint",
        "rows_quarantined": "bigint",
    }
    text = {
        "wave_id", "group_level", "group_id", "parent_group_id", "construct", "quadrant",
        "suppression_reason", "from_wave", "to_wave", "change", "outcome", "method",
        "survey_id", "file_name", "file_hash", "status", "message", "theme", "theme_label",
        "sentiment_label", "text", "alert_type",
    }  # fmt: skip
    for table, columns in TABLES.items():
        cols = ", ".join(
            f'"{c}" {types.get(c, "varchar" if c in text else "double")}' for c in columns
        )
        con.execute(f"create table {table} ({cols})")


def build(path: Path, respondents: int) -> dict[str, int]:
    n_teams = max(1, round(respondents / 16))
    n_departments = max(1, round(n_teams / 22.7))
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    _ddl(con)
    con.execute(
        f"""
        create temp table groups as
        with teams as (
            select 'team' as group_level, printf('Team %06d', i) as group_id,
                   printf('Department %04d', i % {n_departments}) as parent_group_id,
                   case when hash(i) % 25 = 0 then 3 else 10 + hash(i * 7) % 14 end as n
            from range({n_teams}) t(i)
        ), departments as (
            select 'department', printf('Department %04d', d), 'Organisation',
                   (select sum(n) from teams where parent_group_id = printf('Department %04d', d))
            from range({n_departments}) t(d)
        )
        select * from teams
        union all select * from departments
        union all select 'org', 'Organisation', null, {respondents}
        """
    )
    waves = ", ".join(f"('{w}', {i})" for i, w in enumerate(WAVES))
    constructs = ", ".join(f"('{c}')" for c in CONSTRUCTS)
    con.execute(
        f"""
        create temp table cells as
        select w.wave_id, g.*, c.construct, g.n < 5 as small,
               40 + (hash(g.group_id || c.construct || w.wave_id) % 4500) / 100.0
                  * (case when g.group_level = 'team' then 1 else 0.5 end)
                  + (case when g.group_level = 'team' then 0 else 12 end) as score
        from groups g, (values {waves}) w(wave_id, seq), (values {constructs}) c(construct)
        """
    )
    con.execute(
        """
        insert into mart_team_construct_scores
        select wave_id, group_level, group_id, parent_group_id, construct,
               case when small then null else n end,
               case when small then null else score end,
               case when small then null else score - 30 / sqrt(n) end,
               case when small then null else score + 30 / sqrt(n) end,
               case when small then null else score end,
               case when small then null else (100 - score) * 0.6 end,
               case when small then null else (100 - score) * 0.4 end,
               case when small then null else score - 20 / sqrt(n) end,
               case when small then null else score + 20 / sqrt(n) end,
               case when small then null else 0.7 + (hash(group_id) % 25) / 100.0 end,
               small, case when small then 'min_group_size' end
        from cells
        """
    )
    con.execute(
        """
        insert into mart_team_balance
        select wave_id, group_level, group_id, parent_group_id,
               l, l - h, l + h, m, m - h, m + h,
               case when small then null
                    when l - h >= 60 and m - h >= 60 then 'in_tandem'
                    when l - h >= 60 and m + h < 60 then 'chaos_risk'
                    when l + h < 60 and m - h >= 60 then 'stagnation_risk'
                    when l + h < 60 and m + h < 60 then 'adrift'
                    else 'unclear' end,
               small, case when small then 'min_group_size' end
        from (
            select wave_id, group_level, group_id, parent_group_id, any_value(small) as small,
                   case when any_value(small) then null else
                     avg(score) filter (where construct in ('trust', 'empowerment')) end as l,
                   case when any_value(small) then null else
                     avg(score) filter (where construct in ('clarity', 'accountability')) end as m,
                   20 / sqrt(any_value(n)) as h
            from cells group by all
        )
        """
    )
    con.execute(
        """
        insert into mart_participation
        select w.wave_id, group_level, group_id, parent_group_id,
               case when n < 5 then null else round(n / 0.8) end,
               case when n < 5 then null else n end,
               case when n < 5 then null else n / round(n / 0.8) end,
               false, n < 5, case when n < 5 then 'min_group_size' end
        from groups, (values ('2026-05'), ('2026-11')) w(wave_id)
        """
    )
    con.execute(
        """
        insert into mart_enps
        select w.wave_id, group_level, group_id, parent_group_id,
               case when n < 5 then null else n end,
               case when n < 5 then null else p end, case when n < 5 then null else 1 - p - d end,
               case when n < 5 then null else d end,
               case when n < 5 then null else 100 * (p - d) end,
               case when n < 5 then null else 100 * (p - d) - 60 / sqrt(n) end,
               case when n < 5 then null else 100 * (p - d) + 60 / sqrt(n) end,
               n < 5, case when n < 5 then 'min_group_size' end
        from (select *, 0.2 + (hash(group_id) % 20) / 100.0 as p,
                        0.2 + (hash(group_id || 'd') % 25) / 100.0 as d from groups),
             (values ('2026-05'), ('2026-11')) w(wave_id)
        """
    )
    con.execute(
        f"""
        insert into mart_team_changes
        select a.group_level, a.group_id, a.construct, a.wave_id, b.wave_id,
               b.score - a.score, 0.01, 0.02, -0.5,
               case when abs(b.score - a.score) >= 15 then
                 case when b.score > a.score then 'up' else 'down' end else 'none' end,
               a.small, case when a.small then 'min_group_size' end
        from cells a join cells b using (group_level, group_id, construct)
        where a.wave_id = '{WAVES[0]}' and b.wave_id = '{WAVES[1]}'
        """
    )
    con.execute(
        """
        insert into mart_drivers
        select wave_id, group_level, group_id, 'enps', construct,
               0.1 + (hash(group_id || construct) % 30) / 100.0, 'relative_weights', n,
               score - 60, (0.1 + (hash(group_id || construct) % 30) / 100.0) * greatest(0, 65 - score) / 10
        from cells where n > 25
        """
    )
    con.execute(
        """
        insert into mart_alerts
        select wave_id, 'low_participation', group_level, group_id, null, 0.5, 0.6,
               'Participation in ' || group_id || ' was 50% (below 60%)'
        from cells where construct = 'trust' and not small and hash(group_id) % 50 = 0
        """
    )
    for w in WAVES:
        con.execute(
            "insert into mart_data_quality values (?, 'engagement', ?, 'h', 'ok', ?, ?, 10, 5, 3, 2, 0, null)",
            [w, f"engagement_{w}.csv", respondents + 10, respondents],
        )
        con.execute(
            "insert into mart_construct_reliability select ?, construct, ?, 5, 0.82, 0.80, 0.84, 0.83 "
            "from (values ('trust'), ('empowerment'), ('clarity'), ('accountability')) c(construct)",
            [w, respondents],
        )
        con.execute(
            "insert into mart_construct_icc select ?, construct, ?, 0.08, 0.6 "
            "from (values ('trust'), ('empowerment'), ('clarity'), ('accountability')) c(construct)",
            [w, n_teams],
        )
    con.execute(
        """
        insert into mart_comment_themes
        select wave_id, group_level, group_id, t.theme, t.label, t.area, 12, 0.25, 0.1, 0.02
        from cells, (values ('workload', 'Workload', null), ('clarity_goals', 'Clear goals', 'clarity'))
             t(theme, label, area)
        where cells.construct = 'trust' and group_level in ('org', 'department')
        """
    )
    con.execute(
        """
        insert into mart_comments
        select wave_id, group_level, group_id, 'workload', 'negative',
               'Comment ' || i || ' about the workload in ' || group_id
        from cells, range(3) r(i)
        where construct = 'trust' and group_level in ('org', 'department')
        """
    )
    con.execute("checkpoint")
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    con.close()
    return {"teams": n_teams, "departments": n_departments, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--respondents", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = build(args.out, args.respondents)
    print(counts, f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
