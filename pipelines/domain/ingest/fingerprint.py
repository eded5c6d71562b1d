"""The versions of a workspace's inputs: what a run depends on, as content fingerprints.

Four inputs (Dagster records their fingerprints as the data versions of the observable
source assets, and decides from them what is stale):

- `raw_exports`: the survey exports under `data/raw/surveys/<survey>/<wave>/`, one
  fingerprint per wave (the `waves` partitions);
- `rosters`: the roster files and the lineage map;
- `codebooks`: every survey's `codebook.yaml`, as parsed (comments and layout do not count);
- `tandem_settings`: `tandem.yaml` as parsed, and the pseudonym key's digest.

A fingerprint is a sha256 over (relative path, content sha256) pairs, so touching a file
(new mtime, same bytes) leaves it unchanged. Content hashes are memoised by (size, mtime_ns)
in `data/state/file_hashes.json`, so a night with nothing new hashes nothing: it costs a
directory listing and a few stat calls.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.inventory import file_sha256, scan_surveys, wave_key

#: The unpartitioned inputs; `raw_exports` is partitioned by wave.
INPUTS = ("rosters", "codebooks", "tandem_settings")
CACHE_NAME = "file_hashes.json"


class HashCache:
    """Content sha256 of files, recomputed only when a file's size or mtime moved."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._known: dict[str, list] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._known = {}
        self._seen: dict[str, list] = {}

    def sha256(self, file: Path) -> str:
        stat = file.stat()
        key = str(file)
        known = self._known.get(key)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            entry = known
        else:
            entry = [stat.st_size, stat.st_mtime_ns, file_sha256(file)]
        self._seen[key] = entry
        return entry[2]

    def save(self) -> None:
        """Keep the files seen this time (written atomically; a lost cache only costs time)."""
        if self._seen == self._known or not self.path.parent.is_dir():
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._seen, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


@dataclass(frozen=True)
class Fingerprints:
    inputs: dict[str, str]  # rosters, codebooks, tandem_settings -> fingerprint
    waves: dict[str, str]  # `<survey>/<wave>` -> fingerprint of its exports (raw_exports)


def input_fingerprints(ws: Workspace) -> Fingerprints:
    """The fingerprint of each input, and of each wave's exports (a missing input has one too)."""
    cache = HashCache(ws.state_dir / CACHE_NAME)
    surveys = scan_surveys(ws.home, ws.surveys_dir)
    waves: dict[str, list] = {}
    for survey in surveys:
        for raw in survey.files:
            waves.setdefault(wave_key(raw.survey_id, raw.wave_id), []).append(
                (raw.path, cache.sha256(ws.home / raw.path)))
    rosters = [(_rel(ws, p), cache.sha256(p))
               for p in sorted(ws.roster_dir.glob("*.csv")) if ws.roster_dir.is_dir()]
    if ws.lineage_file.is_file():
        rosters.append((_rel(ws, ws.lineage_file), cache.sha256(ws.lineage_file)))
    codebooks = [(survey.survey_id, _parsed_yaml_digest(survey.codebook_path))
                 for survey in surveys]
    settings = [("tandem.yaml", _parsed_yaml_digest(ws.settings_file)),
                ("pseudonym.key", cache.sha256(ws.key_file) if ws.key_file.is_file() else "none")]
    cache.save()
    return Fingerprints(
        inputs={"rosters": files_digest(rosters), "codebooks": files_digest(codebooks),
                "tandem_settings": files_digest(settings)},
        waves={wave: files_digest(files) for wave, files in waves.items()},
    )


def _rel(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.home).as_posix()


def _parsed_yaml_digest(path: Path) -> str:
    """The YAML's content as data: an edited comment or re-indented file does not count."""
    if not path.is_file():
        return "none"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return file_sha256(path)  # unreadable: its bytes are its version (the run reports it)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def files_digest(pairs: list[tuple[str, str]]) -> str:
    """The fingerprint of a set of (relative path, content sha256) pairs."""
    return hashlib.sha256(json.dumps(sorted(pairs)).encode()).hexdigest()[:24]

