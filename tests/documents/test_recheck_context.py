"""The recheck opinion (复查意见书) names the verifier by role — the officer, the
inspector, or the enterprise's own contact closing a general finding of its
self-inspection — and its after-photos are those of the submission that verification
judged: photos uploaded since (for the next submission) are not part of it."""

from __future__ import annotations

from inspections import services as insp
from inspections.schemas import HazardIn
from inspections.selfcheck.schemas import SelfInspectionIn
from inspections.selfcheck.service import start_self_inspection
from rectification import services as rect
from rectification.documents.recheck import recheck_context
from rectification.schemas import SubmissionIn, VerificationIn
from safety.settings import local_today
from safety.tables import Attachment
from tests import factories as f
from tests.documents import world
from tests.documents.test_documents import flat, keep, pdftotext
from tests.inspections import factories as fi

GENERAL = HazardIn(
    description="配电箱前堆放杂物",
    location="一车间",
    level="general",
    category="site",
    subcategory="电气",
)


async def _evidence(actor, hazard_id: int, seed: int, text: str) -> dict:
    after = await insp.add_hazard_photo(
        actor, hazard_id, world.photo(seed), "after.jpg", "rectified"
    )
    await rect.submit_evidence(
        actor,
        hazard_id,
        SubmissionIn(description=text, completed_on=local_today(), photo_ids=[after["id"]]),
    )
    return after


async def _sha(attachment_id: int) -> str:
    row = await Attachment.select(Attachment.sha256).where(Attachment.id == attachment_id).first()
    return row["sha256"]


async def test_the_enterprise_verifying_its_own_finding_is_named_as_the_enterprise(client):
    w = await f.world()
    me = f.actor(w.enterprise_user)
    tpl = await fi.checklist(sections=1, items=1)
    made = await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=local_today())
    )
    await insp.start_inspection(me, made["id"])
    hazard = await insp.log_hazard(me, made["id"], GENERAL)
    await _evidence(me, hazard["id"], 1, "已清理")
    await rect.verify(me, hazard["id"], VerificationIn(result="pass", comment="已复核"))
    ctx, _ = await recheck_context(me, hazard["id"])
    assert ctx["verifier_role"] == "企业联系人"
    r = await client.get(
        f"/api/v1/hazards/{hazard['id']}/recheck.pdf", headers=f.headers(w.enterprise_user)
    )
    assert r.status_code == 200, r.text
    keep("recheck-self.pdf", r.content)
    text = flat(pdftotext(r.content))
    assert "（企业联系人）" in text and "检查专家" not in text


async def test_officer_and_inspector_verifiers_are_named_by_role(client):
    d = await world.build(client, hazards=3, photos_per_hazard=0, verify=True)
    ctx, _ = await recheck_context(f.actor(d.w.officer), d.verified_hazard)
    assert ctx["verifier_role"] == "街道安全监管员"
    other = d.hazards[2]["id"]  # general, not the verified one (the first)
    await _evidence(f.actor(d.enterprise_user), other, 2, "已整改")
    await rect.verify(f.actor(d.w.inspector), other, VerificationIn(result="pass"))
    ctx, _ = await recheck_context(f.actor(d.w.officer), other)
    assert ctx["verifier_role"] == "第三方专家"


async def test_a_reprint_after_a_failed_verification_keeps_that_submissions_photos(client):
    d = await world.build(client, hazards=1, photos_per_hazard=0, verify=False)
    hid = d.hazards[0]["id"]
    ent = f.actor(d.enterprise_user)
    first = await _evidence(ent, hid, 3, "已清理")
    await rect.verify(
        f.actor(d.w.officer), hid, VerificationIn(result="fail", comment="箱门仍未加锁")
    )
    ctx, _ = await recheck_context(ent, hid)
    printed = [p["url"] for p in ctx["after_photos"]]
    assert printed == [f"safety:photo/{await _sha(first['id'])}"]
    # the enterprise uploads the next after-photo (not yet submitted): the failed
    # verification's opinion still shows what that verification saw
    await insp.add_hazard_photo(ent, hid, world.photo(4), "after2.jpg")
    ctx, _ = await recheck_context(ent, hid)
    assert [p["url"] for p in ctx["after_photos"]] == printed
