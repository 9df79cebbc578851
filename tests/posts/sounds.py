"""Real sound files for upload tests: a tone encoded by FFmpeg's own encoders (through PyAV), or
written by Python's wave module; tags and pictures added by mutagen, as a tagging program would."""

import io
import math
import wave

import av
import numpy
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, COMM, ID3, TIT2, TPE1

from tests.accounts.images import image_bytes

RATE = 44_100


def tone(seconds: float = 2.0, frequency: float = 440.0) -> numpy.ndarray:
    """A sine, loud in its first half and quiet in its second (so the waveform has a shape)."""
    t = numpy.arange(int(seconds * RATE)) / RATE
    loudness = numpy.where(t < seconds / 2, 0.8, 0.2)
    return (numpy.sin(2 * math.pi * frequency * t) * loudness * 32767).astype(numpy.int16)


def wav_bytes(seconds: float = 2.0) -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(tone(seconds).tobytes())
    return output.getvalue()


def encoded(codec: str, container: str, seconds: float = 2.0, rate: int = RATE) -> bytes:
    """The tone encoded with `codec` in a `container` (e.g. "libmp3lame", "mp3")."""
    output = io.BytesIO()
    with av.open(output, mode="w", format=container) as target:
        stream = target.add_stream(codec, rate=rate, layout="mono")
        samples = tone(seconds)
        if rate != RATE:
            samples = numpy.interp(
                numpy.arange(int(seconds * rate)) * RATE / rate, numpy.arange(len(samples)), samples
            ).astype(numpy.int16)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        resampler = av.AudioResampler(
            format=stream.codec_context.format,
            layout="mono",
            rate=rate,
            frame_size=stream.codec_context.frame_size or None,
        )
        for chunk in resampler.resample(frame) + resampler.resample(None):
            target.mux(stream.encode(chunk))
        target.mux(stream.encode(None))
    return output.getvalue()


def mp3_with_tags() -> bytes:
    """An MP3 whose ID3 tag names the artist, a comment and carries a picture."""
    data = io.BytesIO(encoded("libmp3lame", "mp3"))
    tags = ID3()
    data.seek(0)
    tags.add(TIT2(encoding=3, text="Night Shift, reel 4"))
    tags.add(TPE1(encoding=3, text="Maya Lindqvist"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="call me on +49 30 1234567"))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=image_bytes("JPEG")))
    tags.save(data)
    return data.getvalue()


def flac_with_tags() -> bytes:
    data = io.BytesIO(encoded("flac", "flac"))
    found = FLAC(data)
    found["artist"] = "Maya Lindqvist"
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/png", image_bytes("PNG")
    found.add_picture(picture)
    data.seek(0)
    found.save(data)
    return data.getvalue()
