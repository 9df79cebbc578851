"""The layout ARCHITECTURE.md describes, held to: which way the apps depend, and where the
cross-app flows (signals and their receivers) are written down."""

import ast
from pathlib import Path

import pytest

from accounts import signals as account_signals
from posts import signals as post_signals

ROOT = Path(__file__).resolve().parents[1]
# Each app, and the apps (and the project package) it must never import: dependencies point one
# way, core <- accounts <- posts <- follows <- conversations <- moderation, with security beside
# posts (it needs only accounts), search beside conversations (it needs follows and below) and
# the project on top.
FORBIDDEN = {
    "core": {
        "accounts",
        "security",
        "posts",
        "follows",
        "conversations",
        "search",
        "moderation",
        "microblog",
        "api",
    },
    "accounts": {
        "security",
        "posts",
        "follows",
        "conversations",
        "search",
        "moderation",
        "microblog",
        "api",
    },
    "security": {"posts", "follows", "conversations", "search", "moderation", "microblog", "api"},
    "posts": {"security", "follows", "conversations", "search", "moderation", "microblog", "api"},
    "follows": {"security", "conversations", "search", "moderation", "microblog", "api"},
    "conversations": {"security", "search", "moderation", "microblog", "api"},
    "search": {"security", "conversations", "moderation", "microblog", "api"},
    "moderation": {"security", "microblog", "api"},
    "api": {"microblog"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_apps_import_only_the_apps_below_them(app):
    wrong = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        found = imported_packages(path) & FORBIDDEN[app]
        if found:
            wrong[str(path.relative_to(ROOT))] = sorted(found)
    assert not wrong, f"{app} imports what sits above it: {wrong}"


def test_the_project_package_holds_only_settings_urls_and_entry_points():
    modules = sorted(path.name for path in (ROOT / "microblog").glob("*.py"))
    assert modules == ["__init__.py", "asgi.py", "settings.py", "urls.py", "wsgi.py"]
    assert not [
        path
        for path in (ROOT / "microblog").iterdir()
        if path.is_dir() and path.name != "__pycache__"
    ]


SIGNALS = {
    "accounts.signals.block_created": account_signals.block_created,
    "accounts.signals.user_deleting": account_signals.user_deleting,
    "accounts.signals.user_visibility_changed": account_signals.user_visibility_changed,
    "accounts.signals.followers_approval_ended": account_signals.followers_approval_ended,
    "posts.signals.post_created": post_signals.post_created,
}


def test_every_signal_of_ours_has_its_receivers_in_receivers_modules_listed_in_architecture():
    """A cross-app flow can be followed from its call site: a signal's receivers live in modules
    named receivers.py, and ARCHITECTURE.md names each signal with its receivers."""
    architecture = (ROOT / "ARCHITECTURE.md").read_text()
    problems = []
    for name, signal in SIGNALS.items():
        receivers = [entry[1]() for entry in signal.receivers]
        if not receivers:
            problems.append(f"{name} has no receiver")
        if f"`{name}`" not in architecture:
            problems.append(f"ARCHITECTURE.md does not name `{name}`")
        for receiver in receivers:
            where = f"{receiver.__module__}.{receiver.__name__}"
            if not receiver.__module__.endswith(".receivers"):
                problems.append(f"{where} receives {name} outside a receivers.py module")
            if f"`{where}`" not in architecture:
                problems.append(f"ARCHITECTURE.md does not list `{where}` under {name}")
    assert not problems, "\n".join(problems)


def test_signals_are_declared_only_in_signals_modules():
    declared = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or path.name == "signals.py":
            continue
        if "Signal()" in path.read_text():
            declared.append(str(path.relative_to(ROOT)))
    assert not declared
