"""Deliver new alerts to the command set in tandem.yaml (`alert_command`).

An alert is new when the previously published marts did not hold it, so a
nightly run does not repeat yesterday's alerts. The command receives one alert
as JSON on standard input per call (mail, a chat webhook via curl, ...).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

KEY = ("wave_id", "alert_type", "group_level", "group_id", "construct")


def read_alerts(marts_file: Path) -> list[dict]:
    if not marts_file.exists():
        return []
    with duckdb.connect(str(marts_file), read_only=True) as con:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'mart_alerts'").fetchone()[0]:
            return []
        frame = con.execute("SELECT * FROM mart_alerts ORDER BY ALL").df()
    return json.loads(frame.to_json(orient="records"))


def new_alerts(previous: list[dict], current: list[dict]) -> list[dict]:
    seen = {tuple(a.get(k) for k in KEY) for a in previous}
    return [a for a in current if tuple(a.get(k) for k in KEY) not in seen]


@dataclass(frozen=True)
class Delivery:
    alert: dict
    returncode: int
    error: str


def deliver(command: str, alerts: list[dict], timeout_s: float = 60.0) -> list[Delivery]:
    """Run `command` once per alert with the alert as JSON on stdin."""
    results = []
    for alert in alerts:
        try:
            done = subprocess.run(command, shell=True, input=json.dumps(alert, sort_keys=True),
                                  text=True, capture_output=True, timeout=timeout_s)
            results.append(Delivery(alert, done.returncode, done.stderr.strip()[-500:]))
        except subprocess.TimeoutExpired:
            results.append(Delivery(alert, -1, f"timed out after {timeout_s:.0f} s"))
    return results
