"""The one rule for text that people type or upload (pure; no I/O, no framework).

Refused in every text field (JSON API, page forms, sheet imports), with a 400 naming the
field or, in an import, a row error naming the column:

- C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F) except tab, line feed and
  carriage return. Tab and line breaks are allowed everywhere, one rule for every field:
  a spreadsheet cell may hold Alt+Enter line breaks and Excel writes CR LF, and none of the
  three breaks an .xlsx, a CSV, a page or a PDF. The others are what XML 1.0 cannot hold
  (so an .xlsx holding one does not open), what PostgreSQL refuses to store (NUL) and what
  nobody can type.
- Lone surrogates (U+D800–U+DFFF, category Cs): JSON's ``"\\ud800"`` decodes to one; it
  cannot be encoded as UTF-8, so no database, file or page can hold it.
- Noncharacters (U+FDD0–U+FDEF and U+xxFFFE/U+xxFFFF): not allowed in XML, so an .xlsx
  holding one may not open.
- Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make
  text display in another order than it is stored ("Trojan Source" spoofing of names and
  file names); Chinese and Latin text never needs them.

Kept (harmless, and sometimes needed): the other format characters (category Cf) such as
ZERO WIDTH JOINER / NON-JOINER (emoji sequences, some scripts), LEFT-TO-RIGHT / RIGHT-TO-LEFT
MARK, soft hyphen and the byte order mark (``cell_text`` drops the latter two's common
cousins when reading sheets); private-use characters (category Co: some systems encode rare
Chinese characters for names there); unassigned code points (a newer Unicode than ours).

``file_text`` is the other half: whatever is already stored is made safe for a file by
replacing each refused character with U+FFFD, so no stored row can break an export again.
The one spreadsheet writer applies it to every cell (``safety.sheets.stream``).

``clean_filename`` is the rule for an uploaded file's name, at upload and again when a
stored name is served (rows kept before it): the last path part only, without the refused
characters, tabs and line breaks, leading dots; the extension kept when cut to length.

``short`` shows stored text in a line of its own (a notification, a digest, a timeline note):
whitespace runs become one space, and more than ``n`` characters end in "…".
"""

from __future__ import annotations

import re

ALLOWED_CONTROLS = "\t\n\r"

_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but tab, LF, CR), DEL, C1
    "\ud800-\udfff"  # surrogates: only ever lone in a Python str
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters of the BMP
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates
    "]"
    # noncharacters U+1FFFE/U+1FFFF … U+10FFFE/U+10FFFF
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)

REPLACEMENT = "\ufffd"


def first_refused(text: str) -> str | None:
    """The first character of ``text`` the rule refuses, or None."""
    m = _REFUSED.search(text)
    return m.group() if m else None


def text_problem(text: str) -> str | None:
    """Why ``text`` is refused (a message naming the character), or None if it is fine."""
    bad = first_refused(text)
    if bad is None:
        return None
    code = f"U+{ord(bad):04X}"
    return f"含有不允许的控制字符 {code}，请删除后重试"


def check_text(text: str) -> str:
    """``text`` unchanged, or ValueError naming the refused character (pydantic turns it
    into a 400 naming the field: see ``safety.schemas.Text``)."""
    problem = text_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def file_text(text: str) -> str:
    """``text`` safe for a file: each refused character replaced by U+FFFD."""
    return _REFUSED.sub(REPLACEMENT, text)


def short(text: str, n: int) -> str:
    """``text`` on one line, at most ``n`` characters (the last one "…" if cut)."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


_PATH_SEPARATORS = re.compile(r"[/\\]")


def clean_filename(name: str, limit: int = 255) -> str:
    """An uploaded file's name as stored and served: its last path part (no directory, no
    ``../``), the characters the rule refuses removed, tabs, line breaks and whitespace
    runs one space (a header carries no line break), no leading dots or spaces (no hidden
    or relative name); at most ``limit`` characters, the extension kept. May be empty."""
    name = _PATH_SEPARATORS.split(_REFUSED.sub("", name))[-1]
    name = " ".join(name.split()).lstrip(". ")
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) < 16:
        return stem[: limit - len(ext) - 1].rstrip() + "." + ext
    return name[:limit]
