"""Bringing a ledger sheet into the registry: plan (what would change), apply (in batches),
and the uploaded files the import page previews before applying.

Grid column (所属网格): a grid is found by name among the grids of the officer's subtree.
- "寨北社区第1网格" alone works when that name is unique in the subtree (the demo data and
  our export name grids "<community>第N网格", so they are).
- With a 所属社区 column, the pair decides: community "寨北社区" + grid "第1网格" or
  "寨北社区第1网格" both find the grid named "寨北社区第1网格" of 寨北社区. That also settles
  a bare grid name shared by several communities, which alone is an error asking for the
  community.
- A name matching no grid of the subtree is an error on that row (``grid``).

Identity is the 统一社会信用代码: a code not registered creates an enterprise, a code of an
enterprise in the officer's subtree updates only the fields that differ (empty cells change
nothing), a code registered outside their subtree is an error row. Importing the same sheet
twice therefore reports everything ``unchanged`` the second time.

Rows are written in batches of ``BATCH_ROWS``, each batch its own write transaction (with
its audit events), so a 5,000-row sheet never holds the database for long; each batch
re-reads the rows it touches inside its transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread

from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import NotFound, PayloadTooLarge, ValidationFailed
from safety.registry.service import DATA_FIELDS, officer_prefix
from safety.registry.sheets import ParsedSheet, RowError, SheetRow, parse_sheet, read_table
from safety.settings import get_settings
from safety.sheets import pool as parsepool
from safety.sheets.guard import Caps
from safety.tables import Enterprise, OrgUnit, OrgUnitKind, Role

BATCH_ROWS = 500
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")  # secrets.token_urlsafe(18)
UPLOAD_TTL_SECONDS = 24 * 3600


def _parse(filename: str, data: bytes, caps: Caps) -> ParsedSheet:
    return parse_sheet(read_table(filename, data, caps))


async def read_upload(filename: str, data: bytes) -> ParsedSheet:
    """Parse and validate a sheet in a worker process (``safety.sheets.pool.run``: the
    reader holds the GIL), within the upload caps and the time limit (400 naming ``file``)."""
    if len(data) > get_settings().max_upload_bytes:
        raise PayloadTooLarge("文件过大")
    if not data:
        raise ValidationFailed.field("file", "文件为空")
    return await parsepool.run(_parse, filename, data, Caps.from_settings())


# ---------------------------------------------------------------- grids


@dataclass
class Grids:
    by_name: dict[str, list[int]] = field(default_factory=dict)
    by_pair: dict[tuple[str, str], int] = field(default_factory=dict)
    communities: set[str] = field(default_factory=set)

    def resolve(self, community: str, grid: str) -> tuple[int | None, str]:
        """The grid id, or None and why."""
        if community:
            for name in (grid, community + grid):
                if (community, name) in self.by_pair:
                    return self.by_pair[(community, name)], ""
            if community not in self.communities:
                return None, f"辖区内没有名为“{community}”的社区"
            return None, f"“{community}”下没有名为“{grid}”的网格"
        ids = self.by_name.get(grid, [])
        if len(ids) == 1:
            return ids[0], ""
        if len(ids) > 1:
            return None, f"有多个名为“{grid}”的网格，请填写所属社区"
        return None, f"辖区内没有名为“{grid}”的网格"


async def grids_in_scope(actor: Actor) -> Grids:
    grids = Grids()
    prefix = await officer_prefix(actor)
    if prefix is None:
        return grids
    rows = (
        await OrgUnit.select(
            OrgUnit.id, OrgUnit.name, OrgUnit.parent.name.as_alias("community_name")
        )
        .where(OrgUnit.path.like(prefix + "%"), OrgUnit.kind == OrgUnitKind.grid.value)
        .run()
    )
    for r in rows:
        community = r["community_name"] or ""
        grids.by_name.setdefault(r["name"], []).append(r["id"])
        grids.by_pair[(community, r["name"])] = r["id"]
        grids.communities.add(community)
    return grids


# ---------------------------------------------------------------- plan


@dataclass
class RowPlan:
    number: int
    action: str  # create | update | unchanged
    uscc: str
    name: str
    fields: dict[str, Any]  # what create writes, or what update changes
    enterprise_id: int | None = None
    before: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> dict[str, Any]:
        return {
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "errors": [e.as_dict() for e in sorted(self.errors, key=lambda e: e.row)],
        }


def _resolve_grids(sheet: ParsedSheet, grids: Grids) -> tuple[list[SheetRow], list[RowError]]:
    good, errors = [], []
    for row in sheet.rows:
        grid_id, why = grids.resolve(row.community, row.grid)
        if grid_id is None:
            errors.append(RowError(row.number, "grid", why, sheet.column_label("grid")))
        else:
            row.fields["org_unit"] = grid_id
            good.append(row)
    return good, errors


async def _plan_rows(rows: list[SheetRow], prefix: str, sheet: ParsedSheet) -> ImportPlan:
    plan = ImportPlan()
    codes = [r.fields["uscc"] for r in rows]
    existing: dict[str, dict] = {}
    for i in range(0, len(codes), BATCH_ROWS):
        found = (
            await Enterprise.select(
                *Enterprise.all_columns(), Enterprise.org_unit.path.as_alias("unit_path")
            )
            .where(Enterprise.uscc.is_in(codes[i : i + BATCH_ROWS]))
            .run()
        )
        existing.update({e["uscc"]: e for e in found})
    for row in rows:
        code = row.fields["uscc"]
        old = existing.get(code)
        name = row.fields.get("name", "")
        if old is None:
            plan.rows.append(RowPlan(row.number, "create", code, name, row.fields))
            continue
        if not (old["unit_path"] or "").startswith(prefix):
            plan.errors.append(
                RowError(
                    row.number,
                    "uscc",
                    "该统一社会信用代码已登记在您辖区以外的企业，请联系所属街道",
                    sheet.column_label("uscc"),
                )
            )
            continue
        changes = {k: v for k, v in row.fields.items() if k in DATA_FIELDS and old.get(k) != v}
        plan.rows.append(
            RowPlan(
                row.number,
                "update" if changes else "unchanged",
                code,
                name,
                changes,
                old["id"],
                {k: old.get(k) for k in changes},
            )
        )
    return plan


async def plan_import(actor: Actor, sheet: ParsedSheet) -> ImportPlan:
    """What importing ``sheet`` would do, changing nothing (the page's preview)."""
    actor.require(Role.officer)
    prefix = await officer_prefix(actor) or "\x00"
    good, grid_errors = _resolve_grids(sheet, await grids_in_scope(actor))
    plan = await _plan_rows(good, prefix, sheet)
    plan.errors = sheet.errors + grid_errors + plan.errors
    return plan


async def apply_import(
    actor: Actor, sheet: ParsedSheet, batch_rows: int = BATCH_ROWS
) -> ImportPlan:
    """Import the good rows, ``batch_rows`` per write transaction; returns what was done
    (same shape as the preview)."""
    actor.require(Role.officer)
    prefix = await officer_prefix(actor) or "\x00"
    good, grid_errors = _resolve_grids(sheet, await grids_in_scope(actor))
    done = ImportPlan(errors=sheet.errors + grid_errors)
    for i in range(0, len(good), batch_rows):
        chunk = good[i : i + batch_rows]
        async with write_transaction():
            plan = await _plan_rows(chunk, prefix, sheet)
            await _write(actor, plan)
        done.rows += plan.rows
        done.errors += plan.errors
    return done


async def _write(actor: Actor, plan: ImportPlan) -> None:
    creates = [r for r in plan.rows if r.action == "create"]
    if creates:
        await Enterprise.insert(*[Enterprise(**r.fields) for r in creates]).run()
        ids = (
            await Enterprise.select(Enterprise.id, Enterprise.uscc)
            .where(Enterprise.uscc.is_in([r.uscc for r in creates]))
            .run()
        )
        id_of = {r["uscc"]: r["id"] for r in ids}
        for r in creates:
            r.enterprise_id = id_of[r.uscc]
            await audit.record(
                actor, "enterprise.import_create", "enterprise", r.enterprise_id, after=r.fields
            )
    now = dt.datetime.now(dt.UTC)
    for r in plan.rows:
        if r.action != "update":
            continue
        values: dict[Any, Any] = {getattr(Enterprise, k): v for k, v in r.fields.items()}
        values[Enterprise.version] = Enterprise.version + 1
        values[Enterprise.updated_at] = now
        await Enterprise.update(values).where(Enterprise.id == r.enterprise_id).run()
        await audit.record(
            actor,
            "enterprise.import_update",
            "enterprise",
            r.enterprise_id,
            before=r.before,
            after=r.fields,
        )


# ---------------------------------------------------------------- uploaded files


def _imports_dir() -> Path:
    d = get_settings().data_dir / "imports"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _store_sync(actor_id: int, filename: str, data: bytes) -> str:
    d = _imports_dir()
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for old in d.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (d / f"{token}.bin").write_bytes(data)
    meta = {"user_id": actor_id, "filename": filename, "at": time.time()}
    (d / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


async def store_upload(actor: Actor, filename: str, data: bytes) -> str:
    """Keep an uploaded sheet under ``data_dir/imports/<random>`` for preview → confirm
    (kept 24 hours); returns its token."""
    actor.require(Role.officer)
    return await anyio.to_thread.run_sync(_store_sync, actor.user_id, filename, data)


def _load_sync(token: str) -> tuple[dict, bytes] | None:
    if not _TOKEN.fullmatch(token):  # exactly what _store_sync makes: no path, no odd length
        return None
    d = _imports_dir()
    meta, blob = d / f"{token}.json", d / f"{token}.bin"
    if not meta.exists() or not blob.exists():
        return None
    return json.loads(meta.read_text(encoding="utf-8")), blob.read_bytes()


async def load_upload(actor: Actor, token: str) -> tuple[str, bytes]:
    """(filename, bytes) of an upload of this officer's; 404 for anyone else's or a gone one."""
    actor.require(Role.officer)
    found = await anyio.to_thread.run_sync(_load_sync, token)
    if found is None or found[0].get("user_id") != actor.user_id:
        raise NotFound("导入文件不存在或已过期", object_type="import_upload")
    return found[0].get("filename") or "", found[1]
