"""The benchmark survey: 60 items (by default) in 8 constructs, quarterly waves, and the
codebook that maps the Qualtrics export's columns to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipelines.domain.demo.codebooks import COMMENT_QUESTION, ENPS_QUESTION, LABELS
from pipelines.domain.demo.exports import QUALTRICS_META

SURVEY = "bench"

#: (construct, number of items, statement stem); the first four are Tandem's defaults.
CONSTRUCTS: tuple[tuple[str, int], ...] = (
    ("trust", 8), ("empowerment", 8), ("clarity", 8), ("accountability", 8),
    ("recognition", 7), ("growth", 7), ("wellbeing", 7), ("collaboration", 7),
)


@dataclass(frozen=True)
class ItemSpec:
    item_id: str
    construct: str
    reverse: bool
    column: str  # Qualtrics column id
    import_id: str
    text: str


def item_specs(n_items: int = 60) -> list[ItemSpec]:
    """`n_items` items spread over the 8 constructs (60 by default: 4 x 8 + 4 x 7)."""
    counts = np.array([c for _, c in CONSTRUCTS], dtype=float)
    counts = np.maximum(2, np.floor(counts / counts.sum() * n_items)).astype(int)
    while counts.sum() < n_items:
        counts[int(np.argmin(counts))] += 1
    while counts.sum() > n_items:
        counts[int(np.argmax(counts))] -= 1
    specs = []
    for q, ((construct, _), n) in enumerate(zip(CONSTRUCTS, counts, strict=True), start=1):
        prefix = {"clarity": "C", "collaboration": "CO", "trust": "T", "empowerment": "E",
                  "accountability": "A", "recognition": "R", "growth": "G",
                  "wellbeing": "W"}[construct]
        for j in range(1, n + 1):
            reverse = bool(j == n)  # the last item of each construct is reverse-keyed
            item_id = f"{prefix}{j}" + ("R" if reverse else "")
            statement = (f"({construct}, statement {j}) "
                         + ("this is often a problem here." if reverse else "this works well here."))
            specs.append(ItemSpec(item_id, construct, reverse, f"Q{q}_{j}", f"QID{q}_{j}",
                                  statement))
    return specs


def wave_ids(n_waves: int, start: dt.date = dt.date(2024, 3, 1)) -> list[str]:
    """Quarterly waves: 2024-03, 2024-06, ..."""
    out = []
    for w in range(n_waves):
        month = start.month - 1 + 3 * w
        out.append(f"{start.year + month // 12}-{month % 12 + 1:02d}")
    return out


def wave_period(wave_id: str) -> tuple[dt.date, dt.date]:
    year, month = map(int, wave_id.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, 21)


def codebook(specs: list[ItemSpec], waves: list[str]) -> dict:
    items = [{"id": s.item_id, "construct": s.construct, "reverse": s.reverse, "text": s.text,
              "column": {"id": s.column}} for s in specs]
    enps_q = len(CONSTRUCTS) + 1
    items.append({"id": "ENPS", "role": "enps", "text": ENPS_QUESTION,
                  "scale": {"min": 0, "max": 10}, "column": {"id": f"Q{enps_q}"}})
    items.append({"id": "COMMENT", "role": "comment", "text": COMMENT_QUESTION,
                  "column": {"id": f"Q{enps_q + 1}_TEXT"}})
    return {
        "survey_id": SURVEY,
        "title": "Benchmark engagement survey (Qualtrics, numeric values)",
        "scale": {"min": 1, "max": 5, "labels": list(LABELS),
                  "no_answer": ["No basis for evaluation", "-1", "N/A"]},
        "respondent": {
            "id": {"id": "ExternalReference"}, "email": {"id": "RecipientEmail"},
            "team": {"id": "team"}, "timestamp": {"id": "EndDate"}, "status": {"id": "Status"},
            "progress": {"id": "Progress"}, "finished": {"id": "Finished"},
        },
        "team_join": "column",
        "exclude": {"status_values": ["Survey Preview", "Spam", "Test", "1", "8"],
                    "min_progress": 100},
        "waves": {w: {"period_start": wave_period(w)[0], "close_date": wave_period(w)[1]}
                  for w in waves},
        "items": items,
    }


def construct_columns(specs: list[ItemSpec]) -> dict[str, list[tuple[str, bool]]]:
    """construct -> [(Qualtrics column id, reverse)], for the DuckDB floor query."""
    out: dict[str, list[tuple[str, bool]]] = {}
    for s in specs:
        out.setdefault(s.construct, []).append((s.column, s.reverse))
    return out


def export_columns(specs: list[ItemSpec]) -> list[str]:
    enps_q = len(CONSTRUCTS) + 1
    return [c[0] for c in QUALTRICS_META] + [s.column for s in specs] + [f"Q{enps_q}", f"Q{enps_q + 1}_TEXT"]
