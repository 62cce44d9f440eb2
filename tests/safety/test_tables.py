"""Every table round-trips a row on the engine under test, and the database itself holds
the constraints the model relies on (unique keys, RESTRICT foreign keys, the append-only
audit trail)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from inspections.tables import ChecklistTemplate, Inspection, ItemResult
from safety.audit import verify_chain
from safety.tables import AuditEvent, CampaignEnterprise, Enterprise, OrgUnit
from tests import factories as f
from tests.safety.dbtools import DB_ERRORS, RowBuilder, all_tables

TABLES = all_tables()


def test_the_registry_lists_the_tables_of_all_three_apps():
    names = {t._meta.tablename for t in TABLES}
    assert {"org_unit", "enterprise", "audit_event"} <= names  # safety
    assert {"inspection", "item_result", "hazard"} <= names  # inspections
    assert {"rectification_plan", "verification"} <= names  # rectification


def _same(column, written, read) -> bool:
    kind = type(column).__name__
    if kind == "JSON":
        as_text = written if isinstance(written, str) else json.dumps(written)
        return json.loads(read) == json.loads(as_text)
    if kind == "Timestamptz":
        return isinstance(read, dt.datetime) and read.tzinfo is not None and read == written
    if kind == "Date":
        return type(read) is dt.date and read == written
    if kind == "Boolean":
        return read is written
    if kind in ("Float", "Real"):
        return isinstance(read, float) and read == written
    return read == written


@pytest.mark.parametrize("table", TABLES, ids=[t._meta.tablename for t in TABLES])
async def test_every_table_round_trips_a_row(table):
    row_id, written = await RowBuilder().insert(table)
    read = await table.select().where(table._meta.primary_key == row_id).first().run()
    assert read is not None
    columns = {c._meta.name: c for c in table._meta.columns}
    wrong = {
        name: (value, read[name])
        for name, value in written.items()
        if not _same(columns[name], value, read[name])
    }
    assert not wrong, f"{table._meta.tablename}: written → read differ: {wrong}"
    if table is AuditEvent:
        report = await verify_chain()
        assert report.ok, report


# ---------------------------------------------------------------- constraints


async def _refused(query, *words: str) -> str:
    with pytest.raises(DB_ERRORS) as caught:
        await query.run()
    message = str(caught.value).lower()
    assert any(w in message for w in words), message
    return message


async def test_it_refuses_a_second_enterprise_with_the_same_uscc():
    tree = await f.org_tree()
    first = await f.enterprise(tree["grid1"]["id"])
    duplicate = Enterprise(
        name=f"另一企业{f.n()}", uscc=first["uscc"], org_unit=tree["grid2"]["id"]
    )
    await _refused(Enterprise.insert(duplicate), "unique")
    assert await Enterprise.count().where(Enterprise.uscc == first["uscc"]).run() == 1


async def test_it_refuses_to_delete_an_enterprise_that_has_inspections():
    builder = RowBuilder()
    inspection_id, values = await builder.insert(Inspection)
    enterprise_id = values["enterprise"]
    await _refused(Enterprise.delete().where(Enterprise.id == enterprise_id), "foreign key")
    assert await Enterprise.exists().where(Enterprise.id == enterprise_id).run()
    assert await Inspection.exists().where(Inspection.id == inspection_id).run()


async def test_it_deletes_an_enterprise_nothing_refers_to():
    # The control for the RESTRICT test above: deletion itself works.
    tree = await f.org_tree()
    lone = await f.enterprise(tree["grid1"]["id"])
    await Enterprise.delete().where(Enterprise.id == lone["id"]).run()
    assert not await Enterprise.exists().where(Enterprise.id == lone["id"]).run()


async def test_it_refuses_to_delete_an_org_unit_that_has_children():
    tree = await f.org_tree()
    street = tree["street"]["id"]
    await _refused(OrgUnit.delete().where(OrgUnit.id == street), "foreign key")
    assert await OrgUnit.exists().where(OrgUnit.id == street).run()


async def test_it_refuses_two_root_org_units_with_the_same_name():
    name = f"根街道{f.n()}"
    await OrgUnit.insert(OrgUnit(name=name, kind="street")).run()
    await _refused(OrgUnit.insert(OrgUnit(name=name, kind="street")), "unique")


async def test_it_refuses_a_row_pointing_at_a_missing_parent():
    enterprise = Enterprise(name=f"孤儿企业{f.n()}", uscc=f.uscc(), org_unit=2_000_000_000)
    await _refused(Enterprise.insert(enterprise), "foreign key")


async def test_it_refuses_the_same_enterprise_twice_in_a_campaign():
    builder = RowBuilder()
    _, pair = await builder.insert(CampaignEnterprise)
    again = CampaignEnterprise(campaign=pair["campaign"], enterprise=pair["enterprise"])
    await _refused(CampaignEnterprise.insert(again), "unique")
    other_enterprise, _ = await RowBuilder().insert(Enterprise)
    # Another enterprise in the same campaign is fine.
    await CampaignEnterprise.insert(
        CampaignEnterprise(campaign=pair["campaign"], enterprise=other_enterprise)
    ).run()


async def test_it_refuses_two_results_for_one_item_of_one_inspection():
    builder = RowBuilder()
    _, first = await builder.insert(ItemResult)
    again = ItemResult(inspection=first["inspection"], item=first["item"], result="fail")
    await _refused(ItemResult.insert(again), "unique")
    assert (
        await ItemResult.count()
        .where(ItemResult.inspection == first["inspection"], ItemResult.item == first["item"])
        .run()
        == 1
    )


async def test_it_refuses_a_checklist_template_code_and_version_twice():
    code = f"TPL-{f.n()}-{dt.datetime.now(dt.UTC).timestamp()}"
    await ChecklistTemplate.insert(ChecklistTemplate(code=code, version=1, name="通用检查表")).run()
    # A new version of the same code is how a template changes: accepted.
    await ChecklistTemplate.insert(ChecklistTemplate(code=code, version=2, name="通用检查表")).run()
    twin = ChecklistTemplate(code=code, version=2, name="通用检查表（重复）")
    await _refused(ChecklistTemplate.insert(twin), "unique")


async def _one_audit_event() -> int:
    event_id, _ = await RowBuilder().insert(AuditEvent)
    return event_id


async def test_the_database_refuses_to_update_an_audit_event():
    event_id = await _one_audit_event()
    change = AuditEvent.update({AuditEvent.action: "tampered"}).where(AuditEvent.id == event_id)
    await _refused(change, "append-only")
    row = await AuditEvent.select(AuditEvent.action).where(AuditEvent.id == event_id).first().run()
    assert row["action"] != "tampered"


async def test_the_database_refuses_to_delete_an_audit_event():
    event_id = await _one_audit_event()
    await _refused(AuditEvent.delete().where(AuditEvent.id == event_id), "append-only")
    assert await AuditEvent.exists().where(AuditEvent.id == event_id).run()
    assert (await verify_chain()).ok
