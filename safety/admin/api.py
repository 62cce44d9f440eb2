"""Administration API: users, org units, agencies, the audit trail. Role and scope are
checked in the services (safety.accounts.service, safety.orgs, safety.audit)."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from safety import audit, orgs
from safety.accounts import service as accounts
from safety.accounts.actor import ACTOR, ADMIN_ONLY
from safety.actors import Actor
from safety.schemas import AgencyOut, AuditEventOut, OrgUnitOut, UserOut
from safety.tables import OrgUnitKind, Role
from safety.web import (
    Limit,
    Offset,
    Page,
    PathId,
    QueryId,
    error_responses,
    paging,
    query_one_of,
)


@get(
    "/",
    summary="List users (admin)",
    responses=error_responses(400, 401, 403),
)
async def list_users(
    actor: NamedDependency[Actor],
    role: query_one_of(Role) = None,
    q: FromQuery[str | None] = None,
    active: FromQuery[bool | None] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[UserOut]:
    lim, off = paging(limit, offset)
    page = await accounts.list_users(actor, role=role, q=q, active=active, limit=lim, offset=off)
    return Page[UserOut](items=[UserOut.of(r) for r in page["items"]], total=page["total"])


@post(
    "/",
    summary="Create a user (admin)",
    responses=error_responses(400, 401, 403, 409, 413),
)
async def create_user(actor: NamedDependency[Actor], data: JSONBody[accounts.NewUser]) -> UserOut:
    return UserOut.of(await accounts.create_user(actor, data))


@get(
    "/{user_id:int}",
    summary="One user (admin)",
    responses=error_responses(401, 403, 404),
)
async def get_user(actor: NamedDependency[Actor], user_id: PathId) -> UserOut:
    return UserOut.of(await accounts.get_user(actor, user_id))


@patch(
    "/{user_id:int}",
    summary="Change a user (admin); disabling or a new password ends their tokens/sessions",
    responses=error_responses(400, 401, 403, 404, 409, 413),
)
async def update_user(
    actor: NamedDependency[Actor], user_id: PathId, data: JSONBody[accounts.UserPatch]
) -> UserOut:
    return UserOut.of(await accounts.update_user(actor, user_id, data))


@get(
    "/",
    summary="Org units: all for an admin, the own subtree for an officer",
    responses=error_responses(400, 401, 403),
)
async def list_org_units(
    actor: NamedDependency[Actor],
    kind: query_one_of(OrgUnitKind) = None,
    parent_id: QueryId = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[OrgUnitOut]:
    lim, off = paging(limit, offset)
    page = await orgs.list_org_units(actor, kind=kind, parent_id=parent_id, limit=lim, offset=off)
    return Page[OrgUnitOut](items=[OrgUnitOut.of(r) for r in page["items"]], total=page["total"])


@post(
    "/",
    summary="Create an org unit (admin)",
    responses=error_responses(400, 401, 403, 409, 413),
)
async def create_org_unit(
    actor: NamedDependency[Actor], data: JSONBody[orgs.OrgUnitIn]
) -> OrgUnitOut:
    return OrgUnitOut.of(await orgs.create_org_unit(actor, data))


@get(
    "/{org_unit_id:int}",
    summary="One org unit (admin; officer within the own subtree)",
    responses=error_responses(401, 403, 404),
)
async def get_org_unit(actor: NamedDependency[Actor], org_unit_id: PathId) -> OrgUnitOut:
    return OrgUnitOut.of(await orgs.get_org_unit(actor, org_unit_id))


@get(
    "/",
    summary="Agencies (admin, officer)",
    responses=error_responses(400, 401, 403),
)
async def list_agencies(
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[AgencyOut]:
    lim, off = paging(limit, offset)
    page = await orgs.list_agencies(actor, q=q, limit=lim, offset=off)
    return Page[AgencyOut](items=[AgencyOut.of(r) for r in page["items"]], total=page["total"])


@post(
    "/",
    summary="Create an agency (admin, officer)",
    responses=error_responses(400, 401, 403, 409, 413),
)
async def create_agency(actor: NamedDependency[Actor], data: JSONBody[orgs.AgencyIn]) -> AgencyOut:
    return AgencyOut.of(await orgs.create_agency(actor, data))


@get(
    "/",
    summary="The audit trail (admin), newest first",
    description="Filters: actor (username or user id), action (exact, or a prefix ending in "
    "'.'), object_type, object_id, since/until (YYYY-MM-DD in the configured time zone, "
    "until inclusive, or ISO 8601 with offset). Audit rows are never deleted.",
    responses=error_responses(400, 401, 403),
)
async def list_audit_events(
    actor: NamedDependency[Actor],
    actor_filter: Annotated[str | None, QueryParameter(name="actor")] = None,
    action: FromQuery[str | None] = None,
    object_type: FromQuery[str | None] = None,
    object_id: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[AuditEventOut]:
    lim, off = paging(limit, offset)
    flt = audit.audit_filter(actor_filter, action, object_type, object_id, since, until)
    page = await audit.list_events(actor, flt, limit=lim, offset=off)
    return Page[AuditEventOut](
        items=[AuditEventOut(**r) for r in page["items"]], total=page["total"]
    )


# Users and the audit trail are the admin's alone; org units and agencies are the
# officer's too (their scope is the services' rule).
users = Router(
    path="/api/v1/users",
    tags=["admin"],
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[list_users, create_user, get_user, update_user],
)
org_units = Router(
    path="/api/v1/org-units",
    tags=["admin"],
    dependencies=ACTOR,
    route_handlers=[list_org_units, create_org_unit, get_org_unit],
)
agencies = Router(
    path="/api/v1/agencies",
    tags=["admin"],
    dependencies=ACTOR,
    route_handlers=[list_agencies, create_agency],
)
audit_events = Router(
    path="/api/v1/audit-events",
    tags=["admin"],
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[list_audit_events],
)
