"""Benchmark: ``safety backup`` while 10 writers run, then ``safety restore`` and checks.

Not collected by pytest. For each dataset (the demo; a street-year of ``safety bench-data``)
on each engine (SQLite; PostgreSQL on BENCH_PG, default postgresql://postgres@127.0.0.1:5432):

1. a source database and data directory are prepared (``safety demo --no-serve``, or
   ``safety migrate`` + ``safety bench-data``);
2. a writer process runs BENCH_WRITERS (10) tasks, each adding an enterprise and uploading
   a photo through the services, noting each acknowledged write with its time;
3. ``safety backup DEST`` runs (timed), then a second one (incremental, timed) — the
   writers still writing;
4. the writers stop; ``safety restore`` into a fresh database and data directory (timed),
   ``safety audit verify`` there (files too, except on the street-year whose attachment rows
   have no bytes: ``--no-files``), the writes acknowledged before the backup started looked
   up in the restored database, and the officer's hazard figures compared with the source.

    .venv/bin/python tests/benchmarks/bench_backup.py
    BENCH_DATASETS=demo BENCH_ENGINES=sqlite .venv/bin/python tests/benchmarks/bench_backup.py
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
WRITERS = int(os.environ.get("BENCH_WRITERS", "10"))
DATASETS = os.environ.get("BENCH_DATASETS", "demo,street-year").split(",")
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")


# ---------------------------------------------------------------- the writer process


def _stopped(path: str) -> bool:
    return os.path.exists(path)


async def write(out, stop_path: str) -> None:
    import io

    from PIL import Image

    from safety.actors import SYSTEM
    from safety.db import close_pool, open_pool
    from safety.files import store as files
    from safety.tables import Enterprise
    from tests import factories as f

    await open_pool()
    grid = (await Enterprise.select(Enterprise.org_unit).first().run())["org_unit"]

    async def one(k: int) -> None:
        i = 0
        while not _stopped(stop_path):
            i += 1
            ent = await f.enterprise(grid)
            buf = io.BytesIO()
            Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3)).save(buf, "JPEG")
            row = await files.save_bytes(
                buf.getvalue(), filename=f"w{k}-{i}.jpg", owner_type="enterprise",
                owner_id=ent["id"], kind="scene", actor=SYSTEM,
            )  # fmt: skip
            out.write(f"{time.time()} {ent['id']} {row.sha256}\n")

    await asyncio.gather(*(one(k) for k in range(WRITERS)))
    await close_pool()


async def figures() -> None:
    """The hazard figures of every street (an officer of that street asking), overall
    and by community."""
    from rectification.figures import service
    from safety.actors import Actor
    from safety.tables import OrgUnit, Role

    streets = await OrgUnit.select(OrgUnit.id).where(OrgUnit.kind == "street").run()
    out = []
    for row in sorted(streets, key=lambda r: r["id"]):
        officer = Actor(user_id=0, username="bench", role=Role.officer, org_unit_id=row["id"])
        out.append(await service.org_unit_stats(officer, row["id"]))
        out.append(await service.org_unit_stats(officer, row["id"], group_by="community"))
    print(json.dumps(out, default=str, sort_keys=True))


async def enterprise_ids() -> None:
    from safety.tables import Enterprise

    rows = await Enterprise.select(Enterprise.id).run()
    print(" ".join(str(r["id"]) for r in rows))


# ---------------------------------------------------------------- the driver


def env_for(url: str, data_dir: Path, key: bool = True) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, SAFETY_DATA_DIR=str(data_dir))
    env.setdefault("SAFETY_PDF_FONT_DIR", str(ROOT / "var" / "fonts"))
    env.pop("SAFETY_SECRET_KEY", None)
    return env


def safety(*args: str, url: str, data_dir: Path, check: bool = True) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "safety"), *args], env=env_for(url, data_dir),
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    if check and done.returncode:
        raise RuntimeError(f"safety {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout + done.stderr


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


def new_database(engine: str, folder: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{folder / 'data' / 'safety.sqlite3'}"
    name = f"bench_backup_{secrets.token_hex(4)}"
    psql(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        psql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def prepare(dataset: str, engine: str, folder: Path) -> tuple[str, float]:
    data = folder / "data"
    started = time.perf_counter()
    url = new_database(engine, folder)
    if dataset == "demo":
        safety("demo", "--no-serve", url=url, data_dir=data)
    else:
        safety("migrate", url=url, data_dir=data)
        safety("bench-data", url=url, data_dir=data)
    return url, time.perf_counter() - started


def python(mode: str, url: str, data_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, mode, *args], env=env_for(url, data_dir), cwd=ROOT,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def du(*paths: Path) -> int:
    return sum(p.stat().st_size for root in paths for p in root.rglob("*") if p.is_file())


def one_run(dataset: str, engine: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    url, prepared = prepare(dataset, engine, folder)
    restored_url = new_database(engine, folder / "r")
    try:
        data, dest, target = folder / "data", folder / "backups", folder / "r" / "data"
        acks, stop = folder / "acks.txt", folder / "stop"
        writer = python("--writer", url, data, str(acks), str(stop))
        while not acks.exists() or len(acks.read_text().splitlines()) < 20:
            if writer.poll() is not None:
                raise RuntimeError("the writers stopped before writing")
            time.sleep(0.2)
        t0 = time.time()
        first, _out1 = safety("backup", str(dest), url=url, data_dir=data)
        second, out2 = safety("backup", str(dest), url=url, data_dir=data)
        stop.touch()
        writer.wait()
        acked = [line.split() for line in acks.read_text().splitlines()]
        before = {int(e) for t, e, _ in acked if float(t) < t0}
        backups = sorted(p for p in dest.iterdir() if p.name[0].isdigit())
        manifest = json.loads((backups[0] / "manifest.json").read_text())
        restore_s, out3 = safety("restore", str(backups[0]), url=restored_url, data_dir=target)
        flags = ["--no-files"] if dataset == "street-year" else []
        verify_s, out4 = safety("audit", "verify", *flags, url=restored_url, data_dir=target,
                                check=False)  # fmt: skip
        ids = python("--ids", restored_url, target).communicate()[0].split()
        missing = before - {int(i) for i in ids}
        same = (
            python("--figures", url, data).communicate()[0]
            == python("--figures", restored_url, target).communicate()[0]
        )
        return {
            "dataset": dataset, "engine": engine, "prepare_s": prepared,
            "rows": sum(manifest["counts"].values()),
            "db_mb": manifest["parts"]["database"]["size"] / 1e6,
            "files": len(manifest["attachments"]["originals"]),
            "backup_s": first, "backup_inner_s": manifest["duration_seconds"],
            "second_s": second, "second_copied": _copied(out2),
            "size_mb": du(backups[0], dest / "files") / 1e6, "restore_s": restore_s,
            "counts_match": "row counts match" in out3, "verify_s": verify_s,
            "audit_ok": "chain intact" in out4 and "FAILED" not in out4 and
            ("--no-files" in flags or "OK: every stored file" in out4),
            "acked_before": len(before), "missing": len(missing), "figures_same": same,
            "writes": len(acked),
        }  # fmt: skip
    finally:
        drop(url)
        drop(restored_url)
        shutil.rmtree(folder, ignore_errors=True)


def _copied(out: str) -> int:
    return int(out.split(" copied")[0].rsplit(", ", 1)[1].split(" ")[-1])


def main() -> None:
    rows = []
    for dataset in DATASETS:
        for engine in ENGINES:
            r = one_run(dataset, engine)
            rows.append(r)
            print(json.dumps(r, default=lambda v: round(v, 2)), flush=True)
    cols = (
        "dataset engine rows db_mb files backup_s backup_inner_s second_s second_copied size_mb "
        "restore_s verify_s counts_match audit_ok writes acked_before missing figures_same"
    ).split()
    print("\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in rows:
        cells = [f"{r[c]:.1f}" if isinstance(r[c], float) else str(r[c]) for c in cols]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "--writer":
        with open(sys.argv[2], "a", buffering=1) as acks:  # a line per acknowledged write
            asyncio.run(write(acks, sys.argv[3]))
    elif mode == "--figures":
        asyncio.run(figures())
    elif mode == "--ids":
        asyncio.run(enterprise_ids())
    else:
        main()
