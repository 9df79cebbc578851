"""Attachments' files: what an upload becomes before anything is stored.

Images are decoded within limits (core.images) and re-encoded as WebP, so no metadata survives
(EXIF and its GPS position, comments, ICC profiles): a full size at most FULL_SIDE pixels on its
longer side and a preview at most PREVIEW_SIDE, each with its width and height (the page keeps
their room while they load), a blurhash (for clients that draw one) and the average colour (the
page's own placeholder). Animated GIFs and WebPs stay animated.

Files are stored under names of 128 random bits, in Django's default storage (the filesystem, or
object storage through django-storages), and deleted with their post or their account.
"""

import io
import uuid
from dataclasses import dataclass, field

import blurhash
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, ImageSequence

from core.images import has_alpha, image_open, upright

IMAGE_MAX_BYTES = 16 * 1024 * 1024
FULL_SIDE = 4096
PREVIEW_SIDE = 800
MAX_IMAGES = 4
DESCRIPTION_MAX_LENGTH = 1500
IMAGE_TYPE = "image/webp"


@dataclass
class Prepared:
    """An upload turned into the files to store and what the page needs to know of them."""

    kind: str
    content_type: str
    extension: str
    full: bytes
    width: int | None = None
    height: int | None = None
    preview: bytes = b""
    preview_width: int | None = None
    preview_height: int | None = None
    blurhash: str = ""
    colour: str = ""
    animated: bool = False
    duration: float | None = None
    peaks: list[int] = field(default_factory=list)


def prepare(upload) -> Prepared:
    """An upload as the files to store, or ValidationError with a message for the person. Only
    pictures for now: the file's content decides, never its name or declared type."""
    return image_prepare(upload)


def image_prepare(upload) -> Prepared:
    """An uploaded picture as a full size and a preview, or ValidationError."""
    image = image_open(upload, max_bytes=IMAGE_MAX_BYTES)
    if getattr(image, "n_frames", 1) > 1:
        return _animation_prepare(image)
    still = upright(image)
    full = _fit(still, FULL_SIDE)
    preview = _fit(still, PREVIEW_SIDE)
    return Prepared(
        kind="image",
        content_type=IMAGE_TYPE,
        extension="webp",
        full=_webp(full),
        width=full.width,
        height=full.height,
        preview=_webp(preview),
        preview_width=preview.width,
        preview_height=preview.height,
        blurhash=_blurhash(still),
        colour=_colour(still),
    )


def _fit(image: Image.Image, side: int) -> Image.Image:
    if max(image.size) <= side:
        return image
    return ImageOps.contain(image, (side, side), method=Image.Resampling.LANCZOS)


def _webp(image: Image.Image) -> bytes:
    output = io.BytesIO()
    # No exif=, icc_profile= or other metadata arguments: only pixels are written.
    image.save(output, format="WEBP", quality=85, method=4)
    return output.getvalue()


def _animation_prepare(image: Image.Image) -> Prepared:
    frames, durations = [], []
    try:
        for frame in ImageSequence.Iterator(image):
            frames.append(frame.convert("RGBA" if has_alpha(frame) else "RGB"))
            durations.append(frame.info.get("duration", 100) or 100)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "That animation is damaged or incomplete. Try another file.", code="broken_image"
        ) from None
    loop = image.info.get("loop", 0)

    def animation(side: int) -> tuple[bytes, int, int]:
        sized = [_fit(frame, side) for frame in frames]
        output = io.BytesIO()
        sized[0].save(
            output,
            format="WEBP",
            save_all=True,
            append_images=sized[1:],
            duration=durations,
            loop=loop,
            quality=80,
            method=4,
        )
        return output.getvalue(), sized[0].width, sized[0].height

    full, width, height = animation(FULL_SIDE)
    preview, preview_width, preview_height = animation(PREVIEW_SIDE)
    first = frames[0].convert("RGB")
    return Prepared(
        kind="image",
        content_type=IMAGE_TYPE,
        extension="webp",
        full=full,
        width=width,
        height=height,
        preview=preview,
        preview_width=preview_width,
        preview_height=preview_height,
        blurhash=_blurhash(first),
        colour=_colour(first),
        animated=True,
    )


def _blurhash(image: Image.Image) -> str:
    # 4 x 3 components, as Mastodon makes them, from a 32 px thumbnail: the hash describes a
    # blur, so more pixels would change nothing but the time.
    small = ImageOps.contain(image.convert("RGB"), (32, 32))
    pixels = list(small.get_flattened_data())
    rows = [pixels[y * small.width : (y + 1) * small.width] for y in range(small.height)]
    return blurhash.encode(rows, components_x=4, components_y=3)


def _colour(image: Image.Image) -> str:
    red, green, blue = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    return f"#{red:02x}{green:02x}{blue:02x}"


def files_save(prepared: Prepared) -> tuple[str, str]:
    """Store an upload's files under a fresh random name; returns the storage names (full,
    preview; the preview's is "" when there is none)."""
    stem = uuid.uuid4().hex
    full = default_storage.save(
        f"attachments/{stem}.{prepared.extension}", ContentFile(prepared.full)
    )
    preview = ""
    if prepared.preview:
        preview = default_storage.save(
            f"attachments/{stem}_preview.{prepared.extension}", ContentFile(prepared.preview)
        )
    return full, preview


def files_delete(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
