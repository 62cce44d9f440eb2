"""What the inspection report and the rectification notice show, read in a fixed number
of queries, within the caller's scope (404 outside it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from inspections import services
from inspections.documents import issuer
from inspections.tables import Hazard, Inspection
from safety.actors import Actor
from safety.reports.render import Resources
from safety.settings import get_settings, local_clock, local_today
from safety.tables import Attachment, Batch, Enterprise, OrgUnit

LEVELS = {"general": "一般隐患", "major": "重大隐患"}
CATEGORIES = {"management": "基础管理类", "site": "现场管理类"}
FACTORS = {"human": "人的不安全行为", "thing": "物的不安全状态", "management": "管理缺陷"}
RESULTS = {"pass": "符合", "fail": "不符合", "na": "不适用"}
STATES = {
    "planned": "待检查",
    "in_progress": "检查中",
    "submitted": "已提交",
    "cancelled": "已取消",
}
STATUSES = {
    "pending": "待整改",
    "rectifying": "整改中",
    "submitted": "待验收",
    "closed": "已销号",
    "voided": "已作废",
}


async def org_names(org_unit_id: int | None) -> dict[str, str]:
    """The names of an org unit and its ancestors by kind: street, community, grid."""
    out = {"district": "", "street": "", "community": "", "grid": ""}
    if not org_unit_id:
        return out
    unit = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == org_unit_id).first().run()
    ids = [int(p) for p in (unit["path"] if unit else "").split("/") if p.isdigit()]
    ids.append(org_unit_id)
    rows = await OrgUnit.select(OrgUnit.name, OrgUnit.kind).where(OrgUnit.id.is_in(ids)).run()
    for r in rows:
        out[r["kind"]] = r["name"]
    return out


def street_office(names: dict[str, str]) -> str:
    street = names.get("street") or ""
    return street + "办事处" if street.endswith("街道") else street


async def enterprise_of(enterprise_id: int) -> dict[str, Any]:
    row = await Enterprise.select().where(Enterprise.id == enterprise_id).first().run()
    return {**row, "org": await org_names(row["org_unit"])}


async def attachments(owner_type: str, owner_ids: list[int], *kinds: str) -> dict[int, list]:
    out: dict[int, list] = {i: [] for i in owner_ids}
    if not owner_ids:
        return out
    query = Attachment.select().where(
        Attachment.owner_type == owner_type, Attachment.owner_id.is_in(owner_ids)
    )
    if kinds:
        query = query.where(Attachment.kind.is_in(list(kinds)))
    for row in await query.order_by(Attachment.id).run():
        out[row["owner_id"]].append(row)
    return out


def photo_entries(rows: list[dict], res: Resources) -> list[dict]:
    return [
        {
            "url": res.photo(r),
            "caption": _captured(r),
        }
        for r in rows
    ]


def _captured(row: dict) -> str:
    if row.get("captured_at"):
        return "拍摄于 " + local_clock(row["captured_at"])
    if row.get("uploaded_at"):
        return "上传于 " + local_clock(row["uploaded_at"])
    return ""


def hazard_entry(h: dict, photos: list[dict], res: Resources) -> dict:
    effective = h.get("effective_deadline") or h["deadline"]
    return {
        **h,
        "level_label": LEVELS.get(h["level"], h["level"]),
        "category_label": CATEGORIES.get(h["category"], h["category"]),
        "factor_label": FACTORS.get(h.get("factor") or "", ""),
        "status_label": STATUSES.get(h["status"], h["status"]),
        "effective": effective,
        "photos": photo_entries(photos, res),
    }


async def self_rank(inspection_id: int, enterprise_id: int, day: dt.date) -> int:
    """The rank of a self-inspection among its enterprise's self-inspections of the year
    of ``day`` (its ``scheduled_on``), in creation order, cancelled ones included: stable
    across re-renders (``issuer.self_number``). One query."""
    return await (
        Inspection.count()
        .where(
            Inspection.enterprise == enterprise_id,
            Inspection.kind == issuer.SELF_KIND,
            Inspection.scheduled_on >= dt.date(day.year, 1, 1),
            Inspection.scheduled_on <= dt.date(day.year, 12, 31),
            Inspection.id <= inspection_id,
        )
        .run()
    )


async def _common(actor: Actor, inspection_id: int, res: Resources) -> dict[str, Any]:
    detail = await services.get_inspection(actor, inspection_id)  # 404 outside scope
    enterprise = await enterprise_of(detail["enterprise_id"])
    batch = None
    if detail["batch_id"]:
        batch = await Batch.select(Batch.name).where(Batch.id == detail["batch_id"]).first().run()
    hazards = [h for h in detail["hazards"] if h["status"] != "voided"]
    hazard_rows = {
        r["id"]: r
        for r in await Hazard.select(Hazard.id, Hazard.effective_deadline)
        .where(Hazard.id.is_in([h["id"] for h in hazards] or [-1]))
        .run()
    }
    photos = await attachments("hazard", [h["id"] for h in hazards], "problem", "scene")
    entries = []
    for h in hazards:
        h = {**h, "effective_deadline": hazard_rows[h["id"]]["effective_deadline"]}
        entries.append(hazard_entry(h, photos[h["id"]], res))
    when = detail["submitted_at"] or detail["started_at"]
    day = detail["scheduled_on"]
    if isinstance(when, dt.datetime):
        day = local_today(when)
    own = issuer.is_own_inspection(detail["kind"])
    rank = 0
    if own:
        rank = await self_rank(inspection_id, detail["enterprise_id"], detail["scheduled_on"])
    return {
        "own": own,
        "self_no": issuer.self_number(detail["scheduled_on"], rank) if own else "",
        "checklist_label": issuer.checklist_label(
            detail.get("checklist_name") or "", detail.get("checklist_version")
        ),
        "inspection": detail,
        "enterprise": enterprise,
        "batch_name": batch["name"] if batch else "",
        "campaign_name": detail.get("campaign_name")
        or ("企业自查" if detail["kind"] == "self" else ""),
        "day": day,
        "inspectors": detail["inspectors"],
        "hazards": entries,
        "office": street_office(enterprise["org"]),
        "state_label": STATES.get(detail["state"], detail["state"]),
    }


def _head(ctx: dict, inspection_id: int, build: Callable[..., issuer.Heading]) -> issuer.Heading:
    """The document's heading (``issuer.report_heading`` or ``issuer.notice_heading``: the
    same arguments, read from the common context) and its title, set on ``ctx``."""
    heading = build(
        kind=ctx["inspection"]["kind"],
        office=ctx["office"],
        enterprise=ctx["enterprise"]["name"],
        day=ctx["day"],
        inspection_id=inspection_id,
        self_no=ctx["self_no"],
    )
    ctx.update(heading=heading, title=f"{ctx['enterprise']['name']} {heading.title}")
    return heading


async def report_context(actor: Actor, inspection_id: int) -> tuple[dict, Resources]:
    """检查报告 (a self-inspection's: 自查报告, ``issuer``): header, results summary,
    failed items, hazards with photos, signatures."""
    res = Resources()
    ctx = await _common(actor, inspection_id, res)
    items = ctx["inspection"]["items"]
    counts = {k: 0 for k in ("pass", "fail", "na", None)}
    for item in items:
        counts[item["result"]] = counts.get(item["result"], 0) + 1
    sig = ctx["inspection"]["signatures"]
    sig_files = {
        r["id"]: r
        for r in await Attachment.select()
        .where(
            Attachment.id.is_in(
                [s["attachment_id"] for s in sig.values() if s and s.get("attachment_id")] or [-1]
            )
        )
        .run()
    }

    def signature(which: str) -> dict | None:
        s = sig.get(which)
        if not s:
            return None
        row = sig_files.get(s.get("attachment_id"))
        return {**s, "image": res.file(row) if row else None}

    _head(ctx, inspection_id, issuer.report_heading)
    ctx.update(
        counts={
            "total": len(items),
            "pass": counts["pass"],
            "fail": counts["fail"],
            "na": counts["na"],
            "open": counts[None],
        },
        failed=[i for i in items if i["result"] == "fail"],
        results=RESULTS,
        levels={
            "general": sum(1 for h in ctx["hazards"] if h["level"] == "general"),
            "major": sum(1 for h in ctx["hazards"] if h["level"] == "major"),
        },
        inspector_signature=signature("inspector"),
        enterprise_signature=signature("enterprise"),
    )
    return ctx, res


def notice_url(inspection_id: int) -> str:
    """Where the notice's QR code leads: the page of this notice's hazards (login first)."""
    return f"{get_settings().base_url.rstrip('/')}/notices/{inspection_id}"


async def notice_context(actor: Actor, inspection_id: int) -> tuple[dict, Resources]:
    """隐患整改通知书 (a self-inspection's: 企业自查隐患整改单, ``issuer``): the open
    hazards with deadlines, 五落实 for major ones, QR code."""
    from safety.reports.qr import qr_svg

    res = Resources()
    ctx = await _common(actor, inspection_id, res)
    url = notice_url(inspection_id)
    heading = _head(ctx, inspection_id, issuer.notice_heading)
    ctx.update(
        number=ctx["self_no"] if heading.own else issuer.street_number(ctx["day"], inspection_id),
        qr=qr_svg(url),
        qr_url=url,
        has_major=any(h["level"] == "major" for h in ctx["hazards"]),
    )
    return ctx, res
