"""Image processing for uploads (synchronous, CPU-bound: ``safety.files`` runs it in a worker
thread). Pillow releases the GIL while it decodes, resizes and encodes, so the event loop
keeps answering meanwhile.

- The type is sniffed from the bytes (JPEG, PNG, WebP); the name and Content-Type header
  of the upload are never trusted.
- A decompression bomb is refused from its header (width × height over the limit) before
  a single pixel is decoded; Pillow's own bomb check is a second net.
- The display copy (≤ 1600 px), the print copy (≤ 720 px: what printed documents embed
  as it is, ``safety.reports``) and the thumbnail (≤ 320 px) are JPEGs with the EXIF
  orientation applied; transparency (a drawn signature) is flattened onto white. JPEGs are
  decoded at a reduced scale (libjpeg's DCT scaling, ``draft``), which is what keeps a 12 MP
  phone photo fast.
- The stored original is the uploaded bytes, byte for byte, except that its GPS position is
  removed (unless kept by setting): the EXIF block is rewritten without the GPS directory
  inside the file's container (JPEG segment, PNG chunk, WebP chunk), so the picture itself
  is never re-encoded. XMP packets that mention GPS are dropped too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from PIL.ExifTags import IFD, Base

from safety.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

FORMATS = ("JPEG", "PNG", "WEBP")
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # a phone JPEG with a depth map or preview (Multi-Picture Object)
    "PNG": "image/png",
    "WEBP": "image/webp",
}
DISPLAY_PX = 1600
PRINT_PX = 720  # ~85 mm at ~215 dpi: two photos per row on A4
PRINT_QUALITY = 75
THUMBNAIL_PX = 320
JPEG_QUALITY = 82
_XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"


@dataclass(frozen=True)
class Processed:
    content_type: str
    original: bytes  # what is stored: the upload, GPS removed unless kept
    sha256: str  # of ``original``: its name on disk
    display: bytes
    print_copy: bytes
    thumbnail: bytes
    width: int  # as displayed (orientation applied)
    height: int
    captured_at: dt.datetime | None


def process(data: bytes, *, keep_gps: bool, max_pixels: int, timezone: str) -> Processed:
    """Check and prepare one upload; raises 400 (empty, truncated, corrupt), 413 (too
    many pixels) or 415 (not a JPEG/PNG/WebP)."""
    if not data:
        raise ValidationFailed.field("file", "文件为空")
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import (its images
    # may be cut); an upload must be whole, so this process decodes strictly. Nothing sets
    # it back: WeasyPrint does so only once, when first imported (safety.reports).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        img = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise UnsupportedMediaType(
            "只接受 JPEG、PNG 或 WebP 图片",
            [{"key": "file", "message": "不是 JPEG、PNG 或 WebP 图片"}],
        ) from None
    except Image.DecompressionBombError:
        raise _bomb("图片像素超过解码器的安全上限") from None
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise _corrupt(exc) from None
    with img:
        width, height = img.size
        if width * height > max_pixels:
            raise _bomb(f"图片为 {width}×{height} 像素，超过上限 {max_pixels} 像素")
        content_type = CONTENT_TYPES[img.format or "JPEG"]
        exif = _exif(img)
        captured_at = _captured_at(exif, timezone)
        display, print_copy, thumbnail, size = _derivatives(img)
        original = data if keep_gps else _without_gps(data, img.format or "JPEG", exif)
    return Processed(
        content_type=content_type,
        original=original,
        sha256=hashlib.sha256(original).hexdigest(),
        display=display,
        print_copy=print_copy,
        thumbnail=thumbnail,
        width=size[0],
        height=size[1],
        captured_at=captured_at,
    )


def _bomb(why: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        "图片像素过多，疑似解压炸弹",
        [{"key": "file", "message": why}],
    )


def _corrupt(exc: BaseException) -> ValidationFailed:
    del exc  # the decoder's own words are English only: the message names the fault
    return ValidationFailed.field("file", "图片不完整或已损坏")


def _exif(img: Image.Image) -> Image.Exif:
    try:
        return img.getexif()
    except Exception:  # noqa: BLE001 - a broken EXIF block is no reason to refuse the picture
        return Image.Exif()


def _derivatives(img: Image.Image) -> tuple[bytes, bytes, bytes, tuple[int, int]]:
    """(display, print and thumbnail JPEGs, displayed size of the original). Shrunk
    first, then turned upright (the boxes are square, so the order does not change the
    result, and turning the small image is cheaper); each copy from the one before."""
    full = img.size
    orientation = _exif(img).get(Base.Orientation)
    if img.format in ("JPEG", "MPO"):
        # Decode at 1/2, 1/4 or 1/8 scale when that still covers the display size.
        ratio = DISPLAY_PX / max(full)
        if ratio < 1:
            img.draft("RGB", (max(1, int(full[0] * ratio)), max(1, int(full[1] * ratio))))
    try:
        img.load()
        img.thumbnail((DISPLAY_PX, DISPLAY_PX), Image.Resampling.BICUBIC, reducing_gap=2.0)
        flat = _flatten(ImageOps.exif_transpose(img))
        display = _jpeg(flat)
        # halved by box averaging first (1600 → 800 → 720 px): half the cost, as sharp
        flat.thumbnail((PRINT_PX, PRINT_PX), Image.Resampling.BICUBIC, reducing_gap=1.0)
        print_copy = _jpeg(flat, PRINT_QUALITY, optimize=True)
        flat.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.BICUBIC, reducing_gap=2.0)
        thumbnail = _jpeg(flat)
    except Image.DecompressionBombError:
        raise _bomb("图片像素超过解码器的安全上限") from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise _corrupt(exc) from None
    size = (full[1], full[0]) if orientation in (5, 6, 7, 8) else full
    return display, print_copy, thumbnail, size


def _flatten(img: Image.Image) -> Image.Image:
    """RGB; transparent parts become white (a signature drawn on a transparent canvas)."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return img.convert("RGB") if img.mode != "RGB" else img.copy()


def _jpeg(img: Image.Image, quality: int = JPEG_QUALITY, optimize: bool = False) -> bytes:
    out = io.BytesIO()
    # baseline, not progressive: a quarter of the cost
    img.save(out, "JPEG", quality=quality, optimize=optimize)
    return out.getvalue()


# ---------------------------------------------------------------- capture time


def _captured_at(exif: Image.Exif, timezone: str) -> dt.datetime | None:
    """EXIF DateTimeOriginal, with its OffsetTimeOriginal when the camera wrote one, else
    read as a time in the configured time zone (phones write local time)."""
    try:
        sub = exif.get_ifd(IFD.Exif)
    except Exception:  # noqa: BLE001
        return None
    raw = sub.get(Base.DateTimeOriginal) or sub.get(Base.DateTimeDigitized)
    if not isinstance(raw, str):
        return None
    try:
        naive = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(Base.OffsetTimeOriginal)
    if isinstance(offset, str):
        try:
            return dt.datetime.fromisoformat(naive.isoformat() + offset.strip("\x00 "))
        except ValueError:
            pass
    return naive.replace(tzinfo=ZoneInfo(timezone))


# ---------------------------------------------------------------- GPS removal


def _without_gps(data: bytes, fmt: str, exif: Image.Exif) -> bytes:
    has_gps = IFD.GPSInfo in exif
    if not has_gps and b"GPS" not in data[:262144]:
        return data  # no GPS directory and no XMP mentioning GPS near the start
    tiff = _exif_without_gps(exif) if has_gps else None
    if fmt in ("JPEG", "MPO"):
        return _jpeg_replace_exif(data, tiff)
    if fmt == "PNG":
        return _png_replace_exif(data, tiff)
    return _webp_replace_exif(data, tiff)


def _exif_without_gps(exif: Image.Exif) -> bytes:
    """The EXIF block (TIFF bytes, no ``Exif\\0\\0`` header) minus the GPS directory.
    Should Pillow fail to write the block back, only orientation and capture time are
    kept: losing a maker note is better than leaking a position."""
    try:
        exif.get_ifd(IFD.Exif)  # loaded, so it is written back
        del exif[IFD.GPSInfo]
        return exif.tobytes()[6:]
    except Exception:  # noqa: BLE001
        minimal = Image.Exif()
        for tag in (Base.Orientation, Base.DateTime):
            if tag in exif:
                minimal[tag] = exif[tag]
        return minimal.tobytes()[6:]


def _jpeg_replace_exif(data: bytes, tiff: bytes | None) -> bytes:
    """Rewrite the APP1 Exif segment (and drop XMP packets mentioning GPS); the scan data
    after SOS is copied untouched."""
    out = bytearray(data[:2])
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or not 0xC0 <= marker <= 0xFE:  # start of scan: the rest verbatim
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos : pos + 2 + length]
        body = segment[4:]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            if tiff is not None:
                block = b"Exif\x00\x00" + tiff
                if len(block) + 2 <= 0xFFFF:
                    segment = b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block
                else:
                    segment = b""
        elif marker == 0xE1 and body.startswith(_XMP_JPEG) and b"GPS" in body:
            segment = b""
        out += segment
        pos += 2 + length
    out += data[pos:]
    return bytes(out)


def _png_replace_exif(data: bytes, tiff: bytes | None) -> bytes:
    out = bytearray(data[:8])
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        payload = chunk[8:-4]
        if kind == b"eXIf" and tiff is not None:
            chunk = struct.pack(">I", len(tiff)) + b"eXIf" + tiff
            chunk += struct.pack(">I", zlib.crc32(b"eXIf" + tiff))
        elif kind in (b"tEXt", b"zTXt", b"iTXt") and _png_text_mentions_position(kind, payload):
            chunk = b""
        out += chunk
        pos += 12 + length
        if kind == b"IEND":
            break
    return bytes(out)


def _png_text_mentions_position(kind: bytes, payload: bytes) -> bool:
    keyword = payload.split(b"\x00", 1)[0].lower()
    if b"exif" in keyword:  # ImageMagick's "Raw profile type exif" carries the whole block
        return True
    if kind == b"zTXt":
        try:
            payload = zlib.decompress(payload.split(b"\x00", 1)[1][1:])
        except (zlib.error, IndexError):
            return False
    return b"GPS" in payload


def _webp_replace_exif(data: bytes, tiff: bytes | None) -> bytes:
    chunks = bytearray()
    pos = 12
    vp8x_at = -1
    dropped_xmp = False
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        padded = length + (length & 1)
        chunk = data[pos : pos + 8 + padded]
        payload = chunk[8 : 8 + length]
        if kind == b"VP8X":
            vp8x_at = len(chunks)
        if kind == b"EXIF" and tiff is not None:
            chunk = b"EXIF" + struct.pack("<I", len(tiff)) + tiff + (b"\x00" * (len(tiff) & 1))
        elif kind == b"XMP " and b"GPS" in payload:
            chunk = b""
            dropped_xmp = True
        chunks += chunk
        pos += 8 + padded
    if dropped_xmp and vp8x_at >= 0:
        chunks[vp8x_at + 8] &= ~0x04 & 0xFF  # the "has XMP" flag
    return b"RIFF" + struct.pack("<I", len(chunks) + 4) + b"WEBP" + bytes(chunks)
