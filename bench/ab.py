"""Before and after, interleaved: this checkout against another (`--other`, e.g. a worktree of the
commit before a change), each served by its own gunicorn on the same seeded database, every
endpoint measured A, B, B, A, A, B... in alternation, so that the machine's drift (this virtual
machine's speed wanders by 10-20% within minutes) and the database's growth (each "create a
post" run adds thousands of posts) fall on both sides alike. See bench/README.md.

    git worktree add ../before <commit>
    .venv/bin/python -m bench.ab --other ../before        # after `bench/run` has seeded once
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
from pathlib import Path

from bench.run import GUNICORN, ROOT, wait_until_up, wrk

THIS_PORT, OTHER_PORT = 18811, 18812


def serve(checkout: Path, port: int, env: dict) -> subprocess.Popen:
    env = {**env, "BIND": f"127.0.0.1:{port}", "PYTHONPATH": str(checkout)}
    log = ROOT / "bench" / "results" / f"ab-{port}.log"
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [GUNICORN, "microblog.wsgi", "--workers", "2", "--worker-class", "sync"],
        cwd=checkout,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_until_up(port)
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="the other checkout (before)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--database", default="microblog_bench")
    parser.add_argument("--only", default="", help="only the endpoints whose name has this")
    args = parser.parse_args()

    from bench.scenario import prepare  # imports Django; after argument parsing

    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{args.database}"
        ),
        "DEBUG": "0",
        # One key for both servers: the benchmark's session cookie signs in on either.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_POST": "100000000/1s",
        "RATE_LIMIT_SEARCH": "100000000/1s",
    }
    scenario = prepare(env=env, args=argparse.Namespace(reuse=True, users=0, posts=0))
    # The other checkout's migrations and static files too, so that its server finds the
    # tables and the hashed file names it expects.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=args.other,
            env={**env, "PYTHONPATH": str(args.other.resolve())},
            check=True,
            capture_output=True,
        )
    servers = {
        "this": serve(ROOT, THIS_PORT, env),
        "other": serve(args.other.resolve(), OTHER_PORT, env),
    }
    ports = {"this": THIS_PORT, "other": OTHER_PORT}
    endpoints = [endpoint for endpoint in scenario.endpoints if args.only in endpoint.name]
    results = {endpoint.name: {"this": [], "other": []} for endpoint in endpoints}
    try:
        for endpoint in endpoints:
            for side in ports:  # warm both
                wrk(ports[side], endpoint, 2, scenario.headers)
            for round_number in range(args.rounds):
                order = ("other", "this") if round_number % 2 == 0 else ("this", "other")
                for side in order:
                    run = wrk(ports[side], endpoint, args.seconds, scenario.headers)
                    if run["errors"]:
                        raise RuntimeError(f"{endpoint.name} on {side}: {run['errors']} errors")
                    results[endpoint.name][side].append(run["rps"])
    finally:
        for process in servers.values():
            process.terminate()
            process.wait(timeout=20)

    print(
        f"Interleaved A/B, {args.rounds} rounds of {args.seconds} s per side and endpoint "
        f"(wrk -t2 -c16, gunicorn 2 sync workers each): this checkout against {args.other}"
    )
    print()
    print("| endpoint | before req/s (runs) | after req/s (runs) | after / before |")
    print("|---|---:|---:|---:|")
    for name, sides in results.items():
        before, after = statistics.median(sides["other"]), statistics.median(sides["this"])
        runs = {side: ", ".join(f"{rps:,.0f}" for rps in sides[side]) for side in sides}
        print(
            f"| {name} | {before:,.0f} ({runs['other']}) | {after:,.0f} ({runs['this']}) "
            f"| {after / before:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
