"""Patrol reports (随手拍): a grid worker reports what they saw; an officer triages it once
(hazard / dismiss / refer / duplicate); the grid worker follows its fate.

Use cases own their transaction, check scope and write the audit event with the change.
A hazard made from a report takes the one hazard-creation path
(``inspections.services.hazards.insert_hazard``) and the hazard rules
(``inspections.rules.check_hazard``), so a patrol hazard obeys the same rules as any.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections import rules as hazard_rules
from inspections.patrol import rules
from inspections.patrol.schemas import PatrolReportIn, TriageIn
from inspections.patrol.scope import REPORT, report_condition, report_row, unit_ids
from inspections.patrol.tables import PatrolReport, ReferralDepartment
from inspections.patrol.views import detail
from inspections.services.hazard_news import announce_hazards
from inspections.services.hazards import insert_hazard
from inspections.services.photo_limit import has_room, photo_limit, require_room
from inspections.tables import Hazard
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Forbidden, ValidationFailed
from safety.files import store as files
from safety.notifications.service import notify
from safety.settings import local_today
from safety.tables import Attachment, Enterprise, OrgUnit, OrgUnitKind, Role

HAZARD = "hazard"
ACTION_LABELS = {
    "hazard": "已转为隐患",
    "dismiss": "不予立案",
    "refer": "已转办",
    "duplicate": "与已研判的上报重复",
}


def _fail(errors: list[dict[str, str]], message: str) -> None:
    if errors:
        raise ValidationFailed(message, errors)


async def _default_grid(actor: Actor) -> int | None:
    """The grid worker's own unit when it is a grid (a community has several: choose)."""
    if actor.org_unit_id is None:
        return None
    unit = await OrgUnit.select(OrgUnit.kind).where(OrgUnit.id == actor.org_unit_id).first().run()
    return actor.org_unit_id if unit and unit["kind"] == OrgUnitKind.grid.value else None


async def submit_report(actor: Actor, data: PatrolReportIn) -> dict:
    """A new report (``new``) in one of the grid worker's grids. The grid defaults to
    theirs; the enterprise, when named, must sit in that grid. 400 naming each bad field."""
    if actor.role != Role.grid_worker:
        raise Forbidden("只有网格员可以上报")
    grid_id = data.org_unit_id or await _default_grid(actor)
    errors = rules.check_report(
        description=data.description,
        address=data.address,
        enterprise_id=data.enterprise_id,
        lat=data.lat,
        lng=data.lng,
    )
    units = await unit_ids(actor)
    if grid_id is None:
        errors.append({"key": "org_unit_id", "message": "请选择网格"})
    elif (
        units is None
        or not await OrgUnit.exists()
        .where(
            OrgUnit.id == grid_id, OrgUnit.id.is_in(units), OrgUnit.kind == OrgUnitKind.grid.value
        )
        .run()
    ):
        errors.append({"key": "org_unit_id", "message": "不是您负责的网格"})
        grid_id = None
    if data.enterprise_id is not None and grid_id is not None:
        in_grid = (
            await Enterprise.exists()
            .where(Enterprise.id == data.enterprise_id, Enterprise.org_unit == grid_id)
            .run()
        )
        if not in_grid:
            errors.append({"key": "enterprise_id", "message": "该企业不在所选网格内"})
    _fail(errors, "上报信息有误")
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        report = PatrolReport(
            org_unit=grid_id,
            enterprise=data.enterprise_id,
            address=data.address.strip(),
            description=data.description.strip(),
            lat=data.lat,
            lng=data.lng,
            status="new",
            reported_by=actor.user_id,
            reported_at=now,
        )
        await report.save().run()
        await audit.record(
            actor,
            "patrol_report.create",
            REPORT,
            report.id,
            after={**data.model_dump(mode="json"), "org_unit_id": grid_id},
        )
    return await detail(report.id)


async def photo_target(actor: Actor, report_id: int) -> dict:
    """The report a grid worker may add photos to: their own (403 other roles, 404 not
    theirs); checked before the upload is read."""
    if actor.role != Role.grid_worker:
        raise Forbidden("只有上报的网格员可以添加照片")
    return await report_row(actor, report_id)


async def add_report_photo(
    actor: Actor, report_id: int, content: bytes, filename: str = ""
) -> dict:
    """A photo of the report (JPEG/PNG/WebP by content, 415; ≤ 15 MB, 413). A photo never
    arrives too late: the phone's queue may deliver it after the triage, and when the
    report already became a hazard the hazard gets it too (a before-photo)."""
    report = await photo_target(actor, report_id)
    # A report's photos become its hazard's: it holds as many as a hazard may (409 past it).
    await require_room(REPORT, report["id"])
    row = await files.save_bytes(
        content,
        filename=filename,
        owner_type=REPORT,
        owner_id=report["id"],
        kind="problem",
        actor=actor,
        before_insert=lambda: require_room(REPORT, report["id"]),
    )
    # The triage may commit between the photo's row and this look: it then copied the
    # photo itself. Read the report and the hazard's photos in the writers' queue, after
    # any such triage, and copy only what the hazard has not got.
    async with write_transaction():
        fresh = (
            await PatrolReport.select(PatrolReport.hazard)
            .where(PatrolReport.id == report["id"])
            .first()
            .run()
        )
        hazard_id = fresh["hazard"]
        # A hazard already full (its inspector's and worker's photos meanwhile) does not
        # get the copy; the photo stays on the report, which the hazard links to.
        if (
            hazard_id is not None
            and await has_room(HAZARD, hazard_id)
            and not (
                await Attachment.exists()
                .where(
                    Attachment.owner_type == HAZARD,
                    Attachment.owner_id == hazard_id,
                    Attachment.sha256 == row.sha256,
                )
                .run()
            )
        ):
            await _copy_photos([row.to_dict()], hazard_id)
    return files.attachment_out(row)


async def can_see_report(actor: Actor, report_id: int) -> None:
    await report_row(actor, report_id)


files.register_owner(REPORT, can_see_report)


# ---------------------------------------------------------------- triage (研判)


async def _copy_photos(photos: list[dict], hazard_id: int) -> None:
    """The report's photos become the hazard's before-photos (问题): new attachment rows
    on the same stored bytes (content-addressed), so each record owns its own row."""
    if not photos:
        return
    rows = [
        Attachment(
            sha256=p["sha256"],
            content_type=p["content_type"],
            size=p["size"],
            filename=p["filename"],
            kind="problem",
            owner_type=HAZARD,
            owner_id=hazard_id,
            width=p["width"],
            height=p["height"],
            has_thumbnail=p["has_thumbnail"],
            captured_at=p["captured_at"],
            uploaded_by=p["uploaded_by"],
        )
        for p in photos
    ]
    await Attachment.insert(*rows).run()


async def _hazard_values(
    actor: Actor, report: dict, data: TriageIn, errors: list[dict[str, str]]
) -> dict[str, Any]:
    """The new hazard's fields, checked by the hazard rules; errors appended."""
    found_on = local_today(report["reported_at"])
    description = data.description if data.description is not None else report["description"]
    location = data.location if data.location is not None else report["address"]
    errors.extend(
        hazard_rules.check_hazard(
            description=description,
            level=data.level or "",
            category=data.category or "",
            subcategory=data.subcategory,
            factor=data.factor,
            major_basis=data.major_basis,
            fixed_on_spot=False,
            deadline=data.deadline,
            found_on=found_on,
        )
    )
    enterprise_id = data.enterprise_id or report["enterprise"]
    if data.enterprise_id is not None:
        units = await unit_ids(actor)
        visible = (
            units is not None
            and await Enterprise.exists()
            .where(Enterprise.id == data.enterprise_id, Enterprise.org_unit.is_in(units))
            .run()
        )
        if not visible:
            errors.append({"key": "enterprise_id", "message": "企业不存在或不在您的辖区内"})
    deadline = data.deadline
    if deadline is None and data.level in hazard_rules.LEVELS:
        deadline = hazard_rules.default_deadline(
            found_on, data.level, hazard_rules.deadline_days(None, None)
        )
    return {
        "inspection": None,
        "campaign": None,
        "enterprise": enterprise_id,
        "source": "patrol",
        "description": description.strip(),
        "location": location.strip()[:200],
        "category": data.category,
        "subcategory": data.subcategory,
        "factor": data.factor,
        "level": data.level,
        "major_basis": data.major_basis.strip(),
        "item": None,
        "legal_basis": data.legal_basis.strip(),
        "suggestion": data.suggestion.strip(),
        "found_on": found_on,
        "deadline": deadline,
        "fixed_on_spot": False,
    }


async def _department(name: str, errors: list[dict[str, str]]) -> str:
    found = (
        await ReferralDepartment.select(ReferralDepartment.name)
        .where(ReferralDepartment.name == name.strip(), ReferralDepartment.active.eq(True))
        .first()
        .run()
    )
    if found is None and name.strip():
        errors.append({"key": "to", "message": f"转办部门 {name.strip()} 不在部门列表中"})
    return found["name"] if found else ""


async def triage(actor: Actor, report_id: int, data: TriageIn) -> dict:
    """研判 a ``new`` report once (officer of its grid): 409 when already triaged; 400
    naming each bad field. ``hazard`` makes a hazard (source ``patrol``) at the report's
    enterprise (or ``enterprise_id``), carrying the report's photos as before-photos, and
    tells the enterprise's contacts (``announce_hazards``); the grid worker is told the
    outcome either way."""
    actor.require(Role.officer)
    report = await report_row(actor, report_id)
    rules.require_new(report["status"])
    errors = rules.check_triage(
        action=data.action,
        reason=data.reason,
        to=data.to,
        enterprise_id=data.enterprise_id or report["enterprise"],
        duplicate_of=data.duplicate_of,
    )
    values: dict[str, Any] = {}
    department = ""
    original: dict | None = None
    if data.action == "hazard":
        values = await _hazard_values(actor, report, data, errors)
    elif data.action == "refer":
        department = await _department(data.to, errors)
    elif data.action == "duplicate" and data.duplicate_of is not None:
        if data.duplicate_of == report["id"]:
            errors.append({"key": "duplicate_of", "message": "不能与自身重复"})
        else:
            original = (
                await PatrolReport.select()
                .where(
                    PatrolReport.id == data.duplicate_of,
                    PatrolReport.id.is_in(
                        PatrolReport.select(PatrolReport.id).where(await report_condition(actor))
                    ),
                )
                .first()
                .run()
            )
            if original is None:
                errors.append({"key": "duplicate_of", "message": "上报不存在"})
            elif original["status"] == "new":
                errors.append({"key": "duplicate_of", "message": "只能关联到已研判的上报"})
    _fail(errors, "研判信息有误")
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        current = (
            await PatrolReport.select(PatrolReport.status)
            .where(PatrolReport.id == report["id"])
            .first()
            .run()
        )
        rules.require_new(current["status"])
        changes: dict[Any, Any] = {
            PatrolReport.triage_action: data.action,
            PatrolReport.triage_reason: data.reason.strip(),
            PatrolReport.triaged_by: actor.user_id,
            PatrolReport.triaged_at: now,
            PatrolReport.version: PatrolReport.version + 1,
        }
        hazard_id = None
        if data.action == "hazard":
            hazard_id = await insert_hazard(actor, now, **values)
            photos = (
                await Attachment.select()
                .where(Attachment.owner_type == REPORT, Attachment.owner_id == report["id"])
                .order_by(Attachment.id)
                .run()
            )
            # a report kept from before the limit may hold more: the first ones are copied
            await _copy_photos(photos[: photo_limit()], hazard_id)
            changes[PatrolReport.enterprise] = values["enterprise"]
            await audit.record(
                actor,
                "hazard.create",
                HAZARD,
                hazard_id,
                after={**_jsonable(values), "patrol_report": report["id"], "status": "pending"},
            )
            await announce_hazards(actor, Hazard.id == hazard_id)
        elif data.action == "refer":
            changes[PatrolReport.triage_to] = department
        elif data.action == "duplicate":
            assert original is not None  # noqa: S101 - narrows the type: checked with the action
            hazard_id = original["hazard"]
            changes[PatrolReport.duplicate_of] = original["id"]
            changes[PatrolReport.triage_to] = original["triage_to"]
        status = rules.status_after(data.action, original["status"] if original else None)
        changes[PatrolReport.status] = status
        changes[PatrolReport.hazard] = hazard_id
        await PatrolReport.update(changes).where(PatrolReport.id == report["id"]).run()
        await audit.record(
            actor,
            "patrol_report.triage",
            REPORT,
            report["id"],
            before={"status": report["status"]},
            after={
                **data.model_dump(mode="json", exclude_none=True),
                "status": status,
                "hazard_id": hazard_id,
            },
        )
        await notify(
            [report["reported_by"]],
            kind="patrol_report.triaged",
            title=f"您的上报{ACTION_LABELS[data.action]}",
            body=(data.reason or report["description"])[:120],
            link="/patrol/mine",
            object_type=REPORT,
            object_id=report["id"],
        )
    return await detail(report["id"])


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}
