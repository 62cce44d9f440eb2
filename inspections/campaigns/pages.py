"""The officer's campaign pages: the list, a new campaign with its plan of enterprises
(picked by filter or by pasted codes), and a campaign's page with its batches and each
planned enterprise's inspection state. Same services as the JSON API
(``inspections.service``); the picking helpers are ``inspections.campaigns.plan``.

A new campaign is one form with two buttons: "filter" re-renders it with the matching
enterprises (keeping what was typed and ticked), "create" creates. It works without
JavaScript; app.js adds "select all shown".
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inspections import services as service
from inspections.campaigns import plan
from inspections.campaigns.bookings import booking_out, bookings
from inspections.campaigns.forms import ids, many, one, remap
from inspections.campaigns.messages import labels
from inspections.risk.messages import labels as risk_labels
from inspections.risk.planning import PRESETS
from inspections.rules import campaign_running, default_ticks
from inspections.schemas import CampaignIn, DeadlineDays
from safety.accounts.actor import ACTOR, OFFICER_ONLY
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of, translate
from safety.pages import as_int, errors_by_field, form_model, page_offset, parse_date
from safety.registry import service as registry
from safety.registry.messages import choices
from safety.settings import local_today
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]
PAGE_SIZE = 50
FILTER_KEYS = ("unit", "industry", "risk_colour", "key", "q", "preset")
# Service field → form field.
CAMPAIGN_FIELDS = {
    "deadline_days": "general_days",
    "deadline_days.general": "general_days",
    "deadline_days.major": "major_days",
    "general": "general_days",
    "major": "major_days",
    "enterprise_ids": "plan",
}


@get("/")
async def campaigns_page(
    request: Request, actor: NamedDependency[Actor], offset: FromQuery[str | None] = None
) -> Template:
    actor.require(Role.officer)
    start = page_offset(offset)
    items, total = await service.list_campaigns(actor, limit=PAGE_SIZE, offset=start)
    return Template(
        "inspections/campaigns.html",
        context={
            "campaigns": items,
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "kind_names": dict(labels(lang_of(request))["kinds"]),
        },
    )


# ---------------------------------------------------------------- a new campaign


def _defaults(actor: Actor) -> dict[str, Any]:
    today = local_today()
    return {
        "kind": "seasonal",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "org_unit_id": str(actor.org_unit_id or ""),
        "general_days": "15",
        "major_days": "60",
    }


def _number(raw: str) -> int | str:
    value = as_int(raw)
    return raw if value is None else value


def _values(form: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "kind", "starts_on", "ends_on", "org_unit_id", "general_days", "major_days")
    values = {k: one(form, k) for k in (*keys, "description", "codes", *FILTER_KEYS)}
    values["selected"] = ids(many(form, "enterprise_id"))
    values["all_matching"] = one(form, "all_matching") == "1"
    return values


async def _new_page(
    request: Request,
    actor: Actor,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    code_errors: list[dict] | None = None,
    status: int = 200,
) -> Template:
    lang = lang_of(request)
    org_unit_id = as_int(values.get("org_unit_id") or "")
    try:
        rows, matching = await plan.matching_enterprises(actor, values, org_unit_id)
    except ValidationFailed as exc:
        rows, matching = [], 0
        errors = {**errors_by_field(exc), **(errors or {})}
    shown = {r["id"] for r in rows}
    selected = values.get("selected", [])
    booked = await bookings(list(shown))
    return Template(
        "inspections/campaign_form.html",
        context={
            "form": values,
            "errors": errors or {},
            "code_errors": [
                {**e, "message": translate(e["key"], lang, **e["values"])}
                for e in (code_errors or [])
            ],
            "units": await plan.campaign_units(actor),
            "filter_units": await registry.unit_choices(actor),
            "rows": rows,
            "matching": matching,
            "max_shown": plan.MAX_SHOWN,
            "selected": set(selected),
            "kept": [i for i in selected if i not in shown],
            "booked": {i: booking_out(b) for i, b in booked.items()},
            "risk_presets": risk_labels(lang)["presets"],
            **labels(lang),
            **choices(lang),
        },
        status_code=status,
    )


@get("/new")
async def campaign_new_page(
    request: Request, actor: NamedDependency[Actor], preset: FromQuery[str | None] = None
) -> Template:
    """``?preset=due`` (from the due list) opens the form with that risk-based pick
    applied and its enterprises ticked, except those already planned in a campaign that
    has not ended (marked 已安排, tickable by hand: ``rules.default_ticks``)."""
    actor.require(Role.officer)
    values: dict[str, Any] = {**_defaults(actor), "selected": []}
    if preset in PRESETS:
        values["preset"] = preset
        org_unit_id = as_int(values.get("org_unit_id") or "")
        rows, _ = await plan.matching_enterprises(actor, values, org_unit_id)
        shown = [r["id"] for r in rows]
        values["selected"] = default_ticks(shown, await bookings(shown))
    return await _new_page(request, actor, values)


@post("/new", status_code=303)
async def campaign_new_submit(
    request: Request, actor: NamedDependency[Actor], data: FormData
) -> Template | Redirect:
    """``action=filter`` re-renders with the filter applied; ``action=create`` creates the
    campaign from the ticked enterprises, "all matching" and the pasted codes together."""
    actor.require(Role.officer)
    lang = lang_of(request)
    values = _values(data)
    if one(data, "action") != "create":
        return await _new_page(request, actor, values)
    org_unit_id = as_int(values["org_unit_id"])
    chosen = list(values["selected"])
    try:
        if values["all_matching"]:
            chosen += await plan.all_matching_ids(actor, values, org_unit_id)
        resolved = await plan.resolve_codes(actor, values["codes"], org_unit_id)
    except ValidationFailed as exc:
        return await _new_page(request, actor, values, errors_by_field(exc), status=400)
    if resolved.errors:
        message = translate("campaign.codes.errors", lang, n=len(resolved.errors))
        errors = {"_": translate("campaign.invalid", lang), "codes": message}
        return await _new_page(request, actor, values, errors, resolved.errors, status=400)
    enterprise_ids = list(dict.fromkeys(chosen + resolved.ids))
    try:
        if not enterprise_ids:
            raise ValidationFailed(
                translate("campaign.invalid", lang),
                [{"key": "plan", "message": translate("campaign.plan.empty", lang)}],
            )
        data_in = form_model(
            CampaignIn,
            name=values["name"],
            kind=values["kind"],
            starts_on=parse_date(values["starts_on"]) or values["starts_on"] or None,
            ends_on=parse_date(values["ends_on"]) or values["ends_on"] or None,
            org_unit_id=org_unit_id or values["org_unit_id"] or None,
            enterprise_ids=enterprise_ids,
            # Checked on its own first, so each level's error names its own field.
            deadline_days=form_model(
                DeadlineDays,
                general=_number(values["general_days"]),
                major=_number(values["major_days"]),
            ),
            description=values["description"],
        )
        campaign = await service.create_campaign(actor, data_in)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        errors = remap(errors_by_field(exc), CAMPAIGN_FIELDS)
        return await _new_page(request, actor, values, errors, status=exc.status_code)
    return Redirect(f"/campaigns/{campaign['id']}?created=1", status_code=303)


# ---------------------------------------------------------------- a campaign's page


def _state_of(row: dict[str, Any]) -> str:
    """The page's state of a planned enterprise: its latest inspection's, else whether a
    batch holds it."""
    if row.get("inspection_state"):
        return row["inspection_state"]
    return "assigned" if row.get("batch_id") else "unassigned"


async def campaign_context(
    request: Request, actor: Actor, campaign_id: int, params: dict[str, str]
) -> dict[str, Any]:
    """What the campaign page shows: the campaign, its batches with their counts, and the
    planned enterprises (filtered by ``params``) with state and hazards found."""
    lang = lang_of(request)
    campaign = await service.get_campaign(actor, campaign_id)
    inspections, _ = await service.list_inspections(
        actor, service.InspectionFilter(campaign_id=campaign_id), limit=100_000
    )
    hazards = {i["id"]: i["hazards_count"] for i in inspections}
    grids = dict(await registry.unit_choices(actor))
    rows = [
        {
            **r,
            "page_state": _state_of(r),
            "hazards": hazards.get(r["inspection_id"]),
            "unit_label": grids.get(r["org_unit_id"], ""),
        }
        for r in campaign["enterprises"]
    ]
    counts: dict[str, int] = {}
    batch_inspections: dict[int, int] = {}
    for r in rows:
        counts[r["page_state"]] = counts.get(r["page_state"], 0) + 1
        if r["batch_id"] and r["inspection_id"]:
            batch_inspections[r["batch_id"]] = batch_inspections.get(r["batch_id"], 0) + 1
    q = params.get("q", "").lower()
    shown = [
        r
        for r in rows
        if (not params.get("state") or r["page_state"] == params["state"])
        and (not params.get("batch") or str(r["batch_id"] or "none") == params["batch"])
        and (not q or q in r["enterprise_name"].lower())
    ]
    return {
        "c": campaign,
        "rows": shown,
        "total": len(rows),
        "counts": counts,
        "batch_inspections": batch_inspections,
        "hazards_found": sum(h for h in hazards.values() if h),
        "params": params,
        "checklists": await plan.checklist_choices(),
        "today": local_today().isoformat(),
        # a finished campaign offers no 新建批次 / 生成检查任务 (the services refuse them)
        "ended": not campaign_running(campaign["ends_on"], local_today()),
        "batch_errors": {},
        "batch_form": {},
        "kind_names": dict(labels(lang)["kinds"]),
        "state_names": dict(labels(lang)["states"]),
        **labels(lang),
    }


@get("/{campaign_id:int}")
async def campaign_page(
    request: Request,
    actor: NamedDependency[Actor],
    campaign_id: FromPath[int],
    state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
    batch: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    created: FromQuery[str | None] = None,
    batch_created: FromQuery[str | None] = None,
    inspections_created: FromQuery[str | None] = None,
    skipped: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.officer)
    lang = lang_of(request)
    params = {"state": state_filter or "", "batch": batch or "", "q": (q or "").strip()}
    context = await campaign_context(request, actor, campaign_id, params)
    if created:
        context["flash"] = translate("campaign.created", lang)
    elif batch_created:
        context["flash"] = translate("batch.created", lang)
    elif inspections_created is not None:
        n = as_int(inspections_created) or 0
        key = "batch.inspections_created" if n else "batch.inspections_none"
        context["flash"] = translate(key, lang, n=n)
        if n and (m := as_int(skipped or "")):
            context["flash"] += "；" if lang != "en" else "; "
            context["flash"] += translate("batch.inspections_skipped", lang, n=m)
    return Template("inspections/campaign.html", context=context)


page_router = Router(
    path="/campaigns",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[OFFICER_ONLY],
    route_handlers=[campaigns_page, campaign_new_page, campaign_new_submit, campaign_page],
)
