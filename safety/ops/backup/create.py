"""``safety backup DEST``: one consistent backup, then keep the newest N.

Order matters: the database snapshot first, then the originals its attachment rows name.
An upload writes its files before its row commits (safety.files.store), so every row in the
snapshot has its original on disk already; uploads after the snapshot are simply not in
this backup.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from safety.files.verify import hash_file
from safety.ops.backup import (
    FORMAT,
    SECRET_KEY,
    BackupError,
    backups_in,
    database,
    fsync_path,
    read_manifest,
    store,
    store_of,
    write_file,
    write_manifest,
)
from safety.settings import get_settings


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    copy: store.CopyReport
    pruned: list[str]
    swept: int


def app_version() -> str:
    try:
        return version("safety")
    except PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def locked(dest: Path) -> Iterator[None]:
    """One backup (or prune) at a time under ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    with open(dest / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"another backup is running in {dest}") from None
        yield


def _new_name(dest: Path, at: dt.datetime) -> str:
    base = at.strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while (dest / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def part(path: Path) -> dict[str, Any]:
    digest, size, why = hash_file(path)
    if digest is None:
        raise BackupError(f"cannot read {path}: {why or 'missing'}")
    return {"file": path.name, "sha256": digest, "size": size}


async def make_backup(dest: Path, keep: int | None = None) -> BackupResult:
    """A new backup under ``dest`` (an absolute path), then the pruning."""
    settings = get_settings()
    keep = settings.backup_keep if keep is None else keep
    url = settings.resolved_database_url
    with locked(dest):
        started = time.perf_counter()
        created_at = dt.datetime.now(dt.UTC)
        name = _new_name(dest, created_at)
        tmp = dest / f".tmp-{name}-{os.getpid()}"
        tmp.mkdir()
        try:
            snap = await database.snapshot(url, tmp)
            seconds = {"database": time.perf_counter() - started}
            write_file(
                tmp / SECRET_KEY, (settings.secret_key.get_secret_value() + "\n").encode(), 0o600
            )
            copy = await asyncio.to_thread(
                store.copy_originals, snap.originals, settings.data_dir / "files", store_of(tmp)
            )
            seconds["attachments"] = time.perf_counter() - started - seconds["database"]
            absent = set(copy.missing)  # a set: 72,000 missing names made a list scan O(n²)
            originals = {sha: size for sha, size in snap.originals.items() if sha not in absent}
            manifest = {
                "format": FORMAT,
                "app_version": app_version(),
                "engine": snap.engine,
                "tools": snap.tools,
                "created_at": created_at.isoformat(timespec="seconds"),
                "duration_seconds": round(time.perf_counter() - started, 3),
                "phase_seconds": {k: round(v, 3) for k, v in seconds.items()},
                "migrations": snap.migrations,
                "migration_heads": {app: ids[-1] for app, ids in snap.migrations.items() if ids},
                "counts": snap.counts,
                "parts": {
                    "database": part(tmp / snap.file),
                    "secret_key": part(tmp / SECRET_KEY),
                },
                "attachments": {
                    "originals": originals,
                    "bytes": sum(v or 0 for v in originals.values()),
                    "copied": copy.copied,
                    "copied_bytes": copy.copied_bytes,
                    "already_stored": copy.present,
                    # Named by a row but not in the data directory when the backup was made
                    # (``safety audit verify`` reports them on the server too).
                    "missing_at_backup": sorted(copy.missing),
                    "damaged_at_backup": sorted(copy.changed),
                },
            }
            write_manifest(tmp, manifest)
            fsync_path(tmp)
            target = dest / name
            os.rename(tmp, target)
            fsync_path(dest)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pruned, swept = prune(dest, keep)
    return BackupResult(target, manifest, copy, pruned, swept)


def prune(dest: Path, keep: int) -> tuple[list[str], int]:
    """Remove all but the newest ``keep`` backups, unfinished ones (``.tmp-…``: the lock
    is held, so none is in progress), then the originals no kept backup names. When a
    kept backup's manifest cannot be read, no original is removed."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    found = backups_in(dest)
    old = found[:-keep]
    for backup in old:
        shutil.rmtree(backup)
    for leftover in dest.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    referenced: set[str] = set()
    for backup in found[-keep:]:
        try:
            referenced.update(read_manifest(backup)["attachments"]["originals"])
        except (BackupError, KeyError, ValueError):
            return [b.name for b in old], 0
    swept = store.sweep(dest / "files", referenced)
    return [b.name for b in old], swept
