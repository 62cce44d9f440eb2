"""Checklist API schemas (hand-written pydantic v2). The input model is deliberately
loose (any JSON value per field): ``rules.clean_template`` checks every field and names it
by its path (``sections[0].items[3].major_basis``), the same for the API, the fixtures and
the sheet import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, field_validator

from inspections.tables import HazardCategory, HazardLevel
from safety.schemas import one_of
from safety.text import text_problem


def _no_control_characters(value: Any) -> Any:
    """The kernel text rule over any JSON value (strings nested in lists and objects
    included): a control character is refused here, naming the field."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, dict):
        for item in value.values():
            _no_control_characters(item)
    elif isinstance(value, list):
        for item in value:
            _no_control_characters(item)
    return value


class _Loose(BaseModel):
    """Any JSON per field (``rules.clean_template`` names each bad one by its path), but
    never a control character."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_rule(cls, value: Any) -> Any:
        return _no_control_characters(value)


class ChecklistItemIn(_Loose):
    code: Any = Field(default=None, description="unique within the template, e.g. XF-01")
    text: Any = Field(default=None, description="检查内容")
    legal_basis: Any = Field(default=None, description="检查依据: law or standard and clause")
    category: Any = Field(default=None, description="management (基础管理类) | site (现场管理类)")
    subcategory: Any = Field(default=None, description="电气, 消防, 机械, 特种设备, 危化品, …")
    default_level: Any = Field(default=None, description="general | major")
    major_basis: Any = Field(default=None, description="required when default_level is major")


class ChecklistSectionIn(_Loose):
    title: Any = Field(default=None, description="检查项目（分类）")
    items: Any = Field(default=None, description="list of items, at least one")


class ChecklistIn(_Loose):
    """A template to publish. An existing ``code`` makes a new version (old versions stay
    readable); the same content as the current version makes none."""

    code: Any = Field(default=None, description="the template's stable code, e.g. fire")
    name: Any = None
    domain: Any = None
    description: Any = None
    sections: Any = Field(default=None, description="list of sections, at least one")


class ChecklistItemOut(BaseModel):
    id: int
    code: str
    text: str
    legal_basis: str
    category: one_of(HazardCategory)
    subcategory: str
    default_level: one_of(HazardLevel)
    major_basis: str


class ChecklistSectionOut(BaseModel):
    id: int
    title: str
    items: list[ChecklistItemOut]


class ChecklistOut(BaseModel):
    id: int
    code: str
    version: int
    name: str
    domain: str
    description: str
    published: bool
    created_at: dt.datetime
    item_count: int
    major_count: int
    sections: list[ChecklistSectionOut]
