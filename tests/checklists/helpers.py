"""Shared bits of the checklist tests: a valid template body and an .xlsx builder."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from tests import factories as f

HEADER = [
    "检查项目",
    "编号",
    "检查内容",
    "检查依据",
    "隐患级别",
    "类别",
    "子类别",
    "重大隐患判定依据",
]
MAJOR_BASIS = "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第三条（二）"


def item(code: str, **over: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "text": f"检查内容{code}：配电箱（柜）前方0.8米范围内无堆放物品",
        "legal_basis": "GB 50054-2011《低压配电设计规范》第4章 配电设备的布置",
        "category": "site",
        "subcategory": "电气",
        "default_level": "general",
    }
    data.update(over)
    return data


def body(code: str | None = None, **over: Any) -> dict[str, Any]:
    data = {
        "code": code or f"test_{f.n()}",
        "name": "测试检查表",
        "domain": "电气",
        "sections": [
            {"title": "配电箱", "items": [item("T-01"), item("T-02")]},
            {
                "title": "人员",
                "items": [
                    item(
                        "T-03",
                        category="management",
                        subcategory="制度/培训",
                        default_level="major",
                        major_basis=MAJOR_BASIS,
                    )
                ],
            },
        ],
    }
    data.update(over)
    return data


def xlsx(rows: list[list[Any]], header: list[str] = HEADER, title: str | None = None) -> bytes:
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
