"""Hazard pages (整改闭环): the list ``/hazards`` and the hazard page ``/hazards/{id}`` with
the plan, evidence and extension forms (the enterprise's) and verify and void (the officer's
and inspector's); what those forms post is ``rectification.form_pages``, the officer's
queues ``rectification.queue_pages``. Same services as the JSON API
(``rectification.services``).

Decisions where the issue is silent:
- ``/hazards`` is the enterprise's list grouped by status for an enterprise contact and
  the hazard search for everyone else; voided hazards are shown only with ``?voided=1``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from inspections import services as inspections
from inspections.patrol.tables import PatrolReport
from inspections.tables import HazardSource
from rectification import page_messages, queue_pages, rules, services
from rectification.home import queries as home_queries
from rectification.home import rules as home_rules
from rectification.page_views import grouped, page_view
from rectification.schemas import PlanIn
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.i18n import lang_of
from safety.pages import refuse
from safety.settings import get_settings, local_today
from safety.tables import Role

ENTERPRISE_LIMIT = 500  # an enterprise has far fewer hazards than this

page_messages.register_all()


# ---------------------------------------------------------------- list


@get("/", dependencies=queue_pages.HAZARD_FORM)
async def hazards_page(
    request: Request,
    actor: NamedDependency[Actor],
    hazard_form: NamedDependency[dict[str, str]],
    voided: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
    show: FromQuery[str | None] = None,
) -> Template:
    if actor.role != Role.enterprise:
        return await queue_pages.search_page(actor, hazard_form, offset, lang_of(request))
    queue = (show or "").strip() or None
    if queue is not None and queue not in home_rules.QUEUES:
        refuse([{"key": "show", "message": "show 须为 " + " / ".join(home_rules.QUEUES)}])
    rows, _ = await inspections.list_hazards(actor, inspections.HazardFilter(), ENTERPRISE_LIMIT, 0)
    show_voided = voided == "1"
    shown = [h for h in rows if show_voided or h["status"] != "voided"]
    if queue is not None:  # a count of the home page (rectification.home): its hazards
        shown = await _in_queue(actor, queue, shown)
    return Template(
        "rectification/ours.html",
        context={
            "groups": grouped(shown, local_today()),
            "show_voided": show_voided,
            "voided_count": sum(1 for h in rows if h["status"] == "voided"),
            "queue": queue,
        },
    )


async def _in_queue(actor: Actor, queue: str, rows: list[dict]) -> list[dict]:
    if queue == "returned":
        ids = await home_queries.returned_ids(actor.enterprise_id or -1)
        return [h for h in rows if h["id"] in ids]
    today, days = local_today(), get_settings().remind_due_days
    return [
        h
        for h in rows
        if home_rules.in_queue(queue, h["status"], h["effective_deadline"], today, days)
    ]


# ---------------------------------------------------------------- the hazard page


async def hazard_page_response(
    actor: Actor,
    hazard_id: int,
    *,
    form_name: str = "",
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    done: str = "",
    confirming: bool = False,
) -> Template:
    hazard = await services.hazard_detail(actor, hazard_id)
    view = page_view(hazard, local_today())
    report = await _patrol_report_of(hazard)
    plan = hazard.get("plan") or {}
    if form_name != "plan":
        plan_form = {k: plan.get(k) or "" for k in PlanIn.model_fields}
        if not plan_form["deadline"]:
            plan_form["deadline"] = hazard["effective_deadline"]
    else:
        plan_form = form or {}
    return Template(
        "rectification/hazard.html",
        context={
            "h": hazard,
            **view,
            "role": actor.role.value,
            "form_name": form_name,
            "errors": errors or {},
            # a refused evidence naming a missing one of 五落实 shows it at the plan's field
            "plan_errors": (errors or {})
            if form_name == "plan"
            else {
                k: v
                for k, v in (errors or {}).items()
                if form_name == "evidence" and k in rules.FIVE_MUSTS
            },
            "plan_form": plan_form,
            "evidence_form": form if form_name == "evidence" else {},
            "extension_form": form if form_name == "extension" else {},
            "action_form": form if form_name in ("verify", "void") else {},
            "done": done,
            "confirming": confirming,
            "today": local_today(),
            # a hazard made from a grid worker's report: which one (linked for those who
            # may open it: officers and grid workers)
            "patrol_report": report,
            "report_link": actor.role in (Role.officer, Role.grid_worker),
            # 企业自查: the enterprise verifies its own general finding (rules.may_verify).
            "self_verify": actor.role == Role.enterprise
            and rules.may_verify(
                actor.role.value,
                level=hazard["level"],
                source=hazard["source"],
                is_own_enterprise=hazard["enterprise_id"] == actor.enterprise_id,
            ),
        },
        status_code=status,
    )


async def _patrol_report_of(hazard: dict) -> dict | None:
    if hazard["source"] != HazardSource.patrol.value:
        return None
    return (
        await PatrolReport.select(
            PatrolReport.id,
            PatrolReport.reported_at,
            PatrolReport.reported_by.display_name.as_alias("reported_by_name"),
        )
        .where(PatrolReport.hazard == hazard["id"])
        .order_by(PatrolReport.id)
        .first()
        .run()
    )


@get("/{hazard_id:int}")
async def hazard_page(
    actor: NamedDependency[Actor], hazard_id: FromPath[int], done: FromQuery[str | None] = None
) -> Template:
    return await hazard_page_response(actor, hazard_id, done=done or "")


router = Router(
    path="/hazards",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[hazards_page, hazard_page],
)
