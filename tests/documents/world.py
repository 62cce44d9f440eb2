"""A realistic inspection for the document tests and the benchmark, made through the
real services: an enterprise (optionally with rare characters in its name), a submitted
inspection with results, N hazards with photo-like JPEGs, both signatures (or the
enterprise's refusal), and optionally a hazard taken through plan, evidence and a
verification."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

from inspections import services as insp
from inspections.schemas import HazardIn, ResultIn
from rectification import services as rect
from rectification.schemas import PlanIn, SubmissionIn, VerificationIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi

DESCRIPTIONS = [
    ("配电箱前堆放杂物，箱门未关闭，内部接线混乱", "一车间配电室", "电气"),
    ("灭火器压力不足，未按期检查", "仓库东侧", "消防"),
    ("安全出口被货物堵塞，疏散指示标志损坏", "二楼车间", "消防"),
    ("砂轮机防护罩缺失", "机修间", "机械"),
    ("叉车司机未持证上岗", "成品库", "特种设备"),
    ("危化品库房未设置防爆照明", "危化品库", "危化品"),
    ("员工未佩戴防尘口罩作业", "抛光工段", "职业健康"),
    ("安全生产责任制未逐级签订", "办公室", "制度/培训"),
]


def photo(seed: int, size=(1600, 1200)) -> bytes:
    """A photo-like JPEG (shapes, gradients and grain, so it compresses like a photo)."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    w, h = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    base = Image.new("RGB", size, (rnd.randrange(60, 200), rnd.randrange(60, 200), 120))
    img = Image.blend(img, base, 0.6)
    draw = ImageDraw.Draw(img)
    for _ in range(30):
        x, y = rnd.randrange(w), rnd.randrange(h)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + rnd.randrange(40, 400), y + rnd.randrange(40, 300)), fill=colour)
    noise = Image.effect_noise(size, 40).convert("RGB")
    img = Image.blend(img.filter(ImageFilter.GaussianBlur(2)), noise, 0.15)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


@dataclass
class Docs:
    w: object
    visit: object
    inspection_id: int
    enterprise: dict
    hazards: list[dict] = field(default_factory=list)
    verified_hazard: int | None = None


async def build(
    client,
    name: str | None = None,
    hazards: int = 3,
    photos_per_hazard: int = 2,
    verify: bool = True,
    refuse: bool = False,
    extra_description: str = "",
) -> Docs:
    w = await f.world()
    ent = await f.enterprise(
        w.tree["grid1"]["id"],
        name=name or f"济南恒达金属制品有限公司{f.n()}",
        address="山东省济南市泉华区怡园路88号",
        legal_representative="李建国",
    )
    # the enterprise user of this enterprise (the World's one belongs to another)
    ent_user = await f.user("enterprise", enterprise_id=ent["id"])
    v = await fi.visit(w, enterprise=ent, sections=2, items=5)
    iid = v.inspection["id"]
    me = f.actor(w.inspector)
    await insp.start_inspection(me, iid)
    items = v.checklist["items"]
    results = [
        ResultIn(
            item_id=i["id"],
            result="fail" if k < 2 else ("na" if k == 2 else "pass"),
            note="现场发现问题" if k < 2 else "",
        )
        for k, i in enumerate(items)
    ]
    await insp.save_results(me, iid, results)
    made = []
    for k in range(hazards):
        text, place, sub = DESCRIPTIONS[k % len(DESCRIPTIONS)]
        major = k == 1
        data = HazardIn(
            description=f"{text}（{k + 1}）{extra_description if k == 0 else ''}",
            location=place,
            level="major" if major else "general",
            category="site",
            subcategory=sub,
            legal_basis="《中华人民共和国安全生产法》第四十一条；GB 50054-2011 第3.1.4条",
            suggestion="立即清理，落实专人管理，定期检查",
            item_id=items[0]["id"] if k == 0 else None,
            **(
                {"major_basis": "《工贸企业重大事故隐患判定标准》第四条第（一）项"} if major else {}
            ),
        )
        h = await insp.log_hazard(me, iid, data)
        for p in range(photos_per_hazard):
            await insp.add_hazard_photo(me, h["id"], photo(k * 10 + p), "scene.jpg")
        made.append(h)
    await insp.add_signature(me, iid, "inspector", "王志强", content=fi.png())
    if refuse:
        await insp.add_signature(
            me, iid, "enterprise", "赵经理", refused_reason="负责人外出，拒绝签字"
        )
    else:
        await insp.add_signature(me, iid, "enterprise", "赵经理", content=fi.png())
    await insp.submit_inspection(me, iid)
    docs = Docs(w, v, iid, ent, made)
    if verify and made:
        hid = made[0]["id"]
        ent_actor = f.actor(ent_user)
        await rect.save_plan(
            ent_actor,
            hid,
            PlanIn(
                responsible_person="赵经理",
                measures="清理杂物，更换配电箱门锁",
                funds="0.5万元",
                deadline=local_today() + dt.timedelta(days=5),
                contingency_plan="断电检修",
            ),
        )
        after = await insp.add_hazard_photo(ent_actor, hid, photo(999), "after.jpg")
        await rect.submit_evidence(
            ent_actor,
            hid,
            SubmissionIn(
                description="已清理并加锁", completed_on=local_today(), photo_ids=[after["id"]]
            ),
        )
        await rect.verify(
            f.actor(w.officer), hid, VerificationIn(result="pass", comment="现场复查已整改到位")
        )
        docs.verified_hazard = hid
    docs.enterprise_user = ent_user
    return docs


@dataclass
class SelfDocs:
    w: object
    inspection_id: int
    enterprise: dict
    contact: dict  # the enterprise's user who walked and verified it
    checklist: dict
    hazards: list[dict] = field(default_factory=list)
    verified_hazard: int | None = None


async def self_inspection(
    w=None,
    enterprise: dict | None = None,
    contact: dict | None = None,
    hazards: int = 3,
    verify: bool = True,
    comment: str = "整改到位，自查复核合格",
    checker: str = "张安全",
) -> SelfDocs:
    """A submitted self-inspection (kind ``self``) of a fresh enterprise, walked through the
    real services by its own contact (display name ``checker``): results, ``hazards``
    findings (the second one major), the checker's and the principal's signatures; with
    ``verify``, the first (general) finding planned, evidenced with an after-photo and
    verified ``pass`` by the enterprise itself with ``comment``."""
    from inspections.selfcheck.schemas import SelfInspectionIn
    from inspections.selfcheck.service import start_self_inspection
    from safety.tables import User

    w = w or await f.world()
    if enterprise is None:
        enterprise = await f.enterprise(
            w.tree["grid1"]["id"],
            name=f"济南恒达金属制品有限公司{f.n()}",
            address="山东省济南市泉华区怡园路88号",
        )
    if contact is None:
        contact = await f.user("enterprise", enterprise_id=enterprise["id"])
        await User.update({User.display_name: checker}).where(User.id == contact["id"]).run()
        contact = {**contact, "display_name": checker}
    me = f.actor(contact)
    tpl = await fi.checklist(sections=1, items=4, code=f"selfchk{f.n()}", name="消防安全检查表")
    made = await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=local_today()), start=True
    )
    iid = made["id"]
    items = tpl["items"]
    await insp.save_results(
        me,
        iid,
        [
            ResultIn(item_id=i["id"], result="fail" if k == 0 else "pass")
            for k, i in enumerate(items)
        ],
    )
    logged = []
    for k in range(hazards):
        text, place, sub = DESCRIPTIONS[k % len(DESCRIPTIONS)]
        major = k == 1
        h = await insp.log_hazard(
            me,
            iid,
            HazardIn(
                description=f"{text}（自查{k + 1}）",
                location=place,
                level="major" if major else "general",
                category="site",
                subcategory=sub,
                suggestion="立即整改，整改后拍照留存",
                **({"major_basis": "《工贸企业重大事故隐患判定标准》第四条"} if major else {}),
            ),
        )
        await insp.add_hazard_photo(me, h["id"], photo(500 + k), "scene.jpg")
        logged.append(h)
    await insp.add_signature(me, iid, "inspector", checker, content=fi.png())
    await insp.add_signature(me, iid, "enterprise", "李建国", content=fi.png())
    await insp.submit_inspection(me, iid)
    docs = SelfDocs(w, iid, enterprise, contact, tpl, logged)
    if verify and logged:
        hid = logged[0]["id"]
        await rect.save_plan(me, hid, PlanIn(responsible_person=checker, measures="清理杂物"))
        after = await insp.add_hazard_photo(me, hid, photo(900), "after.jpg", "rectified")
        await rect.submit_evidence(
            me,
            hid,
            SubmissionIn(
                description="已清理并加锁", completed_on=local_today(), photo_ids=[after["id"]]
            ),
        )
        await rect.verify(me, hid, VerificationIn(result="pass", comment=comment))
        docs.verified_hazard = hid
    return docs
