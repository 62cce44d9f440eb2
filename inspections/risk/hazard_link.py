"""The two pillars joined (风险分级管控 ↔ 隐患排查治理): the hazards logged against a risk
point — those whose ``risk_point`` names it (a hazard may name the risk point of its
enterprise whose control failed). Readers of the risk point read the list: the officer
(subtree) and the enterprise (own); 404 outside scope.

  risk_point_hazards(actor, point_id, limit=, offset=) -> (items, total)
  GET /api/v1/risk-points/{point_id}/hazards      (JSON)
  GET /risk-points/{point_id}/hazards             (the page, linked from the register)
"""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from inspections.risk.service import point_row
from inspections.schemas import HazardListItemOut
from inspections.services import HazardFilter, list_hazards
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.i18n import register
from safety.settings import local_today
from safety.web import Limit, Offset, Page, PathId, error_responses, paging

PAGE_SIZE = 200

register(
    {
        "risk.point_hazards": ("相关隐患", "Hazards"),
        "risk.point_hazards_title": ("风险点「{name}」的隐患", "Hazards at risk point {name}"),
        "risk.point_hazards_none": (
            "还没有记录在此风险点下的隐患。",
            "No hazard has been logged against this risk point yet.",
        ),
        "risk.point_hazards_hint": (
            "记录隐患时注明了管控失效的风险点，便在此汇总（风险分级管控与隐患排查治理双重预防）。",
            "Hazards logged against this risk point (its control failed) are gathered here.",
        ),
        "risk.back_register": ("风险分级管控清单", "Risk register"),
        "source.inspection": ("专家检查", "Inspection"),
        "source.self_report": ("企业自查", "Self-inspection"),
        "source.patrol": ("网格巡查", "Patrol"),
    }
)


async def risk_point_hazards(
    actor: Actor, point_id: int, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """The risk point's hazards, newest found first (voided ones included: the list is the
    record of what went wrong there)."""
    point = await point_row(actor, point_id)
    return await list_hazards(actor, HazardFilter(risk_point_id=point["id"]), limit, offset)


@get(
    "/", summary="The hazards logged against a risk point", responses=error_responses(401, 403, 404)
)
async def list_risk_point_hazards(
    actor: NamedDependency[Actor],
    point_id: PathId,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[HazardListItemOut]:
    """Officer (subtree) and enterprise (own); others 403."""
    lim, off = paging(limit, offset)
    rows, total = await risk_point_hazards(actor, point_id, lim, off)
    return Page[HazardListItemOut](items=[HazardListItemOut(**r) for r in rows], total=total)


@get("/")
async def risk_point_hazards_page(actor: NamedDependency[Actor], point_id: PathId) -> Template:
    point = await point_row(actor, point_id)
    rows, total = await risk_point_hazards(actor, point["id"], PAGE_SIZE, 0)
    return Template(
        "inspections/risk_point_hazards.html",
        context={"point": point, "hazards": rows, "total": total, "today": local_today()},
    )


router = Router(
    path="/api/v1/risk-points/{point_id:int}/hazards",
    tags=["risk"],
    dependencies=ACTOR,
    route_handlers=[list_risk_point_hazards],
)

page_router = Router(
    path="/risk-points/{point_id:int}/hazards",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[risk_point_hazards_page],
)
