"""Avatar images: checked, decoded within limits, re-encoded without metadata, square-cropped.

Nothing a person uploads is stored as sent. The upload is decoded by Pillow (which proves it is an
image of an allowed format), and only freshly encoded pixels are written, so EXIF (location!),
ICC profiles, comments and anything smuggled after the image data are gone.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 10_000  # pixels, either side
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb or a mistake
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
AVATAR_SIZE = 400
THUMBNAIL_SIZE = 96
OUTPUT_FORMAT = "WEBP"
OUTPUT_EXTENSION = "webp"


def avatar_images(upload) -> tuple[bytes, bytes]:
    """The 400 px and 96 px square WebP renditions of an uploaded file, or ValidationError."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "That file is larger than 5 MB. Choose a smaller image.", code="file_too_large"
        )
    upload.seek(0)
    # Pillow warns above Image.MAX_IMAGE_PIXELS and raises at twice that; a warning is as good
    # as a refusal here, so it becomes one.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                "That file is not a JPEG, PNG, WebP or GIF image.", code="not_an_image"
            ) from None
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise _too_many_pixels()
        if image.format == "JPEG":
            # Decode big JPEGs at a reduced scale straight away: less memory, same result.
            image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))
        try:
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(
                "That image is damaged or incomplete. Try another file.", code="broken_image"
            ) from None
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    return _square(image, AVATAR_SIZE), _square(image, THUMBNAIL_SIZE)


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        f"That image is too large: at most {MAX_SIDE} pixels a side and "
        f"{MAX_PIXELS // 1_000_000} megapixels.",
        code="too_many_pixels",
    )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


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
