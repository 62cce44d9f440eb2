"""检查表 sheets in the layout officers keep: one row per item, columns 检查项目（分类）,
编号, 检查内容, 检查依据, 隐患级别, and optionally 类别, 子类别, 重大隐患判定依据. Pure:
bytes in, values out. Files are read with the registry's ``read_table`` (the same size
and zip-bomb limits, the same formula escape; the import runs it in a parsing worker),
written with its ``write_sheet`` (the kernel's one writer).

Reading rules (decisions where officers' sheets vary):
- the header is the first of the top 10 rows naming 编号 and 检查内容 (a title above is fine);
- an empty 检查项目 cell continues the section above (merged cells read as empty);
- 隐患级别: 一般 / 一般隐患 / general, 重大 / 重大隐患 / major; empty means 一般;
- 类别: 基础管理(类) / 现场管理(类) / management / site; empty means 现场管理类;
- 子类别: empty means 其他;
- every item is then checked by ``rules.clean_template`` like the API's input, and each
  problem is reported on its row and column. A version is all or nothing: a sheet with
  error rows cannot be published (the page says which rows to fix).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspections.checklists import rules
from safety.errors import ValidationFailed
from safety.registry.sheets import read_table, write_sheet
from safety.sheets.guard import Caps
from safety.sheets.table import Column, RowError, cell_text, norm_header

COLUMNS = [
    Column("section", "检查项目", ("分类", "检查项目/分类", "检查项目(分类)", "检查类别", "项目")),
    Column("code", "编号", ("序号", "项目编号", "条款编号", "检查项编号")),
    Column("text", "检查内容", ("检查标准", "检查要求", "检查内容及要求", "内容")),
    Column("legal_basis", "检查依据", ("依据", "法规依据", "标准依据", "检查依据(法规条款)")),
    Column("default_level", "隐患级别", ("隐患等级", "级别", "默认级别")),
    Column("category", "类别", ("隐患类别", "管理类别")),
    Column("subcategory", "子类别", ("隐患子类别", "专业类别", "隐患小类")),
    Column("major_basis", "重大隐患判定依据", ("重大隐患依据", "判定依据")),
]
HEADERS = {c.key: c.header for c in COLUMNS}
REQUIRED = ("section", "code", "text", "legal_basis", "default_level")
LEVEL_WORDS = {"一般": "general", "一般隐患": "general", "重大": "major", "重大隐患": "major"}
CATEGORY_WORDS = {
    "基础管理": "management",
    "基础管理类": "management",
    "现场管理": "site",
    "现场管理类": "site",
}


_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.header, *_c.aliases):
        _ALIASES.setdefault(norm_header(_name), _c.key)


@dataclass
class ParsedChecklist:
    """The sheet as a template's sections (values as the API takes them) plus row errors.
    ``rows`` maps an item's path (``sections[i].items[j]``) to its sheet row."""

    header: list[str]
    columns: dict[str, int]
    sections: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def label(self, key: str) -> str:
        return self.header[self.columns[key]] if key in self.columns else HEADERS.get(key, key)


def _vocab(value: str, words: Mapping[str, str], default: str) -> str:
    if not value:
        return default
    key = value.replace(" ", "")
    return words.get(key, value.lower() if value.lower() in words.values() else value)


def parse_rows(rows: list[list[Any]]) -> ParsedChecklist:
    header_at, columns, header = None, {}, []
    for i, cells in enumerate(rows[:10]):
        found = {}
        for n, cell in enumerate(cells):
            key = _ALIASES.get(norm_header(cell))
            if key and key not in found:
                found[key] = n
        if "code" in found and "text" in found:
            header_at, columns, header = i, found, [cell_text(c) for c in cells]
            break
    if header_at is None:
        raise ValidationFailed.field("file", "找不到表头：前10行中须有“编号”和“检查内容”两列")
    missing = [HEADERS[k] for k in REQUIRED if k not in columns]
    if missing:
        raise ValidationFailed.field("file", f"缺少必需的列：{'、'.join(missing)}")
    sheet = ParsedChecklist(header=header, columns=columns)
    section: dict[str, Any] | None = None
    for offset, cells in enumerate(rows[header_at + 1 :]):
        number = header_at + 2 + offset
        values = {
            k: cell_text(cells[i] if i < len(cells) else None).strip() for k, i in columns.items()
        }
        if not any(values.values()):
            continue
        title = values.get("section", "")
        if title and (section is None or title != section["title"]):
            section = {"title": title, "items": []}
            sheet.sections.append(section)
        if section is None:
            sheet.errors.append(
                RowError(
                    number,
                    "section",
                    "第一条检查内容须填写检查项目（分类）",
                    sheet.label("section"),
                )
            )
            continue
        item = {
            "code": values.get("code", ""),
            "text": values.get("text", ""),
            "legal_basis": values.get("legal_basis", ""),
            "default_level": _vocab(values.get("default_level", ""), LEVEL_WORDS, "general"),
            "category": _vocab(values.get("category", ""), CATEGORY_WORDS, "site"),
            "subcategory": values.get("subcategory", "") or "其他",
            "major_basis": values.get("major_basis", ""),
        }
        path = f"sections[{len(sheet.sections) - 1}].items[{len(section['items'])}]"
        sheet.rows[path] = number
        section["items"].append(item)
    if not sheet.sections:
        raise ValidationFailed.field("file", "表中没有检查内容")
    return sheet


_PATH = re.compile(r"^(sections\[\d+\]\.items\[\d+\])\.(\w+)$")


def check(sheet: ParsedChecklist, code: str, name: str, domain: str, description: str) -> dict:
    """The template the sheet describes, validated as the API validates; each problem is
    added to ``sheet.errors`` on its row. Returns the cleaned template (use it only when
    ``sheet.errors`` is empty)."""
    data = {
        "code": code,
        "name": name,
        "domain": domain,
        "description": description,
        "sections": sheet.sections,
    }
    cleaned = rules.clean_template(data)
    for e in cleaned.errors:
        m = _PATH.match(e["key"])
        if m and m.group(1) in sheet.rows:
            key = m.group(2)
            sheet.errors.append(
                RowError(sheet.rows[m.group(1)], key, e["message"], sheet.label(key))
            )
        else:
            sheet.errors.append(RowError(0, e["key"], e["message"], ""))
    sheet.errors.sort(key=lambda r: r.row)
    return cleaned.template


def read_sheet(filename: str, data: bytes, caps: Caps | None = None) -> ParsedChecklist:
    """An uploaded .xlsx (or .csv) → ``ParsedChecklist``; 400/415 for an unreadable file or
    one over ``caps``. Run in a parsing worker (``safety.sheets.pool``)."""
    return parse_rows(read_table(filename, data, caps))


def template_rows(template: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for s in template["sections"]:
        for i in s["items"]:
            rows.append(
                [
                    s["title"],
                    i["code"],
                    i["text"],
                    i["legal_basis"],
                    rules.LEVEL_LABELS.get(i["default_level"], i["default_level"]),
                    rules.CATEGORY_LABELS.get(i["category"], i["category"]),
                    i["subcategory"],
                    i.get("major_basis") or "",
                ]
            )
    return rows


def export_workbook(template: Mapping[str, Any]) -> bytes:
    """A template in the officers' layout; importing it back unchanged makes no version."""
    return write_sheet(
        f"{template['name']}"[:31] or "检查表",
        [c.header for c in COLUMNS],
        template_rows(template),
    )
