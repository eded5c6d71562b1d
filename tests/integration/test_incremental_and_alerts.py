"""A second full run parses nothing; alerts reach the alert command once."""

import json

from tests.integration.conftest import alert_log


def _metadata(result, asset: str) -> dict:
    """The asset's metadata (a run over several waves records it once per wave partition)."""
    events = [e for e in result.get_asset_materialization_events()
              if e.asset_key.to_user_string() == asset]
    assert len({repr(e.materialization.metadata) for e in events}) == 1
    return {k: v.value for k, v in events[0].materialization.metadata.items()}


def test_first_run_parses_every_file(demo_run):
    meta = _metadata(demo_run.result, "wave_state")
    assert meta["files_parsed"] == meta["files_seen"] == 3


def test_second_run_parses_nothing_and_says_so(demo_rerun):
    meta = _metadata(demo_rerun.result, "wave_state")
    assert meta["files_parsed"] == 0
    assert meta["files_unchanged"] == 3
    assert any("No new or changed files" in message for message in demo_rerun.log_messages())


def test_each_alert_reaches_the_command_once_as_json(demo_run, demo_rerun):
    alerts = demo_run.frame("SELECT * FROM mart_alerts")
    assert (alerts["alert_type"] == "significant_drop").any(), "the demo plants a significant drop"
    delivered = [json.loads(line) for line in alert_log(demo_run.ws).read_text().splitlines() if line]
    assert len(delivered) == len(alerts), "every alert once, and none again on the unchanged rerun"
    assert {a["alert_type"] for a in delivered} == set(alerts["alert_type"])
    assert all(a["message"] for a in delivered)
    checks = {c.check_name: c for c in demo_run.result.get_asset_check_evaluations()}
    assert not checks["no_significant_drops"].passed
    assert checks["no_significant_drops"].severity.value == "WARN"
