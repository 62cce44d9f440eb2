"""The pictures of the four documents in the manual, from the demo data.

Not collected by pytest. Loads the demo into a fresh SQLite file in a temporary folder,
finishes the demo's in-progress visit (济南恒达金属制品有限公司: the other items answered,
three more hazards with photos, both signatures, submitted), takes its first hazard
through plan, evidence and the officer's verification, then renders the inspection
report, the notice, the recheck opinion and the campaign summary through the real
endpoints and writes page 1 of each as a PNG to docs/:

    .venv/bin/python tests/documents/demo_docs.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="demo-docs-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'demo.sqlite3'}"
os.environ["SAFETY_DATA_DIR"] = str(TMP / "data")
os.environ["SAFETY_SECRET_KEY"] = "demo-docs-secret-key-not-for-production"
os.environ.setdefault("SAFETY_PDF_FONT_DIR", str(ROOT / "var" / "fonts"))
os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
OUT = Path(os.environ.get("DOCS_OUT", ROOT / "docs"))


def to_png(name: str, content: bytes) -> Path:
    """Keep the PDF in the temporary folder and write its page 1 to docs/."""
    pdf = TMP / f"{name}.pdf"
    pdf.write_bytes(content)
    OUT.mkdir(parents=True, exist_ok=True)
    page = ["-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", *page, str(pdf), str(OUT / f"document-{name}")],
        check=True,
    )
    return pdf


async def main() -> None:
    import httpx

    from inspections import services as insp
    from inspections.checklists.service import load_library
    from inspections.schemas import HazardIn, ResultIn
    from inspections.tables import Inspection
    from rectification import services as rect
    from rectification.schemas import PlanIn, SubmissionIn, VerificationIn
    from safety.actors import actor_from_user
    from safety.app import create_app
    from safety.db import close_pool, open_pool
    from safety.demo.load import load_demo
    from safety.migrations import apply_migrations
    from safety.settings import local_today
    from safety.tables import User
    from tests import factories as f
    from tests.documents.world import photo
    from tests.inspections.factories import png

    await apply_migrations()
    await open_pool()
    await load_library()
    await load_demo()

    async def actor(name):
        return actor_from_user(await User.select().where(User.username == name).first().run())

    inspector, officer, ent = (
        await actor("inspector"),
        await actor("officer"),
        await actor("enterprise"),
    )
    row = await Inspection.select().where(Inspection.state == "in_progress").first().run()
    iid = row["id"]
    detail = await insp.get_inspection(inspector, iid)
    items = detail["items"]
    fails = {i["id"] for i in items if i["result"] == "fail"}
    results = []
    for k, item in enumerate(items):
        if item["result"] is None:
            result = "fail" if k in (3, 8) else ("na" if k == 12 else "pass")
            results.append(ResultIn(item_id=item["id"], result=result))
            if result == "fail":
                fails.add(item["id"])
    await insp.save_results(inspector, iid, results)
    for h in detail["hazards"]:
        for p in range(2):
            await insp.add_hazard_photo(inspector, h["id"], photo(h["id"] * 7 + p), "p.jpg")
    extra = [
        ("车间安全出口被成品货架堵塞，疏散通道宽度不足1米", "二号车间东门", "消防", "general"),
        ("冲压机双手操作按钮被短接，光电保护装置失效", "冲压工段3号冲床", "机械", "major"),
        ("气瓶间乙炔瓶与氧气瓶混放，未设置防倾倒链", "气瓶间", "危化品", "general"),
    ]
    for k, (text, place, sub, level) in enumerate(extra):
        item = next(i for i in items if i["id"] in fails)
        h = await insp.log_hazard(
            inspector,
            iid,
            HazardIn(
                description=text,
                location=place,
                level=level,
                category="site",
                subcategory=sub,
                item_id=item["id"],
                legal_basis=item["legal_basis"] or "《中华人民共和国安全生产法》第四十一条",
                suggestion="立即整改，落实专人负责，整改完成前停止相关作业",
                **(
                    {"major_basis": "《工贸企业重大事故隐患判定标准》第八条第（二）项"}
                    if level == "major"
                    else {}
                ),
            ),
        )
        for p in range(2):
            await insp.add_hazard_photo(inspector, h["id"], photo(100 + k * 7 + p), "p.jpg")
    await insp.add_signature(inspector, iid, "inspector", "王志强", content=png())
    await insp.add_signature(inspector, iid, "enterprise", "刘洪涛", content=png())
    await insp.submit_inspection(inspector, iid)
    first = (await insp.get_inspection(officer, iid))["hazards"][0]
    await rect.save_plan(
        ent,
        first["id"],
        PlanIn(
            responsible_person="刘洪涛",
            measures="移除安全出口前的成品货架，划设疏散通道标线",
            funds="0.2万元，企业自筹",
            deadline=local_today() + dt.timedelta(days=3),
            contingency_plan="整改完成前东门设专人值守，保持西门畅通",
        ),
    )
    after = await insp.add_hazard_photo(ent, first["id"], photo(4242), "after.jpg")
    await rect.submit_evidence(
        ent,
        first["id"],
        SubmissionIn(
            description="已移除货架，疏散通道宽度恢复至1.5米，设置禁止占用标识",
            completed_on=local_today(),
            photo_ids=[after["id"]],
        ),
    )
    await rect.verify(
        officer, first["id"], VerificationIn(result="pass", comment="现场复查已整改到位，同意销号")
    )
    campaign_id = row["campaign"]
    officer_row = await User.select().where(User.username == "officer").first().run()
    await close_pool()

    app = create_app()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://d", timeout=300) as c:
            for name, path in (
                ("report", f"/api/v1/inspections/{iid}/report.pdf"),
                ("notice", f"/api/v1/inspections/{iid}/notice.pdf"),
                ("recheck", f"/api/v1/hazards/{first['id']}/recheck.pdf"),
                ("campaign", f"/api/v1/campaigns/{campaign_id}/report.pdf"),
            ):
                r = await c.get(path, headers=f.headers(officer_row))
                assert r.status_code == 200, (path, r.text)
                print(name, len(r.content), "bytes", to_png(name, r.content))


if __name__ == "__main__":
    asyncio.run(main())
