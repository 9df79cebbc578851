"""Avatar images: checked and decoded within limits (core.images), re-encoded without metadata,
square-cropped."""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from core.images import image_open, upright

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 400
THUMBNAIL_SIZE = 96
OUTPUT_FORMAT = "WEBP"
OUTPUT_EXTENSION = "webp"


def avatar_images(upload) -> tuple[bytes, bytes]:
    """The 400 px and 96 px square WebP renditions of an uploaded file, or ValidationError."""
    image = upright(image_open(upload, max_bytes=MAX_UPLOAD_BYTES, draft=AVATAR_SIZE * 2))
    return _square(image, AVATAR_SIZE), _square(image, THUMBNAIL_SIZE)


def _square(image: Image.Image, size: int) -> bytes:
    square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    # No exif=, icc_profile= or other metadata arguments: only pixels are written.
    square.save(output, format=OUTPUT_FORMAT, quality=85, method=4)
    return output.getvalue()


def avatar_files_save(*, avatar: bytes, thumbnail: bytes) -> tuple[str, str]:
    """Store the two renditions under fresh random names; returns the storage names.

    Names are 128 random bits, so they cannot collide with or be guessed into another person's.
    """
    stem = uuid.uuid4().hex
    avatar_name = default_storage.save(f"avatars/{stem}.{OUTPUT_EXTENSION}", ContentFile(avatar))
    thumbnail_name = default_storage.save(
        f"avatars/{stem}_{THUMBNAIL_SIZE}.{OUTPUT_EXTENSION}", ContentFile(thumbnail)
    )
    return avatar_name, thumbnail_name


def avatar_files_delete(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
