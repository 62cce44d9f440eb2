"""The officer's hazard pages: search (the API's filters, paged), the verification queue
(submitted, oldest submission first, before/after photos side by side), the extension queue
and the overdue list (most days overdue first, with enterprise and community)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inspections import services as inspections
from rectification import services
from rectification.page_views import countdown
from rectification.rules import STATUS_LABELS
from rectification.schemas import DecisionIn
from rectification.tables import EvidenceSubmission
from safety.auth import Actor
from safety.errors import DomainError
from safety.pages import errors_by_field, form_model, page_offset, query_date, query_id, refuse
from safety.registry import service as registry
from safety.settings import local_today
from safety.tables import Enterprise, Role
from safety.web import ACTOR

FormData = URLEncodedBody[dict[str, Any]]
PAGE_SIZE = 50
QUEUE_SIZE = 20  # hazards shown with their photos at once
SCAN_LIMIT = 2000  # submitted / overdue hazards read to order a queue


async def _communities(enterprise_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each enterprise's grid and community (the grid's parent) by name."""
    if not enterprise_ids:
        return {}
    rows = (
        await Enterprise.select(
            Enterprise.id,
            Enterprise.org_unit.name.as_alias("unit"),
            Enterprise.org_unit.kind.as_alias("kind"),
            Enterprise.org_unit.parent.name.as_alias("parent"),
        )
        .where(Enterprise.id.is_in(list(set(enterprise_ids))))
        .run()
    )
    out = {}
    for r in rows:
        community = r["unit"] if r["kind"] == "community" else (r["parent"] or "")
        out[r["id"]] = {"community": community or "", "grid": r["unit"] or ""}
    return out


def _place(row: dict) -> dict[str, str]:
    """A listed hazard's community and grid names (read by the list query itself)."""
    return {"community": row.get("community_name") or "", "grid": row.get("grid_name") or ""}


# ---------------------------------------------------------------- search


def search_filter(params: dict[str, str], errors: list[dict[str, str]]) -> Any:
    """The hazard list page's form as a ``HazardFilter`` (the ledger download reads the
    same form); a malformed id or date is added to ``errors``."""
    return inspections.HazardFilter(
        status=params["status"] or None,
        level=params["level"] or None,
        overdue={"1": True, "0": False}.get(params["overdue"]),
        q=params["q"] or None,
        org_unit_id=query_id(params["org_unit_id"], "org_unit_id", errors),
        found_from=query_date(params["found_from"], "found_from", errors),
        found_to=query_date(params["found_to"], "found_to", errors),
        figure=params.get("figure") or None,
        as_of=query_date(params.get("as_of"), "as_of", errors),
        campaign_id=query_id(params.get("campaign_id"), "campaign_id", errors),
        # 0: the figures' group without a batch (agency), as in the API
        batch_id=query_id(params.get("batch_id"), "batch_id", errors, lowest=0),
        agency_id=query_id(params.get("agency_id"), "agency_id", errors, lowest=0),
        industry=params.get("industry") or None,
        source=params.get("source") or None,
    )


async def search_page(actor: Actor, params: dict[str, str], offset: str | None) -> Template:
    errors: list[dict[str, str]] = []
    flt = search_filter(params, errors)
    start = page_offset(offset)
    rows, total, status = [], 0, 200
    try:
        refuse(errors)
        rows, total = await inspections.list_hazards(actor, flt, PAGE_SIZE, start)
        field_errors: dict[str, str] = {}
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        field_errors, status = errors_by_field(exc), 400
    today = local_today()
    units = await registry.unit_choices(actor) if actor.role == Role.officer else []
    return Template(
        "rectification/search.html",
        context={
            "hazards": [{**r, "countdown": countdown(r, today), **_place(r)} for r in rows],
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "params": params,
            "query": urlencode({k: v for k, v in params.items() if v}),
            "errors": field_errors,
            "units": units,
            "statuses": list(STATUS_LABELS),
            "tab": "search",
            "is_officer": actor.role == Role.officer,
        },
        status_code=status,
    )


# ---------------------------------------------------------------- verification queue


async def verify_queue_response(
    actor: Actor,
    errors: dict[int, dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    done: str = "",
) -> Template:
    actor.require(Role.officer)
    rows, total = await inspections.list_hazards(
        actor, inspections.HazardFilter(status="submitted"), SCAN_LIMIT, 0
    )
    ids = [r["id"] for r in rows]
    latest: dict[int, dt.datetime] = {}
    if ids:
        subs = (
            await EvidenceSubmission.select(
                EvidenceSubmission.hazard, EvidenceSubmission.submitted_at
            )
            .where(EvidenceSubmission.hazard.is_in(ids))
            .run()
        )
        for s in subs:
            if s["hazard"] not in latest or s["submitted_at"] > latest[s["hazard"]]:
                latest[s["hazard"]] = s["submitted_at"]
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    ids.sort(key=lambda i: (latest.get(i) or floor, i))
    details = [await services.hazard_detail(actor, i) for i in ids[:QUEUE_SIZE]]
    places = await _communities([d["enterprise_id"] for d in details])
    items = []
    for d in details:
        subs = d["submissions"]
        items.append(
            {
                "h": d,
                "submission": subs[-1] if subs else None,
                "before": [p for p in d["photos"] if p["kind"] == "problem"],
                **places.get(d["enterprise_id"], {}),
            }
        )
    return Template(
        "rectification/verify_queue.html",
        context={
            "queue": items,
            "total": total,
            "errors": errors or {},
            "form": form or {},
            "done": done,
            "tab": "verify",
            "is_officer": True,
        },
        status_code=status,
    )


@get("/hazards/verify", include_in_schema=False, dependencies=ACTOR)
async def verify_queue_page(
    actor: NamedDependency[Actor], done: FromQuery[str | None] = None
) -> Template:
    return await verify_queue_response(actor, done=done or "")


# ---------------------------------------------------------------- extension queue


async def _extension_queue(
    actor: Actor, errors: dict[int, dict[str, str]] | None = None, status: int = 200
) -> Template:
    actor.require(Role.officer)
    requests, total = await services.list_extension_requests(actor, "pending", PAGE_SIZE, 0)
    hazards = {}
    for x in requests:
        if x["hazard_id"] not in hazards:
            hazards[x["hazard_id"]] = await inspections.get_hazard(actor, x["hazard_id"])
    return Template(
        "rectification/extension_queue.html",
        context={
            "requests": [{**x, "h": hazards[x["hazard_id"]]} for x in requests],
            "total": total,
            "errors": errors or {},
            "tab": "extensions",
            "is_officer": True,
        },
        status_code=status,
    )


@get("/hazards/extensions", include_in_schema=False, dependencies=ACTOR)
async def extension_queue_page(actor: NamedDependency[Actor]) -> Template:
    return await _extension_queue(actor)


@post(
    "/hazards/extensions/{request_id:int}",
    include_in_schema=False,
    dependencies=ACTOR,
    status_code=303,
)
async def extension_decide_submit(
    actor: NamedDependency[Actor], request_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.officer)
    comment = str(data.get("comment") or "").strip()
    try:
        decision = form_model(
            DecisionIn, approved=str(data.get("decision")) == "approve", comment=comment
        )
        await services.decide_extension(actor, request_id, decision)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _extension_queue(actor, {request_id: errors_by_field(exc)}, exc.status_code)
    return Redirect("/hazards/extensions", status_code=303)


# ---------------------------------------------------------------- overdue


@get("/hazards/overdue", include_in_schema=False, dependencies=ACTOR)
async def overdue_page(actor: NamedDependency[Actor]) -> Template:
    actor.require(Role.officer)
    rows, total = await inspections.list_hazards(
        actor, inspections.HazardFilter(overdue=True), SCAN_LIMIT, 0
    )
    today = local_today()
    rows.sort(key=lambda r: (r["effective_deadline"], r["id"]))
    return Template(
        "rectification/overdue.html",
        context={
            "hazards": [{**r, "countdown": countdown(r, today), **_place(r)} for r in rows],
            "total": total,
            "tab": "overdue",
            "is_officer": True,
        },
    )


ROUTES = [
    verify_queue_page,
    extension_queue_page,
    extension_decide_submit,
    overdue_page,
]
