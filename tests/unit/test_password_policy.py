"""The 等保 2.0 level-3 password profile (safety.rules.password_problems)."""

import pytest

from safety.rules import password_problems


@pytest.mark.parametrize(
    "password", ["Abcdef1!", "abcdefg1!", "ABCDEFG1!", "Abcdefgh1", "密码Abc123"]
)
def test_it_accepts_three_of_four_classes(password):
    assert password_problems(password, "zhangsan") == []


def test_it_refuses_a_short_password_and_says_how_long():
    problems = password_problems("Ab1!", "zhangsan")
    assert len(problems) == 1 and "8" in problems[0]


@pytest.mark.parametrize("password", ["abcdefgh", "abcdefg1", "ABCDEFGH", "12345678", "abc!defg"])
def test_it_refuses_fewer_than_three_classes(password):
    problems = password_problems(password, "zhangsan")
    assert any("3" in p for p in problems)


def test_it_refuses_a_password_containing_the_username_in_any_case():
    assert any("用户名" in p for p in password_problems("ZhangSan@2024", "zhangsan"))


def test_the_policy_is_configurable():
    assert password_problems("abcdefghij", "u", min_length=10, min_classes=1) == []
    assert password_problems("abcdefghi", "u", min_length=10, min_classes=1) != []
