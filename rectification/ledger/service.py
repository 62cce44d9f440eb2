"""The hazard ledger (隐患台账): the officer's hazards as the rows they report upward.

Exactly the hazards of ``GET /api/v1/hazards`` for the same filters, in the same order
(newest found first, then newest id): the WHERE is ``inspections.services.hazard_filters``'
own (``filter_conditions``), never a copy. Read in chunks of ``CHUNK`` rows by keyset
(``found_on``, ``id``), each chunk one joined query for the hazard, its enterprise and
its grid and community, plus one query each for the chunk's inspectors, plans and
accepting verifications: four queries per 2,000 rows whatever the total, and never more
than one chunk in memory.

A ledger to file (issue 19): three title rows (``heading``: 隐患台账; the 街道 / 社区 of the
scope; 统计截至 and 导出人), real date cells (``datetime.date`` values, which
``safety.sheets.stream`` writes as serial dates formatted yyyy-mm-dd), 隐患来源, all of 五落实
(责任人, 措施, 资金, 时限 = 整改期限, 预案) and the verifier with the 验收日期. What a cell
says where the records leave a choice (a hazard without a plan has no 整改责任人) is
decided in ``rectification.ledger.rules``; see docs/ledger.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

from inspections.rules import is_overdue
from inspections.services.hazard_filters import HazardFilter, filter_conditions
from inspections.tables import Hazard, InspectionInspector
from rectification.ledger import rules
from rectification.rules import STATUS_LABELS
from rectification.tables import RectificationPlan, Verification
from safety import logs
from safety.actors import Actor
from safety.registry.rules import INDUSTRY_SECTIONS
from safety.settings import get_settings, local_today
from safety.sheets.stream import A3_LANDSCAPE, PageSetup
from safety.tables import OrgUnit, Role

CHUNK = 2_000
TITLE = "隐患台账"

# (header, column width): the columns officers report upward. Widths in characters of the
# default font, sized so the 24 columns fit an A3 landscape page at ~70 % (docs/ledger.md).
COLUMNS: list[tuple[str, float]] = [
    ("序号", 5),
    ("企业名称", 18),
    ("统一社会信用代码", 20),
    ("所属社区", 10),
    ("网格", 10),
    ("行业", 12),
    ("隐患来源", 9),
    ("检查时间", 11),
    ("检查人", 12),
    ("隐患描述", 30),
    ("部位", 10),
    ("隐患级别", 9),
    ("隐患类别", 11),
    ("判定依据", 24),
    ("整改措施", 24),
    ("整改责任人", 9),
    ("整改资金", 9),
    ("整改期限", 11),
    ("应急预案", 16),
    ("整改完成时间", 11),
    ("整改状态", 8),
    ("是否逾期", 6),
    ("验收人", 9),
    ("验收日期", 11),
]
HEADER = [h for h, _ in COLUMNS]
WIDTHS = [w for _, w in COLUMNS]
# Every text column wraps (top aligned), except the credit code, which is 18 characters
# that must not break.
WRAP = [i for i, h in enumerate(HEADER) if h != "统一社会信用代码"]
PAGE: PageSetup = A3_LANDSCAPE

LEVEL_LABELS = {"general": "一般隐患", "major": "重大隐患"}
CATEGORY_LABELS = {"management": "基础管理类", "site": "现场管理类"}


def filename(today: dt.date) -> str:
    return f"{TITLE}-{today.isoformat()}.xlsx"


def _select() -> Any:
    ent = Hazard.enterprise
    return Hazard.select(
        Hazard.id,
        Hazard.inspection,
        Hazard.found_on,
        Hazard.description,
        Hazard.location,
        Hazard.level,
        Hazard.category,
        Hazard.subcategory,
        Hazard.legal_basis,
        Hazard.major_basis,
        Hazard.suggestion,
        Hazard.deadline,
        Hazard.effective_deadline,
        Hazard.rectified_on,
        Hazard.closed_at,
        Hazard.status,
        Hazard.source,
        Hazard.created_by.display_name.as_alias("creator"),
        ent.name.as_alias("enterprise_name"),
        ent.uscc.as_alias("uscc"),
        ent.industry.as_alias("industry"),
        ent.industry_detail.as_alias("industry_detail"),
        ent.org_unit.name.as_alias("unit"),
        ent.org_unit.kind.as_alias("unit_kind"),
        ent.org_unit.parent.name.as_alias("parent"),
    )


async def open_ledger(
    actor: Actor, flt: HazardFilter, chunk: int = CHUNK
) -> AsyncIterator[list[list[Any]]]:
    """The ledger's rows, chunk by chunk (officers only: 403 for other roles; scope = the
    officer's subtree). The filters are checked here, before any row is read, so a bad
    one is a 400 naming it rather than a broken download."""
    actor.require(Role.officer)
    today = local_today()
    conditions = await filter_conditions(actor, flt, today)
    # an export of the ledger is logged (safety.logs), though it records no audit event
    logs.audit_event("ledger.export", actor.user_id, actor.username, "hazard")
    return _chunks(conditions, today, chunk)


async def _chunks(
    conditions: list[Any], today: dt.date, size: int
) -> AsyncIterator[list[list[Any]]]:
    zone = ZoneInfo(get_settings().timezone)
    number = 0
    after: tuple[dt.date, int] | None = None
    while True:
        query = _select()
        for condition in conditions:
            query = query.where(condition)
        if after is not None:
            day, last_id = after
            # found_on <= day AND (found_on < day OR id < last_id): the first conjunct
            # lets the found_on index take each chunk as a range.
            query = query.where(
                Hazard.found_on <= day, (Hazard.found_on < day) | (Hazard.id < last_id)
            )
        rows = (
            await query.order_by(Hazard.found_on, ascending=False)
            .order_by(Hazard.id, ascending=False)
            .limit(size)
            .run()
        )
        if not rows:
            return
        people, plans, accepted = await _related(rows)
        lines = []
        for row in rows:
            number += 1
            lines.append(_line(number, row, people, plans, accepted, today, zone))
        yield lines
        if len(rows) < size:
            return
        after = (rows[-1]["found_on"], rows[-1]["id"])


async def _related(rows: list[dict]) -> tuple[dict, dict, dict]:
    """The chunk's inspectors (lead first), plans and last accepting verification."""
    ids = [r["id"] for r in rows]
    inspections = list({r["inspection"] for r in rows if r["inspection"] is not None})
    people: dict[int, list[str]] = defaultdict(list)
    if inspections:
        for r in (
            await InspectionInspector.select(
                InspectionInspector.inspection,
                InspectionInspector.user.display_name.as_alias("name"),
                InspectionInspector.user.username.as_alias("username"),
            )
            .where(InspectionInspector.inspection.is_in(inspections))
            .order_by(InspectionInspector.is_lead, ascending=False)
            .order_by(InspectionInspector.id)
            .run()
        ):
            people[r["inspection"]].append(r["name"] or r["username"])
    plans = {
        r["hazard"]: r
        for r in await RectificationPlan.select(
            RectificationPlan.hazard,
            RectificationPlan.measures,
            RectificationPlan.responsible_person,
            RectificationPlan.funds,
            RectificationPlan.contingency_plan,
        )
        .where(RectificationPlan.hazard.is_in(ids))
        .run()
    }
    accepted = {}
    for r in (
        await Verification.select(
            Verification.hazard,
            Verification.verified_at,
            Verification.verified_by.display_name.as_alias("name"),
            Verification.verified_by.username.as_alias("username"),
        )
        .where(Verification.hazard.is_in(ids), Verification.result == "pass")
        .order_by(Verification.id)
        .run()
    ):
        accepted[r["hazard"]] = r  # the last one wins
    return people, plans, accepted


def _local_day(moment: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite may hand back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()


def _industry(row: dict) -> str:
    section = row["industry"] or ""
    label = f"{section} {INDUSTRY_SECTIONS.get(section, '')}".strip()
    detail = (row["industry_detail"] or "").strip()
    return f"{label}（{detail}）" if detail else label


def _line(
    number: int,
    row: dict,
    people: dict[int, list[str]],
    plans: dict[int, dict],
    accepted: dict[int, dict],
    today: dt.date,
    zone: ZoneInfo,
) -> list[Any]:
    community = row["unit"] if row["unit_kind"] == "community" else row["parent"]
    grid = row["unit"] if row["unit_kind"] == "grid" else ""
    inspectors = people.get(row["inspection"]) or ([row["creator"]] if row["creator"] else [])
    basis = row["legal_basis"] or ""
    if row["level"] == "major" and row["major_basis"]:
        basis = f"{basis}；重大隐患判定：{row['major_basis']}" if basis else row["major_basis"]
    plan = plans.get(row["id"])
    category = CATEGORY_LABELS.get(row["category"], row["category"])
    if row["subcategory"]:
        category = f"{category}/{row['subcategory']}"
    effective = row["effective_deadline"] or row["deadline"]
    verification = accepted.get(row["id"])
    if verification:
        verifier = verification["name"] or verification["username"]
        verified_on = _local_day(verification["verified_at"], zone)
    elif row["status"] == "closed":  # 立行立改: accepted on the spot by whoever logged it
        verifier, verified_on = row["creator"] or "", _local_day(row["closed_at"], zone)
    else:
        verifier, verified_on = "", None
    return [
        number,
        row["enterprise_name"],
        row["uscc"],
        community or "",
        grid,
        _industry(row),
        rules.source_label(row["source"]),
        row["found_on"],
        "、".join(inspectors),
        row["description"],
        row["location"],
        LEVEL_LABELS.get(row["level"], row["level"]),
        category,
        basis,
        rules.measures(plan, row["suggestion"]),
        rules.plan_text(plan, "responsible_person"),
        rules.plan_text(plan, "funds"),
        effective,
        rules.plan_text(plan, "contingency_plan"),
        row["rectified_on"],
        STATUS_LABELS.get(row["status"], row["status"]),
        "是" if is_overdue(row["status"], effective, today) else "否",
        verifier,
        verified_on,
    ]


async def heading(actor: Actor, flt: HazardFilter, now: dt.datetime | None = None) -> list[str]:
    """The title rows: 隐患台账; the 街道 / 社区 (/ 网格) of the rows' scope (the deeper of
    the officer's unit and the ``org_unit_id`` filter, as ``filter_conditions`` reads them);
    统计截至 (now, local time) and 导出人. Two queries."""
    zone = ZoneInfo(get_settings().timezone)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(zone)
    wanted = [u for u in (actor.org_unit_id, flt.org_unit_id) if u is not None]
    found = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.is_in(wanted)).run()
        if wanted
        else []
    )
    paths = {r["id"]: r["path"] or "" for r in found}
    mine, asked = paths.get(actor.org_unit_id or 0, ""), paths.get(flt.org_unit_id or 0, "")
    path = asked if asked.startswith(mine) else mine
    ids = [int(p) for p in path.strip("/").split("/") if p.isdigit()]
    units = (
        await OrgUnit.select(OrgUnit.name, OrgUnit.kind).where(OrgUnit.id.is_in(ids)).run()
        if ids
        else []
    )
    who = actor.display_name or actor.username
    return rules.title_rows(TITLE, rules.scope_names(units), moment, who)
