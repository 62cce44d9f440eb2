"""Checklist library pages under /admin/checklists: the list, one version (with the other
versions of its code), the .xlsx download, and loading a version from a sheet (upload →
preview → confirm). Same services as the JSON API.

Who: admins, officers and inspectors read the library here (officers pick checklists for
campaigns, inspectors prepare visits); only admins import. Enterprise contacts read the
checklists through the API and their inspections, not these pages.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody
from litestar.response import Template

from inspections.checklists import imports, rules, service
from inspections.checklists.messages import labels
from inspections.checklists.sheets import export_workbook
from safety.accounts.actor import ACTOR
from safety.actors import SYSTEM, Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of, translate
from safety.pages import errors_by_field
from safety.settings import local_today
from safety.tables import Role
from safety.web import XLSX, xlsx_download

PAGE_READERS = (Role.admin, Role.officer, Role.inspector)
UploadForm = MultipartBody[dict[str, Any]]
FORM_FIELDS = ("code", "name", "domain")


@get("/")
async def checklists_page(request: Request, actor: NamedDependency[Actor]) -> Template:
    actor.require(*PAGE_READERS)
    rows, total = await service.list_current(actor, limit=500)
    return Template(
        "checklists/list.html",
        context={"checklists": rows, "total": total, "is_admin": actor.role == Role.admin},
    )


@get("/{checklist_id:int}")
async def checklist_page(
    request: Request, actor: NamedDependency[Actor], checklist_id: FromPath[int]
) -> Template:
    actor.require(*PAGE_READERS)
    c = await service.get_checklist(actor, checklist_id)
    versions = await service.versions_of(actor, c["code"])
    current = next((v for v in versions if v["published"]), None)
    return Template(
        "checklists/detail.html",
        context={
            "c": c,
            "versions": versions,
            "current": current,
            "is_admin": actor.role == Role.admin,
            **labels(lang_of(request)),
        },
    )


@get("/{checklist_id:int}/export.xlsx", media_type=XLSX)
async def checklist_export(
    actor: NamedDependency[Actor], checklist_id: FromPath[int]
) -> Response[bytes]:
    actor.require(*PAGE_READERS)
    c = await service.get_checklist(actor, checklist_id)
    content = await anyio.to_thread.run_sync(export_workbook, c)
    return xlsx_download(content, f"{c['name']}-v{c['version']}-{local_today().isoformat()}.xlsx")


# ---------------------------------------------------------------- import


async def _form_page(
    form: dict[str, str], errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    rows, _ = await service.list_current(SYSTEM, limit=500)
    return Template(
        "checklists/import.html",
        context={"form": form, "errors": errors or {}, "existing": rows},
        status_code=status,
    )


@get("/import")
async def import_page(
    actor: NamedDependency[Actor], code: FromQuery[str | None] = None
) -> Template:
    actor.require(Role.admin)
    return await _form_page({"code": (code or "")[:64], "name": "", "domain": ""})


def _plan_context(plan: imports.ImportPlan, token: str, applied: bool, lang: str) -> dict:
    return {
        "plan": plan,
        "token": token,
        "applied": applied,
        "items": rules.item_count(plan.template),
        "major": rules.major_count(plan.template),
        **labels(lang),
    }


@post("/import", status_code=200)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], data: UploadForm
) -> Template:
    """Keep the file, show what it would publish; nothing is written yet."""
    actor.require(Role.admin)
    lang = lang_of(request)
    form = {k: str(data.get(k) or "").strip() for k in FORM_FIELDS}
    upload = data.get("file")
    try:
        if not form["code"]:
            raise ValidationFailed.field("code", "请填写检查表编码")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.field("file", translate("checklists.import.no_file", lang))
        content = await upload.read()
        filename = upload.filename or ""
        plan = await imports.plan(actor, form, filename, content)
        token = await imports.store_upload(actor, form, filename, content)
    except DomainError as exc:
        if exc.status_code not in (400, 413, 415):
            raise
        return await _form_page(form, errors_by_field(exc), exc.status_code)
    return Template("checklists/preview.html", context=_plan_context(plan, token, False, lang))


@post("/import/{token:str}", status_code=200)
async def import_confirm(
    request: Request, actor: NamedDependency[Actor], token: FromPath[str]
) -> Template:
    """Publish the previewed file (re-read and re-checked against the library as it is now)."""
    actor.require(Role.admin)
    plan = await imports.apply(actor, token)
    return Template(
        "checklists/preview.html", context=_plan_context(plan, token, True, lang_of(request))
    )


page_router = Router(
    path="/admin/checklists",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[
        checklists_page,
        checklist_page,
        checklist_export,
        import_page,
        import_upload,
        import_confirm,
    ],
)
