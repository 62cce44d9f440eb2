"""Loading a new checklist version from a sheet: keep the upload, plan (what would change
against the current version), then publish on confirmation — the registry import's
preview → confirm, for one template at a time.

The upload is kept under ``data_dir/imports/checklists/<token>`` for 24 hours with who
uploaded it and the template's code, name, domain and description as given on the form;
confirming re-reads and re-checks it against the library as it is then.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread

from inspections.checklists import rules, service, sheets
from safety.actors import Actor
from safety.errors import NotFound
from safety.settings import get_settings
from safety.sheets import pool as parsepool
from safety.sheets.guard import Caps
from safety.sheets.table import RowError
from safety.tables import Role

_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")  # secrets.token_urlsafe(18)
UPLOAD_TTL_SECONDS = 24 * 3600


@dataclass
class ImportPlan:
    code: str
    name: str
    current: dict[str, Any] | None  # the current version of the code (None: a new code)
    template: dict[str, Any]  # what would be published
    errors: list[RowError] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    unchanged: bool = False
    published: dict[str, Any] | None = None  # after applying: the version now current

    @property
    def next_version(self) -> int:
        return (self.current["version"] + 1) if self.current else 1


def _dir() -> Path:
    d = get_settings().data_dir / "imports" / "checklists"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _store_sync(meta: dict[str, Any], data: bytes) -> str:
    d = _dir()
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for old in d.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (d / f"{token}.bin").write_bytes(data)
    (d / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def _load_sync(token: str) -> tuple[dict[str, Any], bytes] | None:
    if not _TOKEN.fullmatch(token):
        return None
    d = _dir()
    meta, blob = d / f"{token}.json", d / f"{token}.bin"
    if not meta.exists() or not blob.exists():
        return None
    return json.loads(meta.read_text(encoding="utf-8")), blob.read_bytes()


async def store_upload(actor: Actor, form: dict[str, str], filename: str, data: bytes) -> str:
    """Keep an upload for preview → confirm; returns its token. Admins only."""
    actor.require(Role.admin)
    meta = {**form, "user_id": actor.user_id, "filename": filename, "at": time.time()}
    return await anyio.to_thread.run_sync(_store_sync, meta, data)


async def load_upload(actor: Actor, token: str) -> tuple[dict[str, Any], bytes]:
    """(form and file name, bytes) of this admin's upload; 404 for anyone else's or a gone one."""
    actor.require(Role.admin)
    found = await anyio.to_thread.run_sync(_load_sync, token)
    if found is None or found[0].get("user_id") != actor.user_id:
        raise NotFound("导入文件不存在或已过期")
    return found


async def plan(actor: Actor, form: dict[str, str], filename: str, data: bytes) -> ImportPlan:
    """Read the sheet (in a parsing worker process, within the upload caps), check it,
    and compare it with the current version of ``form["code"]``. Name, domain and
    description default to the current version's, so a sheet of items alone is enough for
    a new version."""
    actor.require(Role.admin)
    code = (form.get("code") or "").strip()
    current = await service.current_of(code) if code else None
    name = (form.get("name") or "").strip() or (current["name"] if current else "")
    domain = (form.get("domain") or "").strip() or (current["domain"] if current else "")
    description = current["description"] if current else ""
    sheet = await parsepool.run(sheets.read_sheet, filename, data, Caps.from_settings())
    template = sheets.check(sheet, code, name, domain, description)
    result = ImportPlan(code, name, current, template, errors=sheet.errors)
    if not sheet.errors:
        result.changes = rules.changes(current, template)
        result.unchanged = current is not None and (
            rules.fingerprint(current) == rules.fingerprint(template)
        )
    return result


async def apply(actor: Actor, token: str) -> ImportPlan:
    """Publish a kept upload if it is still valid (nothing is written when it has errors
    or equals the current version)."""
    meta, data = await load_upload(actor, token)
    result = await plan(actor, meta, meta.get("filename") or "", data)
    if not result.errors:
        done = await service.publish(actor, result.template)
        result.published = done.checklist
    return result
