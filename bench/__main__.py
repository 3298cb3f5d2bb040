"""Run every benchmark scenario and print each as a ratio to its yardstick.

    make bench                 # all scenarios
    make bench ARGS="-k list"  # scenarios whose name contains "list"
    make bench ARGS="--producers 100000"
    make bench ARGS="-k equipment --units 2000 --bookings 200000"
    make bench ARGS="-k savings --savers 20000"
    make bench ARGS="--keep -k list"   # keep the database; the next --keep run reuses it

The run builds its own database (test_<name> on the same server as the portal), fills
it with the generator in bench/data.py, times each scenario and its yardstick in
interleaved rounds, and drops the database at the end.
"""

import argparse
import os
import platform
import statistics
import time
from datetime import datetime


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
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards, and reuse a kept one (to iterate on a fix)",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from bench import data, scenarios

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False, keepdb=args.keep)
    try:
        scale = data.Scale(
            args.accounts_per_district,
            producers=args.producers,
            units=args.units,
            bookings=args.bookings,
            savers=args.savers,
        )
        if args.keep and data.generated():
            print("Data: the kept database's (--keep)")
        else:
            counts = data.generate(scale=scale)
            print(f"Data: {counts}")
        rows = run(scenarios, args.match, args.rounds)
        print(table(rows, args.rounds))
    finally:
        if not args.keep:
            teardown_databases(databases, verbosity=0)


def run(scenarios, match: str, rounds: int) -> list[tuple[str, str, float, float, float]]:
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
            print(f"{scenario.name}: skipped: {reason}")
            continue
        yardstick = yardsticks[scenario.yardstick]
        target(), yardstick()  # warm up
        times, base = [], []
        for _round in range(min(rounds, scenario.rounds or rounds)):  # interleaved: drift hits both
            times.append(_time(target))
            base.append(_time(yardstick))
        median, p95 = statistics.median(times), _p95(times)
        base_median = statistics.median(base)
        rows.append(
            (
                scenario.name,
                scenario.yardstick,
                median / base_median,
                p95 / base_median,
                median * 1000,
            )
        )
    return rows


def _time(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(rows, rounds: int) -> str:
    lines = [
        f"Machine: {platform.node()} ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores), {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"{rounds} rounds",
        "",
        "| scenario | yardstick | median × | p95 × | median ms |",
        "|---|---|---:|---:|---:|",
    ]
    for name, yardstick, median, p95, ms in rows:
        lines.append(f"| {name} | {yardstick} | {median:.1f} | {p95:.1f} | {ms:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
