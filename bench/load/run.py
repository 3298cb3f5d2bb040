"""The load test: simulated users of every persona against gunicorn on 127.0.0.1.

    make load-test                                    # 100 users for 10 minutes
    make load-test ARGS="--users 20 --minutes 1"      # a short run
    make load-test ARGS="--yardstick --wait 0,0 --users 20 --minutes 2"
        # each persona mix back to back, then the same on the yardstick page
    python -m bench.load.run --host http://127.0.0.1:8000   # a server already running

Without --host it builds its own database, `otop_load` on the portal's server (the
server DATABASE_URL names, or the embedded PostgreSQL): dropped and created afresh,
migrated, geography, holidays and the demo data loaded. The developer's database is
never touched. It collects the static files into a temporary folder, starts gunicorn
on a free port of 127.0.0.1 as production would run it (DEBUG off, WhiteNoise serving
the static files; no TLS, so secure cookies and the HTTPS redirect are off), runs
locust headless (bench/load/locustfile.py), stops gunicorn and checks the database:
no overlapping bookings, balanced and reconciled savings books, gapless receipt
numbers, fair booths held once. It prints a Markdown summary (per request and per
persona: requests, failures, requests a second, median and 95th percentile) and writes
it to bench/load/results/<date>-<time>.md; the raw locust CSV files and gunicorn's log
stay in the temporary folder it names.

With --yardstick it then puts the same load (the same users, weights, pauses and logins)
on the benchmarks' yardstick, the trivial logged-in page, and the summary sets each
persona's requests a second and 95th percentile against the yardstick run's.

Exits non-zero when any request failed, a simulated user hit an error, the server logged
an error, or a check failed.
With --host, the checks run against the database DATABASE_URL names (or the embedded
one): point it at the server's database.
"""

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "otop_load"
# Never dropped, whatever --database says: the developer's demo database.
PROTECTED = {"otop", "postgres", "template0", "template1"}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.run", description=__doc__)
    parser.add_argument("--users", type=int, default=100, help="simulated users (100)")
    parser.add_argument("--minutes", type=float, default=10, help="how long (10)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started a second")
    parser.add_argument("--host", help="run against this running server instead")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the load database")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="keep the load database of an earlier run (no drop, no seeding)",
    )
    parser.add_argument(
        "--wait",
        default="3,10",
        help="seconds a user pauses between tasks, least,most (3,10; 0,0: back to back)",
    )
    parser.add_argument(
        "--yardstick",
        action="store_true",
        help="then the same load on the trivial logged-in page, to compare with",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results", help="summary folder")
    args = parser.parse_args()
    os.environ["LOAD_WAIT"] = args.wait  # read by the locustfile (and the summary)

    work = Path(tempfile.mkdtemp(prefix="otop-load-"))
    started = datetime.now().astimezone()
    if args.host:
        database_url = os.environ.get("DATABASE_URL", "") or _embedded_url("otop")
    else:
        if args.database in PROTECTED:
            parser.error(f"--database {args.database} is not a database the load test may drop")
        database_url = _load_database_url(args.database)
        if not args.reuse_database:
            _fresh_database(database_url, args.database)
    env = _environment(database_url, work)
    accounts = work / "accounts.json"
    _run([BIN / "python", "-m", "bench.load.accounts"], env, stdout=accounts)
    before = _checks(env)

    server, host = None, args.host
    try:
        if not host:
            server, host = _start_gunicorn(env, work, args.workers)
        stats = _locust(args, host, env, work, accounts)
        if args.yardstick:
            stats["yardstick"] = _locust(args, host, env, work, accounts, yardstick=True)
    finally:
        if server is not None:
            _stop(server)
    after = _checks(env)
    server_errors = _server_errors(work / "gunicorn.log") if not args.host else []

    summary = _summary(args, started, host, stats, before, after, server_errors, work)
    print(summary)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"{started:%Y-%m-%d-%H%M}.md"
    target.write_text(summary + "\n", encoding="utf-8")
    print(f"\nWritten to {target}; locust's CSV files and the server log are in {work}.")
    failed = (
        stats["total"]["failures"] > 0
        or stats.get("yardstick", {}).get("total", {}).get("failures", 0) > 0
        or stats.get("exceptions")
        or stats["total"]["requests"] == 0
        or server_errors
        or any(check["violations"] for check in after["checks"])
    )
    return 1 if failed else 0


# --- The database ----------------------------------------------------------------------------


def _embedded_url(name: str) -> str:
    """A DATABASE_URL for database `name` of the embedded server (started if need be)."""
    sys.path.insert(0, str(BASE_DIR))
    from otop_portal.lib.database import embedded_server_address

    pgdata = os.environ.get("EMBEDDED_PGDATA") or str(BASE_DIR / ".pgdata")
    socket_dir, port = embedded_server_address(str(Path(pgdata).resolve()))
    return f"postgres://postgres@{quote(socket_dir, safe='')}:{port}/{name}"


def _load_database_url(name: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return _embedded_url(name)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _fresh_database(url: str, name: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    sys.path.insert(0, str(BASE_DIR))
    from otop_portal.lib.database import UTF8_CTYPE

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
    )
    connection.autocommit = True
    print(f"Database {name}: created afresh (an earlier load test's is dropped).")
    with connection.cursor() as cursor:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        cursor.execute(drop.format(sql.Identifier(name)))
        cursor.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(name), sql.Literal(UTF8_CTYPE), sql.Literal(UTF8_CTYPE))
        )
    connection.close()
    seed_env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    manage = [BIN / "python", BASE_DIR / "manage.py"]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_geography"],
        ["load_holidays"],
        ["seed_demo"],
    ):
        print(f"  manage.py {command[0]}")
        _run([*manage, *command], seed_env, stdout=subprocess.DEVNULL)


def _environment(database_url: str, work: Path) -> dict:
    """The production-like environment of gunicorn (and of the checks)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "PYTHONPATH": str(BASE_DIR),
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        # Many simulated users share a login: no lockout should come of a slow login.
        "AXES_FAILURE_LIMIT": "1000",
        "LOAD_STATIC_ROOT": str(work / "static"),
        "LOG_LEVEL": "WARNING",
    }


def _checks(env: dict) -> dict:
    output = _run([BIN / "python", "-m", "bench.load.checks"], env, capture=True)
    return json.loads(output)


# --- The server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(env: dict, work: Path, workers: int):
    _run(
        [BIN / "python", BASE_DIR / "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env,
    )
    port = _free_port()
    log = (work / "gunicorn.log").open("w")
    print(f"gunicorn: {workers} workers on 127.0.0.1:{port}")
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            BIN / "gunicorn",
            "otop_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--error-logfile",
            "-",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    host = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start: see {work / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(host + "/health/", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, host
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    _stop(server)
    raise SystemExit(f"gunicorn did not answer /health/ in 2 minutes: see {work / 'gunicorn.log'}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _server_errors(log: Path) -> list[str]:
    """Lines of the server log that report an error (a traceback, a worker timeout)."""
    if not log.exists():
        return []
    return [
        line.strip()
        for line in log.read_text(errors="replace").splitlines()
        if " ERROR " in line or "[CRITICAL]" in line or "Traceback" in line
    ]


# --- Locust ------------------------------------------------------------------------------------


def _locust(args, host: str, env: dict, work: Path, accounts: Path, yardstick=False) -> dict:
    stats_file = work / ("yardstick.json" if yardstick else "stats.json")
    seconds = max(1, round(args.minutes * 60))
    command = [
        BIN / "locust",
        "-f",
        HERE / "locustfile.py",
        "--headless",
        "--host",
        host,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "30",
        "--csv",
        work / ("yardstick" if yardstick else "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **os.environ,
        "PYTHONPATH": str(BASE_DIR),
        "LOAD_ACCOUNTS": str(accounts),
        "LOAD_STATS": str(stats_file),
        **({"LOAD_YARDSTICK": "1"} if yardstick else {}),
    }
    what = " on the yardstick page" if yardstick else ""
    print(f"locust: {args.users} users for {seconds} s against {host}{what}")
    subprocess.run(command, cwd=BASE_DIR, env=locust_env, check=False)  # noqa: S603
    if not stats_file.exists():
        raise SystemExit("locust wrote no statistics: see its messages above")
    return json.loads(stats_file.read_text())


# --- The summary -------------------------------------------------------------------------------


def _row(name: str, entry: dict) -> str:
    return (
        f"| {name} | {entry['requests']} | {entry['failures']} | {entry['rps']:.1f} "
        f"| {entry['median']:.0f} | {entry['p95']:.0f} |"
    )


def _summary(args, started, host, stats, before, after, server_errors, work) -> str:
    header = (
        "| | requests | failures | req/s | median ms | p95 ms |\n|---|---:|---:|---:|---:|---:|"
    )
    where = "an already running server" if args.host else f"gunicorn, {args.workers} workers"
    lines = [
        f"## Load test, {started:%Y-%m-%d %H:%M %Z}",
        "",
        f"{args.users} simulated users for {args.minutes:g} minute(s) against {where} on {host}; "
        f"machine {platform.node()} ({os.cpu_count()} cores, Python "
        f"{platform.python_version()}).",
        "",
        "### Per persona",
        "",
        header,
        *(_row(name, entry) for name, entry in sorted(stats["personas"].items())),
        _row("**all**", stats["total"]),
        "",
        "### Per request",
        "",
        header,
        *(_row(name, entry) for name, entry in sorted(stats["requests"].items())),
    ]
    if stats.get("yardstick"):
        lines += ["", *_against_yardstick(stats, stats["yardstick"])]
    if stats.get("exceptions"):
        lines += ["", "### Errors in the simulated users", ""]
        lines += [f"- {count} × {message}" for message, count in stats["exceptions"]]
    if stats.get("errors"):
        lines += ["", "### Failures", ""]
        lines += [f"- {count} × {name}: {error}" for name, error, count in stats["errors"]]
    if stats.get("outcomes"):
        lines += ["", "### What the posts came to", "", "| post | times |", "|---|---:|"]
        lines += [f"| {name} | {n} |" for name, n in sorted(stats["outcomes"].items())]
    lines += ["", "### What the load wrote", "", "| | before | after |", "|---|---:|---:|"]
    for key in ("bookings", "refusals", "refusals_slot_taken", "journal_entries"):
        lines.append(
            f"| {key.replace('_', ' ')} | {before['counts'][key]} | {after['counts'][key]} |"
        )
    lines.append(
        f"| fair applications | {before['counts']['fair_applications']} "
        f"| {after['counts']['fair_applications']} |"
    )
    statuses = after["counts"]["bookings_by_status"]
    lines.append(
        "| bookings by status (after) | | "
        + ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
        + " |"
    )
    lines += ["", "### Checks", "", "| check | result |", "|---|---|"]
    for check in after["checks"]:
        result = "ok" if not check["violations"] else f"**{check['violations']} found**"
        if check["detail"]:
            result += f" ({check['detail']})"
        lines.append(f"| {check['check']} | {result} |")
    if not args.host:
        result = "ok" if not server_errors else f"**{len(server_errors)} lines**"
        lines.append(f"| no error in the server log | {result} |")
    return "\n".join(lines)


def _against_yardstick(stats: dict, yardstick: dict) -> list[str]:
    """Each persona mix next to the same users on the trivial logged-in page: requests a
    second (the load each mix put through, over the yardstick's) and the 95th percentile
    (as a multiple of the yardstick's). Logging in is left out of both: it is the same
    in the two runs. With --wait 0,0 every user sends its next request as soon as the
    last is answered, so requests a second is what the server can take of each mix."""
    lines = [
        "### Against the yardstick (the same load on the trivial logged-in page)",
        "",
        "Pages only (logging in left out of both runs); users pausing "
        f"{os.environ.get('LOAD_WAIT', '3,10').replace(',', '–')} s between tasks.",
        "",
        "| persona mix | req/s | yardstick req/s | req/s ÷ yardstick | p95 ms "
        "| yardstick p95 ms | p95 × |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*sorted(stats["pages"].items()), ("**all**", stats["pages_total"])]
    for name, entry in rows:
        base = yardstick["pages_total"] if name == "**all**" else yardstick["pages"].get(name)
        if not base or not base["rps"] or not base["p95"]:
            continue
        lines.append(
            f"| {name} | {entry['rps']:.1f} | {base['rps']:.1f} | {entry['rps'] / base['rps']:.2f} "
            f"| {entry['p95']:.0f} | {base['p95']:.0f} | {entry['p95'] / base['p95']:.1f} |"
        )
    return lines


def _run(command, env, *, stdout=None, capture=False) -> str:
    command = [str(part) for part in command]
    if isinstance(stdout, Path):
        with stdout.open("w") as target:
            subprocess.run(command, cwd=BASE_DIR, env=env, stdout=target, check=True)  # noqa: S603
        return ""
    result = subprocess.run(  # noqa: S603
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE if capture else stdout,
        text=True,
        check=True,
    )
    return result.stdout if capture else ""


if __name__ == "__main__":
    sys.exit(main())
