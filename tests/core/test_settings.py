import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_with_the_development_secret_key():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random string of at least 50 characters" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _manage("check", DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_postgresql_connections_run_without_jit():
    """On PostgreSQL the JIT is off (it cost more than the queries it compiled); the settings
    parse a PostgreSQL URL the same way whatever the test database is."""
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything",
    )
    assert "'options': '-c jit=off'" in result.stdout, result.stderr


def _postgresql_options(**env: str) -> str:
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_statements_are_prepared_unless_a_pooler_forbids_it():
    """Server-side parameters let psycopg prepare a statement after 5 runs on a connection, so
    PostgreSQL stops planning the post cards' query on every page; PG_PREPARED=0 turns it off
    for PgBouncer in transaction mode, where a prepared statement can outlive its connection."""
    prepared = _postgresql_options()
    assert "'server_side_binding': True" in prepared
    assert "'prepare_threshold': 5" in prepared

    pooled = _postgresql_options(PG_PREPARED="0")
    assert "server_side_binding" not in pooled
    assert "prepare_threshold" not in pooled
