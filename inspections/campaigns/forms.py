"""Reading the officer's forms: multi-valued fields, ids, and the mapping of a service's
field names onto the form's, so every refusal shows next to its field (numbers and dates:
``safety.pages.as_int`` / ``parse_date``)."""

from __future__ import annotations

from typing import Any

from safety.pages import parse_id


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
    """The row ids of ``values`` (others are not ids anyone could have ticked)."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))


def remap(errors: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Service field names → form field names (``deadline_days.general`` → ``general_days``);
    the overall message stays under "_"."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        out.setdefault(names.get(key, key), message)
    return out
