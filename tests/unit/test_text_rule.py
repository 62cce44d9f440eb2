"""The kernel's text rule (safety.text): what is refused, what is kept, and how stored
text is made safe for a file."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from safety.schemas import Text
from safety.text import file_text, first_refused

REFUSED = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9f",
    "\ud800",
    "\udfff",
    "\ufdd0",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
    "\u202e",
    "\u2066",
    "\u2069",
]
KEPT = ["\t", "\n", "\r", "\u200d", "\u200c", "\u200e", "\u00ad", "\ue000", "é", "企业", "🙂"]


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: "U+" + "-".join(f"{ord(x):04X}" for x in c))
def test_it_refuses_control_and_unsafe_characters(char):
    assert first_refused(f"a{char}b") == char
    assert file_text(f"a{char}b") == "a\ufffdb"


@pytest.mark.parametrize("char", KEPT, ids=lambda c: "U+" + "-".join(f"{ord(x):04X}" for x in c))
def test_it_keeps_text_and_harmless_format_characters(char):
    assert first_refused(f"a{char}b") is None
    assert file_text(f"a{char}b") == f"a{char}b"


def test_a_text_field_names_the_character_it_refuses():
    class Model(BaseModel):
        name: Text

    with pytest.raises(ValidationError) as exc:
        Model(name="ctl\u0001name")
    assert exc.value.errors()[0]["loc"] == ("name",)
    assert "U+0001" in exc.value.errors()[0]["msg"]
    assert Model(name="a\tb").name == "a\tb"
