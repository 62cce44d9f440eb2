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
        ("暂无数据", "暂无数据", "暂无数据"),
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
inspections/campaigns/batches.py | 批次不存在 (batch not found)
inspections/checklists/imports.py | 导入文件不存在或已过期 (upload not found)
inspections/checklists/pages.py | 请填写检查表编码 (code is required)
inspections/checklists/rules.py |  个字符 (too long)
inspections/checklists/rules.py | 一般隐患不填重大隐患判定依据 (only for major items)
inspections/checklists/rules.py | 不能为空 (required)
inspections/checklists/rules.py | 检查表须为对象 (must be an object)
inspections/checklists/rules.py | 检查项目须为对象 (must be an object)
inspections/checklists/rules.py | 检查项须为对象 (must be an object)
inspections/checklists/rules.py | 每个检查项目至少需要一条检查内容 (at least one item)
inspections/checklists/rules.py | 至少需要一个检查项目（分类）(at least one section)
inspections/checklists/rules.py | 重大隐患须写明判定依据 (required for major items)
inspections/checklists/rules.py | 须为文本 (must be a string)
inspections/checklists/service.py | 检查表不存在 (checklist not found)
inspections/checklists/service.py | 检查表内容有误 (invalid checklist)
inspections/checklists/sheets.py | 表中没有检查内容 (no items)
inspections/hazard_pages.py | 隐患不存在 (no such hazard)
inspections/page_helpers.py | 只有检查人员（企业自查时为本企业联系人）可以操作 (walkers only)
inspections/page_helpers.py | 请选择一个文件 (exactly one `file`)
inspections/patrol/departments.py |  已存在 (department exists)
inspections/patrol/departments.py | 部门不存在 (department not found)
inspections/patrol/figure_records.py | 统计项有误 (invalid figure)
inspections/patrol/figures.py | from 晚于 to (from is after to)
inspections/patrol/figures.py | 单位不存在 (org unit not found)
inspections/patrol/logs.py | date_from 晚于 date_to (after date_to)
inspections/patrol/logs.py | 单位不存在 (org unit not found)
inspections/patrol/logs.py | 网格不存在 (grid not found)
inspections/patrol/logs.py | 网格日志不存在 (patrol log not found)
inspections/patrol/logs.py | 网格日志有误 (invalid patrol log)
inspections/patrol/logs.py | 请选择网格 (org_unit_id must be a grid)
inspections/patrol/rules.py | ），不能再次处理 (already triaged)
inspections/patrol/scope.py | 上报不存在 (patrol report not found)
inspections/patrol/service.py | 上报信息有误 (invalid report)
inspections/patrol/service.py | 不是您负责的网格 (not one of your grids)
inspections/patrol/service.py | 只有上报的网格员可以添加照片 (the reporting grid worker only)
inspections/patrol/service.py | 只有网格员可以上报 (grid workers only)
inspections/patrol/service.py | 研判信息有误 (invalid triage)
inspections/patrol/views.py | 筛选条件有误 (invalid filter)
inspections/risk/api.py | 风险分级管控清单 as .xlsx (the columns the import reads)
inspections/risk/cleaning.py | 管控层级须为 公司级/车间级/班组级/岗位级 (company/workshop/team/post)
inspections/risk/cleaning.py | 风险点名称不能为空 (name is required)
inspections/risk/imports.py | 文件为空 (empty file)
inspections/risk/imports.py | 文件过大 (file too large)
inspections/risk/pages.py | 请选择文件 (choose a file)
inspections/risk/planning.py | 筛选条件有误 (invalid filter)
inspections/risk/rules.py |  之一 (off its scale)
inspections/risk/rules.py | 重大风险须明确责任人 (a major risk needs a named person)
inspections/risk/rules.py | 重大风险须由公司级管控 (a major risk is controlled by the company)
inspections/risk/service.py | ”的风险点 (a risk point of that name exists)
inspections/risk/service.py | 企业不存在 (enterprise not found)
inspections/risk/service.py | 版本已过期 (stale version)
inspections/risk/service.py | 风险点不存在 (risk point not found)
inspections/risk/service.py | 风险点信息有误 (invalid risk point)
inspections/rules.py | 企业自查不适用拒签 (no refusal to sign)
inspections/selfcheck/service.py |  天后 (too far ahead)
inspections/selfcheck/service.py | 企业不存在 (enterprise not found)
inspections/selfcheck/service.py | 企业已注销，不能再自查 (the enterprise is closed)
inspections/selfcheck/service.py | 自查信息有误 (invalid self-inspection)
inspections/selfcheck/service.py | 自查日期不能早于一年前 (more than a year ago)
inspections/selfcheck/service.py | 该账号未关联企业 (this account belongs to no enterprise)
inspections/services/batches.py | 批次不存在 (batch not found)
inspections/services/batches.py | 批次信息有误 (invalid batch)
inspections/services/batches.py | 检查任务信息有误 (invalid inspections)
inspections/services/batches.py | 该批次还没有检查人员 (the batch has no inspectors)
inspections/services/campaigns.py | 检查活动信息有误 (invalid campaign)
inspections/services/hazard_filters.py | 筛选条件有误 (invalid filter)
inspections/services/hazards.py |  不是本企业在用的风险点 (not an active risk point of this enterprise)
inspections/services/hazards.py | 隐患信息有误 (invalid hazard)
inspections/services/inspections.py |  项 (inspection incomplete)
inspections/services/inspections.py | 企业只能填写本企业的自查 (an enterprise walks its own self-inspections only)
inspections/services/inspections.py | 检查不存在 (inspection not found)
inspections/services/inspections.py | 检查信息有误 (invalid inspection)
inspections/services/inspections.py | 检查项不在本检查表中 (item not on this checklist)
inspections/services/photos.py | 只有检查人员、企业联系人和上报的网格员可以上传隐患照片 (inspectors, the enterprise and the reporting grid worker only)
inspections/services/photos.py | 隐患已作废 (hazard is voided)
inspections/services/scope.py | 检查不存在 (inspection not found)
inspections/services/scope.py | 检查活动不存在 (campaign not found)
inspections/services/scope.py | 隐患不存在 (hazard not found)
inspections/services/signatures.py | 签字信息有误 (invalid signature)
rectification/documents/recheck.py | 该隐患尚未复查验收，没有复查意见书 (no verification yet)
rectification/figures/dashboard_pages.py | 日期格式应为 YYYY-MM-DD (a date)
rectification/figures/dashboard_pages.py | 筛选条件有误 (invalid filter)
rectification/figures/definitions.py | group_by 需要 key (the group's key, or none)
rectification/figures/definitions.py | key 须为编号或 none (an id, or none)
rectification/figures/queries.py | 检查活动不存在 (campaign not found)
rectification/figures/service.py | 检查活动不存在 (campaign not found)
rectification/figures/service.py | 筛选条件有误 (invalid filter)
rectification/figures/service.py | 组织单元不存在 (org unit not found)
rectification/figures/service.py | 统计条件有误 (invalid figures request)
rectification/pages.py | 输入有误 (invalid input)
rectification/queue_pages.py | 隐患不存在 (hazard not found)
rectification/rules.py | 作废须说明理由 (a reason is required)
rectification/rules.py | 完成日期不能晚于今天 (not in the future)
rectification/rules.py | 已有一个待审批的延期申请 (an extension request is already pending)
rectification/rules.py | 当前状态不允许此操作 (not allowed in the current state)
rectification/rules.py | 您无权验收此隐患 (you may not verify this hazard)
rectification/rules.py | 整改方案不完整 (the plan is incomplete)
rectification/rules.py | 整改时限不能早于隐患发现日期 (before found_on)
rectification/rules.py | 新期限不能早于今天 (in the past)
rectification/rules.py | 请说明延期理由 (required)
rectification/rules.py | 请说明整改情况 (required)
rectification/rules.py | 重大隐患须先填写五落实整改方案 (a major hazard needs a plan before evidence)
rectification/rules.py | ，请先申请延期 (later than the effective deadline: request an extension first)
rectification/services/_common.py | 文件不存在 (file not found)
rectification/services/_common.py | 隐患不存在 (hazard not found)
rectification/services/extensions.py | 不批准须说明理由 (say why it is refused)
rectification/services/extensions.py | 延期申请不存在 (extension request not found)
rectification/services/extensions.py | 延期申请有误 (invalid extension request)
rectification/services/extensions.py | ） (already decided)
rectification/services/plans.py |  不是您为此隐患上传的整改照片，或已用过 (not your unused after-photo of this hazard)
rectification/services/plans.py | 整改反馈有误 (invalid evidence)
rectification/services/verification.py | 作废须说明理由 (a reason is required)
rectification/services/verification.py | 验收信息有误 (invalid verification)
safety/accounts.py |  不存在 (does not exist)
safety/accounts.py |  已存在 (username taken)
safety/accounts.py | 不能停用自己或修改自己的角色 (you cannot disable yourself or change your own role)
safety/accounts.py | 密码不符合要求 (password refused)
safety/accounts.py | 用户不存在 (user not found)
safety/accounts.py | 用户信息有误 (invalid user)
safety/accounts.py | 网格员须关联到网格或社区 (a grid or a community)
safety/audit.py |  须带时区 (needs a UTC offset)
safety/audit.py | 筛选条件有误 (invalid filter)
safety/auth.py | 令牌已失效 (token revoked)
safety/auth.py | 令牌无效或已过期 (invalid or expired token)
safety/auth.py | 您的角色无权执行此操作 (your role may not do this)
safety/auth.py | 您的角色须启用两步验证 (your role requires two-factor login: enrol first)
safety/charts.py | 暂无数据 (no data)
safety/controllers/admin_pages.py |  须为整数 (must be a whole number)
safety/controllers/admin_pages.py | 单位信息有误 (invalid org unit)
safety/controllers/admin_pages.py | 用户信息有误 (invalid user)
safety/errorpages.py | 服务器内部错误 (internal server error)
safety/errorpages.py | 表单字段不是有效的 UTF-8 文本 (a form field is not valid UTF-8 text)
safety/files.py | 文件不存在 (file not found)
safety/idempotency.py |  的请求正在处理，请稍后重试 (a request with this key is in progress; retry)
safety/images.py | 只接受 JPEG、PNG 或 WebP 图片 (only JPEG, PNG or WebP images are accepted)
safety/images.py | 文件为空 (the file is empty)
safety/logins.py | 两步验证码错误或已使用 (wrong or already used two-factor code)
safety/logins.py | 您的角色须启用两步验证：请在网页登录并按提示启用 (your role requires two-factor login: log in on the web page and enrol)
safety/logins.py | 用户名或密码错误 (wrong username or password)
safety/logins.py | 需要两步验证码 (a two-factor code is required)
safety/notifications.py | 没有这条消息 (no such notification)
safety/orgs.py | 单位不存在 (org unit not found)
safety/orgs.py | 单位信息有误 (invalid org unit)
safety/pages.py |  的编号 (not a valid id)
safety/pages.py | 日期格式应为 YYYY-MM-DD (a date)
safety/pages.py | 筛选条件有误 (invalid filter)
safety/pages.py | 输入有误 (invalid input)
safety/parsepool.py | 文件内容过于复杂，无法读取，请删除无关内容或分批导入 (file too complex)
safety/parsepool.py | 文件无法读取（解析进程异常退出） (the parser crashed on this file)
safety/registry/rules.py |  个字 (too long)
safety/registry/rules.py | 企业名称不能为空 (name is required)
safety/registry/rules.py | 企业规模应为 规上/小型/小微 (above_scale/small/micro)
safety/registry/rules.py | 统一社会信用代码不能为空 (uscc is required)
safety/registry/rules.py | 统一社会信用代码校验位错误(GB 32100-2015)；如确认代码无误，请勾选“代码已核实” (uscc_confirmed)
safety/registry/rules.py | 风险等级应为 红/橙/黄/蓝 (red/orange/yellow/blue)
safety/registry/service.py |  已登记 (already registered)
safety/registry/service.py | 不能为空 (required)
safety/registry/service.py | 企业不存在 (enterprise not found)
safety/registry/service.py | 企业信息有误 (invalid enterprise)
safety/registry/service.py | 企业须归属到网格 (must be a grid)
safety/registry/service.py | 版本已过期 (stale version)
safety/registry/service.py | 筛选条件有误 (invalid filter)
safety/registry/service.py | 请选择所属网格 (org_unit_id is required)
safety/registry/sync.py | 导入文件不存在或已过期 (upload not found)
safety/registry/sync.py | 文件为空 (empty file)
safety/registry/sync.py | 文件过大 (file too large)
safety/reports/fonts.py | 未找到中文字体，无法生成 PDF：请安装 fonts-noto-cjk（Debian/Ubuntu: apt-get install fonts-noto-cjk）或设置 SAFETY_PDF_FONT 为一个中文字体文件 (no CJK font found: install fonts-noto-cjk, or set SAFETY_PDF_FONT to a CJK font file)
safety/rules.py | 密码不能包含用户名 (must not contain the username)
safety/schemas.py | 邮箱格式不正确 (not an e-mail address)
safety/sheetguard.py | 只能导入 .xlsx 或 .csv 文件 (only .xlsx or .csv)
safety/sheetguard.py | 无法读取该Excel文件 (not a readable .xlsx)
safety/twofactor.py | 两步验证未启用 (two-factor login is not enabled)
safety/twofactor.py | 您的角色须使用两步验证，只能重新启用，不能关闭 (your role requires two-factor login: re-enrol instead of disabling it)
safety/twofactor.py | 没有待确认的两步验证，请先开始启用 (no pending enrolment: start one first)
safety/twofactor.py | 用户不存在 (user not found)
safety/twofactor.py | 验证码错误或已使用 (wrong or already used code)
safety/twofactor.py | 验证码错误或已过期 (wrong or expired code)
safety/web.py |  含控制字符 (control character)
safety/web.py | 查询参数有误 (invalid query parameter)
safety/web.py | 需要令牌 (bearer token required)
safety/web.py | 需要登录 (authentication required)
"""
