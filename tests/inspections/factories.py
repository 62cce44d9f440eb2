"""Factories for inspection tests: checklist templates (rows inserted directly; the
checklist library has its own services), and campaigns, batches and inspections made
through the real services."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from inspections import services
from inspections.schemas import BatchIn, BatchInspectionsIn, CampaignIn
from inspections.tables import ChecklistItem, ChecklistSection, ChecklistTemplate
from safety.settings import local_today
from tests import factories as f


async def checklist(sections: int = 2, items: int = 2, **fields) -> dict:
    """A published template with ``sections`` × ``items`` items; returns the template row
    with ``items`` (in order)."""
    i = f.n()
    template = ChecklistTemplate(
        code=fields.pop("code", f"T{i}"),
        version=fields.pop("version", 1),
        name=fields.pop("name", f"测试检查表{i}"),
        domain="通用",
        published=fields.pop("published", True),
    )
    await template.save().run()
    made = []
    for s in range(sections):
        section = ChecklistSection(template=template.id, title=f"第{s + 1}部分", position=s)
        await section.save().run()
        for k in range(items):
            item = ChecklistItem(
                template=template.id,
                section=section.id,
                code=f"{s + 1}.{k + 1}",
                text=f"检查内容 {s + 1}.{k + 1}",
                legal_basis="《安全生产法》第四十一条",
                category="site",
                subcategory="消防",
                default_level="general",
                position=k,
            )
            await item.save().run()
            made.append({"id": item.id, "code": item.code, "section": section.id})
    return {"id": template.id, "code": template.code, "items": made}


@dataclass
class Visit:
    """A campaign of the World's street with the World's enterprise planned, a batch of
    the World's agency and inspector, and one planned inspection."""

    campaign: dict
    batch: dict
    checklist: dict
    inspection: dict


async def campaign(w, enterprise_ids: list[int] | None = None, officer=None, **fields) -> dict:
    """A campaign of the World's street (or ``officer``'s, given ``org_unit_id``)."""
    today = local_today()  # the configured zone's day, as the services count it
    data = CampaignIn(
        name=fields.pop("name", f"测试活动{f.n()}"),
        kind=fields.pop("kind", "third_party"),
        starts_on=fields.pop("starts_on", today - dt.timedelta(days=60)),
        ends_on=fields.pop("ends_on", today + dt.timedelta(days=60)),
        org_unit_id=fields.pop("org_unit_id", w.tree["street"]["id"]),
        enterprise_ids=enterprise_ids if enterprise_ids is not None else [w.enterprise["id"]],
        **fields,
    )
    return await services.create_campaign(f.actor(officer or w.officer), data)


async def visit(
    w,
    scheduled_on: dt.date | None = None,
    inspectors=None,
    sections: int = 2,
    items: int = 2,
    enterprise: dict | None = None,
    foreign: bool = False,
) -> Visit:
    """A planned inspection in a fresh campaign and batch. By default: a fresh enterprise
    of the World's street, the World's inspector as the group (lead). ``foreign``: in the
    foreign street, by the foreign officer, with another inspector of the agency."""
    tree = w.foreign_tree if foreign else w.tree
    officer = w.foreign_officer if foreign else w.officer
    ent = enterprise or await f.enterprise(tree["grid1"]["id"])
    camp = await campaign(w, [ent["id"]], officer=officer, org_unit_id=tree["street"]["id"])
    if inspectors is None:
        inspectors = (
            [await f.user("inspector", agency_id=w.agency["id"])] if foreign else [w.inspector]
        )
    today = local_today()  # the configured zone's day, as the services count it
    day = scheduled_on or today  # inside the batch's window, as the services require
    batch = await services.add_batch(
        f.actor(officer),
        camp["id"],
        BatchIn(
            name="第一批次",
            agency_id=w.agency["id"],
            enterprise_ids=[ent["id"]],
            inspector_ids=[u["id"] for u in inspectors],
            starts_on=min(today - dt.timedelta(days=10), day),
            ends_on=max(today + dt.timedelta(days=10), day),
        ),
    )
    tpl = await checklist(sections=sections, items=items)
    made = await services.create_batch_inspections(
        f.actor(officer),
        batch["id"],
        BatchInspectionsIn(checklist_id=tpl["id"], scheduled_on=day),
    )
    return Visit(camp, batch, tpl, made["items"][0])


def png(width: int = 240, height: int = 80) -> bytes:
    """A real PNG (a drawn signature's size)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line((10, 60, 120, 20, 230, 50), fill="black", width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 640, height: int = 480) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 40, 40)).save(out, format="JPEG", quality=85)
    return out.getvalue()
