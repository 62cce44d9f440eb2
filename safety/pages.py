"""Helpers for server-rendered pages: the role-aware nav and the template globals.

The nav lists what each role may use; an entry whose page is not (yet) a route of the app
is left out, so the nav never links to a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from safety import i18n
from safety.schemas import MAX_DB_INT
from safety.tables import Role

ADM, OFF, INS, ENT = Role.admin, Role.officer, Role.inspector, Role.enterprise
GW = Role.grid_worker  # 网格员

# (message key, path, roles that may use it, group), in display order: the daily work
# first, then the inspections, the figures, and the reference data set up once. The
# home page shows the same entries as tiles under a heading per group (an officer has
# fourteen: one flat list was a wall of buttons on a phone).
NAV: list[tuple[str, str, tuple[Role, ...], str]] = [
    ("nav.home", "/", (ADM, OFF, INS, ENT, GW), "work"),
    ("nav.today", "/inspections/today", (INS,), "work"),
    ("nav.dashboard", "/dashboard", (OFF,), "work"),
    ("nav.hazards", "/hazards", (OFF, INS, ENT), "work"),
    ("nav.patrol_triage", "/patrol/triage", (OFF,), "work"),
    ("nav.planning_due", "/planning/due", (OFF,), "work"),
    ("nav.patrol_mine", "/patrol", (GW,), "work"),
    ("nav.patrol_new", "/patrol/new", (GW,), "work"),
    ("nav.risk_points", "/risk-points", (ENT,), "work"),
    ("nav.campaigns", "/campaigns", (OFF,), "checks"),
    ("nav.inspections", "/inspections", (OFF, INS), "checks"),
    ("nav.self_inspections", "/self-inspections", (ENT, OFF), "checks"),
    ("nav.patrol_logs", "/patrol/logs", (OFF, GW), "checks"),
    ("nav.risk_map", "/risk/map", (OFF,), "figures"),
    ("nav.patrol_figures", "/patrol/figures", (OFF,), "figures"),
    ("nav.enterprises", "/enterprises", (OFF, INS, ENT), "setup"),
    ("nav.checklists", "/admin/checklists", (ADM, OFF, INS), "setup"),
    ("nav.users", "/admin/users", (ADM,), "setup"),
    ("nav.org_units", "/admin/org-units", (ADM, OFF), "setup"),
    ("nav.agencies", "/admin/agencies", (ADM, OFF), "setup"),
    ("nav.referral_departments", "/admin/referral-departments", (ADM,), "setup"),
    ("nav.audit", "/admin/audit", (ADM,), "setup"),
    ("nav.deliveries", "/admin/deliveries", (ADM,), "setup"),
]


def _request(context: Mapping[str, Any]) -> Any:
    return context.get("request")


def current_actor(context: Mapping[str, Any]) -> Any:
    """The page's actor (set on ``request.state`` when the page authenticated), or None."""
    request = _request(context)
    if request is None:
        return None
    return request.state.get("actor") if hasattr(request.state, "get") else None


def _route_paths(request: Any) -> set[str]:
    cached = request.app.state.get("_page_paths")
    if cached is None:
        cached = {route.path for route in request.app.routes}
        request.app.state["_page_paths"] = cached
    return cached


def nav_items_for(role: Role | None, paths: set[str], current: str = "") -> list[dict]:
    if role is None:
        return []
    items = [
        {"key": key, "path": path, "active": False, "group": group}
        for key, path, roles, group in NAV
        if role in roles and path in paths
    ]
    # The entry the page belongs to: its own path, else the longest one it lies under
    # (on /patrol/new 随手拍 is current, not also 我的上报 at /patrol).
    under = [
        item
        for item in items
        if current == item["path"]
        or (item["path"] != "/" and current.startswith(item["path"] + "/"))
    ]
    if under:
        max(under, key=lambda item: len(item["path"]))["active"] = True
    return items


def template_unread(context: Mapping[str, Any]) -> int | None:
    """The page user's unread notification count (read once by ``provide_actor``)."""
    request = _request(context)
    if request is None or not hasattr(request.state, "get"):
        return None
    return request.state.get("unread")


def template_localtime(value: Any) -> str:
    """A timestamp as ``YYYY-MM-DD HH:MM`` in the configured time zone."""
    import datetime as dt

    from safety.settings import local_clock

    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    return local_clock(value)


def template_nav(context: Mapping[str, Any]) -> list[dict]:
    actor = current_actor(context)
    request = _request(context)
    if actor is None or request is None:
        return []
    return nav_items_for(actor.role, _route_paths(request), request.url.path)


def template_current_path(context: Mapping[str, Any]) -> str:
    request = _request(context)
    if request is None:
        return "/"
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def errors_by_field(exc: Any, lang: str | None = None) -> dict[str, str]:
    """A ``DomainError`` as field → message, for showing each message next to its field
    on a form; the overall detail under "_". One language: the page's (the ``lang`` cookie
    of the request being answered, ``i18n.page_lang``) unless the caller names one."""
    lang = lang or i18n.page_lang()
    out = {"_": i18n.localise(exc.detail, lang)}
    for e in exc.extra:
        out.setdefault(e.get("key", "_"), i18n.localise(e.get("message", ""), lang))
    return out


# ---------------------------------------------------------------- query and form values
# One set of parsers for what a page reads from its query string or form. ``query_id`` and
# ``query_date`` are for filters: blank is None, anything else unusable is a field error
# (the page is shown again with it, status 400), so a typo never silently lists everything
# and an id past PostgreSQL's ``integer`` never reaches a query (a 500). ``as_int``,
# ``parse_id`` and ``parse_date`` are the lenient ones: ``as_int`` for a value an input
# model bounds next (pydantic then names the field), the other two for a default choice
# of a form (a grid, a day) where anything unusable means "the default".

DATE_MESSAGE = "日期格式应为 YYYY-MM-DD"


def _stripped(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def as_int(raw: Any) -> int | None:
    """A whole number, unbounded (the input model bounds it), or None."""
    try:
        return int(_stripped(raw))
    except ValueError:
        return None


def parse_id(raw: Any, lowest: int = 1) -> int | None:
    """``raw`` as a row id (ASCII digits, 1..MAX_DB_INT), or None for anything else.
    ``lowest=0`` where 0 stands for "none" (a figure's group without a batch or agency)."""
    text = _stripped(raw)
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if lowest <= value <= MAX_DB_INT else None


def parse_date(raw: Any) -> dt.date | None:
    """``raw`` as an ISO date (YYYY-MM-DD), or None for anything else."""
    try:
        return dt.date.fromisoformat(_stripped(raw))
    except ValueError:
        return None


def query_id(raw: Any, key: str, errors: list[dict[str, str]], lowest: int = 1) -> int | None:
    """A filter's id: None if blank; anything but 1..MAX_DB_INT (``lowest``..) is an error
    under ``key``."""
    if not _stripped(raw):
        return None
    value = parse_id(raw, lowest)
    if value is None:
        message = f"{key} 须为 {lowest}..{MAX_DB_INT} 的编号"
        errors.append({"key": key, "message": message})
    return value


def query_date(raw: Any, key: str, errors: list[dict[str, str]]) -> dt.date | None:
    """A filter's date: None if blank; anything but YYYY-MM-DD is an error under ``key``."""
    if not _stripped(raw):
        return None
    value = parse_date(raw)
    if value is None:
        errors.append({"key": key, "message": DATE_MESSAGE})
    return value


def field_messages(errors: list[dict[str, str]]) -> dict[str, str]:
    """Collected field errors as field → message, for the template (first one per field)."""
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e["key"], e["message"])
    return out


def refuse(errors: list[dict[str, str]], detail: str = "筛选条件有误") -> None:
    """The field errors ``query_id`` / ``query_date`` collected, as one 400 (if any)."""
    from safety.errors import ValidationFailed

    if errors:
        raise ValidationFailed(detail, errors)


def page_offset(raw: str | None) -> int:
    """A list page's ``?offset=``; anything unusable means the first page."""
    try:
        return min(max(0, int(raw or 0)), MAX_DB_INT)
    except ValueError:
        return 0


def form_model(model: Any, **values: Any) -> Any:
    """Build an input model from a page form; pydantic's refusals become a
    ``ValidationFailed`` naming each field, shown next to it like any other error."""
    from pydantic import ValidationError

    from safety.errors import ValidationFailed

    try:
        return model(**values)
    except ValidationError as exc:
        raise ValidationFailed(
            "输入有误",
            [
                {"key": str(e["loc"][0]) if e["loc"] else "_", "message": e["msg"]}
                for e in exc.errors()
            ],
        ) from exc
