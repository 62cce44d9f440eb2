"""The app's one spreadsheet writer: every export (enterprise registry and its error
sheet, risk points, checklists, the hazard ledger) is an .xlsx written here.

``StreamedSheet`` writes SpreadsheetML itself, row by row, into a zip that is never held
whole: each ``add_rows`` returns the compressed bytes ready so far, which the caller sends
on at once (a streamed HTTP response, as the hazard ledger of 100,000 rows and more does),
so memory stays flat however many rows there are. ``write_sheet`` is the same writer for
an export small enough to answer as one body (all cells text). Writing 20,000 registry rows
takes ~0.4 s and no memory to speak of, where openpyxl took ~9 s and +150 MB
(tests/benchmarks/bench_sheets.py).

Every text cell, header and title passes ``_safe_xml``, the one place that applies
``safety.text.file_text`` (characters a file cannot hold become U+FFFD, so no stored row
can break an export) and ``safety.sheets.guard.escape_formula`` (CSV/DDE injection), and
is stored as text (format ``@``, inline strings: no shared-string table grows in memory);
``int`` values are numbers (a row number cannot be a formula). The header is bold and
frozen, an autofilter covers the rows written, column widths are the caller's.

A sheet meant to be printed and filed may also have (all optional, keyword-only, so the
plain call above is unchanged): ``title_rows`` above the header (the first in a large bold
font, each merged across the sheet's width), ``wrap`` (columns whose text wraps, top
aligned), and ``page`` (a ``PageSetup``: paper, orientation, fit to width, margins, the
header row repeated on every printed page via ``_xlnm.Print_Titles``, a page-number
footer). ``datetime.date`` values are real date cells (the day's serial number, format
``yyyy-mm-dd``), ``datetime.datetime`` values (naive, local) real date-time cells
(``yyyy-mm-dd hh:mm``): a spreadsheet sorts and filters them as dates. All of it is
decided before the first row or written after the last (``mergeCells``, ``pageSetup``
and the defined names follow ``sheetData``), so the sheet stays one pass and flat memory.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from safety.sheets.guard import escape_formula
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
# Added for sheets meant to be printed (indexes 0-2 unchanged):
# 3: date yyyy-mm-dd (numFmt 164); 4: text, wrapped, top aligned; 5: header, bold, wrapped,
# centred; 6: title, bold 16 pt, centred; 7: a title's sub-line, text, left aligned;
# 8: date and time yyyy-mm-dd hh:mm (numFmt 165); 9: date, top aligned (beside wrapped
# text a date stays at the top of its row); 10: number, top aligned; 11: text, top aligned
# (a column that does not wrap, beside ones that do).
STYLE_TEXT, STYLE_HEADER, STYLE_DATE, STYLE_WRAP = 1, 2, 3, 4
STYLE_HEADER_WRAP, STYLE_TITLE, STYLE_SUBTITLE, STYLE_DATETIME = 5, 6, 7, 8
_TOP = '<alignment vertical="top"/>'
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="16"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="12"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="49" fontId="2" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment horizontal="left" vertical="center"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    f'applyAlignment="1">{_TOP}</xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" '
    f'applyAlignment="1">{_TOP}</xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    f'applyAlignment="1">{_TOP}</xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_STYLE_DATE_TOP, _STYLE_NUMBER_TOP, _STYLE_TEXT_TOP = 9, 10, 11
# The serial number of 1899-12-30, Excel's day 0 (right for every day after 1900-02-28).
_EPOCH = dt.date(1899, 12, 30).toordinal()


@dataclass(frozen=True)
class PageSetup:
    """How the sheet prints. ``paper_size`` is SpreadsheetML's code (9 = A4, 8 = A3);
    ``fit_width``: all columns on one page wide, as many pages tall as needed
    (fitToWidth=1, fitToHeight=0); ``repeat_header``: the header row on every page;
    margins in inches (Excel's unit); ``page_numbers``: a centred footer "第 n 页，共 N 页"."""

    paper_size: int = 9
    landscape: bool = False
    fit_width: bool = True
    repeat_header: bool = True
    grid_lines: bool = True
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6)  # left right top bottom
    header_margin: float = 0.3
    footer_margin: float = 0.3
    page_numbers: bool = True


A3_LANDSCAPE = PageSetup(paper_size=8, landscape=True)


def serial_day(value: dt.date) -> int:
    """A day as the spreadsheet's serial number (2026-01-01 → 46023)."""
    return value.toordinal() - _EPOCH


def serial_moment(value: dt.datetime) -> float:
    """A naive local date and time as a serial number with the day's fraction."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return round(value.toordinal() - _EPOCH + seconds / 86_400, 8)


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


# One wrapped line of 11 pt text: CJK fonts (DengXian, Noto Sans CJK) need ~16 pt, more
# than the 15 pt default row; measured on LibreOffice's PDF of the demo ledger.
LINE_POINTS = 16
ROW_PADDING_POINTS = 4
MAX_ROW_POINTS = 409  # Excel's limit of a row's height


@lru_cache(maxsize=8192)
def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide: a CJK
    (or other non-ASCII) character is two of the width's units, an ASCII one is one (its
    UTF-8 length is 3 or 1, so units = (bytes + chars) / 2 without a per-character loop),
    and each line break starts a line. An estimate, slightly generous, like a person's."""
    room = max(width - 0.5, 1)
    lines = 0
    for part in text.split("\n"):
        units = (len(part.encode("utf-8")) + len(part)) / 2
        lines += max(1, -int(-units // room))  # ceil
    return lines


@lru_cache(maxsize=8192)
def _safe_xml(value: str) -> str:
    """A cell's text made safe (file, formula, XML). Cached: a ledger repeats itself
    (enterprise names, communities, labels, dates), and this is most of the writing time.
    A carriage return is written as a character reference: XML readers turn a raw one into
    a line feed, so the cell would not read back as stored."""
    return escape(escape_formula(file_text(value))[:MAX_CELL_CHARS], _CR)


_CR = {"\r": "&#13;"}


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
        self,
        title: str,
        header: Sequence[str],
        widths: Sequence[float] | None = None,
        *,
        title_rows: Sequence[str] = (),
        wrap: Iterable[int] = (),
        page: PageSetup | None = None,
    ) -> None:
        self.title = sheet_title(title)
        self.columns = len(header)
        self.rows = 0
        self.page = page
        self._titles = len(title_rows)
        self.header_row = self._titles + 1
        self._letters = [column_letter(i) for i in range(1, self.columns + 1)]
        wrapped = set(wrap)
        self._wrapped = bool(wrapped)
        # Per column: the style of its text; with wrapped columns every cell is top aligned.
        plain = _STYLE_TEXT_TOP if wrapped else STYLE_TEXT
        self._text_styles = [STYLE_WRAP if i in wrapped else plain for i in range(self.columns)]
        self._date_style = _STYLE_DATE_TOP if wrapped else STYLE_DATE
        self._int_style = f' s="{_STYLE_NUMBER_TOP}"' if wrapped else ""
        # Wrapped columns of a known width: each row gets the height its longest text
        # needs (customHeight), since a spreadsheet opening a written file does not always
        # measure rows itself (LibreOffice keeps them one line high, text cut off).
        known = list(widths or [])
        self._wrap_widths = [
            float(known[i]) if i in wrapped and i < len(known) else 0.0 for i in range(self.columns)
        ]
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
        below = self.header_row + 1
        fit = page is not None and page.fit_width
        self._put(
            _HEAD
            + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else "")
            + '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{self.header_row}" topLeftCell="A{below}" activePane="bottomLeft" '
            'state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{below}" sqref="A{below}"/>'
            "</sheetView></sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "")
        )
        heading = "".join(
            self._title_row(text, STYLE_TITLE if i == 0 else STYLE_SUBTITLE)
            for i, text in enumerate(title_rows)
        )
        head_style = STYLE_HEADER_WRAP if wrapped else STYLE_HEADER
        self._put("<sheetData>" + heading + self._row([str(h) for h in header], style=head_style))

    def _put(self, text: str) -> None:
        self._sheet.write(text.encode("utf-8"))

    def _title_row(self, text: str, style: int) -> str:
        """A line above the header, in column A (merged across the sheet at ``close``)."""
        self.rows += 1
        r = self.rows
        height = ' ht="24" customHeight="1"' if style == STYLE_TITLE else ""
        return (
            f'<row r="{r}"{height}><c r="A{r}" s="{style}" t="inlineStr"><is>'
            f'<t xml:space="preserve">{_safe_xml(text)}</t></is></c></row>'
        )

    def _row(self, values: Sequence[Any], style: int | None = None) -> str:
        if self.rows >= MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows: Excel cannot open the sheet")
        self.rows += 1
        r = self.rows
        cells = []
        styles = self._text_styles
        widths = self._wrap_widths
        lines = 1
        for i, (letter, value) in enumerate(zip(self._letters, values, strict=False)):
            if value is None or value == "":
                continue
            kind = type(value)
            if kind is int:
                cells.append(f'<c r="{letter}{r}"{self._int_style}><v>{value}</v></c>')
            elif kind is not str and isinstance(value, dt.datetime):
                cells.append(
                    f'<c r="{letter}{r}" s="{STYLE_DATETIME}"><v>{serial_moment(value)!r}</v></c>'
                )
            elif kind is not str and isinstance(value, dt.date):
                cells.append(
                    f'<c r="{letter}{r}" s="{self._date_style}"><v>{serial_day(value)}</v></c>'
                )
            else:
                raw = value if kind is str else str(value)
                if widths[i]:
                    lines = max(lines, text_lines(raw, widths[i]))
                text = _safe_xml(raw)
                cells.append(
                    f'<c r="{letter}{r}" s="{styles[i] if style is None else style}" '
                    f't="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        if lines > 1:
            height = min(lines * LINE_POINTS + ROW_PADDING_POINTS, MAX_ROW_POINTS)
            return f'<row r="{r}" ht="{height}" customHeight="1">{"".join(cells)}</row>'
        return f'<row r="{r}">{"".join(cells)}</row>'

    def add_rows(self, rows: Iterable[Sequence[Any]]) -> bytes:
        self._put("".join([self._row(row) for row in rows]))
        return self._sink.take()

    def _tail(self) -> str:
        """What follows ``sheetData``, in the schema's order: autoFilter, mergeCells,
        printOptions, pageMargins, pageSetup, headerFooter."""
        last = column_letter(self.columns)
        parts = [f'<autoFilter ref="A{self.header_row}:{last}{self.rows}"/>']
        if self._titles and self.columns > 1:
            merged = "".join(
                f'<mergeCell ref="A{r}:{last}{r}"/>' for r in range(1, self._titles + 1)
            )
            parts.append(f'<mergeCells count="{self._titles}">{merged}</mergeCells>')
        page = self.page
        if page is not None:
            if page.grid_lines:
                parts.append('<printOptions horizontalCentered="1" gridLines="1"/>')
            left, right, top, bottom = page.margins
            parts.append(
                f'<pageMargins left="{left:g}" right="{right:g}" top="{top:g}" '
                f'bottom="{bottom:g}" header="{page.header_margin:g}" '
                f'footer="{page.footer_margin:g}"/>'
            )
            orientation = "landscape" if page.landscape else "portrait"
            fit = ' fitToWidth="1" fitToHeight="0"' if page.fit_width else ""
            parts.append(
                f'<pageSetup paperSize="{page.paper_size}" orientation="{orientation}"{fit}/>'
            )
            if page.page_numbers:
                parts.append(
                    "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"
                    "</headerFooter>"
                )
        return "".join(parts)

    def close(self) -> bytes:
        last = column_letter(self.columns)
        self._put(f"</sheetData>{self._tail()}</worksheet>")
        self._sheet.close()
        quoted = escape(self.title.replace("'", "''"))
        h = self.header_row
        names = (
            '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{quoted}'!$A${h}:${last}${self.rows}</definedName>"
        )
        if self.page is not None and self.page.repeat_header:
            names += (
                '<definedName name="_xlnm.Print_Titles" localSheetId="0">'
                f"'{quoted}'!${h}:${h}</definedName>"
            )
        self._zip.writestr(
            "xl/workbook.xml",
            _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheets><sheet name="{escape(self.title, {chr(34): "&quot;"})}" sheetId="1" '
            f'r:id="rId1"/></sheets><definedNames>{names}</definedNames></workbook>',
        )
        self._zip.close()
        return self._sink.take()


def plain_text(value: Any) -> str:
    return "" if value is None else str(value)


def write_sheet(
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    text: Callable[[Any], str] = plain_text,
    widths: Sequence[float] | None = None,
) -> bytes:
    """An .xlsx with one sheet whose every cell is the text ``text(value)`` (so codes and
    phone numbers keep every digit when the file is opened and saved again in Excel),
    written by ``StreamedSheet``. Column widths: the caller's, else from the header."""
    names = [text(h) for h in header]
    if widths is None:
        widths = [max(10, min(40, len(name) * 3)) for name in names]
    sheet = StreamedSheet(title, names, widths)
    parts = []
    batch: list[list[str]] = []
    for row in rows:
        batch.append([text(v) for v in row])
        if len(batch) == _BATCH_ROWS:
            parts.append(sheet.add_rows(batch))
            batch = []
    parts.append(sheet.add_rows(batch))
    parts.append(sheet.close())
    return b"".join(parts)


_BATCH_ROWS = 2_000  # rows turned into XML at a time: bounds the text held before deflate
