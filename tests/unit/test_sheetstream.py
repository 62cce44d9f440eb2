"""The app's one spreadsheet writer (safety.sheets.stream): formula injection and
characters a file cannot hold, tested here once for every export; values read back with
calamine (as the app reads), print set-up, styles, date cells and title rows with openpyxl
(calamine reads no formatting). No database."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from safety.sheets.guard import read_rows, unescape_formula
from safety.sheets.stream import (
    A3_LANDSCAPE,
    StreamedSheet,
    serial_day,
    serial_moment,
    text_lines,
    write_sheet,
)

# Text a spreadsheet would run (CSV/DDE injection), each to be written as text.
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","点我")',
    '=cmd|" /C calc"!A0',  # DDE
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=",
]
# Characters no file may hold (C0/C1 controls, a lone surrogate, a noncharacter, bidi
# overrides): each becomes U+FFFD, so a stored value can never break an export.
UNWRITABLE = ["a\x00b", "a\x01b", "a\x1bb", "a\x7fb", "a\x85b", "a\ud800b", "a\ufffeb", "a\u202eb"]


def _values(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def _xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return z.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("payload", FORMULAS)
def test_text_a_spreadsheet_would_run_is_written_as_text(payload):
    data = write_sheet("表", ["名称", payload], [[payload, "x"], [f"无害{payload}", 5]])
    assert "<f>" not in _xml(data) and "<f " not in _xml(data)
    rows = _values(data)
    assert rows[0] == ["名称", "'" + payload]  # the header too
    assert rows[1] == ["'" + payload, "x"]
    assert rows[2] == [f"无害{payload}", "5"]  # only a leading sign counts; all text
    assert unescape_formula(rows[1][0]) == payload  # and reading undoes it


def test_a_streamed_sheet_escapes_the_same_and_keeps_int_cells_numbers():
    sheet = StreamedSheet("表", ["a", "b", "c"])
    data = sheet.add_rows([["=1+1", -5, "-5"]]) + sheet.close()
    assert _values(data)[1] == ["'=1+1", -5.0, "'-5"]


@pytest.mark.parametrize("text", UNWRITABLE)
def test_characters_no_file_may_hold_become_a_replacement_character(text):
    data = write_sheet(f"标题{text}", [f"列{text}"], [[text], [f"={text}"]])
    rows = _values(data)
    assert rows == [["列a\ufffdb"], ["a\ufffdb"], ["'=a\ufffdb"]]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["标题a\ufffdb"]


def test_tabs_and_line_breaks_are_kept_and_the_sheet_title_is_cleaned():
    data = write_sheet("a/b:c*d?e[f]g" + "长" * 40, ["h"], [["一\n二\t三\r\n四"]])
    assert _values(data)[1] == ["一\n二\t三\r\n四"]
    name = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names[0]
    assert name == ("a_b_c_d_e_f_g" + "长" * 40)[:31]


def test_a_written_sheet_reads_back_through_the_app_reader_unchanged():
    rows = [["=公司", "91370102MA3C0000X1", "0531-1234", "00123"], ["@x", "", "+86 1", "1.50"]]
    data = write_sheet("表", ["名称", "代码", "电话", "编号"], rows)
    back = [[unescape_formula(c) for c in row] for row in read_rows("x.xlsx", data)]
    assert back == [
        ["名称", "代码", "电话", "编号"],
        ["=公司", "91370102MA3C0000X1", "0531-1234", "00123"],
        ["@x", None, "+86 1", "1.50"],
    ]


def test_a_long_export_is_written_in_batches_with_every_row():
    data = write_sheet("表", ["n"], ([str(i)] for i in range(5_001)))
    rows = _values(data)
    assert len(rows) == 5_002 and rows[-1] == ["5000"]


def _read(sheet: StreamedSheet, rows: list[list]) -> object:
    data = sheet.add_rows([]) + sheet.add_rows(rows) + sheet.close()
    return load_workbook(io.BytesIO(data)).active


def test_days_are_serial_numbers_from_1899_12_30():
    assert serial_day(dt.date(1900, 3, 1)) == 61
    assert serial_day(dt.date(2026, 1, 1)) == 46023
    assert serial_moment(dt.datetime(2026, 1, 1, 18)) == 46023.75  # noqa: DTZ001 - a sheet cell's wall time


def test_a_plain_sheet_keeps_its_one_header_row_and_no_print_setup():
    ws = _read(StreamedSheet("表", ["a", "b"], [10, 20]), [[1, "x"]])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B2"
    assert ws.print_title_rows is None and not ws.merged_cells.ranges
    assert ws.sheet_properties.pageSetUpPr is None or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A1"].font.b and not ws["A1"].alignment.wrap_text


def test_dates_are_date_cells_and_text_stays_formula_safe():
    sheet = StreamedSheet(
        "台账", ["序号", "说明", "日期", "时刻"], title_rows=["标题", "副标题"], wrap=[1],
        page=A3_LANDSCAPE,
    )  # fmt: skip
    day, moment = dt.date(2026, 2, 28), dt.datetime(2026, 2, 28, 8, 30)  # noqa: DTZ001 - a sheet cell's wall time
    ws = _read(sheet, [[1, "=1+1", day, moment], [2, "", None, None]])
    assert [ws[f"A{r}"].value for r in (1, 2)] == ["标题", "副标题"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:D1", "A2:D2"}
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.auto_filter.ref == "A3:D5"
    c, d = ws["C4"], ws["D4"]
    assert c.value == dt.datetime(2026, 2, 28) and c.number_format == "yyyy-mm-dd" and c.is_date  # noqa: DTZ001 - a sheet cell's wall time
    assert d.value == moment and d.number_format == "yyyy-mm-dd hh:mm"
    assert ws["B4"].value == "'=1+1" and ws["B4"].alignment.wrap_text
    assert ws["C4"].alignment.vertical == "top" and not ws["C4"].alignment.wrap_text
    assert ws["B5"].value is None and ws["C5"].value is None
    assert ws.page_setup.paperSize == 8 and ws.page_setup.orientation == "landscape"


def test_a_wrapped_row_is_as_tall_as_its_longest_text():
    assert text_lines("abc", 10) == 1
    assert text_lines("安全出口被货架堵塞", 10) == 2  # 18 units in 9.5
    assert text_lines("一\n二\n三", 10) == 3
    sheet = StreamedSheet("台账", ["序号", "说明", "代码"], [5, 10.5, 8], wrap=[1])
    ws = _read(sheet, [[1, "安全出口被货架堵塞疏散通道宽度不足", "91370102MAF0XW3430"], [2, "短"]])
    assert ws.row_dimensions[2].height == 4 * 16 + 4  # 17 CJK = 34 units, 10 a line
    assert ws.row_dimensions[3].height is None  # one line: the default height
    assert ws["C2"].alignment.vertical == "top" and not ws["C2"].alignment.wrap_text
