"""The officer's read-only view of one inspection (``/inspections/{id}/review``): header,
results summary and failed items, hazards with their photos (a thumbnail opening the
display copy), signatures, state; and cancelling it while it is still planned, with a
reason. The inspector's own pages (the walk) are ``inspections.pages``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from inspections import services as service
from inspections.campaigns.forms import one
from inspections.services import photos  # noqa: F401  registers the owners /files checks
from safety.accounts.actor import ACTOR, OFFICER_ONLY
from safety.actors import Actor
from safety.errors import DomainError
from safety.pages import errors_by_field
from safety.tables import Role

FormData = URLEncodedBody[dict[str, Any]]


def summarise(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of the results and the failed items, in checklist order."""
    counts = {"total": len(items), "passed": 0, "failed": 0, "na": 0, "open": 0}
    name = {"pass": "passed", "fail": "failed", "na": "na", None: "open"}
    for item in items:
        counts[name.get(item.get("result"), "open")] += 1
    return {**counts, "failed_items": [i for i in items if i.get("result") == "fail"]}


async def _page(
    request: Request,
    actor: Actor,
    inspection_id: int,
    errors: dict[str, str] | None = None,
    status: int = 200,
    reason: str = "",
) -> Template:
    inspection = await service.get_inspection(actor, inspection_id)
    hazards = [await service.get_hazard(actor, h["id"]) for h in inspection.get("hazards", [])]
    return Template(
        "inspections/review.html",
        context={
            "i": inspection,
            "hazards": hazards,
            "summary": summarise(inspection.get("items", [])),
            "errors": errors or {},
            "reason": reason,
        },
        status_code=status,
    )


@get("/review")
async def inspection_review_page(
    request: Request,
    actor: NamedDependency[Actor],
    inspection_id: FromPath[int],
) -> Template:
    actor.require(Role.officer)
    return await _page(request, actor, inspection_id)


@post("/cancel")
async def inspection_cancel_submit(
    request: Request, actor: NamedDependency[Actor], inspection_id: FromPath[int], data: FormData
) -> Template | Redirect:
    """Cancel a planned inspection; a missing reason (400) or a wrong state (409) comes back
    on the page, next to the reason."""
    actor.require(Role.officer)
    reason = one(data, "reason")
    try:
        await service.cancel_inspection(actor, inspection_id, reason)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        errors = errors_by_field(exc)
        return await _page(request, actor, inspection_id, errors, exc.status_code, reason)
    return Redirect(f"/inspections/{inspection_id}/review", status_code=303)


page_router = Router(
    path="/inspections/{inspection_id:int}",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[OFFICER_ONLY],
    route_handlers=[inspection_review_page, inspection_cancel_submit],
)
