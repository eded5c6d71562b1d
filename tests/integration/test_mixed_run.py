"""A run that mixes good and bad files: the good data flows on, the bad is held back and named.

Good exports, files with bad rows, a file with duplicates and files that must be rejected
share two waves. The run must succeed; the marts must hold exactly the good records; bad
rows must be in the state quarantine with their messages; rejected files must be named in
mart_data_quality and in the WARN check; every file must conserve its rows.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipelines.domain import ingest
from tests.fixtures.bad_inputs.corpus import (
    HEADER,
    LABELS,
    add_case,
    base_rows,
    load_cases,
    load_manifest,
    new_workspace,
)
from tests.integration.conftest import materialize_all

MIXED = ("tab_delimited", "cp1252_export", "out_of_range", "timestamps_outside_wave",
         "duplicate_respondent_ids", "renamed_columns", "invalid_utf8", "empty_file",
         "codebook_missing_column")
CASES = {c.id: c for c in load_cases() if c.id in MIXED}
#: duplicate_ids.csv: D001 is in records 1, 3, 5 and D002 in 2, 6; the latest submission wins
DUPLICATES_KEPT = {4, 5, 6, 7, 8}
CODES = {label.casefold(): k + 1 for k, label in enumerate(LABELS)}
#: the fast tier's one real materialization (./tandem test --quick): a small workspace
pytestmark = pytest.mark.quick


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("mixed"))
    for case in CASES.values():
        add_case(ws, case, load_manifest()["codebooks"])
    result = materialize_all(ws.home)
    return ws, result


def _marts(ws, sql: str, params=None) -> pd.DataFrame:
    with duckdb.connect(str(ws.marts_file), read_only=True) as con:
        return con.execute(sql, params or []).df()


def _state(ws, sql: str, params=None) -> pd.DataFrame:
    with duckdb.connect(str(ws.state_file), read_only=True) as con:
        return con.execute(sql, params or []).df()


def _good_records(ws) -> pd.DataFrame:
    """Every record that must reach the marts, straight from the files: wave, team, T1, T2."""
    frames = [pd.DataFrame(base_rows(wave), columns=HEADER).assign(wave_id=wave)
              for wave in ("2026-01", "2026-02")]
    for case in CASES.values():
        if case.outcome == "rejected":
            continue
        parsed = ingest.read_export(ws.home / case.path)
        records = parsed.records.set_axis(HEADER, axis=1).assign(
            wave_id=case.wave, record=parsed.record_numbers)
        keep = ~records["record"].isin(case.quarantined)
        if case.id == "duplicate_respondent_ids":
            keep &= records["record"].isin(DUPLICATES_KEPT)
        frames.append(records[keep].drop(columns="record"))
    return pd.concat(frames, ignore_index=True)


def test_the_mixed_run_succeeds(mixed):
    ws, result = mixed
    assert result.success
    names = {"row_conservation", "contract_holds", "marts_conserve_rows", "suppression_holds"}
    checks = [c for c in result.get_asset_check_evaluations() if c.check_name in names]
    assert {c.check_name for c in checks} == names
    for check in checks:
        assert check.passed, (check.asset_key, check.check_name, check.description)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"survey_state", "mart_team_construct_scores", "published_marts",
            "leadership_reports"} <= materialized


def test_good_data_is_in_the_marts_and_bad_rows_are_not(mixed):
    ws, _ = mixed
    good = _good_records(ws)
    assert len(good) == sum(c.rows_accepted for c in CASES.values()) + 2 * len(base_rows("2026-01"))
    good["trust"] = [(CODES[a.casefold()] + CODES[b.casefold()]) / 2
                     for a, b in zip(good["Q1_1"], good["Q1_2"], strict=True)]
    shown = _marts(ws, """SELECT wave_id, group_level, group_id, n_respondents, score_0_100
        FROM mart_team_construct_scores WHERE construct = 'trust' AND NOT suppressed
          AND group_level IN ('org', 'team')""")
    assert set(shown["wave_id"]) == {"2026-01", "2026-02"}
    for row in shown.itertuples():
        mine = good[good["wave_id"] == row.wave_id]
        if row.group_level == "team":
            mine = mine[mine["team"] == row.group_id]
        assert row.n_respondents == len(mine), row
        expected = ((mine["trust"] - 1) / 4 * 100).mean()
        assert row.score_0_100 == pytest.approx(expected, abs=5.1e-5), row  # marts round to 4 places
    teams = set(shown.loc[shown["group_level"] == "team", "group_id"])
    # Delta (3 respondents) is suppressed, and so may be Comet, its only sibling in Product
    assert {"Atlas", "Beacon"} <= teams <= {"Atlas", "Beacon", "Comet"}


def test_bad_rows_are_quarantined_with_messages(mixed):
    ws, _ = mixed
    rows = _state(ws, "SELECT * FROM quarantine ORDER BY path, record_number, column_name")
    expected = {(c.path, r) for c in CASES.values() for r in c.quarantined}
    assert set(zip(rows["path"], rows["record_number"], strict=True)) == expected
    for case in CASES.values():
        for want in case.quarantine:
            hit = rows[(rows["path"] == case.path) & (rows["record_number"] == want["record"])
                       & (rows["rule"] == want["rule"])]
            assert len(hit) == 1 and hit["line_number"].iloc[0] == want["line"]
            for fragment in want["message"]:
                assert fragment in hit["message"].iloc[0]
    held = _state(ws, "SELECT path, count(*) AS n FROM responses GROUP BY path")
    held = dict(zip(held["path"], held["n"], strict=True))
    for case in CASES.values():
        assert held.get(case.path, 0) == case.rows_accepted, case.id


def test_rejected_files_are_named(mixed):
    ws, result = mixed
    quality = _marts(ws, "SELECT * FROM mart_data_quality")
    assert len(quality) == len(CASES) + 2
    rejected = [c for c in CASES.values() if c.outcome == "rejected"]
    assert len(rejected) == 4
    check = [c for c in result.get_asset_check_evaluations() if c.check_name == "rejected_files"][0]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert set(check.metadata["rejected_files"].value) == {c.path for c in rejected}
    for case in rejected:
        row = quality[(quality["file_name"] == case.name) & (quality["survey_id"] == case.survey)]
        assert row["status"].tolist() == ["rejected"]
        for fragment in case.message:
            assert fragment in row["message"].iloc[0]
        assert case.path in check.description
        assert case.message[0] in check.description


def test_every_file_conserves_rows(mixed):
    ws, _ = mixed
    for frame in (_marts(ws, "SELECT * FROM mart_data_quality"), _state(ws, "SELECT * FROM file_loads")):
        total = (frame["rows_accepted"] + frame["rows_excluded"] + frame["rows_quarantined"]
                 + frame["rows_rejected"])
        assert (frame["rows_read"] == total).all()
    quality = _marts(ws, "SELECT * FROM mart_data_quality").set_index("file_name")
    for case in CASES.values():
        row = quality.loc[case.name]
        assert (row["status"], row["rows_read"], row["rows_accepted"], row["rows_quarantined"],
                row["rows_rejected"], row["excluded_duplicate"]) == (
            case.outcome, case.rows_read, case.rows_accepted, len(case.quarantined),
            case.rows_rejected, case.excluded["duplicate"]), case.id
