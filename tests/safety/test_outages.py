"""Outages answer 503 with Retry-After and a reason, keep nothing half-written, and end
when the condition does (issue 20, point 2; safety/outages.py, docs/ops/outages.md).

Each test makes the condition for real under a real ``safety serve`` (a subprocess with
its own database and data directory): a tmpfs filled to the last byte, a tmpfs remounted
read-only, the SQLite database's folder moved away, a PostgreSQL server behind a TCP
proxy that is shut (its port then refuses connections). The disk tests run on both
engines whatever the session's engine is (PostgreSQL at 127.0.0.1:5432, or the server of
SAFETY_TEST_DATABASE_URL). Mounting needs root (CAP_SYS_ADMIN): without it those tests
are skipped, saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx
import pytest

from safety.accounts.sessions import SESSION_COOKIE
from tests.inspections.factories import jpeg
from tests.safety.dbtools import free_port, run, served

PG_SERVER = os.environ.get("SAFETY_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/x"
PLAN = {"responsible_person": "王强", "measures": "清理杂物", "funds": "500元"}
FULL_ZH = "存储空间已满"
ENGINES = ["sqlite", "postgresql"]


# ---------------------------------------------------------------- real conditions


@contextlib.contextmanager
def tmpfs(size: str = "24m") -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="safety-tmpfs-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"mounting a tmpfs is not permitted here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def remount(folder: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Write a file until the file system holding ``folder`` has not one byte left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert os.statvfs(folder).f_bavail == 0
    return filler


def _database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def database(engine: str, folder: Path) -> AsyncIterator[str]:
    """A new database: a SQLite file in ``folder``, or a PostgreSQL database (dropped
    afterwards)."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'safety.sqlite3'}"
        return
    admin = _database(PG_SERVER, "postgres")
    try:
        conn = await asyncpg.connect(admin, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL server at {urlparse(admin).netloc}: {exc}")
    name = f"safety_outage_{secrets.token_hex(4)}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield _database(PG_SERVER, name)
    finally:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def seed(url: str, data_dir: Path) -> dict:
    done = await run([sys.executable, "-m", "tests.safety.outage_seed"], url, 300, data_dir)
    assert done.code == 0, done
    return json.loads(done.out.strip().splitlines()[-1])


def truncate_wal(url: str) -> None:
    """Empty the SQLite write-ahead log, so the next write must take new space (a WAL
    keeps its size after a checkpoint, and a write into it needs none)."""
    if url.startswith("sqlite:"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Proxy:
    """A TCP proxy to PostgreSQL: shut, its port refuses connections and the ones it
    carried are cut, as when the server goes down."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def shut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()


# ---------------------------------------------------------------- what the client sees


async def upload(http: httpx.AsyncClient, s: dict) -> httpx.Response:
    return await http.post(
        f"/api/v1/hazards/{s['hazard_id']}/photos",
        files={"file": ("after.jpg", PHOTO, "image/jpeg")},
        headers={"Authorization": s["token"]},
    )


PHOTO = jpeg(800, 600)


def assert_outage(r: httpx.Response, reason: str) -> dict:
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "30"
    body = r.json()
    assert body.get("status_code", 503) == 503
    assert body["reason"] == reason
    assert "(" not in body["detail"]  # one language
    return body


def log_lines(log: Path, text: str) -> list[str]:
    """The server's log lines holding ``text``, up to the end of the last outage (the
    process group is then stopped with SIGTERM, and a PDF or parse worker still warming
    up may report its death: not the outage's business)."""
    lines = log.read_text(errors="replace").splitlines()
    over = [i for i, line in enumerate(lines) if "outage over:" in line]
    return [line for line in lines[: over[-1] + 1 if over else None] if text in line]


def nothing_half_kept(data_dir: Path, photos: list) -> None:
    sha = hashlib.sha256(PHOTO).hexdigest()
    files = data_dir / "files"
    assert not list(files.rglob(".tmp-*")), "a partial file was left"
    assert not list(files.rglob(f"{sha}*")), "the refused upload left files"
    assert photos == [], "the refused upload left a row"


async def photos_of(http: httpx.AsyncClient, s: dict) -> list:
    r = await http.get(f"/api/v1/hazards/{s['hazard_id']}", headers={"Authorization": s["token"]})
    assert r.status_code == 200, r.text
    return r.json()["photos"]


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_full_disk_is_503_storage_full_keeps_nothing_and_recovers(engine, tmp_path):
    with tmpfs() as disk:
        async with database(engine, disk) as url:
            data_dir = disk / "data"
            s = await seed(url, data_dir)
            log = tmp_path / "server.log"
            async with served(url, data_dir=data_dir, log_path=log) as base:
                async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                    truncate_wal(url)
                    filler = fill(disk)

                    body = assert_outage(await upload(http, s), "storage_full")
                    assert body["detail"].startswith(FULL_ZH)
                    assert body["detail_en"].startswith("storage is full")
                    english = await http.post(
                        f"/api/v1/hazards/{s['hazard_id']}/photos",
                        files={"file": ("after.jpg", PHOTO, "image/jpeg")},
                        headers={"Authorization": s["token"], "Accept-Language": "en"},
                    )
                    assert assert_outage(english, "storage_full")["detail"].startswith(
                        "storage is full"
                    )
                    plan = await http.put(
                        f"/api/v1/hazards/{s['hazard_id']}/plan",
                        json=PLAN,
                        headers={"Authorization": s["token"]},
                    )
                    if engine == "sqlite":  # the database is on the full disk
                        assert_outage(plan, "storage_full")
                    else:  # PostgreSQL keeps its data on its own disk
                        assert plan.status_code == 200, plan.text
                    assert_outage(await http.get("/health"), "storage_full")

                    # (on SQLite even a read may need a page of the full disk: looked at after)
                    filler.unlink()
                    nothing_half_kept(data_dir, await photos_of(http, s))
                    detail = await http.get(
                        f"/api/v1/hazards/{s['hazard_id']}", headers={"Authorization": s["token"]}
                    )
                    expected = "pending" if engine == "sqlite" else "rectifying"
                    assert detail.json()["status"] == expected  # SQLite: rolled back
                    assert (await upload(http, s)).status_code == 201
                    assert (await http.get("/health")).status_code == 200
                    if engine == "sqlite":
                        plan = await http.put(
                            f"/api/v1/hazards/{s['hazard_id']}/plan",
                            json=PLAN,
                            headers={"Authorization": s["token"]},
                        )
                        assert plan.status_code == 200, plan.text
    assert len(log_lines(log, "outage: storage_full")) == 1
    assert log_lines(log, "outage over: storage_full")
    assert not log_lines(log, "Traceback")


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_read_only_data_dir_is_503_read_only_and_recovers(engine, tmp_path):
    with tmpfs() as disk:
        async with database(engine, disk) as url:
            data_dir = disk / "data"
            s = await seed(url, data_dir)
            log = tmp_path / "server.log"
            async with served(url, data_dir=data_dir, log_path=log) as base:
                async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                    truncate_wal(url)
                    remount(disk, "ro")
                    try:
                        body = assert_outage(await upload(http, s), "read_only")
                        assert body["detail"].startswith("数据目录为只读")
                        plan = await http.put(
                            f"/api/v1/hazards/{s['hazard_id']}/plan",
                            json=PLAN,
                            headers={"Authorization": s["token"]},
                        )
                        if engine == "sqlite":
                            assert_outage(plan, "read_only")
                        else:
                            assert plan.status_code == 200, plan.text
                        assert_outage(await http.get("/health"), "read_only")
                    finally:
                        remount(disk, "rw")
                    assert (await upload(http, s)).status_code == 201
                    assert (await http.get("/health")).status_code == 200
    assert len(log_lines(log, "outage: read_only")) == 1
    assert not log_lines(log, "Traceback")


async def test_a_sqlite_database_whose_folder_is_gone_is_503_for_pages_and_the_api(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:///{folder / 'safety.sqlite3'}"
    data_dir = tmp_path / "data"
    s = await seed(url, data_dir)
    log = tmp_path / "server.log"
    async with served(url, data_dir=data_dir, log_path=log) as base:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            folder.rename(tmp_path / "moved")
            try:
                await _database_is_unreachable(http, s)
            finally:
                (tmp_path / "moved").rename(folder)
            assert (await http.get("/health")).status_code == 200
            assert len(await photos_of(http, s)) == 0
    assert len(log_lines(log, "outage: database_unreachable")) == 1
    assert not log_lines(log, "Traceback")


async def test_a_postgresql_that_refuses_connections_is_503_for_pages_and_the_api(tmp_path):
    async with database("postgresql", tmp_path) as url:
        data_dir = tmp_path / "data"
        s = await seed(url, data_dir)
        parts = urlparse(url)
        proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        await proxy.open()
        via_proxy = urlunparse(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        log = tmp_path / "server.log"
        async with served(via_proxy, data_dir=data_dir, log_path=log) as base:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                assert (await http.get("/health")).status_code == 200
                await proxy.shut()
                await _database_is_unreachable(http, s)
                await proxy.open()
                assert len(await photos_of(http, s)) == 0  # the pool connects again
                assert (await http.get("/health")).status_code == 200
        await proxy.shut()
    assert len(log_lines(log, "outage: database_unreachable")) == 1
    assert not log_lines(log, "Traceback")


async def _database_is_unreachable(http: httpx.AsyncClient, s: dict) -> None:
    api = await http.get(f"/api/v1/hazards/{s['hazard_id']}", headers={"Authorization": s["token"]})
    body = assert_outage(api, "database_unreachable")
    assert body["detail"].startswith("数据库暂时无法连接")
    assert body["detail_en"].startswith("the database cannot be reached")
    page = f"/hazards/{s['hazard_id']}"
    for lang, text in (("zh", "数据库暂时无法连接"), ("en", "the database cannot be reached")):
        cookies = f"{SESSION_COOKIE}={s['session']}; lang={lang}"
        r = await http.get(page, headers={"Cookie": cookies})
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"] == "30"
        assert r.headers["content-type"].startswith("text/html")
        assert text in r.text
    health = await http.get("/health")
    assert assert_outage(health, "database_unreachable")["database"] == "error"
