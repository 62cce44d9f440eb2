"""One language per message (issue 19, point 6; docs/one-language.md).

1. Every catalogue pair registered with ``safety.i18n`` is clean: the Chinese text carries no
   Latin-letter parenthetical "(english words)", the English text no Chinese; an English
   template uses only the placeholders of its Chinese one.
2. The Python source of safety/, inspections/ and rectification/ holds no string literal
   (f-strings included) mixing Chinese with a parenthesised English phrase, and the page
   templates and scripts hold none either: a new one fails with its file:line.
3. Every message the source raises or reports in Chinese (an error's detail, a field's
   message) has its English: a literal in the catalogue, an f-string through a template.
4. The boundary (``i18n.localise``): each language alone, pydantic's prefix stripped.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from safety import errors, i18n
from safety.error_messages import ERRORS, TERMS

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
# language; the checklist import's lead and the imports' "no header row" messages name the
# Chinese column headers a file must carry.
CHINESE_IN_ENGLISH = {
    "nav.language",
    "checklists.import.lead",
    "找不到表头：前10行中须有“企业名称”和“统一社会信用代码”两列",
    "找不到表头：前10行中须有“编号”和“检查内容”两列",
    "找不到表头：前10行中须有“风险点名称”和“L”（可能性）两列",
    "状态应为 在用 或 停用",
}


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
    for zh, en in TERMS.items():
        if not i18n.CJK.search(zh) or i18n.CJK.search(en):
            bad.append(f"term {zh!r} → {en!r} is not Chinese → English")
    assert not bad, "\n".join(bad)


def test_it_fills_each_english_template_from_its_chinese_one() -> None:
    bad = [
        f"{zh!r}: {sorted(set(i18n.PLACEHOLDER.findall(en)) - set(i18n.PLACEHOLDER.findall(zh)))}"
        for zh, en in ERRORS.items()
        if not set(i18n.PLACEHOLDER.findall(en)) <= set(i18n.PLACEHOLDER.findall(zh))
    ]
    assert not bad, "English placeholders the Chinese text does not have:\n" + "\n".join(bad)


# ---------------------------------------------------------------- the source


def _trees() -> Iterator[tuple[str, ast.AST]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "piccolo_migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            yield rel, ast.parse(path.read_text(encoding="utf-8"), rel)


def _text(node: ast.AST, fill: str = "{{v}}") -> str | None:
    """A literal's text; an f-string's with each value as ``fill`` (``{n}`` → its index)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts, n = [], 0
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                n += 1
                parts.append(fill.format(n=n))
        return "".join(parts)
    return None


def _source_hits() -> list[tuple[str, int, str]]:
    """Mixed literals, docstrings excluded; an f-string is read with ``{v}`` for its values
    (an ``(english {v})`` tail mixes as much as an ``(english)`` one)."""
    hits = []
    for rel, tree in _trees():
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        parts = {
            id(value)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for value in node.values
        }
        for node in ast.walk(tree):
            if id(node) in docstrings or id(node) in parts:
                continue
            text = _text(node)
            if text is not None and _mixed(text):
                hits.append((rel, node.lineno, text))
    return hits


# Literals that are no Chinese message: a regular expression, an OpenAPI description, an
# English catalogue text that names Chinese column headers. (file, how the literal starts)
NOT_MESSAGES = {
    ("safety/registry/rules.py", "([A-Ta-t])"),
}


def test_it_refuses_a_mixed_language_literal_in_the_source() -> None:
    new = [
        f"{f}:{line}: {text!r}"
        for f, line, text in _source_hits()
        if not any(f == nf and text.startswith(start) for nf, start in NOT_MESSAGES)
    ]
    assert not new, "mixed-language literals (raise the Chinese, catalogue the English):\n" + (
        "\n".join(new)
    )


def test_it_keeps_the_exceptions_from_going_stale() -> None:
    texts = {(f, text) for f, _, text in _source_hits()}
    stale = [
        (nf, start)
        for nf, start in NOT_MESSAGES
        if not any(f == nf and text.startswith(start) for f, text in texts)
    ]
    assert not stale, f"no longer in the source, remove from NOT_MESSAGES: {stale}"


# Page templates and their scripts: a literal "中文 (english)" there is shown as is.
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def _page_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if "vendor" in path.parts:
                continue
            if (path.suffix == ".html" and "templates" in path.parts) or (
                path.suffix == ".js" and "static" in path.parts
            ):
                yield path


def test_it_refuses_a_mixed_language_string_in_pages_and_scripts() -> None:
    bad = []
    for path in _page_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # each quoted string (a t("…") key, an attribute, a script's text), and
            # each run of text between tags with Jinja's {{ … }} / {% … %} left out
            quoted = re.findall(r"\"[^\"]*\"|'[^']*'|`[^`]*`", line)
            for text in quoted + re.findall(r">[^<>]*<", JINJA.sub(" ", line)):
                if _mixed(text):
                    bad.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert not bad, "mixed-language page text:\n" + "\n".join(bad)


# Where a message is handed over: the first argument of an error (or ValueError, which
# pydantic reports), the message of ``ValidationFailed.field(key, message)`` and of the
# import rules' ``error(…, message)`` / ``err(key, message)``, a ``{"message": …}`` or
# ``{"detail": …}`` entry, a password or user name ``problems.append(…)``.
ERROR_NAMES = {
    name for name, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, Exception)
} | {"ValueError"}
LAST_ARGUMENT = {"field", "error", "err"}


def _messages(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        found: list[ast.AST] = []
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ERROR_NAMES and node.args:
                found.append(node.args[0])
            elif name in LAST_ARGUMENT and len(node.args) >= 2:
                found.append(node.args[-1])
            elif (
                name == "append"
                and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "problems"
                and node.args
            ):
                found.append(node.args[0])
        elif isinstance(node, ast.Dict):
            found += [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in ("message", "detail")
            ]
        while found:
            item = found.pop()
            if isinstance(item, ast.IfExp):
                found += [item.body, item.orelse]
            else:
                yield item


def test_it_has_the_english_of_every_message_the_source_raises_in_chinese() -> None:
    _import_all()
    missing = []
    for rel, tree in _trees():
        for node in _messages(tree):
            # each value of an f-string stands in as an ASCII token
            sample = _text(node, "X{n}")
            if sample is None or not i18n.CJK.search(sample) or sample in CHINESE_IN_ENGLISH:
                continue
            english = i18n.english(sample)
            if english == sample or i18n.CJK.search(english):
                missing.append(f"{rel}:{node.lineno}: {_text(node)!r} → {english!r}")
    assert not missing, "no English in safety/error_messages.py for:\n" + "\n".join(missing)


# Messages in English only that no user sees: guards against a programming error (the
# caller checked first), start-up configuration errors (settings: every message there is
# read by IT at the command line, in English like every command) and the backup's
# reports (the `safety backup` command). (file, how the message starts)
INTERNAL_ENGLISH = {
    ("safety/demo/benchdata/patrol.py", "org unit "),
    ("safety/db.py", "DATABASE_URL must start"),
    ("safety/db.py", "bad column alias"),
    ("safety/files/store.py", "unknown attachment kind"),
    ("safety/settings.py", ""),
    ("safety/ops/backup/store.py", "attachment "),
    ("safety/sheets/stream.py", "more than "),
    ("inspections/hazard_figures.py", "bad group key"),
    ("inspections/patrol/rules.py", "a duplicate needs a triaged original"),
    ("inspections/risk/rules.py", "band"),
    ("inspections/risk/rules.py", "frequenc"),
    ("rectification/figures/queries.py", "several campaigns'"),
    ("inspections/patrol/rules.py", "unknown "),
    ("rectification/home/rules.py", "unknown "),
}


def test_it_has_the_chinese_of_every_message_the_source_raises_in_english() -> None:
    english_only = []
    for rel, tree in _trees():
        for node in _messages(tree):
            text = _text(node)
            if text is None or i18n.CJK.search(text) or not WORD.search(text):
                continue
            if text in i18n.MESSAGES or any(
                rel == f and text.startswith(start) for f, start in INTERNAL_ENGLISH
            ):
                continue
            english_only.append(f"{rel}:{node.lineno}: {text!r}")
    assert not english_only, "shown to a Chinese user in English:\n" + "\n".join(english_only)


# ---------------------------------------------------------------- the boundary


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("需要登录", "需要登录", "authentication required"),
        ("暂无数据", "暂无数据", "no data"),
        ("这句只有中文", "这句只有中文", "这句只有中文"),  # not a message: as it is
        ("not found", "not found", "not found"),
        ("Value error, 邮箱格式不正确", "邮箱格式不正确", "not an e-mail address"),
        ("用户名 ann 已存在", "用户名 ann 已存在", "username taken: ann"),
        ("检查尚未完成，还缺 3 项", "检查尚未完成，还缺 3 项", "inspection incomplete: 3 missing"),
        # a value that is itself a Chinese term is shown in English
        (
            "重大隐患的整改反馈须附至少 2 张整改后照片，现有 1 张",
            "重大隐患的整改反馈须附至少 2 张整改后照片，现有 1 张",
            "evidence of a major hazard needs at least 2 after-photos; it has 1",
        ),
        # a value that is a message of its own is localised too
        (
            "验收通过：隐患当前状态为「待整改」，当前状态不允许此操作",
            "验收通过：隐患当前状态为「待整改」，当前状态不允许此操作",
            "pass verification: the hazard is pending; not allowed in the current state",
        ),
        (
            "重大隐患判定依据（GB 6441）",
            "重大隐患判定依据（GB 6441）",
            "重大隐患判定依据（GB 6441）",
        ),
    ],
)
def test_it_shows_a_message_in_one_language(text: str, zh: str, en: str) -> None:
    assert i18n.localise(text, "zh") == zh
    assert i18n.localise(text, "en") == en


def test_it_prefers_the_most_specific_template() -> None:
    # "{key} 须为 {choices}" would match as well; "… 之一" says more
    assert i18n.english("L 须为 1/3/6 之一") == "L must be one of 1/3/6"
    assert i18n.english("kind 须为 a / b") == "kind must be a / b"


def test_it_names_fields_on_a_form_in_one_language() -> None:
    from safety.errors import ValidationFailed
    from safety.pages import errors_by_field

    exc = ValidationFailed("研判信息有误", [{"key": "reason", "message": "不予立案须写明理由"}])
    assert errors_by_field(exc) == {"_": "研判信息有误", "reason": "不予立案须写明理由"}
    assert errors_by_field(exc, "en") == {
        "_": "invalid triage",
        "reason": "say why it is dismissed",
    }


def test_a_page_shows_a_service_message_in_its_language() -> None:
    class Request:
        def __init__(self, lang: str) -> None:
            self.cookies = {"lang": lang}

    # an import row's message, as the preview tables show it: t(e.message)
    message = "与第 3 行的统一社会信用代码重复"
    assert i18n.template_t({"request": Request("zh")}, message) == message
    assert i18n.template_t({"request": Request("en")}, message) == "the same USCC as row 3"
    assert i18n.template_t({"request": Request("en")}, "nav.home") == "Home"
