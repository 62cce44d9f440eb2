"""The officer's triage page reads: one section per outcome (立案为隐患 / 转办 / 不予立案 /
重复上报), each its own form with only its own fields, the primary button for 立案为隐患
only; the enterprise asked for (and said to be needed) only by 立案为隐患, so a report
about no enterprise can still be referred or dismissed; a refused triage is a 400 naming
the field, next to it, with the typed text kept and nothing changed. After 上报 the grid
worker reads the report's number and a link to it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from inspections.patrol.tables import PatrolReport, ReferralDepartment
from tests import factories as f
from tests.pages import as_user
from tests.patrol.helpers import HAZARD, report, triage

OUTCOMES = ("hazard", "refer", "dismiss", "duplicate")
HAZARD_FIELDS = {
    "action", "enterprise_id", "description", "location", "level", "category",
    "subcategory", "deadline", "major_basis", "legal_basis", "suggestion",
}  # fmt: skip
FIELDS = {
    "hazard": HAZARD_FIELDS,
    "refer": {"action", "to", "reason"},
    "dismiss": {"action", "reason"},
    "duplicate": {"action", "duplicate_of"},
}


@pytest.fixture(scope="module")
async def w():
    return await f.world()


class Sections(HTMLParser):
    """Each ``<details data-outcome>`` of the page: its form's field names (hidden CSRF
    aside), its submit buttons' classes, whether it is open, its error keys and text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: dict[str, dict] = {}
        self.current: dict | None = None
        self.depth = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "details" and "data-outcome" in a:
            self.current = {
                "open": "open" in a,
                "names": set(),
                "buttons": [],
                "forms": 0,
                "errors": set(),
                "values": {},
                "text": "",
            }
            self.found[a["data-outcome"]] = self.current
            self.depth = 1
            return
        if self.current is None:
            return
        if tag == "details":
            self.depth += 1
        if tag == "form":
            self.current["forms"] += 1
        if tag in ("input", "select", "textarea") and a.get("name") != "_csrf_token":
            self.current["names"].add(a.get("name"))
            if tag == "input" and a.get("value"):
                self.current["values"][a["name"]] = a["value"]
        if tag == "option" and "selected" in a:
            self.current["values"]["selected"] = a.get("value")
        if tag == "button":
            self.current["buttons"].append(a.get("class") or "")
        if tag == "span" and (a.get("id") or "").startswith("err-"):
            self.current["errors"].add(a["id"][4:])

    def handle_endtag(self, tag):
        if self.current is not None and tag == "details":
            self.depth -= 1
            if self.depth == 0:
                self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data


async def _page(client, w, report_id: int, query: str = "") -> Sections:
    page = await client.get(f"/patrol/reports/{report_id}{query}", headers=await as_user(w.officer))
    assert page.status_code == 200, page.text
    return Sections(page.text)


async def test_each_outcome_is_its_own_form_with_only_its_own_fields(client, w):
    r = await report(w.grid_worker)  # about no enterprise: the hazard form asks for one
    page = await _page(client, w, r["id"])
    assert list(page.found) == list(OUTCOMES)
    for outcome, section in page.found.items():
        assert section["forms"] == 1, outcome
        assert section["names"] == FIELDS[outcome], outcome
        assert section["values"]["action"] == outcome
        assert len(section["buttons"]) == 1, outcome
        assert not section["open"], outcome  # nothing chosen yet
    # the primary action is 立案为隐患 only
    assert "secondary" not in page.found["hazard"]["buttons"][0]
    for outcome in ("refer", "dismiss", "duplicate"):
        assert "secondary" in page.found[outcome]["buttons"][0], outcome


async def test_the_enterprise_is_asked_only_where_a_hazard_needs_it_and_says_so(client, w):
    r = await report(w.grid_worker)
    page = await client.get(f"/patrol/reports/{r['id']}", headers=await as_user(w.officer))
    assert "可不选" not in page.text  # never optional and required at once
    hazard = Sections(page.text).found["hazard"]["text"]
    assert "整改企业" in hazard and "立案为隐患须选择企业" in hazard and "转办或不予立案" in hazard
    # a report naming its enterprise needs no choice
    named = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    sections = await _page(client, w, named["id"])
    assert sections.found["hazard"]["names"] == HAZARD_FIELDS - {"enterprise_id"}


async def test_the_queue_links_open_their_section(client, w):
    r = await report(w.grid_worker)
    for outcome in ("hazard", "duplicate"):
        page = await _page(client, w, r["id"], f"?outcome={outcome}")
        assert [o for o, s in page.found.items() if s["open"]] == [outcome]
    page = await _page(client, w, r["id"], "?outcome=nonsense")
    assert not any(s["open"] for s in page.found.values())


async def test_the_queue_offers_each_outcome_with_only_the_hazard_as_primary(client, w):
    r = await report(w.grid_worker)
    queue = await client.get("/patrol/triage", headers=await as_user(w.officer))
    item = queue.text.split(f'id="r{r["id"]}"', 1)[1].split("</section>", 1)[0]
    assert f'<a class="button" href="/patrol/reports/{r["id"]}?outcome=hazard#hazard">' in item
    assert '<button type="submit" name="action"' not in item  # no shared form
    forms = re.findall(r"<form.*?</form>", item, re.S)
    assert len(forms) == 2
    for form, action in zip(forms, ("refer", "dismiss"), strict=True):
        assert f'name="action" value="{action}"' in form
        assert 'type="submit" class="secondary"' in form
    assert 'name="to"' in forms[0] and 'name="to"' not in forms[1]
    assert "?outcome=duplicate#duplicate" in item


@pytest.mark.parametrize("action", ["refer", "dismiss"])
async def test_a_report_about_no_enterprise_may_be_referred_or_dismissed(client, w, action):
    r = await report(w.grid_worker, address="幸福小区5号楼楼道")
    body = {"action": action, "reason": "居民楼道堆物，非企业"}
    if action == "refer":
        body["to"] = "城管执法"
    done = await client.post(
        f"/patrol/reports/{r['id']}/triage",
        data=body,
        headers=await as_user(w.officer),
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    row = await PatrolReport.select().where(PatrolReport.id == r["id"]).first()
    assert row["status"] == {"refer": "referred", "dismiss": "dismissed"}[action]
    assert row["enterprise"] is None and row["hazard"] is None


@pytest.mark.parametrize(
    ("form", "key", "kept"),
    [
        (
            {**HAZARD, "description": "楼道堆放电动车电池"},
            "enterprise_id",
            "楼道堆放电动车电池",
        ),
        ({"action": "refer", "reason": "占道经营请处理"}, "to", "占道经营请处理"),
        ({"action": "refer", "to": "城管执法"}, "reason", "城管执法"),
        ({"action": "dismiss", "reason": "  "}, "reason", None),
        ({"action": "duplicate"}, "duplicate_of", None),
        ({"action": "duplicate", "duplicate_of": "第三条"}, "duplicate_of", "第三条"),
    ],
)
async def test_a_missing_field_is_a_400_next_to_it_keeping_the_text(client, w, form, key, kept):
    r = await report(w.grid_worker)  # names no enterprise
    answer = await client.post(
        f"/patrol/reports/{r['id']}/triage", data=form, headers=await as_user(w.officer)
    )
    assert answer.status_code == 400, answer.text
    page = Sections(answer.text)
    action = form["action"]
    assert [o for o, s in page.found.items() if s["open"]] == [action]
    assert page.found[action]["errors"] == {key}
    for outcome in set(OUTCOMES) - {action}:  # the others: closed, empty, quiet
        assert page.found[outcome]["errors"] == set()
        assert not {"reason", "duplicate_of"} & set(page.found[outcome]["values"])
    section = page.found[action]
    if kept is not None:
        assert (
            kept in section["text"]
            or kept in section["values"].values()
            or (section["values"].get("selected") == kept)
        )
    assert "(" not in section["text"].replace("（", "")  # Chinese only, no "(english)"
    row = await PatrolReport.select().where(PatrolReport.id == r["id"]).first()
    assert (row["status"], row["triage_action"] or None, row["hazard"]) == ("new", None, None)


async def test_a_hazard_without_an_enterprise_is_a_400_naming_enterprise_id(client, w):
    r = await report(w.grid_worker)
    answer = await client.post(
        f"/api/v1/patrol-reports/{r['id']}/triage",
        json={**HAZARD},
        headers=f.headers(w.officer),
    )
    assert answer.status_code == 400, answer.text
    assert [e["key"] for e in answer.json()["extra"]] == ["enterprise_id"]
    assert "转办或不予立案" in answer.json()["extra"][0]["message"]
    got = await client.get(f"/api/v1/patrol-reports/{r['id']}", headers=f.headers(w.officer))
    assert got.json()["status"] == "new" and got.json()["hazard_id"] is None
    # with one, it becomes a hazard
    done = await triage(w.officer, r["id"], **HAZARD, enterprise_id=w.enterprise["id"])
    assert done["status"] == "hazard" and done["hazard_id"]


async def test_after_a_report_the_grid_worker_reads_its_number_and_a_link(client, w):
    headers = await as_user(w.grid_worker)
    sent = await client.post(
        "/patrol/reports",
        data={"description": "井盖缺失", "address": "和平路12号"},
        headers=headers,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    row = await PatrolReport.select().where(PatrolReport.description == "井盖缺失").first()
    assert sent.headers["location"] == f"/patrol?sent={row['id']}"
    mine = await client.get(sent.headers["location"], headers=headers)
    assert mine.status_code == 200
    assert f"已上报，编号 #{row['id']}" in mine.text
    assert f'<a href="/patrol/reports/{row["id"]}">查看</a>' in mine.text
    assert "已上报。" not in mine.text
    # without ``sent``, or with nonsense, no message
    plain = await client.get("/patrol?sent=abc", headers=headers)
    assert plain.status_code == 200 and "data-report-id" not in plain.text


async def test_in_english_the_sections_speak_english_only(client, w):
    r = await report(w.grid_worker)
    headers = await as_user(w.officer)
    headers["Cookie"] += "; lang=en"
    page = await client.get(f"/patrol/reports/{r['id']}", headers=headers)
    assert page.status_code == 200
    sections = Sections(page.text).found
    assert list(sections) == list(OUTCOMES)
    hazard = sections["hazard"]["text"]
    assert "Record as a hazard" in hazard and "A hazard needs an enterprise" in hazard
    names = [d["name"] for d in await ReferralDepartment.select(ReferralDepartment.name)]
    for outcome in ("refer", "dismiss", "duplicate"):
        text = sections[outcome]["text"]
        for name in names:  # data, not messages
            text = text.replace(name, "")
        assert not re.search(r"[\u4e00-\u9fff]", text), (outcome, text)
