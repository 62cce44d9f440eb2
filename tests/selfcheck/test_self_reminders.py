"""``safety remind`` asks whoever verifies a waiting submission: the enterprise itself for
its own general self-found hazard (not the officer), the officer for a major one (not the
enterprise's contact, who may not verify it)."""

from __future__ import annotations

import datetime as dt

from inspections.tables import Hazard
from rectification.reminders import collect
from rectification.tables import EvidenceSubmission
from safety.settings import local_today
from tests import factories as f

TODAY = local_today()


async def _waiting(ent: dict, level: str, description: str) -> None:
    row = Hazard(
        enterprise=ent["id"],
        source="self_report",
        description=description,
        category="site",
        level=level,
        major_basis="应急管理部令第10号" if level == "major" else "",
        found_on=TODAY - dt.timedelta(days=10),
        deadline=TODAY + dt.timedelta(days=20),
        effective_deadline=TODAY + dt.timedelta(days=20),
        status="submitted",
    )
    await row.save().run()
    await (
        EvidenceSubmission(
            hazard=row.id,
            description="已整改",
            completed_on=TODAY - dt.timedelta(days=5),
            submitted_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=5),
        )
        .save()
        .run()
    )


def _body(digests, user_id: int) -> str:
    return digests[user_id].render()[1] if user_id in digests else ""


async def test_waiting_self_found_hazards_remind_whoever_verifies_them():
    tree = await f.org_tree()
    ent = await f.enterprise(tree["grid1"]["id"])
    contact = await f.user("enterprise", enterprise_id=ent["id"])
    officer = await f.user("officer", org_unit_id=tree["street"]["id"])
    await _waiting(ent, "general", f"自查一般隐患{f.n()}")
    await _waiting(ent, "major", f"自查重大隐患{f.n()}")
    digests, report = await collect(TODAY)
    assert report.waiting_verification >= 2
    mine, theirs = _body(digests, contact["id"]), _body(digests, officer["id"])
    assert "自查一般隐患" in mine and "自查重大隐患" not in mine
    assert "自查重大隐患" in theirs and "自查一般隐患" not in theirs
