"""Real image files for upload tests and the upload benchmark, made with Pillow."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image
from PIL.ExifTags import IFD, Base

# A position that must not leak: 36°40'N 117°0'E (Jinan).
GPS = {1: "N", 2: (36.0, 40.0, 0.0), 3: "E", 4: (117.0, 0.0, 0.0)}


def exif(
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: bool = False,
) -> Image.Exif:
    e = Image.Exif()
    e[Base.Make] = "TestPhone"
    if orientation:
        e[Base.Orientation] = orientation
    sub: dict[int, object] = {}
    if taken:
        sub[Base.DateTimeOriginal] = taken
    if offset:
        sub[Base.OffsetTimeOriginal] = offset
    if sub:
        e[IFD.Exif] = sub
    if gps:
        e[IFD.GPSInfo] = dict(GPS)
    return e


def picture(size: tuple[int, int] = (640, 480), mode: str = "RGB") -> Image.Image:
    """A picture whose top half is red and bottom half blue (so orientation shows)."""
    w, h = size
    img = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255))
    img.paste((30, 30, 200) if mode == "RGB" else (30, 30, 200, 255), (0, h // 2, w, h))
    return img


def encode(img: Image.Image, fmt: str, e: Image.Exif | None = None, **kw) -> bytes:
    out = io.BytesIO()
    if e is not None:
        kw["exif"] = e.tobytes()
    img.save(out, fmt, **kw)
    return out.getvalue()


def jpeg(size=(640, 480), **exif_kw) -> bytes:
    return encode(picture(size), "JPEG", exif(**exif_kw) if exif_kw else None, quality=90)


def png(size=(400, 300), **exif_kw) -> bytes:
    return encode(picture(size, "RGBA"), "PNG", exif(**exif_kw) if exif_kw else None)


def webp(size=(400, 300), **exif_kw) -> bytes:
    return encode(picture(size), "WEBP", exif(**exif_kw) if exif_kw else None, quality=80)


def phone_photo(size=(4000, 3000), target_bytes: int = 5 * 1024 * 1024) -> bytes:
    """A realistic phone JPEG: noisy (so it compresses like a photo, ~5 MB at 12 MP),
    rotated by EXIF (orientation 6, as a phone held upright writes it), with a capture
    time and a GPS position."""
    w, h = size
    base = Image.radial_gradient("L").resize(size).convert("RGB")
    noise = Image.frombytes("RGB", size, os.urandom(w * h * 3))
    img = Image.blend(base, noise, 0.35)
    e = exif(orientation=6, taken="2026:11:20 09:30:15", gps=True)
    best = b""
    for quality in (70, 80, 88, 94):
        best = encode(img, "JPEG", e, quality=quality)
        if len(best) >= target_bytes:
            break
    return best


def png_bomb(side: int = 20000) -> bytes:
    """A tiny PNG that claims ``side``×``side`` pixels of 1-bit black: a few KB on the wire,
    hundreds of MB once decoded."""
    raw_row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(raw_row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def png_deep(side: int, channels: int = 3, depth: int = 16) -> bytes:
    """A ``side``×``side`` PNG of ``channels`` (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) samples
    of ``depth`` bits: a horizontal gradient, every row after the first filtered "Up" (all
    zeros), so a picture of hundreds of MB decoded is a few hundred KB on the wire."""
    color = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    top = (1 << depth) - 1
    sample = ">H" if depth == 16 else ">B"
    row = b"".join(struct.pack(sample, x * top // max(1, side - 1)) * channels for x in range(side))
    compressor = zlib.compressobj(9)
    same = b"\x02" + bytes(len(row))
    data = compressor.compress(b"\x00" + row)
    data += b"".join(compressor.compress(same) for _ in range(side - 1)) + compressor.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + payload))
        return struct.pack(">I", len(payload)) + kind + payload + crc

    header = struct.pack(">IIBBBBB", side, side, depth, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
