"""The figures' JSON API: campaign stats, org-unit stats, and the enterprises behind a
campaign's planned/inspected counts. Thin: parse, call the service, shape. One router
(``router``) carries the prefix, the tag and the actor dependency."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from inspections.tables import HazardSource
from rectification.figures import service
from rectification.figures.definitions import GROUPS, ORG_GROUPS, parse_group_key
from rectification.figures.schemas import (
    CampaignEnterpriseOut,
    CampaignStatsOut,
    OrgUnitStatsOut,
)
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.web import (
    Limit,
    Offset,
    Page,
    PathId,
    error_responses,
    paging,
    query_one_of,
)

TAGS = ["figures"]


@get(
    "/campaigns/{campaign_id:int}/stats",
    summary="A campaign's figures as of a day, optionally by batch/community/grid/industry/agency",
    responses=error_responses(400, 401, 403, 404),
)
async def campaign_stats(
    actor: NamedDependency[Actor],
    campaign_id: PathId,
    as_of: FromQuery[dt.date | None] = None,
    group_by: query_one_of(GROUPS) = None,
) -> CampaignStatsOut:
    """Officer (the campaign in their subtree; hazards and enterprises of their subtree
    only). The records as they stood at the end of ``as_of`` (default today) in the
    configured time zone. Rates are exact fractions in [0, 1], null for a zero
    denominator; ``fractions`` gives each rate's numerator and denominator."""
    out = await service.campaign_stats(actor, campaign_id, as_of, group_by)
    return CampaignStatsOut(**out)


@get(
    "/org-units/{org_unit_id:int}/stats",
    summary="An org unit subtree's hazard figures over all campaigns and sources",
    responses=error_responses(400, 401, 403, 404),
)
async def org_unit_stats(
    actor: NamedDependency[Actor],
    org_unit_id: PathId,
    from_: Annotated[dt.date | None, QueryParameter(name="from")] = None,
    to: FromQuery[dt.date | None] = None,
    source: query_one_of(HazardSource) = None,
    group_by: query_one_of(ORG_GROUPS) = None,
    as_of: FromQuery[dt.date | None] = None,
) -> OrgUnitStatsOut:
    """Officer, own subtree. ``from``/``to`` bound the found dates; ``source`` one of
    inspection / self_report / patrol; ``by_source`` always; ``group_by`` also takes
    ``source``."""
    out = await service.org_unit_stats(actor, org_unit_id, from_, to, source, group_by, as_of)
    return OrgUnitStatsOut(**out)


@get(
    "/campaigns/{campaign_id:int}/enterprises",
    summary="The planned (or inspected) enterprises behind a campaign's figures",
    responses=error_responses(400, 401, 403, 404),
)
async def campaign_enterprises(
    actor: NamedDependency[Actor],
    campaign_id: PathId,
    figure: FromQuery[str] = "planned",
    as_of: FromQuery[dt.date | None] = None,
    group_by: query_one_of(GROUPS) = None,
    key: FromQuery[str | None] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[CampaignEnterpriseOut]:
    """``figure=planned|inspected`` as of ``as_of``; ``group_by`` with ``key`` (``none``:
    the group without one) narrows to one group of the stats. ``total`` equals the figure."""
    lim, off = paging(limit, offset)
    service.check_group_by(group_by)
    rows, total = await service.campaign_enterprises(
        actor, campaign_id, figure, as_of, group_by, parse_group_key(group_by, key), lim, off
    )
    return Page[CampaignEnterpriseOut](
        items=[CampaignEnterpriseOut(**r) for r in rows], total=total
    )


router = Router(
    path="/api/v1",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[campaign_stats, org_unit_stats, campaign_enterprises],
)
