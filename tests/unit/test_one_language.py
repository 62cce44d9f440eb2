# ruff: noqa: E501 - KNOWN_PAIRS holds whole literals, one per line
"""One language per message (issue 19, point 6; docs/one-language.md).

1. Every catalogue pair registered with ``safety.i18n`` is clean: the Chinese text carries no
   Latin-letter parenthetical "(english words)", the English text no Chinese.
2. The Python source of safety/, inspections/ and rectification/ holds no string literal
   mixing Chinese with a parenthesised ASCII phrase, except the legacy "中文 (english)"
   pairs listed in ``KNOWN_PAIRS``: the error boundary splits those and shows one half. The
   list may only shrink: a new mixed literal fails with its file:line.
3. The boundary's splitting (``i18n.localise``) and the API's error shape: ``detail`` and
   ``extra[].message`` in one language, ``detail_en``/``message_en`` the stable English.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from safety import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("safety", "inspections", "rectification")
# a parenthetical with no Chinese in it and an ASCII word of 2+ letters ({placeholders} aside)
PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Parentheticals that are no English sentence: standard codes, formats, units, placeholders.
ALLOWED_PARENS = re.compile(
    r"^\s*(?:GB(?:/T)?\s*[\d.\-–]+|GB/T \d+|LEC|LS|LEC/LS|USCC|PDF|\.xlsx|\.csv|xlsx|MB|KB|"
    r"\{[a-z_]+\}|[A-Z]{1,3}\d*|YYYY-MM-DD|Debian/Ubuntu: apt-get install [\w-]+)\s*$"
)


# English texts that must name something Chinese: the language switch names the other
# language; the checklist import's lead names the column headers the file must carry.
CHINESE_IN_ENGLISH = {"nav.language", "checklists.import.lead"}


def _mixed(text: str) -> bool:
    if not i18n.CJK.search(text):
        return False
    return any(
        not i18n.CJK.search(inner)
        and WORD.search(PLACEHOLDER.sub("", inner))
        and not ALLOWED_PARENS.match(inner)
        for inner in PAREN.findall(text)
    )


def _import_all() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if "piccolo_migrations" in info.name or info.name.endswith(".cli"):
                continue
            importlib.import_module(info.name)


def test_it_refuses_a_catalogue_pair_that_mixes_languages() -> None:
    _import_all()
    bad = []
    for key, (zh, en) in i18n.MESSAGES.items():
        if _mixed(zh):
            bad.append(f"{key}: zh {zh!r} carries an English parenthetical")
        if i18n.CJK.search(en) and key not in CHINESE_IN_ENGLISH:
            bad.append(f"{key}: en {en!r} carries Chinese")
    assert not bad, "\n".join(bad)


def _source_hits() -> list[tuple[str, int, str]]:
    hits = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "piccolo_migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            docstrings = {
                id(node.value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            }
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docstrings
                    and _mixed(node.value)
                ):
                    rel = path.relative_to(ROOT).as_posix()
                    hits.append((rel, node.lineno, node.value))
    return hits


# Literals that are no Chinese message: a regular expression, an OpenAPI description, an
# English catalogue text that names Chinese column headers. (file, how the literal starts)
NOT_MESSAGES = {
    ("safety/registry/rules.py", "([A-Ta-t])"),
    ("rectification/ledger/web.py", "隐患台账: the hazards of GET"),
    ("inspections/checklists/messages.py", "One item per row."),
}


def _known() -> set[tuple[str, str]]:
    pairs = {tuple(line.split(" | ", 1)) for line in KNOWN_PAIRS.strip().splitlines()}
    return pairs | {
        (f, text)
        for f, _, text in _source_hits()
        for nf, start in NOT_MESSAGES
        if f == nf and text.startswith(start)
    }


def test_it_refuses_a_new_mixed_language_literal_in_the_source() -> None:
    known = _known()
    new = [f"{f}:{line}: {text!r}" for f, line, text in _source_hits() if (f, text) not in known]
    assert not new, "mixed-language literals (split into a catalogue pair):\n" + "\n".join(new)


def test_it_keeps_the_list_of_known_pairs_from_going_stale() -> None:
    found = {(f, text) for f, _, text in _source_hits()}
    gone = sorted(f"{f} | {text}" for f, text in _known() - found)
    assert not gone, "fixed: remove from KNOWN_PAIRS:\n" + "\n".join(gone)


def test_it_shows_each_known_pair_in_one_language_only() -> None:
    for line in KNOWN_PAIRS.strip().splitlines():
        text = line.split(" | ", 1)[1]
        if text.startswith(("(", "（", " ", "，", "）", "”")):  # a tail: the message's end
            text = "占位" + text
        assert i18n.split_pair(text) is not None, line
        for lang in ("zh", "en"):
            shown = i18n.localise(text, lang)
            assert not _mixed(shown), (line, lang, shown)
            assert lang == "zh" or not i18n.CJK.search(shown), (line, shown)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("需要登录 (authentication required)", "需要登录", "authentication required"),
        ("请说明整改情况 (required)", "请说明整改情况", "required"),
        ("from 晚于 to (from is after to)", "from 晚于 to", "from is after to"),
        (
            "文件无法读取（解析进程异常退出） (the parser crashed)",
            "文件无法读取（解析进程异常退出）",
            "the parser crashed",
        ),
        ("这句只有中文", "这句只有中文", "这句只有中文"),
        ("暂无数据", "暂无数据", "no data"),  # registered under its Chinese text
        ("not found", "not found", "not found"),
        (
            "重大隐患判定依据（GB 6441）",
            "重大隐患判定依据（GB 6441）",
            "重大隐患判定依据（GB 6441）",
        ),
    ],
)
def test_it_splits_a_legacy_pair_into_one_language(text: str, zh: str, en: str) -> None:
    assert i18n.localise(text, "zh") == zh
    assert i18n.localise(text, "en") == en


def test_it_names_fields_on_a_form_in_one_language() -> None:
    from safety.errors import ValidationFailed
    from safety.pages import errors_by_field

    exc = ValidationFailed(
        "研判信息有误 (invalid triage)", [{"key": "reason", "message": "请说明理由 (required)"}]
    )
    assert errors_by_field(exc) == {"_": "研判信息有误", "reason": "请说明理由"}
    assert errors_by_field(exc, "en") == {"_": "invalid triage", "reason": "required"}


KNOWN_PAIRS = """
inspections/checklists/rules.py |  个字符 (too long)
inspections/checklists/rules.py | 不能为空 (required)
inspections/checklists/rules.py | 须为文本 (must be a string)
inspections/patrol/departments.py |  已存在 (department exists)
inspections/patrol/figures.py | from 晚于 to (from is after to)
inspections/patrol/logs.py | date_from 晚于 date_to (after date_to)
inspections/patrol/rules.py | ），不能再次处理 (already triaged)
inspections/risk/api.py | 风险分级管控清单 as .xlsx (the columns the import reads)
inspections/risk/cleaning.py | 管控层级须为 公司级/车间级/班组级/岗位级 (company/workshop/team/post)
inspections/risk/rules.py |  之一 (off its scale)
inspections/risk/service.py | ”的风险点 (a risk point of that name exists)
inspections/selfcheck/service.py |  天后 (too far ahead)
inspections/services/hazards.py |  不是本企业在用的风险点 (not an active risk point of this enterprise)
inspections/services/inspections.py |  项 (inspection incomplete)
inspections/services/photos.py | 只有检查人员、企业联系人和上报的网格员可以上传隐患照片 (inspectors, the enterprise and the reporting grid worker only)
rectification/figures/definitions.py | group_by 需要 key (the group's key, or none)
rectification/figures/definitions.py | key 须为编号或 none (an id, or none)
rectification/rules.py | ，请先申请延期 (later than the effective deadline: request an extension first)
rectification/services/extensions.py | ） (already decided)
rectification/services/plans.py |  不是您为此隐患上传的整改照片，或已用过 (not your unused after-photo of this hazard)
safety/accounts.py |  不存在 (does not exist)
safety/accounts.py |  已存在 (username taken)
safety/audit.py |  须带时区 (needs a UTC offset)
safety/controllers/admin_pages.py |  须为整数 (must be a whole number)
safety/errorpages.py | 服务器内部错误 (internal server error)
safety/errorpages.py | 表单字段不是有效的 UTF-8 文本 (a form field is not valid UTF-8 text)
safety/idempotency.py |  的请求正在处理，请稍后重试 (a request with this key is in progress; retry)
safety/logins.py | 您的角色须启用两步验证：请在网页登录并按提示启用 (your role requires two-factor login: log in on the web page and enrol)
safety/pages.py |  的编号 (not a valid id)
safety/registry/rules.py |  个字 (too long)
safety/registry/rules.py | 统一社会信用代码校验位错误(GB 32100-2015)；如确认代码无误，请勾选“代码已核实” (uscc_confirmed)
safety/registry/service.py |  已登记 (already registered)
safety/reports/fonts.py | 未找到中文字体，无法生成 PDF：请安装 fonts-noto-cjk（Debian/Ubuntu: apt-get install fonts-noto-cjk）或设置 SAFETY_PDF_FONT 为一个中文字体文件 (no CJK font found: install fonts-noto-cjk, or set SAFETY_PDF_FONT to a CJK font file)
safety/schemas.py | 邮箱格式不正确 (not an e-mail address)
safety/twofactor.py | 您的角色须使用两步验证，只能重新启用，不能关闭 (your role requires two-factor login: re-enrol instead of disabling it)
safety/web.py |  含控制字符 (control character)
"""
