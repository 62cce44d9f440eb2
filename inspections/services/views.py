"""Rows → the API's shapes (dicts the schemas validate). Reads only; each builder takes
rows already scoped by its caller and adds what they need in a fixed number of queries
(never one per row)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum
from piccolo.query.functions.conditional import Case, When

from inspections import rules
from inspections.tables import (
    ChecklistItem,
    Hazard,
    Inspection,
    InspectionInspector,
    ItemResult,
)
from safety.tables import Attachment


def inspection_columns() -> tuple:
    return (
        *Inspection.all_columns(),
        Inspection.enterprise.name.as_alias("enterprise_name"),
        Inspection.enterprise.address.as_alias("enterprise_address"),
        Inspection.campaign.name.as_alias("campaign_name"),
        Inspection.checklist.name.as_alias("checklist_name"),
        Inspection.checklist.code.as_alias("checklist_code"),
        Inspection.checklist.version.as_alias("checklist_version"),
    )


async def inspectors_of(inspection_ids: Iterable[int]) -> dict[int, list[dict]]:
    ids = list(set(inspection_ids))
    out: dict[int, list[dict]] = defaultdict(list)
    if not ids:
        return out
    rows = (
        await InspectionInspector.select(
            InspectionInspector.inspection,
            InspectionInspector.user.as_alias("id"),
            InspectionInspector.user.display_name.as_alias("display_name"),
            InspectionInspector.is_lead,
        )
        .where(InspectionInspector.inspection.is_in(ids))
        .order_by(InspectionInspector.is_lead, ascending=False)
        .order_by(InspectionInspector.id)
        .run()
    )
    for r in rows:
        out[r["inspection"]].append(
            {"id": r["id"], "display_name": r["display_name"] or "", "is_lead": r["is_lead"]}
        )
    return out


async def _counts(table: Any, key: Any, ids: list[int], *conditions: Any) -> dict[int, int]:
    if not ids:
        return {}
    query = table.select(key.as_alias("k"), Count(alias="n")).where(key.is_in(ids))
    for condition in conditions:
        query = query.where(condition)
    return {r["k"]: r["n"] for r in await query.group_by(key).run()}


async def _hazard_counts(ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per inspection: its hazards (voided ones left out) and how many are not closed yet
    (pending, rectifying, waiting for verification) — one grouped query."""
    if not ids:
        return {}
    rows = (
        await Hazard.select(
            Hazard.inspection.as_alias("k"),
            Count(alias="n"),
            Sum(Case(When(Hazard.status != "closed", 1), default=0), alias="open"),
        )
        .where(Hazard.inspection.is_in(ids), Hazard.status != "voided")
        .group_by(Hazard.inspection)
        .run()
    )
    return {r["k"]: (r["n"], int(r["open"] or 0)) for r in rows}


async def summaries(rows: list[dict]) -> list[dict]:
    """Inspection rows (selected with ``inspection_columns``) as list items."""
    ids = [r["id"] for r in rows]
    templates = list({r["checklist"] for r in rows})
    inspectors = await inspectors_of(ids)
    totals = await _counts(ChecklistItem, ChecklistItem.template, templates)
    answered = await _counts(ItemResult, ItemResult.inspection, ids)
    hazards = await _hazard_counts(ids)
    return [
        {
            **r,
            "campaign_id": r["campaign"],
            "batch_id": r["batch"],
            "enterprise_id": r["enterprise"],
            "checklist_id": r["checklist"],
            "inspectors": inspectors.get(r["id"], []),
            "items_total": totals.get(r["checklist"], 0),
            "items_answered": answered.get(r["id"], 0),
            "hazards_count": hazards.get(r["id"], (0, 0))[0],
            # not yet closed (pending, rectifying, waiting for verification)
            "hazards_open": hazards.get(r["id"], (0, 0))[1],
        }
        for r in rows
    ]


async def checklist_items(template_id: int) -> list[dict]:
    """The pinned checklist's items in order (section, then item)."""
    return (
        await ChecklistItem.select(
            *ChecklistItem.all_columns(),
            ChecklistItem.section.title.as_alias("section_title"),
            ChecklistItem.section.position.as_alias("section_position"),
        )
        .where(ChecklistItem.template == template_id)
        .order_by(ChecklistItem.section.position)
        .order_by(ChecklistItem.section)
        .order_by(ChecklistItem.position)
        .order_by(ChecklistItem.id)
        .run()
    )


def _attachment(row: dict | None) -> dict | None:
    if row is None:
        return None
    from safety.files import store as files  # the attachments kernel: URLs of stored files

    return files.attachment_out(row)


async def attachments_by_id(ids: Iterable[int | None]) -> dict[int, dict]:
    wanted = [i for i in set(ids) if i]
    if not wanted:
        return {}
    rows = await Attachment.select().where(Attachment.id.is_in(wanted)).run()
    return {r["id"]: _attachment(r) for r in rows}


async def photos_of(hazard_ids: Iterable[int]) -> dict[int, list[dict]]:
    ids = list(set(hazard_ids))
    out: dict[int, list[dict]] = defaultdict(list)
    if not ids:
        return out
    rows = (
        await Attachment.select()
        .where(Attachment.owner_type == "hazard", Attachment.owner_id.is_in(ids))
        .order_by(Attachment.id)
        .run()
    )
    for r in rows:
        out[r["owner_id"]].append(_attachment(r))
    return out


def signatures(row: dict, files: dict[int, dict]) -> dict:
    inspector = None
    if row["inspector_signature"]:
        att = files.get(row["inspector_signature"]) or {}
        inspector = {
            "signer_name": row["inspector_signer_name"],
            "url": att.get("url", ""),
            "attachment_id": row["inspector_signature"],
        }
    enterprise = None
    if row["enterprise_signature"] or row["enterprise_refused_reason"]:
        att = files.get(row["enterprise_signature"]) if row["enterprise_signature"] else None
        enterprise = {
            "signer_name": row["enterprise_signer_name"],
            "url": att["url"] if att else None,
            "refused_reason": row["enterprise_refused_reason"] or None,
            "attachment_id": row["enterprise_signature"],
        }
    return {"inspector": inspector, "enterprise": enterprise}


def hazard_summary(row: dict, today: dt.date) -> dict:
    return {
        **row,
        "item_id": row["item"],
        "overdue": rules.is_overdue(row["status"], row["deadline"], today),
    }


async def inspection_detail(row: dict, today: dt.date) -> dict:
    """The inspection shape: items of the pinned checklist with their results, hazards
    and signatures."""
    (summary,) = await summaries([row])
    items = await checklist_items(row["checklist"])
    results = {
        r["item"]: r
        for r in await ItemResult.select().where(ItemResult.inspection == row["id"]).run()
    }
    hazards = await Hazard.select().where(Hazard.inspection == row["id"]).order_by(Hazard.id).run()
    files = await attachments_by_id([row["inspector_signature"], row["enterprise_signature"]])
    return {
        **summary,
        "items": [
            {
                "id": i["id"],
                "code": i["code"],
                "section": i["section_title"],
                "section_id": i["section"],
                "text": i["text"],
                "legal_basis": i["legal_basis"],
                "category": i["category"],
                "subcategory": i["subcategory"],
                "default_level": i["default_level"],
                "result": results[i["id"]]["result"] if i["id"] in results else None,
                "note": results[i["id"]]["note"] if i["id"] in results else "",
            }
            for i in items
        ],
        "hazards": [hazard_summary(h, today) for h in hazards],
        "signatures": signatures(row, files),
    }
