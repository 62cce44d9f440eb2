"""Kernel API schemas (hand-written pydantic v2 In/Out models)."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, ValidationInfo

from safety.tables import OrgUnitKind, Role
from safety.text import check_text

# Row ids and counters are PostgreSQL ``integer`` columns: a number out of that range is
# bad input (400 naming the field), never a database overflow (500).
MAX_DB_INT = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
Version = Annotated[int, Field(ge=0, le=MAX_DB_INT)]


# Every text field of every input model is ``Text`` (or ``fits(column)``, which is Text):
# control characters and the like (``safety.text``) are a 400 naming the field. The test
# tests/safety/test_hardening_text_and_sheets.py walks every request body of the app and
# fails on a ``str`` field that is not.
Text = Annotated[str, AfterValidator(check_text)]


def fits(column: Any) -> Any:
    """A ``Text`` no longer than the Varchar ``column``: PostgreSQL refuses a longer value
    (a 500) and SQLite would store it (silent divergence), so it is a 400 naming the field.
    The limit is read from the table, the one place it is defined."""
    return Annotated[Text, Field(max_length=column.length)]


def one_of(vocabulary: type[Enum], *, optional: bool = False) -> Any:
    """A ``str`` that is one of ``vocabulary``'s values: the Enum of the tables or rules
    module is the one list of a fixed vocabulary (a status, a level, a role…), and the
    OpenAPI document shows its values as an ``enum`` (generated clients get a type). The
    value stays a plain ``str`` (code and templates compare and print it as before); a
    value outside the list is a 400 naming the field, in Chinese. ``optional``: None too
    (``one_of(X, optional=True)`` would lose the enum from the document)."""
    values = [member.value for member in vocabulary]
    choices = "/".join(values)

    def check(value: str | None, info: ValidationInfo) -> str | None:
        if value is None and optional:
            return value
        if value not in values:
            key = info.field_name or "value"
            raise ValueError(f"{key} 须为 {choices} 之一")
        return value

    if not optional:
        return Annotated[str, AfterValidator(check), Field(json_schema_extra={"enum": values})]
    # one schema, not Litestar's oneOf [string, null] (where the enum would not reach)
    nullable: dict[str, Any] = {"one_of": [{"type": "string", "enum": values}, {"type": "null"}]}
    return Annotated[str | None, AfterValidator(check), Field(json_schema_extra=nullable)]


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _email(value: str | None) -> str | None:
    """Blank means none; otherwise one address (``name@host.tld``), kept as typed but
    trimmed. Where notifications are e-mailed, a typo would lose them silently."""
    value = (value or "").strip()
    if not value:
        return None
    if not _EMAIL.fullmatch(value):
        raise ValueError("邮箱格式不正确")
    return value


def email_of(column: Any) -> Any:
    """An optional e-mail address that fits the Varchar ``column``."""
    return Annotated[fits(column) | None, AfterValidator(_email)]


# Passwords are hashed, never stored or shown (so not ``Text``); a bound keeps argon2 from
# hashing megabytes.
Password = Annotated[str, Field(max_length=128)]


class TokenIn(BaseModel):
    username: Text  # logged in failed attempts: no control characters in the audit trail
    password: str  # hashed, never stored or shown: anything may be in it
    # The second factor of a user who enrolled one: a current TOTP code or an unused
    # recovery code (safety.accounts.logins).
    otp: Annotated[Text, Field(max_length=64)] | None = None


class TotpEnrolOut(BaseModel):
    """A pending second factor: add ``secret`` (or scan ``otpauth_uri``) in an
    authenticator app, then confirm with a code."""

    secret: str
    otpauth_uri: str


class TotpCodeIn(BaseModel):
    code: Annotated[Text, Field(max_length=64)]


class TotpConfirmOut(BaseModel):
    """Ten single-use recovery codes, shown this once."""

    recovery_codes: list[str]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - OAuth2's token type, not a secret
    expires_in: int


class MeOut(BaseModel):
    id: int
    username: str
    role: one_of(Role)
    display_name: str
    enterprise_id: int | None
    org_unit_id: int | None
    agency_id: int | None = None


class UserOut(BaseModel):
    id: int
    username: str
    role: one_of(Role)
    display_name: str
    enterprise_id: int | None
    org_unit_id: int | None
    agency_id: int | None
    active: bool
    qualification: str | None
    specialty: str | None
    phone: str | None
    email: str | None = None
    created_at: dt.datetime | None
    last_login_at: dt.datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> UserOut:
        return cls(
            **{k: row.get(k) for k in cls.model_fields if k in row},
            enterprise_id=row.get("enterprise"),
            org_unit_id=row.get("org_unit"),
            agency_id=row.get("agency"),
        )


class OrgUnitOut(BaseModel):
    id: int
    name: str
    kind: one_of(OrgUnitKind)
    parent_id: int | None
    code: str | None
    path: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> OrgUnitOut:
        return cls(
            id=row["id"],
            name=row["name"],
            kind=row["kind"],
            parent_id=row.get("parent"),
            code=row.get("code"),
            path=row["path"],
        )


class AgencyOut(BaseModel):
    id: int
    name: str
    contact_name: str | None
    contact_phone: str | None
    active: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> AgencyOut:
        return cls(**{k: row.get(k) for k in cls.model_fields})


class AuditEventOut(BaseModel):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_username: str
    actor_role: str
    ip: str | None
    action: str
    object_type: str
    object_id: int | None
    before: Any = None
    after: Any = None
    success: bool
