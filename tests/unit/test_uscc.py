"""USCC (GB 32100-2015) check character and phone numbers: pure rules, no database."""

from hypothesis import given
from hypothesis import strategies as st

from safety.rules import USCC_CHARSET, check_uscc, make_uscc, normalise_phone, normalise_uscc

REAL_CODES = ["9144030071526726XG", "914403001922038216", "91110108551385082Q"]

# A shaped first 17: registration dept + type (charset), 6-digit area, 9 charset chars.
charset = st.sampled_from(USCC_CHARSET)
digits = st.sampled_from("0123456789")
first17 = st.builds(
    lambda a, b, c: "".join(a) + "".join(b) + "".join(c),
    st.lists(charset, min_size=2, max_size=2),
    st.lists(digits, min_size=6, max_size=6),
    st.lists(charset, min_size=9, max_size=9),
)


def test_it_accepts_real_codes():
    for code in REAL_CODES:
        verdict = check_uscc(code)
        assert verdict.acceptable, code


def test_it_refuses_a_real_code_with_one_character_changed():
    verdict = check_uscc("9144030071526726XH")
    assert verdict.malformed is None
    assert not verdict.check_ok
    assert not check_uscc("914403001922038217").acceptable


def test_it_normalises_lowercase_and_spaces():
    assert normalise_uscc(" 9144 0300 7152 6726xg ") == "9144030071526726XG"
    assert check_uscc("91110108551385082q").acceptable


def test_it_calls_wrong_length_and_letters_malformed():
    assert "18位" in check_uscc("91440300715267").malformed
    assert "非法字符" in check_uscc("9144030071526726IG").malformed  # I is not in the charset
    assert check_uscc("91AB030071526726XG").malformed  # area code must be digits


@given(first17)
def test_any_code_with_its_computed_check_character_passes(head):
    assert check_uscc(make_uscc(head)).acceptable


@given(first17, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=30))
def test_any_single_character_change_fails(head, position, shift):
    code = make_uscc(head)
    pool = "0123456789" if 2 <= position <= 7 else USCC_CHARSET
    old = code[position]
    new = pool[(pool.index(old) + shift) % len(pool)]
    if new == old:  # shift a whole turn of the digit pool: take the next one
        new = pool[(pool.index(old) + 1) % len(pool)]
    changed = code[:position] + new + code[position + 1 :]
    assert not check_uscc(changed).acceptable


def test_it_accepts_mobiles_in_their_usual_forms():
    for raw in [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 13800138000",
        "8613800138000",
    ]:
        assert normalise_phone(raw) == "13800138000", raw


def test_it_refuses_mobiles_of_wrong_length_or_prefix():
    for raw in ["1380013800", "138001380001", "12800138000", "10800138000", "abc", ""]:
        assert normalise_phone(raw) is None, raw


def test_it_accepts_landlines_with_area_code_and_extension():
    assert normalise_phone("0531-88886666") == "0531-88886666"
    assert normalise_phone("053188886666") == "053188886666"
    assert normalise_phone("（0531）88886666") == "0531-88886666"
    assert normalise_phone("010-12345678-123") == "010-12345678-123"
    assert normalise_phone("88886666") is None  # no area code
