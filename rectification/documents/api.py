"""Routes of the rectification documents: ``/api/v1/hazards/{id}/recheck.pdf`` (same
scope as the hazard) and ``/api/v1/campaigns/{id}/report.pdf`` (officer), with their
page twins under ``/hazards`` and ``/campaigns`` (session cookie: the pages' buttons):
one handler each, made twice, once for the API router and once for the pages' router."""

from __future__ import annotations

from litestar import Response, Router, get
from litestar.di import NamedDependency

from rectification.documents.campaign import campaign_context
from rectification.documents.recheck import recheck_context
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.reports import messages as _messages  # noqa: F401 - registers page texts
from safety.reports.render import filename, pdf_response, pdf_responses, render_pdf
from safety.web import PathId, error_responses

RECHECK_TEMPLATE = "rectification/documents/recheck.html"
CAMPAIGN_TEMPLATE = "rectification/documents/campaign.html"


async def recheck_pdf(actor: Actor, hazard_id: int) -> Response:
    ctx, res = await recheck_context(actor, hazard_id)
    pdf = await render_pdf("hazard-recheck", hazard_id, RECHECK_TEMPLATE, ctx, res)
    name = filename(ctx["enterprise"]["name"], ctx["heading"].short, ctx["day"])
    return pdf_response(pdf, name, f"hazard-{hazard_id}-recheck.pdf")


def _recheck_route(api: bool):
    kw: dict = {"media_type": "application/pdf"}
    if api:
        kw.update(responses={**pdf_responses(), **error_responses(409)})

    @get("/hazards/{hazard_id:int}/recheck.pdf", summary="复查意见书 (PDF)", **kw)
    async def recheck(actor: NamedDependency[Actor], hazard_id: PathId) -> Response:
        """The re-inspection opinion of the hazard's latest verification: result,
        written opinion, before/after photos, who and when. 409 before any verification.
        The enterprise's own verification of a self-found hazard is its 自查复查记录."""
        return await recheck_pdf(actor, hazard_id)

    return recheck


async def campaign_pdf(actor: Actor, campaign_id: int) -> Response:
    ctx, res = await campaign_context(actor, campaign_id)
    pdf = await render_pdf("campaign-report", campaign_id, CAMPAIGN_TEMPLATE, ctx, res)
    name = filename(ctx["campaign"]["name"], "总结报告", ctx["today"])
    return pdf_response(pdf, name, f"campaign-{campaign_id}-report.pdf")


def _campaign_route(api: bool):
    kw: dict = {"media_type": "application/pdf"}
    if api:
        kw.update(responses=pdf_responses())

    @get("/campaigns/{campaign_id:int}/report.pdf", summary="检查活动总结报告 (PDF)", **kw)
    async def campaign_report(actor: NamedDependency[Actor], campaign_id: PathId) -> Response:
        """Officer: the campaign's figures as of today, breakdowns by batch, community and
        industry, the dashboard's charts, and the lists of major and overdue hazards."""
        return await campaign_pdf(actor, campaign_id)

    return campaign_report


api_router = Router(
    path="/api/v1",
    tags=["documents"],
    dependencies=ACTOR,
    route_handlers=[_recheck_route(api=True), _campaign_route(api=True)],
)
page_router = Router(
    path="/",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[_recheck_route(api=False), _campaign_route(api=False)],
)
ROUTERS = [api_router, page_router]
