"""Building ledger files for import tests."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所属社区",
    "所属网格",
    "行业门类",
    "安全负责人",
    "联系电话",
]


def xlsx(header: list[str], rows: list[list[Any]], title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def read_xlsx(data: bytes) -> list[list[Any]]:
    """The first sheet's cells as calamine reads them from A1 (an empty cell is None), not
    through the app's reader: an export is checked by another pair of eyes."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return [[None if c == "" else c for c in row] for row in rows]


def sheet_xml(data: bytes) -> str:
    """The first worksheet's XML as written (to see what no reader shows: formulas)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


async def upload(client, headers, data: bytes, filename: str = "ledger.xlsx"):
    return await client.post(
        "/api/v1/enterprises/import", files={"file": (filename, data)}, headers=headers
    )


# ---------------------------------------------------------------- hostile workbooks

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def replace_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """``data`` (an .xlsx) with some parts replaced or added, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename not in parts:
                dst.writestr(item, src.read(item.filename), zipfile.ZIP_DEFLATED)
        for name, content in parts.items():
            dst.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def shared_string_bomb(rows: list[list[Any]], strings: int, declared: int | None = None) -> bytes:
    """A ledger whose shared string table is ``strings`` one-letter strings (declaring
    ``declared`` of them, by default the truth): a million deflate to ~46 KB. The cells'
    own text is lost to the padding; only the size matters."""
    count = strings if declared is None else declared
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}"'
        f' uniqueCount="{count}">' + "<si><t>x</t></si>" * strings + "</sst>"
    )
    return replace_parts(xlsx(HEADER, rows), {"xl/sharedStrings.xml": sst.encode()})


def sheet_bomb(rows: int, cells_per_row: int) -> bytes:
    """The ledger header, then ``rows`` rows of ``cells_per_row`` number cells: a million
    cells deflate to a few KB."""
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
    row = "<row>" + "<c><v>1</v></c>" * cells_per_row + "</row>"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
        f'<row r="1">{header}</row>' + row * rows + "</sheetData></worksheet>"
    )
    return replace_parts(xlsx(HEADER, []), {"xl/worksheets/sheet1.xml": sheet.encode()})
