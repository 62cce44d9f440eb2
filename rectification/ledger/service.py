"""The hazard ledger (隐患台账): the officer's hazards as the rows they report upward.

Exactly the hazards of ``GET /api/v1/hazards`` for the same filters, in the same order
(newest found first, then newest id): the WHERE is ``inspections.services.hazard_filters``'
own (``filter_conditions``), never a copy. Read in chunks of ``CHUNK`` rows by keyset
(``found_on``, ``id``), each chunk one joined query for the hazard, its enterprise and
its grid and community, plus one query each for the chunk's inspectors, plans and
accepting verifications: four queries per 2,000 rows whatever the total, and never more
than one chunk in memory.
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
from rectification.rules import STATUS_LABELS
from rectification.tables import RectificationPlan, Verification
from safety.auth import Actor
from safety.registry.rules import INDUSTRY_SECTIONS
from safety.settings import get_settings, local_today
from safety.tables import Role

CHUNK = 2_000
TITLE = "隐患台账"

# (header, column width): the columns officers report upward.
COLUMNS: list[tuple[str, float]] = [
    ("序号", 7),
    ("企业名称", 30),
    ("统一社会信用代码", 22),
    ("所属社区", 14),
    ("网格", 18),
    ("行业", 22),
    ("检查时间", 12),
    ("检查人", 16),
    ("隐患描述", 48),
    ("部位", 16),
    ("隐患级别", 10),
    ("隐患类别", 16),
    ("判定依据", 40),
    ("整改措施", 40),
    ("整改责任人", 12),
    ("整改期限", 12),
    ("整改完成时间", 14),
    ("整改状态", 10),
    ("是否逾期", 9),
    ("验收人", 12),
    ("验收时间", 17),
]
HEADER = [h for h, _ in COLUMNS]
WIDTHS = [w for _, w in COLUMNS]

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


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite may hand back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


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
        verified_at = _local(verification["verified_at"], zone)
    elif row["status"] == "closed":  # 立行立改: accepted on the spot by whoever logged it
        verifier, verified_at = row["creator"] or "", _local(row["closed_at"], zone)
    else:
        verifier, verified_at = "", ""
    return [
        number,
        row["enterprise_name"],
        row["uscc"],
        community or "",
        grid,
        _industry(row),
        _day(row["found_on"]),
        "、".join(inspectors),
        row["description"],
        row["location"],
        LEVEL_LABELS.get(row["level"], row["level"]),
        category,
        basis,
        (plan["measures"] if plan and plan["measures"] else row["suggestion"]) or "",
        plan["responsible_person"] if plan else "",
        _day(effective),
        _day(row["rectified_on"]),
        STATUS_LABELS.get(row["status"], row["status"]),
        "是" if is_overdue(row["status"], effective, today) else "否",
        verifier,
        verified_at,
    ]
