"""Byte-level checks, encoding guess and delimiter detection on the head of a file.

Only the first bytes are looked at here (64 KB for the binary check, at most 1 MB for
the delimiter), so a large file of junk is rejected quickly and with bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pipelines.domain.config.errors import RejectedFile

BINARY_CHECK_BYTES = 64 * 1024
SNIFF_BYTES = 1024 * 1024
SNIFF_RECORDS = 200
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

BOM_UTF8 = b"\xef\xbb\xbf"
BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Control bytes that never occur in a text export (tab, LF, FF, CR are allowed).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))

# Cells can be long (free-text comments); the csv module's default limit is 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quoting: int = csv.QUOTE_MINIMAL

    def reader(self, stream):
        return csv.reader(stream, delimiter=self.delimiter, quotechar='"',
                          quoting=self.quoting, strict=False)


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def check_text_bytes(head: bytes, path: Path) -> None:
    """Reject empty and binary files from their first 64 KB."""
    name = str(path)
    if not head.strip(b" \t\r\n" + BOM_UTF8):
        raise RejectedFile(f"{name}: the file is empty; expected a survey export "
                           "(CSV/TSV with a header row, or an .xlsx workbook)")
    if head.startswith(BOM_UTF16):
        return
    if head.startswith(OLE_MAGIC):
        raise RejectedFile(f"{name}: this is a legacy Excel .xls (or other OLE) file; "
                           "save it as .xlsx or .csv")
    window = head[:BINARY_CHECK_BYTES]
    if b"\x00" in window:
        raise RejectedFile(f"{name}: binary content (NUL bytes in the first 64 KB); expected a "
                           "CSV/TSV text export or an .xlsx workbook")
    controls = sum(window.count(bytes([b])) for b in _CONTROL)
    if controls > max(8, len(window) // 200):
        raise RejectedFile(f"{name}: binary content ({controls} control bytes in the first "
                           "64 KB); expected a CSV/TSV text export or an .xlsx workbook")


def encoding_candidates(head: bytes) -> list[str]:
    """The base encoding of a file: a BOM decides, else UTF-8.

    A UTF-8 file may hold Windows-1252 (cp1252) bytes, in places or throughout: those are
    decoded as cp1252 by the ``CP1252_FALLBACK`` error handler. Latin-1 is never guessed:
    it would turn any byte, junk included, into text.
    """
    if head.startswith(BOM_UTF8):
        return ["utf-8-sig"]
    if head.startswith(BOM_UTF16):
        return ["utf-16"]
    return ["utf-8"]


#: The codec error handler that decodes each byte that is not valid UTF-8 as cp1252.
CP1252_FALLBACK = "tandem-cp1252"


class UndefinedByte(UnicodeDecodeError):
    """A byte that is neither valid UTF-8 nor a cp1252 character (0x81, 0x8D, 0x8F, 0x90, 0x9D)."""


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError) or isinstance(exc, UndefinedByte):
        raise exc
    chunk = exc.object[exc.start:exc.end]
    try:
        return chunk.decode("cp1252"), exc.end
    except UnicodeDecodeError:
        raise UndefinedByte("cp1252", exc.object, exc.start, exc.end,
                            f"byte 0x{chunk[0]:02X} is neither UTF-8 nor cp1252") from None


codecs.register_error(CP1252_FALLBACK, _cp1252_fallback)


def undefined_byte_message(path: Path) -> str:
    """Where the first byte that is neither UTF-8 nor cp1252 is, in words (reads line by line)."""
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8", CP1252_FALLBACK)
            except UndefinedByte as exc:
                bad = sorted({f"0x{b:02X}" for b in line if b in _UNDEFINED_CP1252})
                return (f"{path}: line {number} holds byte(s) {', '.join(bad)} (the first at byte "
                        f"{exc.start + 1} of the line), which are neither UTF-8 nor Windows-1252 (cp1252) text; "
                        "expected a UTF-8 (or cp1252) text export: export the file again as "
                        "CSV UTF-8")
            except UnicodeDecodeError:
                continue  # a multi-byte character cut by a line end: not the culprit
    return (f"{path}: bytes that are neither UTF-8 nor Windows-1252 (cp1252) text; expected a "
            "UTF-8 (or cp1252) text export")


_UNDEFINED_CP1252 = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))


def decode_head(head: bytes, complete: bool) -> tuple[str, str]:
    """Decode the head of a file; returns (text, encoding label).

    The label is the base encoding when it decodes strictly, else ``cp1252`` (UTF-8 with
    cp1252 bytes). Raises UndefinedByte when a byte is neither.
    """
    enc = encoding_candidates(head)[0]
    data = head
    if not complete:  # a multi-byte character cut at the end of the window is not an error
        try:
            data.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 3 and enc.startswith("utf-8"):
                data = data[: exc.start]
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError:
        if enc == "utf-16":
            raise
    return data.decode(enc, CP1252_FALLBACK), "cp1252"


def sample_records(text: str, dialect: Dialect, complete: bool,
                   limit: int = SNIFF_RECORDS) -> list[list[str]]:
    """Up to ``limit`` non-empty records of ``text``; the last is dropped if it may be cut."""
    rows: list[list[str]] = []
    reader = dialect.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) > limit:
                return rows[:limit]
    except csv.Error:
        return []
    if not complete and rows:
        rows.pop()
    return rows


def _strictly_quoted(text: str, delimiter: str, complete: bool) -> bool:
    """Does ``text`` parse under strict CSV quoting rules (every quoted cell closed)?

    An unquoted TSV whose cell starts with a quote (``"Listen" more``) fails this.
    """
    lines = text.count("\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for n, _ in enumerate(reader):
            if n >= SNIFF_RECORDS:
                break
    except csv.Error:
        return not complete and reader.line_num >= lines  # cut at the end of the window
    return True


def _score(rows: list[list[str]], complete: bool) -> tuple[float, int] | None:
    if not rows or len(rows[0]) < 2:
        return None
    n0 = len(rows[0])
    good = 0
    for row in rows:
        n = len(row)
        if n == n0 or (n > n0 and not any(c.strip() for c in row[n0:])):
            good += 1
    if complete and len(rows) > 1 and 1 < len(rows[-1]) < n0:
        good += 1  # a truncated last line
    return good / len(rows), n0


def _needed(n_rows: int) -> float:
    """Share of consistent records a delimiter needs: all of 3, all but one of 4-10, 90 %."""
    if n_rows > 10:
        return 0.9
    return (n_rows - 1) / n_rows if n_rows >= 4 else 1.0


def detect_dialect(text: str, complete: bool) -> tuple[Dialect, list[list[str]]] | None:
    """Pick the delimiter whose records have the most consistent field count.

    csv.Sniffer is unreliable with multi-row headers and long quoted question texts, so
    every candidate delimiter is tried with a quote-aware parse of the first records, and
    the one where (nearly) every record has as many fields as the first row wins. Ties go
    to the one giving more fields, then to the order comma, semicolon, tab. Returns the
    dialect and the sampled records, or None when no delimiter gives a consistent table.
    """
    best: tuple[tuple[float, int, int], Dialect, list[list[str]]] | None = None
    for order, delim in enumerate(DELIMITERS):
        quotings = [csv.QUOTE_MINIMAL]
        if delim == "\t" and not _strictly_quoted(text, delim, complete):
            quotings = [csv.QUOTE_NONE]  # unquoted TSV whose cells start with '"'
        for quoting in quotings:
            dialect = Dialect(delim, quoting)
            rows = sample_records(text, dialect, complete)
            score = _score(rows, complete)
            if score is None:
                continue
            frac, width = score
            needed = _needed(len(rows))
            if frac < needed:
                continue
            key = (frac, width, -order)
            if best is None or key > best[0]:
                best = (key, dialect, rows)
    if best is None:
        return None
    return best[1], best[2]


def delimiter_name(delim: str | None) -> str:
    if delim is None:
        return "none (xlsx)"
    return DELIMITER_NAMES.get(delim, repr(delim))
