"""Documents that say who wrote them (issue 18, point 3): real PDFs rendered and read back
with pdftotext. A campaign inspection's notice, report and recheck carry the street
office's letterhead, numbering, seal area and 责令 wording and its expert group; a
self-inspection's are the enterprise's own — 企业自查隐患整改单 / 安全生产自查报告 /
自查复查记录, its name, 自查〔年-号〕号 counted per enterprise per year, no seal area, no
责令, its own staff as 检查人 / 复查人. The recheck shows the verifier, the time and the
written opinion (验收意见), an empty one as 「（未填写）」."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from inspections import services as insp
from inspections.selfcheck.schemas import SelfInspectionIn
from inspections.selfcheck.service import start_self_inspection
from rectification import services as rect
from rectification.schemas import PlanIn, SubmissionIn, VerificationIn
from safety.settings import local_today
from tests import factories as f
from tests.documents import world
from tests.documents.test_documents import flat, keep, pdftotext
from tests.inspections import factories as fi
from tests.pages import as_user

STREET_ONLY = ("盖章", "责令", "安监整改", "安监复查", "你单位", "同意销号")


async def _pdf(client, url: str, user) -> tuple[str, str]:
    r = await client.get(url, headers=f.headers(user))
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"%PDF")
    keep(url.strip("/").replace("/", "-"), r.content)
    return flat(pdftotext(r.content)), r.headers["content-disposition"]


async def _office(enterprise: dict) -> str:
    from inspections.documents.context import enterprise_of, street_office

    return flat(street_office((await enterprise_of(enterprise["id"]))["org"]))


def _year() -> int:
    return local_today().year


async def test_the_campaign_notice_is_the_street_offices_with_seal_and_order(client):
    d = await world.build(client, hazards=2, photos_per_hazard=0, verify=False)
    text, disposition = await _pdf(
        client, f"/api/v1/inspections/{d.inspection_id}/notice.pdf", d.w.officer
    )
    assert text.startswith("隐患整改通知书") or "隐患整改通知书" in text[:40]
    office = await _office(d.enterprise)
    assert f"{office}安监整改〔{_year()}-{d.inspection_id:05d}〕号" in text
    assert "盖章" in text and "责令你单位" in text and "被检查单位签收人" in text
    assert "企业自查" not in text and "自查〔" not in text
    assert quote("隐患整改通知书") in disposition


async def test_a_self_inspections_notice_is_the_enterprises_own_rectification_list(client):
    d = await world.self_inspection(verify=False)
    text, disposition = await _pdf(
        client, f"/api/v1/inspections/{d.inspection_id}/notice.pdf", d.contact
    )
    name = flat(d.enterprise["name"])
    assert "企业自查隐患整改单" in text and "隐患整改通知书" not in text
    assert f"{name}自查〔{_year()}-0001〕号" in text
    for word in STREET_ONLY:
        assert word not in text, word
    assert "请相关责任人于下列期限前完成整改" in text
    assert "检查人：张安全" in text and "整改责任人签收" in text
    # its major finding: 五落实 in the enterprise's own words, reported to the street
    office = await _office(d.enterprise)
    assert "五落实" in text and "本单位主要负责人" in text and f"已同时报告{office}" in text
    # the checklist by its Chinese name, never its code
    assert "消防安全检查表（第1版）" in text and d.checklist["code"] not in text
    assert quote(f"{d.enterprise['name']}-企业自查隐患整改单-") in disposition


async def test_the_campaign_report_lists_the_expert_group_and_the_street(client):
    d = await world.build(client, hazards=1, photos_per_hazard=0, verify=False)
    text, _ = await _pdf(client, f"/api/v1/inspections/{d.inspection_id}/report.pdf", d.w.officer)
    assert "安全生产检查报告" in text and "自查" not in text
    assert "专家组" in text and "（组长）" in text and "被检查单位负责人" in text
    assert f"{await _office(d.enterprise)}·打印日期" in text
    # the checklist's Chinese name and version, not its code
    code = d.visit.checklist["code"]
    assert "（第1版）" in text and f"（{code}" not in text


async def test_a_self_inspections_report_is_the_enterprises_with_its_checker(client):
    d = await world.self_inspection(verify=False)
    text, disposition = await _pdf(
        client, f"/api/v1/inspections/{d.inspection_id}/report.pdf", d.contact
    )
    name = flat(d.enterprise["name"])
    assert "安全生产自查报告" in text and "安全生产检查报告" not in text
    assert f"{name}自查〔{_year()}-0001〕号" in text
    assert "专家组" not in text and "组长" not in text and "被检查单位" not in text
    assert "检查人张安全" in text and "自查单位" in text and "检查类型企业自查" in text
    assert "单位主要负责人：李建国" in text and "拒签" not in text
    assert f"{name}·打印日期" in text and f"{await _office(d.enterprise)}·打印日期" not in text
    assert "消防安全检查表（第1版）" in text and d.checklist["code"] not in text
    assert quote(f"{d.enterprise['name']}-自查报告-") in disposition
    # an officer reading it sees the same enterprise's document
    officer_text, _ = await _pdf(
        client, f"/api/v1/inspections/{d.inspection_id}/report.pdf", d.w.officer
    )
    assert f"{name}自查〔{_year()}-0001〕号" in officer_text


async def test_the_campaign_recheck_is_the_streets_opinion_with_verifier_time_and_opinion(client):
    from rectification.tables import Verification
    from safety.settings import local_clock

    d = await world.build(client, hazards=1, photos_per_hazard=0, verify=True)
    hid = d.verified_hazard
    text, _ = await _pdf(client, f"/api/v1/hazards/{hid}/recheck.pdf", d.enterprise_user)
    v = await Verification.select().where(Verification.hazard == hid).first().run()
    assert "隐患整改复查意见书" in text and "自查复查记录" not in text
    office = await _office(d.enterprise)
    assert f"{office}安监复查〔{_year()}-{hid:05d}-{v['id']}〕号" in text
    assert "复查合格，同意销号" in text and "盖章" in text and "被检查单位签收" in text
    assert "验收意见现场复查已整改到位" in text
    assert f"复查人{flat(d.w.officer['display_name'])}（街道安全监管员）" in text
    assert f"复查时间{flat(local_clock(v['verified_at']))}" in text


async def test_a_self_verified_findings_recheck_is_the_enterprises_own_record(client):
    from rectification.tables import Verification
    from safety.settings import local_clock

    d = await world.self_inspection(comment="杂物已清理，箱门已加锁")
    hid = d.verified_hazard
    text, disposition = await _pdf(client, f"/api/v1/hazards/{hid}/recheck.pdf", d.contact)
    name = flat(d.enterprise["name"])
    v = await Verification.select().where(Verification.hazard == hid).first().run()
    assert "自查复查记录" in text and "复查意见书" not in text
    # numbered by its self-inspection (the enterprise's first this year), finding no. 1
    assert f"{name}自查复查〔{_year()}-0001-1〕号" in text
    assert f"企业自查（自查〔{_year()}-0001〕号）" in text
    for word in STREET_ONLY:
        assert word not in text, word
    assert "复查合格，整改完成" in text and "验收意见杂物已清理，箱门已加锁" in text
    assert "复查人张安全（企业联系人）" in text and "复查人签字" in text
    assert f"复查时间{flat(local_clock(v['verified_at']))}" in text
    assert "单位名称" in text and "被检查单位" not in text
    assert quote(f"{d.enterprise['name']}-自查复查记录-") in disposition
    # the hazard page's button names the enterprise's own record
    page = await client.get(f"/hazards/{hid}", headers=await as_user(d.contact))
    assert "下载自查复查记录" in page.text and "下载复查意见书" not in page.text


async def test_a_self_reported_major_hazard_closed_by_the_officer_prints_the_streets_opinion(
    client,
):
    d = await world.self_inspection(verify=False)
    major = d.hazards[1]
    assert major["level"] == "major"
    me = f.actor(d.contact)
    await rect.save_plan(
        me,
        major["id"],
        PlanIn(
            responsible_person="张安全",
            measures="停岗复审取证",
            funds="3000元",
            deadline=local_today() + dt.timedelta(days=5),
            contingency_plan="专人巡查",
        ),
    )
    after = await insp.add_hazard_photo(me, major["id"], world.photo(77), "a.jpg", "rectified")
    await rect.submit_evidence(
        me,
        major["id"],
        SubmissionIn(description="已复审取证", completed_on=local_today(), photo_ids=[after["id"]]),
    )
    await rect.verify(
        f.actor(d.w.officer), major["id"], VerificationIn(result="pass", comment="证件已核验")
    )
    text, _ = await _pdf(client, f"/api/v1/hazards/{major['id']}/recheck.pdf", d.contact)
    # the street did this recheck: its letterhead, numbering and seal
    assert "隐患整改复查意见书" in text and "自查复查记录" not in text
    assert f"{await _office(d.enterprise)}安监复查〔" in text and "盖章" in text
    assert "复查合格，同意销号" in text and "验收意见证件已核验" in text
    assert "（街道安全监管员）" in text and "五落实" in text
    assert f"企业自查（自查〔{_year()}-0001〕号）" in text
    page = await client.get(f"/hazards/{major['id']}", headers=await as_user(d.contact))
    assert "下载复查意见书" in page.text and "下载自查复查记录" not in page.text


async def test_an_empty_opinion_prints_as_not_written(client):
    d = await world.self_inspection(comment="")
    text, _ = await _pdf(client, f"/api/v1/hazards/{d.verified_hazard}/recheck.pdf", d.contact)
    assert "验收意见（未填写）" in text


async def test_self_numbers_count_per_enterprise_per_year_and_stay_put(client):
    first = await world.self_inspection(hazards=1, verify=False)
    w, ent, contact = first.w, first.enterprise, first.contact
    me = f.actor(contact)
    tpl = await fi.checklist(sections=1, items=1)
    # a second self-inspection of the same enterprise (left planned), and a third that an
    # officer cancels: the cancelled one keeps its number, the next is 0004
    second = await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=local_today())
    )
    third = await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=local_today())
    )
    await insp.cancel_inspection(f.actor(w.officer), third["id"], "重复创建")
    fourth = await world.self_inspection(w=w, enterprise=ent, contact=contact, hazards=1)
    # another enterprise counts on its own
    other = await world.self_inspection(w=w, hazards=1, verify=False)
    year = _year()
    name = flat(ent["name"])
    cases = [
        (first.inspection_id, contact, f"{name}自查〔{year}-0001〕号"),
        (second["id"], contact, f"{name}自查〔{year}-0002〕号"),
        (fourth.inspection_id, contact, f"{name}自查〔{year}-0004〕号"),
        (
            other.inspection_id,
            other.contact,
            f"{flat(other.enterprise['name'])}自查〔{year}-0001〕号",
        ),
    ]
    for iid, user, expected in cases:
        text, _ = await _pdf(client, f"/api/v1/inspections/{iid}/notice.pdf", user)
        assert expected in text, (iid, re.findall(r"自查〔[^〕]*〕", text))
    # a later self-inspection back-dated into this year does not shift the earlier ones
    await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=local_today())
    )
    text, _ = await _pdf(client, f"/api/v1/inspections/{first.inspection_id}/report.pdf", contact)
    assert f"{name}自查〔{year}-0001〕号" in text
    text, _ = await _pdf(client, f"/api/v1/hazards/{fourth.verified_hazard}/recheck.pdf", contact)
    assert f"{name}自查复查〔{year}-0004-1〕号" in text


async def test_the_notices_qr_page_of_a_self_inspection_names_the_enterprises_list(client):

    d = await world.self_inspection(verify=False)
    page = await client.get(f"/notices/{d.inspection_id}", headers=await as_user(d.contact))
    assert page.status_code == 200, page.text
    assert "企业自查隐患整改单" in page.text and "隐患整改通知书" not in page.text
    assert f"自查〔{_year()}-0001〕号" in page.text and "安监整改" not in page.text
    for h in d.hazards:
        assert f'href="/hazards/{h["id"]}"' in page.text


async def test_a_self_inspections_documents_are_read_by_its_enterprise_and_officers_only(client):
    """The same routes, a self-inspection's documents: its contact and the officer over it
    200; an inspector (no group of theirs), another enterprise and a foreign officer 404."""
    d = await world.self_inspection()
    w = d.w
    urls = [
        f"/api/v1/inspections/{d.inspection_id}/report.pdf",
        f"/api/v1/inspections/{d.inspection_id}/notice.pdf",
        f"/api/v1/hazards/{d.verified_hazard}/recheck.pdf",
    ]
    expect = {
        "contact": (d.contact, 200),
        "officer": (w.officer, 200),
        "inspector": (w.inspector, 404),
        "other enterprise": (w.foreign_enterprise_user, 404),
        "foreign officer": (w.foreign_officer, 404),
    }
    for url in urls:
        for who, (user, status) in expect.items():
            r = await client.get(url, headers=f.headers(user))
            assert r.status_code == status, (url, who, r.status_code, r.text[:200])
        assert (await client.get(url)).status_code == 401


async def test_a_self_notice_reprints_from_the_cache_until_a_finding_is_closed(client):
    """Its number is stable, so a re-print is the cached file; closing a finding changes
    the document (已整改), which is a new render replacing the older file."""
    from safety.settings import get_settings

    d = await world.self_inspection(hazards=1, verify=False)
    url = f"/api/v1/inspections/{d.inspection_id}/notice.pdf"
    first = await client.get(url, headers=f.headers(d.contact))
    again = await client.get(url, headers=f.headers(d.contact))
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    cache = get_settings().data_dir / "cache" / "documents" / "inspection-notice"
    assert len(list(cache.glob(f"{d.inspection_id}-*.pdf"))) == 1
    me = f.actor(d.contact)
    hid = d.hazards[0]["id"]
    after = await insp.add_hazard_photo(me, hid, world.photo(31), "a.jpg", "rectified")
    await rect.submit_evidence(
        me,
        hid,
        SubmissionIn(description="已整改", completed_on=local_today(), photo_ids=[after["id"]]),
    )
    await rect.verify(me, hid, VerificationIn(result="pass", comment="已复核"))
    closed = await client.get(url, headers=f.headers(d.contact))
    assert closed.content != first.content
    text = flat(pdftotext(closed.content))
    assert "已整改" in text and f"自查〔{_year()}-0001〕号" in text
    assert len(list(cache.glob(f"{d.inspection_id}-*.pdf"))) == 1
