"""The self-inspection pages (企业自查): the enterprise starts one (a checklist of the
library and a day; today's starts at once) and lists its own; an officer lists their
subtree's (each opens the inspection review). The walk, hazards, signatures and submit
are the inspector's pages (``inspections.pages``), which let the enterprise's contact walk
its own self-inspection."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inspections.campaigns.forms import one
from inspections.checklists.service import list_current
from inspections.selfcheck import (
    messages,  # noqa: F401  registers the texts
    service,
)
from inspections.selfcheck.schemas import SelfInspectionIn
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError
from safety.pages import errors_by_field, field_messages, form_model, page_offset, query_id
from safety.settings import local_today
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]
PAGE_SIZE = 50
GENERAL = "general"  # the library's 工贸企业通用 checklist: offered first


async def _page(
    actor: Actor,
    *,
    enterprise_id: int | None = None,
    offset: int = 0,
    form: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
    listed: bool = True,
) -> Template:
    rows, total = [], 0
    if listed:  # not under a filter refused as bad input
        rows, total = await service.list_self_inspections(actor, enterprise_id, PAGE_SIZE, offset)
    checklists: list[dict] = []
    if actor.role == Role.enterprise:
        current, _ = await list_current(actor, 100, 0)
        checklists = [
            {"id": c["id"], "name": c["name"], "code": c["code"]}
            for c in sorted(current, key=lambda c: (c["code"] != GENERAL, c["name"]))
        ]
    # The name only from rows the officer may see: an id outside the subtree shows nothing.
    enterprise_name = rows[0]["enterprise_name"] if enterprise_id is not None and rows else ""
    return Template(
        "inspections/self_inspections.html",
        context={
            "role": actor.role.value,
            "records": rows,
            "total": total,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "enterprise_id": enterprise_id,
            "enterprise_name": enterprise_name,
            "checklists": checklists,
            "form": form or {"scheduled_on": local_today().isoformat()},
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/")
async def self_inspections_page(
    actor: NamedDependency[Actor],
    enterprise_id: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    """The enterprise: the start form and its own list; an officer: the subtree's list
    (``enterprise_id`` narrows it to one enterprise)."""
    actor.require(Role.enterprise, Role.officer)
    errors: list[dict[str, str]] = []
    wanted = (
        query_id(enterprise_id, "enterprise_id", errors) if actor.role == Role.officer else None
    )
    return await _page(
        actor,
        enterprise_id=wanted,
        offset=page_offset(offset),
        errors=field_messages(errors),
        status=400 if errors else 200,
        listed=not errors,
    )


@post("/", status_code=303)
async def self_inspection_start_submit(
    request: Request, actor: NamedDependency[Actor], data: FormData
) -> Template | Redirect:
    """Start one: planned, and started at once when its day is today or past; then the
    walk. A bad field comes back next to it."""
    actor.require(Role.enterprise)
    form = {"checklist_id": one(data, "checklist_id"), "scheduled_on": one(data, "scheduled_on")}
    try:
        values = form_model(
            SelfInspectionIn,
            checklist_id=form["checklist_id"] or None,
            scheduled_on=form["scheduled_on"] or None,
        )
        made = await service.start_self_inspection(actor, values, start=True)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        return await _page(actor, form=form, errors=errors_by_field(exc), status=400)
    return Redirect(f"/inspections/{made['id']}", status_code=303)


page_router = Router(
    path="/self-inspections",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[self_inspections_page, self_inspection_start_submit],
)
