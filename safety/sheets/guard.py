"""Untrusted spreadsheets in and out, for every import and export of the app.

Reading (``read_rows``) refuses, with a 400 naming ``file`` and what was exceeded, an
upload over any of the caps (``Caps``, from settings): rows, cells, shared strings and
unpacked size. An .xlsx is inspected before openpyxl touches it: the sum of the sizes its
zip declares (zipfile never inflates a member beyond its declared size, so the declaration
binds), then every XML part is streamed once with expat, counting rows, cells and shared
strings and stopping at the first cap passed; the ``count``/``uniqueCount`` the shared
string table declares is checked too, but never trusted alone.

The server never calls ``read_rows`` in its own process: an import runs its whole parse
through ``safety.sheets.pool.run`` (a worker process, a CPU time limit), because openpyxl and
the csv module hold the GIL, so even a thread would slow every other request.

Writing (``write_sheet``): every cell is text, passed through ``safety.text.file_text``
(characters a file cannot hold become U+FFFD, so no stored row can break an export) and
``escape_formula`` (CSV/DDE injection).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from safety.errors import UnsupportedMediaType, ValidationFailed
from safety.text import file_text

UNREADABLE_XLSX = "无法读取该Excel文件"
MAX_COLUMNS = 100  # a ledger-like sheet has fewer; wider rows are cut (a sheet may claim 16,384)


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


def inspect_xlsx(data: bytes, caps: Caps) -> None:
    """Refuse an .xlsx over a cap before anything parses it for real (see module doc)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
            unpacked = sum(i.file_size for i in members)
            if unpacked > caps.unpacked_bytes:
                mb = caps.unpacked_bytes >> 20
                raise ValidationFailed.field(
                    "file",
                    f"Excel文件解压后超过 {mb} MB，请删除无关内容或分批导入",
                )
            counter = _Counter(caps)
            for member in members:
                with z.open(member) as part:
                    counter.count(part)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc


class _Counter:
    """Counts rows (``<row>``), cells (``<c>``) and shared strings (``<si>``) over the XML
    parts of a workbook, with expat and no tree, raising at the first cap passed. A part
    that is not XML (an image) is skipped; a DOCTYPE (entity tricks; OOXML never has one)
    makes the file unreadable."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.rows = self.cells = self.strings = 0

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit("}", 1)[-1]
        caps = self.caps
        if tag == "c":
            self.cells += 1
            if self.cells > caps.cells:
                raise _over(caps.cells, "单元格")
        elif tag == "row":
            self.rows += 1
            if self.rows > caps.rows + 20:
                raise _over(caps.rows, "行数")
        elif tag == "si":
            self.strings += 1
            if self.strings > caps.shared_strings:
                raise _over(caps.shared_strings, "共享字符串")
        elif tag == "sst":
            declared = attrs.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > caps.shared_strings:
                raise _over(caps.shared_strings, "共享字符串")

    @staticmethod
    def _doctype(*_args: Any) -> None:
        raise ValidationFailed.field("file", UNREADABLE_XLSX)

    def count(self, part: Any) -> None:
        chunk = part.read(64 * 1024)
        head = chunk.lstrip(b" \t\r\n")
        if not head.startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return  # not XML: openpyxl reads no such part as a sheet
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = self._doctype
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = part.read(256 * 1024)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc


def _read_xlsx(data: bytes, caps: Caps) -> list[list[Any]]:
    from openpyxl import load_workbook

    inspect_xlsx(data, caps)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc
    try:
        ws = wb.worksheets[0]
        rows = []
        # max_col: a sheet's <dimension> may claim 16,384 columns, and read-only openpyxl
        # pads every row to the claimed width.
        for row in ws.iter_rows(max_col=caps.columns, values_only=True):
            rows.append(list(row))
            if len(rows) > caps.rows + 20:
                raise _over(caps.rows, "行数")
        return rows
    except ValidationFailed:
        raise
    except Exception as exc:
        raise ValidationFailed.field("file", UNREADABLE_XLSX) from exc
    finally:
        wb.close()


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
            if len(rows) > caps.rows + 20:
                raise _over(caps.rows, "行数")
            if cells > caps.cells:
                raise _over(caps.cells, "单元格")
    except csv.Error as exc:  # a cell over csv's field limit (128 KiB), a stray NUL …
        raise ValidationFailed.field(
            "file", f"CSV文件第 {len(rows) + 1} 行无法读取（单元格过长或格式错误）"
        ) from exc
    return rows


# ---------------------------------------------------------------- writing
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


def plain_text(value: Any) -> str:
    return "" if value is None else str(value)


def write_sheet(
    title: str,
    header: list[str],
    rows: list[list[Any]],
    text: Callable[[Any], str] = plain_text,
) -> bytes:
    """An .xlsx with one sheet; every cell is ``text(value)`` made safe for a file
    (``file_text``) and against formulas (``escape_formula``), so codes and phone numbers
    keep every digit when the file is opened and saved again in Excel. The one spreadsheet
    writer of the app: an export built any other way is a defect."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def cell(value: Any) -> str:
        return escape_formula(file_text(text(value)))

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", "_", file_text(title))[:31] or "Sheet"
    ws.append([cell(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([cell(v) for v in row])
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        for c in col:
            c.number_format = "@"
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        width = max(10, min(40, len(text(h)) * 3))
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
