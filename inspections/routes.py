"""Every route of the inspections package, for ``safety.app``: the routers of its topic
modules. Each topic module declares its routes once, in a ``litestar.Router`` carrying
the path prefix, the tags and the actor dependency (``router`` for the JSON API,
``page_router`` for the pages, which are left out of the OpenAPI document); see
docs/dev/routers-inspections.md. A new topic module adds its routers here."""

from __future__ import annotations

from litestar import Router

from inspections import api, hazard_pages, hazards_api, pages, submit_pages, uploads_api
from inspections.campaigns import batches as campaign_batches
from inspections.campaigns import pages as campaign_pages
from inspections.campaigns import review as campaign_review
from inspections.checklists import api as checklists_api
from inspections.checklists import pages as checklists_pages
from inspections.documents import api as documents_api
from inspections.patrol import api as patrol_api
from inspections.patrol import figures_api as patrol_figures
from inspections.patrol import log_api as patrol_log_api
from inspections.patrol import log_pages as patrol_log_pages
from inspections.patrol import pages as patrol_pages
from inspections.risk import api as risk_api
from inspections.risk import hazard_link as risk_hazard_link
from inspections.risk import pages as risk_pages
from inspections.risk import planning_pages as risk_planning_pages
from inspections.selfcheck import api as selfcheck_api
from inspections.selfcheck import pages as selfcheck_pages

ROUTERS: list[Router] = [
    # the JSON API (/api/v1/...)
    api.router,
    hazards_api.router,
    uploads_api.router,
    checklists_api.router,
    documents_api.router,
    risk_api.router,
    risk_hazard_link.router,
    selfcheck_api.router,
    patrol_api.router,
    patrol_log_api.router,
    patrol_figures.router,
    # the pages
    pages.page_router,
    hazard_pages.page_router,
    submit_pages.page_router,
    checklists_pages.page_router,
    campaign_pages.page_router,
    campaign_batches.page_router,
    campaign_review.page_router,
    documents_api.page_router,
    risk_pages.page_router,
    risk_planning_pages.page_router,
    risk_hazard_link.page_router,
    selfcheck_pages.page_router,
    patrol_pages.page_router,
    patrol_log_pages.page_router,
    patrol_figures.page_router,
]
