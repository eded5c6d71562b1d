"""The words a reader sees for each code the marts carry: one vocabulary.

The marts keep the code (`clarity`, `in_tandem`, `down`) as a stable key for
SQL, and carry its label beside it (`construct_label`, `quadrant_label`,
`change_label`), taken from here through the `int_labels` table. The reports
read the same dictionaries. A customer's own construct gets its code in words.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

CONSTRUCT_LABELS = {
    "trust": "Trust",
    "empowerment": "Empowerment",
    "clarity": "Clarity of expectations",
    "accountability": "Accountability",
    "leadership_index": "Leadership index",
    "management_index": "Management index",
}
QUADRANT_LABELS = {
    "in_tandem": "In tandem",
    "chaos_risk": "Chaos risk: vision without execution",
    "stagnation_risk": "Stagnation risk: order without inspiration",
    "adrift": "Adrift",
    "unclear": "Unclear",
}
CHANGE_LABELS = {"up": "Rose", "down": "Fell", "none": "No clear change"}
LEVEL_LABELS = {"org": "Organisation", "department": "Department", "team": "Team",
                "tenure_band": "Tenure band", "location": "Location"}
ALERT_LABELS = {
    "significant_drop": "Significant drop",
    "low_participation": "Low participation",
    "low_reliability": "Low reliability",
}
#: Why a figure is missing (`suppression_reason`), in words a reader understands.
#: `earlier_wave_<reason>` on a change means the earlier wave's group had that reason.
SUPPRESSION_REASONS = {
    "fewer_than_k_respondents": "fewer than k responses (k = min_group_size in tandem.yaml)",
    "complementary_suppression": "hidden to protect a smaller group, whose figures could "
                                 "otherwise be worked out by subtraction",
    "participation_below_minimum": "too few of the group took part (participation below "
                                   "min_participation in tandem.yaml)",
}
VOCABULARY = {
    "construct": CONSTRUCT_LABELS,
    "quadrant": QUADRANT_LABELS,
    "change": CHANGE_LABELS,
    "group_level": LEVEL_LABELS,
    "alert_type": ALERT_LABELS,
}


def construct_label(code: str) -> str:
    """'clarity' -> 'Clarity of expectations'; an unknown 'work_life' -> 'Work life'."""
    return CONSTRUCT_LABELS.get(code) or code.replace("_", " ").strip().capitalize()


def labels_table(constructs: Iterable[str]) -> pd.DataFrame:
    """(kind, code, label) for every code of the vocabulary and every construct in use."""
    rows = [(kind, code, label) for kind, labels in VOCABULARY.items()
            for code, label in labels.items()]
    known = set(CONSTRUCT_LABELS)
    rows += [("construct", c, construct_label(c)) for c in sorted(set(constructs) - known)]
    return pd.DataFrame(rows, columns=["kind", "code", "label"])
