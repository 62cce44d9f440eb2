"""Domain errors, raised by services and mapped to HTTP once in ``safety.app``."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

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
    """Missing, or outside the caller's scope (existence must not leak)."""

    status_code = 404


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
