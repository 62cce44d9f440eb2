"""Who may see which campaign, inspection and hazard (the product rules):

- officer: campaigns whose org unit lies in their subtree; inspections and hazards of
  enterprises in their subtree;
- inspector: the inspections whose expert group they are in (``InspectionInspector``) and
  those inspections' hazards;
- enterprise contact: their own enterprise's inspections and hazards (read only);
- grid worker: the hazards that came from their own patrol reports (read only);
- admin: 403 on all of it (they run accounts and the checklist library, not inspections).

Outside one's scope is 404, like a missing row, so existence does not leak.

Also whom news of an enterprise's hazards concerns: the officers over it (``officers_over``)
and its contacts (``enterprise_contacts``, ``contacts_of``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from inspections.patrol.tables import PatrolReport
from inspections.tables import Hazard, Inspection, InspectionInspector
from safety.actors import Actor
from safety.errors import NotFound
from safety.schemas import MAX_DB_INT
from safety.tables import Campaign, Enterprise, OrgUnit, Role, User

READERS = (Role.officer, Role.inspector, Role.enterprise)


def is_row_id(value: Any) -> bool:
    return isinstance(value, int) and 1 <= value <= MAX_DB_INT


def units_under(path: str) -> Any:
    """A sub-select of the ids of the org unit at ``path`` and all below it."""
    return OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(path + "%"))


def hazards_under(path: str) -> Any:
    """The hazards of the enterprises of the subtree at ``path`` (none for no path)."""
    if not path:
        return Hazard.id == -1
    enterprises = Enterprise.select(Enterprise.id).where(
        Enterprise.org_unit.is_in(units_under(path))
    )
    return Hazard.enterprise.is_in(enterprises)


async def officer_units(actor: Actor) -> Any:
    """A sub-select of the officer's org unit ids (their unit and all below it)."""
    unit = None
    if actor.org_unit_id is not None:
        unit = (
            await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == actor.org_unit_id).first().run()
        )
    if not unit or not unit["path"]:
        return None
    return units_under(unit["path"])


async def officer_enterprises(actor: Actor) -> Any:
    units = await officer_units(actor)
    if units is None:
        return None
    return Enterprise.select(Enterprise.id).where(Enterprise.org_unit.is_in(units))


def _inspector_inspections(actor: Actor) -> Any:
    return InspectionInspector.select(InspectionInspector.inspection).where(
        InspectionInspector.user == actor.user_id
    )


async def campaign_condition(actor: Actor) -> Any:
    actor.require(Role.officer)
    units = await officer_units(actor)
    return Campaign.id == -1 if units is None else Campaign.org_unit.is_in(units)


async def inspection_condition(actor: Actor) -> Any:
    actor.require(*READERS)
    if actor.role == Role.officer:
        enterprises = await officer_enterprises(actor)
        return (
            Inspection.id == -1 if enterprises is None else Inspection.enterprise.is_in(enterprises)
        )
    if actor.role == Role.inspector:
        return Inspection.id.is_in(_inspector_inspections(actor))
    return Inspection.enterprise == (actor.enterprise_id or -1)


async def hazard_condition(actor: Actor) -> Any:
    if actor.role == Role.grid_worker:
        # 网格员: the hazards that came from their own patrol reports (read only).
        return Hazard.id.is_in(
            PatrolReport.select(PatrolReport.hazard).where(
                PatrolReport.reported_by == actor.user_id, PatrolReport.hazard.is_not_null()
            )
        )
    actor.require(*READERS)
    if actor.role == Role.officer:
        enterprises = await officer_enterprises(actor)
        return Hazard.id == -1 if enterprises is None else Hazard.enterprise.is_in(enterprises)
    if actor.role == Role.inspector:
        return Hazard.inspection.is_in(_inspector_inspections(actor))
    return Hazard.enterprise == (actor.enterprise_id or -1)


async def campaign_row(actor: Actor, campaign_id: int) -> dict:
    """The campaign if the officer may see it; 404 otherwise."""
    condition = await campaign_condition(actor)
    row = None
    if is_row_id(campaign_id):
        row = await Campaign.select().where(Campaign.id == campaign_id, condition).first().run()
    if row is None:
        raise NotFound("检查活动不存在")
    return row


async def inspection_row(actor: Actor, inspection_id: int) -> dict:
    """The inspection row if the actor may see it; 404 otherwise."""
    condition = await inspection_condition(actor)
    row = None
    if is_row_id(inspection_id):
        row = (
            await Inspection.select().where(Inspection.id == inspection_id, condition).first().run()
        )
    if row is None:
        raise NotFound("检查不存在")
    return row


async def in_group(actor: Actor, inspection_id: int) -> bool:
    return (
        await InspectionInspector.exists()
        .where(
            InspectionInspector.inspection == inspection_id,
            InspectionInspector.user == actor.user_id,
        )
        .run()
    )


async def hazard_row(actor: Actor, hazard_id: int) -> dict:
    condition = await hazard_condition(actor)
    row = None
    if is_row_id(hazard_id):
        row = await Hazard.select().where(Hazard.id == hazard_id, condition).first().run()
    if row is None:
        raise NotFound("隐患不存在")
    return row


async def active_officers() -> list[tuple[int, str]]:
    """(user id, org unit path) of every active officer with an org unit (one query)."""
    rows = (
        await User.select(User.id, User.org_unit.path)
        .where((User.role == Role.officer) & User.active.eq(True) & User.org_unit.is_not_null())
        .run()
    )
    return [(r["id"], r["org_unit.path"]) for r in rows]


def officers_over_path(path: str | None, officers: list[tuple[int, str]]) -> list[int]:
    """Those of ``officers`` (``active_officers``) whose subtree holds the unit at ``path``."""
    if not path:
        return []
    return [uid for uid, prefix in officers if prefix and path.startswith(prefix)]


async def officers_over(enterprise_id: int) -> list[int]:
    """Active officers whose subtree holds the enterprise's grid (whom news of its hazards
    concerns: a major self-reported hazard, evidence to verify, an extension request)."""
    ent = (
        await Enterprise.select(Enterprise.org_unit.path)
        .where(Enterprise.id == enterprise_id)
        .first()
        .run()
    )
    path = ent and ent["org_unit.path"]
    if not path:
        return []
    # A unit's path ("/1/3/7/") names every unit above it: the officers over the
    # enterprise are those linked to one of them (one indexed query, not every officer).
    units = [int(part) for part in path.strip("/").split("/") if part.isdigit()]
    rows = (
        await User.select(User.id)
        .where((User.role == Role.officer) & User.active.eq(True) & User.org_unit.is_in(units))
        .run()
    )
    return [r["id"] for r in rows]


async def enterprise_contacts(enterprise_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Enterprise id → its active contacts' user ids, for ``enterprise_ids`` or, with None,
    for every enterprise (one query; an enterprise without contacts is left out)."""
    where = (User.role == Role.enterprise) & User.active.eq(True)
    if enterprise_ids is None:
        where &= User.enterprise.is_not_null()
    else:
        ids = list(dict.fromkeys(enterprise_ids))
        if not ids:
            return {}
        where &= User.enterprise.is_in(ids)
    contacts: dict[int, list[int]] = defaultdict(list)
    for r in await User.select(User.id, User.enterprise).where(where).run():
        contacts[r["enterprise"]].append(r["id"])
    return dict(contacts)


async def contacts_of(enterprise_id: int) -> list[int]:
    """The enterprise's active contacts (``enterprise_contacts`` of one)."""
    return (await enterprise_contacts([enterprise_id])).get(enterprise_id, [])
