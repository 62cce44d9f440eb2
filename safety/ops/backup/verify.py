"""``safety backup --verify SRC``: check a backup without restoring it.

The manifest against its own sha256; every part (database copy, ``secret_key``) against
the size and sha256 in the manifest; the database copy as a database (SQLite
``integrity_check``; PostgreSQL: ``pg_restore`` reads all of it); every attachment
original the backup names, in the shared store, against its sha256 and size.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safety.files.verify import hash_file
from safety.ops.backup import BackupError, database, read_manifest, resolve_backup, store, store_of


@dataclass
class VerifyReport:
    backup: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    originals: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_part(backup: Path, what: str, expected: dict[str, Any]) -> str:
    path = backup / expected["file"]
    digest, size, why = hash_file(path)
    if digest is None:
        if what == "secret_key":
            return (
                f"secret_key: {path} is missing — without it the restored audit trail "
                "cannot be verified"
            )
        return f"{what}: {path} {why or 'is missing'}"
    if size != expected["size"] or digest != expected["sha256"]:
        return f"{what}: {path} changed since the backup ({size} bytes, sha256 {digest})"
    return ""


async def verify_backup(src: Path) -> VerifyReport:
    backup = resolve_backup(src)
    report = VerifyReport(backup)
    try:
        manifest = read_manifest(backup)
    except BackupError as exc:
        report.problems.append(str(exc))
        return report
    report.manifest = manifest
    parts = manifest["parts"]
    for what in ("database", "secret_key"):
        problem = await asyncio.to_thread(_check_part, backup, what, parts[what])
        if problem:
            report.problems.append(problem)
    db_file = backup / parts["database"]["file"]
    if db_file.is_file():
        problem = await database.check(manifest["engine"], db_file)
        if problem:
            report.problems.append(f"database: {problem}")
    originals = manifest["attachments"]["originals"]
    report.originals = len(originals)
    report.problems += await asyncio.to_thread(store.check_originals, originals, store_of(backup))
    for key, why in (
        ("missing_at_backup", "missing from the data directory"),
        ("damaged_at_backup", "damaged in the data directory"),
    ):
        names = manifest["attachments"].get(key) or []
        if names:
            report.warnings.append(
                f"{len(names)} attachment original(s) were {why} when the backup was made "
                f"and are not in it (first: {names[0]})"
            )
    return report
