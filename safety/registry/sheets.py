"""Reading and writing 企业台账 (enterprise ledger) sheets. Pure: bytes in, values out; no
database, no framework.

- ``read_table``: .xlsx (python-calamine) or .csv (UTF-8, UTF-8 with BOM, GBK/GB18030, and the
  UTF-16 "Unicode 文本" Excel writes) → rows of cells, within the upload caps; the kernel's
  ``safety.sheets.guard`` reads (the server runs it in a worker process: ``sync.read_upload``).
- ``parse_sheet``: finds the header row (a title line above it is fine), maps the usual
  header aliases to fields, validates every row with ``clean_enterprise`` and reports bad
  rows as ``RowError(row, field, message)`` with the row number Excel shows. Empty rows are
  skipped; a code seen earlier in the file makes the later row an error.
- Values are validated by ``safety.registry.rules.clean_enterprise``, the same function the
  JSON API and the pages use.
- ``export_workbook``: the ledger as .xlsx with exactly the columns the import reads, and
  ``error_workbook`` the bad rows of an upload, both through the kernel's one writer
  (``safety.sheets.stream.write_sheet``). The columns, header finding and row errors are
  the kernel's ``safety.sheets.table``, shared with the risk register and checklists.

Empty cell rule: an empty cell means "no value given": a new enterprise gets the default,
an existing one keeps what it has. So a sheet with blank columns never wipes data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from safety.registry.rules import (
    COLOUR_LABELS,
    INDUSTRY_SECTIONS,
    LEVEL_LABELS,
    SCALE_LABELS,
    cell_text,
    clean_enterprise,
)
from safety.sheets import guard as sheetguard
from safety.sheets import stream
from safety.sheets.table import Column, Layout, ParsedTable, RowError

MAX_COLUMNS = sheetguard.MAX_COLUMNS  # the ledger has 17; wider rows are cut
# What an upload may hold (rows, cells, shared strings, unpacked size): sheetguard.Caps,
# from settings. A 20,000-row ledger unpacks to ~30 MB.
escape_formula = sheetguard.escape_formula
unescape_formula = sheetguard.unescape_formula


# The ledger columns, in export order. Import reads any of the aliases.
COLUMNS = [
    Column("name", "企业名称", ("单位名称", "企业(单位)名称", "企业名", "名称", "企业")),
    Column(
        "uscc",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码", "社会统一信用代码", "uscc"),
    ),
    Column("uscc_confirmed", "代码已核实", ("代码已确认", "uscc_confirmed")),
    Column("community", "所属社区", ("社区", "社区名称")),
    Column("grid", "所属网格", ("网格", "网格名称", "所在网格")),
    Column("industry", "行业门类", ("行业", "所属行业", "行业类别", "行业分类")),
    Column("industry_detail", "行业说明", ("行业明细", "具体行业", "细分行业")),
    Column("scale", "企业规模", ("规模",)),
    Column("address", "地址", ("企业地址", "经营地址", "生产经营地址", "注册地址", "详细地址")),
    Column("legal_representative", "法定代表人", ("法人", "法人代表", "法定代表")),
    Column(
        "contact_name",
        "安全负责人",
        ("安全联系人", "安全管理负责人", "联系人", "负责人", "联系人姓名"),
    ),
    Column(
        "contact_phone",
        "联系电话",
        ("手机", "手机号", "手机号码", "联系方式", "电话", "联系人电话", "安全负责人电话"),
    ),
    Column("is_key", "重点企业", ("是否重点企业", "重点")),
    Column("standardisation_level", "标准化等级", ("安全生产标准化等级", "标准化")),
    Column("standardisation_date", "标准化日期", ("标准化达标日期", "达标日期")),
    Column("risk_colour", "风险等级", ("风险颜色", "风险分级")),
    Column("active", "经营状态", ("状态",)),
]
REQUIRED_COLUMNS = ("name", "uscc", "grid")
LAYOUT = Layout(
    COLUMNS,
    finds=("name", "uscc"),
    required=REQUIRED_COLUMNS,
    not_found="找不到表头：前10行中须有“企业名称”和“统一社会信用代码”两列",
)
HEADERS = LAYOUT.headers


# ---------------------------------------------------------------- reading files


def read_table(filename: str, data: bytes, caps: sheetguard.Caps | None = None) -> list[list[Any]]:
    """All rows of the first sheet (.xlsx) or of the CSV (``sheetguard.read_rows``: caps,
    415 for other file types), with the export's formula escape undone."""
    rows = sheetguard.read_rows(filename, data, caps)
    return [[unescape_formula(c) for c in row] for row in rows]


# ---------------------------------------------------------------- parsing a sheet


@dataclass
class SheetRow:
    number: int  # as Excel shows it (1-based, header included)
    fields: dict[str, Any]  # clean values (only those given)
    community: str
    grid: str


@dataclass
class ParsedSheet(ParsedTable):
    layout: ClassVar[Layout] = LAYOUT
    rows: list[SheetRow] = field(default_factory=list)  # rows without errors so far
    raw: dict[int, list[Any]] = field(default_factory=dict)  # row number → cells
    empty_rows: int = 0


def parse_sheet(rows: list[list[Any]]) -> ParsedSheet:
    """Validate every row. The header is the first of the top 10 rows naming both the name
    and the code columns. Whole-file problems (no header, a required column missing) are a
    400 naming ``file``; row problems are ``RowError``s."""
    header_at, columns = LAYOUT.find_header(rows)
    sheet = ParsedSheet(header=[cell_text(c) for c in rows[header_at]], columns=columns)
    seen: dict[str, int] = {}
    for offset, cells in enumerate(rows[header_at + 1 :]):
        number = header_at + 2 + offset
        if all(cell_text(c) == "" for c in cells):
            sheet.empty_rows += 1
            continue
        sheet.raw[number] = list(cells)
        values = {k: (cells[i] if i < len(cells) else None) for k, i in columns.items()}
        cleaned = clean_enterprise(values, creating=True, from_sheet=True)
        bad = bool(cleaned.errors)
        for e in cleaned.errors:
            sheet.error(number, e["key"], e["message"])
        code = cleaned.fields.get("uscc")
        if code:
            if code in seen:
                sheet.error(number, "uscc", f"与第 {seen[code]} 行的统一社会信用代码重复")
                bad = True
            else:
                seen[code] = number
        grid = cell_text(values.get("grid"))
        if not grid:
            sheet.error(number, "grid", "所属网格不能为空")
            bad = True
        if not bad:
            sheet.rows.append(
                SheetRow(number, cleaned.fields, cell_text(values.get("community")), grid)
            )
    return sheet


# ---------------------------------------------------------------- writing sheets


def export_cells(e: Mapping[str, Any]) -> list[Any]:
    """One enterprise (a row of ``registry.list``'s shape) as export cells, in COLUMNS order."""
    industry = e.get("industry")
    return [
        e["name"],
        e["uscc"],
        "是" if e.get("uscc_flagged") else "",
        e.get("community_name") or "",
        e.get("org_unit_name") or "",
        f"{industry} {INDUSTRY_SECTIONS[industry]}" if industry else "",
        e.get("industry_detail") or "",
        SCALE_LABELS.get(e.get("scale") or "", ""),
        e.get("address") or "",
        e.get("legal_representative") or "",
        e.get("contact_name") or "",
        e.get("contact_phone") or "",
        "是" if e.get("is_key") else "否",
        LEVEL_LABELS.get(e.get("standardisation_level") or "none", "无"),
        e["standardisation_date"].isoformat() if e.get("standardisation_date") else "",
        COLOUR_LABELS.get(e.get("risk_colour") or "", ""),
        "在营" if e.get("active", True) else "关闭",
    ]


def write_sheet(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """An .xlsx of text cells as a person sees them (``cell_text``), through the kernel's
    one writer (``safety.sheets.stream.write_sheet``: safe for a file, formulas escaped)."""
    return stream.write_sheet(title, header, rows, text=cell_text)


def export_workbook(enterprises: list[Mapping[str, Any]]) -> bytes:
    return write_sheet(
        "企业台账", [c.header for c in COLUMNS], [export_cells(e) for e in enterprises]
    )


def error_workbook(sheet: ParsedSheet, errors: list[RowError]) -> bytes:
    """The bad rows as they were given, plus 原行号 and 错误原因, ready to fix and re-import
    (the import ignores the two extra columns)."""
    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(f"{e.column or e.field}：{e.message}")
    width = len(sheet.header)
    rows = []
    for number in sorted(reasons):
        cells = list(sheet.raw.get(number, []))[:width]
        cells += [None] * (width - len(cells))
        rows.append([*cells, number, "；".join(reasons[number])])
    return write_sheet("错误行", [*sheet.header, "原行号", "错误原因"], rows)
