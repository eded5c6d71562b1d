"""Data model of a parsed export."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FORMATS = (
    "qualtrics",
    "qualtrics_legacy",
    "surveymonkey",
    "google_forms",
    "ms_forms",
    "generic_csv",
)

# Second-row labels of a SurveyMonkey export that mean "the question's only answer column".
SURVEYMONKEY_PLAIN = ("response", "open-ended response")


@dataclass(frozen=True)
class Column:
    """One column of an export.

    position   0-based position, also the label of the column in ``ParsedExport.records``
    id         the column's identifier as written in the file: Qualtrics row 1 (``Q1_1``),
               legacy Qualtrics row 1 (``V7``, ``Q1``), the header cell elsewhere (SurveyMonkey
               sub-columns of a matrix have an empty id, as in the file)
    text       the question text: Qualtrics row 2, legacy row 2 (``Status``, question text),
               SurveyMonkey row 1 filled forward over the blank cells of a matrix, the header
               cell for one-row formats
    import_id  Qualtrics ImportId (row 3), or the question code of a LimeSurvey header
               (``likert2[affSat1]`` from ``likert2[affSat1]. [I find ...]``)
    sub_label  SurveyMonkey row 2 (``Response``, ``Open-Ended Response`` or the row/option
               label), or the row of a Google Forms grid (``Question [Row]``)
    parent     the question text that ``sub_label`` belongs to
    label      a short human name for reports (``Q1_1``, ``Question | Row`` ...)
    """

    position: int
    id: str
    text: str
    import_id: str | None = None
    sub_label: str | None = None
    parent: str | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.id or self.text or f"column {self.position + 1}")


@dataclass
class ParsedExport:
    """A survey export read into memory, before any codebook is applied.

    records         one row per data record (header rows and blank trailing rows dropped);
                    columns are the positions 0..n-1, cells are strings, NaN for blanks
    record_numbers  1-based number of each record, counted after the header rows
    line_numbers    1-based physical line (or worksheet row) where each record starts
    truncated_record  the number of the last record when the file ends in the middle of it
                    (fewer fields than the header, or an open quote, and no final newline)
    """

    path: str
    format: str
    header_rows: int
    delimiter: str | None
    encoding: str
    columns: list[Column]
    records: pd.DataFrame
    record_numbers: np.ndarray
    line_numbers: np.ndarray
    warnings: list[str] = field(default_factory=list)
    truncated_record: int | None = None  # the last record, when the file looks cut off in it

    @property
    def responses(self) -> int:
        return len(self.records)
