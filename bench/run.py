"""Load benchmark: the real server under wrk, each endpoint against the bare-Django ceiling.

See bench/README.md. In short: migrate and seed a dedicated PostgreSQL database, start gunicorn as
production runs it (DEBUG off, WhiteNoise, 2 sync workers), drive each endpoint with wrk over
loopback (16 connections) after a warm-up, three times, and print the medians, the queries per
request and each endpoint's ratio to the ceiling (HttpResponse("ok") with no middleware, same
gunicorn). Everything it starts, it stops.
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
SITE_PORT, CEILING_PORT, FLOOR_PORT = 18801, 18802, 18803


@dataclass
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    queries: int | None = None
    runs: list[dict] = field(default_factory=list)
    # Sent instead of the signed-in browser's cookie and CSRF headers (an app's bearer token).
    headers: list[str] | None = None

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs)


def sh(command, **kwargs):
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error: the server is up
                return
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port}")


def start_gunicorn(port: int, env: dict, settings_module: str) -> subprocess.Popen:
    env = {**env, "BIND": f"127.0.0.1:{port}", "DJANGO_SETTINGS_MODULE": settings_module}
    log = (ROOT / "bench" / "results").joinpath(f"gunicorn-{port}.log")
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [GUNICORN, "microblog.wsgi", "--workers", "2", "--worker-class", "sync"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_until_up(port)
    return process


def worker_peak_rss_mb(master: subprocess.Popen) -> float:
    """The largest peak resident size (VmHWM) among the gunicorn master's workers."""
    peaks = []
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks, default=0.0)


def wrk(port: int, endpoint: Endpoint, seconds: int, headers: list[str]) -> dict:
    env = {**os.environ, "BENCH_METHOD": endpoint.method, "BENCH_BODY": endpoint.body}
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    for header in headers if endpoint.headers is None else endpoint.headers:
        command += ["-H", header]
    output = sh([*command, f"http://127.0.0.1:{port}{endpoint.path}"], env=env).stdout
    match = re.search(
        r"BENCH requests=(\d+) seconds=([\d.]+) errors=(\d+) p50=(\d+) p95=(\d+) p99=(\d+)", output
    )
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    requests, duration, errors, p50, p95, p99 = match.groups()
    return {
        "rps": int(requests) / float(duration),
        "errors": int(errors),
        "p50": int(p50) / 1000,
        "p95": int(p95) / 1000,
        "p99": int(p99) / 1000,
    }


def measure(port, endpoint, *, warmup, seconds, repeats, headers) -> None:
    wrk(port, endpoint, warmup, headers)
    for _ in range(repeats):
        endpoint.runs.append(wrk(port, endpoint, seconds, headers))


def serve_and_measure(port, env, settings_module, endpoints, headers, options) -> float:
    """Start gunicorn with `settings_module`, measure each endpoint, stop it; returns the peak
    RSS of a worker (MB)."""
    master = start_gunicorn(port, env, settings_module)
    try:
        for endpoint in endpoints:
            measure(port, endpoint, headers=headers, **options)
        return worker_peak_rss_mb(master)
    finally:
        master.terminate()
        master.wait(timeout=20)


def table(ceiling: Endpoint, endpoints: list[Endpoint]) -> str:
    base = ceiling.median("rps")
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | queries | ratio to ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint in [ceiling, *endpoints]:
        errors = sum(run["errors"] for run in endpoint.runs)
        queries = "-" if endpoint.queries is None else str(endpoint.queries)
        lines.append(
            f"| {endpoint.name} | {endpoint.median('rps'):,.0f} | {endpoint.median('p50'):.1f} "
            f"| {endpoint.median('p95'):.1f} | {endpoint.median('p99'):.1f} | {errors} "
            f"| {queries} | {endpoint.median('rps') / base:.1%} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data, 2 s per endpoint, once")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse a seeded database")
    parser.add_argument(
        "--database", default="microblog_bench", help="PostgreSQL database to create and use"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="only the endpoints whose name has this in it (repeatable), with ceiling and floor",
    )
    args = parser.parse_args()
    if args.smoke:
        args.users, args.posts, args.seconds, args.repeats = 300, 5_000, 2, 1
        args.database += "_smoke"
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk")
        return 1

    from bench.scenario import prepare  # imports Django; after argument parsing

    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{args.database}"
        ),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # The benchmark posts thousands of times a second from one account.
        "RATE_LIMIT_POST": "100000000/1s",
        "RATE_LIMIT_SEARCH": "100000000/1s",
    }
    scenario = prepare(env=env, args=args)
    if args.only:
        scenario.endpoints = [
            endpoint
            for endpoint in scenario.endpoints
            if any(part in endpoint.name for part in args.only)
        ]
    headers = scenario.headers
    ceiling = Endpoint("ceiling: HttpResponse('ok'), no middleware", "/")
    # session and user: the two queries every signed-in request makes before its own
    floor = Endpoint("floor: site middleware, signed in, empty view", "/", queries=2)
    options = {"warmup": 1 if args.smoke else 3, "seconds": args.seconds, "repeats": args.repeats}
    serve_and_measure(CEILING_PORT, env, "bench.ceiling_settings", [ceiling], [], options)
    serve_and_measure(FLOOR_PORT, env, "bench.floor_settings", [floor], headers, options)
    rss = serve_and_measure(
        SITE_PORT, env, "microblog.settings", scenario.endpoints, headers, options
    )

    report = [
        f"Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{scenario.description}; wrk -t2 -c16, {args.seconds} s x {args.repeats} "
        f"(median), gunicorn 2 sync workers, DEBUG off",
        "",
        table(ceiling, [floor, *scenario.endpoints]),
        "",
        f"Peak RSS of a gunicorn worker: {rss:.0f} MB",
        *scenario.extra_lines,
    ]
    text = "\n".join(report)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{datetime.now(UTC):%Y%m%d-%H%M%S}{'-smoke' if args.smoke else ''}.md").write_text(
        text + "\n"
    )
    failed = []
    for endpoint in [floor, *scenario.endpoints]:
        errors = sum(run["errors"] for run in endpoint.runs)
        if errors:
            failed.append(f"{endpoint.name}: {errors} requests failed or answered with an error")
        elif min(run["rps"] for run in endpoint.runs) == 0:
            # A server still busy with an earlier endpoint's queue answers nothing in time.
            failed.append(f"{endpoint.name}: no request completed in a run")
    for reason in failed:
        print(f"FAILED {reason}")
    print(f"{len(scenario.endpoints) + 1 - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
