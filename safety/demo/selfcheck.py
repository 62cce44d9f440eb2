"""The demo's self-inspections (企业自查), made through the same services the enterprise's
pages use, so their rows, notifications and audit trail are what the application makes:

- the demo enterprise (``enterprise``, 济南恒达金属制品) walked the fire checklist 12 days
  ago: two general hazards it fixed and closed itself (验收销号), and a major one (welders
  without a certificate) reported to the officers at once, its 五落实 plan and evidence in,
  waiting for an officer's verification, logged against its 焊接作业 risk point;
- two more enterprises (their contacts are demo users too, unlisted) ran the general
  checklist: one closed both its findings, the other closed one and is still fixing the
  other.

Dates count from the demo's today (SAFETY_TIMEZONE)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from safety.actors import SYSTEM, actor_from_user
from safety.settings import local_today
from safety.tables import Enterprise, User

PEOPLE = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "people.json"

# (contact username or None for the listed demo one, uscc, checklist code, days ago, findings)
# A finding: (item code, description, location, outcome: closed / rectifying / with_officer).
RUNS: list[dict[str, Any]] = [
    {
        "username": "enterprise",
        "uscc": "91370102MAF0XW3430",
        "checklist": "fire",
        "days_ago": 12,
        "findings": [
            ("XF-05", "二号车间东侧灭火器压力指针在红区", "二号车间东门", "closed"),
            ("XF-11", "成品仓库疏散通道堆放包装箱", "成品仓库", "closed"),
            ("XF-17", "两名电焊工特种作业操作证已过期仍在上岗", "焊接工段", "with_officer"),
        ],
    },
    {
        "username": "enterprise_ss",
        "uscc": "91370102MA9638L86E",
        "checklist": "general",
        "days_ago": 20,
        "findings": [
            ("GM-13", "印刷机旁未设置当心机械伤人警示标志", "印刷车间", "closed"),
            ("GM-19", "油墨调配岗位员工未佩戴防护手套", "调墨间", "closed"),
        ],
    },
    {
        "username": "enterprise_jm",
        "uscc": "91370102MAC7P5742E",
        "checklist": "general",
        "days_ago": 6,
        "findings": [
            ("GM-14", "带锯机皮带传动部位防护罩缺失", "开料车间", "rectifying"),
            ("GM-11", "车间北侧安全出口被木料堵塞", "开料车间北门", "closed"),
        ],
    },
]


# Findings logged against the enterprise's risk point whose control failed (when the demo's
# risk register has it): the two pillars joined.
RISK_POINT_OF = {"XF-17": "焊接作业"}


async def _risk_point(enterprise_id: int, code: str) -> int | None:
    from inspections.tables import RiskPoint

    name = RISK_POINT_OF.get(code)
    if name is None:
        return None
    row = (
        await RiskPoint.select(RiskPoint.id)
        .where(RiskPoint.enterprise == enterprise_id, RiskPoint.name == name)
        .first()
        .run()
    )
    return row["id"] if row else None


def _signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(image).line([(20, 60), (80, 20), (140, 55), (220, 25)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def _contact(username: str, uscc: str) -> Any:
    """The enterprise's contact: the listed demo user, or one made here."""
    from safety.accounts.service import NewUser, create_user

    row = await User.select().where(User.username == username).first().run()
    if row is None:
        ent = await Enterprise.select().where(Enterprise.uscc == uscc).first().run()
        password = json.loads(PEOPLE.read_text(encoding="utf-8"))["users"][0]["password"]
        made = await create_user(
            SYSTEM,
            NewUser(
                username=username,
                password=password,
                role="enterprise",
                display_name=f"{ent['contact_name']}（{ent['name']}）",
                enterprise_id=ent["id"],
            ),
        )
        row = await User.select().where(User.id == made["id"]).first().run()
    return actor_from_user(row)


async def load_self_inspections(today: dt.date | None = None) -> list[int]:
    """Run the demo's self-inspections end to end; returns their ids."""
    from inspections import services
    from inspections.checklists.service import current_of
    from inspections.schemas import HazardIn, ResultIn
    from inspections.selfcheck.schemas import SelfInspectionIn
    from inspections.selfcheck.service import start_self_inspection
    from inspections.services.signatures import add_signature
    from rectification import services as rect
    from rectification.schemas import PlanIn, VerificationIn
    from safety.demo.hazards import submit_with_photo

    today = today or local_today()
    made = []
    for run in RUNS:
        actor = await _contact(run["username"], run["uscc"])
        checklist = await current_of(run["checklist"])
        if checklist is None:
            raise RuntimeError(f"checklist {run['checklist']!r} is not in the library")
        day = today - dt.timedelta(days=run["days_ago"])
        inspection = await start_self_inspection(
            actor, SelfInspectionIn(checklist_id=checklist["id"], scheduled_on=day)
        )
        iid = inspection["id"]
        await services.start_inspection(actor, iid)
        items = {i["code"]: i for s in checklist["sections"] for i in s["items"]}
        failed = {code for code, *_ in run["findings"]}
        await services.save_results(
            actor,
            iid,
            [
                ResultIn(item_id=i["id"], result="fail" if code in failed else "pass")
                for code, i in items.items()
            ],
        )
        hazards = []
        for code, description, location, outcome in run["findings"]:
            item = items[code]
            hazard = await services.log_hazard(
                actor,
                iid,
                HazardIn(
                    description=description,
                    location=location,
                    level=item["default_level"],
                    category=item["category"],
                    subcategory=item["subcategory"],
                    item_id=item["id"],
                    legal_basis=item["legal_basis"],
                    major_basis=item.get("major_basis") or "",
                    suggestion="立即整改，整改后拍照留存",
                    risk_point_id=await _risk_point(inspection["enterprise_id"], code),
                ),
            )
            hazards.append((hazard, outcome))
        name = actor.display_name.split("（")[0]
        await add_signature(
            actor, iid, "inspector", signer_name=name, content=_signature_png(), filename="s.png"
        )
        await services.submit_inspection(actor, iid)
        fixed_on = min(today, day + dt.timedelta(days=3))
        for hazard, outcome in hazards:
            hid = hazard["id"]
            if outcome == "rectifying":
                await rect.save_plan(actor, hid, PlanIn(measures="订购防护罩，到货后安装"))
                continue
            if outcome == "with_officer":
                await rect.save_plan(
                    actor,
                    hid,
                    PlanIn(
                        responsible_person=name,
                        measures="过期人员停岗，送市培训中心复审取证，复审前由持证焊工作业",
                        funds="3000元，企业自筹",
                        deadline=today + dt.timedelta(days=10),
                        contingency_plan="焊接作业暂停期间设专人巡查，配备灭火器",
                    ),
                )
            await submit_with_photo(actor, hid, "已按整改建议整改完毕", fixed_on)
            if outcome == "closed":
                await rect.verify(actor, hid, VerificationIn(result="pass", comment="自查复核合格"))
        made.append(iid)
    return made
