"""Enterprise registry pages: list with search and filters, detail, create/edit with errors
next to the fields, export, and the sheet import (upload → preview → confirm → result,
with a downloadable sheet of the bad rows). Same services as the JSON API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of, translate
from safety.pages import as_int, errors_by_field, page_offset
from safety.registry import service, sync
from safety.registry.messages import choices, industry_name
from safety.registry.sheets import HEADERS, error_workbook, export_workbook
from safety.settings import local_today
from safety.tables import OrgUnit, Role
from safety.web import XLSX, xlsx_download

FormData = URLEncodedBody[dict[str, Any]]
UploadForm = MultipartBody[dict[str, Any]]
PAGE_SIZE = 50
PREVIEW_ROWS = 300  # rows of each kind shown in the preview; the counts are exact

TEXT_FIELDS = (
    "name",
    "uscc",
    "industry",
    "industry_detail",
    "scale",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "standardisation_level",
    "standardisation_date",
)


def _invalid(lang: str, errors: list[dict[str, str]]) -> ValidationFailed:
    return ValidationFailed(translate("registry.error.invalid", lang), errors)


def _filter_from(params: dict[str, Any]) -> service.EnterpriseFilter:
    key = {"1": True, "0": False}.get(str(params.get("key") or ""))
    return service.EnterpriseFilter(
        q=params.get("q") or None,
        org_unit_id=as_int(params.get("org_unit_id")),
        industry=params.get("industry") or None,
        risk_colour=params.get("risk_colour") or None,
        key=key,
    )


def _form_to_data(form: dict[str, Any], lang: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The form as the service's input (checkboxes: present = true)."""
    data: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in TEXT_FIELDS}
    errors = []
    raw_unit = str(form.get("org_unit_id") or "").strip()
    data["org_unit_id"] = as_int(raw_unit)
    if raw_unit and data["org_unit_id"] is None:
        errors.append({"key": "org_unit_id", "message": translate("registry.error.grid", lang)})
    for box in ("is_key", "uscc_confirmed"):
        data[box] = box in form
    data["active"] = form.get("active", "1") != "0"
    return data, errors


# ---------------------------------------------------------------- list, detail, export


@get("/")
async def enterprises_page(
    request: Request,
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    org_unit_id: FromQuery[str | None] = None,
    industry: FromQuery[str | None] = None,
    risk_colour: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    params = {
        "q": q or "",
        "org_unit_id": org_unit_id or "",
        "industry": industry or "",
        "risk_colour": risk_colour or "",
        "key": key or "",
    }
    start = page_offset(offset)
    rows, total = await service.list_enterprises(actor, _filter_from(params), PAGE_SIZE, start)
    return Template(
        "registry/list.html",
        context={
            "enterprises": rows,
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "params": params,
            "query": urlencode({k: v for k, v in params.items() if v}),
            "units": await service.unit_choices(actor),
            "is_officer": actor.role == Role.officer,
            **choices(lang_of(request)),
        },
    )


@get("/export.xlsx", media_type=XLSX)
async def enterprises_export_page(
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    org_unit_id: FromQuery[str | None] = None,
    industry: FromQuery[str | None] = None,
    risk_colour: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
) -> Response[bytes]:
    params = {
        "q": q,
        "org_unit_id": org_unit_id,
        "industry": industry,
        "risk_colour": risk_colour,
        "key": key,
    }
    rows = await service.export_enterprises(actor, _filter_from(params))
    content = await anyio.to_thread.run_sync(export_workbook, rows)
    return xlsx_download(content, f"enterprises-{local_today().isoformat()}.xlsx")


# The enterprise's 检查记录 are read by the rectification floor
# (``rectification.records.queries.enterprise_records``); the composition root provides
# that reader as the ``enterprise_records`` dependency, so the kernel never imports upwards.
RecordsReader = Callable[[Actor, int], Awaitable[Any]]


@get("/{enterprise_id:int}")
async def enterprise_page(
    request: Request,
    actor: NamedDependency[Actor],
    enterprise_id: FromPath[int],
    enterprise_records: NamedDependency[RecordsReader],
    saved: FromQuery[str | None] = None,
) -> Template:
    e = await service.get_enterprise(actor, enterprise_id)
    lang = lang_of(request)
    labels = choices(lang)
    # 检查记录 (issue 19 point 4): its inspections the reader may see, with their documents;
    # the grid worker reads the registry but not inspections (docs/records.md).
    records = None
    if actor.role in (Role.officer, Role.inspector, Role.enterprise):
        records = await enterprise_records(actor, e["id"])
    return Template(
        "registry/detail.html",
        context={
            "e": e,
            "records": records,
            "history_link": actor.role in (Role.officer, Role.inspector),
            "hazards_href": "/hazards"
            if actor.role == Role.enterprise
            else "/hazards?" + urlencode({"enterprise_id": e["id"]}),
            "saved": bool(saved),
            "is_officer": actor.role == Role.officer,
            **labels,
            "industry_names": {e["industry"]: industry_name(e["industry"], lang)}
            if e.get("industry")
            else {},
            "scale_names": dict(labels["scales"]),
            "level_names": dict(labels["levels"]),
            "colour_names": dict(labels["colours"]),
        },
    )


# ---------------------------------------------------------------- create and edit


async def _form_page(
    actor: Actor,
    lang: str,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    enterprise: dict | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "registry/form.html",
        context={
            "form": form,
            "errors": errors or {},
            "enterprise": enterprise,
            "grids": await service.unit_choices(actor, grids_only=True),
            **choices(lang),
        },
        status_code=status,
    )


@get("/new")
async def enterprise_new_page(request: Request, actor: NamedDependency[Actor]) -> Template:
    actor.require(Role.officer)
    return await _form_page(
        actor,
        lang_of(request),
        {"scale": "small", "standardisation_level": "none", "active": True},
    )


@post("/", status_code=303)
async def enterprise_create_submit(
    request: Request, actor: NamedDependency[Actor], data: FormData
) -> Template | Redirect:
    actor.require(Role.officer)
    lang = lang_of(request)
    values, errors = _form_to_data(data, lang)
    try:
        if errors:
            raise _invalid(lang, errors)
        row = await service.create_enterprise(actor, values)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        return await _form_page(
            actor, lang, values, errors_by_field(exc, lang), status=exc.status_code
        )
    return Redirect(f"/enterprises/{row['id']}?saved=1", status_code=303)


@get("/{enterprise_id:int}/edit")
async def enterprise_edit_page(
    request: Request, actor: NamedDependency[Actor], enterprise_id: FromPath[int]
) -> Template:
    actor.require(Role.officer)
    e = await service.get_enterprise(actor, enterprise_id)
    form = {k: e.get(k) for k in (*TEXT_FIELDS, "org_unit_id", "is_key", "active")}
    form["uscc_confirmed"] = e["uscc_flagged"]
    return await _form_page(actor, lang_of(request), form, enterprise=e)


@post("/{enterprise_id:int}", status_code=303)
async def enterprise_edit_submit(
    request: Request, actor: NamedDependency[Actor], enterprise_id: FromPath[int], data: FormData
) -> Template | Redirect:
    actor.require(Role.officer)
    lang = lang_of(request)
    e = await service.get_enterprise(actor, enterprise_id)
    values, errors = _form_to_data(data, lang)
    version = as_int(data.get("version"))
    try:
        if errors or version is None:
            if version is None:
                errors.append(
                    {"key": "version", "message": translate("registry.error.version", lang)}
                )
            raise _invalid(lang, errors)
        await service.update_enterprise(actor, enterprise_id, values, version)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        # On a stale version show the current one, so saving again is a conscious overwrite.
        shown = await service.get_enterprise(actor, enterprise_id) if exc.status_code == 409 else e
        return await _form_page(
            actor, lang, values, errors_by_field(exc, lang), shown, exc.status_code
        )
    return Redirect(f"/enterprises/{enterprise_id}?saved=1", status_code=303)


# ---------------------------------------------------------------- import


@get("/import")
async def import_page(actor: NamedDependency[Actor]) -> Template:
    actor.require(Role.officer)
    return Template("registry/import.html", context={"errors": {}, "headers": HEADERS})


async def _plan_context(
    plan: sync.ImportPlan, token: str, applied: bool, lang: str
) -> dict[str, Any]:
    def rows(action: str) -> list[sync.RowPlan]:
        return [r for r in plan.rows if r.action == action][:PREVIEW_ROWS]

    # A grid change is shown by name, not id.
    ids = {
        v
        for r in rows("update")
        for k, v in (*r.fields.items(), *r.before.items())
        if k == "org_unit" and v is not None
    }
    units = {}
    if ids:
        found = (
            await OrgUnit.select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.is_in(list(ids))).run()
        )
        units = {u["id"]: u["name"] for u in found}
    return {
        "units": units,
        "token": token,
        "applied": applied,
        "summary": plan.summary(),
        "created": rows("create"),
        "updated": rows("update"),
        "errors": sorted(plan.errors, key=lambda e: e.row)[:PREVIEW_ROWS],
        "error_count": len(plan.errors),
        "preview_rows": PREVIEW_ROWS,
        "labels": choices(lang)["labels"],
    }


@post("/import", status_code=200)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], data: UploadForm
) -> Template:
    """Keep the file, show what it would change; nothing is written yet."""
    actor.require(Role.officer)
    lang = lang_of(request)
    upload = data.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.field("file", translate("registry.import.no_file", lang))
        content = await upload.read()
        sheet = await sync.read_upload(upload.filename or "", content)
        token = await sync.store_upload(actor, upload.filename or "", content)
        plan = await sync.plan_import(actor, sheet)
    except DomainError as exc:
        if exc.status_code not in (400, 413, 415):
            raise
        return Template(
            "registry/import.html",
            context={"errors": errors_by_field(exc), "headers": HEADERS},
            status_code=exc.status_code,
        )
    return Template("registry/preview.html", context=await _plan_context(plan, token, False, lang))


async def _stored_sheet(actor: Actor, token: str):
    filename, content = await sync.load_upload(actor, token)
    return await sync.read_upload(filename, content)


@post("/import/{token:str}", status_code=200)
async def import_confirm(
    request: Request, actor: NamedDependency[Actor], token: FromPath[str]
) -> Template:
    """Apply the previewed file (re-read and re-checked against the registry as it is now)."""
    actor.require(Role.officer)
    done = await sync.apply_import(actor, await _stored_sheet(actor, token))
    context = await _plan_context(done, token, True, lang_of(request))
    return Template("registry/preview.html", context=context)


@get(
    "/import/{token:str}/errors.xlsx",
    media_type=XLSX,
)
async def import_errors_sheet(
    actor: NamedDependency[Actor], token: FromPath[str]
) -> Response[bytes]:
    """The bad rows as uploaded plus a reason column; fix them in Excel and import again."""
    actor.require(Role.officer)
    sheet = await _stored_sheet(actor, token)
    plan = await sync.plan_import(actor, sheet)
    content = await anyio.to_thread.run_sync(error_workbook, sheet, plan.errors)
    return xlsx_download(content, "import-errors.xlsx")


router = Router(
    path="/enterprises",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[
        enterprises_page,
        enterprises_export_page,
        enterprise_page,
        enterprise_new_page,
        enterprise_create_submit,
        enterprise_edit_page,
        enterprise_edit_submit,
        import_page,
        import_upload,
        import_confirm,
        import_errors_sheet,
    ],
)
