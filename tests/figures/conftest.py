"""Fixtures of the figures' property tests: the module's event loop (hypothesis examples run
on it) and an agency and a checklist shared by the generated worlds."""

from __future__ import annotations

import asyncio

import pytest

from tests import factories as f
from tests.inspections import factories as fi


@pytest.fixture(scope="module")
async def loop():
    return asyncio.get_running_loop()


@pytest.fixture(scope="module")
async def fixed(database):
    return await f.agency(), await fi.checklist(sections=1, items=1)
