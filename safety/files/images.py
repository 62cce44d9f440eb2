"""Image processing for uploads (synchronous, CPU-bound: ``safety.files.store`` runs it in a worker
thread). Pillow releases the GIL while it decodes, resizes and encodes, so the event loop
keeps answering meanwhile.

- The type is sniffed from the bytes (JPEG, PNG, WebP); the name and Content-Type header
  of the upload are never trusted.
- A decompression bomb is refused from its header (width × height over the limit) before
  a single pixel is decoded; Pillow's own bomb check is a second net.
- So is an image that would cost too much to decode though under the pixel cap (a
  7071×7071 16-bit PNG: 300 MB of samples, seconds of work): the decoding budget is
  width × height × bytes per pixel as decoded (bands of the mode, × 2 for a 16-bit PNG;
  a JPEG counted at the reduced scale it is decoded at), from the header
  (``SAFETY_MAX_IMAGE_DECODE_MB``).
- ``check`` does all that reads only the header and metadata (type, limits, capture time,
  GPS removal, the stored original's sha256, the displayed size); ``variants`` is the pixel
  work. ``safety.files.store`` skips the latter when the original is already stored.
- The display copy (≤ 1600 px), the print copy (≤ 720 px: what printed documents embed
  as it is, ``safety.reports``) and the thumbnail (≤ 320 px) are JPEGs with the EXIF
  orientation applied; transparency (a drawn signature) is flattened onto white. JPEGs are
  decoded at a reduced scale (libjpeg's DCT scaling, ``draft``), which is what keeps a 12 MP
  phone photo fast.
- The stored original is the uploaded bytes, byte for byte, except that its GPS position is
  removed (unless kept by setting; ``safety.files.gps``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from PIL.ExifTags import IFD, Base

from safety.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from safety.files.gps import without_gps

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


@dataclass(frozen=True)
class Checked:
    """What the header and metadata tell, no pixel decoded."""

    content_type: str
    original: bytes  # what is stored: the upload, GPS removed unless kept
    sha256: str  # of ``original``: its name on disk
    width: int  # as displayed (orientation applied)
    height: int
    captured_at: dt.datetime | None


@dataclass(frozen=True)
class Variants:
    display: bytes
    print_copy: bytes
    thumbnail: bytes


@dataclass(frozen=True)
class Processed(Checked):
    display: bytes
    print_copy: bytes
    thumbnail: bytes


def process(
    data: bytes,
    *,
    keep_gps: bool,
    max_pixels: int,
    timezone: str,
    max_decode_bytes: int | None = None,
) -> Processed:
    """Check and prepare one upload (``check`` then ``variants``)."""
    checked = check(
        data,
        keep_gps=keep_gps,
        max_pixels=max_pixels,
        timezone=timezone,
        max_decode_bytes=max_decode_bytes,
    )
    made = variants(checked.original)
    return Processed(
        **{k: getattr(checked, k) for k in Checked.__dataclass_fields__},
        display=made.display,
        print_copy=made.print_copy,
        thumbnail=made.thumbnail,
    )


def check(
    data: bytes,
    *,
    keep_gps: bool,
    max_pixels: int,
    timezone: str,
    max_decode_bytes: int | None = None,
) -> Checked:
    """Check one upload from its header and metadata; raises 400 (empty, truncated,
    corrupt header), 413 (too many pixels, over the decoding budget) or 415 (not a
    JPEG/PNG/WebP). Cheap: no pixel is decoded."""
    with _open(data) as img:
        width, height = img.size
        if width * height > max_pixels:
            raise _bomb(f"图片为 {width}×{height} 像素，超过上限 {max_pixels} 像素")
        if max_decode_bytes is not None and decoded_bytes(img, data) > max_decode_bytes:
            raise too_costly(max_decode_bytes)
        fmt = img.format or "JPEG"
        exif = _exif(img)
        original = data if keep_gps else without_gps(data, fmt, exif)
        turned = exif.get(Base.Orientation) in (5, 6, 7, 8)
        return Checked(
            content_type=CONTENT_TYPES[fmt],
            original=original,
            sha256=hashlib.sha256(original).hexdigest(),
            width=height if turned else width,
            height=width if turned else height,
            captured_at=_captured_at(exif, timezone),
        )


def variants(data: bytes) -> Variants:
    """The display, print and thumbnail JPEGs of an image ``check`` accepted."""
    with _open(data) as img:
        display, print_copy, thumbnail = _derivatives(img)
    return Variants(display=display, print_copy=print_copy, thumbnail=thumbnail)


def decoded_bytes(img: Image.Image, data: bytes) -> int:
    """The bytes the image decodes to, from its header: the bands of its mode (one byte
    each, two for a 16-bit PNG), a JPEG at the 1/2–1/8 scale ``_derivatives`` decodes it
    at (its cost follows that, not the full size)."""
    per_pixel = len(img.getbands())
    if img.format == "PNG" and len(data) > 24 and data[24] == 16:  # IHDR bit depth
        per_pixel *= 2
    width, height = _draft_size(img)
    return width * height * per_pixel


def _draft_request(img: Image.Image) -> tuple[int, int] | None:
    """The size to ask a JPEG's decoder for (``Image.draft``), None for full size."""
    ratio = DISPLAY_PX / max(img.size)
    if img.format not in ("JPEG", "MPO") or ratio >= 1:
        return None
    return max(1, int(img.size[0] * ratio)), max(1, int(img.size[1] * ratio))


def _draft_size(img: Image.Image) -> tuple[int, int]:
    """The size an image is decoded at: a JPEG at the 1/1, 1/2, 1/4 or 1/8 scale that
    ``Image.draft`` picks for ``_draft_request`` (its rule, computed without decoding);
    other formats at full size."""
    width, height = img.size
    request = _draft_request(img)
    if request is None:
        return width, height
    fits = min(width // request[0], height // request[1])
    scale = next(s for s in (8, 4, 2, 1) if fits >= s)
    return (width + scale - 1) // scale, (height + scale - 1) // scale


def _open(data: bytes) -> Image.Image:
    """The image's header read (nothing decoded yet), or the upload's 400/413/415."""
    if not data:
        raise ValidationFailed.field("file", "文件为空")
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import (its images
    # may be cut); an upload must be whole, so this process decodes strictly. Nothing sets
    # it back: WeasyPrint does so only once, when first imported (safety.reports).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise UnsupportedMediaType(
            "只接受 JPEG、PNG 或 WebP 图片",
            [{"key": "file", "message": "不是 JPEG、PNG 或 WebP 图片"}],
        ) from None
    except Image.DecompressionBombError:
        raise _bomb("图片像素超过解码器的安全上限") from None
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise _corrupt(exc) from None


def too_costly(max_decode_bytes: int) -> PayloadTooLarge:
    mb = max_decode_bytes // (1024 * 1024)
    # English: the catalogue's template (safety.error_messages), the number read back.
    message = f"图片尺寸或色深过大（解码超过 {mb} MB），请缩小尺寸或另存为 JPEG 后重新上传"
    return PayloadTooLarge(message, [{"key": "file", "message": message}])


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


def _derivatives(img: Image.Image) -> tuple[bytes, bytes, bytes]:
    """Display, print and thumbnail JPEGs. Shrunk first, then turned upright (the boxes
    are square, so the order does not change the result, and turning the small image is
    cheaper); each copy from the one before."""
    request = _draft_request(img)
    if request is not None:  # decode at 1/2, 1/4 or 1/8 scale if that covers the display
        img.draft("RGB", request)
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
    return display, print_copy, thumbnail


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
        naive = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - EXIF has no zone: given one below
    except ValueError:
        return None
    offset = sub.get(Base.OffsetTimeOriginal)
    if isinstance(offset, str):
        try:
            return dt.datetime.fromisoformat(naive.isoformat() + offset.strip("\x00 "))
        except ValueError:
            pass
    return naive.replace(tzinfo=ZoneInfo(timezone))
