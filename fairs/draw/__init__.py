"""The verifiable booth lottery: who gets a booth at a fair, and where.

This module is pure and deterministic: the same inputs always give the same
result, on any computer, and it uses only the Python standard library, so that
anyone can download the published list and recompute the draw. The steps are:

1. **Freeze the list.** The eligible applicants are written one per line in the
   canonical text of :func:`canonical_list` and hashed with SHA-256
   (:func:`frozen_list_hash`). The hash is published before the public
   randomness exists.
2. **Seed.** ``seed = SHA-256(list_hash + "\\n" + public_source + "\\n" +
   algorithm_version)`` (:func:`seed`), where ``public_source`` is the published
   text of a public random event (the Government Lottery results), written as
   the fair's announcement says.
3. **Tickets.** Each applicant holds 1 to 4 tickets (:func:`tickets`).
4. **Draw order.** ``u = (first 8 bytes of HMAC-SHA256(key=seed, message=
   application number)) + 0.5) / 2**64``; ``key = u ** (1 / tickets)``; order by
   key, highest first, ties by application number (:func:`draw_order`). This is
   the Efraimidis–Spirakis weighted random order: an applicant with ``w``
   tickets comes before one with ``v`` tickets with probability ``w / (w + v)``.
5. **Selection.** Down the draw order, an applicant is taken when their booth
   type has room, their district's and category's maximums are not reached, and
   every minimum can still be met afterwards (:func:`select`).
6. **Zones and booths.** Selected applicants pick zones in draw order, holders
   of a prime booth at the last fair after everyone else; booths inside a zone
   are numbered so that neighbours differ in category (:func:`assign_booths`).
7. **Waitlist.** Everyone not selected, in draw order.
"""

from collections import Counter
from collections.abc import Iterable, Mapping

from .booths import assign_booths
from .core import (
    ALGORITHM_VERSION,
    MAX_ZONE_CHOICES,
    SKIP_CATEGORY_MAX,
    SKIP_DISTRICT_MAX,
    SKIP_TYPE_FULL,
    SKIP_WITHDRAWN,
    SKIP_WOULD_BREAK_MINIMUM,
    Applicant,
    Assignment,
    DrawEntry,
    DrawResult,
    Explanation,
    Group,
    PolicyInfeasible,
    Quota,
    Quotas,
    Skip,
    WaitlistEntry,
)
from .feasibility import check_policy, solve
from .order import canonical_list, draw_order, frozen_list_hash, seed, tickets, uniform
from .selection import select

__all__ = [
    "ALGORITHM_VERSION",
    "MAX_ZONE_CHOICES",
    "SKIP_CATEGORY_MAX",
    "SKIP_DISTRICT_MAX",
    "SKIP_TYPE_FULL",
    "SKIP_WITHDRAWN",
    "SKIP_WOULD_BREAK_MINIMUM",
    "Applicant",
    "Assignment",
    "DrawEntry",
    "DrawResult",
    "Explanation",
    "Group",
    "PolicyInfeasible",
    "Quota",
    "Quotas",
    "Skip",
    "WaitlistEntry",
    "assign_booths",
    "canonical_list",
    "check_policy",
    "draw",
    "draw_order",
    "frozen_list_hash",
    "one_line_reason",
    "seed",
    "select",
    "skip_sentence",
    "solve",
    "tickets",
    "uniform",
]

# --- everything together, and one applicant's line -----------------------------------


def draw(
    applicants: Iterable[Applicant],
    quotas: Quotas,
    booths: Mapping[str, Mapping[str, int]],
    public_source: str,
    withdrawn: Iterable[int] = (),
) -> DrawResult:
    """The whole draw; raises :class:`PolicyInfeasible` when the quotas cannot all be met.

    ``withdrawn``: numbers of applications withdrawn after the freeze; they stay in
    the hashed list and the draw order and are skipped, never put on the waitlist.
    """
    applicants = sorted(applicants, key=lambda a: a.number)
    gone = frozenset(withdrawn)
    capacities: Counter = Counter()
    for types in booths.values():
        capacities.update(types)
    problems = check_policy([a for a in applicants if a.number not in gone], quotas, capacities)
    if problems:
        raise PolicyInfeasible(problems)
    list_hash = frozen_list_hash(applicants)
    seed_hex = seed(list_hash, public_source, ALGORITHM_VERSION)
    order = draw_order(applicants, seed_hex)
    selected, skips = select(order, applicants, quotas, capacities, gone)
    assignments = assign_booths(order, selected, applicants, booths)
    chosen = set(selected)
    waiting = [e.number for e in order if e.number not in chosen and e.number not in gone]
    return DrawResult(
        list_hash=list_hash,
        seed=seed_hex,
        algorithm_version=ALGORITHM_VERSION,
        order=order,
        selected=selected,
        assignments=assignments,
        skips=skips,
        waitlist=tuple(WaitlistEntry(i, n) for i, n in enumerate(waiting, start=1)),
    )


def skip_sentence(skip: Skip) -> str:
    return {
        SKIP_TYPE_FULL: f"{skip.subject} booths are full",
        SKIP_DISTRICT_MAX: f"district {skip.subject} maximum reached",
        SKIP_CATEGORY_MAX: f"{skip.subject} maximum reached",
        SKIP_WOULD_BREAK_MINIMUM: f"booths kept for the minimums of {skip.subject}",
        SKIP_WITHDRAWN: "withdrawn after the list was frozen",
    }[skip.code]


def one_line_reason(result: DrawResult, number: int) -> Explanation:
    """E.g. "draw position 57 of 412, 2 tickets; skipped: food maximum reached; waitlist 3"."""
    entry = next(e for e in result.order if e.number == number)
    skip = result.skips.get(number)
    assignment = result.assignments.get(number)
    waitlist = next((w.position for w in result.waitlist if w.number == number), None)
    plural = "ticket" if entry.tickets == 1 else "tickets"
    parts = [f"draw position {entry.position} of {len(result.order)}, {entry.tickets} {plural}"]
    if assignment is not None:
        parts.append(f"selected: zone {assignment.zone}, booth {assignment.booth}")
    if skip is not None:
        parts.append(f"skipped: {skip_sentence(skip)}")
    if waitlist is not None:
        parts.append(f"waitlist {waitlist}")
    return Explanation(
        position=entry.position,
        of=len(result.order),
        tickets=entry.tickets,
        selected=assignment is not None,
        skip=skip,
        waitlist_position=waitlist,
        assignment=assignment,
        sentence="; ".join(parts),
    )
