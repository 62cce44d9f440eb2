"""The ``safety`` command: migrate, createuser, serve, demo, audit verify, backup, restore."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from safety.settings import get_settings


def run(coro):
    return asyncio.run(coro)


def _is_database_error(exc: BaseException) -> bool:
    import errno
    import socket
    import sqlite3

    import asyncpg

    if isinstance(exc, sqlite3.Error | asyncpg.PostgresError | asyncpg.InterfaceError):
        return True  # missing database, bad login, a file that is not a database …
    # A server that refuses, cannot be found or cannot be routed to (not any OSError:
    # a missing fixture file is not a database problem).
    unreachable = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN}
    return isinstance(exc, ConnectionError | socket.gaierror | TimeoutError) or (
        type(exc) is OSError and exc.errno in unreachable
    )


class SafetyGroup(click.Group):
    """Turns a database that cannot be reached into one clear line instead of a
    traceback (every command touches the database, most of them before anything else)."""

    def invoke(self, ctx: click.Context):
        from pydantic import ValidationError

        from safety.migrations import NewerDatabase

        try:
            return super().invoke(ctx)
        except NewerDatabase as exc:
            raise click.ClickException(str(exc)) from exc
        except ValidationError as exc:  # the settings (one line, no traceback)
            from safety.settings import describe_settings_error

            raise click.ClickException(describe_settings_error(exc)) from exc
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            url = get_settings().resolved_database_url
            if "@" in url:
                url = url.split("://")[0] + "://…@" + url.split("@", 1)[1]
            raise click.ClickException(
                f"database error at {url}: {type(exc).__name__}: {exc}"
            ) from exc


@click.group(cls=SafetyGroup, help="安全生产双重预防检查与整改跟踪系统 — management commands.")
def main() -> None:
    from safety.logs import configure

    configure()  # the settings are checked here, before any command runs


def _load_checklists() -> None:
    """The checklist library of fixtures/checklists/: unchanged templates stay as they
    are, a changed one becomes a new version."""
    from inspections.checklists.service import load_library

    done = run(load_library())
    if done.created:
        click.echo(f"checklists published: {', '.join(done.created)}")
    click.echo(f"checklists unchanged: {len(done.unchanged)}")


@main.command(
    help="Apply pending migrations and load the checklist library (idempotent). Refuses a "
    "database migrated by a newer version. Take a backup first (safety backup)."
)
def migrate() -> None:
    from safety.migrations import apply_migrations

    n = run(apply_migrations())
    click.echo(f"applied {n} migration(s)" if n else "database is up to date")
    _load_checklists()


@main.command(help="Create a user. Refuses a duplicate username or a weak password.")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["admin", "officer", "inspector", "enterprise"])
)
@click.option("--display-name", default="")
@click.option("--enterprise-id", type=int, default=None)
@click.option("--org-unit-id", type=int, default=None)
@click.option("--agency-id", type=int, default=None)
def createuser(username, password, role, display_name, enterprise_id, org_unit_id, agency_id):
    from pydantic import ValidationError

    from safety.accounts import NewUser, create_user
    from safety.auth import SYSTEM
    from safety.errors import DomainError

    try:
        data = NewUser(
            username=username,
            password=password,
            role=role,
            display_name=display_name or username,
            enterprise_id=enterprise_id,
            org_unit_id=org_unit_id,
            agency_id=agency_id,
        )
    except ValidationError as exc:
        reasons = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(f"user not created: {reasons}") from exc
    try:
        user = run(create_user(SYSTEM, data))
    except DomainError as exc:
        from safety.i18n import english  # the command speaks English: the English halves

        reasons = "; ".join(english(e["message"]) for e in exc.extra) or english(exc.detail)
        raise click.ClickException(f"user not created: {reasons}") from exc
    click.echo(f"created user {user['username']} (id {user['id']}, role {user['role']})")


def _refuse_pending_migrations() -> None:
    """Stop unless the database is exactly as migrated as the code: neither behind (pending
    migrations) nor ahead (``NewerDatabase``, see safety.migrations)."""
    from safety.migrations import pending_migrations, refuse_newer_database

    async def check():
        await refuse_newer_database()
        return await pending_migrations()

    todo = run(check())
    if todo:
        listing = "\n".join(f"  {app}: {mid} ({desc})" for app, mid, desc in todo)
        raise click.ClickException(
            f"{len(todo)} migration(s) not applied:\n{listing}\nApply them with:  safety migrate"
        )


def _serve(host: str, port: int, workers: int) -> None:
    """uvicorn believes X-Forwarded-For/-Proto only from SAFETY_TRUSTED_PROXIES: the app's
    client address (audit, login records) and scheme come from there (safety.web)."""
    import uvicorn

    uvicorn.run(
        "safety.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=get_settings().trusted_proxies,
        log_config=None,  # uvicorn's loggers go through safety.logs (one format)
        access_log=False,  # the access line is safety.access's (SAFETY_ACCESS_LOG)
    )


@main.command(
    help="Serve the app with uvicorn. Refuses to start with pending migrations, or on a "
    "database migrated by a newer version."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    _refuse_pending_migrations()
    _serve(host, port, workers)


@main.command(help="Migrate, load the demo data if the database is empty, print logins, serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database only.")
def demo(host: str, port: int, no_serve: bool) -> None:
    from safety.demo import DEMO_LOGINS, load_demo
    from safety.logs import without_audit_lines
    from safety.migrations import apply_migrations

    run(apply_migrations())
    _load_checklists()
    with without_audit_lines():
        loaded = run(load_demo())
    click.echo("demo data loaded" if loaded else "database not empty: demo data left as it is")
    click.echo(f"\n  URL: http://{host}:{port}/\n")
    for role, username, password in DEMO_LOGINS:
        click.echo(f"  {role:<11} {username:<14} {password}")
    click.echo("")
    if not no_serve:
        _serve(host, port, 1)


@main.group(help="Audit trail commands.")
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
    report = run(verify_chain())
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
    from safety.files import files_root
    from safety.files_verify import verify_store

    store = run(verify_store(workers=workers))
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


def _describe(p) -> str:
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


@main.command(
    help="Back up to DEST (a consistent snapshot while the server runs: database, "
    "attachment originals, secret_key, manifest); keeps the newest SAFETY_BACKUP_KEEP. "
    "With --verify, check the backup at PATH (or the newest under it) without restoring."
)
@click.argument("path", type=click.Path(path_type=Path, resolve_path=True))
@click.option("--verify", is_flag=True, help="Check the backup at PATH instead of making one.")
def backup(path: Path, verify: bool) -> None:
    from safety.backup import BackupError
    from safety.backup.cli_report import print_backup, print_verify

    action = "backup.verify" if verify else "backup.create"
    try:
        failed = print_verify(run(_verify(path))) if verify else print_backup(run(_backup(path)))
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


async def _backup(path: Path):
    from safety.backup.create import make_backup

    return await make_backup(path)


async def _verify(path: Path):
    from safety.backup.verify import verify_backup

    return await verify_backup(path)


@main.command(
    help="Restore the backup at SRC (or the newest under it) into the empty data directory "
    "and database of this configuration. Stop the server first."
)
@click.argument("src", type=click.Path(path_type=Path, exists=True))
@click.option("--force", is_flag=True, help="Replace a database and data directory in use.")
def restore(src: Path, force: bool) -> None:
    from safety.backup import BackupError
    from safety.backup.cli_report import print_restore
    from safety.backup.restore import restore_backup

    try:
        failed = print_restore(run(restore_backup(src, force)))
    except BackupError as exc:
        _log_run("restore", src, ok=False)
        raise click.ClickException(str(exc)) from exc
    _log_run("restore", src, ok=not failed)
    if failed:
        sys.exit(1)


@main.command(
    help="Send today's reminder digests (due, overdue, waiting for verification, pending "
    "extensions): one per person and day; running it again that day sends nothing twice. "
    "Run it daily from cron or a systemd timer."
)
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to remind for (default: today in SAFETY_TIMEZONE).",
)
def remind(day) -> None:
    from rectification.reminders import run_reminders
    from safety.db import close_pool, open_pool

    async def go():
        await open_pool()
        try:
            return await run_reminders(day.date() if day else None)
        finally:
            await close_pool()

    _refuse_pending_migrations()
    r = run(go())
    d = r.deliveries
    click.echo(
        f"{r.day}: new hazards {r.hazards_new}, due {r.hazards_due}, overdue {r.hazards_overdue}, "
        f"waiting verification {r.waiting_verification}, pending extensions "
        f"{r.pending_extensions}, patrol reports untriaged {r.patrol_untriaged}; "
        f"digests new {r.digests_created}, already sent "
        f"{r.digests_existing}; deliveries sent {d.get('sent', 0)}, failed {d.get('failed', 0)}"
    )


@main.command("info", help="Show the configuration in effect (no secrets).")
def info() -> None:
    s = get_settings()
    url = s.resolved_database_url
    if "@" in url:
        url = url.split("://")[0] + "://…@" + url.split("@", 1)[1]
    click.echo(f"database: {url}\ndata dir: {s.data_dir}\ntime zone: {s.timezone}")


@main.command("pdf-fonts", help="Find the CJK font and build the PDF fonts (once; idempotent).")
def pdf_fonts() -> None:
    from safety.reports import fonts

    source = fonts.find_source("regular")
    if source is None:
        raise click.ClickException(fonts.INSTALL_HINT)
    for weight in ("regular", "bold"):
        path = fonts.main_font(weight)
        click.echo(f"{weight}: {path or 'no system font of this weight (regular is used)'}")


@main.command(
    "bench-data",
    help="Fill the database (DATABASE_URL, migrated) with synthetic data at scale for "
    "benchmarks: org tree, enterprises, campaigns, batches, inspections, hazards in every "
    "state with their histories and extensions, over the year up to today.",
)
@click.option("--enterprises", type=click.IntRange(1, 10_000_000), default=5000, show_default=True)
@click.option("--hazards", type=click.IntRange(0, 100_000_000), default=72000, show_default=True)
@click.option("--seed", type=click.IntRange(0, 9999), default=1, show_default=True)
@click.option(
    "--patrol-reports",
    type=click.IntRange(0, 10_000_000),
    default=72000,
    show_default=True,
    help="grid patrol reports per street (with photo metadata, triaged in every state)",
)
@click.option(
    "--patrol-logs",
    type=click.IntRange(0, 10_000_000),
    default=48000,
    show_default=True,
    help="patrol logs (网格日志) per street",
)
def bench_data(
    enterprises: int, hazards: int, seed: int, patrol_reports: int, patrol_logs: int
) -> None:
    from safety import benchdata

    _refuse_pending_migrations()
    s = get_settings()
    counts, seconds = benchdata.run(
        s.resolved_database_url,
        enterprises,
        hazards,
        seed,
        s.timezone,
        patrol_reports=patrol_reports,
        patrol_logs=patrol_logs,
    )
    for table, n in counts.items():
        click.echo(f"{table}: {n}")
    click.echo(f"done in {seconds:.1f} s")


if __name__ == "__main__":
    main()
