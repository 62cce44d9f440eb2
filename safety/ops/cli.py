"""``safety audit verify``, ``safety backup`` and ``safety restore``: the commands that check
and keep the data (registered on ``safety.cli.main``). Output in English, like every command."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from safety.files.verify import FileProblem
    from safety.ops.backup.create import BackupResult
    from safety.ops.backup.verify import VerifyReport


@click.group(help="Audit trail commands.")
def audit() -> None:
    pass


@audit.command(
    "verify",
    help="Recompute the audit chain and name the first bad row; then re-hash every stored "
    "original the attachments reference and name each file missing or changed, and each "
    "attachment no upload event records. Exit 1 on any problem.",
)
@click.option(
    "--files/--no-files",
    "check_files",
    default=True,
    show_default=True,
    help="Also check the stored files (--no-files: the chain only, in seconds).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Threads hashing files at once (default: two per core, 2 to 8).",
)
def audit_verify(check_files: bool, workers: int | None) -> None:
    import time

    from safety.audit import verify_chain

    started = time.perf_counter()
    report = asyncio.run(verify_chain())
    seconds = time.perf_counter() - started
    failed = not report.ok
    if report.ok:
        click.echo(f"OK: {report.checked} audit events, chain intact ({seconds:.1f} s)")
    else:
        click.echo(
            f"FAILED at audit event id {report.first_bad_id}: {report.reason} "
            f"({report.checked} events before it are intact)",
            err=True,
        )
    if check_files:
        failed = _verify_files(workers) or failed
    if failed:
        sys.exit(1)


_PROBLEMS = {
    "missing": "MISSING",
    "changed": "CHANGED",
    "unrecorded": "NO UPLOAD EVENT",
    "relinked": "NOT AS UPLOADED",
    "removed": "ROW REMOVED",
}


def _verify_files(workers: int | None) -> bool:
    """Check the stored files (``files.verify_store``); print one line per problem and a
    summary. True when there is a problem."""
    from safety.files.store import files_root
    from safety.files.verify import verify_store

    store = asyncio.run(verify_store(workers=workers))
    for p in store.problems:
        click.echo(f"{_PROBLEMS[p.kind]}: {_describe(p)}", err=True)
    mb = store.bytes / 1_000_000
    rate = f", {store.files / store.seconds:.0f} files/s, {mb / store.seconds:.1f} MB/s"
    click.echo(
        f"files: {store.files} checked ({store.rows} attachments, {mb:.1f} MB), "
        f"{store.count('missing')} missing, {store.count('changed')} changed, "
        f"{store.count('unrecorded') + store.count('relinked')} not as uploaded, "
        f"{store.count('removed')} rows removed; "
        f"{store.seconds:.1f} s{rate if store.files and store.seconds > 0 else ''}"
    )
    if store.files and store.count("missing") == store.files:
        click.echo(
            f"note: no stored file was found under {files_root()} — "
            "is SAFETY_DATA_DIR the server's data directory?",
            err=True,
        )
    if store.ok:
        click.echo("OK: every stored file matches its sha256 and its upload event")
    return not store.ok


def _describe(p: FileProblem) -> str:
    """One problem, for IT staff: the attachment row(s), the file, what is wrong."""
    refs = []
    for row in p.rows[:5]:
        owner = f" ({row['owner_type']} {row['owner_id']}, {row['kind']})" if row["kind"] else ""
        refs.append(f"attachment {row['id']}{owner}")
    if len(p.rows) > 5:
        refs.append(f"and {len(p.rows) - 5} more attachments")
    who = ", ".join(refs)
    if p.kind == "missing":
        why = f" ({p.detail})" if p.detail else ""
        return f"{p.path}{why} — the original of {who} is not in the store"
    if p.kind == "changed":
        return f"{p.path} — bytes changed since upload (they now hash to {p.detail}); used by {who}"
    if p.kind == "unrecorded":
        return f"{who}, sha256 {p.sha256} — no upload event in the audit trail records these bytes"
    if p.kind == "relinked":
        return f"{who} now names sha256 {p.sha256}; {p.detail}"
    return f"{who} (sha256 {p.sha256}) — recorded by its upload event, no longer in the database"


@click.command(
    help="Back up to DEST (a consistent snapshot while the server runs: database, "
    "attachment originals, secret_key, manifest); keeps the newest SAFETY_BACKUP_KEEP. "
    "With --verify, check the backup at PATH (or the newest under it) without restoring."
)
@click.argument("path", type=click.Path(path_type=Path, resolve_path=True))
@click.option("--verify", is_flag=True, help="Check the backup at PATH instead of making one.")
def backup(path: Path, verify: bool) -> None:
    from safety.ops.backup import BackupError
    from safety.ops.backup.cli_report import print_backup, print_verify

    action = "backup.verify" if verify else "backup.create"
    try:
        failed = (
            print_verify(asyncio.run(_verify(path)))
            if verify
            else print_backup(asyncio.run(_backup(path)))
        )
    except BackupError as exc:
        _log_run(action, path, ok=False)
        raise click.ClickException(str(exc)) from exc
    _log_run(action, path, ok=not failed)
    if failed:
        sys.exit(1)


def _log_run(action: str, path: Path, ok: bool) -> None:
    """One audit line per backup, verification or restore run (``safety.logs``): the
    command line is the operator, so no user is named."""
    from safety.logs import audit_event

    audit_event(action, None, "cli", success=ok, path=str(path))


async def _backup(path: Path) -> BackupResult:
    from safety.ops.backup.create import make_backup

    return await make_backup(path)


async def _verify(path: Path) -> VerifyReport:
    from safety.ops.backup.verify import verify_backup

    return await verify_backup(path)


@click.command(
    help="Restore the backup at SRC (or the newest under it) into the empty data directory "
    "and database of this configuration. Stop the server first."
)
@click.argument("src", type=click.Path(path_type=Path, exists=True))
@click.option("--force", is_flag=True, help="Replace a database and data directory in use.")
def restore(src: Path, force: bool) -> None:
    from safety.ops.backup import BackupError
    from safety.ops.backup.cli_report import print_restore
    from safety.ops.backup.restore import restore_backup

    try:
        failed = print_restore(asyncio.run(restore_backup(src, force)))
    except BackupError as exc:
        _log_run("restore", src, ok=False)
        raise click.ClickException(str(exc)) from exc
    _log_run("restore", src, ok=not failed)
    if failed:
        sys.exit(1)
