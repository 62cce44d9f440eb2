"""What the hazard page's forms post (``rectification.pages`` shows them): the enterprise's
plan, evidence and extension request, the officer's and inspector's verdict, void and
re-inspection photos. Same services as the JSON API (``rectification.services``); a
refusal shows the hazard page again with the message next to the field of the form sent.

Decisions where the issue is silent:
- The evidence form is one multipart form: chosen photos are uploaded with it (kind
  ``rectified``), and its "upload only" button stores them and shows the page again, so
  photos can be added in several rounds without JavaScript. Uploaded but unsubmitted
  after-photos are listed with checkboxes (ticked) and go with the next submission.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from inspections.services.photos import add_hazard_photo
from rectification import page_messages, queue_pages, rules, services
from rectification.pages import hazard_page_response
from rectification.schemas import ExtensionIn, PlanIn, SubmissionIn, VerificationIn
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of
from safety.pages import errors_by_field, form_model, query_id, refuse
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]
UploadForm = MultipartBody[dict[str, Any]]


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


@post("/{hazard_id:int}/plan", status_code=303)
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


@post("/{hazard_id:int}/evidence", status_code=303)
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


@post("/{hazard_id:int}/extension", status_code=303)
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


@post("/{hazard_id:int}/verify", status_code=303)
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


@post("/{hazard_id:int}/void", status_code=303)
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


@post("/{hazard_id:int}/photos", status_code=303)
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


router = Router(
    path="/hazards",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[
        plan_submit,
        evidence_submit,
        extension_submit,
        verify_submit,
        void_submit,
        recheck_photo_submit,
    ],
)
