"""The two pillars joined (风险分级管控 ↔ 隐患排查治理): the hazards logged against a risk
point — those whose ``risk_point`` names it (a hazard may name the risk point of its
enterprise whose control failed). Readers of the risk point read the list: the officer
(subtree) and the enterprise (own); 404 outside scope.

  risk_point_hazards(actor, point_id, limit=, offset=) -> (items, total)
  GET /api/v1/risk-points/{point_id}/hazards
"""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from inspections.risk.service import point_row
from inspections.schemas import HazardListItemOut
from inspections.services import HazardFilter, list_hazards
from safety.auth import Actor
from safety.web import ACTOR, Page, PathId, error_responses, paging


async def risk_point_hazards(
    actor: Actor, point_id: int, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """The risk point's hazards, newest found first (voided ones included: the list is the
    record of what went wrong there)."""
    point = await point_row(actor, point_id)
    return await list_hazards(actor, HazardFilter(risk_point_id=point["id"]), limit, offset)


@get(
    "/api/v1/risk-points/{point_id:int}/hazards",
    dependencies=ACTOR,
    tags=["risk"],
    summary="The hazards logged against a risk point",
    responses=error_responses(401, 403, 404),
)
async def list_risk_point_hazards(
    actor: NamedDependency[Actor],
    point_id: PathId,
    limit: FromQuery[int | None] = None,
    offset: FromQuery[int | None] = None,
) -> Page[HazardListItemOut]:
    """Officer (subtree) and enterprise (own); others 403."""
    lim, off = paging(limit, offset)
    rows, total = await risk_point_hazards(actor, point_id, lim, off)
    return Page[HazardListItemOut](items=[HazardListItemOut(**r) for r in rows], total=total)


ROUTES = [list_risk_point_hazards]
