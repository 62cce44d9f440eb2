"""Checklist library use cases: read the current templates and any version, publish a new
version, load the library from fixtures/checklists/.

Versioning (the product rules: an inspection keeps the version it started with):
- a published version is never edited; a change is a new row with the same ``code`` and
  ``version + 1``, and the older rows stay readable by id;
- "current" is the highest published version of a code;
- publishing content equal to the current version (``rules.fingerprint``) creates nothing:
  the fixture loader can run at every ``safety migrate`` and an unchanged sheet round trip
  makes no new version.

Who: admin, officer, inspector and enterprise contacts read (checklists are not scoped);
only admins publish. Any other role (e.g. a future grid worker) gets 403.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread

from inspections.checklists import rules
from inspections.tables import ChecklistItem, ChecklistSection, ChecklistTemplate
from safety import audit
from safety.actors import SYSTEM, Actor
from safety.db import write_transaction
from safety.errors import NotFound, ValidationFailed
from safety.schemas import MAX_DB_INT
from safety.tables import Role

READERS = (Role.admin, Role.officer, Role.inspector, Role.enterprise)
LIBRARY = Path(__file__).resolve().parents[2] / "fixtures" / "checklists"


async def current_ids() -> list[int]:
    """The ids of the current version of each code: its highest published one. Picked here
    from the published (id, code, version) — a library of tens of templates — so the
    listing stays a plain select (docs/dev/sql.md)."""
    latest: dict[str, tuple[int, int]] = {}
    for r in await ChecklistTemplate.select(
        ChecklistTemplate.id, ChecklistTemplate.code, ChecklistTemplate.version
    ).where(ChecklistTemplate.published.eq(True)):
        if r["code"] not in latest or r["version"] > latest[r["code"]][0]:
            latest[r["code"]] = (r["version"], r["id"])
    return [found for _, found in latest.values()]


def _not_found() -> NotFound:
    return NotFound("检查表不存在")


async def _assemble(templates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Templates with their sections and items (two queries for any number of templates)."""
    if not templates:
        return []
    ids = [t["id"] for t in templates]
    sections = (
        await ChecklistSection.select()
        .where(ChecklistSection.template.is_in(ids))
        .order_by(ChecklistSection.template)
        .order_by(ChecklistSection.position)
        .order_by(ChecklistSection.id)
        .run()
    )
    items = (
        await ChecklistItem.select()
        .where(ChecklistItem.template.is_in(ids))
        .order_by(ChecklistItem.section)
        .order_by(ChecklistItem.position)
        .order_by(ChecklistItem.id)
        .run()
    )
    by_section: dict[int, list[dict]] = {}
    for i in items:
        by_section.setdefault(i["section"], []).append(
            {k: i[k] for k in ("id", *rules.ITEM_FIELDS)}
        )
    by_template: dict[int, list[dict]] = {}
    for s in sections:
        by_template.setdefault(s["template"], []).append(
            {"id": s["id"], "title": s["title"], "items": by_section.get(s["id"], [])}
        )
    out = []
    for t in templates:
        full = {**t, "sections": by_template.get(t["id"], [])}
        full["item_count"] = rules.item_count(full)
        full["major_count"] = rules.major_count(full)
        out.append(full)
    return out


async def list_current(actor: Actor, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """The current published version of each template, by code, with sections and items."""
    actor.require(*READERS)
    ids = await current_ids()
    if not ids:
        return [], 0
    rows = (
        await ChecklistTemplate.select()
        .where(ChecklistTemplate.id.is_in(ids))
        .order_by(ChecklistTemplate.code)
        .limit(limit)
        .offset(offset)
        .run()
    )
    return await _assemble(rows), len(ids)


async def get_checklist(actor: Actor, checklist_id: int) -> dict[str, Any]:
    """One version, current or not (inspections pin versions); 404 when there is none."""
    actor.require(*READERS)
    if not 1 <= checklist_id <= MAX_DB_INT:
        raise _not_found()
    row = await ChecklistTemplate.select().where(ChecklistTemplate.id == checklist_id).first().run()
    if row is None:
        raise _not_found()
    return (await _assemble([row]))[0]


async def versions_of(actor: Actor, code: str) -> list[dict[str, Any]]:
    """Every version of a code, newest first (id, version, created_at, published)."""
    actor.require(*READERS)
    return (
        await ChecklistTemplate.select(
            ChecklistTemplate.id,
            ChecklistTemplate.version,
            ChecklistTemplate.created_at,
            ChecklistTemplate.published,
        )
        .where(ChecklistTemplate.code == code)
        .order_by(ChecklistTemplate.version, ascending=False)
        .run()
    )


async def current_of(code: str) -> dict[str, Any] | None:
    """The current version of ``code`` with sections and items (None: no such code)."""
    row = (
        await ChecklistTemplate.select()
        .where(ChecklistTemplate.code == code, ChecklistTemplate.published.eq(True))
        .order_by(ChecklistTemplate.version, ascending=False)
        .first()
        .run()
    )
    return (await _assemble([row]))[0] if row else None


def validate(data: Any) -> dict[str, Any]:
    """The cleaned template, or a 400 naming every bad field by its path."""
    cleaned = rules.clean_template(data)
    if cleaned.errors:
        raise ValidationFailed("检查表内容有误", cleaned.errors)
    return cleaned.template


@dataclass
class Published:
    checklist: dict[str, Any]
    created: bool  # False: the content equals the current version, nothing was written


async def publish(actor: Actor, data: Any) -> Published:
    """Publish ``data`` as the next version of its code (version 1 for a new code); the
    same content as the current version publishes nothing. Admins only; audited."""
    actor.require(Role.admin)
    template = validate(data)
    async with write_transaction():
        current = await current_of(template["code"])
        if current is not None and rules.fingerprint(current) == rules.fingerprint(template):
            return Published(current, created=False)
        latest = (
            await ChecklistTemplate.select(ChecklistTemplate.version)
            .where(ChecklistTemplate.code == template["code"])
            .order_by(ChecklistTemplate.version, ascending=False)
            .first()
            .run()
        )
        version = latest["version"] + 1 if latest else 1
        new_id = await _insert(template, version)
        await audit.record(
            actor,
            "checklist.publish",
            "checklist_template",
            new_id,
            before={"id": current["id"], "version": current["version"]} if current else None,
            after={
                "code": template["code"],
                "version": version,
                "name": template["name"],
                "items": rules.item_count(template),
                "fingerprint": rules.fingerprint(template),
                **rules.changes(current, template),
            },
        )
        row = await ChecklistTemplate.select().where(ChecklistTemplate.id == new_id).first().run()
        return Published((await _assemble([row]))[0], created=True)


async def _insert(template: dict[str, Any], version: int) -> int:
    t = ChecklistTemplate(
        code=template["code"],
        version=version,
        name=template["name"],
        domain=template["domain"],
        description=template["description"],
        published=True,
    )
    await t.save().run()
    for position, section in enumerate(template["sections"]):
        s = ChecklistSection(template=t.id, title=section["title"], position=position)
        await s.save().run()
        await ChecklistItem.insert(
            *[
                ChecklistItem(
                    template=t.id,
                    section=s.id,
                    position=n,
                    **{k: item[k] for k in rules.ITEM_FIELDS},
                )
                for n, item in enumerate(section["items"])
            ]
        ).run()
    return t.id


# ---------------------------------------------------------------- the fixture library


@dataclass
class LibraryResult:
    created: list[str]  # "code vN" of each new version
    unchanged: list[str]


def read_library(directory: Path = LIBRARY) -> list[tuple[str, Any]]:
    """(file name, template) of every ``*.json`` of the library, in file-name order."""
    return [
        (p.name, json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(directory.glob("*.json"))
    ]


async def load_library(directory: Path = LIBRARY) -> LibraryResult:
    """Publish every template of the library (as the system): a file whose content equals
    its current version is left alone, a changed one becomes a new version. A file that
    does not validate stops the load with a 400 naming the file and the field."""
    result = LibraryResult(created=[], unchanged=[])
    for name, data in await anyio.to_thread.run_sync(read_library, directory):
        try:
            done = await publish(SYSTEM, data)
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"{name}: {exc.detail}",
                [{**e, "key": f"{name}:{e['key']}"} for e in exc.extra],
            ) from exc
        label = f"{done.checklist['code']} v{done.checklist['version']}"
        (result.created if done.created else result.unchanged).append(label)
    return result
