"""Untrusted spreadsheets in: every import of the app reads through ``read_rows``.

Reading refuses, with a 400 naming ``file`` and what was exceeded, an upload over any of
the caps (``Caps``, from settings): rows, cells, shared strings, unpacked size, and the
area the first sheet's values span. The .xlsx is read by python-calamine (Rust; ~12x
faster than openpyxl on a 20,000-row ledger), which builds a dense grid from the top-left
cell to the last value and follows the zip stream past its declared size, so nothing may
reach it before ``inspect_xlsx`` has passed the file:

- the zip must be an .xlsx (``xl/workbook.xml``; no .xlsb or OpenDocument parts, which
  calamine would also read, without these checks applying);
- the sizes its members declare must sum within the cap, and each member is inflated here
  and must inflate to exactly its declared size (a member that inflates further than it
  declares is refused, since calamine would read all of it);
- every XML part is streamed once with expat, counting rows, cells and shared strings and
  stopping at the first cap passed (the ``count``/``uniqueCount`` the shared string table
  declares is checked too, never trusted alone), and noting the last row and column that
  hold a value: the grid calamine would allocate (rows x columns) must fit
  ``(caps.rows + 20) x caps.columns`` cells, and no value may lie below row
  ``caps.rows + 20``. A sheet of a few rows with a stray value in column XFD is read (and
  cut to ``caps.columns``, as before); a full-height sheet with values far to the right is
  refused (``MAX_AREA_MESSAGE``) rather than allocated.

Cells come back as openpyxl returned them, so the parsers did not change: an empty cell
is ``None``, a whole number below 2**53 an ``int``, a date cell a ``datetime.date`` (or a
``datetime`` when it has a time; ``safety.registry.rules.cell_text`` shows both as the day).

Old .xls (BIFF) files stay refused (415) though calamine reads them: an .xls is an OLE
compound file, so neither the zip nor the XML inspection applies, and its caps could only
be checked after calamine had decoded the whole sheet. Excel and WPS both save as .xlsx.

The server never calls ``read_rows`` in its own process: an import runs its whole parse
through ``safety.sheets.pool.run`` (a worker process, a CPU time and memory limit; a worker
calamine aborts on is a 400 too).

Writing is ``safety.sheets.stream`` (one writer); ``escape_formula`` here is the rule it
applies, ``unescape_formula`` what reading undoes.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.parsers import expat

from safety.errors import UnsupportedMediaType, ValidationFailed

UNREADABLE_XLSX = "无法读取该Excel文件"
MAX_COLUMNS = 100  # a ledger-like sheet has fewer; wider rows are cut (a sheet may claim 16,384)
ROW_SLACK = 20  # title and blank rows a sheet may have beyond the row cap
MAX_AREA_MESSAGE = (
    "Excel文件的数据区域过大（有内容的单元格分布过宽），请删除表格右侧无关的列后再导入"
)
_EXACT_INT = 2**53  # floats below this are whole numbers exactly: openpyxl read them as int


@dataclass(frozen=True)
class Caps:
    """What one upload may hold. Defaults: see ``safety.settings`` (SAFETY_SHEET_MAX_*)."""

    rows: int = 20_000
    cells: int = 500_000
    shared_strings: int = 200_000
    unpacked_bytes: int = 200 * 1024 * 1024
    columns: int = MAX_COLUMNS

    @classmethod
    def from_settings(cls) -> Caps:
        from safety.settings import get_settings

        s = get_settings()
        return cls(
            rows=s.sheet_max_rows,
            cells=s.sheet_max_cells,
            shared_strings=s.sheet_max_shared_strings,
            unpacked_bytes=s.sheet_max_unpacked_mb * 1024 * 1024,
        )

    @property
    def area(self) -> int:
        """The most cells the grid of a sheet's values may span (rows x columns)."""
        return (self.rows + ROW_SLACK) * self.columns


def _over(cap: int, what: str) -> ValidationFailed:
    return ValidationFailed.field("file", f"文件{what}超过 {cap} 个，请删除无关内容或分批导入")


# ---------------------------------------------------------------- reading


def read_rows(filename: str, data: bytes, caps: Caps | None = None) -> list[list[Any]]:
    """All rows of the first sheet (.xlsx) or of the CSV, each cut to ``caps.columns``
    cells. 415 for other file types; 400 naming ``file`` for an unreadable file or one
    over a cap. Synchronous and CPU-bound: the server calls it through ``run``."""
    caps = caps or Caps()
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        return _read_xlsx(data, caps)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise UnsupportedMediaType("不支持旧版 .xls 文件，请在Excel中另存为 .xlsx 后再导入")
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data, caps)
    raise UnsupportedMediaType("只能导入 .xlsx 或 .csv 文件")


# Parts that make calamine read a zip as another format (.xlsb, OpenDocument).
_OTHER_FORMATS = ("xl/workbook.bin", "mimetype", "content.xml")


def inspect_xlsx(data: bytes, caps: Caps) -> None:
    """Refuse an .xlsx over a cap before anything parses it for real (see module doc)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
            names = {i.filename for i in members}
            if "xl/workbook.xml" not in names or names.intersection(_OTHER_FORMATS):
                raise ValidationFailed.field("file", UNREADABLE_XLSX)
            unpacked = sum(i.file_size for i in members)
            if unpacked > caps.unpacked_bytes:
                mb = caps.unpacked_bytes >> 20
                raise ValidationFailed.field(
                    "file",
                    f"Excel文件解压后超过 {mb} MB，请删除无关内容或分批导入",
                )
            counter = _Counter(caps)
            for member in members:
                counter.count(_inflate(data, member))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a compression method other than stored or deflate
        ValueError,
        EOFError,
        OSError,
        struct.error,
        zlib.error,
    ) as exc:
        raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc


def _inflate(data: bytes, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in chunks, exactly as a reader following the zip stream sees them
    (calamine does; Python's zipfile would stop at the declared size). Never more than the
    declared size is produced: a stream that has more is refused."""
    offset = member.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local file header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_len + extra_len
    raw = memoryview(data)[start : start + member.compress_size]
    if len(raw) < member.compress_size:
        raise zipfile.BadZipFile("truncated member")
    size = member.file_size
    if member.compress_type == zipfile.ZIP_STORED:
        if member.compress_size != size:
            raise zipfile.BadZipFile("stored member of the wrong size")
        for at in range(0, size, 256 * 1024):
            yield bytes(raw[at : at + 256 * 1024])
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise NotImplementedError(member.compress_type)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    for at in range(0, len(raw), 64 * 1024):
        pending = bytes(raw[at : at + 64 * 1024])
        while pending:
            # at most one byte past the declared size (enough to see that there is more),
            # and at most 1 MiB at a time (deflate inflates up to ~1,000x)
            chunk = inflater.decompress(pending, min(size - produced + 1, 1 << 20))
            pending = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > size:
                raise zipfile.BadZipFile("member inflates past its declared size")
            if chunk:
                yield chunk
            if not chunk and pending and inflater.eof:
                break
    rest = inflater.flush()
    produced += len(rest)
    if produced != size or not inflater.eof:
        raise zipfile.BadZipFile("member does not inflate to its declared size")
    if rest:
        yield rest


_DIGITS = "0123456789"


@lru_cache(maxsize=1024)
def _column_number(letters: str) -> int:
    """``"AB"`` → 28 (0 for anything but capital letters)."""
    number = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            return 0
        number = number * 26 + ord(ch) - 64
    return number


class _Counter:
    """Counts rows (``<row>``), cells (``<c>``) and shared strings (``<si>``) over the XML
    parts of a workbook, with expat and no tree, raising at the first cap passed, and
    tracks the last row and column holding a value (a ``<v>`` or ``<is>`` in a cell;
    a cell without a reference follows the one before it, as calamine places it). A part
    that is not XML (an image) is skipped; a DOCTYPE (entity tricks; OOXML never has one)
    makes the file unreadable. Element names are taken without their prefix (no namespace
    processing: this runs once per element of the file, so every step counts)."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.rows = self.cells = self.strings = 0
        self._row = self._col = self._right = self._bottom = 0

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self.cells += 1
            if self.cells > self.caps.cells:
                raise _over(self.caps.cells, "单元格")
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                self._col = _column_number(letters) or self._col + 1
                digits = ref[len(letters) :]
                if digits.isdigit():
                    self._row = int(digits)
            else:
                self._col += 1
        elif name in ("v", "is"):
            if self._col > self._right:
                self._right = self._col
            if self._row > self._bottom:
                self._bottom = self._row
                if self._row > self.caps.rows + ROW_SLACK:
                    raise _over(self.caps.rows, "行数")
            if self._right * self._bottom > self.caps.area:
                raise ValidationFailed.field("file", MAX_AREA_MESSAGE)
        elif name == "row":
            self.rows += 1
            if self.rows > self.caps.rows + ROW_SLACK:
                raise _over(self.caps.rows, "行数")
            number = attrs.get("r", "")
            self._row = int(number) if number.isdigit() else self._row + 1
            self._col = 0
        elif name == "si":
            self.strings += 1
            if self.strings > self.caps.shared_strings:
                raise _over(self.caps.shared_strings, "共享字符串")
        elif name == "sst":
            declared = attrs.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.caps.shared_strings:
                raise _over(self.caps.shared_strings, "共享字符串")

    @staticmethod
    def _doctype(*_args: Any) -> None:
        raise ValidationFailed.field("file", UNREADABLE_XLSX)

    def count(self, chunks: Iterator[bytes]) -> None:
        chunk = next(chunks, b"")
        head = chunk.lstrip(b" \t\r\n")
        if not head.startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            for _ in chunks:  # not XML, but it must still inflate to its declared size
                pass
            return
        # each part is a sheet of its own: its rows and columns start again
        self._row = self._col = self._right = self._bottom = 0
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = self._doctype
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = next(chunks, b"")
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc


def _value(cell: Any) -> Any:
    """A calamine cell as openpyxl gave it to the parsers (see module doc)."""
    kind = type(cell)
    if kind is str:
        return cell or None
    if kind is float and cell.is_integer() and -_EXACT_INT < cell < _EXACT_INT:
        return int(cell)
    return cell


def _read_xlsx(data: bytes, caps: Caps) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    inspect_xlsx(data, caps)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            # from A1, as Excel numbers the rows (calamine starts at the first value)
            grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        finally:
            book.close()
    except ValidationFailed:
        raise
    except Exception as exc:
        raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc
    if len(grid) > caps.rows + ROW_SLACK:
        raise _over(caps.rows, "行数")
    return [[_value(c) for c in row[: caps.columns]] for row in grid]


def decode_csv(data: bytes) -> str:
    """UTF-16 with a byte order mark (Excel's "Unicode 文本"), UTF-8 (with or without BOM),
    else GB18030 (a superset of GBK and GB2312: what Chinese Excel writes as "CSV"). A
    broken file (an odd byte at the end of UTF-16, a lone surrogate) is refused whole with
    a 400 naming ``file``, not half read: a truncated file must not import silently."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValidationFailed.field(
                "file",
                f"CSV文件的 UTF-16 编码在第 {exc.start + 1} 字节处损坏（文件可能不完整），"
                "请重新导出后再导入",
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.field(
            "file", "无法识别CSV文件的编码，请另存为 UTF-8 或 GBK 编码的CSV，或 .xlsx"
        ) from exc


def _read_csv(data: bytes, caps: Caps) -> list[list[Any]]:
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    rows: list[list[Any]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row[: caps.columns])
            cells += len(rows[-1])
            if len(rows) > caps.rows + ROW_SLACK:
                raise _over(caps.rows, "行数")
            if cells > caps.cells:
                raise _over(caps.cells, "单元格")
    except csv.Error as exc:  # a cell over csv's field limit (128 KiB), a stray NUL …
        raise ValidationFailed.field(
            "file", f"CSV文件第 {len(rows) + 1} 行无法读取（单元格过长或格式错误）"
        ) from exc
    return rows


# ---------------------------------------------------------------- the formula rule
# A cell whose text starts with one of these is run as a formula by Excel, WPS and
# LibreOffice (CSV/DDE injection: "=HYPERLINK(...)", "=cmd|..."). Written sheets prefix such
# text with an apostrophe, so it shows as text; reading a sheet removes that one apostrophe,
# so an export imports back unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
