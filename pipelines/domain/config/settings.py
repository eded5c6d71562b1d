"""Workspace settings (`tandem.yaml`): one schema, one place for every default.

`settings.yaml` beside this module is the schema: the default `tandem.yaml`,
with one commented line per setting. The `Settings` dataclass, the file that
`tandem init` writes, and the policy constants that other stages read (k, the
comments k) all come from it. Every key is optional; a missing file means all
defaults. Values are validated here so that a bad setting stops a run before
any data is touched.
"""

from __future__ import annotations

from dataclasses import field, fields, make_dataclass
from pathlib import Path
from typing import Any

import yaml

#: The smallest minimum group size we accept: below 3 a group's answers can be
#: recovered almost directly (BRIEF §3).
MIN_ALLOWED_GROUP_SIZE = 3


#: The schema: the default `tandem.yaml`, one commented line per setting. Its values
#: are the defaults, and their YAML types the settings' types.
SCHEMA_FILE = Path(__file__).with_name("settings.yaml")
DEFAULT_SETTINGS_YAML = SCHEMA_FILE.read_text(encoding="utf-8")
DEFAULTS: dict[str, Any] = {
    name: tuple(value) if isinstance(value, list) else value
    for name, value in yaml.safe_load(DEFAULT_SETTINGS_YAML).items()
}
#: k and the comments k, for code that runs without a workspace (tests, tools)
DEFAULT_K: int = DEFAULTS["min_group_size"]
DEFAULT_COMMENT_K: int = DEFAULTS["comment_min_group_size"]


#: Settings that are off (null) by default, and their type when set.
OPTIONAL_TYPES = {"alert_command": str, "min_participation": float}


def _type_of(name: str, default: Any) -> Any:
    if default is None:
        return OPTIONAL_TYPES[name] | None
    if isinstance(default, tuple):
        return tuple[str, ...]
    if isinstance(default, dict):
        return dict[str, str]
    return type(default)


def _field(name: str, default: Any) -> tuple[str, Any, Any]:
    if isinstance(default, dict):  # a mapping setting: each Settings gets its own copy
        return name, _type_of(name, default), field(default_factory=lambda: dict(default),
                                                    hash=False)
    return name, _type_of(name, default), default


def _validate(self) -> None:
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
    if self.driver_min_n < 3:
        raise SettingsError("driver_min_n must be at least 3")
    if self.min_participation is not None and not 0 <= self.min_participation <= 1:
        raise SettingsError("min_participation must be a rate between 0 and 1 (e.g. 0.3), or null")
    if not self.run_time_limit_minutes > 0:
        raise SettingsError("run_time_limit_minutes must be a positive number of minutes")
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


Settings = make_dataclass(
    "Settings",
    [_field(name, default) for name, default in DEFAULTS.items()],
    frozen=True,
    namespace={"__post_init__": _validate, "__module__": __name__,
               "__doc__": "The settings of one workspace (see SCHEMA for each one's meaning)."},
)


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
