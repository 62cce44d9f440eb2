"""Administration pages: users, the org tree, agencies, the audit trail. They call the
same services as the JSON API, so the two cannot disagree on who may do what."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from safety import audit, orgs
from safety.accounts import service as accounts
from safety.accounts import twofactor
from safety.accounts.actor import ACTOR, ADMIN_ONLY
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.pages import errors_by_field, form_model, page_offset
from safety.schemas import MAX_DB_INT
from safety.settings import get_settings
from safety.tables import OrgUnitKind, Role
from safety.web import PathId, paging

FormData = URLEncodedBody[dict[str, Any]]
PAGE_SIZE = 50


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key)
    return str(value).strip() if value is not None else ""


def _opt_int(form: dict[str, Any], key: str, errors: list[dict[str, str]]) -> int | None:
    raw = _text(form, key)
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors.append({"key": key, "message": f"{key} 须为整数"})
        return None
    if not 1 <= value <= MAX_DB_INT:
        errors.append({"key": key, "message": f"{key} 须为 1..{MAX_DB_INT} 的编号"})
        return None
    return value


# ---------------------------------------------------------------- users


async def _users_page(
    actor: Actor,
    role: str | None,
    q: str | None,
    offset: int,
    form: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
) -> Template:
    page = await accounts.list_users(actor, role=role or None, q=q, limit=PAGE_SIZE, offset=offset)
    links = await accounts.link_choices(actor)
    s = get_settings()
    return Template(
        "admin/users.html",
        context={
            "users": page["items"],
            "total": page["total"],
            "offset": offset,
            "page_size": PAGE_SIZE,
            "role": role or "",
            "q": q or "",
            "roles": [r.value for r in Role],
            "links": links,
            "link_names": {k: dict(v) for k, v in links.items()},
            "form": form or {},
            "errors": errors or {},
            "min_length": s.password_min_length,
            "min_classes": s.password_min_classes,
        },
        status_code=status,
    )


@get("/")
async def users_page(
    actor: NamedDependency[Actor],
    role: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    return await _users_page(actor, role, q, page_offset(offset))


@post("/", status_code=303)
async def users_create(actor: NamedDependency[Actor], data: FormData) -> Template | Redirect:
    actor.require(Role.admin)
    errors: list[dict[str, str]] = []
    try:
        new = form_model(
            accounts.NewUser,
            username=_text(data, "username"),
            password=str(data.get("password") or ""),
            role=_text(data, "role"),
            display_name=_text(data, "display_name"),
            phone=_text(data, "phone") or None,
            email=_text(data, "email") or None,
            enterprise_id=_opt_int(data, "enterprise_id", errors),
            org_unit_id=_opt_int(data, "org_unit_id", errors),
            agency_id=_opt_int(data, "agency_id", errors),
        )
        if errors:
            raise ValidationFailed("用户信息有误", errors)
        await accounts.create_user(actor, new)
    except (ValidationFailed, DomainError) as exc:
        if exc.status_code not in (400, 409):
            raise
        form = {k: v for k, v in data.items() if k != "password"}
        return await _users_page(actor, None, None, 0, form, errors_by_field(exc), exc.status_code)
    return Redirect("/admin/users", status_code=303)


async def _user_edit(
    actor: Actor, user: dict, errors: dict | None = None, status: int = 200, saved: bool = False
) -> Template:
    s = get_settings()
    return Template(
        "admin/user_edit.html",
        context={
            "user": user,
            "totp": await twofactor.status(user["id"]),
            "links": await accounts.link_choices(actor),
            "roles": [r.value for r in Role],
            "errors": errors or {},
            "saved": saved,
            "min_length": s.password_min_length,
            "min_classes": s.password_min_classes,
        },
        status_code=status,
    )


@get("/{user_id:int}")
async def user_edit_page(
    actor: NamedDependency[Actor], user_id: PathId, saved: FromQuery[str | None] = None
) -> Template:
    return await _user_edit(actor, await accounts.get_user(actor, user_id), saved=bool(saved))


@post("/{user_id:int}", status_code=303)
async def user_edit_submit(
    actor: NamedDependency[Actor], user_id: PathId, data: FormData
) -> Template | Redirect:
    user = await accounts.get_user(actor, user_id)
    errors: list[dict[str, str]] = []
    fields: dict[str, Any] = {}
    if "display_name" in data:
        fields["display_name"] = _text(data, "display_name")
    for key in ("phone", "email"):
        if key in data:
            fields[key] = _text(data, key) or None
    if _text(data, "role"):
        fields["role"] = _text(data, "role")
    if "active" in data:
        fields["active"] = _text(data, "active") == "1"
    if data.get("password"):
        fields["password"] = str(data["password"])
    for key in ("enterprise_id", "org_unit_id", "agency_id"):
        if key in data:
            fields[key] = _opt_int(data, key, errors)
    try:
        if errors:
            raise ValidationFailed("用户信息有误", errors)
        await accounts.update_user(actor, user_id, form_model(accounts.UserPatch, **fields))
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _user_edit(actor, user, errors_by_field(exc), exc.status_code)
    return Redirect(f"/admin/users/{user_id}?saved=1", status_code=303)


# ---------------------------------------------------------------- org units


def _tree(units: list[dict]) -> list[dict]:
    """Nest the flat, scoped list: roots are units whose parent is not in the list."""
    by_id = {u["id"]: {**u, "children": []} for u in units}
    roots = []
    for unit in sorted(by_id.values(), key=lambda u: (u["name"], u["id"])):
        parent = by_id.get(unit["parent"])
        (parent["children"] if parent else roots).append(unit)
    return roots


async def _org_page(
    actor: Actor, form: dict | None = None, errors: dict | None = None, status: int = 200
) -> Template:
    units: list[dict] = []
    offset = 0
    while True:  # the whole (scoped) tree, page by page
        page = await orgs.list_org_units(actor, limit=500, offset=offset)
        units.extend(page["items"])
        offset += 500
        if offset >= page["total"]:
            break
    return Template(
        "admin/org_units.html",
        context={
            "tree": _tree(units),
            "units": units,
            "kinds": [k.value for k in OrgUnitKind],
            "can_create": actor.role == Role.admin,
            "form": form or {},
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/")
async def org_units_page(actor: NamedDependency[Actor]) -> Template:
    return await _org_page(actor)


@post("/", status_code=303)
async def org_units_create(actor: NamedDependency[Actor], data: FormData) -> Template | Redirect:
    actor.require(Role.admin)
    errors: list[dict[str, str]] = []
    try:
        unit = form_model(
            orgs.OrgUnitIn,
            name=_text(data, "name"),
            kind=_text(data, "kind"),
            parent_id=_opt_int(data, "parent_id", errors),
            code=_text(data, "code") or None,
        )
        if errors:
            raise ValidationFailed("单位信息有误", errors)
        await orgs.create_org_unit(actor, unit)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _org_page(actor, dict(data), errors_by_field(exc), exc.status_code)
    return Redirect("/admin/org-units", status_code=303)


# ---------------------------------------------------------------- agencies


async def _agencies_page(
    actor: Actor, q: str | None, form: dict | None = None, errors=None, status: int = 200
) -> Template:
    page = await orgs.list_agencies(actor, q=q, limit=500)
    return Template(
        "admin/agencies.html",
        context={
            "agencies": page["items"],
            "total": page["total"],
            "q": q or "",
            "form": form or {},
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/")
async def agencies_page(actor: NamedDependency[Actor], q: FromQuery[str | None] = None) -> Template:
    return await _agencies_page(actor, q)


@post("/", status_code=303)
async def agencies_create(actor: NamedDependency[Actor], data: FormData) -> Template | Redirect:
    try:
        await orgs.create_agency(
            actor,
            form_model(
                orgs.AgencyIn,
                name=_text(data, "name"),
                contact_name=_text(data, "contact_name") or None,
                contact_phone=_text(data, "contact_phone") or None,
            ),
        )
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _agencies_page(actor, None, dict(data), errors_by_field(exc), exc.status_code)
    return Redirect("/admin/agencies", status_code=303)


# ---------------------------------------------------------------- audit trail


@get("/")
async def audit_page(
    actor: NamedDependency[Actor],
    who: FromQuery[str | None] = None,
    action: FromQuery[str | None] = None,
    object_type: FromQuery[str | None] = None,
    object_id: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.admin)
    filters = {
        "who": who or "",
        "action": action or "",
        "object_type": object_type or "",
        "object_id": object_id or "",
        "since": since or "",
        "until": until or "",
    }
    errors: dict[str, str] = {}
    try:
        flt = audit.audit_filter(who, action, object_type, object_id, since, until)
    except ValidationFailed as exc:
        errors = errors_by_field(exc)
        flt = audit.AuditFilter()
    off = page_offset(offset)
    limit, off = paging(PAGE_SIZE, off)
    page = await audit.list_events(actor, flt, limit=limit, offset=off)
    for event in page["items"]:
        event["details"] = json.dumps(
            {"before": event["before"], "after": event["after"]},
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    query = urlencode({k: v for k, v in filters.items() if v})
    return Template(
        "admin/audit.html",
        context={
            "events": page["items"],
            "total": page["total"],
            "offset": off,
            "page_size": PAGE_SIZE,
            "filters": filters,
            "query": query,
            "errors": errors,
        },
        status_code=400 if errors else 200,
    )


# Users and the audit trail are the admin's alone; the org tree and agencies are the
# officer's too (their scope is the services' rule).
user_pages = Router(
    path="/admin/users",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[users_page, users_create, user_edit_page, user_edit_submit],
)
org_unit_pages = Router(
    path="/admin/org-units",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[org_units_page, org_units_create],
)
agency_pages = Router(
    path="/admin/agencies",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[agencies_page, agencies_create],
)
audit_pages = Router(
    path="/admin/audit",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[audit_page],
)
