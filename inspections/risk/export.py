"""The 风险分级管控清单 export's rows: the active points of the enterprises the caller may
grade (``inspections.risk.service``'s scope), filtered."""

from __future__ import annotations

from typing import Any

from inspections.risk.service import _colour, _columns, enterprise_row, enterprise_scope, to_out
from inspections.services.scope import is_row_id
from inspections.tables import RiskPoint
from safety.actors import Actor
from safety.orgs import subtree_ids
from safety.tables import Enterprise


async def export_points(
    actor: Actor,
    enterprise_id: int | None = None,
    org_unit_id: int | None = None,
    colour: str | None = None,
) -> list[dict[str, Any]]:
    """Active points of the enterprises ``actor`` may grade, filtered (the 风险分级管控清单
    export). An enterprise contact gets their own; naming another enterprise is a 404."""
    condition = await enterprise_scope(actor)
    conditions = [RiskPoint.active.eq(True)]
    if colour:
        conditions.append(RiskPoint.colour == _colour(colour))
    if enterprise_id is not None:
        await enterprise_row(actor, enterprise_id)
        conditions.append(RiskPoint.enterprise == enterprise_id)
    if org_unit_id is not None:
        units = await subtree_ids(org_unit_id) if is_row_id(org_unit_id) else []
        if not units:
            return []
        condition = condition & Enterprise.org_unit.is_in(units)
    conditions.append(RiskPoint.enterprise.is_in(Enterprise.select(Enterprise.id).where(condition)))
    rows = (
        await RiskPoint.select(*_columns())
        .where(*conditions)
        .order_by(RiskPoint.enterprise)
        .order_by(RiskPoint.id)
        .run()
    )
    return [to_out(r) for r in rows]
