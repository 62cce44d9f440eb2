"""Backup and restore (``safety backup DEST``, ``safety backup --verify SRC``,
``safety restore SRC``). The design, the decisions and the measured figures are in
docs/dev/backup.md; the operator's page is docs/ops/backup.md.

Layout of a backup destination::

    DEST/
      files/ab/cd/<sha256>        the attachments' originals, shared by every backup
      20261207T023000Z/           one backup (a UTC time stamp: names sort by age)
        manifest.json             what is in it (version, migrations, counts, sha256 of parts)
        manifest.sha256           the manifest's own sha256
        database.sqlite3          SQLite: an online-backup copy (single file, checked)
          or database.pgdump      PostgreSQL: ``pg_dump -Fc`` of one snapshot
        secret_key                the key that signs the audit chain
      .lock                       held while a backup runs (one at a time)

A backup is built in ``DEST/.tmp-…`` and renamed into place once complete, so a crash
never leaves a directory that looks like a backup. Only attachment originals are kept:
the display, print and thumbnail copies are derived from them, and ``restore`` rebuilds them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
STORE = "files"
SECRET_KEY = "secret_key"  # noqa: S105 - the key file's name, not a key
FORMAT = 1
BACKUP_NAME = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")


class BackupError(Exception):
    """A backup, a check or a restore that cannot go on: the message says why and what
    to do (the command prints it as one line)."""


def store_path(store: Path, sha256: str) -> Path:
    """Where an original lives in a content store (the data dir's or a backup's)."""
    return store / sha256[:2] / sha256[2:4] / sha256


def backups_in(dest: Path) -> list[Path]:
    """The complete backups under ``dest``, oldest first."""
    if not dest.is_dir():
        return []
    found = [p for p in dest.iterdir() if BACKUP_NAME.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: p.name)


def resolve_backup(src: Path) -> Path:
    """``src`` itself when it is one backup, else the newest backup under it."""
    if (src / MANIFEST).is_file():
        return src
    found = backups_in(src)
    if not found:
        raise BackupError(f"no backup at {src} (no {MANIFEST} there or in a backup under it)")
    return found[-1]


def store_of(backup: Path) -> Path:
    """The content store a backup's attachments are in: beside the backup."""
    return backup.parent / STORE


def fsync_path(path: Path) -> None:
    """Flush a file's or a directory's entry to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write and flush ``path`` (a new file in a directory still being built)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def write_manifest(backup: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    write_file(backup / MANIFEST, text)
    write_file(backup / MANIFEST_SUM, hashlib.sha256(text).hexdigest().encode() + b"\n")


def read_manifest(backup: Path) -> dict[str, Any]:
    """The manifest, after checking it against its sha256 file."""
    try:
        text = (backup / MANIFEST).read_bytes()
        expected = (backup / MANIFEST_SUM).read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise BackupError(f"{exc.filename} is missing: not a complete backup") from None
    if hashlib.sha256(text).hexdigest() != expected:
        raise BackupError(f"{backup / MANIFEST} does not match {MANIFEST_SUM}: changed or damaged")
    manifest = json.loads(text)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest
