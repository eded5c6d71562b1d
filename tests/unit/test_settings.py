"""One schema for the settings: the dataclass, tandem.yaml and the policy constants agree."""

from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from pipelines.domain import privacy
from pipelines.domain.config.settings import (
    DEFAULT_SETTINGS_YAML,
    DEFAULTS,
    Settings,
    SettingsError,
    load_settings,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_repository_tandem_yaml_is_the_generated_default():
    assert (REPO_ROOT / "tandem.yaml").read_text(encoding="utf-8") == DEFAULT_SETTINGS_YAML


def test_generated_yaml_reads_back_as_the_defaults(tmp_path):
    path = tmp_path / "tandem.yaml"
    path.write_text(DEFAULT_SETTINGS_YAML, encoding="utf-8")
    assert load_settings(path) == Settings()
    assert list(yaml.safe_load(DEFAULT_SETTINGS_YAML)) == list(DEFAULTS)


def test_dataclass_fields_follow_the_schema():
    assert [f.name for f in fields(Settings)] == list(DEFAULTS)
    assert {f.name: getattr(Settings(), f.name) for f in fields(Settings)} == DEFAULTS
    for line in DEFAULT_SETTINGS_YAML.splitlines():  # every setting is explained where it is set
        if line and not line.startswith(("#", " ")):
            assert " # " in line, line


def test_policy_constants_come_from_the_settings():
    assert privacy.DEFAULT_K == Settings().min_group_size
    assert privacy.DEFAULT_COMMENT_K == Settings().comment_min_group_size
    with pytest.raises(SettingsError):
        Settings(min_group_size=privacy.MIN_K - 1)
    with pytest.raises(ValueError):
        privacy.check_k(privacy.MIN_K - 1)
