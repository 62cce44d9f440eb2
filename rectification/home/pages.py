"""The home page (``/``): each role opens on its work (PRODUCT.md "Each role's home is its
work"). The enterprise contact, the officer and the inspector see their queue as count
tiles, each tile opening the list it counts, then short lists whose items open the hazard
or inspection to act on, then the role's menu; so does the grid worker (我的上报 by
outcome, today's 网格日志, the enterprises of their grids not visited this month); the
administrator gets the menu.

Decisions where the issue is silent (also in docs/home.md):
- 被退回 and 延期结果 are listed on the home itself (with the reason / the decision); the
  被退回 tile opens ``/hazards?show=returned``; the 延期结果 tile jumps to its list below.
- 延期结果 = requests approved or refused in the last ``RECENT_DAYS`` days.
- 自查: due when the last submitted self-inspection's day is more than
  ``SAFETY_SELF_INSPECT_DAYS`` days ago, or there is none (``rules.self_check_due``); the
  tile reads "下次自查 <day>" or "自查已到期 N 天" and starts one (the start form of
  ``/self-inspections``: a checklist must be chosen) or opens the one in progress. The
  self-inspections under way are counted beside it.
- The inspector's 今日 and 逾期 both open the 待检 group of ``/inspections/today`` (planned,
  due today or before), which lists them together; their visits to do now are also
  listed on the home (one tap to the walk). 我的检查记录 links ``/inspections`` once that
  page exists (issue 19 point 4), with the number of submitted inspections.
- Today's inspections of the officer's area are listed on the home (no officer list of
  inspections by day exists); cancelled ones are left out.
- Grid worker: the five outcomes partition their reports — a report linked as a
  duplicate counts under 重复上报 only, not under its original's status; each opens
  ``/patrol?status=``. 今日网格日志 counts their logs of today (one per grid) and opens
  ``/patrol/logs?date=today``; each grid is listed with 写日志 or 查看日志 / 补充日志.
  本月未走访 = active enterprises of their grids named in none of THEIR logs dated this
  calendar month (the configured time zone), listed on the home (max ``UNVISITED_LIMIT``),
  each with the log form of its grid (no form takes an enterprise to preselect).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from inspections.patrol.rules import GRID_OUTCOMES
from rectification.figures import dashboard_messages
from rectification.figures.dashboard_pages import _figures_of
from rectification.home import messages, queries
from rectification.home import rules as home_rules
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.i18n import lang_of, translate
from safety.settings import local_today
from safety.tables import Role

messages.register_all()
dashboard_messages.register_all()


def _tile(key: str, label: str, n: int, href: str, hint: str = "", tone: str = "hot") -> dict:
    return {"key": key, "label": label, "n": n, "href": href, "hint": hint, "tone": tone}


def enterprise_tiles(data: dict[str, Any], lang: str) -> list[dict]:
    c = data["counts"]

    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    return [
        _tile("todo", t("home.ent.todo"), c["todo"], "/hazards?show=todo"),
        _tile(
            "due",
            t("home.ent.due"),
            c["due"],
            "/hazards?show=due",
            t("home.ent.due_hint", n=data["due_days"]),
            "warn",
        ),
        _tile("overdue", t("home.ent.overdue"), c["overdue"], "/hazards?show=overdue", tone="bad"),
        _tile(
            "returned", t("home.ent.returned"), c["returned"], "/hazards?show=returned", tone="bad"
        ),
        _tile(
            "decided",
            t("home.ent.decided"),
            c["decided"],
            "#decided",
            t("home.ent.decided_hint", n=queries.RECENT_DAYS),
        ),
        _self_tile(data, t),
        _tile("self", t("home.ent.self_open"), c["self_open"], "/self-inspections"),
    ]


def _self_tile(data: dict[str, Any], t: Any) -> dict:
    """自查: when the next one is due (``rules.self_check_due``); the tile starts one (the
    start form), or opens the one under way."""
    due: home_rules.SelfCheckDue = data["self_due"]
    day = ""
    if due.next_on is None:
        text = t("home.ent.self_due_never")
    elif due.due:
        text = t("home.ent.self_due_over", n=due.days_over)
    else:  # the day apart, so that the line breaks around it, never inside it
        day = due.next_on.isoformat()
        text = t("home.ent.self_due_next", day="\0")
    before, _, after = text.partition("\0")
    going = data["self_going"]
    tile = _tile(
        "self_due",
        t("home.ent.self_continue" if going else "home.ent.self_start"),
        0,
        f"/inspections/{going}" if going else "/self-inspections#start",
        tone="bad" if due.due else "plain",
    )
    return {**tile, "text": (before, day, after), "due": due.due}


def inspector_tiles(data: dict[str, Any], lang: str) -> list[dict]:
    c = data["counts"]

    def t(key: str) -> str:
        return translate(key, lang)

    today, progress = "/inspections/today", "group-in_progress"
    return [
        _tile("today", t("home.ins.today"), c["today"], f"{today}#group-due"),
        _tile("overdue", t("home.ins.overdue"), c["overdue"], f"{today}#group-due", tone="bad"),
        _tile("in_progress", t("home.ins.in_progress"), c["in_progress"], f"{today}#{progress}"),
        _tile("recheck", t("home.ins.recheck"), c["recheck"], "/hazards?status=submitted"),
    ]


def officer_tiles(data: dict[str, Any], lang: str) -> list[dict]:
    c = data["counts"]

    def t(key: str) -> str:
        return translate(key, lang)

    return [
        _tile("verify", t("home.off.verify"), c["verify"], "/hazards/verify"),
        _tile("extensions", t("home.off.extensions"), c["extensions"], "/hazards/extensions"),
        _tile("overdue", t("home.off.overdue"), c["overdue"], "/hazards/overdue", tone="bad"),
        _tile("triage", t("home.off.triage"), c["triage"], "/patrol/triage"),
        _tile("today", t("home.off.today"), c["today"], "#today"),
    ]


def grid_worker_tiles(data: dict[str, Any], lang: str, today: Any) -> list[dict]:
    c = data["counts"]

    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    outcomes = [
        _tile(o, t(f"home.gw.{o}"), c[o], f"/patrol?status={o}", tone="plain")
        for o in GRID_OUTCOMES
    ]
    written = t("home.gw.log_written") if c["logs_today"] else t("home.gw.log_missing")
    day = data["month_start"].isoformat()
    return [
        *outcomes,
        _tile("log", t("home.gw.log"), c["logs_today"], f"/patrol/logs?date={today}", written),
        _tile(
            "unvisited",
            t("home.gw.unvisited"),
            c["unvisited"],
            "#unvisited",
            t("home.gw.unvisited_hint", day=day),
            "warn",
        ),
    ]


@get("/")
async def home(request: Request, actor: NamedDependency[Actor]) -> Template:
    """The role's queue; the administrator gets the menu."""
    today, lang = local_today(), lang_of(request)
    if actor.role == Role.grid_worker:  # 网格员: on a phone, walking their grid
        data = await queries.grid_worker_home(actor, today)
        context = {**data, "tiles": grid_worker_tiles(data, lang, today)}
        return Template("home/grid_worker.html", context={"me": actor, "today": today, **context})
    if actor.role == Role.enterprise:
        data = await queries.enterprise_home(actor, today)
        context = {
            **data,
            "tiles": enterprise_tiles(data, lang),
            "recent_days": queries.RECENT_DAYS,
        }
        return Template("home/enterprise.html", context={"me": actor, "today": today, **context})
    if actor.role == Role.officer:
        data = await queries.officer_home(actor, today)
        for c in data["campaigns"]:
            c["n"] = _figures_of(c["stats"], c["id"], today)
        context = {**data, "tiles": officer_tiles(data, lang)}
        return Template("home/officer.html", context={"me": actor, "today": today, **context})
    if actor.role == Role.inspector:
        data = await queries.inspector_home(actor, today)
        history = "/inspections" in {route.path for route in request.app.routes}
        context = {**data, "tiles": inspector_tiles(data, lang), "history": history}
        return Template("home/inspector.html", context={"me": actor, "today": today, **context})
    return Template("home.html", context={"me": actor})


router = Router(path="/", include_in_schema=False, dependencies=ACTOR, route_handlers=[home])
