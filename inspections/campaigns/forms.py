"""Reading the officer's forms: multi-valued fields, numbers, dates, and the mapping of a
service's field names onto the form's, so every refusal shows next to its field."""

from __future__ import annotations

import datetime as dt
from typing import Any


def many(form: dict[str, Any], key: str) -> list[str]:
    """A field sent any number of times (checkboxes): always a list of non-blank strings."""
    raw = form.get(key)
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [str(v).strip() for v in values if str(v).strip()]


def one(form: dict[str, Any], key: str) -> str:
    """A single field (the last one if sent twice)."""
    raw = form.get(key)
    if isinstance(raw, list):
        raw = raw[-1] if raw else ""
    return str(raw or "").strip()


def ids(values: list[str]) -> list[int]:
    """The integer ids of ``values`` (others are not ids anyone could have ticked)."""
    out = []
    for v in values:
        if v.isascii() and v.isdigit() and len(v) < 12:
            out.append(int(v))
    return list(dict.fromkeys(out))


def int_or_none(raw: str) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def date_or_none(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def remap(errors: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Service field names → form field names (``deadline_days.general`` → ``general_days``);
    the overall message stays under "_"."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        out.setdefault(names.get(key, key), message)
    return out
