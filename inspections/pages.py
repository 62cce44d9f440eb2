"""The inspector's pages, phone first: today's visits, the checklist walk (each answer saved
at once), the hazard form with photos, the signatures (drawn on the screen, or the
enterprise's refusal), submit. Same services as the JSON API; no rules here.

Every form posts and redirects back without JavaScript. With it (static/inspections/*.js)
the same endpoints are called by the outbox with ``Accept: application/json`` and an
``Idempotency-Key``: they answer JSON (errors in Litestar's shape, see
``safety.errorpages.wants_json``), and a retried hazard or photo is a replay, never a
second one.

Decisions where the issue is silent:
- ``GET /inspections/{id}`` is the walk for the inspection's inspectors while it is in
  progress; for everyone else who may see it (an officer, its enterprise) and once it is
  submitted it is the same page, read-only.
- A hazard form without JavaScript sends its photos with it (multipart); a photo refused
  there (not an image, too large) does not undo the hazard: the walk page says how many
  photos were not kept, and the hazard's camera button takes them again.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inspections import rules, walk_messages
from inspections import services as service
from inspections.checklists import suggest as checklist_suggest
from inspections.page_helpers import (
    WALKERS,
    is_walker,
    signatures_done,
    wants_json,
)
from inspections.schemas import ResultIn
from inspections.services import views
from inspections.services.photo_limit import photo_limit
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.i18n import lang_of, translate
from safety.pages import as_int, form_model
from safety.settings import local_clock, local_today
from safety.tables import Role
from safety.web import PathId

# ---------------------------------------------------------------- today


@get("/today")
async def today_page(actor: NamedDependency[Actor]) -> Template:
    """Due (today's and overdue planned visits) first, then those in progress, then the
    rest (planned later, submitted lately)."""
    actor.require(Role.inspector)
    today = local_today()
    agenda = await service.inspector_agenda(actor, today)
    visits = agenda["now"] + agenda["later"]
    groups: dict[str, list[dict]] = {"due": [], "in_progress": [], "later": []}
    for v in visits:
        card = dict(v)
        card["answered"] = v.get("items_answered", 0)
        card["total"] = v.get("items_total", 0)
        card["hazards"] = v.get("hazards_count", 0)
        card["address"] = v.get("enterprise_address") or ""
        card["is_today"] = v["scheduled_on"] == today
        card["overdue"] = v["state"] == "planned" and v["scheduled_on"] < today
        if v["state"] == "planned" and v["scheduled_on"] <= today:
            groups["due"].append(card)
        elif v["state"] == "in_progress":
            groups["in_progress"].append(card)
        else:
            groups["later"].append(card)
    return Template(
        "inspections/today.html",
        context={"today": today, "groups": [(k, g) for k, g in groups.items() if g]},
    )


# ---------------------------------------------------------------- the walk


def _sections(
    inspection: dict, missing_items: set[int], editable: bool, focus: int | None = None
) -> list[dict]:
    """The pinned checklist's items grouped by section, in checklist order; a section is
    open while it has an unanswered (or missing) item, or a failed one with no hazard
    logged yet, or holds the ``focus`` item (the one a saved hazard returns to);
    read-only, the sections with a failed item are open."""
    per_item: dict[int, int] = {}
    for h in inspection.get("hazards", []):
        if h.get("item_id"):
            per_item[h["item_id"]] = per_item.get(h["item_id"], 0) + 1
    sections: list[dict] = []
    for item in inspection["items"]:
        if not sections or sections[-1]["key"] != item.get("section_id", item["section"]):
            sections.append(
                {
                    "key": item.get("section_id", item["section"]),
                    "title": item["section"],
                    "items": [],
                }
            )
        sections[-1]["items"].append({**item, "hazard_count": per_item.get(item["id"], 0)})
    for s in sections:
        s["total"] = len(s["items"])
        s["answered"] = sum(1 for it in s["items"] if it["result"])
        if focus is not None and any(it["id"] == focus for it in s["items"]):
            s["open"] = True
            continue
        if not editable:
            s["open"] = any(it["result"] == "fail" for it in s["items"])
            continue
        s["open"] = s["answered"] < s["total"] or any(
            it["id"] in missing_items or (it["result"] == "fail" and not it["hazard_count"])
            for it in s["items"]
        )
    return sections


def missing_summary(inspection: dict, extra: list[dict], lang: str) -> dict:
    """The service's 409 (``items.<id>``, ``signatures.<signer>``) as lines to show and
    the ids to mark on the page."""
    by_id = {it["id"]: it for it in inspection["items"]}
    item_ids: set[int] = set()
    signers: list[str] = []
    lines = []
    for e in extra:
        key = str(e.get("key", ""))
        head, _, tail = key.partition(".")
        if head == "items" and as_int(tail) in by_id:
            it = by_id[as_int(tail)]
            item_ids.add(it["id"])
            text = it["text"] if len(it["text"]) <= 40 else it["text"][:40] + "…"
            lines.append(
                {
                    "href": f"#item-{it['id']}",
                    "text": translate("walk.missing_item", lang, code=it["code"], text=text),
                }
            )
        elif head == "signatures" and tail in rules.SIGNERS:
            signers.append(tail)
            lines.append(
                {
                    "href": f"#signature-{tail}",
                    "text": translate(f"walk.missing_signature.{tail}", lang),
                }
            )
        elif e.get("message"):
            lines.append({"href": "", "text": e["message"]})
    return {"items": item_ids, "signatures": signers, "lines": lines}


async def _hazards_with_photos(inspection: dict) -> list[dict]:
    hazards = inspection.get("hazards", [])
    photos = await views.photos_of([h["id"] for h in hazards])
    return [{**h, "photos": photos.get(h["id"], [])} for h in hazards]


def signatures_view(inspection: dict) -> dict:
    """API signature shapes plus the page-side (session cookie) image URL."""
    out: dict[str, Any] = {}
    for signer in rules.SIGNERS:
        sig = (inspection.get("signatures") or {}).get(signer)
        if sig:
            sig = dict(sig)
            if sig.get("attachment_id"):
                sig["page_url"] = f"/files/{sig['attachment_id']}/display"
        out[signer] = sig
    return out


async def walk(
    request: Request,
    actor: Actor,
    inspection_id: int,
    missing_extra: list[dict] | None = None,
    flash: str = "",
    status: int = 200,
    focus: int | None = None,
) -> Template:
    lang = lang_of(request)
    inspection = await service.get_inspection(actor, inspection_id)
    missing = missing_summary(inspection, missing_extra, lang) if missing_extra else None
    mine = is_walker(actor, inspection)
    editable = mine and inspection["state"] == "in_progress"
    i = dict(inspection)
    i["signatures"] = signatures_view(inspection)
    if i.get("submitted_at"):
        i["submitted_at_text"] = local_clock(i["submitted_at"])
    return Template(
        "inspections/walk.html",
        context={
            "i": i,
            "sections": _sections(
                inspection, missing["items"] if missing else set(), editable, focus
            ),
            "subcategory_names": dict(walk_messages.hazard_choices(lang)["subcategories"]),
            "answered": inspection["items_answered"],
            "total": inspection["items_total"],
            "hazards": await _hazards_with_photos(inspection),
            "editable": editable,
            "signed": signatures_done(inspection),
            "can_start": mine and inspection["state"] == "planned",
            "missing": missing,
            "flash": flash,
        },
        status_code=status,
    )


@get("/{inspection_id:int}")
async def walk_page(
    request: Request,
    actor: NamedDependency[Actor],
    inspection_id: PathId,
    queued: FromQuery[str | None] = None,
    photos_failed: FromQuery[int | None] = None,
    item: FromQuery[int | None] = None,
) -> Template | Redirect:
    lang = lang_of(request)
    if actor.role == Role.officer:
        # The officer's view of an inspection is the review page (officer pages).
        await service.get_inspection(actor, inspection_id)
        return Redirect(f"/inspections/{inspection_id}/review", status_code=303)
    flash = ""
    if queued:
        flash = translate("walk.queued", lang)
    elif photos_failed:
        flash = translate("walk.photos_failed", lang, n=photos_failed, limit=photo_limit())
    return await walk(request, actor, inspection_id, flash=flash, focus=item)


@post("/{inspection_id:int}/start", status_code=303)
async def start_submit(actor: NamedDependency[Actor], inspection_id: PathId) -> Redirect:
    actor.require(*WALKERS)
    await service.start_inspection(actor, inspection_id)
    return Redirect(f"/inspections/{inspection_id}", status_code=303)


@post("/{inspection_id:int}/results", status_code=303)
async def result_submit(
    request: Request, actor: NamedDependency[Actor], inspection_id: PathId
) -> Response | Redirect:
    """One answer (``item_id``, ``result``, ``note``): JSON for the outbox, else back to
    the item's anchor."""
    actor.require(*WALKERS)
    form = await request.form()
    item_id = as_int(form.get("item_id"))
    result = form_model(
        ResultIn,
        item_id=item_id if item_id is not None else form.get("item_id"),
        result=form.get("result"),
        note=str(form.get("note") or ""),
    )
    saved = await service.save_results(actor, inspection_id, [result])
    if wants_json(request):
        return Response(saved, status_code=200)
    return Redirect(f"/inspections/{inspection_id}#item-{result.item_id}", status_code=303)


# ---------------------------------------------------------------- suggestions


@get("/suggest")
async def suggest_page(actor: NamedDependency[Actor], q: FromQuery[str] = "") -> Response:
    """The hazard form's suggestions as JSON (the page's script, session cookie): the 3
    library items closest to ``q``, each with its legal basis and default level. Kept
    short for a weak signal: no sections, no ids of templates."""
    found = await checklist_suggest.suggest(actor, q)
    keep = ("code", "text", "legal_basis", "default_level", "major_basis", "category")
    items = [{**{k: it[k] for k in keep}, "subcategory": it["subcategory"]} for it in found]
    return Response({"items": items}, headers={"Cache-Control": "private, max-age=60"})


page_router = Router(
    path="/inspections",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[today_page, walk_page, start_submit, result_submit, suggest_page],
)
