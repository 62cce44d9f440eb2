"""Importing a 风险分级管控清单 sheet into one enterprise's register.

Identity is the risk point's name within the enterprise (unique by a database index): a
name not there creates a point, a name there updates only the fields that differ (empty
cells change nothing), so importing the same sheet twice, or re-importing an export,
reports everything ``unchanged`` the second time. A row whose 统一社会信用代码 cell names
another enterprise (an officer's export covers many) is an error row, never written to
the wrong register. Good rows land, bad rows come back with row, field, column and reason.

The sheet is parsed in a worker process (``safety.sheets.pool``); the rows are validated
with ``clean_point`` (the same as the API and the pages) against the stored points, and
written in one write transaction with their audit events and the colour roll-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inspections.risk.cleaning import clean_point
from inspections.risk.service import (
    audit_of,
    bands,
    db_values,
    enterprise_row,
    refresh_colour,
    stored_of,
    to_out,
)
from inspections.risk.sheets import ParsedSheet, SheetRow, read_and_parse
from inspections.tables import RiskPoint
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import PayloadTooLarge, ValidationFailed
from safety.settings import get_settings
from safety.sheets import pool as parsepool
from safety.sheets.guard import Caps
from safety.sheets.table import RowError

INSERT_ROWS = 500


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    enterprise_colour: str | None = None
    new: list[dict[str, Any]] = field(default_factory=list)  # points to create

    def summary(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in sorted(self.errors, key=lambda e: e.row)],
        }


async def read_upload(filename: str, data: bytes) -> ParsedSheet:
    if len(data) > get_settings().max_upload_bytes:
        raise PayloadTooLarge("文件过大")
    if not data:
        raise ValidationFailed.field("file", "文件为空")
    return await parsepool.run(read_and_parse, filename, data, Caps.from_settings())


async def import_points(
    actor: Actor, enterprise_id: int, filename: str, data: bytes
) -> ImportResult:
    """Bring the sheet into the enterprise's register (officer of its subtree, or its own
    contact); 404 outside one's scope, 400 naming ``file`` for an unreadable sheet."""
    enterprise = await enterprise_row(actor, enterprise_id)
    sheet = await read_upload(filename, data)
    result = ImportResult(errors=list(sheet.errors))
    lec, ls = bands()
    async with write_transaction():
        stored = await RiskPoint.select().where(RiskPoint.enterprise == enterprise_id).run()
        by_name = {r["name"]: to_out(r) for r in stored}
        now = dt.datetime.now(dt.UTC)
        for row in sheet.rows:
            if row.uscc and row.uscc != enterprise["uscc"]:
                result.errors.append(
                    RowError(
                        row.number,
                        "uscc",
                        f"此行属于其他企业（{row.uscc}），未导入到{enterprise['name']}",
                        sheet.column_label("uscc"),
                    )
                )
                continue
            await _apply_row(actor, enterprise_id, sheet, row, by_name, result, lec, ls, now)
        await _insert_new(actor, enterprise_id, result)
        _, result.enterprise_colour = await refresh_colour(enterprise_id)
    return result


async def _apply_row(
    actor: Actor,
    enterprise_id: int,
    sheet: ParsedSheet,
    row: SheetRow,
    by_name: dict[str, dict],
    result: ImportResult,
    lec: Any,
    ls: Any,
    now: dt.datetime,
) -> None:
    existing = by_name.get(row.values["name"])
    base = stored_of(existing) if existing else None
    cleaned = clean_point(row.values, base=base, lec_bands=lec, ls_bands=ls)
    if cleaned.errors:
        for e in cleaned.errors:
            result.errors.append(
                RowError(row.number, e["key"], e["message"], sheet.column_label(e["key"]))
            )
        return
    if existing is None:
        result.new.append(cleaned.fields)  # inserted together at the end
        return
    changes = {k: v for k, v in cleaned.fields.items() if base.get(k) != v}
    if not changes:
        result.unchanged += 1
        return
    values: dict[Any, Any] = {getattr(RiskPoint, k): v for k, v in db_values(changes).items()}
    values[RiskPoint.version] = RiskPoint.version + 1
    values[RiskPoint.updated_at] = now
    await RiskPoint.update(values).where(RiskPoint.id == existing["id"]).run()
    await audit.record(
        actor,
        "risk_point.import_update",
        "risk_point",
        existing["id"],
        before=audit_of({k: base.get(k) for k in changes}),
        after=audit_of(changes),
    )
    result.updated += 1


async def _insert_new(actor: Actor, enterprise_id: int, result: ImportResult) -> None:
    """Insert the new points in a few statements (not one per row), then audit each."""
    for i in range(0, len(result.new), INSERT_ROWS):
        chunk = result.new[i : i + INSERT_ROWS]
        await RiskPoint.insert(
            *[
                RiskPoint(enterprise=enterprise_id, created_by=actor.user_id, **db_values(fields))
                for fields in chunk
            ]
        ).run()
        rows = (
            await RiskPoint.select(RiskPoint.id, RiskPoint.name)
            .where(
                RiskPoint.enterprise == enterprise_id,
                RiskPoint.name.is_in([fields["name"] for fields in chunk]),
            )
            .run()
        )
        id_of = {r["name"]: r["id"] for r in rows}
        for fields in chunk:
            await audit.record(
                actor,
                "risk_point.import_create",
                "risk_point",
                id_of[fields["name"]],
                after={**audit_of(fields), "enterprise": enterprise_id},
            )
    result.created += len(result.new)
    result.new = []
