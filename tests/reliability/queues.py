"""What the drills read of the task queue from outside the processes that run it: tasks counted
by status, and the most attempts any one took, from django-tasks-db's table or from
django-tasks-redis's keys (its status index and its stored results)."""

import json

import psycopg
import redis
from django_tasks_redis.utils import (
    get_result_key,
    get_results_index_key,
    get_status_index_key,
)

STATUSES = ("READY", "RUNNING", "SUCCESSFUL", "FAILED")
TABLE = "django_tasks_database_dbtaskresult"


def database_counts(database_url: str) -> dict[str, int]:
    rows = database_rows(database_url, f"SELECT status, count(*) FROM {TABLE} GROUP BY status")
    return {status: n for status, n in rows}


def database_most_attempts(database_url: str) -> int:
    sql = f"SELECT max(jsonb_array_length(worker_ids)) FROM {TABLE}"
    return database_rows(database_url, sql)[0][0]


def redis_counts(redis_url: str, prefix: str) -> dict[str, int]:
    client = redis.Redis.from_url(redis_url)
    counts = {s: client.zcard(get_status_index_key(prefix, "default", s)) for s in STATUSES}
    return {status: n for status, n in counts.items() if n}


def redis_most_attempts(redis_url: str, prefix: str) -> int:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    ids = client.smembers(get_results_index_key(prefix, "default"))
    workers = [client.hget(get_result_key(prefix, "default", i), "worker_ids_json") for i in ids]
    return max((len(json.loads(w)) for w in workers if w), default=0)


def redis_forget(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def database_forget(database_url: str) -> None:
    """Close the drill's connection to a database before the database is dropped."""
    if database_url in _connections:
        _connections.pop(database_url).close()


_connections: dict[str, psycopg.Connection] = {}


def database_rows(database_url: str, sql: str) -> list[tuple]:
    # One connection a database, kept: a read here is a millisecond, where starting psql took
    # tens, and the worker drill aims its kill by what it reads.
    if database_url not in _connections:
        _connections[database_url] = psycopg.connect(database_url, autocommit=True)
    return _connections[database_url].execute(sql).fetchall()
