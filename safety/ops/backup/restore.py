"""``safety restore SRC [--force]``: a backup into an empty data directory and database.

The backup is verified first (as ``safety backup --verify``); nothing is written when it
fails. The target must be empty — a database without tables and a data directory without
attachment files — unless ``--force`` (then the database is replaced; files already in
the store stay, they are content-addressed). Order: the database, the ``secret_key``, the
originals (each re-hashed while copied), then the display, print and thumbnail copies are
rebuilt from the originals (the backup keeps originals only). Finally the restored
database's row counts are compared with the manifest's.

Only the engine of the backup: a SQLite backup restores into SQLite, a PostgreSQL backup
into PostgreSQL (cross-engine restore is not supported).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safety.ops.backup import SECRET_KEY, BackupError, database, fsync_path, store, store_of
from safety.ops.backup.verify import verify_backup
from safety.settings import get_settings


@dataclass
class RestoreReport:
    backup: Path
    manifest: dict[str, Any]
    originals: store.CopyReport
    rebuilt: int = 0
    not_rebuilt: list[str] = field(default_factory=list)
    count_mismatches: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _has_files(root: Path) -> bool:
    return root.is_dir() and any(p.is_file() for p in root.rglob("*"))


def _write_key(path: Path, key: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.restoring")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    fsync_path(path.parent)


def rebuild_variants(originals: list[str]) -> tuple[int, list[str]]:
    """Make the display, print and thumbnail copies of each original again (as an
    upload does, ``safety.files.store``); (rebuilt, originals that could not be processed)."""
    from concurrent.futures import ThreadPoolExecutor

    from safety.files.images import check
    from safety.files.store import _store_missing, path_of  # the upload's own writer

    settings = get_settings()

    def one(sha: str) -> str:
        data = path_of(sha).read_bytes()
        try:
            # keep_gps=True: the stored original is kept as it is (its GPS, if any, was
            # removed at upload); no pixel cap: the file was accepted once already.
            checked = check(data, keep_gps=True, max_pixels=2**62, timezone=settings.timezone)
            _store_missing(checked)  # the copies an upload makes, from the same code
        except Exception:  # noqa: BLE001 - any failure: reported as not restored
            return sha
        return ""

    with ThreadPoolExecutor(max_workers=max(1, settings.image_workers)) as pool:
        failed = [sha for sha in pool.map(one, originals) if sha]
    return len(originals) - len(failed), failed


async def restore_backup(src: Path, force: bool = False) -> RestoreReport:
    checked = await verify_backup(src)
    if not checked.ok:
        raise BackupError(
            f"{checked.backup} failed its check, nothing restored:\n  "
            + "\n  ".join(checked.problems)
        )
    backup, manifest = checked.backup, checked.manifest
    settings = get_settings()
    url = settings.resolved_database_url
    engine = database.engine_of(url)
    if engine != manifest["engine"]:
        raise BackupError(
            f"this is a {manifest['engine']} backup and DATABASE_URL is {engine}: "
            "restore into the same engine (cross-engine restore is not supported)"
        )
    key = (backup / SECRET_KEY).read_bytes()
    from_env = os.environ.get("SAFETY_SECRET_KEY", "")
    if from_env and from_env.strip() != key.decode().strip():
        raise BackupError(
            "SAFETY_SECRET_KEY is set and is not the backup's key: the restored audit trail "
            "would not verify. Unset it (the key is restored to the data directory)."
        )
    files_root = settings.data_dir / "files"
    busy = []
    found = await database.tables(url)
    if not database.holds_nothing(found):
        busy.append("the database has tables")
    if _has_files(files_root):
        busy.append(f"{files_root} holds files")
    if busy and not force:
        raise BackupError(
            f"the target is not empty ({'; '.join(busy)}): restore into an empty data "
            "directory and database, or add --force to replace them"
        )
    # an empty migration table is dropped too (pg_restore creates its own)
    await database.restore(backup / manifest["parts"]["database"]["file"], url, wipe=bool(found))
    _write_key(settings.data_dir / SECRET_KEY, key)
    originals = manifest["attachments"]["originals"]
    copied = await asyncio.to_thread(store.copy_originals, originals, store_of(backup), files_root)
    report = RestoreReport(backup, manifest, copied)
    if copied.missing or copied.changed:
        raise BackupError(
            f"{len(copied.missing) + len(copied.changed)} original(s) went missing or changed "
            "in the backup while restoring: run safety backup --verify"
        )
    report.rebuilt, report.not_rebuilt = await asyncio.to_thread(
        rebuild_variants, sorted(originals)
    )
    restored = await database.counts(url)
    for table, n in sorted(manifest["counts"].items()):
        if restored.get(table) != n:
            got = restored.get(table)
            report.count_mismatches.append(f"{table}: {got} restored, {n} backed up")
    with contextlib.suppress(KeyError):
        missing = manifest["attachments"]["missing_at_backup"]
        if missing:
            report.warnings.append(
                f"{len(missing)} attachment original(s) were already missing when the "
                "backup was made (safety audit verify lists them)"
            )
    return report
