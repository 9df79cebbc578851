"""Backups of the database and the uploaded files, with the databases' own tools.

A backup is a folder: `db.sqlite3` (SQLite's online backup API: a consistent copy while the site
runs) or `db.dump` (pg_dump's custom format), `media.tar.gz`, and `manifest.json` with the row
counts that a restore checks against.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

COUNTED = ["accounts.User", "posts.Post", "follows.Follow"]


class BackupError(Exception):
    pass


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def backup_create(*, destination: Path) -> dict:
    """Write a backup of the database and MEDIA_ROOT into `destination`; return its manifest."""
    destination.mkdir(parents=True, exist_ok=True)
    if _is_sqlite():
        connection.ensure_connection()
        target = sqlite3.connect(destination / "db.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        args, env = _pg_env()
        dump = destination / "db.dump"
        name = connection.settings_dict["NAME"]
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(dump), name], env)
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(destination / "media.tar.gz", "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname=".")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "counts": row_counts(),
    }
    (destination / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def backup_restore(*, source: Path, force: bool = False) -> dict:
    """Restore a backup into the configured (empty) database and MEDIA_ROOT; return row counts.

    Refuses to overwrite a database that already has people in it unless `force` is given.
    """
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; "
            f"the configured database is {connection.vendor}."
        )
    if not force and _has_people():
        raise BackupError("The database already has people in it; use --force to replace it.")
    if _is_sqlite():
        connection.close()
        name = Path(connection.settings_dict["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source / "db.sqlite3", name)
    else:
        args, env = _pg_env()
        name = connection.settings_dict["NAME"]
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                name,
                str(source / "db.dump"),
            ],
            env,
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar.gz", "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # "data" refuses links and paths outside
    counts = row_counts()
    if counts != manifest["counts"]:
        raise BackupError(
            f"Restored counts {counts} differ from the backup's {manifest['counts']}."
        )
    return counts


def _has_people() -> bool:
    try:
        return apps.get_model("accounts.User").objects.exists()
    except Exception:  # noqa: BLE001 (a brand-new database has no tables yet)
        return False
