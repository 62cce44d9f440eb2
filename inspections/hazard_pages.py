"""The hazard form of the walk (prefilled from a failed item) and the photos of a hazard.

The failed item's requirement is shown above the description as a reference, never as
the description: an unedited hazard must not describe compliance. The description starts
empty (required). Saving returns to the failed item on the walk (``?item=<id>#item-<id>``
opens its section); a hazard without an item returns to itself in the hazards list.

With JavaScript the form sends its fields only, with an ``Idempotency-Key`` (so a retry
after a lost answer never makes a second hazard), and its photos follow one per request,
each with its own key. Without JavaScript the photos go with the form (multipart)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inspections import rules, walk_messages
from inspections import services as service
from inspections.page_helpers import WALKERS, one_file, require_walker, wants_json
from inspections.schemas import HazardIn
from inspections.services import photos as hazard_photos
from inspections.services.hazards import days_for
from inspections.services.photo_limit import PhotoLimitReached
from inspections.tables import RiskPoint
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError, NotFound
from safety.files import store as files
from safety.i18n import lang_of
from safety.idempotency import run_idempotent
from safety.pages import as_int, errors_by_field, form_model
from safety.web import PathId

HAZARD_FIELDS = (
    "description",
    "location",
    "level",
    "category",
    "subcategory",
    "factor",
    "legal_basis",
    "major_basis",
    "suggestion",
    "deadline",
    "risk_point_id",
)


async def _hazard_form(
    request: Request,
    actor: Actor,
    inspection: dict,
    form: dict,
    errors: dict | None = None,
    item: dict | None = None,
    status: int = 200,
) -> Template:
    lang = lang_of(request)
    days = await days_for(inspection)
    day = inspection["scheduled_on"]
    defaults = {lvl: rules.default_deadline(day, lvl, days).isoformat() for lvl in rules.LEVELS}
    # 风险点: the enterprise's active risk points, to name the one whose control failed.
    points = (
        await RiskPoint.select(RiskPoint.id, RiskPoint.name)
        .where(RiskPoint.enterprise == inspection["enterprise_id"], RiskPoint.active.eq(True))
        .order_by(RiskPoint.name)
        .run()
    )
    return Template(
        "inspections/hazard_form.html",
        context={
            "i": inspection,
            "form": form,
            "errors": errors or {},
            "item": item,
            "defaults": defaults,
            "choices": walk_messages.hazard_choices(lang),
            "risk_points": [(p["id"], p["name"]) for p in points],
        },
        status_code=status,
    )


def _item_of(inspection: dict, item_id: int | None) -> dict | None:
    return next((it for it in inspection["items"] if it["id"] == item_id), None)


@get("/new")
async def hazard_new_page(
    request: Request,
    actor: NamedDependency[Actor],
    inspection_id: PathId,
    item_id: FromQuery[int | None] = None,
) -> Template:
    """The hazard form, prefilled from a failed item (basis, level, category,
    sub-category, and the major-hazard clause when the item is a major criterion); the
    item's requirement is shown as a reference, the description starts empty."""
    actor.require(*WALKERS)
    inspection = await service.get_inspection(actor, inspection_id)
    require_walker(actor, inspection)
    rules.require_editable(inspection["state"], "隐患")
    item = _item_of(inspection, item_id)
    form: dict[str, Any] = {"level": "general", "category": "site", "subcategory": "其他"}
    if item:
        form.update(
            description="",
            legal_basis=item.get("legal_basis", ""),
            level=item.get("default_level") or "general",
            category=item.get("category") or "site",
            subcategory=item.get("subcategory") or "其他",
            major_basis=item.get("major_basis") or "",
        )
    return await _hazard_form(request, actor, inspection, form, item=item)


def _hazard_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in HAZARD_FIELDS}
    values["fixed_on_spot"] = str(form.get("fixed_on_spot") or "") in ("1", "on", "true")
    values["item_id"] = as_int(form.get("item_id"))
    return values


def _hazard_in(values: dict[str, Any]) -> HazardIn:
    data = {k: v for k, v in values.items() if v not in ("", None)}
    data["fixed_on_spot"] = values["fixed_on_spot"]
    return form_model(HazardIn, **data)


async def _store_photos(actor: Actor, hazard_id: int, uploads: list, kind: str) -> int:
    """The photos of a form sent without JavaScript, one by one; returns how many were
    refused (each refusal is the service's: not an image, too large, truncated)."""
    failed = 0
    for upload in uploads:
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        try:
            content = await files.read_upload(upload)
            await hazard_photos.add_hazard_photo(
                actor, hazard_id, content, filename=upload.filename, kind=kind
            )
        except DomainError as exc:
            if exc.status_code not in (400, 413, 415) and not isinstance(exc, PhotoLimitReached):
                raise
            failed += 1
    return failed


@post("/", status_code=303)
async def hazard_create_submit(
    request: Request, actor: NamedDependency[Actor], inspection_id: PathId
) -> Response | Template | Redirect:
    """With JavaScript: the fields only (photos follow one by one), ``Idempotency-Key``
    honoured, the hazard as JSON (201). Without: the form with its photos; errors next to
    the fields."""
    actor.require(*WALKERS)
    form = await request.form()
    values = _hazard_values(form)
    if wants_json(request):
        data = _hazard_in(values)

        async def create() -> dict:
            return await service.log_hazard(actor, inspection_id, data)

        return await run_idempotent(request, actor, data, create, atomic=True)
    inspection = await service.get_inspection(actor, inspection_id)
    item = _item_of(inspection, values["item_id"])
    try:
        hazard = await service.log_hazard(actor, inspection_id, _hazard_in(values))
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        return await _hazard_form(
            request, actor, inspection, values, errors_by_field(exc), item=item, status=400
        )
    failed = await _store_photos(actor, hazard["id"], form.getall("photos", []), "problem")
    return Redirect(back_to_walk(inspection_id, item, hazard["id"], failed), status_code=303)


def back_to_walk(inspection_id: int, item: dict | None, hazard_id: int, failed: int = 0) -> str:
    """Where a saved hazard returns: its failed item (``item=`` opens the item's section),
    or for a hazard without an item the hazard itself in the list."""
    query = [f"photos_failed={failed}"] if failed else []
    if item:
        query.append(f"item={item['id']}")
    anchor = f"#item-{item['id']}" if item else f"#hazard-{hazard_id}"
    return f"/inspections/{inspection_id}" + ("?" + "&".join(query) if query else "") + anchor


@post("/{hazard_id:int}/photos", status_code=303)
async def hazard_photo_submit(
    request: Request, actor: NamedDependency[Actor], inspection_id: PathId, hazard_id: PathId
) -> Response | Redirect:
    """One photo (``file``) per request from the outbox (JSON, ``Idempotency-Key``: the
    same photo sent twice is stored once); without JavaScript, every ``file`` of the form."""
    actor.require(*WALKERS)
    hazard = await hazard_photos.photo_target(actor, hazard_id)
    if hazard["inspection"] != inspection_id:
        raise NotFound("隐患不存在")
    require_walker(actor, await service.get_inspection(actor, inspection_id))
    form = await request.form()
    kind = str(form.get("kind") or "problem")
    uploads = [u for u in form.getall("file", []) if isinstance(u, UploadFile)]
    if wants_json(request):
        upload = one_file(uploads)
        content = await files.read_upload(upload)
        digest = await files.digest(content)

        async def save() -> dict:
            return await hazard_photos.add_hazard_photo(
                actor, hazard_id, content, filename=upload.filename or "", kind=kind
            )

        return await run_idempotent(
            request, actor, {"file_sha256": digest, "kind": kind, "hazard": hazard_id}, save
        )
    failed = await _store_photos(actor, hazard_id, uploads, kind)
    target = f"/inspections/{inspection_id}"
    if failed:
        target += f"?photos_failed={failed}"
    return Redirect(f"{target}#hazard-{hazard_id}", status_code=303)


page_router = Router(
    path="/inspections/{inspection_id:int}/hazards",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[hazard_new_page, hazard_create_submit, hazard_photo_submit],
)
