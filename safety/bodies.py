"""Limits on JSON request bodies, enforced once for every route (``SafeRequest`` is the
app's request class, so every ``JSONBody`` parameter goes through it).

- Size: at most ``max_json_bytes`` (1 MiB by default) → else 413. Multipart uploads are
  not JSON: their limit is ``max_upload_bytes`` (checked by the services, and by Litestar's
  ``request_max_body_size`` just above it).
- Encoding: UTF-8 only; invalid bytes → 400 naming ``body`` (was a 500).
- Nesting: at most ``JSON_MAX_DEPTH`` levels of arrays/objects → else 400 (1,100 levels
  made the decoder raise RecursionError, a 500). Checked on the raw bytes before decoding,
  so a hostile body costs one linear scan, never a deep recursion.

Every refusal has Litestar's error shape with ``extra: [{"key": "body", ...}]``. The body
is only read once the caller is authenticated (``safety.accounts.actor.authenticate_first``).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.types import Empty

from safety.errors import PayloadTooLarge, ValidationFailed
from safety.settings import get_settings

JSON_MAX_DEPTH = 64

# A JSON string (escapes included), so brackets inside strings are not counted.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPEN = frozenset(b"[{")


def nesting_depth(body: bytes, stop_above: int = JSON_MAX_DEPTH) -> int:
    """The deepest array/object nesting of a JSON text (stops counting once above
    ``stop_above``). Brackets inside strings do not count."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        if byte in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"key": "body", "message": message}])


def _too_large(limit: int) -> PayloadTooLarge:
    message = f"请求体过大，JSON 上限 {limit} 字节"
    return PayloadTooLarge(message, [{"key": "body", "message": message}])


def check_json_body(body: bytes) -> None:
    """Raise a 413/400 for a JSON body over the limits (see the module docstring)."""
    limit = get_settings().max_json_bytes
    if len(body) > limit:
        raise _too_large(limit)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(f"请求体不是有效的 UTF-8，第 {exc.start} 字节处有误") from None
    if nesting_depth(body) > JSON_MAX_DEPTH:
        raise _refuse(f"JSON 嵌套超过 {JSON_MAX_DEPTH} 层")


class SafeRequest(Request):
    """Litestar's request, with the JSON body checked before it is decoded."""

    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:
            limit = get_settings().max_json_bytes
            announced = self.content_length
            if announced is not None and announced > limit:
                raise _too_large(limit)  # refused before reading a byte of it
            check_json_body(await self.body())
        try:
            return await super().json()
        except (RecursionError, UnicodeDecodeError):  # belt and braces: never a 500
            raise _refuse("JSON 无法解析") from None
