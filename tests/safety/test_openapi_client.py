"""A client generated from the served OpenAPI document works: openapi-python-client (a dev
dependency) generates it once per module without a single warning (a warning means an
operation, a response or a model left out of the client), and, against a real server
(``safety serve`` on the suite's database), the generated code logs in, lists hazards and
reads a campaign's figures, with the values the records imply. The generator's settings:
tests/safety/openapi_client.yaml (docs/dev/openapi.md)."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspections import services
from inspections.schemas import HazardIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.safety.dbtools import served

HERE = Path(__file__).resolve().parent
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
async def generated(client, tmp_path_factory):
    """The ``safety_client`` package generated from /schema/openapi.json, importable."""
    root = tmp_path_factory.mktemp("openapi-client")
    schema = root / "schema.json"
    served_schema = await client.get("/schema/openapi.json")
    assert served_schema.status_code == 200
    schema.write_bytes(served_schema.content)
    run = subprocess.run(  # noqa: ASYNC221 - once per module, the loop has nothing else to do
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(root / "safety_client"),
            "--meta",
            "none",
            "--config",
            str(HERE / "openapi_client.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("safety_client")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == "safety_client"]:
            del sys.modules[name]


async def _campaign_with_hazards():
    """A campaign of one inspected enterprise with a general and a major hazard."""
    w = await f.world()
    v = await fi.visit(w, scheduled_on=local_today() - dt.timedelta(days=1))
    await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    found = []
    for level, basis in (("general", ""), ("major", "第四条")):
        hazard = HazardIn(
            description=f"隐患{f.n()}",
            level=level,
            category="site",
            subcategory="电气",
            major_basis=basis,
        )
        logged = await services.log_hazard(f.actor(w.inspector), v.inspection["id"], hazard)
        found.append(logged["id"])
    return w, v, found


async def test_the_generated_client_logs_in_lists_hazards_and_reads_stats(generated):
    from safety_client import AuthenticatedClient, Client
    from safety_client.api.auth import token
    from safety_client.api.figures import campaign_stats
    from safety_client.api.hazards import list_hazards
    from safety_client.models import CampaignStatsOut, PageHazardListItemOut, TokenIn, TokenOut

    w, v, hazard_ids = await _campaign_with_hazards()
    campaign_id = v.campaign["id"]
    async with served(os.environ["DATABASE_URL"]) as base:
        async with Client(base_url=base, timeout=None) as anonymous:
            body = TokenIn(username=w.officer["username"], password=f.PASSWORD)
            login = await token.asyncio(client=anonymous, body=body)
        assert isinstance(login, TokenOut), login
        assert login.token_type == "bearer"
        async with AuthenticatedClient(base_url=base, token=login.access_token) as officer:
            page = await list_hazards.asyncio(client=officer, campaign_id=campaign_id)
            stats = await campaign_stats.asyncio(campaign_id, client=officer)
    assert isinstance(page, PageHazardListItemOut), page
    assert page.total == 2
    assert sorted(item.id for item in page.items) == sorted(hazard_ids)
    assert {item.level for item in page.items} == {"general", "major"}
    assert isinstance(stats, CampaignStatsOut), stats
    assert stats.campaign_id == campaign_id
    assert (stats.hazards_found, stats.hazards_major, stats.hazards_general) == (2, 1, 1)
    # the inspection is under way, not submitted: planned, not yet inspected
    assert (stats.enterprises_planned, stats.enterprises_inspected) == (1, 0)
