"""Uploaded images, decoded within limits: the one place that decides what an upload may be.

Nothing a person uploads is stored as sent. Pillow decodes the file (which proves it is an image of
an allowed format, whatever its name or the browser's content type say), and only freshly encoded
pixels are written by the callers (avatars, post attachments), so EXIF (location!), ICC profiles,
comments and anything smuggled after the image data are gone.
"""

import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 10_000  # pixels, either side
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb or a mistake
MAX_FRAME_PIXELS = 200_000_000  # all frames of an animation together
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def image_open(upload, *, max_bytes: int, draft: int | None = None) -> Image.Image:
    """The upload decoded (its first frame loaded; JPEGs at a reduced scale when `draft` is given,
    a size the caller needs no more than), or ValidationError with a message for the person."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"That file is larger than {max_bytes // (1024 * 1024)} MB. Choose a smaller image.",
            code="file_too_large",
        )
    upload.seek(0)
    # Pillow warns above Image.MAX_IMAGE_PIXELS and raises at twice that; a warning is as good
    # as a refusal here, so it becomes one.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                "That file is not a JPEG, PNG, WebP or GIF image.", code="not_an_image"
            ) from None
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise too_many_pixels()
        if width * height * getattr(image, "n_frames", 1) > MAX_FRAME_PIXELS:
            raise ValidationError(
                "That animation has too many frames for its size.", code="too_many_frames"
            )
        if draft and image.format == "JPEG":
            image.draft("RGB", (draft, draft))
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels() from None
        except (OSError, SyntaxError, ValueError):
            raise broken_image() from None
    return image


def upright(image: Image.Image) -> Image.Image:
    """The frame turned as its EXIF orientation says (the tag itself is not kept), in RGB or
    RGBA."""
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError):
        raise broken_image() from None
    return image.convert("RGBA" if has_alpha(image) else "RGB")


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def too_many_pixels() -> ValidationError:
    return ValidationError(
        f"That image is too large: at most {MAX_SIDE} pixels a side and "
        f"{MAX_PIXELS // 1_000_000} megapixels.",
        code="too_many_pixels",
    )


def broken_image() -> ValidationError:
    return ValidationError(
        "That image is damaged or incomplete. Try another file.", code="broken_image"
    )
