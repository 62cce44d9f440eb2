"""The one sheet reader (safety.sheets.guard.read_rows, python-calamine behind the zip/XML
inspection): the values the parsers get, and the files it refuses before calamine sees
them. No database, no worker process (the pool is tests/safety/test_hardening_*)."""

import datetime as dt
import io
import zipfile
import zlib

import pytest
from openpyxl import Workbook

from safety.errors import UnsupportedMediaType, ValidationFailed
from safety.sheets.guard import MAX_AREA_MESSAGE, UNREADABLE_XLSX, Caps, read_rows


def _book(cells: dict[str, object]) -> bytes:
    wb = Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _message(exc: pytest.ExceptionInfo) -> str:
    return exc.value.extra[0]["message"]


def test_cells_come_back_as_the_parsers_expect_them():
    """Whole numbers int (openpyxl's), dates as dates, empty cells None, from A1 to the
    last value (openpyxl also gave trailing rows without a value; the parsers skip them)."""
    data = _book(
        {
            "B2": 1,
            "C2": 2.5,
            "D2": 3.0,
            "E2": dt.date(2026, 1, 2),
            "F2": dt.datetime(2026, 1, 2, 3, 4),  # noqa: DTZ001 - a sheet cell has no zone
            "G2": True,
            "H2": "0123",
            "I2": 2**60,
            "B3": "=1+1",  # a formula without a cached value reads as empty
            "A4": "末行",
        }
    )
    rows = read_rows("x.xlsx", data)
    assert len(rows) == 4 and rows[0] == [None] * 9
    assert rows[1] == [
        None,
        1,
        2.5,
        3,
        dt.date(2026, 1, 2),
        dt.datetime(2026, 1, 2, 3, 4),  # noqa: DTZ001 - a sheet cell has no zone
        True,
        "0123",
        float(2**60),
    ]
    assert type(rows[1][1]) is int and type(rows[1][8]) is float
    assert rows[2] == [None] * 9 and rows[3] == ["末行", *[None] * 8]


def test_a_stray_value_far_right_is_read_and_cut_to_the_column_cap():
    rows = read_rows("x.xlsx", _book({"A1": "名称", "XFD3": "远处"}))
    assert len(rows) == 3 and {len(r) for r in rows} == {100}


def test_values_spanning_more_than_the_area_cap_are_refused_before_calamine():
    """Calamine allocates the whole grid up to the last value: 5,000 rows by 16,000
    columns would be 2.5 GB (it aborts the process on a failed allocation)."""
    caps = Caps(rows=5_000)
    with pytest.raises(ValidationFailed) as exc:
        read_rows("x.xlsx", _book({"A1": "x", "WOZ5000": "y"}), caps)
    assert _message(exc) == MAX_AREA_MESSAGE


def test_a_value_below_the_row_cap_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        read_rows("x.xlsx", _book({"A1": "x", "A200": "y"}), Caps(rows=100))
    assert _message(exc) == "文件行数超过 100 个，请删除无关内容或分批导入"


def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            change(dst, item, src.read(item.filename))
    return out.getvalue()


def test_a_member_inflating_past_its_declared_size_is_refused():
    """Python's zipfile stops at the declared size; calamine's zip reader does not, so
    the inspection inflates each member itself and refuses one that has more (here with
    the CRC of the declared part, which satisfies zipfile)."""
    data = _book({"A1": "x"})
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info, content = z.getinfo(name), z.read(name)
    short = info.file_size - 10
    size = short.to_bytes(4, "little")
    crc = zlib.crc32(content[:short]).to_bytes(4, "little")
    forged = bytearray(data)
    local = info.header_offset
    forged[local + 14 : local + 18], forged[local + 22 : local + 26] = crc, size
    entry = data.index(name.encode(), data.index(b"PK\x01\x02")) - 46
    forged[entry + 16 : entry + 20], forged[entry + 24 : entry + 28] = crc, size
    with zipfile.ZipFile(io.BytesIO(bytes(forged))) as z:
        assert z.read(name) == content[:short]  # what zipfile (and openpyxl) would see
    with pytest.raises(ValidationFailed) as exc:
        read_rows("x.xlsx", bytes(forged))
    assert _message(exc) == UNREADABLE_XLSX


@pytest.mark.parametrize("extra", ["xl/workbook.bin", "mimetype", "content.xml"])
def test_a_zip_calamine_would_read_as_another_format_is_refused(extra):
    def add(dst, item, content):
        dst.writestr(item, content)
        if item.filename == "[Content_Types].xml":
            dst.writestr(extra, b"x")

    with pytest.raises(ValidationFailed) as exc:
        read_rows("x.xlsx", _rezip(_book({"A1": "x"}), add))
    assert _message(exc) == UNREADABLE_XLSX


def test_a_zip_without_a_workbook_is_unreadable():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.txt", "x")
    with pytest.raises(ValidationFailed):
        read_rows("x.xlsx", buf.getvalue())


def test_old_xls_files_stay_refused():
    with pytest.raises(UnsupportedMediaType):
        read_rows("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
