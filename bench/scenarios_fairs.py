"""The fair draws, timed against generating and sorting their draw keys alone.

No database: the inputs come from bench/data_fairs.py. Each draw (``fairs.draw.draw``:
the policy check, list hash, seed, keys, selection and booths) is measured as a ratio
to ``draw_order`` on the same applicants and seed (an HMAC per applicant and a sort),
the part of the draw no implementation can skip. bench/scenarios.py appends these to
its own tables; a row here is ``(name, yardstick, setup, rounds)``.
"""

import functools
import time

from bench import data_fairs
from fairs.draw import ALGORITHM_VERSION, draw, draw_order, frozen_list_hash, seed

PROTOTYPE_SECONDS = 20  # the research prototype's national draw
SIZES = {
    "provincial": ("provincial (1,000 applications, 300 booths)", data_fairs.provincial),
    "national": ("national (10,000 applications, 2,500 booths, 77 provinces)", data_fairs.national),
}


@functools.cache
def _inputs(size: str):
    return SIZES[size][1]()


def _keys(size: str):
    """The yardstick: every applicant's key, sorted (steps 2 to 4 of the draw)."""

    def setup():
        applicants, _quotas, _booths, source = _inputs(size)
        seed_hex = seed(frozen_list_hash(applicants), source, ALGORITHM_VERSION)
        return lambda: draw_order(applicants, seed_hex)

    return setup


def _draw(size: str, *, report: bool = False):
    def setup():
        applicants, quotas, booths, source = _inputs(size)

        def run():
            return draw(applicants, quotas, booths, source)

        if report:
            start = time.perf_counter()
            result = run()
            seconds = time.perf_counter() - start
            print(
                f"fair draw, {size}: one draw in {seconds:.2f} s "
                f"(research prototype ≈ {PROTOTYPE_SECONDS} s: {PROTOTYPE_SECONDS / seconds:.0f}× "
                f"faster); {len(result.selected):,} selected, {len(result.skips):,} skipped"
            )
        return run

    return setup


YARDSTICKS = {f"{size} draw keys": _keys(size) for size in SIZES}

SCENARIOS = [
    (f"fair draw: {SIZES['provincial'][0]}", "provincial draw keys", _draw("provincial"), None),
    (
        f"fair draw: {SIZES['national'][0]}",
        "national draw keys",
        _draw("national", report=True),
        5,
    ),
]
