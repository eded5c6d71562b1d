"""Workspace settings (`tandem.yaml`) with documented defaults.

Every key is optional; a missing file means all defaults. Values are validated
here so that a bad setting stops a run before any data is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

#: The smallest minimum group size we accept: below 3 a group's answers can be
#: recovered almost directly (BRIEF §3).
MIN_ALLOWED_GROUP_SIZE = 3

DEFAULT_SETTINGS_YAML = """\
# Tandem settings for this workspace. Every key is optional; these are the defaults.

# Confidentiality (docs/confidentiality.md)
min_group_size: 5              # k: groups with fewer respondents show no figure at all (never below 3)
comment_min_group_size: 10     # comments and themes are shown only for groups this large
differencing_protection: true  # also hide groups whose figures would reveal a small group by subtraction

# Scoring (docs/marts.md)
quadrant_threshold: 60         # the "high" line on the 0-100 scale for the balance quadrant
min_effect: 5                  # a change is called only when q < 0.05 and |delta| >= this many points
min_progress: 100              # default for codebooks that set none: partial responses below are excluded
max_comment_length: 2000       # longer comments are truncated (and counted)

# Operations (docs/operations.md)
schedule_cron: "0 2 * * *"     # the nightly run
timezone: "Europe/London"
alert_command: null            # e.g. "mail -s 'Tandem alert' hr@example.com"; gets each alert as JSON on stdin
low_participation: 0.6         # alert below this participation rate
low_alpha: 0.7                 # alert below this Cronbach's alpha

# Reports (docs/reports.md)
team_reports: true             # one report per reportable team (turn off for very large censuses)
report_formats: [html, pdf]
report_scopes:                 # the waves each level is rendered for: all | latest | none
  org: all                     # (`tandem report --scope ... --wave ...` renders any other on demand)
  department: all
  team: latest
"""


@dataclass(frozen=True)
class Settings:
    min_group_size: int = 5
    comment_min_group_size: int = 10
    differencing_protection: bool = True
    quadrant_threshold: float = 60.0
    min_effect: float = 5.0
    min_progress: float = 100.0
    max_comment_length: int = 2000
    schedule_cron: str = "0 2 * * *"
    timezone: str = "Europe/London"
    alert_command: str | None = None
    low_participation: float = 0.6
    low_alpha: float = 0.7
    team_reports: bool = True
    report_formats: tuple[str, ...] = field(default=("html", "pdf"))
    report_scopes: dict[str, str] = field(
        default_factory=lambda: {"org": "all", "department": "all", "team": "latest"},
        hash=False,
    )

    def __post_init__(self) -> None:
        if self.min_group_size < MIN_ALLOWED_GROUP_SIZE:
            raise SettingsError(
                f"min_group_size is {self.min_group_size}; it must be at least "
                f"{MIN_ALLOWED_GROUP_SIZE}, or small groups could be identified"
            )
        if self.comment_min_group_size < self.min_group_size:
            raise SettingsError(
                "comment_min_group_size must be at least min_group_size "
                f"({self.comment_min_group_size} < {self.min_group_size})"
            )
        if not 0 <= self.quadrant_threshold <= 100:
            raise SettingsError("quadrant_threshold must lie on the 0-100 scale")
        levels, choices = {"org", "department", "team"}, {"all", "latest", "none"}
        scopes = self.report_scopes
        if not isinstance(scopes, dict) or any(
            k not in levels or v not in choices for k, v in scopes.items()
        ):
            raise SettingsError(
                f"report_scopes: expected a mapping of org/department/team to all, latest or "
                f"none, got {scopes!r}"
            )
        unknown = set(self.report_formats) - {"html", "pdf"}
        if unknown:
            raise SettingsError(f"report_formats: unknown format(s) {sorted(unknown)}")


class SettingsError(ValueError):
    """A setting in tandem.yaml is invalid."""


def load_settings(path: Path) -> Settings:
    """Read `tandem.yaml`; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
    if "report_formats" in raw:
        raw["report_formats"] = tuple(raw["report_formats"])
    try:
        return Settings(**raw)
    except TypeError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
