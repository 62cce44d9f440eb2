"""Reading and writing the 风险分级管控清单 (risk grading and control register) sheet. Pure:
bytes in, values out; no database.

- ``parse_sheet``: finds the header row (a title line above it is fine: the first of the
  top 10 rows naming the risk point and the L column), maps the usual header aliases
  (风险点/作业活动/部位, 危险有害因素/危险源, 事故类型, L/可能性 …) to fields, and returns
  each non-empty row's given cells. Computed columns (风险值, 风险等级) are read past: the
  score is always computed from L, E, C / S with the bands in force. A name seen earlier in
  the file makes the later row an error. Field validation is the service's (it needs the
  stored point to merge over): ``inspections.risk.cleaning.clean_point``.
- ``export_workbook``: the register with exactly the columns the import reads, through the
  kernel's one writer (``safety.sheets.stream.write_sheet``).

Columns, header finding and row errors are the kernel's ``safety.sheets.table``, shared
with the enterprise ledger and checklists.

Empty cell rule (as the enterprise ledger): an empty cell means "no value given": a new
point gets the default, an existing one keeps what it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from inspections.risk.rules import LEVEL_NAMES, MEASURE_NAMES, TIER_NAMES
from safety.sheets import guard as sheetguard
from safety.sheets import stream
from safety.sheets.table import Column, Layout, ParsedTable, cell_text

COLUMNS = [
    Column("enterprise_name", "企业名称", ("单位名称",)),
    Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码")),
    Column(
        "name",
        "风险点名称",
        (
            "风险点",
            "风险点(场所/作业活动)",
            "场所/作业活动",
            "作业活动",
            "设备设施/作业活动",
            "部位",
            "风险点部位",
            "场所",
        ),
    ),
    Column(
        "hazard_factors",
        "危险有害因素",
        ("危险因素", "主要危险有害因素", "危险源", "危害因素", "风险描述", "危险有害因素辨识"),
    ),
    Column(
        "accident_types",
        "可能导致的事故类型",
        ("事故类型", "可能导致的事故", "易导致的事故类型", "可能发生的事故类型"),
    ),
    Column("method", "评价方法", ("风险评价方法", "评价方法(LEC/LS)", "方法")),
    Column("likelihood", "L", ("L值", "可能性", "可能性L", "事故发生的可能性")),
    Column("exposure", "E", ("E值", "暴露频率", "暴露频繁程度", "频繁程度")),
    Column("consequence", "C", ("C值", "后果", "后果严重程度")),
    Column("severity", "S", ("S值", "严重性", "严重程度")),
    Column("score", "风险值", ("D", "R", "D值", "R值", "风险值(D/R)")),
    Column("level", "风险等级", ("风险级别", "风险分级")),
    Column("measure_engineering", "工程技术措施", ("工程技术", "工程控制措施")),
    Column("measure_management", "管理措施", ("管理控制措施",)),
    Column("measure_training", "培训教育措施", ("培训教育", "教育培训措施")),
    Column("measure_ppe", "个体防护措施", ("个体防护", "个人防护措施")),
    Column("measure_emergency", "应急处置措施", ("应急处置", "应急措施")),
    Column("control_tier", "管控层级", ("管控级别", "管控层级(公司/车间/班组/岗位)")),
    Column("responsible_person", "责任人", ("管控责任人", "责任人员", "负责人")),
    Column("review_on", "复评日期", ("评审日期", "下次评审日期", "复核日期", "下次评价日期")),
    Column("active", "状态", ("使用状态",)),
]
REQUIRED_COLUMNS = ("name", "method", "likelihood")
LAYOUT = Layout(
    COLUMNS,
    finds=("name", "likelihood"),
    required=REQUIRED_COLUMNS,
    not_found="找不到表头：前10行中须有“风险点名称”和“L”（可能性）两列",
)
HEADERS = LAYOUT.headers
IGNORED = {"enterprise_name", "uscc", "score", "level"}  # identity checks and computed values
ACTIVE_WORDS = {"在用": True, "启用": True, "有效": True, "停用": False, "已停用": False}


@dataclass
class SheetRow:
    number: int  # as Excel shows it (1-based, header included)
    uscc: str  # the 统一社会信用代码 cell, "" when absent
    values: dict[str, Any]  # the given cells (text), by field


@dataclass
class ParsedSheet(ParsedTable):
    layout: ClassVar[Layout] = LAYOUT
    rows: list[SheetRow] = field(default_factory=list)


def parse_sheet(rows: list[list[Any]]) -> ParsedSheet:
    """The given cells of every row; whole-file problems are a 400 naming ``file``."""
    header_at, columns = LAYOUT.find_header(rows)
    sheet = ParsedSheet(header=[cell_text(c) for c in rows[header_at]], columns=columns)
    seen: dict[str, int] = {}
    for offset, cells in enumerate(rows[header_at + 1 :]):
        number = header_at + 2 + offset
        texts = {k: cell_text(cells[i]) if i < len(cells) else "" for k, i in columns.items()}
        if not any(texts.values()):
            continue
        values = {k: v for k, v in texts.items() if v and k not in IGNORED}
        name = texts.get("name", "")
        if not name:
            sheet.error(number, "name", "风险点名称不能为空")
            continue
        if name in seen:
            sheet.error(number, "name", f"与第 {seen[name]} 行的风险点名称重复")
            continue
        seen[name] = number
        if "active" in values:
            active = ACTIVE_WORDS.get(values["active"])
            if active is None:
                sheet.error(number, "active", "状态应为 在用 或 停用")
                continue
            values["active"] = active
        sheet.rows.append(SheetRow(number, texts.get("uscc", "").upper(), values))
    return sheet


def read_and_parse(filename: str, data: bytes, caps: sheetguard.Caps) -> ParsedSheet:
    """Run in a parsing worker (``safety.sheets.pool``): read within the caps, then parse."""
    rows = sheetguard.read_rows(filename, data, caps)
    return parse_sheet([[sheetguard.unescape_formula(c) for c in row] for row in rows])


def _number(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def export_cells(p: Mapping[str, Any]) -> list[Any]:
    """One risk point (``service.to_out``'s shape) as cells, in COLUMNS order."""
    measures = p["control_measures"]
    return [
        p.get("enterprise_name") or "",
        p.get("enterprise_uscc") or "",
        p["name"],
        p["hazard_factors"],
        "、".join(p["accident_types"]),
        p["method"],
        _number(p["likelihood"]),
        _number(p["exposure"]),
        _number(p["consequence"]),
        _number(p["severity"]),
        _number(p["score"]),
        LEVEL_NAMES[p["colour"]],
        *[measures[k] for k in MEASURE_NAMES],
        TIER_NAMES.get(p["control_tier"], p["control_tier"]),
        p["responsible_person"],
        p["review_on"].isoformat() if p.get("review_on") else "",
        "在用" if p.get("active", True) else "停用",
    ]


def export_workbook(points: list[Mapping[str, Any]]) -> bytes:
    return stream.write_sheet(
        "风险分级管控清单",
        [c.header for c in COLUMNS],
        [export_cells(p) for p in points],
        text=cell_text,
    )
