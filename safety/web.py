"""Web-layer glue shared by every package's routes: who is calling, and paging.

Controllers take ``actor: Actor`` (provided here) and hand it to services; they hold no
business rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.handlers import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import ParameterKwarg, PathParameter, QueryParameter
from pydantic import BaseModel

from safety.errors import ValidationFailed
from safety.schemas import MAX_DB_INT

T = TypeVar("T")

MAX_LIMIT = 500

# An id in the path or the query: out of the database's integer range is a 400 naming the
# parameter (not a database overflow).
PathId = Annotated[int, PathParameter(ge=1, le=MAX_DB_INT)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_DB_INT)]


def client_ip(request: Request) -> str | None:
    """The caller's address, as recorded in the audit trail, sessions and login tries.
    Behind a proxy it is the X-Forwarded-For client only when the proxy is one of
    SAFETY_TRUSTED_PROXIES: ``safety serve`` has uvicorn rewrite the connection's client
    from that header for trusted peers alone, so a header sent by anyone else is ignored."""
    return request.client.host if request.client else None


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


# C0 control characters other than tab, newline and carriage return, and DEL: no query
# parameter has a use for them, and PostgreSQL refuses a NUL in text outright (a 500).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_INTEGER = re.compile(r"-?[0-9]+")


@functools.cache
def integer_query_parameters(handler: BaseRouteHandler) -> frozenset[str]:
    """The query parameters the handler declares as integers (``limit``, ``QueryId``…)."""
    names = set()
    path_names = {name for path in handler.paths for name in re.findall(r"{(\w+)", path)}
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie):
            continue
        types = [t.annotation for t in field.inner_types] if field.is_union else [field.annotation]
        if int in types and bool not in types and name not in path_names:
            names.add(kwarg.query if isinstance(kwarg, ParameterKwarg) and kwarg.query else name)
    return frozenset(names)


def check_query_parameters(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-wide guard: a query parameter holding a control character is a 400 naming it,
    before any route sees it (typed parameters, ids and dates are each route's own
    validation: ``PathId``/``QueryId``, ``paging``, the filters). So is an integer
    parameter not written as one: Litestar would read ``?offset=0.0`` or ``1e2`` as a
    number, where the OpenAPI document says integer (the API fuzz test holds us to it)."""
    errors = []
    integers = integer_query_parameters(handler)
    for key, value in connection.query_params.multi_items():
        if _CONTROL.search(key) or _CONTROL.search(value):
            name = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", key)
            errors.append({"key": name, "message": f"{name} 含控制字符"})
        elif key in integers and value and not _INTEGER.fullmatch(value):
            errors.append({"key": key, "message": f"{key} 须为整数"})
    if errors:
        raise ValidationFailed("查询参数有误", errors)


class Page(BaseModel, Generic[T]):
    """A page of a list: ``{"items": [...], "total": N}``."""

    items: list[T]
    total: int


class ErrorItem(BaseModel):
    """One bad field: ``key`` names it, ``source`` says where it was sent (Litestar's own
    parameter and body checks set it; a service's check does not)."""

    key: str
    message: str
    message_en: str | None = None
    source: Literal["path", "query", "header", "cookie", "body"] | None = None


class ErrorOut(BaseModel):
    """Litestar's error shape, as every error of ``/api`` is sent (safety.errorpages):
    ``detail`` in the caller's language, ``detail_en`` in English, ``extra`` the fields at
    fault (a 400 always names at least one)."""

    status_code: int
    detail: str
    detail_en: str | None = None
    extra: list[ErrorItem] = []


@dataclass
class UploadForm:
    """The multipart form of a sheet import: one ``file`` part (a form without it is a 400
    naming ``file``). One class for every import, so the OpenAPI document has one schema."""

    file: UploadFile


ERROR_MEANINGS = {
    400: "Invalid input; ``extra`` names every bad field",
    401: "No bearer token, or a bad or expired one",
    403: "The caller's role may never do this",
    404: "No such object, or outside the caller's scope",
    409: "A duplicate, a stale ``version``, or a transition not allowed now",
    413: "The upload, or a JSON body (over SAFETY_MAX_JSON_BYTES), is too large",
    415: "The file type is not accepted",
    429: "Too many attempts; try again later",
}


def error_responses(*codes: int) -> dict[int, ResponseSpec]:
    """The error responses a route may give, for its OpenAPI description:
    ``@get(..., responses=error_responses(401, 403, 404))``."""
    return {
        code: ResponseSpec(
            data_container=ErrorOut, description=ERROR_MEANINGS[code], generate_examples=False
        )
        for code in codes
    }


# ``?limit=``/``?offset=`` of every list. The bounds are documented here (OpenAPI minimum and
# maximum, for generated clients) and enforced by ``paging()``, not by Litestar: out of range
# stays today's 400 "分页参数有误" naming the parameter in the caller's language (Litestar's
# own check would answer in msgspec's English). A too-large limit is refused, never clamped.
Limit = Annotated[
    int | None,
    QueryParameter(
        description=f"Page size, default 50, at most {MAX_LIMIT}",
        schema_extra={"minimum": 1, "maximum": MAX_LIMIT},
    ),
]
Offset = Annotated[
    int | None,
    QueryParameter(
        description="Rows to skip, default 0", schema_extra={"minimum": 0, "maximum": MAX_DB_INT}
    ),
]


def query_one_of(
    vocabulary: Iterable[Any], description: str | None = None, *, blank: bool = True
) -> Any:
    """A text query parameter taking one of ``vocabulary`` (an Enum of the tables or rules
    modules, or the service's own tuple of values: the one list), documented as an
    ``enum``. The service checks it, as before, with its own 400 naming the parameter in
    the caller's language (Litestar's check would answer in msgspec's English).
    ``blank``: Litestar reads ``?x=`` as not given (None), and the service then does what
    it does without it, so ``""`` is one of the documented values (``blank=False`` where
    the service refuses None)."""
    values = [item.value if isinstance(item, Enum) else item for item in vocabulary]
    if blank:
        values.append("")
    # type and enum replace Litestar's oneOf [string, null]: an absent parameter is None
    extra = {"type": "string", "enum": values, "one_of": None}
    return Annotated[str | None, QueryParameter(description=description, schema_extra=extra)]


def paging(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Validate ``?limit=`` (default 50, max 500) and ``?offset=``."""
    limit = 50 if limit is None else limit
    offset = 0 if offset is None else offset
    errors: list[dict[str, Any]] = []
    if not 1 <= limit <= MAX_LIMIT:
        errors.append({"key": "limit", "message": f"limit 须为 1..{MAX_LIMIT}"})
    if not 0 <= offset <= MAX_DB_INT:
        errors.append({"key": "offset", "message": f"offset 须为 0..{MAX_DB_INT}"})
    if errors:
        raise ValidationFailed("分页参数有误", errors)
    return limit, offset


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(content: bytes, filename: str) -> Response[bytes]:
    """An .xlsx as a download (RFC 5987 name, so Chinese file names survive)."""
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
