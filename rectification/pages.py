"""Hazard pages (整改闭环): the enterprise's "our hazards" and the hazard page with the plan,
evidence and extension forms; the officer's and inspector's hazard page with verify and void.
The officer's queues are ``rectification.queue_pages``. Same services as the JSON API
(``rectification.services``); errors are shown next to the field of the form that was sent.

Decisions where the issue is silent:
- The evidence form is one multipart form: chosen photos are uploaded with it (kind
  ``rectified``), and its "upload only" button stores them and shows the page again, so
  photos can be added in several rounds without JavaScript. Uploaded but unsubmitted
  after-photos are listed with checkboxes (ticked) and go with the next submission.
- ``/hazards`` is the enterprise's list grouped by status for an enterprise contact and
  the hazard search for everyone else; voided hazards are shown only with ``?voided=1``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from inspections import services as inspections
from inspections.patrol.tables import PatrolReport
from inspections.services.photos import add_hazard_photo
from inspections.tables import HazardSource
from rectification import page_messages, queue_pages, rules, services
from rectification.home import queries as home_queries
from rectification.home import rules as home_rules
from rectification.page_views import grouped, page_view
from rectification.schemas import ExtensionIn, PlanIn, SubmissionIn, VerificationIn
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of
from safety.pages import errors_by_field, form_model, query_id, refuse
from safety.settings import get_settings, local_today
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]
UploadForm = MultipartBody[dict[str, Any]]
ENTERPRISE_LIMIT = 500  # an enterprise has far fewer hazards than this

page_messages.register_all()


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _date_or_none(form: dict[str, Any], key: str) -> str | None:
    return _text(form, key) or None


def _back(raw: str | None, hazard_id: int) -> str:
    """Where to go after an action: a local page only (never an open redirect)."""
    if raw and raw.startswith("/hazards") and "//" not in raw:
        return raw
    return f"/hazards/{hazard_id}"


# ---------------------------------------------------------------- list


@get("/hazards", include_in_schema=False, dependencies={**ACTOR, **queue_pages.HAZARD_FORM})
async def hazards_page(
    request: Request,
    actor: NamedDependency[Actor],
    hazard_form: NamedDependency[dict[str, str]],
    voided: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
    show: FromQuery[str | None] = None,
) -> Template:
    if actor.role != Role.enterprise:
        return await queue_pages.search_page(actor, hazard_form, offset, lang_of(request))
    queue = (show or "").strip() or None
    if queue is not None and queue not in home_rules.QUEUES:
        refuse([{"key": "show", "message": "show 须为 " + " / ".join(home_rules.QUEUES)}])
    rows, _ = await inspections.list_hazards(actor, inspections.HazardFilter(), ENTERPRISE_LIMIT, 0)
    show_voided = voided == "1"
    shown = [h for h in rows if show_voided or h["status"] != "voided"]
    if queue is not None:  # a count of the home page (rectification.home): its hazards
        shown = await _in_queue(actor, queue, shown)
    return Template(
        "rectification/ours.html",
        context={
            "groups": grouped(shown, local_today()),
            "show_voided": show_voided,
            "voided_count": sum(1 for h in rows if h["status"] == "voided"),
            "queue": queue,
        },
    )


async def _in_queue(actor: Actor, queue: str, rows: list[dict]) -> list[dict]:
    if queue == "returned":
        ids = await home_queries.returned_ids(actor.enterprise_id or -1)
        return [h for h in rows if h["id"] in ids]
    today, days = local_today(), get_settings().remind_due_days
    return [
        h
        for h in rows
        if home_rules.in_queue(queue, h["status"], h["effective_deadline"], today, days)
    ]


# ---------------------------------------------------------------- the hazard page


async def hazard_page_response(
    actor: Actor,
    hazard_id: int,
    *,
    form_name: str = "",
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    done: str = "",
    confirming: bool = False,
) -> Template:
    hazard = await services.hazard_detail(actor, hazard_id)
    view = page_view(hazard, local_today())
    report = await _patrol_report_of(hazard)
    plan = hazard.get("plan") or {}
    if form_name != "plan":
        plan_form = {k: plan.get(k) or "" for k in PlanIn.model_fields}
        if not plan_form["deadline"]:
            plan_form["deadline"] = hazard["effective_deadline"]
    else:
        plan_form = form or {}
    return Template(
        "rectification/hazard.html",
        context={
            "h": hazard,
            **view,
            "role": actor.role.value,
            "form_name": form_name,
            "errors": errors or {},
            # a refused evidence naming a missing one of 五落实 shows it at the plan's field
            "plan_errors": (errors or {})
            if form_name == "plan"
            else {
                k: v
                for k, v in (errors or {}).items()
                if form_name == "evidence" and k in rules.FIVE_MUSTS
            },
            "plan_form": plan_form,
            "evidence_form": form if form_name == "evidence" else {},
            "extension_form": form if form_name == "extension" else {},
            "action_form": form if form_name in ("verify", "void") else {},
            "done": done,
            "confirming": confirming,
            "today": local_today(),
            # a hazard made from a grid worker's report: which one (linked for those who
            # may open it: officers and grid workers)
            "patrol_report": report,
            "report_link": actor.role in (Role.officer, Role.grid_worker),
            # 企业自查: the enterprise verifies its own general finding (rules.may_verify).
            "self_verify": actor.role == Role.enterprise
            and rules.may_verify(
                actor.role.value,
                level=hazard["level"],
                source=hazard["source"],
                is_own_enterprise=hazard["enterprise_id"] == actor.enterprise_id,
            ),
        },
        status_code=status,
    )


async def _patrol_report_of(hazard: dict) -> dict | None:
    if hazard["source"] != HazardSource.patrol.value:
        return None
    return (
        await PatrolReport.select(
            PatrolReport.id,
            PatrolReport.reported_at,
            PatrolReport.reported_by.display_name.as_alias("reported_by_name"),
        )
        .where(PatrolReport.hazard == hazard["id"])
        .order_by(PatrolReport.id)
        .first()
        .run()
    )


@get("/hazards/{hazard_id:int}", include_in_schema=False, dependencies=ACTOR)
async def hazard_page(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], done: FromQuery[str | None] = None
) -> Template:
    return await hazard_page_response(actor, hazard_id, done=done or "")


async def _refused(
    actor: Actor, hazard_id: int, form_name: str, form: dict, exc: DomainError
) -> Template:
    if exc.status_code not in (400, 409, 413, 415):
        raise exc
    return await hazard_page_response(
        actor,
        hazard_id,
        form_name=form_name,
        form=form,
        errors=errors_by_field(exc),
        status=exc.status_code,
    )


@post("/hazards/{hazard_id:int}/plan", include_in_schema=False, dependencies=ACTOR, status_code=303)
async def plan_submit(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.enterprise)
    form = {k: _text(data, k) for k in PlanIn.model_fields}
    try:
        plan = form_model(PlanIn, **{**form, "deadline": _date_or_none(data, "deadline")})
        await services.save_plan(actor, hazard_id, plan)
    except DomainError as exc:
        return await _refused(actor, hazard_id, "plan", form, exc)
    return Redirect(f"/hazards/{hazard_id}?done=plan", status_code=303)


@post(
    "/hazards/{hazard_id:int}/evidence",
    include_in_schema=False,
    dependencies=ACTOR,
    status_code=303,
)
async def evidence_submit(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], data: UploadForm
) -> Template | Redirect:
    """Upload the chosen photos, then (unless "upload only") submit the evidence with the
    ticked after-photos."""
    actor.require(Role.enterprise)
    form = {
        "description": _text(data, "description"),
        "completed_on": _text(data, "completed_on"),
    }
    try:
        # The ticked photos' ids first: a bad one changes nothing, not even an upload.
        errors: list[dict[str, str]] = []
        ticked = [query_id(x, "photo_ids", errors) for x in _list(data.get("photo_ids"))]
        refuse(errors, "输入有误")
        ticked = [x for x in ticked if x is not None]
        for upload in _list(data.get("photos")):
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                if content:
                    row = await add_hazard_photo(
                        actor, hazard_id, content, upload.filename, "rectified"
                    )
                    ticked.append(row["id"])
        if _text(data, "action") == "upload":
            return await hazard_page_response(
                actor, hazard_id, form_name="evidence", form=form, status=200
            )
        evidence = form_model(
            SubmissionIn,
            description=form["description"],
            completed_on=form["completed_on"] or None,
            photo_ids=ticked,
        )
        await services.submit_evidence(actor, hazard_id, evidence)
    except DomainError as exc:
        return await _refused(actor, hazard_id, "evidence", form, exc)
    return Redirect(f"/hazards/{hazard_id}?done=evidence", status_code=303)


@post(
    "/hazards/{hazard_id:int}/extension",
    include_in_schema=False,
    dependencies=ACTOR,
    status_code=303,
)
async def extension_submit(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.enterprise)
    form = {"new_deadline": _text(data, "new_deadline"), "reason": _text(data, "reason")}
    try:
        request = form_model(
            ExtensionIn, new_deadline=form["new_deadline"] or None, reason=form["reason"]
        )
        await services.request_extension(actor, hazard_id, request)
    except DomainError as exc:
        return await _refused(actor, hazard_id, "extension", form, exc)
    return Redirect(f"/hazards/{hazard_id}?done=extension", status_code=303)


@post(
    "/hazards/{hazard_id:int}/verify", include_in_schema=False, dependencies=ACTOR, status_code=303
)
async def verify_submit(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], data: FormData
) -> Template | Redirect:
    """验收 pass/fail; from the queue (``back=/hazards/verify``) a refusal is shown on the
    queue next to that hazard. Passing a major hazard takes two posts: the first (checked
    as the real one would be, nothing written) answers the confirmation step; only the
    second, with ``confirm=1``, closes it. ``confirm=edit`` goes back to the form with the
    opinion kept."""
    form = {"result": _text(data, "result"), "comment": _text(data, "comment")}
    confirm = _text(data, "confirm")
    back = _text(data, "back")
    from_queue = back.startswith("/hazards/verify")
    try:
        result = form_model(VerificationIn, **form)
        if confirm == "edit":
            return await _verify_again(actor, hazard_id, form, from_queue, confirming=False)
        hazard = await services.check_verification(actor, hazard_id, result)
        if rules.needs_confirmation(result.result, hazard["level"], confirm == "1"):
            return await _verify_again(actor, hazard_id, form, from_queue, confirming=True)
        await services.verify(actor, hazard_id, result)
    except DomainError as exc:
        if exc.status_code in (400, 409) and from_queue:
            return await queue_pages.verify_queue_response(
                actor, errors={hazard_id: errors_by_field(exc)}, form=form, status=exc.status_code
            )
        return await _refused(actor, hazard_id, "verify", form, exc)
    if from_queue:
        return Redirect(f"/hazards/verify?done={hazard_id}", status_code=303)
    return Redirect(f"/hazards/{hazard_id}?done=verify", status_code=303)


async def _verify_again(
    actor: Actor, hazard_id: int, form: dict, from_queue: bool, *, confirming: bool
) -> Template:
    """The verify form shown again with the opinion: as the confirmation step, or to edit."""
    if from_queue:
        return await queue_pages.verify_queue_response(
            actor, form=form, hazard_id=hazard_id, confirming=confirming
        )
    return await hazard_page_response(
        actor, hazard_id, form_name="verify", form=form, confirming=confirming
    )


@post("/hazards/{hazard_id:int}/void", include_in_schema=False, dependencies=ACTOR, status_code=303)
async def void_submit(
    request: Request, actor: NamedDependency[Actor], hazard_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.officer)
    form = {"reason": _text(data, "reason")}
    try:
        if not form["reason"]:
            message = page_messages.text("rect.void.reason_required", lang_of(request))
            raise ValidationFailed.field("reason", message)
        await services.void_hazard(actor, hazard_id, form["reason"])
    except DomainError as exc:
        return await _refused(actor, hazard_id, "void", form, exc)
    return Redirect(f"/hazards/{hazard_id}?done=void", status_code=303)


@post(
    "/hazards/{hazard_id:int}/photos", include_in_schema=False, dependencies=ACTOR, status_code=303
)
async def recheck_photo_submit(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], data: UploadForm
) -> Template | Redirect:
    """The inspector's re-inspection photos (kind ``recheck``)."""
    actor.require(Role.inspector)
    try:
        for upload in _list(data.get("photos")):
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                if content:
                    await add_hazard_photo(actor, hazard_id, content, upload.filename, "recheck")
    except DomainError as exc:
        return await _refused(actor, hazard_id, "recheck", {}, exc)
    return Redirect(f"/hazards/{hazard_id}?done=photos", status_code=303)


ROUTES = [
    hazards_page,
    hazard_page,
    plan_submit,
    evidence_submit,
    extension_submit,
    verify_submit,
    void_submit,
    recheck_photo_submit,
    *queue_pages.ROUTES,
]
