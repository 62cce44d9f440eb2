"""The page routes' query parameters, fuzzed like the API's (test_api_fuzz.py covers only
/api/v1): an id that is no id — past PostgreSQL's ``integer`` above all — or a malformed
date is the page again with the field's error, status 400; never a 500, never the whole
list as if the filter were not there."""

from __future__ import annotations

import pytest

from safety.schemas import MAX_DB_INT
from tests import factories as f
from tests.pages import as_user

BAD_IDS = [str(MAX_DB_INT + 1), "3000000000", "99999999999", "0", "abc", "²"]
BAD_DATES = ["2024-02-30", "yesterday"]

# (role, path, id parameters, date parameters)
PAGES = [
    ("officer", "/patrol/logs", ["org_unit_id", "worker_id", "enterprise_id"], ["date"]),
    ("officer", "/patrol/logs", [], ["date_from", "date_to"]),
    ("grid_worker", "/patrol/logs", ["org_unit_id"], ["date"]),
    ("officer", "/patrol/logs/unvisited", ["org_unit_id"], []),
    ("officer", "/patrol/figures", ["org_unit_id"], ["from", "to"]),
    ("officer", "/patrol/figures/records", ["org_unit_id", "key"], ["from", "to"]),
    ("officer", "/self-inspections", ["enterprise_id"], []),
    ("officer", "/hazards", ["org_unit_id", "campaign_id", "enterprise_id"], []),
    ("officer", "/hazards", [], ["found_from", "found_to", "as_of"]),
]

# 0 is the figures' group without a batch (agency): only a negative or too large id is bad.
GROUP_IDS = [str(MAX_DB_INT + 1), "99999999999", "-1", "abc"]

CASES = [
    (who, path, key, value)
    for who, path, id_keys, date_keys in PAGES
    for key, values in [*((k, BAD_IDS) for k in id_keys), *((k, BAD_DATES) for k in date_keys)]
    for value in values
] + [("officer", "/hazards", k, v) for k in ("batch_id", "agency_id") for v in GROUP_IDS]


def _marked(text: str, key: str) -> bool:
    """The page shows an error for ``key`` (the shared ``field_errors`` markup or a field
    of its own form marked invalid)."""
    return f'data-error="{key}"' in text


@pytest.fixture
async def world():
    return await f.world()


@pytest.mark.parametrize(("who", "path", "key", "value"), CASES)
async def test_a_bad_query_parameter_is_a_400_naming_it(client, world, who, path, key, value):
    headers = await as_user(getattr(world, who))
    r = await client.get(path, params={key: value}, headers=headers)
    assert r.status_code == 400, (r.status_code, r.text[:500])
    assert _marked(r.text, key), r.text


@pytest.mark.parametrize(
    ("who", "path", "key"),
    sorted({(who, path, k) for who, path, ids, _ in PAGES for k in ids}),
)
async def test_the_largest_id_is_no_match_not_an_error(client, world, who, path, key):
    headers = await as_user(getattr(world, who))
    r = await client.get(path, params={key: str(MAX_DB_INT)}, headers=headers)
    # An id nobody has: an empty list, or a 404 where the id picks the page's scope.
    assert r.status_code in (200, 404), (r.status_code, r.text[:500])


@pytest.mark.parametrize("key", [str(MAX_DB_INT + 1), "3000000000", "9999999999", "0", "²"])
async def test_a_figure_rows_key_out_of_range_is_a_400_on_the_page_and_the_api(client, world, key):
    from tests.inspections import factories as fi

    campaign = await fi.campaign(world)
    query = {"figure": "planned", "group_by": "community", "key": key}
    r = await client.get(
        f"/campaigns/{campaign['id']}/figures/enterprises",
        params=query,
        headers=await as_user(world.officer),
    )
    assert r.status_code == 400, (r.status_code, r.text[:500])
    assert 'role="alert">key:' in r.text
    r = await client.get(
        f"/api/v1/campaigns/{campaign['id']}/enterprises",
        params=query,
        headers=f.headers(world.officer),
    )
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["key"]
