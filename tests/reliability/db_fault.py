"""Database fault drill: stop PostgreSQL under light load, start it again, check the site recovers.

Run with `python -m tests.reliability.db_fault` (CI does, after the suite). It never touches the
shared cluster: it makes a PostgreSQL instance of its own with initdb in a temporary folder, on its
own port, and stops and starts it with pg_ctl. The site runs under gunicorn as in production.

It checks that
- during the outage pages answer 503 with the designed page, and /healthz says the database is
  unavailable (never a 500, never a hang);
- once PostgreSQL is back, the site answers normally within RECOVERY_LIMIT seconds, no restart;
- every post acknowledged before the outage is in the database.
"""

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("FAULT_PG_PORT", "55433"))
WEB_PORT = int(os.environ.get("FAULT_WEB_PORT", "18767"))
OUTAGE_SECONDS = 10
RECOVERY_LIMIT = 5.0
USERNAME, PASSWORD = "drill", "fault-drill-password-42"


def as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; CI runs as root, developers usually do not.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Site:
    """A signed-in browser-like client of the site under test."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar(policy=TlsProxyCookiePolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # We stand where a TLS-terminating proxy would: the site sees HTTPS requests.
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.base.replace("http://", "https://") + path,
        }
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form(self, path: str, field: str) -> tuple[str, dict]:
        """The POST form on a page that has an input named `field`: its action and hidden fields."""
        status, page = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        forms = re.finditer(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S | re.I)
        form = next((f for f in forms if f'name="{field}"' in f.group(1)), None)
        if not form:
            raise RuntimeError(f"no form with {field} on {path}")
        action = re.search(r'action="([^"]*)"', form.group(0))
        hidden = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1))
        )
        return (action.group(1) if action and action.group(1) else path), hidden

    def log_in(self) -> None:
        action, fields = self.form("/accounts/login/", "password")
        status, _ = self.request(action, {**fields, "username": USERNAME, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"log in answered {status}")

    def post(self, text: str) -> int:
        action, fields = self.form("/compose/", "text")
        status, _ = self.request(action, {**fields, "text": text})
        return status


class TlsProxyCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the site's Secure cookies over our loopback hop, as the proxy's client would."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def manage(env: dict, *arguments: str) -> str:
    """`manage.py <arguments>` for the site under test (its settings in `env`); its output."""
    return run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env).stdout


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="db-fault-"))
    shutil.chown(workdir, "postgres") if os.geteuid() == 0 else None
    pgdata, socket_dir = workdir / "pgdata", workdir
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-l", str(workdir / "pg.log")]
    pg_options = ["-o", f"-p {PG_PORT} -k {socket_dir} -c listen_addresses=127.0.0.1"]
    database_url = f"postgres://postgres@127.0.0.1:{PG_PORT}/microblog"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "1",
        "BIND": f"127.0.0.1:{WEB_PORT}",
        "DATA_DIR": str(workdir / "data"),
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    gunicorn = None
    try:
        run(
            as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(pgdata), "-A", "trust", "-U", "postgres"]
            )
        )
        run(as_postgres([*pg_ctl, *pg_options, "-w", "start"]))
        run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "microblog",
            ]
        )
        run([python, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env)
        run([python, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env)
        run(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                f"from accounts.models import User; User.objects.create_user({USERNAME!r}, "
                f"'drill@example.com', {PASSWORD!r})",
            ],
            cwd=ROOT,
            env=env,
        )
        # The server's error log (a traceback per refused request during the outage) goes to a
        # file, printed only if the drill fails.
        server_log = workdir / "gunicorn.log"
        gunicorn = subprocess.Popen(
            [str(Path(python).parent / "gunicorn"), "microblog.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=server_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{WEB_PORT}"
        site = Site(base)
        for _ in range(60):
            try:
                if site.request("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        site.log_in()

        acknowledged: list[str] = []
        outcomes: Counter = Counter()
        stop = threading.Event()
        phase = {"name": "before"}

        def load():
            n = 0
            while not stop.is_set():
                n += 1
                text = f"drill post {n} {secrets.token_hex(4)}"
                try:
                    status = site.post(text)
                except (RuntimeError, OSError) as error:
                    outcomes[(phase["name"], "post", type(error).__name__)] += 1
                    stop.wait(0.2)
                    continue
                outcomes[(phase["name"], "post", status)] += 1
                if status in (200, 302):
                    acknowledged.append(text)
                home_status, _ = site.request("/")
                outcomes[(phase["name"], "home", home_status)] += 1
                stop.wait(0.2)

        worker = threading.Thread(target=load, daemon=True)
        worker.start()
        time.sleep(4)
        before_outage = len(acknowledged)

        phase["name"] = "outage"
        run(as_postgres([*pg_ctl, "-m", "fast", "-w", "stop"]))
        outage_started = time.monotonic()
        outage_pages = Counter()
        while time.monotonic() - outage_started < OUTAGE_SECONDS:
            status, body = site.request("/")
            health_status, health = site.request("/healthz")
            outage_pages[("home", status, "Back in a moment" in body)] += 1
            outage_pages[("healthz", health_status, '"database": "unavailable"' in health)] += 1
            time.sleep(0.5)

        run(as_postgres([*pg_ctl, *pg_options, "-w", "start"]))
        restarted = time.monotonic()
        phase["name"] = "after"
        recovered_after = None
        while time.monotonic() - restarted < 30:
            if site.request("/healthz")[0] == 200 and site.request("/")[0] == 200:
                recovered_after = time.monotonic() - restarted
                break
            time.sleep(0.1)
        time.sleep(2)
        stop.set()
        worker.join(timeout=15)

        stored = run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-d",
                "microblog",
                "-At",
                "-c",
                "SELECT text FROM posts_post",
            ],
        ).stdout.splitlines()
        missing = [text for text in acknowledged if text not in set(stored)]

        print("\nDatabase fault drill")
        print(f"  posts acknowledged before the outage: {before_outage}")
        print(f"  posts acknowledged in all:            {len(acknowledged)}")
        print(f"  acknowledged posts missing afterwards: {len(missing)}")
        print(f"  answers during the {OUTAGE_SECONDS} s outage: {dict(outage_pages)}")
        print(f"  load outcomes: {dict(outcomes)}")
        print(
            f"  recovered {recovered_after:.2f} s after PostgreSQL came back"
            if recovered_after is not None
            else "  did NOT recover within 30 s"
        )

        failures = []
        if before_outage == 0:
            failures.append("no post was acknowledged before the outage")
        if missing:
            failures.append(f"{len(missing)} acknowledged posts are missing")
        bad = [key for key in outage_pages if key[1] != 503 or not key[2]]
        if bad:
            failures.append(f"during the outage some answers were not the designed 503: {bad}")
        if any(key[2] == 500 for key in outcomes):
            failures.append("some requests answered 500")
        if recovered_after is None or recovered_after > RECOVERY_LIMIT:
            failures.append(f"recovery took longer than {RECOVERY_LIMIT} s")
        for failure in failures:
            print(f"FAILED: {failure}")
        if failures:
            print("server log (last 40 lines):")
            print("\n".join(server_log.read_text().splitlines()[-40:]))
        print("1 passed, 0 failed" if not failures else "0 passed, 1 failed")
        return 1 if failures else 0
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
        subprocess.run(as_postgres([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
