"""Pure kernel rules: no I/O, no framework. Password policy, USCC check, phone numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

# ---------------------------------------------------------------- passwords (等保 2.0)


def password_problems(
    password: str, username: str, min_length: int = 8, min_classes: int = 3
) -> list[str]:
    """Why a password is refused (empty list: accepted). Default: the 等保 level-3 profile,
    at least 8 characters from 3 of 4 classes (lower, upper, digit, symbol), not the
    username."""
    problems: list[str] = []
    if len(password) < min_length:
        problems.append(f"密码至少 {min_length} 位")
    classes = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if classes < min_classes:
        problems.append(f"密码须包含大写字母、小写字母、数字、符号中的至少 {min_classes} 类")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems


# ---------------------------------------------------------------- USCC (GB 32100-2015)

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalise_uscc(raw: str) -> str:
    """Upper-case and strip spaces (people paste codes with spaces and lowercase)."""
    return re.sub(r"\s+", "", raw or "").upper()


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_CHARSET[0 if check == 31 else check]


@dataclass(frozen=True)
class UsccVerdict:
    code: str
    malformed: str | None = None  # reason the code can never be accepted
    check_ok: bool = True  # False: well-formed but the check character is wrong

    @property
    def acceptable(self) -> bool:
        return self.malformed is None and self.check_ok


def check_uscc(raw: str) -> UsccVerdict:
    code = normalise_uscc(raw)
    if len(code) != 18:
        return UsccVerdict(code, malformed=f"统一社会信用代码应为18位，当前{len(code)}位")
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        return UsccVerdict(code, malformed=f"统一社会信用代码含非法字符: {''.join(bad)}")
    if not _USCC_SHAPE.match(code):
        return UsccVerdict(code, malformed="统一社会信用代码第3-8位应为行政区划码(数字)")
    if uscc_check_char(code[:17]) != code[17]:
        return UsccVerdict(code, check_ok=False)
    return UsccVerdict(code)


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    return first17 + uscc_check_char(first17)


# ---------------------------------------------------------------- phone numbers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalise_phone(raw: str) -> str | None:
    """A mobile (11 digits, 1[3-9]…, also written 138-0013-8000 or with +86) or a landline
    (0531-88886666, 053188886666, (0531)88886666, with an optional extension); None when
    neither. Mobiles come back as their 11 digits."""
    s = (raw or "").strip().replace(" ", "").replace("（", "(").replace("）", ")")
    s = re.sub(r"^\+?86-?", "", s) if len(s) > 11 else s
    s = re.sub(r"^\((0\d{2,3})\)", r"\1-", s)
    if _MOBILE.match(s):
        return s
    # Mobiles are often written in groups: 138-0013-8000 / 138 0013 8000.
    if re.fullmatch(r"1[3-9]\d-\d{4}-\d{4}", s):
        return s.replace("-", "")
    if _LANDLINE.match(s):
        return s
    return None
