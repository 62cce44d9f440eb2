"""Building ledger files for import tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook, load_workbook

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
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


async def upload(client, headers, data: bytes, filename: str = "ledger.xlsx"):
    return await client.post(
        "/api/v1/enterprises/import", files={"file": (filename, data)}, headers=headers
    )
