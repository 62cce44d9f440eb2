"""Enterprise registry JSON API: create/validate, confirm-with-flag, duplicates, optimistic
versions, filters, paging, scope, audit."""

from safety.rules import make_uscc
from safety.settings import local_today
from safety.tables import AuditEvent, Enterprise
from tests import factories as f

URL = "/api/v1/enterprises"


def body(grid_id: int, **over) -> dict:
    data = {
        "name": f"新建企业{f.n()}",
        "uscc": f.uscc(),
        "org_unit_id": grid_id,
        "industry": "C",
        "scale": "micro",
        "address": "怡园街道 1 号",
        "contact_name": "李四",
        "contact_phone": "13912345678",
    }
    data.update(over)
    return data


def keys(r) -> set[str]:
    return {e["key"] for e in r.json().get("extra", [])}


async def test_it_creates_an_enterprise_and_audits_it(client):
    w = await f.world()
    data = body(w.tree["grid2"]["id"], uscc=f.uscc().lower(), contact_phone="139-1234-5678")
    r = await client.post(URL, json=data, headers=f.headers(w.officer))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["uscc"] == data["uscc"].upper()
    assert out["contact_phone"] == "13912345678"
    assert out["org_unit_id"] == w.tree["grid2"]["id"]
    assert out["org_unit_name"] == w.tree["grid2"]["name"]
    assert out["community_name"] == w.tree["community"]["name"]
    assert out["version"] == 1 and out["uscc_flagged"] is False
    events = (
        await AuditEvent.select()
        .where(AuditEvent.object_type == "enterprise", AuditEvent.object_id == out["id"])
        .run()
    )
    assert [e["action"] for e in events] == ["enterprise.create"]


async def test_it_names_every_bad_field(client):
    w = await f.world()
    data = body(
        w.tree["grid1"]["id"],
        name="",
        uscc="91370102ABC",
        contact_phone="1234567",
        industry="Z",
        scale="huge",
        risk_colour="purple",
    )
    r = await client.post(URL, json=data, headers=f.headers(w.officer))
    assert r.status_code == 400
    assert keys(r) == {"name", "uscc", "contact_phone", "industry", "scale", "risk_colour"}


async def test_it_refuses_a_grid_outside_the_officers_subtree(client):
    w = await f.world()
    r = await client.post(
        URL, json=body(w.foreign_tree["grid1"]["id"]), headers=f.headers(w.officer)
    )
    assert r.status_code == 400 and keys(r) == {"org_unit_id"}
    r = await client.post(URL, json=body(w.tree["community"]["id"]), headers=f.headers(w.officer))
    assert r.status_code == 400 and keys(r) == {"org_unit_id"}


async def test_it_refuses_a_wrong_check_character_unless_confirmed_then_flags_it(client):
    w = await f.world()
    good = f.uscc()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = await client.post(
        URL, json=body(w.tree["grid1"]["id"], uscc=bad), headers=f.headers(w.officer)
    )
    assert r.status_code == 400 and keys(r) == {"uscc"}
    assert not await Enterprise.exists().where(Enterprise.uscc == bad).run()
    r = await client.post(
        URL,
        json=body(w.tree["grid1"]["id"], uscc=bad, uscc_confirmed=True),
        headers=f.headers(w.officer),
    )
    assert r.status_code == 201, r.text
    assert r.json()["uscc_flagged"] is True


async def test_it_refuses_a_malformed_code_even_when_confirmed(client):
    w = await f.world()
    r = await client.post(
        URL,
        json=body(w.tree["grid1"]["id"], uscc="91370102OOOOOOOOOO", uscc_confirmed=True),
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400 and keys(r) == {"uscc"}


async def test_it_refuses_a_duplicate_code_with_409(client):
    w = await f.world()
    r = await client.post(
        URL,
        json=body(w.tree["grid1"]["id"], uscc=w.enterprise["uscc"]),
        headers=f.headers(w.officer),
    )
    assert r.status_code == 409 and keys(r) == {"uscc"}
    # Also when the existing one is in another street.
    r = await client.post(
        URL,
        json=body(w.tree["grid1"]["id"], uscc=w.foreign_enterprise["uscc"]),
        headers=f.headers(w.officer),
    )
    assert r.status_code == 409


async def test_patch_changes_given_fields_and_bumps_version(client):
    w = await f.world()
    url = f"{URL}/{w.enterprise['id']}"
    h = f.headers(w.officer)
    r = await client.patch(url, json={"version": 1, "address": "新地址", "is_key": True}, headers=h)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["version"] == 2 and out["address"] == "新地址" and out["is_key"] is True
    assert out["name"] == w.enterprise["name"]
    r = await client.patch(url, json={"version": 2, "address": None}, headers=h)
    assert r.status_code == 200 and r.json()["address"] is None and r.json()["version"] == 3
    events = (
        await AuditEvent.select()
        .where(
            AuditEvent.object_type == "enterprise",
            AuditEvent.object_id == w.enterprise["id"],
            # this officer's: another test of the worker may have asked for this id before
            # the enterprise existed, and a refusal is audited with the id asked for
            AuditEvent.actor == w.officer["id"],
        )
        .run()
    )
    assert [e["action"] for e in events] == ["enterprise.update", "enterprise.update"]


async def test_a_stale_patch_is_409_and_changes_nothing(client):
    w = await f.world()
    url = f"{URL}/{w.enterprise['id']}"
    h = f.headers(w.officer)
    assert (
        await client.patch(url, json={"version": 1, "name": "第一次"}, headers=h)
    ).status_code == 200
    r = await client.patch(
        url, json={"version": 1, "name": "过期的修改", "address": "x"}, headers=h
    )
    assert r.status_code == 409 and keys(r) == {"version"}
    row = await Enterprise.select().where(Enterprise.id == w.enterprise["id"]).first().run()
    assert row["name"] == "第一次" and row["version"] == 2 and row["address"] is None


async def test_patch_validates_like_create(client):
    w = await f.world()
    url = f"{URL}/{w.enterprise['id']}"
    h = f.headers(w.officer)
    r = await client.patch(url, json={"version": 1, "name": "", "contact_phone": "12"}, headers=h)
    assert r.status_code == 400 and keys(r) == {"name", "contact_phone"}
    r = await client.patch(
        url, json={"version": 1, "uscc": w.foreign_enterprise["uscc"]}, headers=h
    )
    assert r.status_code == 409
    r = await client.patch(
        url, json={"version": 1, "org_unit_id": w.foreign_tree["grid1"]["id"]}, headers=h
    )
    assert r.status_code == 400 and keys(r) == {"org_unit_id"}
    row = await Enterprise.select().where(Enterprise.id == w.enterprise["id"]).first().run()
    assert row["version"] == 1


async def test_filters_and_subtree(client):
    w = await f.world()
    tag = f"筛选{f.n()}"
    g1, g2 = w.tree["grid1"]["id"], w.tree["grid2"]["id"]
    a = await f.enterprise(g1, name=f"{tag}甲", industry="C", risk_colour="red", is_key=True)
    b = await f.enterprise(
        g2, name=f"{tag}乙", industry="F", risk_colour="blue", contact_name="王五"
    )
    await f.enterprise(w.foreign_tree["grid1"]["id"], name=f"{tag}外")
    h = f.headers(w.officer)

    async def ids(**params):
        r = await client.get(URL, params={"q": tag, **params}, headers=h)
        assert r.status_code == 200, r.text
        return {e["id"] for e in r.json()["items"]}

    assert await ids() == {a["id"], b["id"]}  # the foreign street's one is not seen
    assert await ids(org_unit_id=w.tree["street"]["id"]) == {a["id"], b["id"]}
    assert await ids(org_unit_id=g2) == {b["id"]}
    assert await ids(industry="c") == {a["id"]}
    assert await ids(risk_colour="blue") == {b["id"]}
    assert await ids(key="true") == {a["id"]}
    assert await ids(org_unit_id=w.foreign_tree["street"]["id"]) == set()
    r = await client.get(URL, params={"q": "王五", "org_unit_id": g2}, headers=h)
    assert {e["id"] for e in r.json()["items"]} >= {b["id"]}
    r = await client.get(URL, params={"q": a["uscc"].lower()}, headers=h)
    assert [e["id"] for e in r.json()["items"]] == [a["id"]]
    r = await client.get(URL, params={"risk_colour": "purple"}, headers=h)
    assert r.status_code == 400 and keys(r) == {"risk_colour"}
    r = await client.get(URL, params={"q": "%"}, headers=h)  # a literal %, not a wildcard
    assert r.status_code == 200 and r.json()["total"] == 0


async def test_paging(client):
    w = await f.world()
    for _ in range(5):
        await f.enterprise(w.tree["grid1"]["id"])
    h = f.headers(w.officer)
    r = await client.get(URL, params={"limit": 2, "offset": 1}, headers=h)
    page = r.json()
    assert page["total"] == 6 and len(page["items"]) == 2
    all_ids = [e["id"] for e in (await client.get(URL, headers=h)).json()["items"]]
    assert [e["id"] for e in page["items"]] == all_ids[1:3]
    assert (await client.get(URL, params={"limit": 501}, headers=h)).status_code == 400
    assert (await client.get(URL, params={"offset": -1}, headers=h)).status_code == 400


async def test_officer_of_another_street_gets_404(client):
    w = await f.world()
    url = f"{URL}/{w.enterprise['id']}"
    assert (await client.get(url, headers=f.headers(w.foreign_officer))).status_code == 404
    r = await client.patch(
        url, json={"version": 1, "name": "x"}, headers=f.headers(w.foreign_officer)
    )
    assert r.status_code == 404


async def test_enterprise_user_sees_only_their_own(client):
    w = await f.world()
    h = f.headers(w.enterprise_user)
    assert (await client.get(f"{URL}/{w.enterprise['id']}", headers=h)).status_code == 200
    assert (await client.get(f"{URL}/{w.foreign_enterprise['id']}", headers=h)).status_code == 404
    r = await client.get(URL, headers=h)
    assert [e["id"] for e in r.json()["items"]] == [w.enterprise["id"]]
    r = await client.patch(f"{URL}/{w.enterprise['id']}", json={"version": 1}, headers=h)
    assert r.status_code == 403


async def test_code_made_by_make_uscc_is_accepted(client):
    w = await f.world()
    code = make_uscc("91370102MA3C12345")
    r = await client.post(
        URL, json=body(w.tree["grid1"]["id"], uscc=code), headers=f.headers(w.officer)
    )
    assert r.status_code in (201, 409)  # 409 only if an earlier run took it


async def test_inspector_sees_enterprises_of_their_batches_and_inspections_only(client):

    from inspections.tables import ChecklistTemplate, Inspection, InspectionInspector
    from safety.tables import Batch, BatchEnterprise, BatchInspector, Campaign

    w = await f.world()
    inspector = await f.user("inspector", agency_id=w.agency["id"])
    by_batch = await f.enterprise(w.tree["grid1"]["id"])
    by_inspection = await f.enterprise(w.tree["grid2"]["id"])
    today = local_today()
    campaign = Campaign(
        name=f"活动{f.n()}",
        kind="third_party",
        starts_on=today,
        ends_on=today,
        org_unit=w.tree["street"]["id"],
    )
    await campaign.save().run()
    batch = Batch(campaign=campaign.id, name="批次", starts_on=today, ends_on=today)
    await batch.save().run()
    await BatchEnterprise(batch=batch.id, enterprise=by_batch["id"]).save().run()
    await BatchInspector(batch=batch.id, user=inspector["id"]).save().run()
    checklist = ChecklistTemplate(code=f"T{f.n()}", name="通用检查表")
    await checklist.save().run()
    inspection = Inspection(
        campaign=campaign.id,
        enterprise=by_inspection["id"],
        checklist=checklist.id,
        scheduled_on=today,
    )
    await inspection.save().run()
    await InspectionInspector(inspection=inspection.id, user=inspector["id"]).save().run()

    h = f.headers(inspector)
    r = await client.get(URL, headers=h)
    assert r.status_code == 200
    assert {e["id"] for e in r.json()["items"]} == {by_batch["id"], by_inspection["id"]}
    assert (await client.get(f"{URL}/{by_inspection['id']}", headers=h)).status_code == 200
    assert (await client.get(f"{URL}/{w.enterprise['id']}", headers=h)).status_code == 404
    r = await client.patch(f"{URL}/{by_batch['id']}", json={"version": 1}, headers=h)
    assert r.status_code == 403
    assert (await client.post(URL, json=body(w.tree["grid1"]["id"]), headers=h)).status_code == 403


async def test_admin_is_kept_out_of_the_registry(client):
    w = await f.world()
    h = f.headers(w.admin)
    assert (await client.get(URL, headers=h)).status_code == 403
    assert (await client.get(f"{URL}/{w.enterprise['id']}", headers=h)).status_code == 403
    assert (await client.post(URL, json=body(w.tree["grid1"]["id"]), headers=h)).status_code == 403
    assert (await client.get(URL)).status_code == 401
