"""Checklist (检查表) rules: the vocabularies, validating a template, and the content
fingerprint that decides whether a template changed. Pure: no I/O, no framework.

A template is ``{"code","name","domain","description"?,"sections":[{"title","items":[
{"code","text","legal_basis","category","subcategory","default_level","major_basis"?}]}]}``
(the API's shape without ids). ``clean_template`` returns the cleaned template and every
problem as ``{"key": "<path>", "message"}``, the path as a client wrote it
(``sections[0].items[3].major_basis``), so the JSON API, the fixture loader and the sheet
import report the same mistakes the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safety.text import text_problem

# Default hazard level of an item (隐患级别).
LEVELS = ("general", "major")
LEVEL_LABELS = {"general": "一般", "major": "重大"}
# 隐患类别: 基础管理类 (management: rules, training, records) / 现场管理类 (site).
CATEGORIES = ("management", "site")
CATEGORY_LABELS = {"management": "基础管理类", "site": "现场管理类"}
# 隐患子类别, as the street's hazard ledger groups them.
SUBCATEGORIES = (
    "电气",
    "消防",
    "机械",
    "特种设备",
    "危化品",
    "有限空间",
    "粉尘",
    "作业环境",
    "职业健康",
    "制度/培训",
    "应急",
    "其他",
)

# Column widths of the tables (checked here so a long value is a 400, never a database
# error, and SQLite and PostgreSQL agree).
MAX_TEMPLATE_CODE = 64
MAX_NAME = 200
MAX_DOMAIN = 64
MAX_SECTION_TITLE = 200
MAX_ITEM_CODE = 32
MAX_TEXT = 2000
MAX_SECTIONS = 100
MAX_ITEMS = 1000

ITEM_FIELDS = (
    "code",
    "text",
    "legal_basis",
    "category",
    "subcategory",
    "default_level",
    "major_basis",
)


@dataclass
class Cleaned:
    template: dict[str, Any]
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.append({"key": key, "message": message})


def _text(value: Any) -> str | None:
    """A string value stripped; None when absent or not a string."""
    if value is None:
        return None
    if not isinstance(value, str):
        return None
    return value.strip()


def _required_text(
    out: Cleaned, data: Mapping[str, Any], name: str, path: str, max_len: int, label: str
) -> str:
    raw = data.get(name)
    value = _text(raw)
    if raw is not None and value is None:
        out.error(path, f"{label}须为文本")
        return ""
    if not value:
        out.error(path, f"{label}不能为空")
        return ""
    if len(value) > max_len:
        out.error(path, f"{label}不能超过 {max_len} 个字符")
    problem = text_problem(value)
    if problem:
        out.error(path, f"{label}{problem}")
    return value


def _optional_text(
    out: Cleaned, data: Mapping[str, Any], name: str, path: str, max_len: int, label: str
) -> str:
    raw = data.get(name)
    if raw is None:
        return ""
    value = _text(raw)
    if value is None:
        out.error(path, f"{label}须为文本")
        return ""
    if len(value) > max_len:
        out.error(path, f"{label}不能超过 {max_len} 个字符")
    problem = text_problem(value)
    if problem:
        out.error(path, f"{label}{problem}")
    return value


def _clean_item(out: Cleaned, item: Any, path: str) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        out.error(path, "检查项须为对象")
        return {}
    code = _required_text(out, item, "code", f"{path}.code", MAX_ITEM_CODE, "编号")
    text = _required_text(out, item, "text", f"{path}.text", MAX_TEXT, "检查内容")
    basis = _required_text(out, item, "legal_basis", f"{path}.legal_basis", MAX_TEXT, "检查依据")
    category = _text(item.get("category"))
    if category not in CATEGORIES:
        out.error(f"{path}.category", "类别须为 management（基础管理类）或 site（现场管理类）")
    subcategory = _text(item.get("subcategory"))
    if subcategory not in SUBCATEGORIES:
        out.error(f"{path}.subcategory", f"子类别须为：{'、'.join(SUBCATEGORIES)}")
    level = _text(item.get("default_level"))
    if level not in LEVELS:
        out.error(f"{path}.default_level", "隐患级别须为 general（一般）或 major（重大）")
    major_basis = _optional_text(
        out, item, "major_basis", f"{path}.major_basis", MAX_TEXT, "重大隐患判定依据"
    )
    if level == "major" and not major_basis:
        out.error(f"{path}.major_basis", "重大隐患须写明判定依据")
    if level == "general" and major_basis:
        out.error(f"{path}.major_basis", "一般隐患不填重大隐患判定依据")
    return {
        "code": code,
        "text": text,
        "legal_basis": basis,
        "category": category or "",
        "subcategory": subcategory or "",
        "default_level": level or "",
        "major_basis": major_basis,
    }


def clean_template(data: Any) -> Cleaned:
    """Validate a whole template: header fields, at least one section with at least one
    item each, the vocabularies, ``major_basis`` for major items, and item codes unique
    within the template."""
    out = Cleaned(template={})
    if not isinstance(data, Mapping):
        out.error("_", "检查表须为对象")
        return out
    t = out.template
    t["code"] = _required_text(out, data, "code", "code", MAX_TEMPLATE_CODE, "检查表编码")
    t["name"] = _required_text(out, data, "name", "name", MAX_NAME, "检查表名称")
    t["domain"] = _optional_text(out, data, "domain", "domain", MAX_DOMAIN, "适用领域")
    t["description"] = _optional_text(out, data, "description", "description", MAX_TEXT, "说明")
    sections = data.get("sections")
    t["sections"] = []
    if not isinstance(sections, list) or not sections:
        out.error("sections", "至少需要一个检查项目（分类）")
        return out
    if len(sections) > MAX_SECTIONS:
        out.error("sections", f"检查项目（分类）不能超过 {MAX_SECTIONS} 个")
        return out
    seen: dict[str, str] = {}
    total = 0
    for i, section in enumerate(sections):
        path = f"sections[{i}]"
        if not isinstance(section, Mapping):
            out.error(path, "检查项目须为对象")
            continue
        title = _required_text(
            out, section, "title", f"{path}.title", MAX_SECTION_TITLE, "检查项目（分类）名称"
        )
        items = section.get("items")
        cleaned_items = []
        if not isinstance(items, list) or not items:
            out.error(f"{path}.items", "每个检查项目至少需要一条检查内容")
        else:
            total += len(items)
            if total > MAX_ITEMS:
                out.error(f"{path}.items", f"检查内容合计不能超过 {MAX_ITEMS} 条")
                return out
            for j, item in enumerate(items):
                item_path = f"{path}.items[{j}]"
                cleaned = _clean_item(out, item, item_path)
                code = cleaned.get("code")
                if code:
                    if code in seen:
                        out.error(f"{item_path}.code", f"编号 {code} 与 {seen[code]} 重复")
                    else:
                        seen[code] = item_path
                cleaned_items.append(cleaned)
        t["sections"].append({"title": title, "items": cleaned_items})
    return out


def content_of(template: Mapping[str, Any]) -> dict[str, Any]:
    """What a version consists of: the fields a change of which makes a new version."""
    return {
        "name": template.get("name") or "",
        "domain": template.get("domain") or "",
        "description": template.get("description") or "",
        "sections": [
            {
                "title": s.get("title") or "",
                "items": [{k: (item.get(k) or "") for k in ITEM_FIELDS} for item in s["items"]],
            }
            for s in template.get("sections") or []
        ],
    }


def fingerprint(template: Mapping[str, Any]) -> str:
    """A hash of ``content_of(template)``: equal fingerprints, same checklist."""
    canonical = json.dumps(content_of(template), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def item_count(template: Mapping[str, Any]) -> int:
    return sum(len(s.get("items") or []) for s in template.get("sections") or [])


def major_count(template: Mapping[str, Any]) -> int:
    return sum(
        1
        for s in template.get("sections") or []
        for i in s.get("items") or []
        if i.get("default_level") == "major"
    )


def changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, list[str]]:
    """Item codes added, removed and changed from ``old`` to ``new`` (for a preview)."""

    def by_code(t: Mapping[str, Any] | None) -> dict[str, dict]:
        if not t:
            return {}
        return {
            i["code"]: {**{k: i.get(k) or "" for k in ITEM_FIELDS}, "_section": s["title"]}
            for s in t.get("sections") or []
            for i in s.get("items") or []
        }

    before, after = by_code(old), by_code(new)
    return {
        "added": [c for c in after if c not in before],
        "removed": [c for c in before if c not in after],
        "changed": [c for c in after if c in before and after[c] != before[c]],
    }
