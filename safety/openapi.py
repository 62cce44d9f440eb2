"""The OpenAPI document (GET /schema/openapi.json), made for client generators.

A client generated with openapi-python-client from the served document must come out
whole and without a warning (tests/safety/test_openapi_client.py generates one and uses it).
So the document follows these rules, applied here once for every route rather than in each
decorator (routes are declared per package, in Routers or not):

- operation ids are the handler's name in camelCase (``list_hazards`` → ``listHazards``):
  readable, stable while the function keeps its name, and unique (Litestar refuses a
  duplicate when it builds the document);
- every operation documents a 400 with ``ErrorOut`` (the app-wide query guard may refuse
  any request; Litestar's own inline 400 schema is one a generator cannot parse), and every
  JSON body a 413 (over SAFETY_MAX_JSON_BYTES, ``safety.bodies``);
- an operation that does not take the ``actor`` dependency needs no bearer token (the
  token route, /health): ``security: []`` overrides the document's default. The same test
  ``authenticate_first`` makes decides it, so the document cannot disagree with the guard.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.openapi.spec import Operation
from litestar.routes import HTTPRoute

from safety.web import error_responses

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.handlers import HTTPRouteHandler

OPERATION_ID = re.compile(r"[a-z][A-Za-z0-9]*")


def operation_id(handler: HTTPRouteHandler, http_method: str, path_components: Any) -> str:
    """``list_hazards`` → ``listHazards`` (OpenAPIConfig's ``operation_id_creator``); a
    handler serving several methods gets the method first (``getThing``/``putThing``)."""
    words = [w for w in handler.handler_name.split("_") if w]
    if len(handler.http_methods) > 1:
        words.insert(0, http_method.lower())
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])


@dataclass
class PublicOperation(Operation):
    """An operation anyone may call: ``security: []`` (an empty list, which Litestar's
    own ``security=`` cannot express: it drops an empty one)."""

    def __post_init__(self) -> None:
        self.security = []


def _takes_json(handler: HTTPRouteHandler) -> bool:
    data = inspect.signature(handler.fn).parameters.get("data")
    return data is not None and "JSONBody" in str(data.annotation)


def document(app: Litestar) -> None:
    """Apply the rules above to every route of ``app`` shown in the document. Run once,
    after the app is built (routes are registered, Routers resolved) and before the
    document is first asked for (Litestar builds it lazily)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            responses = dict(handler.responses or {})
            extra = error_responses(400, *([413] if _takes_json(handler) else []))
            handler.responses = {**extra, **responses}
            if "actor" not in handler.dependency_name_set:
                handler.operation_class = PublicOperation
