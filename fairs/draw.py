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

import hashlib
import hmac
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ALGORITHM_VERSION = "1"

SKIP_TYPE_FULL = "type_full"
SKIP_DISTRICT_MAX = "district_max"
SKIP_CATEGORY_MAX = "category_max"
SKIP_WOULD_BREAK_MINIMUM = "would_break_minimum"
SKIP_WITHDRAWN = "withdrawn"

MAX_ZONE_CHOICES = 3
_FORBIDDEN_IN_TEXT = frozenset(",;\r\n")
_HEADER = "number,district,category,booth_type,zones,stars,misses,no_show_last,prime_last\n"

Group = tuple[str, str, str]  # (district, category, booth type)


@dataclass(frozen=True)
class Applicant:
    """One eligible application, frozen at the deadline."""

    number: int
    district: str
    category: str
    booth_type: str
    zones: tuple[str, ...]  # ranked, best first, at most three
    stars: int
    misses: int  # consecutive previous unsuccessful applications in this fair series
    no_show_last: bool
    prime_last: bool  # held a prime booth at the last fair

    @property
    def group(self) -> Group:
        return (self.district, self.category, self.booth_type)


@dataclass(frozen=True)
class Quota:
    """How many booths a district or a category must get at least and may get at most."""

    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class Quotas:
    district: Mapping[str, Quota] = field(default_factory=dict)
    category: Mapping[str, Quota] = field(default_factory=dict)


@dataclass(frozen=True)
class DrawEntry:
    position: int  # 1-based place in the draw order
    number: int
    tickets: int
    u: float
    key: float


@dataclass(frozen=True)
class Skip:
    code: str  # one of the SKIP_* codes
    subject: str  # the booth type, district, category, or the minimums kept


@dataclass(frozen=True)
class Assignment:
    zone: str
    booth: int  # 1-based place along the zone


@dataclass(frozen=True)
class WaitlistEntry:
    position: int
    number: int


@dataclass(frozen=True)
class DrawResult:
    list_hash: str
    seed: str
    algorithm_version: str
    order: tuple[DrawEntry, ...]
    selected: tuple[int, ...]  # application numbers, in draw order
    assignments: Mapping[int, Assignment]
    skips: Mapping[int, Skip]
    waitlist: tuple[WaitlistEntry, ...]


@dataclass(frozen=True)
class Explanation:
    """One applicant's outcome as data, plus an English sentence."""

    position: int
    of: int
    tickets: int
    selected: bool
    skip: Skip | None
    waitlist_position: int | None
    assignment: Assignment | None
    sentence: str


class PolicyInfeasible(ValueError):
    """The quotas cannot all be met; ``problems`` names each failing quota."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- 1. to 4.: list hash, seed, tickets, draw order ---------------------------------


def canonical_list(applicants: Iterable[Applicant]) -> str:
    """The published text of the eligible list.

    A header line, then one line per applicant sorted by application number:
    ``number,district,category,booth_type,zones,stars,misses,no_show_last,prime_last``
    with the ranked zones joined by ``;`` and the two flags written ``0`` or ``1``.
    Every line ends with ``\\n``; the text is encoded as UTF-8 before hashing.
    """
    rows = sorted(applicants, key=lambda a: a.number)
    _validate(rows)
    lines = [
        f"{a.number},{a.district},{a.category},{a.booth_type},{';'.join(a.zones)},"
        f"{a.stars},{a.misses},{int(a.no_show_last)},{int(a.prime_last)}\n"
        for a in rows
    ]
    return _HEADER + "".join(lines)


def frozen_list_hash(applicants: Iterable[Applicant]) -> str:
    """SHA-256 (hex) of :func:`canonical_list`."""
    return hashlib.sha256(canonical_list(applicants).encode("utf-8")).hexdigest()


def seed(list_hash: str, public_source: str, algorithm_version: str) -> str:
    """SHA-256 (hex) of the three texts joined by newlines, encoded as UTF-8."""
    text = f"{list_hash}\n{public_source}\n{algorithm_version}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tickets(applicant: Applicant) -> int:
    """1, plus 1 for 3 to 5 stars, plus 1 per consecutive previous miss (at most 2);
    exactly 1 after a no-show at the last fair."""
    if applicant.no_show_last:
        return 1
    star_bonus = 1 if 3 <= applicant.stars <= 5 else 0
    return 1 + star_bonus + min(applicant.misses, 2)


def uniform(seed_hex: str, number: int) -> float:
    """The applicant's uniform number in (0, 1): the first 8 bytes of
    HMAC-SHA256 with the seed's hex text as key and the decimal application
    number as message, read as a big-endian integer, plus one half, over 2**64."""
    digest = hmac.new(seed_hex.encode("ascii"), str(number).encode("ascii"), hashlib.sha256)
    return (int.from_bytes(digest.digest()[:8], "big") + 0.5) / 2**64


def draw_order(applicants: Iterable[Applicant], seed_hex: str) -> tuple[DrawEntry, ...]:
    """Everyone's key ``u ** (1 / tickets)``, highest first, ties by application number."""
    rows = []
    for applicant in applicants:
        weight = tickets(applicant)
        u = uniform(seed_hex, applicant.number)
        rows.append((u ** (1 / weight), applicant.number, weight, u))
    rows.sort(key=lambda row: (-row[0], row[1]))
    return tuple(
        DrawEntry(position=i, number=number, tickets=weight, u=u, key=key)
        for i, (key, number, weight, u) in enumerate(rows, start=1)
    )


def _validate(applicants: Sequence[Applicant]) -> None:
    numbers = Counter(a.number for a in applicants)
    duplicated = sorted(n for n, count in numbers.items() if count > 1)
    if duplicated:
        raise ValueError(f"application numbers appear twice: {duplicated}")
    for a in applicants:
        texts = (a.district, a.category, a.booth_type, *a.zones)
        if any(_FORBIDDEN_IN_TEXT & set(text) for text in texts):
            raise ValueError(f"application {a.number}: a code contains , ; or a line break")
        if len(a.zones) > MAX_ZONE_CHOICES:
            raise ValueError(f"application {a.number}: more than {MAX_ZONE_CHOICES} zones")


# --- 5. feasibility: can every minimum still be met? --------------------------------


@dataclass(frozen=True)
class _Problem:
    """What is still open: for each district and category the (lowest, highest)
    number of further selections, for each booth type the booths left, and for
    each (district, category, booth type) group the applicants not yet considered."""

    district: Mapping[str, tuple[int, int | None]]
    category: Mapping[str, tuple[int, int | None]]
    capacity: Mapping[str, int]
    groups: Mapping[Group, int]

    def admits(self, counts: Mapping[Group, int]) -> bool:
        """Is choosing ``counts`` applicants from each group within every bound?"""
        if any(n > self.groups.get(g, 0) for g, n in counts.items() if n):
            return False
        for index, bounds in ((0, self.district), (1, self.category)):
            totals = Counter()
            for g, n in counts.items():
                totals[g[index]] += n
            for name, (low, high) in bounds.items():
                if totals[name] < low or (high is not None and totals[name] > high):
                    return False
        by_type = Counter()
        for g, n in counts.items():
            by_type[g[2]] += n
        return all(n <= self.capacity.get(t, 0) for t, n in by_type.items())

    @property
    def minimums_met(self) -> bool:
        return all(low == 0 for low, _ in (*self.district.values(), *self.category.values()))


def solve(problem: _Problem) -> dict[Group, int] | None:
    """An exact answer to "can every minimum still be met?", with a witness.

    Returns how many of the remaining applicants of each group to select so that
    every district and category gets between its lowest and highest number and
    no booth type is over its booths left, or ``None`` when no such choice exists.

    Without booth types this is a flow problem with lower bounds: source →
    district [low, high] → group (district, category, type) [0, applicants] →
    category [low, high] → sink, plus an unbounded sink → source edge, solved as a
    circulation by Dinic's max-flow (integral, so a flow is a real choice of
    applicants). Booth-type capacities are a third family of limits crossing the
    other two; with three families the question is NP-hard in general (it
    contains three-dimensional matching), so no single flow can answer it. The
    flow is therefore used inside a branch and bound: when the flow puts ``k``
    too many applicants on a booth type, pick the group ``g`` of that type whose
    ``x`` chosen is furthest above its lower bound, let ``cut = x - min(k, x -
    lower bound)``, and split into "at most ``cut`` from ``g``" (tried first) and
    "at least ``cut + 1`` from ``g``". Every integer choice lies in exactly one
    branch and each branch tightens a bound, so the search ends and the answer is
    exact (never a guess). In the
    worst case the search is exponential in the number of groups; in practice
    booths outnumber minimums and the first flow usually fits.
    """
    groups = {g: min(n, problem.capacity.get(g[2], 0)) for g, n in problem.groups.items()}
    groups = {g: n for g, n in groups.items() if n > 0}
    stack = [(dict.fromkeys(groups, 0), groups)]
    while stack:
        low, high = stack.pop()
        if _type_floor_exceeds(problem, low):
            continue
        flow = _circulation(problem, low, high)
        if flow is None:
            continue
        over, over_by = _overfull_type(problem, flow)
        if over is None:
            return {g: n for g, n in flow.items() if n}
        group = max(
            (g for g in flow if g[2] == over and flow[g] > low[g]),
            key=lambda g: (flow[g] - low[g], g),
        )
        cut = flow[group] - min(over_by, flow[group] - low[group])
        stack.append(({**low, group: cut + 1}, high))
        stack.append((low, {**high, group: cut}))
    return None


def _type_floor_exceeds(problem: _Problem, low: Mapping[Group, int]) -> bool:
    floor = Counter()
    for g, n in low.items():
        floor[g[2]] += n
    return any(n > problem.capacity.get(t, 0) for t, n in floor.items())


def _overfull_type(problem: _Problem, flow: Mapping[Group, int]) -> tuple[str | None, int]:
    """The first booth type (by name) the flow overfills, and by how many."""
    used = Counter()
    for g, n in flow.items():
        used[g[2]] += n
    for booth_type in sorted(used):
        excess = used[booth_type] - problem.capacity.get(booth_type, 0)
        if excess > 0:
            return booth_type, excess
    return None, 0


def _circulation(
    problem: _Problem, low: Mapping[Group, int], high: Mapping[Group, int]
) -> dict[Group, int] | None:
    """A feasible flow of the district → group → category network, or None."""
    districts = sorted({*problem.district, *(g[0] for g in high)})
    categories = sorted({*problem.category, *(g[1] for g in high)})
    groups = sorted(high)
    unbounded = sum(high.values()) + 1
    index = {("s",): 0, ("t",): 1}
    for name in districts:
        index["d", name] = len(index)
    for name in categories:
        index["c", name] = len(index)
    for g in groups:
        index["g", *g] = len(index)
    edges = [(("t",), ("s",), 0, unbounded)]
    for name in districts:
        lo, hi = problem.district.get(name, (0, None))
        edges.append((("s",), ("d", name), lo, unbounded if hi is None else hi))
    for name in categories:
        lo, hi = problem.category.get(name, (0, None))
        edges.append((("c", name), ("t",), lo, unbounded if hi is None else hi))
    for g in groups:
        edges.append((("d", g[0]), ("g", *g), low[g], high[g]))
        edges.append((("g", *g), ("c", g[1]), 0, unbounded))
    if any(lo > hi for _, _, lo, hi in edges):
        return None
    network = _Network(len(index) + 2)
    source, sink = len(index), len(index) + 1
    excess = [0] * len(index)
    handles = {}
    for u, v, lo, hi in edges:
        handles[u, v] = network.add(index[u], index[v], hi - lo)
        excess[index[v]] += lo
        excess[index[u]] -= lo
    for node, amount in enumerate(excess):
        if amount > 0:
            network.add(source, node, amount)
        elif amount < 0:
            network.add(node, sink, -amount)
    needed = sum(amount for amount in excess if amount > 0)
    if network.max_flow(source, sink) != needed:
        return None
    return {g: low[g] + network.flow(handles[("d", g[0]), ("g", *g)]) for g in groups}


class _Network:
    """Dinic's max-flow; edge ``e`` and its reverse ``e ^ 1`` are stored side by side."""

    def __init__(self, size: int):
        self.adjacent: list[list[int]] = [[] for _ in range(size)]
        self.head: list[int] = []
        self.residual: list[int] = []
        self.capacity: list[int] = []

    def add(self, u: int, v: int, capacity: int) -> int:
        for start, end, amount in ((u, v, capacity), (v, u, 0)):
            self.adjacent[start].append(len(self.head))
            self.head.append(end)
            self.residual.append(amount)
            self.capacity.append(amount)
        return len(self.head) - 2

    def flow(self, edge: int) -> int:
        return self.capacity[edge] - self.residual[edge]

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        limit = sum(self.capacity) + 1
        while True:
            level = self._levels(source)
            if level[sink] < 0:
                return total
            pointer = [0] * len(self.adjacent)
            while pushed := self._push(source, sink, limit, level, pointer):
                total += pushed

    def _levels(self, source: int) -> list[int]:
        level = [-1] * len(self.adjacent)
        level[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for e in self.adjacent[u]:
                if self.residual[e] > 0 and level[self.head[e]] < 0:
                    level[self.head[e]] = level[u] + 1
                    queue.append(self.head[e])
        return level

    def _push(self, u: int, sink: int, limit: int, level: list[int], pointer: list[int]) -> int:
        if u == sink:
            return limit
        edges = self.adjacent[u]
        while pointer[u] < len(edges):
            e = edges[pointer[u]]
            v = self.head[e]
            if self.residual[e] > 0 and level[v] == level[u] + 1:
                pushed = self._push(v, sink, min(limit, self.residual[e]), level, pointer)
                if pushed:
                    self.residual[e] -= pushed
                    self.residual[e ^ 1] += pushed
                    return pushed
            pointer[u] += 1
        return 0


def _problem(
    quotas: Quotas,
    capacities: Mapping[str, int],
    groups: Mapping[Group, int],
    taken: Mapping[Group, int] | None = None,
) -> _Problem:
    """The open problem once ``taken`` applicants of each group have been selected."""
    taken = taken or {}
    chosen = [Counter(), Counter(), Counter()]
    for g, n in taken.items():
        for i in range(3):
            chosen[i][g[i]] += n

    def bounds(quota: Quota, already: int) -> tuple[int, int | None]:
        high = None if quota.maximum is None else quota.maximum - already
        return (max(0, quota.minimum - already), high)

    return _Problem(
        district={d: bounds(q, chosen[0][d]) for d, q in quotas.district.items()},
        category={c: bounds(q, chosen[1][c]) for c, q in quotas.category.items()},
        capacity={t: n - chosen[2][t] for t, n in capacities.items()},
        groups=dict(groups),
    )


def check_policy(
    applicants: Iterable[Applicant], quotas: Quotas, capacities: Mapping[str, int]
) -> list[str]:
    """Before the draw: each quota that cannot be met, named; empty when all can.

    Uses the exact check of :func:`solve`. A minimum is named when it is above its
    own maximum, or cannot be met even alone (with every maximum and booth limit
    still in force); if each can be met alone but not all together, minimums are
    added districts first, then categories, each in name order, and each one that
    cannot be added is named with the ones already added.
    """
    groups = Counter(a.group for a in applicants)
    labelled = [(f"district {d}", "district", d, q) for d, q in sorted(quotas.district.items())]
    labelled += [(f"category {c}", "category", c, q) for c, q in sorted(quotas.category.items())]
    problems = [
        f"{label}: minimum {q.minimum} is above maximum {q.maximum}"
        for label, _, _, q in labelled
        if q.maximum is not None and q.minimum > q.maximum
    ]
    if problems:
        return problems

    def feasible(kept: list[tuple[str, str, str, Quota]]) -> bool:
        kept_names = {(kind, name) for _, kind, name, _ in kept}

        def only(kind: str, table: Mapping[str, Quota]) -> dict[str, Quota]:
            return {
                name: q if (kind, name) in kept_names else Quota(0, q.maximum)
                for name, q in table.items()
            }

        partial = Quotas(only("district", quotas.district), only("category", quotas.category))
        return solve(_problem(partial, capacities, groups)) is not None

    minimums = [item for item in labelled if item[3].minimum > 0]
    problems = [
        f"{label}: minimum {q.minimum} cannot be met (too few applicants or booths)"
        for label, kind, name, q in minimums
        if not feasible([(label, kind, name, q)])
    ]
    if problems or feasible(minimums):
        return problems
    kept: list[tuple[str, str, str, Quota]] = []
    for item in minimums:
        if feasible([*kept, item]):
            kept.append(item)
        else:
            together = ", ".join(label for label, *_ in kept)
            problems.append(f"{item[0]}: minimum {item[3].minimum} cannot be met with {together}")
    return problems


# --- 5. selection --------------------------------------------------------------------


def select(
    order: Sequence[DrawEntry],
    applicants: Iterable[Applicant],
    quotas: Quotas,
    capacities: Mapping[str, int],
    withdrawn: Iterable[int] = (),
) -> tuple[tuple[int, ...], dict[int, Skip]]:
    """Go down the draw order and take each applicant who fits; skip the rest with a reason.

    Guarantee: if :func:`check_policy` finds the quotas feasible, the selection
    meets every minimum and maximum and no booth type is over capacity. The
    reason: a witness (a choice from the not-yet-considered applicants that meets
    every remaining minimum) is kept at every step, and an applicant is taken
    only when a witness exists afterwards (the old witness, or the old one less
    one planned applicant, checked against every bound; otherwise the exact
    :func:`solve`); skipping an applicant the witness does not use keeps it
    valid. When the list is exhausted the witness is empty, so the minimums are
    met. "would_break_minimum" means exactly that :func:`solve` found no way to
    meet the named open minimums if this applicant were taken.

    ``withdrawn`` are applications withdrawn after the list was frozen: they keep
    their place in the list (so nobody else's key changes) and are skipped.
    """
    gone = frozenset(withdrawn)
    by_number = {a.number: a for a in applicants}
    remaining = Counter(a.group for a in by_number.values() if a.number not in gone)
    taken: Counter = Counter()
    witness = solve(_problem(quotas, capacities, remaining))
    if witness is None:
        raise PolicyInfeasible(check_policy(by_number.values(), quotas, capacities))
    selected, skips = [], {}
    for entry in order:
        if entry.number in gone:
            skips[entry.number] = Skip(SKIP_WITHDRAWN, "")
            continue
        applicant = by_number[entry.number]
        group = applicant.group
        remaining[group] -= 1
        skip = _limit_reached(applicant, quotas, capacities, taken)
        if skip is None:
            after = _problem(quotas, capacities, remaining, taken + Counter({group: 1}))
            witness, skip = _try_take(after, witness, group, remaining)
        if skip is None:
            taken[group] += 1
            selected.append(entry.number)
        else:
            skips[entry.number] = skip
    return tuple(selected), skips


def _limit_reached(
    applicant: Applicant, quotas: Quotas, capacities: Mapping[str, int], taken: Counter
) -> Skip | None:
    def count(index: int, name: str) -> int:
        return sum(n for g, n in taken.items() if g[index] == name)

    if count(2, applicant.booth_type) >= capacities.get(applicant.booth_type, 0):
        return Skip(SKIP_TYPE_FULL, applicant.booth_type)
    district = quotas.district.get(applicant.district, Quota())
    if district.maximum is not None and count(0, applicant.district) >= district.maximum:
        return Skip(SKIP_DISTRICT_MAX, applicant.district)
    category = quotas.category.get(applicant.category, Quota())
    if category.maximum is not None and count(1, applicant.category) >= category.maximum:
        return Skip(SKIP_CATEGORY_MAX, applicant.category)
    return None


def _try_take(
    after: _Problem, witness: dict[Group, int], group: Group, remaining: Counter
) -> tuple[dict[Group, int], Skip | None]:
    """The witness after taking one applicant of ``group``, or the old one and a skip."""
    if after.minimums_met:
        return {}, None
    if witness.get(group, 0) > 0:
        return {**witness, group: witness[group] - 1}, None
    if after.admits(witness):
        return witness, None
    # Cheap repair before the exact search: drop one unit the old witness planned elsewhere.
    for other in sorted(g for g, n in witness.items() if n):
        repaired = {**witness, other: witness[other] - 1}
        if after.admits(repaired):
            return repaired, None
    found = solve(after)
    if found is not None:
        return found, None
    unmet = [f"district {d}" for d, (low, _) in sorted(after.district.items()) if low]
    unmet += [c for c, (low, _) in sorted(after.category.items()) if low]
    return witness, Skip(SKIP_WOULD_BREAK_MINIMUM, ", ".join(unmet))


# --- 6. zones and booth numbers ------------------------------------------------------


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
