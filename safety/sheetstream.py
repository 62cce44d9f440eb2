"""A large .xlsx written as it goes (the streaming half of ``safety.sheetguard``).

``sheetguard.write_sheet`` builds a workbook in memory, fine for a registry of a few
thousand rows; the hazard ledger (隐患台账) of a street's year is 100,000 rows and more.
``StreamedSheet`` writes SpreadsheetML itself, row by row, into a zip that is never held
whole: each ``add_rows`` returns the compressed bytes ready so far, which the caller sends
on at once (a streamed HTTP response), so memory stays flat however many rows there are.

Cells follow ``sheetguard``'s rules for written sheets: text goes through
``safety.text.file_text`` and ``sheetguard.escape_formula`` (CSV/DDE injection) and is
stored as text (format ``@``, inline strings: no shared-string table grows in memory);
``int`` values are numbers (a row number cannot be a formula). The header is bold and
frozen, an autofilter covers the rows written, column widths are the caller's.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from safety.sheetguard import escape_formula
from safety.text import file_text

MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_CELL_CHARS = 32_767  # Excel's limit of one cell

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: general (numbers); 1: text "@" (numFmtId 49); 2: text, bold (the header).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "\\/*?:[]" else ch for ch in file_text(title))
    return cleaned[:31] or "Sheet"


@lru_cache(maxsize=8192)
def _safe_xml(value: str) -> str:
    """A cell's text made safe (file, formula, XML). Cached: a ledger repeats itself
    (enterprise names, communities, labels, dates), and this is most of the writing time."""
    return escape(escape_formula(file_text(value))[:MAX_CELL_CHARS])


class _Sink:
    """Where the zip writes: bytes collected until the caller takes them. No ``seek`` or
    ``tell``, so zipfile writes each member with a data descriptor, in one pass."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


class StreamedSheet:
    """One sheet, written in order: ``add_rows`` as many times as needed, then ``close``.
    Both return the bytes of the .xlsx made so far (send them on, in order). Synchronous
    and CPU-bound (XML and deflate): call it from a worker thread."""

    def __init__(
        self, title: str, header: Sequence[str], widths: Sequence[float] | None = None
    ) -> None:
        self.title = sheet_title(title)
        self.columns = len(header)
        self.rows = 0
        self._letters = [column_letter(i) for i in range(1, self.columns + 1)]
        self._sink = _Sink()
        # Level 1: the XML repeats itself, so the fastest level already shrinks it ~8x.
        self._zip = zipfile.ZipFile(self._sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._zip.writestr("[Content_Types].xml", _CONTENT_TYPES)
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w")
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
            for i, w in enumerate(widths or [], start=1)
        )
        self._put(
            _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            "</sheetView></sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "")
        )
        self._put("<sheetData>" + self._row([str(h) for h in header], style=2))

    def _put(self, text: str) -> None:
        self._sheet.write(text.encode("utf-8"))

    def _row(self, values: Sequence[Any], style: int = 1) -> str:
        if self.rows >= MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows: Excel cannot open the sheet")
        self.rows += 1
        r = self.rows
        cells = []
        for letter, value in zip(self._letters, values, strict=False):
            if value is None or value == "":
                continue
            if type(value) is int:
                cells.append(f'<c r="{letter}{r}"><v>{value}</v></c>')
            else:
                text = _safe_xml(value if type(value) is str else str(value))
                cells.append(
                    f'<c r="{letter}{r}" s="{style}" t="inlineStr"><is>'
                    f'<t xml:space="preserve">{text}</t></is></c>'
                )
        return f'<row r="{r}">{"".join(cells)}</row>'

    def add_rows(self, rows: Iterable[Sequence[Any]]) -> bytes:
        self._put("".join([self._row(row) for row in rows]))
        return self._sink.take()

    def close(self) -> bytes:
        last = column_letter(self.columns)
        self._put(f'</sheetData><autoFilter ref="A1:{last}{self.rows}"/></worksheet>')
        self._sheet.close()
        quoted = escape(self.title.replace("'", "''"))
        self._zip.writestr(
            "xl/workbook.xml",
            _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheets><sheet name="{escape(self.title, {chr(34): "&quot;"})}" sheetId="1" '
            'r:id="rId1"/></sheets><definedNames>'
            '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{quoted}'!$A$1:${last}${self.rows}</definedName></definedNames></workbook>",
        )
        self._zip.close()
        return self._sink.take()
