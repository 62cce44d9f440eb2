"""The risk register pages (风险四色清单) of one enterprise, for its contact (phone first)
and the officer: the list with counts per colour and the 四色分布 table, the add and edit
forms (errors next to each field), the sheet import and the export. Same services as the
JSON API. The officer's colour map and due list are ``inspections.risk.planning_pages``."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from inspections.campaigns.forms import many, one
from inspections.risk import export, imports, service
from inspections.risk.messages import fmt, labels
from inspections.risk.rules import COLOURS, MEASURE_KINDS
from inspections.risk.sheets import export_workbook
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of, translate
from safety.pages import errors_by_field
from safety.settings import local_today
from safety.tables import Role
from safety.web import XLSX, xlsx_download

FormData = URLEncodedBody[dict[str, Any]]
LEC_KEYS = {"lec_l": "likelihood", "lec_e": "exposure", "lec_c": "consequence"}
LS_KEYS = {"ls_l": "likelihood", "ls_s": "severity"}


def _form_of(point: dict[str, Any] | None) -> dict[str, Any]:
    """A stored point as the form's values (empty for a new one)."""
    if point is None:
        return {"method": "LEC", "control_tier": "", "accident_types": [], "active": "1"}
    form: dict[str, Any] = {
        "name": point["name"],
        "hazard_factors": point["hazard_factors"],
        "accident_types": point["accident_types"],
        "method": point["method"],
        "control_tier": point["control_tier"],
        "responsible_person": point["responsible_person"],
        "review_on": point["review_on"].isoformat() if point["review_on"] else "",
        "active": "1" if point["active"] else "0",
    }
    keys = LEC_KEYS if point["method"] == "LEC" else LS_KEYS
    for form_key, field in keys.items():
        form[form_key] = fmt(point[field]) if point[field] is not None else ""
    for kind in MEASURE_KINDS:
        form[f"measure_{kind}"] = point["control_measures"][kind]
    return form


def _posted(data: dict[str, Any]) -> dict[str, Any]:
    form = {
        k: one(data, k)
        for k in (
            "name",
            "hazard_factors",
            "method",
            "control_tier",
            "responsible_person",
            "review_on",
            "active",
            *LEC_KEYS,
            *LS_KEYS,
            *(f"measure_{k}" for k in MEASURE_KINDS),
        )
    }
    form["accident_types"] = many(data, "accident_types")
    return form


def _service_data(form: dict[str, Any], editing: bool) -> dict[str, Any]:
    """The form as the service's input: only the chosen method's values are sent."""
    data = {
        k: form[k]
        for k in (
            "name",
            "hazard_factors",
            "method",
            "control_tier",
            "responsible_person",
            "review_on",
            "accident_types",
            *(f"measure_{k}" for k in MEASURE_KINDS),
        )
    }
    keys = LS_KEYS if form["method"] == "LS" else LEC_KEYS
    for form_key, field in keys.items():
        data[field] = form[form_key]
    if form["method"] == "LS":
        data.update(exposure=None, consequence=None)
    else:
        data["severity"] = None
    if editing:
        data["active"] = form.get("active") != "0"
    return data


# Service field → the form field an error shows next to.
def _error_map(method: str) -> dict[str, str]:
    keys = LS_KEYS if method == "LS" else LEC_KEYS
    return {field: form_key for form_key, field in keys.items()}


def _form_errors(exc: DomainError, method: str, lang: str) -> dict[str, str]:
    names = _error_map(method)
    out: dict[str, str] = {}
    for key, message in errors_by_field(exc).items():
        out.setdefault(names.get(key, key), message)
    out["_"] = translate(
        "risk.stale" if exc.status_code == 409 and "version" in out else "risk.invalid", lang
    )
    return out


# ---------------------------------------------------------------- the register


@get("/risk-points", status_code=303)
async def my_register(actor: NamedDependency[Actor]) -> Redirect:
    """The nav's 风险点: an enterprise contact's own register; an officer's colour map."""
    actor.require(Role.officer, Role.enterprise)
    if actor.role == Role.officer:
        return Redirect("/risk/map", status_code=303)
    await service.enterprise_row(actor, actor.enterprise_id or 0)
    return Redirect(f"/enterprises/{actor.enterprise_id}/risk-points", status_code=303)


@get("/enterprises/{enterprise_id:int}/risk-points")
async def register_page(
    request: Request,
    actor: NamedDependency[Actor],
    enterprise_id: FromPath[int],
    colour: FromQuery[str | None] = None,
    saved: FromQuery[str | None] = None,
) -> Template:
    lang = lang_of(request)
    enterprise = await service.enterprise_row(actor, enterprise_id)
    chosen = colour if colour in COLOURS else None
    points = await service.list_points(actor, enterprise_id, chosen, include_inactive=not chosen)
    spread = await service.distribution(actor, enterprise_id)
    return Template(
        "risk/register.html",
        context={
            "enterprise": enterprise,
            "points": points,
            "spread": spread,
            "chosen": chosen,
            "saved": bool(saved),
            "is_officer": actor.role == Role.officer,
            **labels(lang),
        },
    )


async def _form_page(
    request: Request,
    enterprise: dict[str, Any],
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    point: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "risk/form.html",
        context={
            "enterprise": enterprise,
            "form": form,
            "errors": errors or {},
            "point": point,
            **labels(lang_of(request)),
        },
        status_code=status,
    )


@get("/enterprises/{enterprise_id:int}/risk-points/new")
async def new_point_page(
    request: Request, actor: NamedDependency[Actor], enterprise_id: FromPath[int]
) -> Template:
    enterprise = await service.enterprise_row(actor, enterprise_id)
    return await _form_page(request, enterprise, _form_of(None))


@post("/enterprises/{enterprise_id:int}/risk-points", status_code=303)
async def create_point_submit(
    request: Request, actor: NamedDependency[Actor], enterprise_id: FromPath[int], data: FormData
) -> Template | Redirect:
    enterprise = await service.enterprise_row(actor, enterprise_id)
    form = _posted(data)
    try:
        await service.create_point(actor, enterprise_id, _service_data(form, editing=False))
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        errors = _form_errors(exc, form["method"], lang_of(request))
        return await _form_page(request, enterprise, form, errors, status=exc.status_code)
    return Redirect(f"/enterprises/{enterprise_id}/risk-points?saved=1", status_code=303)


@get("/risk-points/{point_id:int}/edit")
async def edit_point_page(
    request: Request, actor: NamedDependency[Actor], point_id: FromPath[int]
) -> Template:
    point = await service.point_row(actor, point_id)
    enterprise = await service.enterprise_row(actor, point["enterprise_id"])
    return await _form_page(request, enterprise, _form_of(point), point=point)


@post("/risk-points/{point_id:int}", status_code=303)
async def edit_point_submit(
    request: Request, actor: NamedDependency[Actor], point_id: FromPath[int], data: FormData
) -> Template | Redirect:
    point = await service.point_row(actor, point_id)
    enterprise = await service.enterprise_row(actor, point["enterprise_id"])
    form = _posted(data)
    try:
        version = int(one(data, "version"))
    except ValueError:
        version = -1
    try:
        await service.update_point(actor, point_id, _service_data(form, editing=True), version)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        errors = _form_errors(exc, form["method"], lang_of(request))
        return await _form_page(request, enterprise, form, errors, point, exc.status_code)
    return Redirect(f"/enterprises/{enterprise['id']}/risk-points?saved=1", status_code=303)


# ---------------------------------------------------------------- import and export


@get("/enterprises/{enterprise_id:int}/risk-points/import")
async def import_page(
    request: Request, actor: NamedDependency[Actor], enterprise_id: FromPath[int]
) -> Template:
    enterprise = await service.enterprise_row(actor, enterprise_id)
    return Template(
        "risk/import.html",
        context={"enterprise": enterprise, "result": None, "errors": {}},
    )


@post("/enterprises/{enterprise_id:int}/risk-points/import", status_code=200)
async def import_submit(
    actor: NamedDependency[Actor],
    enterprise_id: FromPath[int],
    data: MultipartBody[dict[str, Any]],
) -> Template:
    enterprise = await service.enterprise_row(actor, enterprise_id)
    upload = data.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.field("file", "请选择文件")
        content = await upload.read()
        result = await imports.import_points(actor, enterprise_id, upload.filename or "", content)
    except DomainError as exc:
        if exc.status_code not in (400, 413, 415):
            raise
        return Template(
            "risk/import.html",
            context={"enterprise": enterprise, "result": None, "errors": errors_by_field(exc)},
            status_code=exc.status_code,
        )
    return Template(
        "risk/import.html",
        context={"enterprise": enterprise, "result": result.summary(), "errors": {}},
    )


@get("/risk-points/export.xlsx", media_type=XLSX)
async def export_page(
    actor: NamedDependency[Actor],
    enterprise_id: FromQuery[int | None] = None,
    org_unit_id: FromQuery[int | None] = None,
    colour: FromQuery[str | None] = None,
) -> Response[bytes]:
    rows = await export.export_points(actor, enterprise_id, org_unit_id, colour or None)
    content = await anyio.to_thread.run_sync(export_workbook, rows)
    return xlsx_download(content, f"risk-points-{local_today().isoformat()}.xlsx")


page_router = Router(
    path="/",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[
        my_register,
        register_page,
        new_point_page,
        create_point_submit,
        edit_point_page,
        edit_point_submit,
        import_page,
        import_submit,
        export_page,
    ],
)
