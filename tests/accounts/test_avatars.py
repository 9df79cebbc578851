import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from accounts import avatars
from tests.accounts.images import (
    image_upload,
    jpeg_with_gps_exif,
    png_claiming_size,
    upload,
)


def open_webp(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_allowed_format_becomes_square_400_and_96_pixel_images(fmt):
    large, small = avatars.avatar_images(image_upload(fmt, size=(640, 480)))

    assert open_webp(large).size == (400, 400)
    assert open_webp(small).size == (96, 96)


def test_a_tall_image_is_cropped_to_its_centre():
    image = Image.new("RGB", (100, 300), (255, 0, 0))
    image.paste((0, 0, 255), (0, 100, 100, 200))  # a blue middle third
    output = io.BytesIO()
    image.save(output, format="PNG")

    large, _ = avatars.avatar_images(upload(output.getvalue()))

    red, green, blue = open_webp(large).convert("RGB").getpixel((200, 200))
    assert blue > 200 and red < 60


def test_exif_with_gps_location_is_stripped():
    original = jpeg_with_gps_exif()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the upload has a location

    large, small = avatars.avatar_images(upload(original, "phone.jpg", "image/jpeg"))

    for data in (large, small):
        image = open_webp(data)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"PhoneMaker" not in data


def test_text_file_renamed_png_is_refused():
    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(b"<script>alert(1)</script>" * 20, "evil.png"))

    assert error.value.messages == ["That file is not a JPEG, PNG, WebP or GIF image."]


def test_other_image_formats_are_refused():
    bmp = io.BytesIO()
    Image.new("RGB", (10, 10)).save(bmp, format="BMP")

    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(bmp.getvalue(), "old.png"))

    assert error.value.code == "not_an_image"


def test_truncated_image_is_refused():
    data = image_upload("PNG").read()

    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(data[: len(data) // 2]))

    assert error.value.code in {"broken_image", "not_an_image"}


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(png_claiming_size(100_000, 100_000), "bomb.png"))

    assert error.value.code == "too_many_pixels"
    assert "too large" in error.value.messages[0]


def test_image_above_pillows_pixel_limit_is_refused(monkeypatch):
    # Pillow's own bomb check (a warning above MAX_IMAGE_PIXELS) is turned into a refusal.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(image_upload("PNG", size=(100, 100)))

    assert error.value.code == "too_many_pixels"


def test_too_many_pixels_within_pillows_limit_is_refused():
    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(png_claiming_size(8000, 6000)))

    assert error.value.messages == [
        "That image is too large: at most 10000 pixels a side and 40 megapixels."
    ]


def test_one_very_long_side_is_refused():
    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(png_claiming_size(20_000, 10)))

    assert error.value.code == "too_many_pixels"


def test_file_over_5_mb_is_refused():
    with pytest.raises(ValidationError) as error:
        avatars.avatar_images(upload(b"\x89PNG" + b"\0" * (6 * 1024 * 1024), "big.png"))

    assert error.value.messages == ["That file is larger than 5 MB. Choose a smaller image."]


def test_saved_files_get_random_names_that_never_collide(settings, stored_files):
    first = avatars.avatar_files_save(avatar=b"a", thumbnail=b"b")
    second = avatars.avatar_files_save(avatar=b"a", thumbnail=b"b")

    assert first != second
    assert all(name.startswith("avatars/") and name.endswith(".webp") for name in first + second)
    assert len(first[0].removeprefix("avatars/").removesuffix(".webp")) == 32
    assert stored_files() == sorted(first + second)
