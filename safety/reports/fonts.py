"""The CJK font of printed documents: found on the system, pre-subset once, reused.

Why: WeasyPrint subsets every embedded font on every PDF. With the ~20 MB Noto CJK
collection (CFF outlines) that costs ~0.2 s per document with HarfBuzz's subsetter and
~10 s with fontTools' (WeasyPrint's fallback where libharfbuzz-subset is missing), and
the PDF carries ~240 kB of font for one page. So, once per source font, we build
``SafetyCJK``: the GB 2312 repertoire (6,763 hanzi and its symbols) plus ASCII, Latin-1,
general and CJK punctuation and full-width forms, converted to TrueType outlines (which
both subsetters cut far faster than CFF), regular and bold. It is kept on disk under
``SAFETY_PDF_FONT_DIR`` (default ``<data dir>/fonts``) with the source font's identity and
the repertoire in its name, so a new system font or repertoire builds a new file.

Characters a document uses beyond that repertoire (rare name characters: 堃, 喆, 𠮷 …)
get a tiny extra font of just those glyphs, cut from the first face of the system
collection that has them (SC, then TC, HK, JP, KR), cached on disk by its characters.
The CSS font stack ends with the system Noto font itself, so nothing ever prints as a box.

No CJK font at all: ``find_source`` returns None, start-up logs a warning and the PDF
endpoints answer 503 saying what to install.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

BUILD_VERSION = "1"  # bump when the build below changes what it writes
FAMILY = "SafetyCJK"
# Which face of a collection to prefer, in order (simplified Chinese first).
FACE_ORDER = ("SC", "TC", "HK", "JP", "KR")
# Where Debian/Ubuntu/Fedora/Alpine put CJK fonts, for machines without fc-match.
CANDIDATES = {
    "regular": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ),
    "bold": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
}
INSTALL_HINT = (
    "未找到中文字体，无法生成 PDF：请安装 fonts-noto-cjk（Debian/Ubuntu: "
    "apt-get install fonts-noto-cjk）或设置 SAFETY_PDF_FONT 为一个中文字体文件"
)
PROBE = "检查报告隐患整改通知书街道办事处"  # a CJK font must cover these


@dataclass(frozen=True)
class Source:
    """A system font file and the index of the face to use in it."""

    path: str
    index: int
    family: str

    @property
    def identity(self) -> str:
        st = os.stat(self.path)
        return f"{self.path}:{self.index}:{st.st_size}:{int(st.st_mtime)}"


def repertoire() -> frozenset[int]:
    """GB 2312 (every character it encodes) plus the Latin and punctuation ranges a
    Chinese document uses."""
    chars: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for start, end in (
        (0x20, 0x7F),  # ASCII
        (0xA0, 0x100),  # Latin-1
        (0x2000, 0x2070),  # general punctuation
        (0x2100, 0x2200),  # letter-like, number forms (Ⅰ Ⅱ), arrows  # noqa: RUF003
        (0x2460, 0x2500),  # enclosed alphanumerics (① ②)
        (0x25A0, 0x2600),  # geometric shapes (□ ■ ○ ●)
        (0x2610, 0x2613),  # ballot boxes
        (0x2713, 0x2718),  # check marks
        (0x3000, 0x3040),  # CJK symbols and punctuation
        (0xFF00, 0xFFF0),  # full-width forms
    ):
        chars.update(range(start, end))
    return frozenset(chars)


def _open(path: str, index: int):  # -> a fontTools TTFont
    from fontTools.ttLib import TTFont

    return TTFont(path, fontNumber=index, lazy=True) if _is_collection(path) else TTFont(path)


def _is_collection(path: str) -> bool:
    return path.lower().endswith((".ttc", ".otc"))


@lru_cache(maxsize=8)
def _faces(path: str) -> tuple[tuple[int, str], ...]:
    """(index, family) of each face of a font file, best first (SC, TC, HK, JP, KR)."""
    from fontTools.ttLib import TTCollection, TTFont

    if _is_collection(path):
        fonts = list(TTCollection(path, lazy=True).fonts)
    else:
        fonts = [TTFont(path, lazy=True)]
    faces = [(i, font["name"].getDebugName(1) or "") for i, font in enumerate(fonts)]
    return tuple(sorted(faces, key=lambda f: (_face_rank(f[1]), f[0])))


@lru_cache(maxsize=32)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points face ``index`` of ``path`` maps (read once)."""
    return frozenset(_open(path, index).getBestCmap() or {})


def _face_rank(family: str) -> int:
    for rank, tag in enumerate(FACE_ORDER):
        if family.endswith(" " + tag) and "Mono" not in family:
            return rank
    return len(FACE_ORDER) + ("Mono" in family)


@lru_cache(maxsize=8)
def _pick(path: str) -> Source | None:
    """The best face of ``path`` that covers the probe characters, or None."""
    probe = {ord(c) for c in PROBE}
    try:
        for index, family in _faces(path):
            if probe <= _cmap(path, index):
                return Source(path, index, family)
    except Exception:
        log.warning("PDF fonts: cannot read %s", path, exc_info=True)
    return None


def _fc_match(pattern: str) -> str | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run(  # noqa: S603 - fontconfig's tool, a fixed argv
            [exe, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def reset() -> None:
    """Forget what was found (after a change of settings or installed fonts)."""
    find_source.cache_clear()
    covered.cache_clear()
    _pick.cache_clear()
    _cmap.cache_clear()
    _faces.cache_clear()


@lru_cache(maxsize=4)
def find_source(weight: str = "regular") -> Source | None:
    """The system CJK font of ``weight`` ("regular" or "bold"): ``SAFETY_PDF_FONT`` (or
    ``SAFETY_PDF_FONT_BOLD``) when set, else fontconfig's match for Noto Sans CJK SC, else
    the usual file locations. None when there is none."""
    from safety.settings import get_settings

    s = get_settings()
    configured = s.pdf_font_bold if weight == "bold" else s.pdf_font
    if configured:
        return _pick(configured) if os.path.isfile(configured) else None
    if weight == "bold" and s.pdf_font:
        return None  # a configured regular font: no bold guessed beside it
    style = ":style=Bold" if weight == "bold" else ""
    tried = []
    matched = _fc_match(f"Noto Sans CJK SC{style}")
    if matched:
        tried.append(matched)
    tried.extend(CANDIDATES[weight])
    for path in tried:
        if os.path.isfile(path):
            source = _pick(path)
            if source is not None:
                return source
    return None


def font_dir() -> Path:
    from safety.settings import get_settings

    s = get_settings()
    return Path(s.pdf_font_dir) if s.pdf_font_dir else s.data_dir / "fonts"


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join((BUILD_VERSION, *parts)).encode()).hexdigest()[:16]


def _to_truetype(font) -> None:  # font: a fontTools TTFont
    """CFF → TrueType outlines (cubic → quadratic curves, within 1 unit), in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and PDF viewers do not need them
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


def _cut(source: Source, unicodes: set[int] | frozenset[int], target: Path) -> None:
    """Write the glyphs of ``unicodes`` from ``source`` to ``target`` as TrueType."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source.path, fontNumber=source.index, lazy=True)
    options = subset.Options()
    options.layout_features = []  # horizontal CJK text needs no shaping features
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "BASE", "JSTF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".ttf")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _built(target: Path, build) -> Path:
    """``target`` after ``build(target)`` made it, once across processes (a lock file)."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            build(target)
    return target


def main_font(weight: str) -> Path | None:
    """The pre-subset TrueType font of ``weight``, built on first use. None without a
    system font of that weight."""
    source = find_source(weight)
    if source is None:
        return None
    name = f"{FAMILY}-{weight}-{_key(source.identity, 'gb2312+')}.ttf"

    def build(target: Path) -> None:
        log.info("PDF fonts: building %s from %s (once)", target.name, source.path)
        _cut(source, repertoire() & _cmap(source.path, source.index), target)

    return _built(font_dir() / name, build)


@lru_cache(maxsize=4)
def covered(weight: str = "regular") -> frozenset[int]:
    """The code points the main font of ``weight`` has (known without building it)."""
    source = find_source(weight)
    return frozenset() if source is None else repertoire() & _cmap(source.path, source.index)


def extra_fonts(chars: set[int]) -> list[Path]:
    """Small fonts for ``chars`` not in the main font: one per system face needed (SC
    first), cached on disk by their characters. Characters no face has are left to the
    system font at the end of the CSS stack (and so to WeasyPrint's own fallback)."""
    source = find_source("regular")
    if source is None:
        return []
    missing = {c for c in chars if c > 0x20} - covered("regular")
    if not missing:
        return []
    out = []
    for index, family in _faces(source.path):
        here = missing & _cmap(source.path, index)
        if not here:
            continue
        missing -= here
        face = Source(source.path, index, family)
        chars_key = ",".join(f"{c:x}" for c in sorted(here))
        name = f"{FAMILY}-extra-{_key(face.identity, chars_key)}.ttf"
        out.append(_built(font_dir() / name, lambda t, f=face, h=here: _cut(f, h, t)))
        if not missing:
            break
    return out
