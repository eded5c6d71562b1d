"""read_export: one entry point for every supported export format."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.domain.config.errors import RejectedFile

from .formats import build_columns, detect_layout, is_ms_forms_header
from .model import Column, ParsedExport
from .sniff import (
    CP1252_FALLBACK,
    SNIFF_BYTES,
    ZIP_MAGIC,
    Dialect,
    UndefinedByte,
    check_text_bytes,
    decode_head,
    delimiter_name,
    detect_dialect,
    encoding_candidates,
    read_head,
    sample_records,
    undefined_byte_message,
)

CHUNK_ROWS = 20_000
_SEP_LINE = re.compile(r'^"?sep=([,;\t|])"?[ \t]*(?:\r\n|\n|\r)')
_BOM_AS_CP1252 = "\u00ef\u00bb\u00bf"
CACHE_SIZE = 200_000  # distinct cell values remembered to share repeats


def read_export(path: str | Path) -> ParsedExport:
    """Read a survey export (CSV, TSV or xlsx) and recognise its vendor layout from content.

    Raises RejectedFile when the file is empty, binary, or has no recognisable table.
    A file with header rows only is accepted and has 0 records.
    """
    path = Path(path)
    if not path.is_file():
        raise RejectedFile(f"{path}: no such file")
    head = read_head(path, SNIFF_BYTES)
    if head.startswith(ZIP_MAGIC):
        return _read_xlsx(path)
    check_text_bytes(head, path)
    complete = len(head) < SNIFF_BYTES
    try:
        text, head_encoding = decode_head(head, complete)
    except UndefinedByte:
        raise RejectedFile(undefined_byte_message(path)) from None
    except UnicodeDecodeError as exc:
        raise RejectedFile(f"{path}: cannot decode the file as UTF-16 ({exc}); expected a "
                           "UTF-8, UTF-16 or cp1252 text export") from None
    preamble = 0
    sep = _SEP_LINE.match(text)
    if sep:  # Excel's "sep=;" first line names the delimiter
        preamble, text = 1, text[sep.end():]
        found = (Dialect(sep.group(1)), sample_records(text, Dialect(sep.group(1)), complete))
    else:
        found = detect_dialect(text, complete)
    if found is None or not found[1]:
        raise RejectedFile(
            f"{path}: cannot find a consistent delimiter (comma, semicolon or tab) in the first "
            "records; expected a survey export with a header row and one row per response")
    dialect, sample = found
    fmt, header_rows = detect_layout(sample[:3])
    enc = encoding_candidates(head)[0]
    if head_encoding != "cp1252":
        try:
            return _read_delimited(path, enc, dialect, fmt, header_rows, preamble)
        except UnicodeDecodeError as exc:
            if enc == "utf-16":
                raise RejectedFile(f"{path}: cannot decode the file as UTF-16 ({exc}); expected "
                                   "a UTF-8, UTF-16 or cp1252 text export") from None
    try:  # UTF-8 with Windows-1252 bytes (a cp1252 export, or mixed encodings)
        return _read_delimited(path, enc, dialect, fmt, header_rows, preamble, CP1252_FALLBACK)
    except UndefinedByte:
        raise RejectedFile(undefined_byte_message(path)) from None


class _Accumulator:
    """Collects records in chunks of object arrays, so memory stays near the data's size."""

    def __init__(self, width: int):
        self.width = width
        self.rows: list[list[str]] = []
        self.lines: list[int] = []
        self.chunks: list[np.ndarray] = []
        self.short = 0
        self.widened = 0
        # all-blank rows are held back: at the end of the file they are not records
        self.pending_blank: list[tuple[list[str], int]] = []
        self.last_row: list[str | None] = []
        self._reset_cache()

    def add(self, row: list[str], line: int) -> None:
        if not "".join(row).strip():
            self.pending_blank.append((row, line))
            return
        if self.pending_blank:  # blank rows in the middle are records
            for brow, bline in self.pending_blank:
                self._append(brow, bline)
            self.pending_blank = []
        self._append(row, line)

    @property
    def count(self) -> int:
        return len(self.lines)

    def _append(self, row: list[str], line: int) -> None:
        n = len(row)
        if n != self.width:
            if n < self.width:
                self.short += 1
                row = row + [""] * (self.width - n)
            elif "".join(row[self.width:]).strip():
                self.widened = max(self.widened, n - self.width)
            else:
                row = row[: self.width]
        # one shared object per repeated value (labels, statuses); blank -> None
        self.rows.append([self._share(c, c) for c in row])
        self.lines.append(line)
        self.last_row = self.rows[-1]
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()
            if len(self._cache) > CACHE_SIZE:
                self._reset_cache()

    def _reset_cache(self) -> None:
        self._cache: dict[str, str | None] = {"": None}
        self._share = self._cache.setdefault

    def flush(self) -> None:
        if not self.rows:
            return
        width = self.width + self.widened
        arr = np.empty((len(self.rows), width), dtype=object)
        if all(len(r) == width for r in self.rows):
            arr[:] = self.rows
        else:
            for i, r in enumerate(self.rows):
                arr[i, : len(r)] = r
        self.chunks.append(arr)
        self.rows = []

    def frame(self, width: int) -> pd.DataFrame:
        self.flush()
        if not self.chunks:
            return pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
        parts = []
        for c in self.chunks:
            if c.shape[1] < width:
                c = np.hstack([c, np.full((c.shape[0], width - c.shape[1]), None, dtype=object)])
            parts.append(c)
        data = np.concatenate(parts) if len(parts) > 1 else parts[0]
        self.chunks = []
        return pd.DataFrame(data, columns=range(width), dtype=object, copy=False)


def _read_delimited(path: Path, encoding: str, dialect: Dialect, fmt: str,
                    header_rows: int, preamble: int = 0, errors: str = "strict") -> ParsedExport:
    header: list[list[str]] = []
    acc: _Accumulator | None = None
    last_line = 0
    with open(path, encoding=encoding, errors=errors, newline="") as fh:
        reader = dialect.reader(fh)
        try:
            for row in reader:
                start, last_line = last_line + 1, reader.line_num
                if not row:
                    continue  # an empty physical line is never a record
                if preamble:
                    preamble -= 1
                    continue
                if not header and row[0].startswith(_BOM_AS_CP1252):
                    row[0] = row[0][len(_BOM_AS_CP1252):]  # UTF-8 BOM on a cp1252 file
                if len(header) < header_rows:
                    header.append(row)
                    if len(header) == header_rows:
                        acc = _Accumulator(len(header[0]))
                    continue
                acc.add(row, start)
        except csv.Error as exc:
            raise RejectedFile(f"{path}: malformed {fmt} export near line {last_line + 1} "
                               f"({exc}); expected a CSV/TSV table") from exc
    if acc is None:
        raise RejectedFile(f"{path}: expected {header_rows} header rows for a {fmt} export, "
                           f"found {len(header)}")
    ended_cleanly = _ends_with_newline(path)
    open_quote = False
    first = acc.lines[-1] if acc.count else 0
    if (acc.count and not acc.pending_blank and dialect.quoting != csv.QUOTE_NONE
            and (last_line > first or not ended_cleanly or _ends_in_newline(acc.last_row))):
        open_quote = _quotes_after(path, encoding, errors, first) % 2 == 1
        if open_quote and last_line > first:
            raise RejectedFile(
                f"{path}: record {acc.count} (line {first}) opens a quoted cell that is never "
                f"closed, so lines {first}-{last_line} were read as one cell; expected every "
                "opening quote to be closed: fix the quote or export the file again")
    label = "cp1252" if errors == CP1252_FALLBACK else encoding
    return _finish(path, fmt, header_rows, dialect.delimiter, label, header, acc,
                   ended_cleanly, open_quote)


def _ends_in_newline(row: list[str | None]) -> bool:
    return any(c is not None and c.endswith(("\n", "\r")) for c in row)


def _quotes_after(path: Path, encoding: str, errors: str, first_line: int) -> int:
    """How many quote characters the physical lines from ``first_line`` on hold."""
    count = 0
    with open(path, encoding=encoding, errors=errors, newline="") as fh:
        for number, line in enumerate(fh, start=1):
            if number >= first_line:
                count += line.count('"')
    return count


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) in (b"\n", b"\r")


def _finish(path: Path, fmt: str, header_rows: int, delimiter: str | None, encoding: str,
            header: list[list[str]], acc: _Accumulator, ended_cleanly: bool,
            open_quote: bool = False) -> ParsedExport:
    warnings: list[str] = []
    width = acc.width + acc.widened
    columns = build_columns(fmt, header, acc.width)
    for i in range(acc.width, width):
        columns.append(Column(i, "", "", label=f"column {i + 1} (no header)"))
    n_records = acc.count
    records = acc.frame(width)
    line_numbers = np.array(acc.lines, dtype=np.int64)
    truncated = None
    if open_quote and not ended_cleanly:
        truncated = n_records
        warnings.append(f"the last record ({n_records}) looks truncated (a quoted cell is never "
                        "closed and there is no final newline)")
    if acc.short:
        last_short = bool(n_records) and records.iloc[-1].isna().iloc[-1]
        if acc.short == 1 and not ended_cleanly and last_short:
            truncated = n_records
            warnings.append("the last record looks truncated (fewer fields than the header and "
                            "no final newline); its missing cells are blank")
        else:
            warnings.append(f"{acc.short} record(s) have fewer fields than the header; "
                            "the missing cells are blank")
    if acc.widened:
        warnings.append(f"some records have {acc.widened} more field(s) than the header; "
                        "the extra cells are kept in unnamed columns")
    return ParsedExport(
        path=str(path), format=fmt, header_rows=header_rows, delimiter=delimiter,
        encoding=encoding, columns=columns, records=records,
        record_numbers=np.arange(1, n_records + 1, dtype=np.int64),
        line_numbers=line_numbers, warnings=warnings, truncated_record=truncated,
    )


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> ParsedExport:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RejectedFile(f"{path}: a ZIP file that is not a readable .xlsx workbook ({exc}); "
                           "expected a Microsoft Forms (or other) .xlsx export") from exc
    try:
        if not wb.worksheets:
            raise RejectedFile(f"{path}: the workbook has no worksheet")
        ws = wb.worksheets[0]
        header: list[list[str]] = []
        acc: _Accumulator | None = None
        pending: list[tuple[list[str], int]] = []
        fmt, header_rows = "generic_csv", 1
        for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
            row = [_xlsx_cell(v) for v in values]
            if acc is not None and len(row) < acc.width:  # worksheets drop trailing blanks
                row += [""] * (acc.width - len(row))
            if acc is None:
                if not any(c.strip() for c in row):
                    continue
                pending.append((row, line))
                if len(pending) < 3:
                    continue
                fmt, header_rows, header, acc = _xlsx_layout(pending)
                for prow, pline in pending[header_rows:]:
                    acc.add(prow, pline)
                continue
            acc.add(row, line)
        if acc is None:
            if not pending:
                raise RejectedFile(f"{path}: the first worksheet is empty; expected a header row "
                                   "and one row per response")
            fmt, header_rows, header, acc = _xlsx_layout(pending)
            for prow, pline in pending[header_rows:]:
                acc.add(prow, pline)
    finally:
        wb.close()
    return _finish(path, fmt, header_rows, None, "xlsx", header, acc, True)


def _xlsx_layout(pending: list[tuple[list[str], int]]):
    rows = [r for r, _ in pending]
    if is_ms_forms_header(rows[0]):
        fmt, header_rows = "ms_forms", 1
    else:
        fmt, header_rows = detect_layout(rows)
        header_rows = min(header_rows, len(rows))
    header = rows[:header_rows]
    width = max(len(r) for r in header)
    while width > 1 and not any(_cell_at(r, width - 1).strip() for r in header):
        width -= 1  # blank formatted columns right of the header
    acc = _Accumulator(width)
    for row, _ in pending:
        row += [""] * (width - len(row))
    return fmt, header_rows, header, acc


def _cell_at(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


__all__ = ["read_export", "delimiter_name"]
