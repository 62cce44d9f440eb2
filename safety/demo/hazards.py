"""One hazard's life in the demo's history (``safety.demo.history``): after the visit
that found it, the enterprise's contact plans (五落实 for a major hazard), submits
evidence or asks for an extension, and the officer verifies (once in a while failing a
first submission) — each step scheduled on the world's timeline at its own back-dated
moment, through the rectification services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Awaitable, Callable
from typing import Any

from safety.demo.clock import travel_to
from safety.demo.world import World


def _plan(level: str, finding: dict, deadline: dt.date) -> Any:
    from rectification.schemas import PlanIn

    return PlanIn(
        responsible_person="生产负责人" if level == "general" else "企业主要负责人",
        measures=finding["suggestion"],
        funds="自筹，约0.5万元" if level == "general" else "企业自筹专项资金3万元",
        deadline=deadline,
        contingency_plan="整改期间加强现场巡查，设置警戒区域，必要时停用相关设备或区域",
    )


def after_photo_bytes(hazard_id: int, seq: int = 0) -> bytes:
    """A small after-photo (a green scene with the hazard's number), unique per hazard and
    submission: evidence needs at least one (rectification.rules.evidence_photo_problems)."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (200, 230, 205))
    draw = ImageDraw.Draw(img)
    draw.rectangle([(40, 120), (280, 200)], fill=(90, 140, 100))
    draw.line([(60, 100), (260, 100)], fill=(40, 80, 50), width=4)
    draw.text((12, 12), f"#{hazard_id}-{seq}", fill="black")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


async def submit_with_photo(actor: Any, hazard_id: int, description: str, on: dt.date) -> dict:
    """Upload an after-photo, then submit the evidence with it (as the page does)."""
    from inspections.services.photos import add_hazard_photo
    from rectification import services as rect
    from rectification.schemas import SubmissionIn

    seq = int(on.toordinal())
    photo = await add_hazard_photo(
        actor, hazard_id, after_photo_bytes(hazard_id, seq), "after.jpg", "rectified"
    )
    return await rect.submit_evidence(
        actor,
        hazard_id,
        SubmissionIn(description=description, completed_on=on, photo_ids=[photo["id"]]),
    )


def rectify(world: World, hazard: dict, finding: dict, flow: str) -> None:
    """Schedule the hazard's rectification steps after the visit, by ``flow``:
    ``direct`` evidence then pass; ``plan`` plan, evidence, pass; ``fail_once`` as plan with
    a failed first verification; ``extension`` an approved extension before closing;
    ``major`` 五落实 plan, evidence weeks later, pass. Live flows stop midway:
    ``plan_open`` (rectifying), ``submitted`` (awaiting verification),
    ``extension_pending``, ``pending`` (nothing yet)."""
    from rectification import services as rect
    from rectification.schemas import DecisionIn, ExtensionIn, VerificationIn

    t, rng = world.timeline, world.rng
    hid, found = hazard["id"], hazard["found_on"]
    deadline = hazard["effective_deadline"]
    contact = world.contacts[hazard["enterprise_id"]]
    officer = world.officer
    if flow == "pending":
        return

    def day(n: int) -> dt.date:
        return found + dt.timedelta(days=n)

    def step(when: dt.date, hour: int, coro: Callable[[], Awaitable[Any]]) -> None:
        async def run() -> None:
            await coro()

        t.at(when, hour, rng.randrange(0, 60), run)

    span = max(2, (deadline - found).days)
    plan_day = day(rng.randint(1, 2))
    done_day = day(rng.randint(min(3, span - 1), max(3, span - 2)))
    check_day = done_day + dt.timedelta(days=rng.randint(1, 3))
    done_text = f"已按要求完成整改：{finding['suggestion']}"

    def submit(on: dt.date, text: str = done_text) -> Callable[[], Awaitable[Any]]:
        return lambda: submit_with_photo(contact, hid, text, on)

    def verify(result: str, comment: str) -> Callable[[], Awaitable[Any]]:
        return lambda: rect.verify(officer, hid, VerificationIn(result=result, comment=comment))

    def plan(deadline_of_plan: dt.date) -> Callable[[], Awaitable[Any]]:
        return lambda: rect.save_plan(
            contact, hid, _plan(hazard["level"], finding, deadline_of_plan)
        )

    if flow in ("plan", "fail_once", "extension", "major", "plan_open"):
        step(plan_day, 10, plan(min(deadline, done_day if flow != "plan_open" else deadline)))
    if flow == "plan_open":
        return
    if flow == "extension_pending":
        ask = ExtensionIn(
            new_deadline=deadline + dt.timedelta(days=15),
            reason="整改所需配件厂家缺货，预计两周后到货",
        )
        step(day(2), 15, lambda: rect.request_extension(contact, hid, ask))
        return
    if flow == "extension":
        ask_day = day(max(1, span - 4))
        new_deadline = deadline + dt.timedelta(days=15)
        ask = ExtensionIn(new_deadline=new_deadline, reason="整改需更换设备，采购周期较长")

        async def ask_and_decide() -> None:
            request = await rect.request_extension(contact, hid, ask)
            travel_to(ask_day + dt.timedelta(days=1), 9, 30)
            await rect.decide_extension(
                officer, request["id"], DecisionIn(approved=True, comment="同意延期，按期完成")
            )

        step(ask_day, 16, ask_and_decide)
        done_day = deadline + dt.timedelta(days=rng.randint(3, 12))
        check_day = done_day + dt.timedelta(days=rng.randint(1, 3))
    if flow == "major":
        done_day = day(rng.randint(20, 45))
        check_day = done_day + dt.timedelta(days=rng.randint(2, 5))
    step(done_day, 17, submit(done_day))
    if flow == "submitted":
        return
    if flow == "fail_once":
        step(check_day, 10, verify("fail", "整改不彻底，现场仍存在同类问题，请重新整改"))
        again = check_day + dt.timedelta(days=rng.randint(2, 4))
        step(again, 16, submit(again, f"已重新整改到位：{finding['suggestion']}"))
        check_day = again + dt.timedelta(days=rng.randint(1, 2))
    step(check_day, 11, verify("pass", "经现场复查，整改到位，同意销号"))


def closed_flow(level: str, rng: random.Random) -> str:
    if level == "major":
        return "major"
    r = rng.random()
    if r < 0.25:
        return "spot"
    if r < 0.70:
        return "direct"
    if r < 0.88:
        return "plan"
    if r < 0.96:
        return "fail_once"
    return "extension"
