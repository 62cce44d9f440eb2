"""``safety backup`` / ``backup --verify`` / ``restore`` as real subprocesses, on the
engine under test (a real SQLite file, or real PostgreSQL with SAFETY_TEST_DATABASE_URL):
a backup taken while the services write, restored into a fresh database and data
directory (PostgreSQL: a database made for the test and dropped after), then checked:
nothing acknowledged before the backup is missing, row counts and the figures are
identical, ``safety audit verify`` passes; incremental copies, pruning, damage found by
``--verify``, and a non-empty target refused."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from safety.actors import SYSTEM
from safety.files import store as files
from safety.ops.backup import (
    BackupError,
    backups_in,
    read_manifest,
    store_of,
    store_path,
    write_manifest,
)
from safety.ops.backup import database as bdb
from safety.ops.backup.create import make_backup, part
from safety.ops.backup.restore import restore_backup
from safety.ops.backup.verify import verify_backup
from safety.orgs import OrgUnitIn, create_org_unit
from safety.settings import Settings, get_settings
from tests import factories as f
from tests.inspections import factories as fi
from tests.rectification.figures_seed import seed_campaign
from tests.safety.dbtools import IS_PG, ROOT, SESSION_URL, Result, fresh_database

KEY = os.environ["SAFETY_SECRET_KEY"]


def _noise_jpeg(i: int) -> bytes:
    """A small JPEG with bytes of its own (its own sha256)."""
    import io

    from PIL import Image

    img = Image.frombytes("RGB", (48, 32), os.urandom(48 * 32 * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


async def _cli(*args: str, url: str, data_dir: Path, key: str | None = KEY) -> Result:
    """``safety ARGS`` in a subprocess with this database, data directory and (when not
    None) SAFETY_SECRET_KEY; without it the key is read from the data directory."""
    env = dict(os.environ, DATABASE_URL=url, SAFETY_DATA_DIR=str(data_dir))
    env.pop("SAFETY_TEST_DATABASE_URL", None)
    env.pop("SAFETY_SECRET_KEY", None)
    if key is not None:
        env["SAFETY_SECRET_KEY"] = key
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "safety.cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 300)
    return Result(proc.returncode, out.decode(), err.decode())


async def _figures(url: str, data_dir: Path, officer_id: int, street_id: int, key=KEY) -> dict:
    code = (
        "import asyncio, json\n"
        "from rectification.figures import service\n"
        "from safety.tables import User\n"
        "from tests.factories import actor\n"
        "async def main():\n"
        f"    u = await User.select().where(User.id == {officer_id}).first().run()\n"
        f"    a = await service.org_unit_stats(actor(u), {street_id}, group_by='community')\n"
        f"    b = await service.org_unit_stats(actor(u), {street_id})\n"
        "    print(json.dumps([a, b], default=str, sort_keys=True))\n"
        "asyncio.run(main())\n"
    )
    env = dict(os.environ, DATABASE_URL=url, SAFETY_DATA_DIR=str(data_dir), SAFETY_SECRET_KEY=key)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return json.loads(out)


async def _seed() -> dict:
    """A street with a campaign of six weeks of history (hazards in every state) and
    attachments uploaded through files.save_bytes."""
    w = await f.world()
    street = w.tree["street"]["id"]
    community = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"第2社区{f.n()}", kind="community", parent_id=street)
    )
    grid = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"网格{f.n()}", kind="grid", parent_id=community["id"])
    )
    grids = [w.tree["grid1"]["id"], grid["id"]]
    ents = [await f.enterprise(grids[i % 2]) for i in range(6)]
    await seed_campaign(
        officer=w.officer, street_id=street, agency_id=w.agency["id"],
        inspector_ids=[w.inspector["id"]], enterprise_ids=[e["id"] for e in ents],
        checklist_id=(await fi.checklist())["id"],
    )  # fmt: skip
    for i in range(3):
        await _upload(w, i)
    return {"w": w, "street": street}


async def _upload(w, i: int):
    return await files.save_bytes(
        _noise_jpeg(i), filename=f"p{i}.jpg", owner_type="enterprise",
        owner_id=w.enterprise["id"], kind="scene", actor=f.actor(w.officer),
    )  # fmt: skip


class Writers:
    """Tasks writing through the services (an enterprise row, an upload with its audit
    event) until stopped; each write is noted once acknowledged, with the time."""

    def __init__(self, w, n: int = 3) -> None:
        self.w, self.acked, self.stop = w, [], asyncio.Event()
        self.tasks = [asyncio.create_task(self._write(k)) for k in range(n)]

    async def _write(self, k: int) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            ent = await f.enterprise(self.w.tree["grid1"]["id"])
            row = await _upload(self.w, i)
            self.acked.append((time.monotonic(), ent["id"], row.sha256))
            await asyncio.sleep(0.01)

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks)


@pytest.fixture(scope="module")
async def seeded():
    return await _seed()


@pytest.fixture
def dest(tmp_path) -> Path:
    return tmp_path / "backups"


def _data_dir() -> Path:
    return get_settings().data_dir


def _problem_shas(err: str) -> set[str]:
    """What ``safety audit verify``'s problem lines name: each line's kind and sha256."""
    import re

    heads = ("MISSING", "CHANGED", "NO UPLOAD EVENT", "NOT AS UPLOADED", "ROW REMOVED")
    return {
        (ln.split(":", 1)[0], sha)
        for ln in err.splitlines()
        if ln.startswith(heads)
        for sha in re.findall(r"[0-9a-f]{64}", ln)[:1]
    }


async def test_backup_during_writes_restores_everything_acknowledged_before_it(seeded, dest):
    w = seeded["w"]
    writers = Writers(w)
    await asyncio.sleep(0.5)
    started = time.monotonic()
    made = await _cli("backup", str(dest), url=SESSION_URL, data_dir=_data_dir())
    await writers.finish()
    assert made.code == 0, made
    assert "copied" in made.out
    before = [(e, sha) for t, e, sha in writers.acked if t < started]
    assert before, "the writers wrote before the backup started"
    backup = backups_in(dest)[-1]
    manifest = read_manifest(backup)
    assert manifest["engine"] == ("postgresql" if IS_PG else "sqlite")
    assert set(manifest["migration_heads"]) >= {"safety", "inspections", "rectification"}
    async with fresh_database() as url:
        target = Path(tempfile.mkdtemp(prefix="safety-restored-"))
        # No SAFETY_SECRET_KEY: the restored data directory's key is the one used.
        done = await _cli("restore", str(dest), url=url, data_dir=target, key=None)
        assert done.code == 0, done
        assert "row counts match the manifest" in done.out
        assert (target / "secret_key").read_text().strip() == KEY
        assert await bdb.counts(url) == manifest["counts"]
        ids = await _ids(url)
        missing = [e for e, _ in before if e not in ids]
        assert missing == [], f"{len(missing)} acknowledged writes missing"
        for _, sha in before:
            for variant in files.VARIANTS.values():
                assert (target / "files" / sha[:2] / sha[2:4] / (sha + variant)).is_file()
        checked = await _cli("audit", "verify", url=url, data_dir=target, key=None)
        assert "chain intact" in checked.out, checked
        # The suite's database is shared: other tests remove, change or relink stored
        # files on purpose. The restore's file check may report what the live store's
        # own check reports, and nothing else.
        if checked.code != 0:
            live = await _cli("audit", "verify", url=SESSION_URL, data_dir=_data_dir())
            assert _problem_shas(checked.err) <= _problem_shas(live.err), (checked, live)
        else:
            assert "OK: every stored file" in checked.out
        shutil.rmtree(target)


async def _ids(url: str) -> set[int]:
    if IS_PG:
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            return {r[0] for r in await conn.fetch("SELECT id FROM enterprise")}
        finally:
            await conn.close()
    import sqlite3

    from safety.db import sqlite_path

    with sqlite3.connect(sqlite_path(url)) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM enterprise")}


async def test_second_backup_copies_only_new_files_and_restore_gives_the_same_figures(seeded, dest):
    w = seeded["w"]
    first = await make_backup(dest)
    assert first.copy.copied >= 3
    new = [await _upload(w, 100 + i) for i in range(2)]
    second = await make_backup(dest)
    assert second.copy.copied == 2, "only the two new originals are copied"
    assert second.copy.present == first.copy.copied + first.copy.present
    assert {r.sha256 for r in new} <= set(second.manifest["attachments"]["originals"])
    assert not {r.sha256 for r in new} & set(second.copy.missing)
    officer, street = w.officer["id"], seeded["street"]
    live = await _figures(SESSION_URL, _data_dir(), officer, street)
    assert live[1]["hazards_found"] > 0
    async with fresh_database() as url:
        target = Path(tempfile.mkdtemp(prefix="safety-restored-"))
        done = await _cli("restore", str(second.path), url=url, data_dir=target, key=None)
        assert done.code == 0, done
        assert await bdb.counts(url) == await bdb.counts(SESSION_URL)
        assert await _figures(url, target, officer, street) == live
        shutil.rmtree(target)


async def test_pruning_keeps_the_newest_and_every_file_they_name(seeded, dest):
    made = [await make_backup(dest, keep=2) for _ in range(3)]
    assert [b.name for b in backups_in(dest)] == [m.path.name for m in made[1:]]
    assert made[2].pruned == [made[0].path.name]
    stray = store_path(store_of(made[2].path), "ab" * 32)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"no backup names this")
    (dest / ".tmp-20990101T000000Z-1").mkdir()
    fourth = await make_backup(dest, keep=2)
    assert fourth.swept == 1 and not stray.exists()
    assert not list(dest.glob(".tmp-*"))
    for backup in backups_in(dest):
        report = await verify_backup(backup)
        assert report.ok, report.problems
    with pytest.raises(ValueError):
        Settings(backup_keep=0)


async def test_verify_finds_a_flipped_byte_and_a_missing_secret_key(seeded, dest):
    await make_backup(dest)
    ok = await _cli("backup", "--verify", str(dest), url=SESSION_URL, data_dir=_data_dir())
    assert ok.code == 0 and ok.out.startswith("OK:"), ok

    async def damaged(change) -> str:
        copy = Path(tempfile.mkdtemp()) / "b"
        shutil.copytree(dest, copy)
        backup = backups_in(copy)[-1]
        change(backup)
        r = await _cli("backup", "--verify", str(backup), url=SESSION_URL, data_dir=_data_dir())
        assert r.code == 1, r
        shutil.rmtree(copy.parent)
        return r.err

    def flip(path: Path, at: int | None = None) -> None:
        data = bytearray(path.read_bytes())
        at = len(data) // 2 if at is None else at
        data[at] ^= 0x01
        path.write_bytes(bytes(data))

    manifest = read_manifest(backups_in(dest)[-1])
    db_file = manifest["parts"]["database"]["file"]
    sha = sorted(manifest["attachments"]["originals"])[0]
    err = await damaged(lambda b: flip(b / db_file))
    assert "database:" in err and "changed since the backup" in err
    err = await damaged(lambda b: flip(store_path(store_of(b), sha)))
    assert sha in err and "bytes changed" in err
    err = await damaged(lambda b: (b / "secret_key").unlink())
    assert "secret_key" in err and "missing" in err


async def test_verify_finds_a_database_copy_damaged_before_its_manifest_was_written(seeded, dest):
    """The manifest's sums match, the copy itself is broken: SQLite's integrity_check or
    pg_restore reading the whole dump says so, and restore refuses it."""
    backup = (await make_backup(dest)).path
    manifest = read_manifest(backup)
    db_file = backup / manifest["parts"]["database"]["file"]
    data = db_file.read_bytes()
    db_file.write_bytes(data[: len(data) // 2])
    manifest["parts"]["database"] = part(db_file)
    write_manifest(backup, manifest)
    report = await verify_backup(backup)
    assert len(report.problems) == 1 and report.problems[0].startswith("database: "), report
    with pytest.raises(BackupError, match="failed its check, nothing restored"):
        await restore_backup(backup, force=True)


async def test_restore_refuses_a_target_that_is_not_empty(seeded, dest):
    await make_backup(dest)
    counts = await bdb.counts(SESSION_URL)
    refused = await _cli("restore", str(dest), url=SESSION_URL, data_dir=_data_dir())
    assert refused.code == 1
    assert "not empty" in refused.err and "--force" in refused.err
    assert await bdb.counts(SESSION_URL) == counts


async def _execute(url: str, sql: str) -> None:
    if IS_PG:
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()
        return
    import sqlite3

    from safety.db import sqlite_path

    with sqlite3.connect(sqlite_path(url)) as conn:
        conn.execute(sql)


async def test_restore_takes_the_empty_migration_table_a_refused_start_leaves(seeded, dest):
    """A server started once on the new database (refused: migrations pending) leaves
    Piccolo's empty ``migration`` table: that database holds nothing and is restored
    into without --force; a row in it is data, refused."""
    await make_backup(dest)
    async with fresh_database() as url:
        await _execute(url, "CREATE TABLE migration (id INTEGER, name VARCHAR(200))")
        target = Path(tempfile.mkdtemp(prefix="safety-restored-"))
        done = await _cli("restore", str(dest), url=url, data_dir=target, key=None)
        assert done.code == 0, done
        assert "row counts match the manifest" in done.out
        shutil.rmtree(target)
    async with fresh_database() as url:
        await _execute(url, "CREATE TABLE migration (id INTEGER, name VARCHAR(200))")
        await _execute(url, "INSERT INTO migration VALUES (1, 'x')")
        target = Path(tempfile.mkdtemp(prefix="safety-restored-"))
        refused = await _cli("restore", str(dest), url=url, data_dir=target, key=None)
        assert refused.code == 1 and "not empty" in refused.err, refused
        shutil.rmtree(target)


async def test_a_failed_backup_leaves_nothing_that_looks_like_one(seeded, dest, monkeypatch):
    from safety.ops.backup import store

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "copy_originals", broken)
    with pytest.raises(OSError):
        await make_backup(dest)
    assert backups_in(dest) == [] and not list(dest.glob(".tmp-*"))


@pytest.mark.skipif(not IS_PG, reason="pg_dump is for PostgreSQL")
async def test_pg_dump_missing_names_the_package(seeded, dest, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupError, match="postgresql-client"):
        await make_backup(dest)
