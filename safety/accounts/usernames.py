"""Usernames: how they are written, compared and refused (pure rules, no I/O).

Stored form: the NFKC normalisation of what was typed, stripped (so a full-width
``ａｄｍｉｎ`` is stored as ``admin``).

Comparison key (``username_key``): NFKC, then full Unicode case folding (``str.casefold``),
then NFKC again (folding can undo normalisation) — Unicode's NFKC_Casefold, near enough.
``Ädmin``/``ädmin``, ``Straße``/``STRASSE`` and ``ａｄｍｉｎ``/``Admin`` share one key.
The key is stored in ``app_user.username_key`` under a unique index, and it is what the
login looks up and what the lock-out counters are kept under, so every spelling of one
name is one account and one counter.

Accepted characters (checked on the normalised form):
- letters (Unicode category L*) and combining marks following a letter;
- the ASCII digits 0-9 (after NFKC, so full-width digits count); other digits (Arabic-Indic,
  Devanagari, ...) are refused: they look like ASCII digits or like letters;
- the separators ``_`` ``.`` ``-``, but not as the first character;
- nothing else (no spaces, no ``@``, no symbols, no invisible format characters).
Length: 1-64 characters after normalisation.

Mixed scripts (the look-alike ``аdmin`` with a Cyrillic а): a letter's script is the first
word of its Unicode name (LATIN, CYRILLIC, GREEK, ...; CJK and IDEOGRAPHIC mean Han).
Digits, separators and marks belong to no script. The letters of one username must come
from one script, or from one of the combinations people really write (UTS #39's "highly
restrictive" profile): Latin with Han (``张san``, ``李ming01``), Latin + Han + Hiragana +
Katakana, Latin + Han + Bopomofo, Latin + Han + Hangul. So Latin with Cyrillic or Greek,
and Cyrillic with Han, are refused. Not covered: a name written wholly in another script
that looks like a Latin one (``асе`` all in Cyrillic) — that needs the confusables tables.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 64
SEPARATORS = frozenset("_.-")
_ALLOWED_SETS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_SCRIPT_ALIASES = {"CJK": "HAN", "IDEOGRAPHIC": "HAN", "KATAKANA-HIRAGANA": "KATAKANA"}


def normalise_username(raw: str) -> str:
    """The stored form: NFKC, surrounding white space removed."""
    return unicodedata.normalize("NFKC", raw or "").strip()


def username_key(raw: str) -> str:
    """The comparison key: NFKC_Casefold of the stored form."""
    return unicodedata.normalize("NFKC", normalise_username(raw).casefold())


def script_of(char: str) -> str | None:
    """The script of a letter (LATIN, CYRILLIC, GREEK, HAN, ...), None for anything else."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    word = name.split(" ", 1)[0] if name else "UNKNOWN"
    return _SCRIPT_ALIASES.get(word, word)


def scripts_allowed_together(scripts: set[str]) -> bool:
    return len(scripts) <= 1 or any(scripts <= allowed for allowed in _ALLOWED_SETS)


def username_problems(raw: str) -> list[str]:
    """Why a username is refused (empty: accepted). Messages in Chinese and English."""
    name = normalise_username(raw)
    if not name or len(name) > MAX_LENGTH:
        return [f"用户名须为1-{MAX_LENGTH}个字符"]
    problems: list[str] = []
    bad = []
    previous_is_letter = False
    for index, char in enumerate(name):
        category = unicodedata.category(char)
        if category.startswith("L") or char in "0123456789":
            previous_is_letter = category.startswith("L")
            continue
        if category.startswith("M") and previous_is_letter:
            continue
        if char in SEPARATORS and index > 0:
            previous_is_letter = False
            continue
        bad.append(char)
        previous_is_letter = False
    if bad:
        shown = " ".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        problems.append(
            f"用户名只能包含字母、数字和 _ . -，且不能以 _ . - 开头；不允许的字符：{shown}"
        )
    scripts = {s for s in map(script_of, name) if s}
    if not scripts_allowed_together(scripts):
        listed = ", ".join(sorted(scripts))
        problems.append(f"用户名不能混用不同文字（{listed}），如拉丁字母与西里尔字母")
    return problems
