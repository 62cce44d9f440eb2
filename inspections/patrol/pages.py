"""Patrol pages: the grid worker's 随手拍 form and "my reports" (their home), the officer's
triage queue and report page, the admin's referral departments. Thin: parse, call the
services, render. The report form is sent through the field outbox
(safety/static/inspections/queue.js) with an ``Idempotency-Key``: a dropped signal loses
nothing and duplicates nothing; without JavaScript it is a plain multipart form."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inspections import walk_messages
from inspections.page_helpers import one_file, wants_json
from inspections.patrol import departments, messages, rules, service, views  # noqa: F401
from inspections.patrol.schemas import DepartmentIn, DepartmentPatch, PatrolReportIn, TriageIn
from inspections.patrol.scope import grid_enterprises, own_grids
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.files import store as files
from safety.i18n import lang_of
from safety.idempotency import run_idempotent
from safety.pages import as_int, errors_by_field, form_model, page_offset, refuse
from safety.tables import Enterprise, Role
from safety.web import PathId

MINE_SIZE = 30
QUEUE_SIZE = 20
REPORT_FIELDS = ("org_unit_id", "enterprise_id", "address", "description", "lat", "lng")
TRIAGE_FIELDS = (
    "action", "reason", "to", "duplicate_of", "enterprise_id", "description", "location",
    "level", "category", "subcategory", "factor", "legal_basis", "major_basis", "suggestion",
    "deadline",
)  # fmt: skip


def _values(form: Any, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: str(form.get(k) or "").strip() for k in keys}


def _filled(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if v != ""}


# ---------------------------------------------------------------- the grid worker


def mine_filter(status: str | None) -> views.ReportFilter:
    """我的上报's filter: ``status`` one of the home's outcomes (待研判 / 已立案 / 已转办 /
    不予立案 / 重复, ``rectification.home.rules.GRID_OUTCOMES``), the same definition as the
    home's counts; anything else is a 400 naming ``status``."""
    if status is None:
        return views.ReportFilter()
    if status not in rules.GRID_OUTCOMES:
        choices = " / ".join(rules.GRID_OUTCOMES)
        refuse([{"key": "status", "message": f"status 须为 {choices}"}])
    wanted, duplicate = rules.outcome_filter(status)
    return views.ReportFilter(status=wanted, duplicate=duplicate)


async def mine_data(actor: Actor, offset: int, status: str | None = None) -> dict[str, Any]:
    """The grid worker's reports with their fate (newest first), all or of one outcome:
    two queries (the rows with grid, enterprise and hazard status joined; the page's
    photos)."""
    actor.require(Role.grid_worker)
    flt = mine_filter(status)
    rows, _ = await views.list_reports(actor, flt, MINE_SIZE + 1, offset, with_total=False)
    return {
        "reports": rows[:MINE_SIZE],
        "more": len(rows) > MINE_SIZE,
        "offset": offset,
        "status": status or "",
    }


@get("/patrol")
async def mine_page(
    actor: NamedDependency[Actor],
    offset: FromQuery[str | None] = None,
    sent: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
) -> Template:
    """我的上报: each report's fate, and the hazard's status up to closure; ``status``
    (the home's tiles) one outcome only. ``sent`` (after a form post without JavaScript):
    the new report's number and a link to it on top ("已上报，编号 #123 查看")."""
    actor.require(Role.grid_worker)
    data = await mine_data(actor, page_offset(offset), (status or "").strip() or None)
    return Template("patrol/mine.html", context={**data, "sent": as_int(sent)})


async def _form_page(
    request: Request, actor: Actor, values: dict, errors: dict, status: int = 200
) -> Template:
    grids = await own_grids(actor)
    if not values.get("org_unit_id") and grids:
        own = [g["id"] for g in grids if g["id"] == actor.org_unit_id]
        values = {**values, "org_unit_id": str(own[0] if own else grids[0]["id"])}
    return Template(
        "patrol/new.html",
        context={
            "grids": grids,
            "enterprises": await grid_enterprises(actor),
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@get("/patrol/new")
async def new_page(request: Request, actor: NamedDependency[Actor]) -> Template:
    """随手拍: one screen on a phone."""
    actor.require(Role.grid_worker)
    return await _form_page(request, actor, {}, {})


def _report_in(values: dict[str, str]) -> PatrolReportIn:
    return form_model(PatrolReportIn, **_filled(values))


@post("/patrol/reports", status_code=303)
async def report_submit(
    request: Request, actor: NamedDependency[Actor]
) -> Response | Template | Redirect:
    """From the outbox: the fields only, ``Idempotency-Key`` honoured, the report as JSON
    (201); its photos follow one by one. Without JavaScript: the form with its photos."""
    actor.require(Role.grid_worker)
    form = await request.form()
    values = _values(form, REPORT_FIELDS)
    if wants_json(request):
        data = _report_in(values)

        async def submit() -> dict:
            return await service.submit_report(actor, data)

        return await run_idempotent(request, actor, data, submit, atomic=True)
    try:
        report = await service.submit_report(actor, _report_in(values))
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        return await _form_page(request, actor, values, errors_by_field(exc), status=400)
    for upload in form.getall("photos", []):
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                content = await files.read_upload(upload)
                await service.add_report_photo(actor, report["id"], content, upload.filename)
            except DomainError as exc:
                if exc.status_code not in (400, 413, 415):
                    raise
    return Redirect(f"/patrol?sent={report['id']}", status_code=303)


@post("/patrol/reports/{report_id:int}/photos", status_code=303)
async def report_photo_submit(
    request: Request, actor: NamedDependency[Actor], report_id: PathId
) -> Response | Redirect:
    """One photo (``file``) from the outbox (JSON; the same photo sent twice is stored
    once); without JavaScript, every ``file`` of the form."""
    await service.photo_target(actor, report_id)
    form = await request.form()
    uploads = [u for u in form.getall("file", []) if isinstance(u, UploadFile)]
    if wants_json(request):
        upload = one_file(uploads)
        content = await files.read_upload(upload)
        digest = await files.digest(content)

        async def save() -> dict:
            return await service.add_report_photo(actor, report_id, content, upload.filename or "")

        return await run_idempotent(
            request, actor, {"file_sha256": digest, "patrol_report": report_id}, save
        )
    for upload in uploads:
        content = await files.read_upload(upload)
        await service.add_report_photo(actor, report_id, content, upload.filename or "")
    return Redirect(f"/patrol/reports/{report_id}", status_code=303)


# ---------------------------------------------------------------- the officer


async def queue_data(actor: Actor, status: str, offset: int) -> dict[str, Any]:
    """The triage queue (``new``, oldest first) or all reports (newest first): three
    queries (rows with grid, enterprise, reporter and hazard status; photos; the
    departments for the referral form)."""
    actor.require(Role.officer)
    waiting = status != "all"
    flt = views.ReportFilter(status="new" if waiting else None)
    rows, total = await views.list_reports(actor, flt, QUEUE_SIZE + 1, offset, oldest_first=waiting)
    return {
        "reports": rows[:QUEUE_SIZE],
        "total": total,
        "more": len(rows) > QUEUE_SIZE,
        "offset": offset,
        "waiting": waiting,
        "departments": await departments.active_departments(),
    }


@get("/patrol/triage")
async def queue_page(
    actor: NamedDependency[Actor],
    status: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    """研判 queue: new reports, oldest first, with photo, grid and enterprise; one action
    each (dismiss and refer inline, a hazard on the report's page)."""
    data = await queue_data(actor, status or "new", page_offset(offset))
    return Template("patrol/triage.html", context=data)


async def _report_page(
    request: Request,
    actor: Actor,
    report_id: int,
    values: dict,
    errors: dict,
    status: int = 200,
    outcome: str = "",
) -> Template:
    """The report; for an officer while ``new``, one section per outcome (立案为隐患 /
    转办 / 不予立案 / 重复上报), each a form with only its own fields. After a refused
    triage ``values["action"]`` names the section that opens with the errors and the
    typed text; else ``outcome`` (the queue's links) opens one, or none is open."""
    report = await views.get_report(actor, report_id)
    context: dict[str, Any] = {
        "r": report,
        "values": values,
        "errors": errors,
        "outcome": outcome if outcome in rules.ACTIONS else "",
    }
    if actor.role == Role.officer and report["status"] == "new":
        context["departments"] = await departments.active_departments()
        context["choices"] = walk_messages.hazard_choices(lang_of(request))
        context["grid_enterprises"] = (
            await Enterprise.select(Enterprise.id, Enterprise.name)
            .where(Enterprise.org_unit == report["org_unit_id"], Enterprise.active.eq(True))
            .order_by(Enterprise.name)
            .run()
        )
    return Template("patrol/report.html", context=context, status_code=status)


@get("/patrol/reports/{report_id:int}")
async def report_page(
    request: Request,
    actor: NamedDependency[Actor],
    report_id: PathId,
    outcome: FromQuery[str | None] = None,
) -> Template:
    """One report: its photos and fate; for an officer while ``new``, the triage forms."""
    return await _report_page(request, actor, report_id, {}, {}, outcome=outcome or "")


@post("/patrol/reports/{report_id:int}/triage", status_code=303)
async def triage_submit(
    request: Request, actor: NamedDependency[Actor], report_id: PathId
) -> Template | Redirect:
    actor.require(Role.officer)
    form = await request.form()
    values = _values(form, TRIAGE_FIELDS)
    data = _filled(values)
    try:
        if data.get("duplicate_of") and not data["duplicate_of"].lstrip("#").isdigit():
            raise ValidationFailed.field("duplicate_of", "上报编号须为数字")
        if "duplicate_of" in data:
            data["duplicate_of"] = data["duplicate_of"].lstrip("#")
        await service.triage(actor, report_id, form_model(TriageIn, **data))
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        return await _report_page(
            request, actor, report_id, values, errors_by_field(exc), status=400
        )
    back = str(form.get("back") or "")
    if back == "queue":
        return Redirect(f"/patrol/triage?done={report_id}#queue", status_code=303)
    return Redirect(f"/patrol/reports/{report_id}?done=1", status_code=303)


# ---------------------------------------------------------------- the admin


async def _departments_page(actor: Actor, values: dict, errors: dict, status: int = 200):
    return Template(
        "patrol/departments.html",
        context={
            "departments": await departments.list_departments(actor),
            "can_edit": actor.role == Role.admin,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@get("/admin/referral-departments")
async def departments_page(actor: NamedDependency[Actor]) -> Template:
    """转办 departments, kept by the admin."""
    actor.require(Role.admin)
    return await _departments_page(actor, {}, {})


@post("/admin/referral-departments", status_code=303)
async def department_create(request: Request, actor: NamedDependency[Actor]) -> Any:
    actor.require(Role.admin)
    form = await request.form()
    values = _values(form, ("name", "position"))
    try:
        data = form_model(
            DepartmentIn, name=values["name"], position=as_int(values["position"]) or 0
        )
        await departments.create_department(actor, data)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _departments_page(actor, values, errors_by_field(exc), status=exc.status_code)
    return Redirect("/admin/referral-departments", status_code=303)


@post("/admin/referral-departments/{department_id:int}", status_code=303)
async def department_update(
    request: Request, actor: NamedDependency[Actor], department_id: PathId
) -> Any:
    actor.require(Role.admin)
    form = await request.form()
    values = _values(form, ("name", "position", "active"))
    try:
        data = form_model(
            DepartmentPatch,
            name=values["name"] or None,
            position=as_int(values["position"]),
            active=values["active"] in ("1", "on", "true"),
        )
        await departments.update_department(actor, department_id, data)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _departments_page(actor, values, errors_by_field(exc), status=exc.status_code)
    return Redirect("/admin/referral-departments", status_code=303)


page_router = Router(
    path="/",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[
        mine_page,
        new_page,
        report_submit,
        report_photo_submit,
        queue_page,
        report_page,
        triage_submit,
        departments_page,
        department_create,
        department_update,
    ],
)
