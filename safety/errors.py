"""Domain errors, raised by services and mapped to HTTP once in ``safety.app``."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    headers: dict[str, str] | None = None  # added to the response (Retry-After)

    def __init__(self, detail: str, extra: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or []


class ValidationFailed(DomainError):
    """Bad input; ``extra`` names every bad field: [{"key": field, "message": why}]."""

    status_code = 400

    @classmethod
    def field(cls, key: str, message: str) -> ValidationFailed:
        return cls(message, [{"key": key, "message": message}])


class NotAuthenticated(DomainError):
    status_code = 401


class Forbidden(DomainError):
    """The role may never take this action."""

    status_code = 403


class NotFound(DomainError):
    """Missing, or outside the caller's scope (existence must not leak).

    An authenticated caller's 404 on an object is audited as ``access.denied`` (see
    ``safety.errorpages``). The object is ``object_type``/``object_id`` when given, else
    the route's last path parameter (``enterprise_id`` → ``enterprise``, its value)."""

    status_code = 404

    def __init__(
        self,
        detail: str,
        extra: list[dict[str, str]] | None = None,
        *,
        object_type: str | None = None,
        object_id: int | None = None,
    ) -> None:
        super().__init__(detail, extra)
        self.object_type = object_type
        self.object_id = object_id


class Conflict(DomainError):
    """Duplicate, or stale ``version``."""

    status_code = 409


class InvalidTransition(Conflict):
    """A state transition not allowed from the current state."""


class TooManyRequests(DomainError):
    status_code = 429


class PayloadTooLarge(DomainError):
    status_code = 413


class UnsupportedMediaType(DomainError):
    status_code = 415


class ServiceBusy(DomainError):
    """The server could not take the write in time (a stuck writer): retry later."""

    status_code = 503
    headers = {"Retry-After": "5"}  # noqa: RUF012 - read-only, one per class
