"""Pure rules for enterprise fields (企业台账): the value vocabularies (GB/T 4754 sections,
scale, standardisation level, risk colour, yes/no), and ``clean_enterprise``, the one
validation shared by the JSON API, the pages and the sheet import, so all three accept and
refuse the same values. No I/O, no framework.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from safety.rules import check_uscc, normalise_phone
from safety.sheets.table import cell_text
from safety.text import text_problem

# GB/T 4754-2017 sections (门类).
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
_SECTION_BY_NAME = {re.sub(r"[、，,\s]", "", v): k for k, v in INDUSTRY_SECTIONS.items()}

SCALE_LABELS = {"above_scale": "规上", "small": "小型", "micro": "小微"}
_SCALES = {
    "above_scale": "above_scale",
    "规上": "above_scale",
    "规模以上": "above_scale",
    "规上企业": "above_scale",
    "small": "small",
    "小型": "small",
    "小": "small",
    "规下": "small",
    "micro": "micro",
    "微型": "micro",
    "微": "micro",
    "小微": "micro",
}
LEVEL_LABELS = {"none": "无", "level3": "三级", "level2": "二级", "level1": "一级"}
_LEVELS = {
    "none": "none",
    "无": "none",
    "未达标": "none",
    "否": "none",
    "level3": "level3",
    "三级": "level3",
    "3": "level3",
    "三": "level3",
    "level2": "level2",
    "二级": "level2",
    "2": "level2",
    "二": "level2",
    "level1": "level1",
    "一级": "level1",
    "1": "level1",
    "一": "level1",
}
COLOUR_LABELS = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
_COLOURS = {
    "red": "red",
    "红": "red",
    "红色": "red",
    "重大风险": "red",
    "orange": "orange",
    "橙": "orange",
    "橙色": "orange",
    "较大风险": "orange",
    "yellow": "yellow",
    "黄": "yellow",
    "黄色": "yellow",
    "一般风险": "yellow",
    "blue": "blue",
    "蓝": "blue",
    "蓝色": "blue",
    "低风险": "blue",
}
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "重点", "已核实", "已确认"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "非重点", "未核实"}
_ACTIVE = {"在营", "正常", "存续", "营业", "在业", "active", "是", "true", "1"}
_CLOSED = {"关闭", "已关闭", "注销", "已注销", "吊销", "closed", "否", "false", "0"}

MAX_LENGTHS = {
    "name": 200,
    "industry_detail": 200,
    "address": 300,
    "legal_representative": 50,
    "contact_name": 50,
}


def _bool(value: Any, truthy: set[str], falsy: set[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    s = cell_text(value).lower()
    if s in truthy:
        return True
    if s in falsy:
        return False
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = cell_text(value)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _industry(text: str) -> tuple[str | None, str | None]:
    """'C' / 'c' / 'C 制造业' / 'C-金属制品' / '制造业' → (letter, detail or None).
    (None, None) when no section can be read from it."""
    compact = re.sub(r"[、，,\s]", "", text)
    if compact in _SECTION_BY_NAME:
        return _SECTION_BY_NAME[compact], None
    m = re.fullmatch(r"([A-Ta-t])(?:[\s\-–—:：、.．]+(.*)|([^A-Za-z].*))?", text.strip())
    if not m:
        return None, None
    letter = m[1].upper()
    rest = (m[2] or m[3] or "").strip()
    if not rest or re.sub(r"[、，,\s]", "", rest) == _SECTION_BY_NAME_INV[letter]:
        return letter, None
    return letter, rest


_SECTION_BY_NAME_INV = {v: k for k, v in _SECTION_BY_NAME.items()}


@dataclass
class Cleaned:
    fields: dict[str, Any]
    errors: list[dict[str, str]]


def clean_enterprise(
    values: Mapping[str, Any], *, creating: bool, from_sheet: bool = False
) -> Cleaned:
    """Validate and normalise enterprise fields. ``values`` holds only the fields given
    (None or "" = not given). Returns the clean ``fields`` (``uscc_flagged`` set when a
    code failing the check was confirmed) and field-level ``errors`` [{"key","message"}].
    From a sheet, an industry text naming no GB/T 4754 section is kept as the detail.
    Every text value given (any key, also the sheet's 所属社区/所属网格) is checked first by
    the kernel's text rule (``safety.text``); a refused one is an error and is not read."""
    out: dict[str, Any] = {}
    errors: list[dict[str, str]] = []

    def err(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    refused = set()
    for key, value in values.items():
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            err(key, problem)
            refused.add(key)
    if refused:
        values = {k: v for k, v in values.items() if k not in refused}

    def given(key: str) -> bool:
        v = values.get(key)
        return v is not None and cell_text(v) != ""

    for key in ("name", "address", "legal_representative", "contact_name", "industry_detail"):
        if given(key):
            text = cell_text(values[key])
            if len(text) > MAX_LENGTHS[key]:
                err(key, f"不能超过 {MAX_LENGTHS[key]} 个字")
            else:
                out[key] = text
    if creating and "name" not in out and not any(e["key"] == "name" for e in errors):
        err("name", "企业名称不能为空")

    if given("uscc"):
        raw = cell_text(values["uscc"])
        if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", raw):
            err("uscc", "代码被Excel存成了数字，后几位已丢失；请把该列设为“文本”后重新填写")
        else:
            verdict = check_uscc(raw)
            confirmed = _bool(values.get("uscc_confirmed"), _TRUE, _FALSE) or False
            if verdict.malformed:
                err("uscc", verdict.malformed)
            elif not verdict.check_ok and not confirmed:
                err(
                    "uscc",
                    "统一社会信用代码校验位错误(GB 32100-2015)；如确认代码无误，请勾选“代码已核实”",
                )
            else:
                out["uscc"] = verdict.code
                out["uscc_flagged"] = not verdict.check_ok
    elif creating and "uscc" not in refused:
        err("uscc", "统一社会信用代码不能为空")

    if given("industry"):
        raw = values["industry"]
        letter, detail = _industry(cell_text(raw))
        if letter:
            out["industry"] = letter
            if detail and "industry_detail" not in out:
                out["industry_detail"] = detail[: MAX_LENGTHS["industry_detail"]]
        elif from_sheet and "industry_detail" not in out:
            out["industry_detail"] = cell_text(raw)[: MAX_LENGTHS["industry_detail"]]
        else:
            err("industry", "行业门类应为 GB/T 4754 门类字母 A–T 或门类名称(如“C”或“制造业”)")

    choices = (
        ("scale", _SCALES, "企业规模应为 规上/小型/小微"),
        ("standardisation_level", _LEVELS, "标准化等级应为 无/三级/二级/一级"),
    )
    # The risk colour is derived from the enterprise's risk points (inspections.risk), never
    # typed: a value sent to the API is still checked (a non-colour is bad input) but not
    # kept; a sheet's 风险等级 column (the export writes it) is read past.
    if given("risk_colour") and not from_sheet:
        if _COLOURS.get(cell_text(values["risk_colour"]).lower()) is None:
            err("risk_colour", "风险等级应为 红/橙/黄/蓝")
    for key, mapping, message in choices:
        if given(key):
            v = mapping.get(cell_text(values[key]).lower())
            if v is None:
                err(key, message)
            else:
                out[key] = v

    if given("contact_phone"):
        phone = normalise_phone(cell_text(values["contact_phone"]))
        if phone is None:
            err(
                "contact_phone",
                "联系电话格式不正确：手机号为11位且以13-19开头，座机如 0531-88886666",
            )
        else:
            out["contact_phone"] = phone

    for key, truthy, falsy, message in (
        ("is_key", _TRUE, _FALSE, "重点企业应填 是/否"),
        ("active", _ACTIVE, _CLOSED, "经营状态应填 在营/关闭"),
    ):
        if given(key):
            flag = _bool(values[key], truthy, falsy)
            if flag is None:
                err(key, message)
            else:
                out[key] = flag

    if given("standardisation_date"):
        d = _date(values["standardisation_date"])
        if d is None:
            err("standardisation_date", "标准化日期应为 YYYY-MM-DD")
        else:
            out["standardisation_date"] = d
    return Cleaned(out, errors)
