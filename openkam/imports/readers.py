"""Reading import files: format, encoding and dialect detection, previews, and safe conversion.

Pure Python and DuckDB, no Django: every function takes paths and options and returns plain
data, so it can be tested without a database. Problems with a file raise ``FileRefused`` with a
code and parameters; ``openkam.imports.messages`` turns them into sentences.

- **CSV**: UTF-8 (with or without BOM) is read as it is; anything else that decodes as
  Windows-1252 (or UTF-16 with a BOM) is transcoded, streaming, to a UTF-8 work file, because
  DuckDB's ``latin-1`` is not Windows-1252 (``€ „ “ –`` live in the bytes 0x80–0x9F). The
  delimiter is sniffed among ``; , TAB |`` by parsing the first records with each.
- **XLSX**: the ZIP directory is checked before openpyxl opens anything (size, ratio, member
  count, required parts, no DTD in any XML part); rows are streamed in read-only mode and
  written to a Parquet work file of text columns in batches.
- **Parquet**: read by DuckDB; typed columns stay typed.
"""

# Every SQL text here is built from quote_ident/quote_literal or from our own constants; values
# read from files never become SQL text, they only flow through DuckDB's columns.
# ruff: noqa: S608

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

CHUNK = 4 * 1024**2
HEAD_BYTES = 1024**2
DELIMITERS = (";", ",", "\t", "|")
SNIFF_RECORDS = 50
XLSX_MAX_ROWS = 1_048_576
XLSX_BATCH = 50_000
# Bytes that never occur in text files: their presence means binary data.
_CONTROL_BYTES = tuple(bytes([b]) for b in (*range(0x00, 0x09), *range(0x0E, 0x20)))
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f]")
# Windows-1252 leaves these five bytes undefined.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_XML_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class FileRefused(Exception):
    """The file cannot be imported at all (as opposed to single invalid values).

    ``code`` names the problem (see ``openkam.imports.messages.refusal_message``), ``params``
    carry its details (sizes, limits, line numbers).
    """

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile files from exhausting memory, disk or time."""

    max_bytes: int = 2 * 1024**3
    max_columns: int = 500
    max_cell_chars: int = 10_000
    max_line_bytes: int = 1024**2
    xlsx_max_members: int = 1_000
    xlsx_max_uncompressed: int = 4 * 1024**3
    xlsx_max_ratio: int = 200
    xlsx_max_shared_strings: int = 256 * 1024**2


@dataclass
class FormatOptions:
    """How to read a file; empty values mean "detect" (delimiter, encoding) or "default"."""

    delimiter: str = ""
    encoding: str = ""
    decimal_separator: str = ""
    thousands_separator: str = ""
    date_format: str = ""
    sheet_name: str = ""
    default_currency: str = "EUR"

    @classmethod
    def from_dict(cls, values: dict | None) -> FormatOptions:
        values = values or {}
        return cls(
            **{k: str(v) for k, v in values.items() if k in cls.__dataclass_fields__ and v is not None}
        )

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @property
    def decimal(self) -> str:
        """The decimal separator in effect (a comma unless set)."""
        return self.decimal_separator or ","

    @property
    def thousands(self) -> str:
        """The grouping character in effect: the other separator unless set explicitly."""
        if self.thousands_separator == "none":
            return ""
        if self.thousands_separator:
            return self.thousands_separator
        return "." if self.decimal == "," else ","


@dataclass
class Detection:
    """What a file is and how it reads: the settings found, the header and the first rows."""

    file_format: str
    encoding: str = ""
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    sheet_name: str = ""
    decimal_separator: str = ","
    thousands_separator: str = ""
    date_format: str = "%d.%m.%Y"
    column_types: dict[str, str] = field(default_factory=dict)


# Format -------------------------------------------------------------------------------------


def sniff_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` by the file's first bytes; FileRefused otherwise."""
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("empty")
    with path.open("rb") as handle:
        head = handle.read(8)
        handle.seek(max(0, size - 4))
        tail = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1") and tail == b"PAR1":
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused("xls")
    if head.startswith(
        (b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"PK\x05\x06", b"(\xb5/\xfd")
    ):
        raise FileRefused("compressed")
    if head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PAR1")):
        raise FileRefused("unknown_format")
    return "csv"


# Text encodings -----------------------------------------------------------------------------


def scan_encoding(path: Path, requested: str = "") -> str:
    """Read the whole file once and return its encoding: ``utf-8``, ``utf-8-sig``, ``utf-16``
    or ``cp1252``.

    ``requested`` forces an encoding, which must then decode the file. Raises FileRefused for
    binary data (NUL and other control bytes, looked for in every byte) and for bytes no
    supported encoding can read.

    The first chunk that is not plain ASCII decides between UTF-8 and Windows-1252: text in
    Windows-1252 with umlauts practically never forms valid UTF-8, so a chunk that decodes
    as UTF-8 settles it, and the rest is not decoded here (that would cost ~0.5 s per GB). A
    UTF-8 file that turns invalid later is refused when DuckDB reads it strictly as UTF-8,
    with the rows that cannot be read ("bad_encoding") — rather than taken for Windows-1252
    and its umlauts turned into garbage.
    """
    with path.open("rb") as handle:
        start = handle.read(4)
    if requested:
        _check_decodes(path, requested)
        return requested
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _check_decodes(path, "utf-16")
        return "utf-16"
    bom = start.startswith(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    decided = False
    undefined = False
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            # One memchr per byte value is far faster than a regular expression over the chunk.
            if any(b in chunk for b in _CONTROL_BYTES):
                raise FileRefused("binary")
            if utf8 and not decided:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
                else:
                    decided = not chunk.isascii()
            if not utf8 and _CP1252_UNDEFINED.search(chunk):
                undefined = True
    if utf8 and not decided:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return "utf-8-sig" if bom else "utf-8"
    if bom or undefined:
        raise FileRefused("undecodable")
    return "cp1252"


def _check_decodes(path: Path, encoding: str) -> None:
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError as exc:
        raise FileRefused("undecodable") from exc
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(CHUNK):
                if _CONTROL_TEXT.search(decoder.decode(chunk)):
                    raise FileRefused("binary")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FileRefused("undecodable", encoding=encoding) from exc


def needs_transcoding(encoding: str) -> bool:
    """DuckDB reads UTF-8 (a BOM included) itself; everything else is converted first."""
    return encoding not in ("utf-8", "utf-8-sig", "")


def transcode_to_utf8(path: Path, encoding: str, target: Path) -> Path:
    """Write ``path`` decoded from ``encoding`` to ``target`` as UTF-8, streaming in chunks."""
    decoder = codecs.getincrementaldecoder(encoding)()
    target.parent.mkdir(parents=True, exist_ok=True)
    with path.open("rb") as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def read_head(path: Path, encoding: str, limits: Limits) -> tuple[str, bool]:
    """The beginning of a text file as text, and whether it is the whole file.

    Refuses a file whose first line is longer than the line limit (a table has line breaks).
    Bytes the encoding cannot read become U+FFFD here: the head only serves detection and the
    preview, and the import refuses such rows by their number (see :func:`scan_encoding`).
    """
    size = max(HEAD_BYTES, min(limits.max_line_bytes + 1, 16 * 1024**2))
    with path.open("rb") as handle:
        raw = handle.read(size)
        complete = not handle.read(1)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(raw, final=complete)
    if text.startswith("\ufeff"):
        text = text[1:]
    first_break = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    if (first_break < 0 and not complete) or first_break > limits.max_line_bytes:
        raise FileRefused("line_too_long", limit=limits.max_line_bytes)
    return text, complete


# CSV dialect and preview --------------------------------------------------------------------


def _records(text: str, delimiter: str, complete: bool, limit: int) -> list[list[str]]:
    """Up to ``limit`` records of ``text``; a record cut off at the end of a partial head is dropped."""
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024**2))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > limit:
                break
    except csv.Error:
        pass
    if not complete and len(records) <= limit and records:
        records.pop()  # the head ends inside this record
    return [r for r in records if r and any(cell.strip() for cell in r)][:limit]


def sniff_delimiter(text: str, complete: bool = True) -> str:
    """The delimiter among ``; , TAB |`` that splits the first records into the most equal columns.

    Each candidate parses the records (quotes respected); the score is the share of records
    with as many fields as the header, then the header's width. Ties go to the semicolon,
    German spreadsheets' default.
    """
    best, best_score = ";", (0.0, 0)
    for delimiter in DELIMITERS:
        records = _records(text, delimiter, complete, SNIFF_RECORDS)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        data = records[1:] or records
        consistency = sum(len(r) == width for r in data) / len(data)
        score = (consistency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def clean_header(cells: list, limits: Limits) -> list[str]:
    """Header cells as column names: trimmed, empty ones numbered, duplicates suffixed.

    Raises FileRefused for more columns than allowed or an absurdly long header cell.
    """
    while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
        cells = cells[:-1]
    if not cells:
        raise FileRefused("no_header")
    if len(cells) > limits.max_columns:
        raise FileRefused("too_many_columns", count=len(cells), limit=limits.max_columns)
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = "" if cell is None else str(cell).strip()
        if len(name) > limits.max_cell_chars:
            raise FileRefused("cell_too_long", limit=limits.max_cell_chars)
        name = name or f"({index})"
        candidate, n = name, 2
        while candidate in names:
            candidate, n = f"{name} ({n})", n + 1
        names.append(candidate)
    return names


def csv_preview(
    path: Path, encoding: str, delimiter: str, limits: Limits, rows: int
) -> tuple[list[str], list]:
    """Header and the first ``rows`` data records of a CSV file."""
    text, complete = read_head(path, encoding, limits)
    records = _records(text, delimiter, complete, rows + 1)
    if not records:
        raise FileRefused("no_header")
    header = clean_header(records[0], limits)
    width = len(header)
    body = [
        [(cell[:200] if cell.strip() else None) for cell in r[:width]] + [None] * (width - len(r))
        for r in records[1:]
    ]
    return header, body


# Number and date formats --------------------------------------------------------------------

_GERMAN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+-?$")
_ENGLISH_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)\.\d+$")
DATE_PATTERNS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y%m%d")


def suggest_formats(rows: list[list[str | None]], delimiter: str = ";") -> tuple[str, str]:
    """Decimal separator and date format that fit the sample values best.

    Counts cells that look like German (``1.234,56``) or English (``1,234.56``) numbers, and
    cells every date pattern parses (years 1900–2100). Without evidence: German conventions for
    semicolon files, English ones otherwise.
    """
    german = english = 0
    dates = dict.fromkeys(DATE_PATTERNS, 0)
    for row in rows:
        for cell in row:
            if not cell:
                continue
            value = cell.strip()
            german += bool(_GERMAN_NUMBER.match(value))
            english += bool(_ENGLISH_NUMBER.match(value))
            if len(value) > 10 or not value[:1].isdigit():
                continue
            for pattern in DATE_PATTERNS:
                try:
                    parsed = datetime.strptime(value, pattern)
                except ValueError:
                    continue
                if 1900 <= parsed.year <= 2100:
                    dates[pattern] += 1
    decimal = ("," if german > english else ".") if german != english else ("," if delimiter == ";" else ".")
    best = max(DATE_PATTERNS, key=lambda p: dates[p])
    if not dates[best]:
        best = "%d.%m.%Y" if decimal == "," else "%Y-%m-%d"
    return decimal, best


# XLSX ---------------------------------------------------------------------------------------

_REQUIRED_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def check_xlsx(path: Path, limits: Limits) -> None:
    """Refuse workbooks that could exhaust memory or time, before any XML is parsed.

    Checks the ZIP directory (member count, total uncompressed size, compression ratio of each
    large member, encryption, the parts every workbook has, the size of the shared-strings
    table that openpyxl keeps in memory) and the start of every XML part for a document type
    declaration: workbooks never have one, and entity tricks ("billion laughs", external
    entities) need it. defusedxml, which openpyxl uses when installed, refuses them as well.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused("bad_xlsx") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.xlsx_max_members:
            raise FileRefused("zip_members", count=len(members), limit=limits.xlsx_max_members)
        names = {m.filename for m in members}
        if not all(part in names for part in _REQUIRED_XLSX_PARTS):
            raise FileRefused("bad_xlsx")
        total = sum(m.file_size for m in members)
        if total > limits.xlsx_max_uncompressed:
            raise FileRefused("zip_too_large", size=total, limit=limits.xlsx_max_uncompressed)
        for member in members:
            if member.flag_bits & 0x1:
                raise FileRefused("encrypted")
            large = member.file_size > 1024**2
            if large and member.file_size > limits.xlsx_max_ratio * max(member.compress_size, 1):
                raise FileRefused("zip_ratio", name=member.filename, limit=limits.xlsx_max_ratio)
            if member.filename.lower().endswith("sharedstrings.xml") and (
                member.file_size > limits.xlsx_max_shared_strings
            ):
                raise FileRefused(
                    "zip_too_large", size=member.file_size, limit=limits.xlsx_max_shared_strings
                )
        for member in members:
            if (
                member.filename.lower().endswith((".xml", ".rels", ".vml"))
                or member.filename == "[Content_Types].xml"
            ):
                _check_xml_prolog(archive, member)


def _check_xml_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """A DTD may only stand before the root element, so the first 64 KiB tell."""
    try:
        with archive.open(member) as handle:
            head = handle.read(64 * 1024)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise FileRefused("bad_xlsx") from exc
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    if _XML_DTD.search(head):
        raise FileRefused("xml_dtd", name=member.filename)


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for damaged files; all mean the same here
        if _is_entity_error(exc):
            raise FileRefused("xml_dtd", name="") from exc
        raise FileRefused("bad_xlsx") from exc


def _is_entity_error(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, anywhere in the chain (openpyxl wraps its errors)."""
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        return False
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _worksheet(workbook, sheet_name: str):
    if sheet_name:
        if sheet_name not in workbook.sheetnames:
            raise FileRefused("no_sheet", name=sheet_name)
        return workbook[sheet_name]
    if not workbook.sheetnames:
        raise FileRefused("bad_xlsx")
    return workbook[workbook.sheetnames[0]]


def xlsx_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    """``(sheet row number, values)`` of the rows that hold anything.

    The stored dimension of a sheet can lie (a crafted ``A1:XFD1048576`` would make openpyxl
    pad every row to 16,384 cells), so it is dropped and rows come as stored. A sheet cannot
    have more than 1,048,576 rows; a file claiming more is refused.
    """
    worksheet.reset_dimensions()
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > XLSX_MAX_ROWS:
                raise FileRefused("too_many_rows", limit=XLSX_MAX_ROWS)
            if any(v is not None and v != "" for v in values):
                yield number, values
    except FileRefused:
        raise
    except Exception as exc:
        if _is_entity_error(exc):
            raise FileRefused("xml_dtd", name=worksheet.title) from exc
        raise FileRefused("bad_xlsx") from exc


def format_cell(value, kind: str, options: FormatOptions, epoch=None) -> str | None:
    """One workbook cell as text that the CSV rules of ``options`` read back exactly.

    Dates become text in the chosen date format; in date columns a plain number is an Excel
    serial date (1900 date system, or the workbook's own epoch). Numbers in number columns use
    the chosen decimal separator, with binary noise removed (15 significant digits).
    """
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime(options.date_format or "%Y-%m-%d")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        if kind == "date" and 1 <= value < 2_958_466:
            from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

            converted = from_excel(value, epoch or CALENDAR_WINDOWS_1900)
            return converted.strftime(options.date_format or "%Y-%m-%d")
        if isinstance(value, float):
            text = format(Decimal(repr(float(f"{value:.15g}"))), "f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        else:
            text = str(value)
        if kind == "decimal" and options.decimal == ",":
            text = text.replace(".", ",")
        return text
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


def xlsx_preview(
    path: Path, options: FormatOptions, limits: Limits, rows: int
) -> tuple[list[str], list, list[str], str]:
    """Header, first data rows, sheet names and the sheet read, of a checked workbook."""
    check_xlsx(path, limits)
    workbook = _open_workbook(path)
    try:
        sheet = _worksheet(workbook, options.sheet_name)
        header: list[str] | None = None
        body: list[list[str | None]] = []
        for _number, values in xlsx_rows(sheet):
            if header is None:
                header = clean_header(list(values), limits)
                continue
            cells = [format_cell(v, "", options, workbook.epoch) for v in values[: len(header)]]
            body.append([c[:200] if c else None for c in cells] + [None] * (len(header) - len(cells)))
            if len(body) >= rows:
                break
        if header is None:
            raise FileRefused("no_header")
        return header, body, list(workbook.sheetnames), sheet.title
    finally:
        workbook.close()


def xlsx_to_parquet(
    path: Path,
    target: Path,
    *,
    options: FormatOptions,
    kinds: dict[int, str],
    limits: Limits,
) -> int:
    """Write the sheet's data rows as a Parquet file of text columns ``c0…`` plus ``__row``.

    ``kinds`` maps column positions to ``date``/``decimal`` so that those cells are written in
    the format the validation reads. Cells right of the header have no column and are ignored.
    Memory stays bounded: rows go out in batches of 50,000. Returns the number of data rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_xlsx(path, limits)
    workbook = _open_workbook(path)
    try:
        sheet = _worksheet(workbook, options.sheet_name)
        rows = xlsx_rows(sheet)
        try:
            _number, header_values = next(rows)
        except StopIteration as exc:
            raise FileRefused("no_header") from exc
        width = len(clean_header(list(header_values), limits))
        names = [f"c{i}" for i in range(width)]
        schema = pa.schema([(name, pa.string()) for name in names] + [("__row", pa.int64())])
        columns: list[list] = [[] for _ in range(width)]
        numbers: list[int] = []
        written = 0
        target.parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(target, schema) as writer:

            def flush() -> None:
                arrays = [pa.array(col, type=pa.string()) for col in columns] + [
                    pa.array(numbers, pa.int64())
                ]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                for col in columns:
                    col.clear()
                numbers.clear()

            for number, values in rows:
                for index in range(width):
                    value = values[index] if index < len(values) else None
                    columns[index].append(format_cell(value, kinds.get(index, ""), options, workbook.epoch))
                numbers.append(number)
                written += 1
                if len(numbers) >= XLSX_BATCH:
                    flush()
            if numbers or not written:
                flush()
        return written
    finally:
        workbook.close()


# Parquet ------------------------------------------------------------------------------------


def quote_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def parquet_schema(path: Path, limits: Limits) -> list[tuple[str, str]]:
    """``(column, DuckDB type)`` of a Parquet file; FileRefused when DuckDB cannot read it."""
    try:
        with duckdb.connect() as con:
            rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({quote_literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise FileRefused("bad_parquet") from exc
    if len(rows) > limits.max_columns:
        raise FileRefused("too_many_columns", count=len(rows), limit=limits.max_columns)
    if not rows:
        raise FileRefused("no_header")
    return [(name, str(kind)) for name, kind, *_rest in rows]


def parquet_preview(path: Path, limits: Limits, rows: int) -> tuple[list[str], list, dict[str, str]]:
    schema = parquet_schema(path, limits)
    columns = [name for name, _kind in schema]
    select = ", ".join(f"left(CAST({quote_ident(n)} AS VARCHAR), 200)" for n in columns)
    try:
        with duckdb.connect() as con:
            body = con.execute(
                f"SELECT {select} FROM read_parquet({quote_literal(str(path))}) LIMIT {int(rows)}"
            ).fetchall()
    except duckdb.Error as exc:
        raise FileRefused("bad_parquet") from exc
    return columns, [list(r) for r in body], dict(schema)


# Detection ----------------------------------------------------------------------------------


def detect(path: Path, options: FormatOptions | None = None, *, limits: Limits, rows: int = 20) -> Detection:
    """Find out what ``path`` is and how it reads; ``options`` override what is detected.

    Reads a text file completely once (to be sure of its encoding) and otherwise only its
    beginning. Raises FileRefused for files that cannot be imported, including files with a
    header but no data rows.
    """
    options = options or FormatOptions()
    if path.stat().st_size > limits.max_bytes:
        raise FileRefused("too_large", size=path.stat().st_size, limit=limits.max_bytes)
    file_format = sniff_format(path)
    detection = Detection(file_format=file_format)
    if file_format == "csv":
        encoding = scan_encoding(path, options.encoding)
        head, complete = read_head(path, encoding, limits)
        delimiter = options.delimiter or sniff_delimiter(head, complete)
        header, body = csv_preview(path, encoding, delimiter, limits, rows)
        detection.encoding, detection.delimiter = encoding, delimiter
    elif file_format == "xlsx":
        header, body, sheets, sheet = xlsx_preview(path, options, limits, rows)
        detection.sheet_names, detection.sheet_name = sheets, sheet
    else:
        header, body, types = parquet_preview(path, limits, rows)
        detection.column_types = types
    if not body:
        raise FileRefused("no_rows")
    detection.columns, detection.rows = header, body
    decimal, date_format = suggest_formats(body, detection.delimiter or ";")
    detection.decimal_separator = options.decimal_separator or decimal
    detection.date_format = options.date_format or date_format
    detection.thousands_separator = options.thousands_separator
    return detection
