"""Back up a live database and its uploads, restore them into a fresh database, find everything."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from PIL import Image

from follows.models import Follow
from tests.factories import PostFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database_url(tmp_path):
    """A database that exists and is empty, of the same kind as the one under test."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    base = f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args, database_url, media_root):
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


PROBE = """
import json
from posts.models import Post
from follows.models import Follow
posts = sorted(f"{p.author.username}: {p.text}" for p in Post.objects.all())
follows = [f"{f.follower.username}>{f.followee.username}" for f in Follow.objects.all()]
print(json.dumps({"posts": posts, "follows": follows}))
"""


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_keeps_everything(
    tmp_path, settings, fresh_database_url
):
    maya, jonas = UserFactory(username="maya"), UserFactory(username="jonas")
    PostFactory(author=maya, text="Recording foley for a horror short")
    PostFactory(author=jonas, text="Mixing stems in Berlin")
    Follow.objects.create(follower=maya, followee=jonas)
    avatar = Path(settings.MEDIA_ROOT) / "avatars" / "maya.png"
    avatar.parent.mkdir(parents=True)
    Image.new("RGB", (40, 40), "teal").save(avatar)

    call_command("backup", str(tmp_path / "backup"))

    restored_media = tmp_path / "restored-media"
    result = _manage(
        "restore",
        str(tmp_path / "backup"),
        database_url=fresh_database_url,
        media_root=restored_media,
    )
    assert result.returncode == 0, result.stderr
    assert "2 accounts.User, 2 posts.Post, 1 follows.Follow" in result.stdout

    probe = _manage(
        "shell",
        "-c",
        PROBE,
        database_url=fresh_database_url,
        media_root=restored_media,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found == {
        "posts": ["jonas: Mixing stems in Berlin", "maya: Recording foley for a horror short"],
        "follows": ["maya>jonas"],
    }
    with Image.open(restored_media / "avatars" / "maya.png") as restored:
        assert restored.size == (40, 40)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_a_database_with_people(tmp_path):
    UserFactory(username="someone")
    call_command("backup", str(tmp_path / "backup"))

    with pytest.raises(Exception, match="already has people in it; use --force"):
        call_command("restore", str(tmp_path / "backup"))
