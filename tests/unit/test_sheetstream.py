"""The streaming writer's print set-up, date cells and title rows (safety.sheets.stream),
read back with openpyxl: no database."""

import datetime as dt
import io

from openpyxl import load_workbook

from safety.sheets.stream import (
    A3_LANDSCAPE,
    StreamedSheet,
    serial_day,
    serial_moment,
    text_lines,
)


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
