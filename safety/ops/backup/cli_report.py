"""What ``safety backup`` and ``safety restore`` print (English, like every command);
each returns True when the command should exit 1."""

from __future__ import annotations

import click

from safety.ops.backup.create import BackupResult
from safety.ops.backup.restore import RestoreReport
from safety.ops.backup.verify import VerifyReport


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def print_backup(r: BackupResult) -> bool:
    m = r.manifest
    a = m["attachments"]
    rows = sum(m["counts"].values())
    click.echo(
        f"backup {r.path}: {m['engine']}, {rows} rows in {len(m['counts'])} tables, "
        f"database {_mb(m['parts']['database']['size'])}; attachments "
        f"{len(a['originals'])} ({_mb(a['bytes'])}), {r.copy.copied} copied "
        f"({_mb(r.copy.copied_bytes)}), {r.copy.present} already stored; "
        f"{m['duration_seconds']:.1f} s"
    )
    for key, why in (("missing_at_backup", "MISSING"), ("damaged_at_backup", "CHANGED")):
        for sha in a[key][:20]:
            click.echo(f"{why} in the data directory, not backed up: {sha}", err=True)
        if len(a[key]) > 20:
            click.echo(f"… and {len(a[key]) - 20} more {why.lower()}", err=True)
    if r.pruned or r.swept:
        click.echo(f"pruned: {len(r.pruned)} old backup(s), {r.swept} original(s) no longer used")
    return False


def print_verify(r: VerifyReport) -> bool:
    for problem in r.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    for warning in r.warnings:
        click.echo(f"warning: {warning}", err=True)
    if r.ok:
        m = r.manifest
        click.echo(
            f"OK: {r.backup} ({m['engine']}, made {m['created_at']}): manifest, database, "
            f"secret_key and {r.originals} attachment originals match"
        )
    return not r.ok


def print_restore(r: RestoreReport) -> bool:
    m = r.manifest
    click.echo(
        f"restored {r.backup} (made {m['created_at']}, {m['engine']}): database, secret_key, "
        f"{r.originals.copied + r.originals.present} attachment originals, "
        f"{r.rebuilt} sets of display/print/thumbnail copies rebuilt"
    )
    for sha in r.not_rebuilt:
        click.echo(f"warning: could not rebuild the copies of {sha}", err=True)
    for warning in r.warnings:
        click.echo(f"warning: {warning}", err=True)
    for line in r.count_mismatches:
        click.echo(f"COUNT MISMATCH: {line}", err=True)
    if not r.count_mismatches:
        click.echo(f"row counts match the manifest ({len(m['counts'])} tables)")
        click.echo("next: safety migrate (if the code is newer), then safety audit verify")
    return bool(r.count_mismatches)
