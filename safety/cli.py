"""The ``safety`` command: migrate, createuser, serve, demo, remind, info, pdf-fonts,
bench-data; ``audit verify``, ``backup`` and ``restore`` are in ``safety.ops.cli``."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from safety.settings import get_settings

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
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

    def invoke(self, ctx: click.Context) -> Any:
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
def createuser(
    username: str,
    password: str,
    role: str,
    display_name: str,
    enterprise_id: int | None,
    org_unit_id: int | None,
    agency_id: int | None,
) -> None:
    from pydantic import ValidationError

    from safety.accounts.service import NewUser, create_user
    from safety.actors import SYSTEM
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

    async def check() -> list[tuple[str, str, str]]:
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
    from safety.demo.load import DEMO_LOGINS, load_demo
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
def remind(day: dt.datetime | None) -> None:
    from rectification.reminders import RemindReport, run_reminders
    from safety.db import close_pool, open_pool

    async def go() -> RemindReport:
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
    from safety.demo import benchdata

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


# the data-keeping commands (audit verify, backup, restore): their own module
from safety.ops.cli import audit, backup, restore  # noqa: E402

for _command in (audit, backup, restore):
    main.add_command(_command)


if __name__ == "__main__":
    main()
