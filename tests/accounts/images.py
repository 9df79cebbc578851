"""Real image files for upload tests, made with Pillow (and one hand-made hostile PNG)."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def image_bytes(fmt="PNG", size=(640, 480), colour=(200, 40, 40), **save_args) -> bytes:
    mode = "P" if fmt == "GIF" else "RGB"
    image = Image.new("RGB", size, colour)
    if mode == "P":
        image = image.convert("P")
    output = io.BytesIO()
    image.save(output, format=fmt, **save_args)
    return output.getvalue()


def upload(data: bytes, name="avatar.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def image_upload(fmt="PNG", size=(640, 480), **save_args) -> SimpleUploadedFile:
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return upload(image_bytes(fmt, size, **save_args), f"me.{extension}", CONTENT_TYPES[fmt])


def jpeg_with_gps_exif() -> bytes:
    """A JPEG whose EXIF says where it was taken, as phone photos do."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    exif[0x8825] = gps  # GPSInfo
    return image_bytes("JPEG", exif=exif.tobytes())


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
