"""The permission matrix: one rule per route of the app, per area module.

HOW TO ADD A ROUTE
  1. Pick (or create) a module in this folder for your area, e.g. ``enterprises.py``.
     Every module here is discovered automatically; it exports ``SPECS``, a dict
     ``{(METHOD, path template): Spec(...)}`` where the path template is exactly
     Litestar's (``/api/v1/users/{user_id:int}``; see ``app.route_handler_method_map``).
  2. ``Spec.build(world, target)`` returns the concrete request (``Req``) for one target:
     ``"own"`` = an object inside the World's home scope (the officer's street, the
     inspector's assignment, the enterprise user's enterprise), ``"foreign"`` = one
     outside it. Routes without an object use the single target ``"-"``. It may create
     fresh rows with tests.factories (data is never wiped; make unique rows).
  3. ``Spec.expect`` maps every role (admin, officer, inspector, enterprise, and
     grid_worker, which defaults to 403 when left out) to the status
     expected, either one int for all targets or ``{"own": 200, "foreign": 404}``.
     ``anonymous`` is the status without credentials (401 for /api; LOGIN for pages =
     a 303 redirect to /login), also either one value or one per target.
  The matrix test fails when an app route has no entry, when an entry names a route that
  does not exist, or when a role is missing from ``expect``.

/api requests carry a bearer token; page requests carry a fresh session cookie and a
valid CSRF token (so a 403 here is the role rule, not CSRF; CSRF has its own test).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

ROLES = ("admin", "officer", "inspector", "enterprise", "grid_worker")
# The roles every rule must name. ``grid_worker`` (网格员) came later: a rule that does not
# name it expects 403 (a role never allowed), unless ``tests.permissions.grid_worker``
# names the route in ``GRID_WORKER`` (e.g. routes open to every user, or 404 outside scope).
BASE_ROLES = ("admin", "officer", "inspector", "enterprise")
LOGIN = "login"  # a 303 redirect to /login?next=... (an anonymous page request)
NONE = "-"  # the target of a route without an object
OWN_FOREIGN = ("own", "foreign")


@dataclass
class Req:
    method: str
    path: str
    json: Any = None
    form: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


Build = Callable[[Any, str], Awaitable[Req]]


@dataclass
class Spec:
    build: Build
    expect: dict[str, int | dict[str, int]]
    targets: tuple[str, ...] = (NONE,)
    anonymous: int | str | dict[str, int | str] = 401

    def expected(self, role: str, target: str) -> int:
        value = self.expect[role]
        return value[target] if isinstance(value, dict) else value

    def expected_anonymous(self, target: str) -> int | str:
        value = self.anonymous
        return value[target] if isinstance(value, dict) else value


Key = tuple[str, str]


def all_specs() -> dict[Key, Spec]:
    """Every area module's SPECS merged; a key defined twice is an error."""
    merged: dict[Key, Spec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, spec in getattr(module, "SPECS", {}).items():
            assert key not in merged, f"{key} has two rules (second in {info.name})"
            # Its own copy of ``expect``: rules may share one dict, and the grid worker's
            # entry is added per route below.
            merged[key] = replace(spec, expect=dict(spec.expect))
    from tests.permissions.grid_worker import GRID_WORKER

    for key, expected in GRID_WORKER.items():
        assert key in merged, f"GRID_WORKER names {key}, which has no rule"
        assert "grid_worker" not in merged[key].expect, f"{key}: grid_worker named twice"
        # A copy: area modules share one expect dict among several rules.
        merged[key].expect = {**merged[key].expect, "grid_worker": expected}
    for spec in merged.values():
        if "grid_worker" not in spec.expect:
            spec.expect = {**spec.expect, "grid_worker": _grid_worker_default(spec)}
    return merged


def _grid_worker_default(spec: Spec) -> int | dict[str, int]:
    """A route every signed-in user gets alike (``/api/v1/me``, one's own notifications,
    the profile page) treats the grid worker alike too; any other route refuses them."""
    values = [spec.expect[role] for role in BASE_ROLES]
    return values[0] if all(v == values[0] for v in values) else 403
