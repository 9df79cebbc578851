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

import av
import blurhash
import mutagen
import mutagen.flac
import mutagen.mp3
import mutagen.mp4
import mutagen.oggopus
import mutagen.oggvorbis
import mutagen.wave
import numpy
from django.core import signing
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
# How long a grant to an attachment's files lasts (`grant_for`).
GRANT_MAX_AGE = 7 * 24 * 3600
_GRANT_SALT = "posts.attachment.grant"


def grant_for(attachment_id: int) -> str:
    """A signed token letting whoever holds it fetch attachment `attachment_id`'s files for
    GRANT_MAX_AGE, while its post may still be read (posts.views.attachment). For apps: they
    load pictures without the session cookie that tells the pages who is looking, so the
    client API hands the token to those who may see the post, beside the file's address."""
    return signing.TimestampSigner(salt=_GRANT_SALT).sign(str(attachment_id))


def grant_valid(attachment_id: int, grant: str) -> bool:
    try:
        value = signing.TimestampSigner(salt=_GRANT_SALT).unsign(grant, max_age=GRANT_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == str(attachment_id)


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
    """An upload as the files to store, or ValidationError with a message for the person. The
    file's content decides what it is, never its name or the type the browser declared: a
    sound clip if mutagen recognises one of the audio formats in it, else a picture."""
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if audio_format(head) is not None:
        return audio_prepare(upload)
    try:
        return image_prepare(upload)
    except ValidationError as error:
        if error.code == "not_an_image":
            raise ValidationError(
                "That file is not a picture (JPEG, PNG, WebP or GIF) or a sound clip (MP3, "
                "Ogg/Opus, WAV, FLAC or M4A).",
                code="not_media",
            ) from None
        raise


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


# --- sound clips ---------------------------------------------------------------------------------

AUDIO_MAX_BYTES = 40 * 1024 * 1024
AUDIO_MAX_SECONDS = 600
PEAKS = 100
# mutagen's name for what it found -> (the type the file is served as, its extension). WAV is
# re-encoded as FLAC (lossless; RIFF chunks can carry names and notes mutagen cannot remove).
AUDIO_FORMATS = {
    "MP3": ("audio/mpeg", "mp3"),
    "OggOpus": ("audio/ogg", "opus"),
    "OggVorbis": ("audio/ogg", "ogg"),
    "FLAC": ("audio/flac", "flac"),
    "WAVE": ("audio/flac", "flac"),
    "MP4": ("audio/mp4", "m4a"),
}


def audio_format(head: bytes) -> str | None:
    """mutagen's name for the audio format whose header starts `head`, or None. By content
    alone: no file name is given, so a renamed file is what its bytes say."""
    scores = {kind: _score(kind, head) for kind in AUDIO_FORMATS}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else None


def _score(kind: str, head: bytes) -> int:
    module = {
        "MP3": mutagen.mp3.MP3,
        "OggOpus": mutagen.oggopus.OggOpus,
        "OggVorbis": mutagen.oggvorbis.OggVorbis,
        "FLAC": mutagen.flac.FLAC,
        "WAVE": mutagen.wave.WAVE,
        "MP4": mutagen.mp4.MP4,
    }[kind]
    return module.score("", None, head)


def audio_prepare(upload) -> Prepared:
    """A sound clip, checked twice by real parsers (mutagen reads its headers and tags, FFmpeg
    through PyAV decodes every sample), its tags stripped (ID3 and Vorbis comments can hold
    names, notes and pictures), its duration and waveform peaks read."""
    if upload.size > AUDIO_MAX_BYTES:
        raise ValidationError(
            "That sound clip is larger than 40 MB. Choose a shorter or smaller file.",
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read()
    kind = audio_format(data[: 64 * 1024])
    if kind is None:
        raise _not_audio()
    content_type, extension = AUDIO_FORMATS[kind]
    duration, peaks, flac = _decode(data, to_flac=kind == "WAVE")
    if kind == "WAVE":
        data = flac
    data = _strip_tags(data)
    return Prepared(
        kind="audio",
        content_type=content_type,
        extension=extension,
        full=data,
        duration=round(duration, 3),
        peaks=peaks,
    )


def _not_audio() -> ValidationError:
    return ValidationError(
        "That sound clip is damaged, or not MP3, Ogg/Opus, WAV, FLAC or M4A.", code="not_audio"
    )


def _decode(data: bytes, *, to_flac: bool) -> tuple[float, list[int], bytes]:
    """Decode every sample: (seconds, PEAKS loudness values 0-100, the clip as FLAC if asked).
    Refuses a file with pictures in motion (a video) or none of sound, one that does not decode,
    and one longer than AUDIO_MAX_SECONDS (found as soon as decoding passes it)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as source:
            streams = source.streams
            if any(
                not (stream.disposition & av.stream.Disposition.attached_pic)
                for stream in streams.video
            ):
                raise ValidationError(
                    "Videos are not supported: attach a sound clip or pictures.", code="video"
                )
            if not streams.audio:
                raise _not_audio()
            audio = streams.audio[0]
            rate = audio.codec_context.sample_rate or audio.rate
            output = encoder = None
            flac = io.BytesIO()
            if to_flac:
                output = av.open(flac, mode="w", format="flac")
                encoder = output.add_stream("flac", rate=rate, layout=audio.codec_context.layout)
                resampler = av.AudioResampler(format="s16", layout=audio.codec_context.layout)
            blocks, samples = [], 0
            for frame in source.decode(audio):
                blocks.append(_loudness(frame, max(1, rate // 1000)))
                samples += frame.samples
                if samples > AUDIO_MAX_SECONDS * rate:
                    raise ValidationError(
                        "That sound clip is longer than 10 minutes.", code="too_long"
                    )
                if encoder is not None:
                    for converted in resampler.resample(frame):
                        output.mux(encoder.encode(converted))
            if encoder is not None:
                output.mux(encoder.encode(None))
                output.close()
    except av.FFmpegError:
        raise _not_audio() from None
    if samples == 0:
        raise _not_audio()
    return samples / rate, _slices(numpy.concatenate(blocks)), flac.getvalue()


def _loudness(frame, block: int) -> numpy.ndarray:
    """The frame's loudest sample (0 to 1, any channel) in each `block` samples."""
    values = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if not frame.format.is_planar:
        values = values.reshape(-1, channels).T  # interleaved: one row a channel
    loudness = numpy.abs(values.astype(numpy.float32)).max(axis=0)
    if values.dtype.kind in "iu":
        loudness /= float(numpy.iinfo(values.dtype).max)
    padded = numpy.zeros(-(-len(loudness) // block) * block, dtype=numpy.float32)
    padded[: len(loudness)] = loudness
    return padded.reshape(-1, block).max(axis=1)


def _slices(blocks: numpy.ndarray) -> list[int]:
    """PEAKS even slices of the clip, each its loudest moment, scaled to the clip's loudest
    (100), so a quiet recording still draws a waveform."""
    slices = [float(part.max()) if part.size else 0.0 for part in numpy.array_split(blocks, PEAKS)]
    top = max(slices) or 1.0
    return [round(100 * min(1.0, value) / top) for value in slices]


def _strip_tags(data: bytes) -> bytes:
    """The clip without its tags (ID3, APE, Vorbis comments, MP4 atoms) and embedded pictures;
    the sound itself untouched."""
    buffer = io.BytesIO(data)
    try:
        found = mutagen.File(buffer)
        if found is None:
            raise _not_audio()
        # mutagen reads and writes a file object from where it stands: each step starts over.
        if isinstance(found, mutagen.flac.FLAC):
            found.clear_pictures()
            buffer.seek(0)
            found.save(buffer)
        if found.tags is not None:
            buffer.seek(0)
            found.delete(buffer)
    except mutagen.MutagenError:
        raise _not_audio() from None
    return buffer.getvalue()


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
