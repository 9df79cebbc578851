"""The shared counting cases (tests/data/post_length_cases.json), read by the Python tests and
the browser test alike so the server and the live counter are checked against the same list."""

import json
from pathlib import Path

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "post_length_cases.json"


def post_length_cases() -> list[dict]:
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))
