"""Step 6: zones by serial choice, then booth numbers along each zone's row."""

from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence

from .core import Applicant, Assignment, DrawEntry


def assign_booths(
    order: Sequence[DrawEntry],
    selected: Iterable[int],
    applicants: Iterable[Applicant],
    booths: Mapping[str, Mapping[str, int]],
) -> dict[int, Assignment]:
    """Zones by serial choice, then booth numbers that keep a category apart from itself.

    ``booths`` gives, for each zone, the number of booths of each type. Selected
    applicants choose in draw order, except that last fair's prime-booth holders
    choose after all the others (still in draw order among themselves). Each takes
    the best-ranked of their zones with a free booth of their type, else the first
    zone, by name, with one.

    Inside a zone, booths are numbered 1, 2, 3, … along the row. The next booth
    goes to the category, other than the previous booth's, with the most
    occupants still to place (ties: the category whose next occupant chose
    first), and within that category to the occupant who chose first. The same
    category is placed next to itself only when no other category is left.
    """
    by_number = {a.number: a for a in applicants}
    chosen = set(selected)
    in_order = [by_number[e.number] for e in order if e.number in chosen]
    choosers = [a for a in in_order if not a.prime_last] + [a for a in in_order if a.prime_last]
    free = {zone: Counter(types) for zone, types in booths.items()}
    zone_of: dict[str, list[Applicant]] = {zone: [] for zone in booths}
    for applicant in choosers:
        candidates = [*applicant.zones, *sorted(booths)]
        zone = next(z for z in candidates if free.get(z, Counter())[applicant.booth_type] > 0)
        free[zone][applicant.booth_type] -= 1
        zone_of[zone].append(applicant)
    assignments = {}
    for zone, occupants in zone_of.items():
        for booth, applicant in enumerate(_row(occupants), start=1):
            assignments[applicant.number] = Assignment(zone=zone, booth=booth)
    return assignments


def _row(occupants: list[Applicant]) -> list[Applicant]:
    """Occupants (in choosing order) laid out so neighbours differ in category."""
    queues: dict[str, deque[tuple[int, Applicant]]] = {}
    for turn, applicant in enumerate(occupants):
        queues.setdefault(applicant.category, deque()).append((turn, applicant))
    row: list[Applicant] = []
    previous = None
    while queues:
        others = [c for c in queues if c != previous] or list(queues)
        category = min(others, key=lambda c: (-len(queues[c]), queues[c][0][0]))
        row.append(queues[category].popleft()[1])
        if not queues[category]:
            del queues[category]
        previous = category
    return row
