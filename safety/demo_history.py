"""The demo's past, made through today's services (fixtures/demo/history.json, findings.json).

- 2020年冬季安全生产大检查 (seasonal): 96 planned enterprises in two expert groups, every one
  inspected, 300+ hazards, every one closed (验收销号): inspected 96 of 96, 整改率 100 %.
- 2025年度第三方专家安全隐患排查 (third_party): 第一批次 16 enterprises, 第二批次 30, all
  hazards closed.
- The live campaign's first visits (``walk_live``, called by ``safety.demo_campaign``):
  open, overdue, major, awaiting verification and an extension request, so the officer's
  queues and the dashboard show work in progress.

Everything goes through the services the pages use — create the campaign, its batches and
inspections, start, answer every item, log the hazards from the failed items, sign,
submit; then the enterprise's contact plans (五落实 for a major hazard), submits evidence or
asks for an extension, and the officer verifies (once in a while failing a first
submission) — each at its own back-dated moment (``safety.demo_clock``), in time order, so
the history (``hazard_transition.at``, ``submitted_at``, ``closed_at``, ``rectified_on``,
the audit trail) is what the figures "as of a date" read. No figure is inserted.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import itertools
import json
import random
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safety.auth import SYSTEM, Actor, actor_from_user
from safety.demo_clock import backdated, travel_to
from safety.tables import Agency, Enterprise, OrgUnit, User

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
CONTACT_PASSWORD = "Yiyuan@2024"


def _read(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _signature_png() -> bytes:
    """A drawn signature (a scribble), as the phone's canvas sends it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(12, 50), (40, 20), (62, 58), (90, 24), (120, 52), (150, 30), (220, 40)], "black", 3)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


# ---------------------------------------------------------------- the event queue


@dataclass(order=True)
class _Event:
    at: dt.datetime
    seq: int
    run: Callable[[], Awaitable[None]] = field(compare=False)


class _Timeline:
    """Steps to run at their moments, earliest first (a step may schedule later ones)."""

    def __init__(self, zone: str) -> None:
        from zoneinfo import ZoneInfo

        self.zone = ZoneInfo(zone)
        self._heap: list[_Event] = []
        self._seq = itertools.count()

    def at(self, day: dt.date, hour: int, minute: int, run: Callable[[], Awaitable[None]]) -> None:
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
        heapq.heappush(self._heap, _Event(moment, next(self._seq), run))

    async def play(self, until: dt.datetime | None = None) -> None:
        """Run the steps in time order; those after ``until`` (the real now, for the live
        campaign) are dropped: the demo has no future."""
        while self._heap:
            event = heapq.heappop(self._heap)
            if until is not None and event.at > until:
                continue
            local = event.at
            travel_to(local.date(), local.hour, local.minute)
            await event.run()


# ---------------------------------------------------------------- people


async def _actor(username: str) -> Actor:
    return actor_from_user(await User.select().where(User.username == username).first().run())


async def _contacts(enterprises: list[dict]) -> dict[int, Actor]:
    """One safety contact account per enterprise (the registry's contact person), made by
    ``create_user``. They share the demo password, so it is hashed once."""
    from safety import accounts
    from safety.accounts import NewUser, create_user

    existing = {
        r["enterprise"]: actor_from_user(r)
        for r in await User.select()
        .where(User.role == "enterprise", User.enterprise.is_in([e["id"] for e in enterprises]))
        .run()
    }
    real_hash = accounts.hash_password
    digest = await real_hash(CONTACT_PASSWORD)

    async def same_hash(password: str) -> str:
        return digest if password == CONTACT_PASSWORD else await real_hash(password)

    accounts.hash_password = same_hash
    try:
        for e in enterprises:
            if e["id"] in existing:
                continue
            made = await create_user(
                SYSTEM,
                NewUser(
                    username=f"qy{e['id']:04d}",
                    password=CONTACT_PASSWORD,
                    role="enterprise",
                    display_name=e["contact_name"] or e["name"][:20],
                    enterprise_id=e["id"],
                    phone=e["contact_phone"] or None,
                ),
            )
            existing[e["id"]] = actor_from_user(
                await User.select().where(User.id == made["id"]).first().run()
            )
    finally:
        accounts.hash_password = real_hash
    return existing


# ---------------------------------------------------------------- one hazard's life


@dataclass
class _World:
    timeline: _Timeline
    officer: Actor
    contacts: dict[int, Actor]
    signature: bytes
    rng: random.Random
    made: dict[str, int] = field(default_factory=dict)


def _plan(level: str, finding: dict, deadline: dt.date) -> Any:
    from rectification.schemas import PlanIn

    return PlanIn(
        responsible_person="生产负责人" if level == "general" else "企业主要负责人",
        measures=finding["suggestion"],
        funds="自筹，约0.5万元" if level == "general" else "企业自筹专项资金3万元",
        deadline=deadline,
        contingency_plan="整改期间加强现场巡查，设置警戒区域，必要时停用相关设备或区域",
    )


def _rectify(world: _World, hazard: dict, finding: dict, flow: str) -> None:
    """Schedule the hazard's rectification steps after the visit, by ``flow``:
    ``direct`` evidence then pass; ``plan`` plan, evidence, pass; ``fail_once`` as plan with
    a failed first verification; ``extension`` an approved extension before closing;
    ``major`` 五落实 plan, evidence weeks later, pass. Live flows stop midway:
    ``plan_open`` (rectifying), ``submitted`` (awaiting verification),
    ``extension_pending``, ``pending`` (nothing yet)."""
    from rectification import services as rect
    from rectification.schemas import (
        DecisionIn,
        ExtensionIn,
        SubmissionIn,
        VerificationIn,
    )

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
        return lambda: rect.submit_evidence(
            contact, hid, SubmissionIn(description=text, completed_on=on)
        )

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


def _closed_flow(level: str, rng: random.Random) -> str:
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


# ---------------------------------------------------------------- one visit


async def _visit(
    world: _World,
    inspection: dict,
    lead: Actor,
    checklist: dict,
    hazards: list[tuple[dict, str, dt.date | None]],
) -> None:
    """The walk of one planned inspection on its day: start, answer every item (failed
    where a hazard is found), log the hazards, both signatures, submit."""
    from inspections import services
    from inspections.schemas import HazardIn, ResultIn

    items = {i["code"]: i for s in checklist["sections"] for i in s["items"]}
    failed = {finding["item"]: finding for finding, _, _ in hazards}
    await services.start_inspection(lead, inspection["id"])
    await services.save_results(
        lead,
        inspection["id"],
        [
            ResultIn(
                item_id=item["id"],
                result="fail" if code in failed else "pass",
                note=failed[code]["description"][:200] if code in failed else "",
            )
            for code, item in items.items()
        ],
    )
    for finding, flow, deadline in hazards:
        item = items[finding["item"]]
        hazard = await services.log_hazard(
            lead,
            inspection["id"],
            HazardIn(
                description=finding["description"],
                location=finding["location"],
                level=item["default_level"],
                category=item["category"],
                subcategory=item["subcategory"],
                factor=finding["factor"],
                item_id=item["id"],
                legal_basis=item["legal_basis"],
                major_basis=item.get("major_basis") or "",
                suggestion=finding["suggestion"],
                deadline=deadline,
                fixed_on_spot=flow == "spot",
            ),
        )
        world.made["hazards"] = world.made.get("hazards", 0) + 1
        if flow != "spot":
            _rectify(world, {**hazard, "enterprise_id": inspection["enterprise_id"]}, finding, flow)
    contact = world.contacts[inspection["enterprise_id"]]
    await services.add_signature(
        lead, inspection["id"], "inspector", lead.display_name, content=world.signature
    )
    await services.add_signature(
        lead, inspection["id"], "enterprise", contact.display_name, content=world.signature
    )
    await services.submit_inspection(lead, inspection["id"])
    world.made["inspections"] = world.made.get("inspections", 0) + 1


# ---------------------------------------------------------------- campaigns


async def _campaign(world: _World, spec: dict, enterprises: list[dict], findings: dict) -> None:
    from inspections import services
    from inspections.checklists.service import current_of
    from inspections.schemas import BatchIn, CampaignIn, InspectionIn

    rng = world.rng
    street = await OrgUnit.select(OrgUnit.id).where(OrgUnit.kind == "street").first().run()
    agency = await Agency.select(Agency.id).first().run()
    planned = sorted(
        {i for b in spec["batches"] for i in range(b["enterprises"][0], b["enterprises"][1])}
    )
    travel_to(dt.date.fromisoformat(spec["planned_on"]), 9, 0)
    campaign = await services.create_campaign(
        world.officer,
        CampaignIn(
            name=spec["name"],
            kind=spec["kind"],
            starts_on=dt.date.fromisoformat(spec["starts_on"]),
            ends_on=dt.date.fromisoformat(spec["ends_on"]),
            org_unit_id=street["id"],
            enterprise_ids=[enterprises[i]["id"] for i in planned],
            deadline_days=spec["deadline_days"],
            description=spec["description"],
        ),
    )
    for b in spec["batches"]:
        members = [enterprises[i] for i in range(*b["enterprises"])]
        lead = await _actor(b["lead"])
        group = [lead.user_id, *[(await _actor(m)).user_id for m in b["members"]]]
        batch = await services.add_batch(
            world.officer,
            campaign["id"],
            BatchIn(
                name=b["name"],
                agency_id=agency["id"],
                enterprise_ids=[e["id"] for e in members],
                inspector_ids=group,
                lead_id=lead.user_id,
                starts_on=dt.date.fromisoformat(b["starts_on"]),
                ends_on=dt.date.fromisoformat(b["ends_on"]),
            ),
        )
        checklist = await current_of(b["checklist"])
        start = dt.date.fromisoformat(b["starts_on"])
        workdays = [
            d
            for d in (
                start + dt.timedelta(days=n)
                for n in range((dt.date.fromisoformat(b["ends_on"]) - start).days - 7)
            )
            if d.weekday() < 5
        ]
        for k, ent in enumerate(members):
            on = workdays[(k * len(workdays)) // len(members)]
            inspection = await services.create_inspection(
                world.officer,
                InspectionIn(
                    campaign_id=campaign["id"],
                    batch_id=batch["id"],
                    enterprise_id=ent["id"],
                    checklist_id=checklist["id"],
                    inspector_ids=group,
                    lead_id=lead.user_id,
                    scheduled_on=on,
                ),
            )
            by_item: dict[str, list[dict]] = {}
            for finding in findings[b["checklist"]]:
                by_item.setdefault(finding["item"], []).append(finding)
            items = rng.sample(sorted(by_item), min(len(by_item), rng.choice(b["hazards"])))
            chosen = [rng.choice(by_item[code]) for code in items]  # one hazard per item
            found = [(f, _closed_flow(_level(checklist, f), rng), None) for f in chosen]

            async def walk(inspection=inspection, lead=lead, checklist=checklist, found=found):
                await _visit(world, inspection, lead, checklist, found)

            world.timeline.at(on, 9 + (k % 3), rng.randrange(0, 60), walk)


def _level(checklist: dict, finding: dict) -> str:
    for s in checklist["sections"]:
        for i in s["items"]:
            if i["code"] == finding["item"]:
                return i["default_level"]
    raise KeyError(finding["item"])


async def _world(enterprises: list[dict], seed: int) -> _World:
    from safety.settings import get_settings

    return _World(
        timeline=_Timeline(get_settings().timezone),
        officer=await _actor("officer"),
        contacts=await _contacts(enterprises),
        signature=_signature_png(),
        rng=random.Random(seed),
    )


@contextmanager
def _lean_replies() -> Iterator[None]:
    """While the history is made, the services' replies (the full hazard or inspection
    shape a page or the API shows, a dozen reads each) are cut to the ids and dates the
    loader uses next: the work itself — checks, transitions, audit, notifications — is
    the services' own, unchanged. This alone halves the demo's time."""
    from inspections.services import hazards as hazard_service
    from inspections.services import inspections as inspection_service
    from inspections.tables import Hazard, Inspection
    from rectification import services as rect

    async def hazard_reply(hazard_id: int) -> dict:
        row = (
            await Hazard.select(
                Hazard.id,
                Hazard.found_on,
                Hazard.level,
                Hazard.enterprise,
                Hazard.deadline,
                Hazard.effective_deadline,
            )
            .where(Hazard.id == hazard_id)
            .first()
            .run()
        )
        return {**row, "enterprise_id": row["enterprise"]}

    async def inspection_reply(inspection_id: int) -> dict:
        row = (
            await Inspection.select(Inspection.id, Inspection.enterprise, Inspection.state)
            .where(Inspection.id == inspection_id)
            .first()
            .run()
        )
        return {**row, "enterprise_id": row["enterprise"]}

    async def rectification_reply(actor: Actor, hazard_id: int) -> dict:
        return {"id": hazard_id}

    saved = (hazard_service._detail, inspection_service._detail, rect.hazard_detail)
    hazard_service._detail = hazard_reply
    inspection_service._detail = inspection_reply
    rect.hazard_detail = rectification_reply
    try:
        yield
    finally:
        hazard_service._detail, inspection_service._detail, rect.hazard_detail = saved


def _import_services() -> None:
    """Import what the history calls before the clock is patched: a pydantic model defined
    while ``datetime.datetime`` is the demo's stand-in could not be built."""
    import inspections.checklists.service  # noqa: F401
    import inspections.schemas  # noqa: F401
    import inspections.services  # noqa: F401
    import rectification.schemas  # noqa: F401
    import rectification.services  # noqa: F401
    import safety.accounts  # noqa: F401


async def _enterprises() -> list[dict]:
    return await Enterprise.select().order_by(Enterprise.id).run()


async def load_history() -> dict[str, int]:
    """The past campaigns (history.json), played in time order on the demo clock."""
    spec, findings = _read("history.json"), _read("findings.json")
    enterprises = await _enterprises()
    first = min(dt.date.fromisoformat(c["planned_on"]) for c in spec["campaigns"])
    _import_services()
    with backdated(first), _lean_replies():
        world = await _world(
            [
                enterprises[i]
                for c in spec["campaigns"]
                for b in c["batches"]
                for i in range(*b["enterprises"])
            ],
            spec["seed"],
        )
        for campaign in sorted(spec["campaigns"], key=lambda c: c["planned_on"]):
            await _campaign(world, campaign, enterprises, findings)
            await world.timeline.play()
    return world.made


async def walk_live(campaign: dict, batch: dict, codes: list[str], today: dt.date) -> list[int]:
    """The live campaign's visits already made (history.json ``live``): inspections of the
    first batch's enterprises ``codes[i]``, walked on their back-dated days, their hazards
    left open, overdue, awaiting verification… Returns the enterprises so visited."""
    from inspections import services
    from inspections.checklists.service import current_of
    from inspections.schemas import InspectionIn

    spec, findings = _read("history.json")["live"], _read("findings.json")["general"]
    rows = {
        r["uscc"]: r for r in await Enterprise.select().where(Enterprise.uscc.is_in(codes)).run()
    }
    visits = [(rows[codes[v["enterprise_index"]]], v) for v in spec["visits"]]
    first = today + dt.timedelta(days=min(v["in_days"] for _, v in visits) - 2)
    now = dt.datetime.now(dt.UTC)
    _import_services()
    lead = await _actor("inspector")
    member = await _actor("inspector2")
    with backdated(first), _lean_replies():
        world = await _world([e for e, _ in visits], 2026)
        checklist = await current_of("general")
        for ent, v in visits:
            on = today + dt.timedelta(days=v["in_days"])
            inspection = await services.create_inspection(
                world.officer,
                InspectionIn(
                    campaign_id=campaign["id"],
                    batch_id=batch["id"],
                    enterprise_id=ent["id"],
                    checklist_id=checklist["id"],
                    inspector_ids=[lead.user_id, member.user_id],
                    lead_id=lead.user_id,
                    scheduled_on=on,
                ),
            )
            found = [
                (
                    findings[h["finding"]],
                    h["flow"],
                    on + dt.timedelta(days=h["deadline_in_days"] - v["in_days"])
                    if "deadline_in_days" in h
                    else None,
                )
                for h in v["hazards"]
            ]

            async def walk(inspection=inspection, checklist=checklist, found=found):
                await _visit(world, inspection, lead, checklist, found)

            world.timeline.at(on, 9, 30, walk)
        await world.timeline.play(until=now)
    return [e["id"] for e, _ in visits]
