"""GPS removal from an uploaded image's original (``safety.files.images.check``): the EXIF block
is rewritten without the GPS directory inside the file's container (JPEG segment, PNG
chunk, WebP chunk), so the picture itself is never re-encoded. XMP packets that mention
GPS are dropped too."""

from __future__ import annotations

import struct
import zlib

from PIL import Image
from PIL.ExifTags import IFD, Base

_XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"


def without_gps(data: bytes, fmt: str, exif: Image.Exif) -> bytes:
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
