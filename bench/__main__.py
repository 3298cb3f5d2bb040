"""Run every benchmark scenario and print each as a ratio to its yardstick.

    make bench                 # all scenarios
    make bench ARGS="-k list"  # scenarios whose name contains "list"
    make bench ARGS="--producers 100000"
    make bench ARGS="-k equipment --units 2000 --bookings 200000"
    make bench ARGS="-k savings --savers 20000"
    make bench ARGS="--keep -k list"   # keep the database; the next --keep run reuses it
    make bench-national        # every scenario on the national data set, table written
                               # into docs/PERFORMANCE.md (= --national --keep --write …)

The run builds its own database (bench_otop on the same server as the portal), fills
it with the generator in bench/data.py, times each scenario and its yardstick in
interleaved rounds, and drops the database at the end. The fifteen most-used pages
(bench/pages.py) also have their SQL queries counted, here and, with --write, on a
second kept database holding one of everything per district (bench_otop_one).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime

NATIONAL = {
    "producers": 100_000,
    "units": 2_000,
    "bookings": 200_000,
    "savers": 20_000,
    "fairs": 50,
    "applications": 10_000,
}
# One of everything per district: each district member's lists hold one row.
ONE_ROW = ["--producers", "928", "--units", "1", "--bookings", "1", "--savers", "1"]
ONE_ROW += ["--fairs", "1", "--applications", "1", "--accounts-per-district", "1"]
ONE_ROW_DB = "bench_otop_one"
MARKERS = ("<!-- bench:national:start -->", "<!-- bench:national:end -->")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("-k", dest="match", default="", help="only scenarios containing this")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--accounts-per-district", type=int, default=200)
    parser.add_argument("--producers", type=int, default=2_000)
    parser.add_argument("--units", type=int, default=40, help="equipment units")
    parser.add_argument(
        "--bookings", type=int, default=2_000, help="equipment bookings over three years"
    )
    parser.add_argument(
        "--savers", type=int, default=20_000, help="savings group members (0: none)"
    )
    parser.add_argument("--fairs", type=int, default=2, help="fairs in the database")
    parser.add_argument("--applications", type=int, default=1_000, help="applications per fair")
    parser.add_argument(
        "--national",
        action="store_true",
        help="the national data set: " + ", ".join(f"{k} {v:,}" for k, v in NATIONAL.items()),
    )
    parser.add_argument(
        "--write",
        metavar="FILE",
        help="write the table into FILE between its bench markers (docs/PERFORMANCE.md)",
    )
    parser.add_argument(
        "--queries-only", action="store_true", help=argparse.SUPPRESS
    )  # the one-row data set's query counts, as JSON (run by --write)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards, and reuse a kept one (to iterate on a fix)",
    )
    args = parser.parse_args()
    if args.national:
        for name, value in NATIONAL.items():
            setattr(args, name, value)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from bench import data, scenarios

    setup_test_environment()
    # Not serialized: that is for tests' rollback emulation, and a kept national database
    # would take minutes to serialize.
    databases = setup_databases(
        verbosity=0, interactive=False, keepdb=args.keep, serialized_aliases=[]
    )
    try:
        scale = data.Scale(
            args.accounts_per_district,
            producers=args.producers,
            units=args.units,
            bookings=args.bookings,
            savers=args.savers,
            fairs=args.fairs,
            applications_per_fair=args.applications,
        )
        if args.keep and data.generated():
            print("Data: the kept database's (--keep)", file=sys.stderr)
        else:
            counts = data.generate(scale=scale)
            print(f"Data: {counts}", file=sys.stderr)
        if args.queries_only:
            print(json.dumps(page_queries(scenarios)))
            return
        rows = run(scenarios, args.match, args.rounds)
        one_row = one_row_queries() if args.write else {}
        text = table(rows, args.rounds, data.sizes(), one_row)
        print(text)
        if args.write:
            write(args.write, text, sys.argv[1:])
    finally:
        if not args.keep:
            teardown_databases(databases, verbosity=0)


def run(scenarios, match: str, rounds: int) -> list[tuple]:
    from bench import pages

    yardsticks = {}  # set up when a scenario first needs one
    rows = []
    for scenario in scenarios.SCENARIOS:
        if match not in scenario.name:
            continue
        try:
            target = scenario.setup()
            if scenario.yardstick not in yardsticks:
                yardsticks[scenario.yardstick] = scenarios.YARDSTICKS[scenario.yardstick]()
        except scenarios.Skip as reason:
            print(f"{scenario.name}: skipped: {reason}", file=sys.stderr)
            continue
        yardstick = yardsticks[scenario.yardstick]
        target(), yardstick()  # warm up
        times, base = [], []
        for _round in range(min(rounds, scenario.rounds or rounds)):  # interleaved: drift hits both
            times.append(_time(target))
            base.append(_time(yardstick))
        median, p95 = statistics.median(times), _p95(times)
        base_median = statistics.median(base)
        queries = pages.count_queries(target) if scenario.page else None
        print(f"{scenario.name}: {median / base_median:.1f}×", file=sys.stderr, flush=True)
        rows.append(
            (
                scenario.name,
                scenario.yardstick,
                median / base_median,
                p95 / base_median,
                median * 1000,
                queries,
            )
        )
    return rows


def page_queries(scenarios) -> dict[str, int]:
    """Each page's query count on this database (the one-row data set's run)."""
    from bench import pages

    counts = {}
    for scenario in scenarios.SCENARIOS:
        if scenario.page:
            target = scenario.setup()
            target()  # warm: what is cached per process is not counted
            counts[scenario.name] = pages.count_queries(target)
    return counts


def one_row_queries() -> dict[str, int]:
    """The pages' query counts on the one-row data set, kept in its own database and
    built the first time (seconds), measured by a second run of this command."""
    command = [sys.executable, "-m", "bench", "--queries-only", "--keep", *ONE_ROW]
    env = {**os.environ, "BENCH_DB": ONE_ROW_DB}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(done.stdout.strip().splitlines()[-1])


def write(path: str, text: str, argv: list[str]) -> None:
    """Put the table between the file's markers, replacing the last run's."""
    with open(path, encoding="utf-8") as file:
        document = file.read()
    start, end = MARKERS
    if start not in document or end not in document:
        raise SystemExit(f"{path} has no {start} … {end} markers")
    command = 'make bench ARGS="' + " ".join(argv) + '"'
    section = f"{start}\n\n    {command}\n\n{text}\n\n{end}"
    pattern = re.escape(start) + ".*?" + re.escape(end)
    document = re.sub(pattern, lambda _match: section, document, count=1, flags=re.S)
    with open(path, "w", encoding="utf-8") as file:
        file.write(document)
    print(f"Written into {path}", file=sys.stderr)


def _time(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(rows, rounds: int, sizes: dict | None = None, one_row: dict | None = None) -> str:
    one_row = one_row or {}
    lines = [
        f"Machine: {platform.node()} ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}), "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {rounds} rounds.",
    ]
    if sizes:
        lines += ["", "Data: " + ", ".join(f"{n:,} {name}" for name, n in sizes.items()) + "."]
    lines += [
        "",
        "| scenario | yardstick | median × | p95 × | median ms | queries | queries, one row |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, yardstick, median, p95, ms, queries in rows:
        counted = "" if queries is None else str(queries)
        small = "" if queries is None else str(one_row.get(name, ""))
        lines.append(
            f"| {name} | {yardstick} | {median:.1f} | {p95:.1f} | {ms:.1f} | {counted} | {small} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
