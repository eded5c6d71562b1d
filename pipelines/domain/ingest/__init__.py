"""Survey export ingest: read any supported export, apply a codebook, exclude, decode.

Pure Python (no Dagster). Typical use::

    parsed = read_export(path)                       # format detected from content
    codebook = load_codebook(codebook_path)
    mapped = map_export(parsed, codebook, wave_id)   # raises CodebookMismatch early
    kept, excluded = apply_exclusions(mapped, codebook)
    codes = decode(kept, codebook)
"""

from pipelines.domain.config.codebook import (
    Codebook,
    ColumnRef,
    ExcludeRules,
    Item,
    Scale,
    Wave,
    item_tokens,
    load_codebook,
    normalize_label,
    parse_codebook,
)
from pipelines.domain.config.errors import (
    CodebookError,
    CodebookMismatch,
    IngestError,
    RejectedFile,
)

from .exclusions import ExclusionResult, apply_exclusions, decode, parse_timestamps
from .inspection import format_inspect_report, guess_wave, inspect_file
from .mapping import RESPONDENT_COLUMNS, MappedExport, map_export
from .model import FORMATS, Column, ParsedExport
from .reader import read_export

__all__ = [
    "FORMATS", "RESPONDENT_COLUMNS",
    "Codebook", "CodebookError", "CodebookMismatch", "Column", "ColumnRef", "ExcludeRules",
    "ExclusionResult", "IngestError", "Item", "MappedExport", "ParsedExport", "RejectedFile",
    "Scale", "Wave",
    "apply_exclusions", "decode", "format_inspect_report", "guess_wave", "inspect_file",
    "item_tokens", "load_codebook", "map_export", "normalize_label", "parse_codebook",
    "parse_timestamps", "read_export",
]
