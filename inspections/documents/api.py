"""Routes of the inspection documents: ``/api/v1/inspections/{id}/report.pdf`` and
``/notice.pdf`` (bearer token), their page twins ``/inspections/{id}/report.pdf`` and
``/notice.pdf`` (session cookie: the buttons on the pages), and ``/notices/{id}``, the
page the notice's QR code opens (the hazards of that notice, after login).
Who may: the officer (subtree), the inspection's inspectors, its enterprise."""

from __future__ import annotations

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from inspections.documents.context import notice_context, report_context
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.reports import messages as _messages  # noqa: F401 - registers page texts
from safety.reports.render import filename, pdf_response, pdf_responses, render_pdf
from safety.settings import local_today
from safety.web import PathId

REPORT_TEMPLATE = "inspections/documents/report.html"
NOTICE_TEMPLATE = "inspections/documents/notice.html"


async def report_pdf(actor: Actor, inspection_id: int) -> Response:
    ctx, res = await report_context(actor, inspection_id)
    ctx["printed_on"] = local_today()
    pdf = await render_pdf("inspection-report", inspection_id, REPORT_TEMPLATE, ctx, res)
    name = filename(ctx["enterprise"]["name"], ctx["heading"].short, ctx["day"])
    return pdf_response(pdf, name, f"inspection-{inspection_id}-report.pdf")


async def notice_pdf(actor: Actor, inspection_id: int) -> Response:
    ctx, res = await notice_context(actor, inspection_id)
    pdf = await render_pdf("inspection-notice", inspection_id, NOTICE_TEMPLATE, ctx, res)
    name = filename(ctx["enterprise"]["name"], ctx["heading"].short, ctx["day"])
    return pdf_response(pdf, name, f"inspection-{inspection_id}-notice.pdf")


# The API's and the pages' twins are one handler each, registered on two routers below.
@get(
    "/report.pdf",
    summary="检查报告 (PDF)",
    media_type="application/pdf",
    responses=pdf_responses(),
)
async def report(actor: NamedDependency[Actor], inspection_id: PathId) -> Response:
    """The inspection report: header, results summary, failed items, each hazard with
    its photos, basis and suggestion, both signatures (or the recorded refusal). A
    self-inspection's is the enterprise's own 安全生产自查报告 (its name, its numbering
    自查〔年-号〕, its staff as 检查人)."""
    return await report_pdf(actor, inspection_id)


@get(
    "/notice.pdf",
    summary="隐患整改通知书 (PDF)",
    media_type="application/pdf",
    responses=pdf_responses(),
)
async def notice(actor: NamedDependency[Actor], inspection_id: PathId) -> Response:
    """The rectification notice: hazards with deadlines, 五落实 for major ones, the
    street office and a seal area, and a QR code to this notice's hazards. A
    self-inspection's is the enterprise's own 企业自查隐患整改单: its name and numbering,
    no seal area of the street, no 责令 wording."""
    return await notice_pdf(actor, inspection_id)


@get("/notices/{inspection_id:int}")
async def notice_page(actor: NamedDependency[Actor], inspection_id: PathId) -> Template:
    """What the notice's QR code opens: that notice's hazards, each linking to its page."""
    from inspections.documents.context import notice_context

    ctx, _ = await notice_context(actor, inspection_id)
    return Template(
        "inspections/documents/notice_page.html",
        context={
            "notice": {
                "id": inspection_id,
                "enterprise": ctx["enterprise"]["name"],
                "day": ctx["day"],
                "own": ctx["heading"].own,
                "docref": ctx["heading"].docref,
                "number": ctx["number"],
            },
            "hazards": ctx["hazards"],
        },
    )


router = Router(
    path="/api/v1/inspections/{inspection_id:int}",
    tags=["documents"],
    dependencies=ACTOR,
    route_handlers=[report, notice],
)
page_router = Router(
    path="/",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[
        Router(path="/inspections/{inspection_id:int}", route_handlers=[report, notice]),
        notice_page,
    ],
)
