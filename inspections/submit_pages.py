"""The inspector's submit and signature pages: the confirmation that lists what the
irreversible submit locks, the submit itself, and the signatures (drawn on the screen, or
the enterprise's refusal). Split from ``inspections.pages`` (the walk), whose page helpers
they share."""

from __future__ import annotations

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from inspections import rules
from inspections import services as service
from inspections.page_helpers import (
    WALKERS,
    lock_summary,
    one_file,
    require_walker,
    signatures_done,
    submit_missing,
    wants_json,
)
from inspections.pages import missing_summary, signatures_view, walk
from inspections.services import signatures
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError
from safety.files import store as files
from safety.i18n import lang_of
from safety.idempotency import run_idempotent
from safety.pages import errors_by_field
from safety.web import PathId


@get("/submit")
async def submit_confirm_page(
    request: Request, actor: NamedDependency[Actor], inspection_id: PathId
) -> Template:
    """The confirmation before the irreversible submit: what will be locked (answers by
    result, hazards by level, the signatures or the refusal), or what is still missing
    (linked to the walk), in which case there is nothing to confirm."""
    actor.require(*WALKERS)
    lang = lang_of(request)
    inspection = await service.get_inspection(actor, inspection_id)
    require_walker(actor, inspection)
    rules.require_editable(inspection["state"], "提交")
    missing = missing_summary(inspection, submit_missing(inspection), lang)
    for line in missing["lines"]:
        if line["href"].startswith("#"):
            line["href"] = f"/inspections/{inspection_id}{line['href']}"
    hazards = inspection.get("hazards", [])
    i = dict(inspection)
    i["signatures"] = signatures_view(inspection)
    return Template(
        "inspections/submit.html",
        context={
            "i": i,
            "lock": lock_summary(inspection, hazards),
            "hazards": hazards,
            "missing": missing if missing["lines"] else None,
        },
    )


@post("/submit", status_code=303)
async def submit_submit(
    request: Request, actor: NamedDependency[Actor], inspection_id: PathId
) -> Template | Redirect:
    """Submit, once confirmed (``confirmed=1``, sent by the confirmation page); without it
    nothing changes and the confirmation page is shown (303). A 409 naming what is missing
    shows the walk with each missing item and signature marked."""
    actor.require(*WALKERS)
    form = await request.form()
    if str(form.get("confirmed") or "") != "1":
        inspection = await service.get_inspection(actor, inspection_id)
        require_walker(actor, inspection)
        return Redirect(f"/inspections/{inspection_id}/submit", status_code=303)
    try:
        await service.submit_inspection(actor, inspection_id)
    except DomainError as exc:
        if exc.status_code != 409 or not any(
            str(e.get("key", "")).startswith(("items.", "signatures.")) for e in exc.extra
        ):
            raise
        return await walk(request, actor, inspection_id, missing_extra=exc.extra, status=409)
    return Redirect(f"/inspections/{inspection_id}", status_code=303)


# ---------------------------------------------------------------- signatures


async def _sign_page(
    actor: Actor,
    inspection_id: int,
    forms: dict[str, dict] | None = None,
    errors: dict[str, dict] | None = None,
    status: int = 200,
) -> Template:
    inspection = await service.get_inspection(actor, inspection_id)
    require_walker(actor, inspection)
    rules.require_editable(inspection["state"], "签字")
    i = dict(inspection)
    i["signatures"] = signatures_view(inspection)
    ent = i["signatures"]["enterprise"] or {}
    ins = i["signatures"]["inspector"] or {}
    defaults = {
        "inspector": {"signer_name": ins.get("signer_name") or actor.display_name},
        "enterprise": {
            "signer_name": ent.get("signer_name") or "",
            "refused": bool(ent.get("refused_reason")),
            "refused_reason": ent.get("refused_reason") or "",
        },
    }
    return Template(
        "inspections/sign.html",
        context={
            "i": i,
            "forms": {**defaults, **(forms or {})},
            "errors": errors or {},
            "signed": signatures_done(inspection),
        },
        status_code=status,
    )


@get("/sign")
async def sign_page(actor: NamedDependency[Actor], inspection_id: PathId) -> Template:
    """Both signatures: a pad for the inspector and one for the enterprise's
    representative, who may instead refuse (拒签) with a reason."""
    actor.require(*WALKERS)
    return await _sign_page(actor, inspection_id)


@post("/signatures", status_code=303)
async def signature_submit(
    request: Request, actor: NamedDependency[Actor], inspection_id: PathId
) -> Response | Template | Redirect:
    """``signer``, ``signer_name`` and the drawn ``file`` (PNG), or ``refused`` with
    ``refused_reason`` for the enterprise. A new signature replaces the old one."""
    actor.require(*WALKERS)
    form = await request.form()
    signer = str(form.get("signer") or "")
    signer_name = str(form.get("signer_name") or "").strip()
    refused = str(form.get("refused") or "") in ("1", "on", "true") or (
        wants_json(request) and bool(str(form.get("refused_reason") or "").strip())
    )
    reason = str(form.get("refused_reason") or "").strip() if refused else ""
    uploads = [u for u in form.getall("file", []) if isinstance(u, UploadFile) and u.filename]
    if wants_json(request):
        content = b""
        if uploads:
            content = await files.read_upload(one_file(uploads))
        digest = await files.digest(content) if content else ""
        payload = {"signer": signer, "signer_name": signer_name, "refused_reason": reason}

        async def save() -> dict:
            return await signatures.add_signature(
                actor,
                inspection_id,
                signer,
                signer_name=signer_name,
                refused_reason=reason,
                content=content or None,
                filename=f"{signer}.png",
            )

        return await run_idempotent(request, actor, {**payload, "file_sha256": digest}, save)
    try:
        content = await files.read_upload(uploads[0]) if uploads and not refused else None
        await signatures.add_signature(
            actor,
            inspection_id,
            signer,
            signer_name=signer_name,
            refused_reason=reason,
            content=content,
            filename=uploads[0].filename if uploads else "",
        )
    except DomainError as exc:
        if exc.status_code != 400 or signer not in rules.SIGNERS:
            raise
        forms = {signer: {"signer_name": signer_name, "refused": refused, "refused_reason": reason}}
        return await _sign_page(
            actor, inspection_id, forms, {signer: errors_by_field(exc)}, status=400
        )
    return Redirect(f"/inspections/{inspection_id}#signatures", status_code=303)


page_router = Router(
    path="/inspections/{inspection_id:int}",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[submit_confirm_page, submit_submit, sign_page, signature_submit],
)
