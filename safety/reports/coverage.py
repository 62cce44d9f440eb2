"""Which characters the printed documents can draw, and what prints for the others.

A character no installed font has (U+20000, U+2A6A5: rare CJK extension B characters,
which names sometimes need; an emoji) would print as an empty box, silently. So:

- ``unprintable(text)``: the distinct characters of ``text`` that no font a PDF may use
  has — the pre-subset main font (``fonts.covered``), then fontconfig's answer for the
  character (WeasyPrint falls back to any installed font through it), then every face of
  the system CJK collection (where the extra fonts are cut from; it may be configured
  outside fontconfig). Each answer is cached per process; ASCII and the main font's
  repertoire answer from a set. Controls, format characters (ZWJ), separators and
  variation selectors are never flagged: they draw nothing anyway.
- ``printable_text(text)``: each such character replaced by "〓(U+20000)" — the geta mark
  is what Chinese typesetting prints for a character it does not have (it is in GB 2312,
  so in the main font), and the code point says which one was meant.

Saving such text is never refused (the stored text is right; only the printout lacks a
glyph): the API answers with a ``warnings`` entry and pages show a notice
(``safety.reports.print_warnings``).
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import lru_cache

from safety.reports import fonts

GETA = "〓"
_SILENT = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}


def marker(char: str) -> str:
    """What prints for a character no font has."""
    return f"{GETA}(U+{ord(char):04X})"


def printable_text(text: str) -> str:
    missing = unprintable(text)
    for char in missing:
        text = text.replace(char, marker(char))
    return text


def unprintable(text: str) -> list[str]:
    """The distinct characters of ``text`` no PDF font has, in order of appearance."""
    if text.isascii():
        return []
    return [c for c in dict.fromkeys(text) if ord(c) > 0x7F and not printable(ord(c))]


@lru_cache(maxsize=8192)
def printable(cp: int) -> bool:
    if cp < 0x80 or cp in fonts.covered("regular"):
        return True
    if unicodedata.category(chr(cp)) in _SILENT or _variation_selector(cp):
        return True
    source = fonts.find_source("regular")
    if source is None:
        return True  # no CJK font at all: PDFs are refused with what to install
    if _fontconfig_has(cp):
        return True
    if source.path in _fontconfig_files():
        return False  # fontconfig read the collection's faces already
    return any(cp in fonts._cmap(source.path, index) for index, _ in fonts._faces(source.path))


def _variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _fontconfig_has(cp: int) -> bool:
    """Whether fontconfig knows an installed font with ``cp`` (False without fc-list)."""
    return bool(_fc_list(f":charset={cp:x}"))


@lru_cache(maxsize=1)
def _fontconfig_files() -> frozenset[str]:
    return frozenset(_fc_list(":"))


def _fc_list(pattern: str) -> list[str]:
    """The font files fontconfig lists for ``pattern`` (none without fc-list)."""
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run(  # noqa: S603 - fontconfig's tool, a fixed argv
            [exe, "--format", "%{file}\n", pattern],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return out.stdout.split()


def reset() -> None:
    """Forget the answers (after the installed fonts changed)."""
    printable.cache_clear()
    _fontconfig_files.cache_clear()
