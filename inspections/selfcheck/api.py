"""Self-inspections (企业自查): the JSON API. Thin: parse, call the service, shape.
The walk itself is the inspection API's (start, results, hazards, signatures, submit),
which lets the enterprise's contact walk its own self-inspection."""

from __future__ import annotations

from litestar import Router, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from inspections.schemas import InspectionOut
from inspections.selfcheck import service
from inspections.selfcheck.schemas import SelfInspectionIn
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.web import error_responses


@post(
    "/",
    summary="Start a self-inspection (企业自查) of one's own enterprise",
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def create_self_inspection(
    actor: NamedDependency[Actor], data: JSONBody[SelfInspectionIn]
) -> InspectionOut:
    """Enterprise contacts only (others 403): a planned inspection of kind ``self`` (no
    campaign) of their own enterprise, the caller as its checker. Then ``POST
    /api/v1/inspections/{id}/start``, results, hazards (``source: "self_report"``; a major
    one is reported to the officers at once), the checker's signature (the principal's
    countersignature is optional, 拒签 does not apply) and submit, as an inspector does.
    ``enterprise_id``, if given, must be the caller's own (else 404)."""
    return InspectionOut(**await service.start_self_inspection(actor, data))


router = Router(
    path="/api/v1/self-inspections",
    tags=["inspections"],
    dependencies=ACTOR,
    route_handlers=[create_self_inspection],
)
