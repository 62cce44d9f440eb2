"""A tiny i18n: Chinese by default, English when the ``lang`` cookie says ``en``.

Templates call ``t("key")`` (registered on the Jinja engine in ``safety.app``); the
request's language comes from the cookie, so no controller has to pass it. A key that is
not in the dict is shown as is, so a Chinese literal works as its own key. Other packages
add their messages with ``register({...})`` from their own module instead of editing this
one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "lang"

# key → (Chinese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("安全生产双重预防系统", "Dual-Prevention Safety Tracker"),
    "app.full_name": (
        "安全生产双重预防检查与整改跟踪系统",
        "Workplace-safety inspection and rectification tracker",
    ),
    "nav.home": ("首页", "Home"),
    "nav.group.work": ("日常工作", "Daily work"),
    "nav.group.checks": ("检查与巡查", "Inspections and rounds"),
    "nav.group.figures": ("统计分析", "Figures"),
    "nav.group.setup": ("基础数据", "Reference data"),
    "nav.today": ("今日检查", "Today"),
    "nav.enterprises": ("企业", "Enterprises"),
    "nav.campaigns": ("检查活动", "Campaigns"),
    "nav.inspections": ("检查记录", "Inspection records"),
    "nav.hazards": ("隐患", "Hazards"),
    "nav.users": ("用户", "Users"),
    "nav.org_units": ("组织机构", "Org units"),
    "nav.agencies": ("第三方机构", "Agencies"),
    "nav.audit": ("审计日志", "Audit trail"),
    "nav.deliveries": ("投递失败", "Failed deliveries"),
    "nav.logout": ("退出", "Log out"),
    "nav.login": ("登录", "Log in"),
    "nav.language": ("English", "中文"),
    "role.admin": ("系统管理员", "Administrator"),
    "role.officer": ("街道安全监管员", "Safety officer"),
    "role.inspector": ("第三方专家", "Inspector"),
    "role.enterprise": ("企业联系人", "Enterprise contact"),
    "role.grid_worker": ("网格员", "Grid worker"),
    "login.title": ("登录", "Log in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "login.locked": (
        "登录失败次数过多，账号已临时锁定，请 {minutes} 分钟后再试",
        "Too many failed logins: this account is locked, try again in {minutes} minutes",
    ),
    "login.expired": ("登录已过期，请重新登录", "Your login has expired, please log in again"),
    "login.logged_out": ("您已退出登录", "You have logged out"),
    "login.not_https": (
        "此连接未使用 HTTPS，浏览器不会保存登录状态，登录将无法完成。请使用 https:// 开头的地址"
        "访问；如已使用，请管理员检查反向代理的 X-Forwarded-Proto 与 SAFETY_TRUSTED_PROXIES 设置。",
        "This connection is not HTTPS, so the browser will not keep your login. Open the "
        "https:// address; if you did, ask the administrator to check the reverse proxy's "
        "X-Forwarded-Proto header and SAFETY_TRUSTED_PROXIES.",
    ),
    "home.welcome": ("欢迎，{name}", "Welcome, {name}"),
    "home.pick": ("请选择要使用的功能", "Choose what to work on"),
    "common.save": ("保存", "Save"),
    "common.create": ("新建", "Create"),
    "common.search": ("查询", "Search"),
    "common.filter": ("筛选", "Filter"),
    "common.reset": ("重置", "Reset"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.none": ("—", "—"),
    "common.all": ("全部", "All"),
    "common.actions": ("操作", "Actions"),
    "common.total": ("共 {n} 条", "{n} in total"),
    "common.prev": ("上一页", "Previous"),
    "common.next": ("下一页", "Next"),
    "common.saved": ("已保存", "Saved"),
    "common.name": ("名称", "Name"),
    "common.active": ("启用", "Active"),
    "common.disabled": ("已停用", "Disabled"),
    "common.created_at": ("创建时间", "Created"),
    "users.title": ("用户管理", "Users"),
    "users.new": ("新建用户", "New user"),
    "users.username": ("用户名", "Username"),
    "users.display_name": ("姓名", "Name"),
    "users.phone": ("手机号", "Mobile"),
    "users.email": ("邮箱", "E-mail"),
    "users.email_hint": (
        "提醒和待办摘要发到此邮箱（可不填）",
        "Reminders and digests are e-mailed here (optional)",
    ),
    "users.role": ("角色", "Role"),
    "users.link": ("所属", "Belongs to"),
    "users.enterprise_id": ("所属企业", "Enterprise"),
    "users.org_unit_id": ("所属单位", "Org unit"),
    "users.agency_id": ("所属机构", "Agency"),
    "users.link_officer": ("— 监管员、网格员须选择 —", "— for officers, grid workers —"),
    "users.link_inspector": ("— 专家须选择 —", "— required for inspectors —"),
    "users.link_enterprise": ("— 企业联系人须选择 —", "— required for enterprise contacts —"),
    "users.password": ("密码", "Password"),
    "users.new_password": ("新密码（留空不改）", "New password (blank: unchanged)"),
    "users.disable": ("停用", "Disable"),
    "users.enable": ("启用", "Enable"),
    "users.edit": ("修改", "Edit"),
    "users.password_hint": (
        "至少 {n} 位，含大写字母、小写字母、数字、符号中的至少 {c} 类，且不含用户名",
        "At least {n} characters from {c} of: lowercase, uppercase, digits, symbols; "
        "not containing the username",
    ),
    "org.title": ("组织机构", "Org units"),
    "org.new": ("新建单位", "New org unit"),
    "org.kind": ("类型", "Kind"),
    "org.parent": ("上级单位", "Parent"),
    "org.code": ("代码", "Code"),
    "org.kind.district": ("区县", "District"),
    "org.kind.street": ("街道", "Street"),
    "org.kind.community": ("社区", "Community"),
    "org.kind.grid": ("网格", "Grid"),
    "agency.title": ("第三方机构", "Agencies"),
    "agency.new": ("新建机构", "New agency"),
    "agency.contact_name": ("联系人", "Contact"),
    "agency.contact_phone": ("联系电话", "Phone"),
    "audit.title": ("审计日志", "Audit trail"),
    "audit.at": ("时间", "Time"),
    "audit.actor": ("操作人", "Actor"),
    "audit.action": ("操作", "Action"),
    "audit.object": ("对象", "Object"),
    "audit.object_type": ("对象类型", "Object type"),
    "audit.object_id": ("对象ID", "Object ID"),
    "audit.ip": ("来源地址", "From"),
    "audit.result": ("结果", "Result"),
    "audit.success": ("成功", "Success"),
    "audit.failure": ("失败", "Refused"),
    "audit.since": ("起始", "Since"),
    "audit.until": ("截止", "Until"),
    "audit.details": ("详情", "Details"),
    "audit.retention": (
        "审计记录只增不改：数据库触发器拒绝修改和删除，系统不删除任何审计记录（保存期限不少于6个月）。",
        "The audit trail is append-only: database triggers refuse changes and deletions, "
        "and nothing in the system deletes audit rows (kept at least 6 months).",
    ),
    "error.title": ("出错了", "Something went wrong"),
    "error.400": ("提交的内容有误", "The input is invalid"),
    "error.403": ("您无权执行此操作", "You may not do this"),
    "error.404": ("页面或记录不存在", "Not found"),
    "error.409": ("当前状态不允许此操作", "Not allowed in the current state"),
    "error.429": ("请求过于频繁，请稍后再试", "Too many requests, try again later"),
    "error.500": ("服务器内部错误", "Internal server error"),
    "error.back": ("返回首页", "Back to the home page"),
}


# ---------------------------------------------------------------- one language per message
# A service message is raised in Chinese; its English is in ``safety.error_messages``
# (keyed by the Chinese text). A formatted message is registered as a template with
# ``{placeholders}`` on both sides: the boundary matches the Chinese text it receives
# against the Chinese templates and fills the English one with the values it captured.
# tests/unit/test_one_language.py keeps every message in one language (docs/one-language.md).
CJK_CHARS = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
CJK = re.compile(f"[{CJK_CHARS}]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# pydantic puts this before the text of a validator's ValueError / assert
_PYDANTIC_PREFIX = re.compile(r"^(?:Value error|Assertion failed), ")
# (the template's longest literal part, its pattern, the template), most literal text
# first; the literal part is looked for before the pattern is tried (a cheap miss)
_TEMPLATES: list[tuple[str, re.Pattern[str], str]] = []
# Chinese words a template's value may be (a state's label, a level): their English
_TERMS: dict[str, str] = {}


def template_pattern(template: str) -> re.Pattern[str]:
    """``"用户名 {username} 已存在"`` → a pattern matching any text formatted from it,
    capturing each placeholder's value (a placeholder used twice must repeat its value)."""
    parts, seen = [], set()
    for i, part in enumerate(PLACEHOLDER.split(template)):
        if i % 2 == 0:
            parts.append(re.escape(part))
        else:
            parts.append(f"(?P={part})" if part in seen else f"(?P<{part}>.+?)")
            seen.add(part)
    return re.compile("".join(parts), re.S)


def register_templates(templates: Iterable[str]) -> None:
    """Make formatted messages findable: each a catalogue key (its Chinese text)."""
    for template in templates:
        if PLACEHOLDER.search(template):
            anchor = max(PLACEHOLDER.split(template)[::2], key=len)
            _TEMPLATES.append((anchor, template_pattern(template), template))
    _TEMPLATES.sort(key=lambda item: -len(PLACEHOLDER.sub("", item[2])))


def strip_pydantic_prefix(text: str) -> str:
    """``"Value error, 邮箱格式不正确"`` → ``"邮箱格式不正确"``: the message, not pydantic's
    wording around it."""
    return _PYDANTIC_PREFIX.sub("", text, count=1)


def localise(text: str, lang: str = DEFAULT_LANG) -> str:
    """A service message in ``lang``: the catalogue's text for a message registered under
    its Chinese text, or the English template of the Chinese template the text was
    formatted from (its values localised in turn); any other text unchanged."""
    if not isinstance(text, str):
        return text
    text = strip_pydantic_prefix(text)
    if text in MESSAGES:
        return translate(text, lang)
    if lang == DEFAULT_LANG or not CJK.search(text):
        return text
    for anchor, pattern, template in _TEMPLATES:
        found = pattern.fullmatch(text) if anchor in text else None
        if found is not None:
            values = {k: _TERMS.get(v) or localise(v, lang) for k, v in found.groupdict().items()}
            return translate(template, lang, **values)
    return text


def english(text: str) -> str:
    """A message's stable English text (what API clients may match on)."""
    return localise(text, "en")


def register(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add a package's messages (key → (Chinese, English))."""
    MESSAGES.update(messages)


def lang_of(request: Any) -> str:
    """The request's language: the ``lang`` cookie when valid, else Chinese."""
    value = request.cookies.get(LANG_COOKIE) if request is not None else None
    return value if value in LANGS else DEFAULT_LANG


# The language of the page being answered, for code that has no request at hand (a form's
# field errors: ``safety.pages.errors_by_field``). Set before each route handler runs
# (``remember_page_lang``, the app's ``before_request``); Chinese outside a request.
_PAGE_LANG: ContextVar[str] = ContextVar("page_lang", default=DEFAULT_LANG)


async def remember_page_lang(request: Any) -> None:
    """``before_request``: note the request's page language (the ``lang`` cookie). Async on
    purpose: Litestar runs a sync hook in a worker thread, whose context is thrown away."""
    _PAGE_LANG.set(lang_of(request))


def page_lang() -> str:
    return _PAGE_LANG.get()


def request_lang(request: Any) -> str:
    """The language of a response: the ``lang`` cookie; else, for an API client that sends a
    token (not a browser page), its ``Accept-Language``; else Chinese."""
    if request is None:
        return DEFAULT_LANG
    value = request.cookies.get(LANG_COOKIE)
    if value in LANGS:
        return value
    if request.headers.get("authorization"):
        accept = request.headers.get("accept-language", "").strip().lower()
        if accept.startswith("en"):
            return "en"
    return DEFAULT_LANG


def translate(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    pair = MESSAGES.get(key)
    text = key if pair is None else pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text


def template_t(context: Mapping[str, Any], key: str, **values: Any) -> str:
    """``t("key", name=...)`` inside templates; ``t(e.message)`` shows a service message
    (an import row's, formatted ones included) in the page's language."""
    lang = lang_of(context.get("request"))
    if not values and key not in MESSAGES:
        return localise(key, lang)
    return translate(key, lang, **values)


def template_lang(context: Mapping[str, Any]) -> str:
    return lang_of(context.get("request"))


def _register_errors() -> None:
    from safety.error_messages import ERRORS, TERMS

    register({zh: (zh, en) for zh, en in ERRORS.items()})
    register_templates(ERRORS)
    _TERMS.update(TERMS)


_register_errors()
