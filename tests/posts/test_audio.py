"""Sound clips, with real files (encoded by FFmpeg's own encoders, tagged by mutagen): the
formats people send are taken, checked by decoding every sample, their tags and pictures
stripped, WAV kept lossless as FLAC; the rest refused with a message; a post holds one clip
alone; the card shows a player under the clip's waveform, and the player can seek (206)."""

import io
import re

import av
import mutagen
import pytest
from django.core.exceptions import ValidationError

from posts import media, services
from tests.accounts.images import image_upload, upload
from tests.factories import UserFactory
from tests.posts import sounds

pytestmark = pytest.mark.django_db


def clip(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return upload(data, name, content_type)


@pytest.mark.parametrize(
    ("make", "name", "content_type", "extension"),
    [
        (sounds.mp3_with_tags, "reel4.mp3", "audio/mpeg", "mp3"),
        (sounds.wav_bytes, "room tone.wav", "audio/flac", "flac"),
        (sounds.flac_with_tags, "foley.flac", "audio/flac", "flac"),
        (lambda: sounds.encoded("libopus", "ogg", rate=48_000), "memo.opus", "audio/ogg", "opus"),
        (lambda: sounds.encoded("aac", "ipod"), "bounce.m4a", "audio/mp4", "m4a"),
    ],
)
def test_each_format_is_taken_and_keeps_no_tags(make, name, content_type, extension):
    prepared = media.prepare(clip(make(), name))

    assert (prepared.kind, prepared.content_type, prepared.extension) == (
        "audio",
        content_type,
        extension,
    )
    assert prepared.duration == pytest.approx(2.0, abs=0.05)
    stored = mutagen.File(io.BytesIO(prepared.full))
    assert not stored.tags
    assert not getattr(stored, "pictures", [])
    # Loud in the first half, quiet in the second, as the tone was made.
    assert len(prepared.peaks) == 100
    assert min(prepared.peaks[10:45]) > 90
    assert max(prepared.peaks[55:95]) < 35


def test_an_mp3_loses_its_names_comment_and_picture_and_keeps_its_sound():
    original = sounds.mp3_with_tags()
    tags = mutagen.File(io.BytesIO(original)).tags
    assert "Maya Lindqvist" in str(tags["TPE1"]) and tags.getall("APIC")

    prepared = media.prepare(clip(original, "reel4.mp3", "audio/mpeg"))

    assert b"Maya Lindqvist" not in prepared.full
    assert b"1234567" not in prepared.full
    assert b"\xff\xd8\xff" not in prepared.full  # no JPEG inside any more
    assert mutagen.File(io.BytesIO(prepared.full)).info.length == pytest.approx(2.0, abs=0.05)


def test_the_name_does_not_decide():
    renamed = media.prepare(clip(sounds.wav_bytes(), "photo.jpg", "image/jpeg"))
    assert renamed.kind == "audio"

    with pytest.raises(ValidationError) as refused:
        media.prepare(clip(b"ID3 not really an mp3 at all\n" * 40, "song.mp3", "audio/mpeg"))
    assert "damaged, or not MP3, Ogg/Opus, WAV, FLAC or M4A" in refused.value.messages[0]


def test_a_clip_over_10_minutes_or_40_mb_is_refused():
    long = sounds.encoded("libmp3lame", "mp3", seconds=601)
    with pytest.raises(ValidationError, match="longer than 10 minutes"):
        media.prepare(clip(long, "set.mp3"))

    big = clip(b"ID3" + b"\x00" * (40 * 1024 * 1024), "huge.mp3")
    with pytest.raises(ValidationError, match="larger than 40 MB"):
        media.prepare(big)


def test_a_video_is_refused():
    output = io.BytesIO()
    with av.open(output, mode="w", format="mp4") as target:
        stream = target.add_stream("mpeg4", rate=10)
        stream.width, stream.height = 64, 48
        for _ in range(5):
            frame = av.VideoFrame(64, 48, "yuv420p")
            target.mux(stream.encode(frame))
        target.mux(stream.encode(None))

    with pytest.raises(ValidationError) as refused:
        media.prepare(clip(output.getvalue(), "clip.m4a", "audio/mp4"))
    assert refused.value.code in ("video", "not_media", "not_audio")


def test_a_post_holds_one_clip_alone():
    maya = UserFactory()
    sound = services.attachment_create(owner=maya, upload=clip(sounds.wav_bytes(), "a.wav"))
    picture = services.attachment_create(owner=maya, upload=image_upload())
    other = services.attachment_create(owner=maya, upload=clip(sounds.wav_bytes(), "b.wav"))

    with pytest.raises(ValidationError, match="one sound clip, or up to 4 pictures"):
        services.post_create(author=maya, text="Both", media=[(sound.pk, ""), (picture.pk, "")])
    with pytest.raises(ValidationError, match="one sound clip"):
        services.post_create(author=maya, text="Two", media=[(sound.pk, ""), (other.pk, "")])

    post = services.post_create(author=maya, text="", media=[(sound.pk, "Room tone, stage B")])
    assert post.attachments.get().duration == pytest.approx(2.0, abs=0.05)


def test_the_card_shows_a_player_under_the_waveform_and_seeking_works(client):
    maya = UserFactory(username="maya")
    sound = services.attachment_create(owner=maya, upload=clip(sounds.mp3_with_tags(), "r.mp3"))
    services.post_create(author=maya, text="Reel 4 stems", media=[(sound.pk, "Dialogue, reel 4")])

    page = client.get("/@maya/").content.decode()

    assert f'<audio controls preload="metadata" src="/attachments/{sound.pk}/full"' in page
    [svg] = re.findall(r'<svg class="waveform".*?</svg>', page, re.DOTALL)
    assert svg.count("<rect ") == 100 and 'aria-hidden="true"' in svg
    assert "Dialogue, reel 4" in page and "0:02" in page
    part = client.get(f"/attachments/{sound.pk}/full", HTTP_RANGE="bytes=100-")
    assert part.status_code == 206
    assert part["Content-Type"] == "audio/mpeg"
    assert part["Accept-Ranges"] == "bytes"
