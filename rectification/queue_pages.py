"""The officer's hazard pages: search (the API's filters, paged; ``enterprise_id`` shown
as a chip with the enterprise's name), the verification queue
(submitted, oldest submission first, before/after photos side by side), the extension queue
and the overdue list (most days overdue first, with enterprise and community)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from piccolo.query.functions.aggregate import Max

from inspections import services as inspections
from inspections.services import views
from inspections.services.hazards import hazard_columns, hazard_out
from inspections.services.scope import hazard_condition
from inspections.tables import Hazard
from rectification import rules, services
from rectification.figures.queries import latest_submission_order
from rectification.list_context import enterprise_chip, list_context
from rectification.page_views import countdown
from rectification.rules import STATUS_LABELS
from rectification.schemas import DecisionIn
from rectification.tables import (
    EvidenceSubmission,
    ExtensionRequest,
    RectificationPlan,
    Verification,
)
from safety import i18n
from safety.accounts.actor import ACTOR, OFFICER_ONLY
from safety.actors import Actor
from safety.errors import DomainError, NotFound
from safety.files import store as files
from safety.pages import errors_by_field, form_model, page_offset, query_date, query_id, refuse
from safety.registry import service as registry
from safety.settings import local_today
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]
PAGE_SIZE = 50
# the notice after an extension decision (kept here, next to the queue that shows it)
i18n.register(
    {
        "rect.ext.decided_approved": ("已批准延期至 {date}：", "Extension to {date} approved:"),
        "rect.ext.decided_refused": (
            "已驳回延期至 {date} 的申请：",
            "Extension to {date} refused:",
        ),
    }
)
QUEUE_SIZE = 20  # hazards shown with their photos at once
SCAN_LIMIT = 2000  # submitted / overdue hazards read to order a queue


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
        enterprise_id=query_id(params.get("enterprise_id"), "enterprise_id", errors),
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


def hazard_form(
    status: FromQuery[str | None] = None,
    level: FromQuery[str | None] = None,
    overdue: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    enterprise_id: FromQuery[str | None] = None,
    org_unit_id: FromQuery[str | None] = None,
    found_from: FromQuery[str | None] = None,
    found_to: FromQuery[str | None] = None,
    figure: FromQuery[str | None] = None,
    as_of: FromQuery[str | None] = None,
    campaign_id: FromQuery[str | None] = None,
    batch_id: FromQuery[str | None] = None,
    agency_id: FromQuery[str | None] = None,
    industry: FromQuery[str | None] = None,
    source: FromQuery[str | None] = None,
) -> dict[str, str]:
    """The hazard list page's filter form as sent, a field left out or blank as "" (the
    figures' links fill ``figure``, ``as_of`` and the groups with the API's names). Read as
    text, for ``search_filter`` to check: a page shows a bad field in the form rather than
    failing as a whole. Shared by the list page and its ledger download (``HAZARD_FORM``)."""
    # in this order: the page's links carry the form back (``search_page``'s ``query``)
    return {
        "figure": figure or "",
        "as_of": as_of or "",
        "campaign_id": campaign_id or "",
        "batch_id": batch_id or "",
        "agency_id": agency_id or "",
        "industry": industry or "",
        "source": source or "",
        "status": status or "",
        "level": level or "",
        "overdue": overdue or "",
        "q": q or "",
        "enterprise_id": enterprise_id or "",
        "org_unit_id": org_unit_id or "",
        "found_from": found_from or "",
        "found_to": found_to or "",
    }


HAZARD_FORM = {"hazard_form": Provide(hazard_form, sync_to_thread=False)}


async def search_page(
    actor: Actor, params: dict[str, str], offset: str | None, lang: str = "zh"
) -> Template:
    """The hazard search; opened from a figure, headed by what the figure is
    (``rectification.list_context``)."""
    errors: list[dict[str, str]] = []
    flt = search_filter(params, errors)
    start = page_offset(offset)
    chip = await enterprise_chip(actor, flt, params)  # 404: an enterprise not theirs
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
    heading = await list_context(actor, flt, today, lang) if status == 200 else None
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
            "list_context": heading,
            "enterprise_chip": chip,
        },
        status_code=status,
    )


# ---------------------------------------------------------------- verification queue


async def _latest_submissions(hazard_ids: list[int]) -> dict[int, dict]:
    """Each hazard's latest submission (the highest id) with its after-photos."""
    if not hazard_ids:
        return {}
    latest = (
        EvidenceSubmission.select(Max(EvidenceSubmission.id))
        .where(EvidenceSubmission.hazard.is_in(hazard_ids))
        .group_by(EvidenceSubmission.hazard)
    )
    rows = (
        await EvidenceSubmission.select(
            *EvidenceSubmission.all_columns(),
            EvidenceSubmission.submitted_by.display_name.as_alias("by"),
        )
        .where(EvidenceSubmission.id.is_in(latest))
        .run()
    )
    photos = await files.list_for(services.SUBMISSION, [s["id"] for s in rows])
    return {
        s["hazard"]: {**s, "submitted_by": s["by"] or "", "photos": photos.get(s["id"], [])}
        for s in rows
    }


async def verify_queue_data(actor: Actor) -> dict[str, Any]:
    """The submitted hazards of the officer's scope (``total``) and the first
    ``QUEUE_SIZE`` of them, oldest latest submission first (then by id), each with its
    problem photos, latest submission and community: a fixed number of queries."""
    actor.require(Role.officer)
    where = (await hazard_condition(actor), Hazard.status == "submitted")
    rows = (
        await Hazard.select(*hazard_columns())
        .where(*where)
        .order_by(*latest_submission_order())
        .order_by(Hazard.id)
        .limit(QUEUE_SIZE)
        .run()
    )
    total = await Hazard.count().where(*where).run()
    today = local_today()
    rows = [hazard_out(r, today) for r in rows]
    ids = [r["id"] for r in rows]
    photos = await views.photos_of(ids)
    submissions = await _latest_submissions(ids)
    plans = await _plans(ids)
    passes = await _pending_passes([s["id"] for s in submissions.values()])
    items = []
    for r in rows:
        submission = submissions.get(r["id"])
        items.append(
            {
                "h": r,
                "submission": submission,
                "plan": plans.get(r["id"]),
                "before": [p for p in photos.get(r["id"], []) if p["kind"] == "problem"],
                # 待会签: an inspector's pass of this submission waits for an officer's
                "countersign": passes.get(submission["id"]) if submission else None,
                **_place(r),
            }
        )
    return {"queue": items, "total": total}


async def _plans(hazard_ids: list[int]) -> dict[int, dict]:
    if not hazard_ids:
        return {}
    rows = await RectificationPlan.select().where(RectificationPlan.hazard.is_in(hazard_ids)).run()
    return {r["hazard"]: r for r in rows}


async def _pending_passes(submission_ids: list[int]) -> dict[int, dict]:
    """Each submission's latest verification when it is a pass (the hazard is still
    submitted, so the pass awaits a countersign: rules.awaiting_countersign)."""
    if not submission_ids:
        return {}
    rows = (
        await Verification.select(
            *Verification.all_columns(),
            Verification.verified_by.display_name.as_alias("by"),
        )
        .where(Verification.submission.is_in(submission_ids))
        .order_by(Verification.id)
        .run()
    )
    latest: dict[int, dict] = {}
    for v in rows:
        latest[v["submission"]] = {**v, "submission_id": v["submission"], "verified_by": v["by"]}
    return {sid: v for sid, v in latest.items() if rules.awaiting_countersign([v], sid)}


async def verify_queue_response(
    actor: Actor,
    errors: dict[int, dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    done: str = "",
    hazard_id: int | None = None,
    confirming: bool = False,
) -> Template:
    """The queue; ``form`` is what was sent for ``hazard_id`` (kept in its card, with the
    ``errors`` or, ``confirming``, the confirmation step of a major hazard's pass)."""
    if hazard_id is None and errors:
        hazard_id = next(iter(errors))
    return Template(
        "rectification/verify_queue.html",
        context={
            **await verify_queue_data(actor),
            "errors": errors or {},
            "form": form or {},
            "form_hazard": hazard_id,
            "confirming": confirming,
            "done": done,
            "tab": "verify",
            "is_officer": True,
        },
        status_code=status,
    )


@get("/verify")
async def verify_queue_page(
    actor: NamedDependency[Actor], done: FromQuery[str | None] = None
) -> Template:
    return await verify_queue_response(actor, done=done or "")


# ---------------------------------------------------------------- extension queue


async def extension_queue_data(actor: Actor) -> dict[str, Any]:
    """The pending extension requests of the officer's scope, oldest first, each with its
    hazard (``h``: the columns the queue shows, the effective deadline defaulting to the
    original one): a fixed number of queries."""
    actor.require(Role.officer)
    requests, total = await services.list_extension_requests(actor, "pending", PAGE_SIZE, 0)
    ids = sorted({x["hazard_id"] for x in requests})
    rows = []
    if ids:
        rows = (
            await Hazard.select(*hazard_columns())
            .where(Hazard.id.is_in(ids), await hazard_condition(actor))
            .run()
        )
    today = local_today()
    hazards = {r["id"]: hazard_out(r, today) for r in rows}
    if len(hazards) < len(ids):  # (the requests were scoped by their hazards already)
        raise NotFound("隐患不存在")
    return {"requests": [{**x, "h": hazards[x["hazard_id"]]} for x in requests], "total": total}


async def decided_extension(actor: Actor, hazard_id: int) -> dict | None:
    """The hazard's latest decided extension request, for the notice after a decision
    (``?done=<hazard id>``): read back from the database, so the notice says what was
    recorded, never what a link claims; None outside the officer's scope or undecided."""
    hazard = (
        await Hazard.select(Hazard.id, Hazard.description)
        .where(Hazard.id == hazard_id, await hazard_condition(actor))
        .first()
        .run()
    )
    if hazard is None:
        return None
    decided = (
        await ExtensionRequest.select(ExtensionRequest.status, ExtensionRequest.new_deadline)
        .where(ExtensionRequest.hazard == hazard_id, ExtensionRequest.status != "pending")
        .order_by(ExtensionRequest.decided_at, ascending=False)
        .order_by(ExtensionRequest.id, ascending=False)
        .first()
        .run()
    )
    if decided is None or decided["status"] not in ("approved", "refused"):
        return None
    return {**hazard, **decided}


async def _extension_queue(
    actor: Actor,
    errors: dict[int, dict[str, str]] | None = None,
    status: int = 200,
    done: str | None = None,
) -> Template:
    decided = None
    if done and done.isdigit() and len(done) <= 12:
        decided = await decided_extension(actor, int(done))
    return Template(
        "rectification/extension_queue.html",
        context={
            **await extension_queue_data(actor),
            "decided": decided,
            "errors": errors or {},
            "tab": "extensions",
            "is_officer": True,
        },
        status_code=status,
    )


@get("/extensions")
async def extension_queue_page(
    actor: NamedDependency[Actor], done: FromQuery[str | None] = None
) -> Template:
    """The queue; ``?done=<hazard id>`` after a decision: a notice naming and linking the
    hazard and the decision recorded (as the verification queue does after a verdict)."""
    return await _extension_queue(actor, done=done)


@post("/extensions/{request_id:int}", status_code=303)
async def extension_decide_submit(
    actor: NamedDependency[Actor], request_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.officer)
    comment = str(data.get("comment") or "").strip()
    try:
        decision = form_model(
            DecisionIn, approved=str(data.get("decision")) == "approve", comment=comment
        )
        decided = await services.decide_extension(actor, request_id, decision)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _extension_queue(actor, {request_id: errors_by_field(exc)}, exc.status_code)
    return Redirect(f"/hazards/extensions?done={decided['hazard_id']}", status_code=303)


# ---------------------------------------------------------------- overdue


@get("/overdue")
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


# Officer pages all, but no guard: the role is checked where the queues are read
# (``verify_queue_data`` …), which the hazard page's forms call too.
router = Router(
    path="/hazards",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[OFFICER_ONLY],
    route_handlers=[verify_queue_page, extension_queue_page, extension_decide_submit, overdue_page],
)
