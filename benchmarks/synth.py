"""A fast, vectorized generator of a synthetic organisation for the benchmarks.

It writes a Tandem workspace's `data/raw/` at any scale: per-wave roster CSVs, a
codebook with 60 items in 8 constructs (the four default ones plus four more), and
one Qualtrics "numeric values" export per wave (three header rows: ids, question
texts, ImportIds). Everything is drawn with numpy and written in chunks, so 1M
respondents per wave take seconds per file and little memory.

It is independent of the demo generator `pipelines.domain.demo` (which plants known
answers for 16 items and a few hundred people, one Python object per response), apart
from the Qualtrics metadata header table and the question texts, which it imports.

The parts: the survey and its codebook (`synth_items.py`), the organisation and its
rosters (`synth_org.py`), one wave's export (`synth_export.py`); the entry points are
here.

Layout written under `<home>/data/raw/`:

    roster/<wave>.csv                      employee_id, full_name, email, team, manager_id,
                                           department, tenure_band, location
    surveys/bench/codebook.yaml
    surveys/bench/<wave>/bench_<wave>.csv  Qualtrics numeric export

`respondents` is the number of complete, distinct responses per wave; on top of them
each file carries some mess that ingest must handle: previews (0.05 %), partials
(2 %), earlier duplicate submissions (0.5 %), off-scale codes (1 row in 10,000,
quarantined by validation), "no answer" codes (-1, 1 % of cells) and blanks (1 %).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from synth_export import write_wave
from synth_items import (
    CONSTRUCTS,
    SURVEY,
    codebook,
    construct_columns,
    export_columns,
    item_specs,
    wave_ids,
)
from synth_org import build_org, turnover, write_roster

__all__ = [
    "construct_columns",
    "export_columns",
    "export_path",
    "generate",
    "item_specs",
    "write_extra_wave",
]


def generate(home: Path, respondents: int, n_items: int = 60, n_waves: int = 4,
             extra_waves: int = 1, seed: int = 7) -> dict:
    """Write the workspace's raw data: `n_waves` waves now, `extra_waves` more declared in the
    codebook but written later by `write_extra_wave` (for the incremental measurement)."""
    rng = np.random.default_rng(seed)
    raw = home / "data" / "raw"
    specs = item_specs(n_items)
    waves = wave_ids(n_waves + extra_waves)
    cb = raw / "surveys" / SURVEY / "codebook.yaml"
    cb.parent.mkdir(parents=True, exist_ok=True)
    cb.write_text(yaml.safe_dump(codebook(specs, waves), sort_keys=False, width=1000),
                  encoding="utf-8")
    org = build_org(rng, respondents)
    summary = {"headcount": org.headcount, "teams": len(org.team_names),
               "departments": len(org.dept_names), "items": len(specs),
               "constructs": len(CONSTRUCTS), "waves": {}, "pending_waves": waves[n_waves:]}
    for i, w in enumerate(waves[:n_waves]):
        if i:
            turnover(rng, org)
        write_roster(org, raw / "roster" / f"{w}.csv")
        stats = write_wave(rng, org, specs, w, respondents, export_path(home, w))
        summary["waves"][w] = {"rows": stats.rows, "complete": stats.complete,
                               "bytes": stats.bytes}
    summary["_org"] = org  # kept in memory for write_extra_wave
    summary["_rng"] = rng
    summary["_specs"] = specs
    return summary


def write_extra_wave(home: Path, summary: dict, respondents: int) -> dict:
    """Add the next declared wave (its roster and its export) to the workspace."""
    wave = summary["pending_waves"].pop(0)
    org, rng, specs = summary["_org"], summary["_rng"], summary["_specs"]
    turnover(rng, org)
    raw = home / "data" / "raw"
    write_roster(org, raw / "roster" / f"{wave}.csv")
    stats = write_wave(rng, org, specs, wave, respondents, export_path(home, wave))
    summary["waves"][wave] = {"rows": stats.rows, "complete": stats.complete,
                              "bytes": stats.bytes}
    return {"wave": wave, "rows": stats.rows, "bytes": stats.bytes}


def export_path(home: Path, wave: str) -> Path:
    return home / "data" / "raw" / "surveys" / SURVEY / wave / f"{SURVEY}_{wave}.csv"
