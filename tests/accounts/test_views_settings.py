import io

import pytest
from PIL import Image

from tests.accounts.images import image_bytes, image_upload, png_claiming_size, upload
from tests.factories import IndustryFactory

pytestmark = pytest.mark.django_db

URL = "/settings/profile/"


@pytest.fixture
def industry(db):
    return IndustryFactory(name="Film and TV post-production", slug="film-and-tv-post-production")


def form_data(chosen_industry, **changes):
    data = {
        "display_name": "Priya Raman",
        "bio": "Dialogue editor.\nRoom tone collector.",
        "industry": chosen_industry.pk,
        "location": "London",
        "website": "https://priya.example",
        "open_to_collaborate": "on",
    }
    return {**data, **changes}


def test_anonymous_people_are_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/profile/"


def test_profile_form_has_the_labelled_fields_and_save_button(client_logged_in):
    content = client_logged_in.get(URL).content.decode()

    for label in ("Display name", "Bio", "Industry", "Location", "Website", "Avatar"):
        assert f">{label}</label>" in content
    assert ">Open to collaborate</label>" in content
    assert ">Save</button>" in content
    assert 'enctype="multipart/form-data"' in content


def test_industries_come_from_the_seeded_list(client_logged_in):
    content = client_logged_in.get(URL).content.decode()

    for name in ("Music", "Audio and sound design", "Film and TV post-production"):
        assert f">{name}</option>" in content


def test_saving_the_profile(client_logged_in, industry):
    response = client_logged_in.post(URL, form_data(industry))

    assert response.status_code == 302
    user = client_logged_in.user
    user.refresh_from_db()
    assert user.display_name == "Priya Raman"
    assert user.bio == "Dialogue editor.\nRoom tone collector."
    assert user.industry == industry
    assert user.location == "London"
    assert user.website == "https://priya.example"
    assert user.open_to_collaborate
    assert "Your profile is saved." in client_logged_in.get(URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "x" * 51, "Ensure this value has at most 50 characters (it has 51)."),
        ("display_name", "a" * 10_000, "Ensure this value has at most 50 characters"),
        ("display_name", "Two\nlines", "Remove line breaks and invisible characters."),
        ("bio", "x" * 161, "Ensure this value has at most 160 characters (it has 161)."),
        ("location", "<script>" * 10, "Ensure this value has at most 50 characters (it has 80)."),
        ("location", "Berlin\u202e", "Remove line breaks and invisible characters."),
        ("website", "javascript:alert(1)", "Enter a valid URL."),
        ("website", "ftp://files.example", "Enter a valid URL."),
        ("website", "https://" + "a" * 300 + ".example", "Ensure this value has at most 200"),
        ("industry", "999999", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_the_rest_is_kept(
    client_logged_in, industry, field, value, message
):
    response = client_logged_in.post(URL, form_data(industry, **{field: value}))

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    content = response.content.decode()
    assert "<script><script>" not in content
    if field != "display_name":
        assert 'value="Priya Raman"' in content
    client_logged_in.user.refresh_from_db()
    assert client_logged_in.user.display_name != "Priya Raman"


def test_script_tags_within_limits_are_saved_and_shown_inert(client_logged_in, industry):
    hostile = "<script>alert(1)</script>"
    client_logged_in.post(
        URL, form_data(industry, display_name=hostile, bio=hostile, location="<i>x</i>")
    )

    content = client_logged_in.get(f"/@{client_logged_in.user.username}/").content.decode()

    assert hostile not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_uploading_an_avatar_stores_square_webp_files(
    client_logged_in, industry, stored_files, fmt
):
    response = client_logged_in.post(
        URL, {**form_data(industry), "avatar_upload": image_upload(fmt, size=(800, 500))}
    )

    assert response.status_code == 302
    user = client_logged_in.user
    user.refresh_from_db()
    assert stored_files() == sorted([user.avatar.name, user.avatar_thumbnail.name])
    served = client_logged_in.get(user.avatar.url)
    assert served["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (400, 400)
    profile = client_logged_in.get(f"/@{user.username}/").content.decode()
    assert f'src="{user.avatar.url}"' in profile


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(b"MZ\x90\x00 definitely a program" * 50, "cat.png"), "is not a JPEG, PNG"),
        (upload(png_claiming_size(100_000, 100_000), "bomb.png"), "That image is too large"),
        (upload(png_claiming_size(9_000, 9_000), "huge.png"), "That image is too large"),
        (
            upload(image_bytes("PNG") + b"\0" * (6 * 1024 * 1024), "six-mb.png"),
            "That file is larger than 5 MB.",
        ),
    ],
    ids=["not-an-image", "pixel-bomb", "too-many-pixels", "six-megabytes"],
)
def test_refused_uploads_say_why_and_store_nothing(
    client_logged_in, industry, stored_files, file, message
):
    response = client_logged_in.post(URL, {**form_data(industry), "avatar_upload": file})

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["avatar_upload"])
    assert stored_files() == []
    client_logged_in.user.refresh_from_db()
    assert not client_logged_in.user.avatar
    assert client_logged_in.user.display_name != "Priya Raman"  # nothing saved at all


def test_removing_the_avatar(
    client_logged_in, industry, stored_files, django_capture_on_commit_callbacks
):
    client_logged_in.post(URL, {**form_data(industry), "avatar_upload": image_upload("PNG")})
    assert len(stored_files()) == 2

    content = client_logged_in.get(URL).content.decode()
    assert ">Remove avatar</label>" in content
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(URL, {**form_data(industry), "avatar_remove": "on"})

    client_logged_in.user.refresh_from_db()
    assert not client_logged_in.user.avatar
    assert stored_files() == []


def test_saving_with_htmx_returns_the_form_fragment_with_a_confirmation(client_logged_in, industry):
    response = client_logged_in.post(URL, form_data(industry), headers={"HX-Request": "true"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="profile-settings"' in content
    assert "Your profile is saved." in content
    assert 'value="Priya Raman"' in content
    assert response["Vary"].count("HX-Request") == 1


def test_errors_with_htmx_come_back_as_a_422_fragment_keeping_the_input(client_logged_in, industry):
    response = client_logged_in.post(
        URL, form_data(industry, website="javascript:alert(1)"), headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "<html" not in content
    assert "Enter a valid URL." in content
    assert 'value="London"' in content
