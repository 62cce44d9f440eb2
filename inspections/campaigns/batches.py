"""The officer's batch pages: a new batch of a campaign (name, window, agency, its expert
group, enterprises of the plan not yet in a batch), and "create the batch's inspections"
in one action (a checklist and a day; idempotent, the service creates only what is
missing).

The expert group is picked without JavaScript: every agency's inspectors are listed under
it (a lead radio and member boxes); only the chosen agency's count, the service refuses
others. app.js hides the other agencies' lists.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inspections import services as service
from inspections.campaigns import plan
from inspections.campaigns.bookings import booking_out, bookings
from inspections.campaigns.forms import ids, many, one, remap
from inspections.campaigns.pages import campaign_context
from inspections.risk.messages import labels as risk_labels
from inspections.risk.planning import PRESETS, due_rows, pick_enterprises
from inspections.rules import Booking, campaign_running, default_ticks
from inspections.schemas import BatchIn, BatchInspectionsIn
from safety.accounts.actor import ACTOR, OFFICER_ONLY
from safety.actors import Actor
from safety.errors import DomainError, NotFound, ValidationFailed
from safety.i18n import lang_of, translate
from safety.orgs import list_agencies
from safety.pages import as_int, errors_by_field, form_model, parse_date
from safety.registry import service as registry
from safety.settings import local_today
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]
BATCH_FIELDS = {
    "inspector_ids": "inspectors",
    "lead_id": "inspectors",
    "enterprise_ids": "enterprises",
}
INSPECTIONS_FIELDS = {"inspector_ids": "_"}


def _ordinal(n: int, lang: str) -> str:
    """第一批次 … 第十批次, then digits."""
    return "一二三四五六七八九十"[n - 1] if lang != "en" and 1 <= n <= 10 else str(n)


def _free(campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's enterprises not yet in a batch."""
    return [e for e in campaign["enterprises"] if not e["batch_id"]]


async def _form_page(
    request: Request,
    actor: Actor,
    campaign: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    agencies = (await list_agencies(actor, limit=500))["items"]
    active = [a for a in agencies if a.get("active", True)]
    inspectors = await plan.agency_inspectors([a["id"] for a in active])
    labels = risk_labels(lang_of(request))
    # Each free enterprise's colour and last inspection, so a preset's ticks can be read.
    free = _free(campaign)
    rows = (
        await due_rows(actor, due_only=False, enterprise_ids=[e["enterprise_id"] for e in free])
        if free
        else []
    )
    risk = {r["enterprise_id"]: r for r in rows}
    booked = await _booked(campaign)
    return Template(
        "inspections/batch_form.html",
        context={
            "c": campaign,
            "form": values,
            "errors": errors or {},
            "agencies": active,
            "inspectors": inspectors,
            "free": free,
            "risk": risk,
            "booked": {i: booking_out(b) for i, b in booked.items()},
            "colour_names": labels["colour_names"],
            "units": dict(await registry.unit_choices(actor)),
            "risk_presets": labels["presets"],
        },
        status_code=status,
    )


@get("/new")
async def batch_new_page(
    request: Request,
    actor: NamedDependency[Actor],
    campaign_id: FromPath[int],
    preset: FromQuery[str | None] = None,
) -> Template | Redirect:
    """``?preset=`` (due / red_orange_stale / open_hazards) ticks only the free enterprises
        that risk-based pick names (inspections.risk.planning). A finished campaign sends the
    officer back to its page, which says why there is no new batch."""
    actor.require(Role.officer)
    campaign = await service.get_campaign(actor, campaign_id)
    if not campaign_running(campaign["ends_on"], local_today()):
        # a finished campaign offers no form (its page hides the button; the post is 409)
        return Redirect(f"/campaigns/{campaign_id}", status_code=303)
    n = len(campaign["batches"]) + 1
    lang = lang_of(request)
    agencies = (await list_agencies(actor, limit=2))["items"]
    values = {
        "name": translate("batch.default_name", lang, n=_ordinal(n, lang)),
        "starts_on": max(local_today(), campaign["starts_on"]).isoformat(),
        "ends_on": campaign["ends_on"].isoformat(),
        # The street's only agency is the one to pick.
        "agency_id": str(agencies[0]["id"]) if len(agencies) == 1 else "",
        "lead": "",
        "members": [],
        # Every free enterprise ticked (a first batch usually takes the whole plan), but
        # those already planned elsewhere (已安排): the officer ticks one on purpose.
        "enterprises": default_ticks(
            [e["enterprise_id"] for e in _free(campaign)], await _booked(campaign)
        ),
        "preset": preset if preset in PRESETS else "",
    }
    if values["preset"]:
        values["enterprises"] = await _preset_ticks(actor, campaign, values["preset"])
    return await _form_page(request, actor, campaign, values)


async def _booked(campaign: dict[str, Any]) -> dict[int, Booking]:
    """The free enterprises already planned (已安排): an open inspection of a campaign that
    has not ended (this one's too), or a place in another such campaign's plan — this
    campaign's plan holds every enterprise the form lists, so it does not count."""
    free = [e["enterprise_id"] for e in _free(campaign)]
    return await bookings(free, exclude_plan_of=campaign["id"])


async def _preset_ticks(actor: Actor, campaign: dict[str, Any], preset: str) -> list[int]:
    """The free enterprises that the risk-based pick ``preset`` names, except those
    already planned."""
    picked = set(await pick_enterprises(actor, preset))
    named = [e["enterprise_id"] for e in _free(campaign) if e["enterprise_id"] in picked]
    return default_ticks(named, await _booked(campaign))


@post("/new", status_code=303)
async def batch_new_submit(
    request: Request, actor: NamedDependency[Actor], campaign_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.officer)
    lang = lang_of(request)
    campaign = await service.get_campaign(actor, campaign_id)
    values = {
        "name": one(data, "name"),
        "starts_on": one(data, "starts_on"),
        "ends_on": one(data, "ends_on"),
        "agency_id": one(data, "agency_id"),
        "lead": one(data, "lead"),
        "members": ids(many(data, "member")),
        "enterprises": ids(many(data, "enterprise_id")),
    }
    preset = one(data, "preset")
    if preset:
        # A preset button of the form: tick its enterprises, keep everything typed so far.
        if preset not in PRESETS:
            errors = {"preset": translate("batch.bad_preset", lang)}
            return await _form_page(request, actor, campaign, values, errors, 400)
        values["preset"] = preset
        values["enterprises"] = await _preset_ticks(actor, campaign, preset)
        return await _form_page(request, actor, campaign, values)
    agency_id = as_int(values["agency_id"])
    lead = as_int(values["lead"])
    # The lead's agency's lists only: boxes ticked under another agency do not count.
    group = (await plan.agency_inspectors([agency_id])).get(agency_id, []) if agency_id else []
    allowed = {u["id"] for u in group}
    members = [m for m in values["members"] if m in allowed and m != lead]
    try:
        problems = []
        if lead is None:
            problems.append({"key": "inspectors", "message": translate("batch.need_lead", lang)})
        if not values["enterprises"]:
            problems.append(
                {"key": "enterprises", "message": translate("batch.need_enterprise", lang)}
            )
        if problems:
            raise ValidationFailed(translate("campaign.invalid", lang), problems)
        data_in = form_model(
            BatchIn,
            name=values["name"],
            agency_id=agency_id or values["agency_id"] or None,
            starts_on=parse_date(values["starts_on"]) or values["starts_on"] or None,
            ends_on=parse_date(values["ends_on"]) or values["ends_on"] or None,
            enterprise_ids=values["enterprises"],
            inspector_ids=[lead, *members],
            lead_id=lead,
        )
        batch = await service.add_batch(actor, campaign_id, data_in)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        errors = remap(errors_by_field(exc), BATCH_FIELDS)
        return await _form_page(request, actor, campaign, values, errors, exc.status_code)
    return Redirect(
        f"/campaigns/{campaign_id}?batch_created={batch['id']}#batch-{batch['id']}",
        status_code=303,
    )


@post("/{batch_id:int}/inspections", status_code=303)
async def batch_inspections_submit(
    request: Request,
    actor: NamedDependency[Actor],
    campaign_id: FromPath[int],
    batch_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    """Create the batch's inspections, then back to the campaign saying how many were
    made (0 on a repeat). A bad checklist or day, or a batch without experts, comes back
    on the campaign page under that batch."""
    actor.require(Role.officer)
    campaign = await service.get_campaign(actor, campaign_id)
    if not any(b["id"] == batch_id for b in campaign["batches"]):
        raise NotFound("批次不存在")
    try:
        data_in = form_model(
            BatchInspectionsIn,
            checklist_id=as_int(one(data, "checklist_id")) or one(data, "checklist_id"),
            scheduled_on=parse_date(one(data, "scheduled_on")) or one(data, "scheduled_on"),
        )
        done = await service.create_batch_inspections(actor, batch_id, data_in)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        context = await campaign_context(request, actor, campaign_id, {})
        context["batch_errors"] = {batch_id: remap(errors_by_field(exc), INSPECTIONS_FIELDS)}
        sent = {k: one(data, k) for k in ("checklist_id", "scheduled_on")}
        context["batch_form"] = {batch_id: sent}
        return Template("inspections/campaign.html", context=context, status_code=exc.status_code)
    skipped = f"&skipped={len(done['skipped'])}" if done["created"] and done["skipped"] else ""
    return Redirect(
        f"/campaigns/{campaign_id}?inspections_created={done['created']}{skipped}#batch-{batch_id}",
        status_code=303,
    )


page_router = Router(
    path="/campaigns/{campaign_id:int}/batches",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[OFFICER_ONLY],
    route_handlers=[batch_new_page, batch_new_submit, batch_inspections_submit],
)
