"""The demo's grid patrol (网格巡查): grid workers of a few grids of 寨北社区 and 后峰西社区,
and their 随手拍 reports in every state — waiting (one for three days: it is in the
officer's reminder digest), made a hazard (with its photo), dismissed, referred (转办),
and a duplicate — all through the services the pages use.

``seed_patrol()`` is called by ``safety.demo.load.load_demo`` inside its transaction and
returns the grid workers by username (the patrol log's demo builds on them).
"""

from __future__ import annotations

import datetime as dt
import io

from inspections.patrol import service
from inspections.patrol.schemas import PatrolReportIn, TriageIn
from inspections.patrol.tables import PatrolReport
from safety.accounts.service import NewUser, create_user
from safety.actors import SYSTEM, actor_from_user
from safety.tables import Enterprise, OrgUnit, User

PASSWORD = "Yiyuan@2024"
# (username, display name, org unit): two grid workers of one grid's pair, one for a
# whole community.
GRID_WORKERS = [
    ("grid", "孙丽（寨北社区第1网格）", "寨北社区第1网格"),
    ("grid2", "陈志强（寨北社区第2网格）", "寨北社区第2网格"),
    ("grid_hf", "刘芳（后峰西社区网格员）", "后峰西社区"),
]
PATROL_LOGINS = [("grid_worker", username, PASSWORD) for username, _, _ in GRID_WORKERS]


def _photo(colour: tuple[int, int, int], seed: int) -> bytes:
    """A small made-up scene (Pillow): a wall, a doorway and a box in the way."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 330, 640, 480), fill=(120, 120, 120))
    draw.rectangle((220 + seed * 10, 120, 420 + seed * 10, 330), fill=(40, 90, 40))
    draw.rectangle((260, 250 + seed * 5, 400, 360), fill=(170, 120, 60))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


async def _ids(table, names: list[str]) -> dict[str, int]:
    rows = await table.select(table.id, table.name).where(table.name.is_in(names)).run()
    return {r["name"]: r["id"] for r in rows}


async def _report(worker, when: dt.datetime, photo: int | None = None, **fields) -> dict:
    report = await service.submit_report(worker, PatrolReportIn(**fields))
    # The demo's history: back-date the report to the moment it was made.
    await (
        PatrolReport.update({PatrolReport.reported_at: when})
        .where(PatrolReport.id == report["id"])
        .run()
    )
    if photo is not None:
        await service.add_report_photo(
            worker, report["id"], _photo((200, 190 - photo * 20, 170), photo), "patrol.jpg"
        )
    return {**report, "reported_at": when}


async def _triage(officer, report: dict, data: TriageIn, hours: float = 3) -> None:
    """Triage ``report`` as it happened: ``hours`` after it was made, not at load time (the
    patrol figures' time to triage reads it)."""
    await service.triage(officer, report["id"], data)
    await (
        PatrolReport.update(
            {PatrolReport.triaged_at: report["reported_at"] + dt.timedelta(hours=hours)}
        )
        .where(PatrolReport.id == report["id"])
        .run()
    )


async def seed_patrol(now: dt.datetime | None = None) -> dict[str, dict]:
    """Grid workers and their reports; returns the grid workers' user rows by username."""
    now = now or dt.datetime.now(dt.UTC)
    units = await _ids(OrgUnit, [unit for _, _, unit in GRID_WORKERS] + ["后峰西社区第1网格"])
    workers: dict[str, dict] = {}
    for username, name, unit in GRID_WORKERS:
        made = await create_user(
            SYSTEM,
            NewUser(
                username=username,
                password=PASSWORD,
                role="grid_worker",
                display_name=name,
                org_unit_id=units[unit],
            ),
        )
        workers[username] = await User.select().where(User.id == made["id"]).first().run()
    officer = actor_from_user(
        await User.select().where(User.username == "officer_zb").first().run()
    )
    grid, grid2, hf = (actor_from_user(workers[u]) for u, _, _ in GRID_WORKERS)
    ent = await _ids(
        Enterprise,
        [
            "济南恒达金属制品有限公司",
            "济南华腾物业管理有限公司",
            "济南舜华餐馆有限公司",
            "济南金诚阀门有限公司",
            "山东信达金属制品有限公司",
        ],
    )
    hour = dt.timedelta(hours=1)
    day = dt.timedelta(days=1)

    # Waiting for triage: one from this morning, one for three days (in the digest).
    await _report(
        grid,
        now - 2 * hour,
        1,
        address="寨北小区3号楼1单元楼道",
        description="楼道内电动自行车充电，飞线从二楼窗户拉下",
    )
    await _report(
        grid,
        now - 3 * day,
        2,
        enterprise_id=ent["济南华腾物业管理有限公司"],
        address="物业仓库后门",
        description="仓库后门堆放纸箱，堵塞安全出口",
    )
    await _report(
        hf,
        now - 5 * hour,
        3,
        org_unit_id=units["后峰西社区第1网格"],
        enterprise_id=ent["山东信达金属制品有限公司"],
        address="厂区东侧",
        description="焊接作业旁氧气瓶和乙炔瓶间距不足",
    )

    # Made a hazard (its photo becomes the hazard's before-photo), and a duplicate of it.
    gas = await _report(
        grid2,
        now - 4 * day,
        4,
        enterprise_id=ent["济南舜华餐馆有限公司"],
        address="后厨",
        description="后厨液化气瓶放在灶台旁，未固定",
    )
    await _triage(
        officer,
        gas,
        TriageIn(
            action="hazard",
            level="general",
            category="site",
            subcategory="危化品",
            factor="thing",
            suggestion="气瓶移至独立气瓶间并固定，安装燃气泄漏报警器",
            legal_basis="《城镇燃气管理条例》第二十八条",
        ),
    )
    again = await _report(
        grid2,
        now - 3 * day - 5 * hour,
        None,
        enterprise_id=ent["济南舜华餐馆有限公司"],
        address="后厨",
        description="餐馆气瓶靠近灶台",
    )
    await _triage(officer, again, TriageIn(action="duplicate", duplicate_of=gas["id"]), 1)
    exit_ = await _report(
        grid,
        now - 6 * day,
        5,
        enterprise_id=ent["济南恒达金属制品有限公司"],
        address="二号车间",
        description="车间安全出口上锁",
    )
    await _triage(
        officer,
        exit_,
        TriageIn(
            action="hazard",
            level="general",
            category="site",
            subcategory="消防",
            factor="management",
            suggestion="生产期间安全出口不得上锁，保持畅通",
            legal_basis="《中华人民共和国消防法》第二十八条",
        ),
    )

    # Dismissed with a reason, and referred to another department (转办).
    extinguisher = await _report(
        grid,
        now - 2 * day,
        None,
        enterprise_id=ent["济南金诚阀门有限公司"],
        address="门卫室",
        description="门卫室灭火器压力不足",
    )
    await _triage(
        officer,
        extinguisher,
        TriageIn(action="dismiss", reason="现场核实：企业当日已更换合格灭火器，有更换记录"),
    )
    stall = await _report(
        grid2,
        now - 5 * day,
        6,
        address="南营街与文昌路路口",
        description="路口流动摊点使用液化气瓶炸串",
    )
    await _triage(
        officer,
        stall,
        TriageIn(action="refer", to="城管执法", reason="占道经营、流动摊点用气，请依职责处置"),
    )
    return workers
