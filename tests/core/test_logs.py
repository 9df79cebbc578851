import json
import logging

from core.logs import JsonFormatter
from tests.factories import PASSWORD


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


def test_each_request_is_one_json_line_with_route_status_and_duration(client, db, caplog):
    caplog.set_level(logging.INFO, logger="microblog.request")

    client.get("/healthz?probe=1")

    (line,) = [entry for entry in _lines(caplog) if entry["logger"] == "microblog.request"]
    assert line["route"] == "/healthz"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert "probe" not in json.dumps(line)


def test_logs_hold_no_password_username_or_address(client, user, caplog):
    caplog.set_level(logging.DEBUG)

    client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD + "-wrong"},
        REMOTE_ADDR="203.0.113.9",
    )
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    logged = "\n".join(json.dumps(entry) for entry in _lines(caplog))
    assert "request" in logged
    assert PASSWORD not in logged
    assert user.username not in logged
    assert "203.0.113.9" not in logged
