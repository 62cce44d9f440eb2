"""The statements behind each home page: the counts of one home in ONE statement (each
count a scalar sub-select built from the same Piccolo conditions as the list it opens),
plus a few short lists. A fixed number of statements whatever the data (tested at two
sizes): the enterprise's home 4, the officer's 5, the inspector's 2, the grid worker's 3
(see docs/home.md).

  enterprise_home(actor, today) -> dict   待整改 / 即将到期 / 已逾期 / 被退回 / 延期结果 /
                                          自查 (due, under way) / 文书
  officer_home(actor, today) -> dict      待验收 / 延期待批 / 逾期 / 待研判 / 今日检查 / 活动指标
  inspector_home(actor, today) -> dict    今日 / 逾期 / 进行中 / 待复查 / 我的检查记录
  grid_worker_home(actor, today) -> dict  我的上报 by outcome / 今日网格日志 / 本月未走访
  returned_ids(enterprise_id) -> set      the enterprise's hazards sent back (被退回)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.query.functions.aggregate import Max
from piccolo.querystring import QueryString

from inspections.patrol import views as patrol_views
from inspections.patrol.log_tables import PatrolLog, PatrolLogVisit
from inspections.patrol.rules import GRID_OUTCOMES, outcome_filter
from inspections.patrol.scope import report_condition, unit_ids
from inspections.patrol.tables import PatrolReport
from inspections.services.scope import hazard_condition, inspection_condition
from inspections.tables import Hazard, Inspection
from rectification.figures.dashboard import ACTIVE_LIMIT
from rectification.figures.queries import subtree_units
from rectification.figures.service import campaigns_stats
from rectification.home.rules import (
    OPEN,
    due_window,
    month_start,
    self_check_due,
)
from rectification.records import queries as records
from rectification.tables import ExtensionRequest, Verification
from safety.actors import Actor
from safety.db import engine
from safety.settings import get_settings
from safety.tables import Campaign, Enterprise, OrgUnit, OrgUnitKind, Role

LIST_SIZE = 10  # items a home lists under a count (the rest: the list the count opens)
RECENT_DAYS = 30  # 延期结果: extension requests decided within this many days
TODAY_LIMIT = 20  # today's inspections listed on the officer's home
DOCUMENTS = 5  # latest submitted inspections listed with their documents (enterprise)


async def _counts(**queries: Any) -> dict[str, int]:
    """ONE statement: each query (a Piccolo count or one-value select) as a named column."""
    names = list(queries)
    sql = "SELECT " + ", ".join(f"({{}}) AS {name}" for name in names)
    parts = [queries[name].querystrings[0] for name in names]
    rows = await engine().run_querystring(QueryString(sql, *parts))
    return dict(rows[0])


def _count(table: Any, *conditions: Any) -> Any:
    query = table.count()
    for condition in conditions:
        query = query.where(condition)
    return query


# ---------------------------------------------------------------- the enterprise


def _latest_failed() -> Any:
    """A sub-select of the hazards whose latest verification failed."""
    latest = Verification.select(Max(Verification.id)).group_by(Verification.hazard)
    return Verification.select(Verification.hazard).where(
        Verification.id.is_in(latest), Verification.result == "fail"
    )


def _returned(enterprise_id: int) -> tuple[Any, ...]:
    """被退回: back to rectifying after a failed verification, not yet submitted again."""
    return (
        Hazard.enterprise == enterprise_id,
        Hazard.status == "rectifying",
        Hazard.id.is_in(_latest_failed()),
    )


async def returned_ids(enterprise_id: int) -> set[int]:
    rows = await Hazard.select(Hazard.id).where(*_returned(enterprise_id)).run()
    return {r["id"] for r in rows}


def _decided(enterprise_id: int, since: dt.datetime) -> tuple[Any, ...]:
    ours = Hazard.select(Hazard.id).where(Hazard.enterprise == enterprise_id)
    return (
        ExtensionRequest.hazard.is_in(ours),
        ExtensionRequest.status.is_in(["approved", "refused"]),
        ExtensionRequest.decided_at >= since,
    )


async def enterprise_home(actor: Actor, today: dt.date) -> dict[str, Any]:
    """The enterprise contact's queue (their own enterprise only): 4 statements."""
    actor.require(Role.enterprise)
    ent = actor.enterprise_id or -1
    first, last = due_window(today, get_settings().remind_due_days)
    mine = Hazard.enterprise == ent
    open_ = Hazard.status.is_in(list(OPEN))
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=RECENT_DAYS)
    own_self = (Inspection.enterprise == ent, Inspection.kind == "self")
    counts = await _counts(
        todo=_count(Hazard, mine, open_),
        due=_count(
            Hazard,
            mine,
            open_,
            Hazard.effective_deadline >= first,
            Hazard.effective_deadline <= last,
        ),
        overdue=_count(Hazard, mine, open_, Hazard.effective_deadline < today),
        returned=_count(Hazard, *_returned(ent)),
        decided=_count(ExtensionRequest, *_decided(ent, since)),
        self_open=_count(Inspection, *own_self, Inspection.state.is_in(["planned", "in_progress"])),
        self_last=Inspection.select(Max(Inspection.scheduled_on)).where(
            *own_self, Inspection.state == "submitted"
        ),
        self_going=Inspection.select(Max(Inspection.id)).where(
            *own_self, Inspection.state == "in_progress"
        ),
    )
    latest = Verification.select(Max(Verification.id)).group_by(Verification.hazard)
    returned = (
        await Verification.select(
            Verification.hazard.as_alias("hazard_id"),
            Verification.hazard.description.as_alias("description"),
            Verification.hazard.level.as_alias("level"),
            Verification.hazard.effective_deadline.as_alias("effective_deadline"),
            Verification.comment,
            Verification.verified_at,
        )
        .where(
            Verification.id.is_in(latest),
            Verification.result == "fail",
            Verification.hazard.status == "rectifying",
            Verification.hazard.enterprise == ent,
        )
        .order_by(Verification.verified_at, ascending=False)
        .order_by(Verification.id, ascending=False)
        .limit(LIST_SIZE)
        .run()
    )
    decided = (
        await ExtensionRequest.select(
            ExtensionRequest.id,
            ExtensionRequest.hazard.as_alias("hazard_id"),
            ExtensionRequest.hazard.description.as_alias("description"),
            ExtensionRequest.status,
            ExtensionRequest.new_deadline,
            ExtensionRequest.decided_at,
            ExtensionRequest.decision_comment,
        )
        .where(*_decided(ent, since))
        .order_by(ExtensionRequest.decided_at, ascending=False)
        .order_by(ExtensionRequest.id, ascending=False)
        .limit(LIST_SIZE)
        .run()
    )
    # the latest submitted inspections with their documents: the records' own query
    documents = await records.latest(
        actor, records.HistoryFilter(enterprise_id=ent, state="submitted"), DOCUMENTS
    )
    self_last = _as_date(counts["self_last"])
    return {
        "counts": {k: v for k, v in counts.items() if k not in ("self_last", "self_going")},
        "self_last": self_last,
        "self_due": self_check_due(self_last, today, get_settings().self_inspect_days),
        "self_going": counts["self_going"],
        "returned": returned,
        "decided": decided,
        "documents": documents,
        "due_days": get_settings().remind_due_days,
    }


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# ---------------------------------------------------------------- the officer


async def officer_home(actor: Actor, today: dt.date) -> dict[str, Any]:
    """The officer's queue over their subtree: 5 statements (the subtree's unit ids, the
    counts, today's inspections, the live campaigns, their figures)."""
    actor.require(Role.officer)
    units_sql = await subtree_units(actor.org_unit_id or 0, actor.org_unit_id or 0)
    units = [int(x) for x in units_sql.strip("()").split(",") if x.strip().isdigit()]
    # the scopes of inspections.services.scope (enterprises of the subtree's units), with
    # the subtree read once instead of once per condition
    enterprises = Enterprise.select(Enterprise.id).where(Enterprise.org_unit.is_in(units or [-1]))
    hazards = Hazard.enterprise.is_in(enterprises)
    scoped = Hazard.select(Hazard.id).where(hazards)
    inspections = (
        Inspection.enterprise.is_in(enterprises),
        Inspection.scheduled_on == today,
        Inspection.state != "cancelled",
    )
    counts = await _counts(
        verify=_count(Hazard, hazards, Hazard.status == "submitted"),
        extensions=_count(
            ExtensionRequest,
            ExtensionRequest.hazard.is_in(scoped),
            ExtensionRequest.status == "pending",
        ),
        overdue=_count(
            Hazard, hazards, Hazard.status.is_in(list(OPEN)), Hazard.effective_deadline < today
        ),
        triage=_count(PatrolReport, await report_condition(actor), PatrolReport.status == "new"),
        today=_count(Inspection, *inspections),
    )
    visits = (
        await Inspection.select(
            Inspection.id,
            Inspection.kind,
            Inspection.state,
            Inspection.enterprise.name.as_alias("enterprise_name"),
            Inspection.campaign.name.as_alias("campaign_name"),
        )
        .where(*inspections)
        .order_by(Inspection.enterprise.name)
        .order_by(Inspection.id)
        .limit(TODAY_LIMIT)
        .run()
    )
    campaigns = (
        await Campaign.select(Campaign.id, Campaign.name, Campaign.starts_on, Campaign.ends_on)
        .where(
            Campaign.org_unit.is_in(units or [-1]),
            Campaign.starts_on <= today,
            Campaign.ends_on >= today,
        )
        .order_by(Campaign.starts_on, ascending=False)
        .order_by(Campaign.id, ascending=False)
        .limit(ACTIVE_LIMIT)
        .run()
    )
    stats = await campaigns_stats(actor, [c["id"] for c in campaigns], today, units=units_sql)
    return {
        "counts": counts,
        "visits": visits,
        "campaigns": [{**c, "stats": stats[c["id"]]} for c in campaigns if c["id"] in stats],
    }


# ---------------------------------------------------------------- the inspector


async def inspector_home(actor: Actor, today: dt.date) -> dict[str, Any]:
    """The inspector's queue over the inspections whose group they are in: 2 statements
    (the counts; the visits to do now, as ``/inspections/today`` lists them first)."""
    actor.require(Role.inspector)
    mine = await inspection_condition(actor)  # a sub-select: no statement of its own
    planned = Inspection.state == "planned"
    counts = await _counts(
        today=_count(Inspection, mine, planned, Inspection.scheduled_on == today),
        overdue=_count(Inspection, mine, planned, Inspection.scheduled_on < today),
        in_progress=_count(Inspection, mine, Inspection.state == "in_progress"),
        recheck=_count(Hazard, await hazard_condition(actor), Hazard.status == "submitted"),
        submitted=_count(Inspection, mine, Inspection.state == "submitted"),
    )
    visits = (
        await Inspection.select(
            Inspection.id,
            Inspection.state,
            Inspection.scheduled_on,
            Inspection.enterprise.name.as_alias("enterprise_name"),
            Inspection.campaign.name.as_alias("campaign_name"),
        )
        .where(
            mine,
            (Inspection.state == "in_progress")
            | ((Inspection.state == "planned") & (Inspection.scheduled_on <= today)),
        )
        .order_by(Inspection.scheduled_on)
        .order_by(Inspection.id)
        .limit(TODAY_LIMIT)
        .run()
    )
    return {"counts": counts, "visits": visits}


# ---------------------------------------------------------------- the grid worker

UNVISITED_LIMIT = 50  # unvisited enterprises listed on the grid worker's home


async def grid_worker_home(actor: Actor, today: dt.date) -> dict[str, Any]:
    """The grid worker's queue: 3 statements (the counts; their grids with today's log;
    the enterprises of their grids not visited this month).

    我的上报 by outcome uses the very conditions of the list its tile opens (``/patrol?
    status=``, ``inspections.patrol.views``). Visited this month = named in one of the
    worker's own patrol logs dated from the 1st of this month (the configured time zone's
    ``today``) to today; another worker's log does not count for them."""
    actor.require(Role.grid_worker)
    outcomes = {}
    for outcome in GRID_OUTCOMES:
        status, duplicate = outcome_filter(outcome)
        flt = patrol_views.ReportFilter(status=status, duplicate=duplicate)
        outcomes[outcome] = _count(PatrolReport, *await patrol_views._conditions(actor, flt))
    units = await unit_ids(actor)  # a sub-select: no statement of its own
    me = actor.user_id or -1
    mine_this_month = PatrolLog.select(PatrolLog.id).where(
        PatrolLog.worker == me, PatrolLog.day >= month_start(today), PatrolLog.day <= today
    )
    visited = PatrolLogVisit.select(PatrolLogVisit.enterprise).where(
        PatrolLogVisit.log.is_in(mine_this_month)
    )
    unvisited = (
        Enterprise.org_unit.is_in(units) if units is not None else Enterprise.id == -1,
        Enterprise.active.eq(True),
        Enterprise.id.not_in(visited),
    )
    todays = (PatrolLog.worker == me, PatrolLog.day == today)
    counts = await _counts(
        **outcomes,
        logs_today=_count(PatrolLog, *todays),
        unvisited=_count(Enterprise, *unvisited),
    )
    todays_log = QueryString(
        "(SELECT MIN(l.id) FROM patrol_log l WHERE l.org_unit = org_unit.id"
        " AND l.worker = {} AND l.day = {}) AS log_id",
        me,
        today,
    )
    grids = []
    if units is not None:
        grids = (
            await OrgUnit.select(
                OrgUnit.id,
                OrgUnit.name,
                OrgUnit.parent.name.as_alias("parent_name"),
                todays_log,
            )
            .where(OrgUnit.id.is_in(units), OrgUnit.kind == OrgUnitKind.grid.value)
            .order_by(OrgUnit.path)
            .run()
        )
    enterprises = (
        await Enterprise.select(
            Enterprise.id,
            Enterprise.name,
            Enterprise.address,
            Enterprise.org_unit.as_alias("org_unit_id"),
            Enterprise.org_unit.name.as_alias("org_unit_name"),
        )
        .where(*unvisited)
        .order_by(Enterprise.org_unit.name)
        .order_by(Enterprise.name)
        .order_by(Enterprise.id)
        .limit(UNVISITED_LIMIT)
        .run()
    )
    return {
        "counts": counts,
        "grids": grids,
        "unvisited": enterprises,
        "month_start": month_start(today),
    }
