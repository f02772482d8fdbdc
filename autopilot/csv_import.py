"""Reading a Windows Autopilot device file: pure functions, no database.

Kind on form: the header's columns in any order and any case; Partner Center's header and Intune's; UTF-8 with or
without a byte order mark, UTF-16 with one (what Windows PowerShell writes), otherwise Windows-1252; commas, or the
semicolons and tabs some spreadsheet programs write; quoted fields; blank lines and rows of empty cells ignored.

Strict on content: every value is checked (characters, length, a hardware hash must be base64 of a plausible size),
every row must identify a device, and no device may appear twice. A file that cannot be read as such a list (empty,
binary, a workbook, wrong or missing columns, too big, too many rows) is refused whole with a `CsvFileError`; a row
that is wrong gets `Problem`s, named after the Autopilot service's error codes where it has one.

What is checked against the database (is the device registered already, and to whom?) is the caller's: it collects
every row's `keys` in bulk and hands what it finds to `mark_registered`.
"""

import base64
import binascii
import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Limits. The models use the same lengths, so a row that passes here fits the table.
MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20_000
# Lines of any kind, blank ones and rows of empty cells included: what a file is refused on before anything else is
# done with it. Without it, 95 MB of line breaks (under MAX_BYTES) took a worker past its timeout and a gigabyte of
# memory, to find no device. The allowance over MAX_ROWS is for the blank rows spreadsheets leave at the end.
MAX_LINES = MAX_ROWS + 1_000
SERIAL_MAX = 128
PRODUCT_ID_MAX = 64
MANUFACTURER_MAX = 128
MODEL_MAX = 128
# A hardware hash is the base64 of a binary blob of a few kilobytes (the "4K hardware hash"). Fewer than 256 bytes is
# not one; more than 12,288 (16,384 characters of base64) is not one either.
HASH_MIN_BYTES = 256
HASH_MAX_CHARS = 16_384
# Python's csv module refuses a field longer than this; such a line is not a device list.
FIELD_LIMIT = 131_072

# The columns, as the files name them (not translated: they are the file format).
SERIAL = "serial_number"
PRODUCT_ID = "windows_product_id"
HASH = "hardware_hash"
MANUFACTURER = "manufacturer"
MODEL = "model"
GROUP_TAG = "group_tag"
ASSIGNED_USER = "assigned_user"
COLUMN_TITLES = {
    SERIAL: "Device Serial Number",
    PRODUCT_ID: "Windows Product ID",
    HASH: "Hardware Hash",
    MANUFACTURER: "Manufacturer name",
    MODEL: "Device model",
    GROUP_TAG: "Group Tag",
    ASSIGNED_USER: "Assigned User",
}
_COLUMN_OF_TITLE = {title.lower(): key for key, title in COLUMN_TITLES.items()}
REQUIRED_COLUMNS = (SERIAL, PRODUCT_ID, HASH)
PARTNER_CENTER_HEADER = "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model"
INTUNE_HEADER = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User"
_DELIMITERS = (",", ";", "\t")

# Row problem codes: the Autopilot service's where it has one, ours otherwise.
DUPLICATED = "ZtdDeviceDuplicated"
ALREADY_ASSIGNED = "ZtdDeviceAlreadyAssigned"
OTHER_TENANT = "ZtdDeviceAssignedToOtherTenant"
INVALID_HASH = "InvalidZtdHardwareHash"
NO_IDENTITY = "NoUsableIdentity"
MALFORMED_VALUE = "MalformedValue"
MALFORMED_ROW = "MalformedRow"
CODE_LABELS = {
    DUPLICATED: _("Duplicate in the file"),
    ALREADY_ASSIGNED: _("Already registered to this customer"),
    OTHER_TENANT: _("Registered to another organization"),
    INVALID_HASH: _("Invalid hardware hash"),
    NO_IDENTITY: _("No usable identity"),
    MALFORMED_VALUE: _("Malformed value"),
    MALFORMED_ROW: _("Malformed row"),
}

# What a spreadsheet program would run as a formula when it opens the cell (serial numbers, manufacturers and models
# never start like this; a hardware hash may start with "+", which is base64, and is checked as base64).
_FORMULA_START = ("=", "+", "-", "@")
# The Windows product ID (PKID) is a 13-digit number: the ID of the product key the OEM put in the device's firmware.
_PRODUCT_ID_RE = re.compile(r"[0-9]{13}")
_SPACES_RE = re.compile(r"\s+")


# --- the whole file ---------------------------------------------------------------------------------------------------

_FILE_MESSAGES = {
    "empty": _("The file is empty. Upload a CSV file with the header and one device per line."),
    "too_large": _("The file is larger than %(max)s MB. Split the devices into several files."),
    "workbook": _(
        "The file is an Excel workbook, not a CSV file. Save it as “CSV (Comma delimited)” and upload that file."
    ),
    "binary": _("The file is not a text file: it contains binary data. Upload a CSV file."),
    "encoding": _("The file's text is not UTF-8, UTF-16 or Windows-1252. Save it as CSV UTF-8 and upload it again."),
    "not_csv": _("The file could not be read as CSV near line %(line)s (perhaps a quote that is never closed)."),
    "field_too_long": _("Line %(line)s has a value longer than %(max)s characters: this is not a device list."),
    "line_too_long": _("Line %(line)s is longer than %(max)s characters: this is not a device list."),
    "no_header": _("The first line must be the header: %(header)s"),
    "missing_columns": _("The header is missing these columns: %(columns)s. The first line must be: %(header)s"),
    "unknown_column": _("The header has a column Autopilot does not use: “%(column)s”. Accepted columns: %(columns)s."),
    "duplicate_column": _("The column “%(column)s” appears twice in the header."),
    "no_rows": _("The file has a header but no devices."),
    "too_many_rows": _("The file has more than %(max)s devices. Split it into files of %(max)s devices at most."),
    "too_many_lines": _(
        "The file has more than %(max)s lines, blank ones included. A device list has one line per device, "
        "%(devices)s devices at most."
    ),
}


class CsvFileError(ValueError):
    """The file is refused whole. `message` is in the active language."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return str(_FILE_MESSAGES[self.code]) % self.params


# The file is read this much at a time, never whole: the upload is a temporary file on disk, and a worker reads the
# stored text in pieces of this size too.
CHUNK_BYTES = 2**20
# No line of a device file comes near this (its values are at most FIELD_LIMIT characters each, and there are seven
# columns): a longer line is refused before it is held whole, so that one line of 100 MB cannot fill the memory.
MAX_LINE_CHARS = 8 * FIELD_LIMIT
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and .xls (an OLE compound file)
# The five bytes Windows-1252 leaves undefined: a file with one of them is not Windows-1252.
_NOT_CP1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def _too_many_lines(line_breaks: int, max_lines: int) -> None:
    if line_breaks > max_lines:
        raise CsvFileError("too_many_lines", max=f"{max_lines:,}", devices=f"{MAX_ROWS:,}")


def _byte_chunks(stream: BinaryIO) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def inspect(stream: BinaryIO, *, max_bytes: int = MAX_BYTES, max_lines: int = MAX_LINES) -> str:
    """The file's encoding, from a first reading of its bytes, a chunk at a time and stopping at the first problem:
    its size, whether it is a workbook, text in UTF-16 (with a byte order mark), UTF-8 or Windows-1252, its lines of
    any kind and NUL characters. Only a chunk is held at any time: 95 MB of line breaks is refused after the first
    megabyte is read.

    Within a chunk the problems are looked for in the order the whole file used to be checked in; across chunks, the
    first one in the file is reported. The line limit waits while the file is nothing but whitespace, which is
    refused as "empty" at the end, as before."""
    size = stream.seek(0, io.SEEK_END)
    if size > max_bytes:  # known before a byte is read (an upload knows its size)
        raise CsvFileError("too_large", max=f"{max_bytes // (1024 * 1024):,}")
    read = 0
    blank = True  # nothing but whitespace so far: such a file is "empty", however many line breaks it has
    utf8 = True  # every chunk so far is UTF-8
    cp1252 = True  # every chunk so far is Windows-1252
    line_feeds = carriage_returns = 0
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(_WORKBOOK_MAGIC):
        raise CsvFileError("workbook")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")()
    for chunk in _byte_chunks(stream):
        read += len(chunk)
        if read > max_bytes:  # a file that grew since its size was taken
            raise CsvFileError("too_large", max=f"{max_bytes // (1024 * 1024):,}")
        blank = blank and chunk.isspace()
        if utf16:
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                raise CsvFileError("encoding") from None
            line_feeds += text.count("\n")
            carriage_returns += text.count("\r")
            _too_many_lines(max(line_feeds, carriage_returns), max_lines)
            if "\x00" in text:
                raise CsvFileError("binary")
            continue
        # Counted on the bytes, at C speed (in UTF-8 and Windows-1252 these bytes are only ever line breaks).
        line_feeds += chunk.count(b"\n")
        carriage_returns += chunk.count(b"\r")
        if not blank:  # a file of whitespace alone is "empty" whatever its lines: read on to know
            _too_many_lines(max(line_feeds, carriage_returns), max_lines)
        if b"\x00" in chunk:
            raise CsvFileError("binary")
        cp1252 = cp1252 and not any(byte in chunk for byte in _NOT_CP1252)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if not (utf8 or cp1252):
            raise CsvFileError("encoding")
    if read == 0 or blank:
        raise CsvFileError("empty")
    if not utf16:
        _too_many_lines(max(line_feeds, carriage_returns), max_lines)
    if utf16 or utf8:
        try:
            decoder.decode(b"", final=True)  # a character cut short at the very end
        except UnicodeDecodeError:
            if utf16 or not cp1252:
                raise CsvFileError("encoding") from None
            utf8 = False
    return "utf-16" if utf16 else "utf-8-sig" if utf8 else "cp1252"


def text_chunks(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """The file's text, a chunk at a time (after inspect() said how to decode it)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    for chunk in _byte_chunks(stream):
        if text := decoder.decode(chunk):
            yield text
    if text := decoder.decode(b"", final=True):
        yield text


def _header_name(cell: str) -> str:
    return _SPACES_RE.sub(" ", cell.replace("\ufeff", "").strip().strip('"').strip()).lower()


def _printable(text: str, limit: int = 60) -> str:
    """A value from the file, safe to quote in a message: control characters dropped, shortened."""
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _choose_delimiter(first_line: str) -> str:
    """The delimiter that makes the most known columns of the first line; a comma when none does."""
    best, best_known = ",", 0
    for delimiter in _DELIMITERS:
        known = sum(1 for cell in first_line.split(delimiter) if _header_name(cell) in _COLUMN_OF_TITLE)
        if known > best_known:
            best, best_known = delimiter, known
    return best


@dataclass(slots=True)
class RawRow:
    """One device line of the file, its values by column (stripped), and its row number as a spreadsheet shows it
    (the header is row 1)."""

    number: int
    values: dict[str, str]
    problems: list[dict] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[RawRow]


def parse(data: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> ParsedFile:
    """The file's header and device rows, or CsvFileError. Rows with the wrong number of values are kept, with a
    MALFORMED_ROW problem: the report shows them with the others."""
    return parse_stream(io.BytesIO(data), max_rows=max_rows, max_bytes=max_bytes)


def parse_stream(stream: BinaryIO, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> ParsedFile:
    """parse() of a binary file (an upload), read a chunk at a time."""
    encoding = inspect(stream, max_bytes=max_bytes)
    return ParsedFile(rows=list(read_rows(text_chunks(stream, encoding), max_rows=max_rows)))


def parse_text(text: str | Iterable[str], *, max_rows: int = MAX_ROWS, max_lines: int = MAX_LINES) -> ParsedFile:
    """parse() of a file's text (decoded already), whole or in chunks. Lines are read one at a time (never a list of
    them all), and every line counts towards `max_lines`, blank or not."""
    return ParsedFile(rows=list(read_rows(text, max_rows=max_rows, max_lines=max_lines)))


def read_rows(text: str | Iterable[str], *, max_rows: int = MAX_ROWS, max_lines: int = MAX_LINES) -> Iterator[RawRow]:
    """Each device row of a file's text (whole, or in chunks as text_chunks() gives them), as it is read: the caller
    keeps what it needs of them. CsvFileError as soon as the file is found unusable (its header, too many lines or
    rows, a line too long), or at the end (no header, no rows)."""
    pieces = [text] if isinstance(text, str) else text
    lines = _lines(pieces)
    # The first line with anything on it chooses the delimiter; the lines before it are blank, and counted.
    skipped: list[str] = []
    first_line = ""
    for line in lines:
        skipped.append(line)
        _too_many_lines(len(skipped), max_lines)
        if content := line.rstrip("\r\n"):
            first_line = content
            break
    columns: list[str | None] | None = None
    count = 0
    for number, record in _records_plain_lines(itertools.chain(skipped, lines), _choose_delimiter(first_line)):
        _too_many_lines(number, max_lines)
        joined = "".join(record)
        if "\x00" in joined:  # an upload's bytes were checked already; a text handed in was not
            raise CsvFileError("binary")
        if not joined.strip():
            continue  # blank lines, and rows of empty cells that spreadsheets leave at the end
        if columns is None:
            columns = _read_header(record)
            continue
        if count >= max_rows:
            raise CsvFileError("too_many_rows", max=f"{max_rows:,}")
        count += 1
        yield _read_row(number, columns, record)
    if columns is None:
        raise CsvFileError("empty")
    if not count:
        raise CsvFileError("no_rows")


# A line and its break: what str.splitlines() would give for CSV's three line breaks, one at a time.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


class _LineTooLong(Exception):
    def __init__(self, number: int, start: str):
        self.number, self.start = number, start


def _lines(pieces: Iterable[str]) -> Iterator[str]:
    """Each line of text that comes in pieces, with its line break (the last line may have none), as
    io.StringIO(text, newline="") gives them. Only a line is held beyond the current piece; a line longer than
    MAX_LINE_CHARS raises _LineTooLong before it is whole."""
    number = 0
    rest = ""
    for piece in pieces:
        text = rest + piece if rest else piece
        # A "\r" at the end may be the first half of a "\r\n" that the next piece completes.
        end = len(text) - 1 if text.endswith("\r") else len(text)
        # Up to the last line break only: the regular expression would try the unfinished line from each of its
        # characters in turn.
        cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
        for match in _LINE.finditer(text, 0, cut):
            number += 1
            if match.end() - match.start() > MAX_LINE_CHARS + 2:
                raise _LineTooLong(number, match.group()[: MAX_LINE_CHARS + 1])
            yield match.group()
        rest = text[cut:]
        if len(rest) > MAX_LINE_CHARS + 1:
            raise _LineTooLong(number + 1, rest)
    if rest:
        yield rest


def _line_too_long(error: _LineTooLong, delimiter: str) -> CsvFileError:
    """A line too long to read: its value over the field limit if it has one (as a shorter line would be refused),
    otherwise the line itself."""
    if any(len(value) > FIELD_LIMIT for value in error.start.split(delimiter)):
        return CsvFileError("field_too_long", line=error.number, max=f"{FIELD_LIMIT:,}")
    return CsvFileError("line_too_long", line=error.number, max=f"{MAX_LINE_CHARS:,}")


def _records_plain(text: str | Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of each line of a file without a quote anywhere (the usual device file): split by lines
    and delimiters, which reads it exactly as the csv module does and several times faster."""
    return _records_plain_lines(_lines([text] if isinstance(text, str) else text), delimiter)


def _records_plain_lines(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, raw in enumerate(lines, start=1):  # noqa: B007  (number is read after the loop)
            if '"' in raw:
                # The file quotes something after all (its first lines did not): the csv module reads the rest, as
                # it would have read the whole file.
                yield from _records_csv_lines(itertools.chain([raw], lines), delimiter, first_number=number)
                return
            line = raw.rstrip("\r\n")
            if len(line) > FIELD_LIMIT and any(len(value) > FIELD_LIMIT for value in line.split(delimiter)):
                raise CsvFileError("field_too_long", line=number, max=f"{FIELD_LIMIT:,}")
            yield number, line.split(delimiter) if line else []
    except _LineTooLong as error:
        raise _line_too_long(error, delimiter) from None


def _records_csv(text: str | Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of each record of a file read by the csv module (one with quotes)."""
    return _records_csv_lines(_lines([text] if isinstance(text, str) else text), delimiter)


def _records_csv_lines(
    lines: Iterable[str], delimiter: str, *, first_number: int = 1
) -> Iterator[tuple[int, list[str]]]:
    # The csv module's own field size limit is FIELD_LIMIT (its default, which this module does not change: it is
    # the whole process's). It reads the lines as they come, as it would from io.StringIO(text, newline="").
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    offset = first_number - 1
    try:
        for record in reader:
            yield reader.line_num + offset, record
    except _LineTooLong as error:
        raise _line_too_long(error, delimiter) from None
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise CsvFileError("field_too_long", line=reader.line_num + offset, max=f"{FIELD_LIMIT:,}") from None
        raise CsvFileError("not_csv", line=(reader.line_num + offset) or 1) from None


def _read_header(record: list[str]) -> list[str | None]:
    """The column of each position (None for a nameless one), or CsvFileError."""
    names = [_header_name(cell) for cell in record]
    if not any(name in _COLUMN_OF_TITLE for name in names):
        raise CsvFileError("no_header", header=PARTNER_CENTER_HEADER)
    columns: list[str | None] = []
    for cell, name in zip(record, names, strict=True):
        if not name:
            columns.append(None)
            continue
        column = _COLUMN_OF_TITLE.get(name)
        if column is None:
            raise CsvFileError(
                "unknown_column", column=_printable(cell.strip()), columns=", ".join(COLUMN_TITLES.values())
            )
        if column in columns:
            raise CsvFileError("duplicate_column", column=COLUMN_TITLES[column])
        columns.append(column)
    missing = [COLUMN_TITLES[c] for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvFileError("missing_columns", columns=", ".join(missing), header=PARTNER_CENTER_HEADER)
    return columns


def _read_row(number: int, columns: list[str | None], record: list[str]) -> RawRow:
    row = RawRow(number=number, values={})
    if len(record) < len(columns) or any(cell.strip() for cell in record[len(columns) :]):
        row.problems.append({"code": MALFORMED_ROW, "found": len(record), "expected": len(columns)})
    for column, cell in zip(columns, record, strict=False):
        value = cell.strip()
        if column is not None:
            row.values[column] = value
        elif value:
            row.problems.append({"code": MALFORMED_ROW, "detail": "nameless"})
    return row


# --- each row ---------------------------------------------------------------------------------------------------------


def hash_digest(hardware_hash: str) -> str:
    """What the uniqueness of a hardware hash is kept on: its SHA-256 (a hash of kilobytes is too long for an
    index)."""
    return hashlib.sha256(hardware_hash.encode()).hexdigest() if hardware_hash else ""


def serial_key(serial_number: str, manufacturer: str, model: str) -> tuple[str, str, str] | None:
    """A device's serial identity: the serial number (whatever its case), with the manufacturer and the model exactly
    as given. None unless all three are there."""
    if serial_number and manufacturer and model:
        return (serial_number.upper(), manufacturer, model)
    return None


@dataclass(slots=True)
class DeviceRow:
    """A row of the file, checked: its values, its identity keys and its problems (none: it can be registered)."""

    number: int
    serial_number: str
    windows_product_id: str
    hardware_hash: str
    manufacturer: str
    model: str
    digest: str = ""
    problems: list[dict] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def keys(self) -> tuple[str, str, tuple[str, str, str] | None]:
        return self.digest, self.windows_product_id, serial_key(self.serial_number, self.manufacturer, self.model)

    def identity(self) -> "RowIdentity":
        """What is kept of the row while the rest of its file is read; its problems are the row's own list."""
        return RowIdentity(self.number, *self.keys(), problems=self.problems)


@dataclass(slots=True)
class RowIdentity:
    """A checked row without its values: its number, its identity keys (a hash's digest, a product ID, a serial key)
    and its problems. A file of 20,000 rows is checked against itself and the database keeping only these: its values
    are read again from the file when they are needed (a hardware hash is kilobytes)."""

    number: int
    digest: str
    windows_product_id: str
    serial: tuple[str, str, str] | None
    problems: list[dict] = field(default_factory=list)

    def keys(self) -> tuple[str, str, tuple[str, str, str] | None]:
        return self.digest, self.windows_product_id, self.serial


_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _text_problem(column: str, value: str, limit: int, *, ascii_only: bool = False) -> dict | None:
    # isprintable() is the fast way to know there is nothing to look for (it is False for spaces other than " " too,
    # which are fine: then each character is looked at).
    if not value.isprintable() and any(unicodedata.category(char) in _INVISIBLE for char in value):
        return {"code": MALFORMED_VALUE, "column": column, "detail": "control"}
    if value.startswith(_FORMULA_START):
        return {"code": MALFORMED_VALUE, "column": column, "detail": "formula"}
    if ascii_only and not value.isascii():
        return {"code": MALFORMED_VALUE, "column": column, "detail": "ascii"}
    if len(value) > limit:
        return {"code": MALFORMED_VALUE, "column": column, "detail": "too_long", "max": limit}
    return None


def _hash_problem(value: str) -> dict | None:
    if len(value) > HASH_MAX_CHARS:
        return {"code": INVALID_HASH, "detail": "too_long", "max": HASH_MAX_CHARS}
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return {"code": INVALID_HASH, "detail": "base64"}
    if len(decoded) < HASH_MIN_BYTES:
        return {"code": INVALID_HASH, "detail": "too_short", "min": HASH_MIN_BYTES}
    return None


def check_row(raw: RawRow) -> DeviceRow:
    """The row's values, checked one by one, and whether they identify a device."""
    v = raw.values
    row = DeviceRow(
        number=raw.number,
        serial_number=v.get(SERIAL, ""),
        windows_product_id=v.get(PRODUCT_ID, ""),
        hardware_hash=v.get(HASH, ""),
        manufacturer=v.get(MANUFACTURER, ""),
        model=v.get(MODEL, ""),
        problems=list(raw.problems),
    )
    bad: set[str] = set()
    for column, value, limit, ascii_only in (
        (SERIAL, row.serial_number, SERIAL_MAX, True),
        (MANUFACTURER, row.manufacturer, MANUFACTURER_MAX, False),
        (MODEL, row.model, MODEL_MAX, False),
    ):
        if value and (problem := _text_problem(column, value, limit, ascii_only=ascii_only)):
            row.problems.append(problem)
            bad.add(column)
    if row.windows_product_id:
        problem = _text_problem(PRODUCT_ID, row.windows_product_id, PRODUCT_ID_MAX)
        if problem is None and not _PRODUCT_ID_RE.fullmatch(row.windows_product_id):
            problem = {"code": MALFORMED_VALUE, "column": PRODUCT_ID, "detail": "product_id"}
        if problem:
            row.problems.append(problem)
            bad.add(PRODUCT_ID)
    if row.hardware_hash:
        if problem := _hash_problem(row.hardware_hash):
            row.problems.append(problem)
            bad.add(HASH)
        else:
            row.digest = hash_digest(row.hardware_hash)

    # Identity. Microsoft's device combinations for Partner Center are: the hardware hash alone, or with the Windows
    # product ID, the serial number or both; the product ID alone; and the "tuple" of serial number, manufacturer name
    # and device model. The rule here: a row needs a valid hardware hash, or the whole tuple (a product ID may come
    # with either). The product ID alone is not enough: its one check is its shape, so a mistyped one registers a
    # device that does not exist, and the device list would show nothing a person can recognize the device by.
    has_hash = bool(row.digest)
    has_tuple = serial_key(row.serial_number, row.manufacturer, row.model) is not None and not (
        bad & {SERIAL, MANUFACTURER, MODEL}
    )
    if not (has_hash or has_tuple) and not bad:
        if row.serial_number or row.manufacturer or row.model:
            detail = "serial_incomplete"
        elif row.windows_product_id:
            detail = "product_id_only"
        else:
            detail = ""
        row.problems.append({"code": NO_IDENTITY, "detail": detail})
    return row


class Duplicates:
    """Finds the rows of a file that name a device an earlier row named, by any of its keys, as the rows come one by
    one: only the keys of the rows seen so far are kept."""

    def __init__(self) -> None:
        self._first: tuple[dict, dict, dict] = ({}, {}, {})  # the first row of each digest, product ID, serial key

    def mark(self, row: DeviceRow) -> None:
        """Add DUPLICATED to the row if an earlier row named the same device; it names the earliest such row."""
        first = None
        for key, seen in zip(row.keys(), self._first, strict=True):
            if not key:
                continue
            if key in seen:
                first = seen[key] if first is None else min(first, seen[key])
            else:
                seen[key] = row.number
        if first is not None:
            row.problems.append({"code": DUPLICATED, "first_row": first})


def checked_rows(raw_rows: Iterable[RawRow]) -> Iterator[DeviceRow]:
    """Each row checked as it is read, and marked as a duplicate of an earlier row that named the same device."""
    duplicates = Duplicates()
    for raw in raw_rows:
        row = check_row(raw)
        duplicates.mark(row)
        yield row


def check_rows(raw_rows: Iterable[RawRow], *, on_progress: Callable[[int], None] | None = None) -> list[DeviceRow]:
    """Every row checked, and a row that names a device an earlier row named (by any of its keys) marked as a
    duplicate of that row. `on_progress(n)` is called after each row with the number of rows checked so far."""
    rows = []
    for row in checked_rows(raw_rows):
        rows.append(row)
        if on_progress is not None:
            on_progress(len(rows))
    return rows


def check_file(raw_rows: Iterable[RawRow], *, on_progress: Callable[[int], None] | None = None) -> list[RowIdentity]:
    """check_rows() keeping of each row only its identity: a file's rows, read as they come, are held one at a
    time."""
    identities = []
    for row in checked_rows(raw_rows):
        identities.append(row.identity())
        if on_progress is not None:
            on_progress(len(identities))
    return identities


def read_device_file(data: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> list[DeviceRow]:
    """The whole pure part: the file parsed and every row checked (CsvFileError for a file refused whole)."""
    return check_rows(parse(data, max_rows=max_rows, max_bytes=max_bytes).rows)


# --- against what is registered ---------------------------------------------------------------------------------------


@dataclass
class Registered:
    """Devices already registered that share a key with the file: the tenant (its pk) each key belongs to."""

    by_digest: Mapping[str, int] = field(default_factory=dict)
    by_product_id: Mapping[str, int] = field(default_factory=dict)
    by_serial: Mapping[tuple[str, str, str], int] = field(default_factory=dict)


def file_keys(rows: Iterable[DeviceRow | RowIdentity]) -> tuple[set[str], set[str], set[str]]:
    """The values to look up: hash digests, product IDs, and upper-cased serial numbers (the lookup matches the
    manufacturer and the model afterwards)."""
    digests, product_ids, serials = set(), set(), set()
    for row in rows:
        digest, product_id, serial = row.keys()
        if digest:
            digests.add(digest)
        if product_id:
            product_ids.add(product_id)
        if serial:
            serials.add(serial[0])
    return digests, product_ids, serials


def mark_registered(rows: Iterable[DeviceRow | RowIdentity], registered: Registered, *, tenant_id: int) -> None:
    """Add ALREADY_ASSIGNED (registered to this tenant) or OTHER_TENANT (to any other) to rows that name a registered
    device. Which other tenant is never said."""
    for row in rows:
        digest, product_id, serial = row.keys()
        owners = {
            owner
            for owner in (
                registered.by_digest.get(digest) if digest else None,
                registered.by_product_id.get(product_id) if product_id else None,
                registered.by_serial.get(serial) if serial else None,
            )
            if owner is not None
        }
        if tenant_id in owners:
            row.problems.append({"code": ALREADY_ASSIGNED})
        if owners - {tenant_id}:
            row.problems.append({"code": OTHER_TENANT})


# --- the report -------------------------------------------------------------------------------------------------------


def report_entry(row: DeviceRow) -> dict:
    """A bad row as the report keeps it: its number, its problems and enough of its values to find it."""
    return {
        "row": row.number,
        "serial_number": _printable(row.serial_number, 64),
        "windows_product_id": _printable(row.windows_product_id, 64),
        "manufacturer": _printable(row.manufacturer, 64),
        "model": _printable(row.model, 64),
        "hardware_hash": _printable(row.hardware_hash, 24),
        "problems": row.problems,
    }


def problem_reason(problem: Mapping) -> str:
    """A problem in plain words, in the active language."""
    code = problem.get("code")
    column = COLUMN_TITLES.get(problem.get("column", ""), "")
    detail = problem.get("detail", "")
    if code == DUPLICATED:
        return str(_("The same device is on row %(row)s of this file.")) % {"row": problem.get("first_row")}
    if code == ALREADY_ASSIGNED:
        return str(_("This device is already registered to this customer."))
    if code == OTHER_TENANT:
        return str(
            _(
                "This device is registered to another organization. It must be deregistered there before it can be "
                "added here."
            )
        )
    if code == INVALID_HASH:
        if detail == "too_long":
            return str(_("The hardware hash is longer than %(max)s characters.")) % {"max": f"{problem['max']:,}"}
        if detail == "too_short":
            return str(_("The hardware hash is too short to be one (under %(min)s bytes).")) % {"min": problem["min"]}
        return str(_("The hardware hash is not valid base64 text."))
    if code == NO_IDENTITY:
        if detail == "serial_incomplete":
            return str(
                _(
                    "Without a hardware hash, a device needs its serial number, manufacturer name and device model, "
                    "all three."
                )
            )
        if detail == "product_id_only":
            return str(
                _(
                    "A Windows product ID alone does not identify a device. Add the serial number, manufacturer name "
                    "and device model, or the hardware hash."
                )
            )
        return str(
            _(
                "The row has no hardware hash, and no serial number with manufacturer name and device model: nothing "
                "identifies the device."
            )
        )
    if code == MALFORMED_ROW:
        if detail == "nameless":
            return str(_("The row has a value in a column without a name in the header."))
        return ngettext(
            "The row has %(found)s value; the header has %(expected)s columns.",
            "The row has %(found)s values; the header has %(expected)s columns.",
            problem.get("found", 0),
        ) % {"found": problem.get("found"), "expected": problem.get("expected")}
    if code == MALFORMED_VALUE:
        params = {"column": column, "max": problem.get("max")}
        if detail == "control":
            return str(_("%(column)s contains control or invisible characters.")) % params
        if detail == "formula":
            return str(_("%(column)s starts with =, +, - or @, like a spreadsheet formula.")) % params
        if detail == "ascii":
            return str(_("%(column)s may contain only letters, digits and ASCII punctuation.")) % params
        if detail == "product_id":
            return str(_("%(column)s must be a 13-digit number.")) % params
        if detail == "too_long":
            return str(_("%(column)s is longer than %(max)s characters.")) % params
    return str(code)


def code_label(code: str) -> str:
    label = CODE_LABELS.get(code)
    return str(label) if label is not None else code
