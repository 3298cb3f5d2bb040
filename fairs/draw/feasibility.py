"""Step 5, the exact check: can every minimum still be met? Used before the draw
(:func:`check_policy`) and during the selection (:func:`solve`)."""

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .core import Applicant, Group, Quota, Quotas


@dataclass(frozen=True)
class _Problem:
    """What is still open: for each district and category the (lowest, highest)
    number of further selections, for each booth type the booths left, and for
    each (district, category, booth type) group the applicants not yet considered."""

    district: Mapping[str, tuple[int, int | None]]
    category: Mapping[str, tuple[int, int | None]]
    capacity: Mapping[str, int]
    groups: Mapping[Group, int]


def solve(problem: _Problem) -> dict[Group, int] | None:
    """An exact answer to "can every minimum still be met?", with a witness.

    Returns how many of the remaining applicants of each group to select so that
    every district and category gets between its lowest and highest number and
    no booth type is over its booths left, or ``None`` when no such choice exists.

    Without booth types this is a flow problem with lower bounds: source →
    district [low, high] → cell (category, booth type), one edge per group
    (district, category, type) [0, applicants] → category [low, high] → sink, plus
    a sink → source edge, solved as a circulation by Dinic's max-flow (integral,
    so a flow is a real choice of applicants). Booth-type capacities are a third
    family of limits crossing the other two; with three families the question is
    NP-hard in general (it contains three-dimensional matching), so no single flow
    can answer it. The flow is therefore used inside a branch and bound over the
    number chosen in each cell, each cell between a lower and an upper bound
    (at first 0 and its applicants, at most its type's booths left): when the flow
    puts ``k`` too many applicants on a booth type, pick the cell ``c`` of that
    type whose ``y`` chosen is furthest above its lower bound, let ``cut = y -
    min(k, y - lower bound)``, and split into "at most ``cut`` in ``c``" (tried
    first) and "at least ``cut + 1`` in ``c``". Every integer choice lies in
    exactly one branch and each branch tightens a bound, so the search ends and
    the answer is exact (never a guess). A branch is dropped without its flow when
    even the district → booth type flow (categories left out, each type between
    the lower bounds of its cells and its booths left) has no solution. In the
    worst case the search is exponential in the number of cells (categories times
    booth types), never in the number of districts.
    """
    groups = {}
    for g, n in problem.groups.items():
        n = min(n, problem.capacity.get(g[2], 0))
        if n > 0:
            groups[g] = n
    networks = _Networks(problem, groups)
    stack = [(dict.fromkeys(networks.top, 0), networks.top)]
    while stack:
        low, high = stack.pop()
        if not networks.types_can_hold(low, high):
            continue
        flow = networks.circulation(low, high)
        if flow is None:
            continue
        chosen, per_cell = flow
        over, over_by = _overfull_type(problem, per_cell)
        if over is None:
            return {g: n for g, n in chosen.items() if n}
        cell = max(
            (c for c in per_cell if c[1] == over and per_cell[c] > low[c]),
            key=lambda c: (per_cell[c] - low[c], c),
        )
        cut = per_cell[cell] - min(over_by, per_cell[cell] - low[cell])
        stack.append(({**low, cell: cut + 1}, high))
        stack.append((low, {**high, cell: cut}))
    return None


Cell = tuple[str, str]  # (category, booth type)
Edge = tuple[int, int, int, int]  # (from, to, lowest flow, highest flow)


def _overfull_type(problem: _Problem, per_cell: Mapping[Cell, int]) -> tuple[str | None, int]:
    """The first booth type (by name) the flow overfills, and by how many."""
    used = Counter()
    for (_, booth_type), n in per_cell.items():
        used[booth_type] += n
    for booth_type in sorted(used):
        excess = used[booth_type] - problem.capacity.get(booth_type, 0)
        if excess > 0:
            return booth_type, excess
    return None, 0


class _Networks:
    """The two flow networks of one :func:`solve`, built once but for the cell bounds.

    Node 0 is the source and node 1 the sink; an edge is ``(from, to, low, high)``.
    ``top`` is each cell's first upper bound: its applicants, at most its type's
    booths left."""

    def __init__(self, problem: _Problem, groups: Mapping[Group, int]):
        self.problem = problem
        applicants = Counter()
        supply = Counter()
        for (district, category, booth_type), n in groups.items():
            applicants[category, booth_type] += n
            supply[district, booth_type] += n
        self.top = {
            cell: min(n, problem.capacity[cell[1]]) for cell, n in sorted(applicants.items())
        }
        self.cells = list(self.top)
        districts = sorted({*problem.district, *(g[0] for g in groups)})
        categories = sorted({*problem.category, *(g[1] for g in groups)})
        # An upper bound of any flow: everything chosen goes through one cell.
        self.unbounded = sum(self.top.values())
        district_node = {name: i for i, name in enumerate(districts, start=2)}
        bounds = [problem.district.get(name, (0, None)) for name in districts]
        self.district_edges = [
            (0, district_node[name], lo, self.unbounded if hi is None else hi)
            for name, (lo, hi) in zip(districts, bounds, strict=True)
        ]
        self.supply = supply

        # District → cell → category: booth types left out but for the cell bounds.
        category_node = {name: i for i, name in enumerate(categories, start=2 + len(districts))}
        bounds = [problem.category.get(name, (0, None)) for name in categories]
        self.category_edges = [
            (category_node[name], 1, lo, self.unbounded if hi is None else hi)
            for name, (lo, hi) in zip(categories, bounds, strict=True)
        ]
        first_cell = 2 + len(districts) + len(categories)
        cell_node = {cell: i for i, cell in enumerate(self.cells, start=first_cell)}
        self.cell_ends = [(cell_node[cell], category_node[cell[0]]) for cell in self.cells]
        self.groups = sorted(groups)
        self.group_edges = [
            (district_node[d], cell_node[c, t], 0, groups[d, c, t]) for d, c, t in self.groups
        ]
        self.size = first_cell + len(self.cells)

    def types_can_hold(self, low: Mapping[Cell, int], high: Mapping[Cell, int]) -> bool:
        """:func:`types_can_hold` with each type between the sum of its cells' lower
        bounds and the smaller of its booths left and the sum of their upper bounds."""
        floor, ceiling = Counter(), Counter()
        for cell in self.cells:
            floor[cell[1]] += low[cell]
            ceiling[cell[1]] += high[cell]
        capacity = self.problem.capacity
        types = {t: (floor[t], min(ceiling[t], capacity.get(t, 0))) for t in ceiling}
        return types_can_hold(self.problem.district, types, self.supply)

    def circulation(
        self, low: Mapping[Cell, int], high: Mapping[Cell, int]
    ) -> tuple[dict[Group, int], dict[Cell, int]] | None:
        """A feasible flow of the district → cell → category network, or None: how many
        are chosen from each group, and in each cell."""
        cell_edges = [
            (u, v, low[cell], high[cell])
            for cell, (u, v) in zip(self.cells, self.cell_ends, strict=True)
        ]
        edges = [
            (1, 0, 0, self.unbounded),
            *self.district_edges,
            *self.category_edges,
            *cell_edges,
            *self.group_edges,
        ]
        flows = _feasible_flow(self.size, edges)
        if flows is None:
            return None
        first_cell = 1 + len(self.district_edges) + len(self.category_edges)
        first_group = first_cell + len(self.cells)
        per_cell = dict(zip(self.cells, flows[first_cell:first_group], strict=True))
        chosen = dict(zip(self.groups, flows[first_group:], strict=True))
        return chosen, per_cell


def types_can_hold(
    district: Mapping[str, tuple[int, int | None]],
    types: Mapping[str, tuple[int, int]],
    supply: Mapping[tuple[str, str], int],
) -> bool:
    """Can every district get between its (lowest, highest) number with only booth
    types in view (categories left out), each type between its (lowest, highest)?

    ``supply`` gives the applicants of each (district, booth type). A flow source →
    district → booth type → sink; a necessary condition for :func:`solve`'s
    question, much smaller than its network."""
    districts = sorted({*district, *(d for d, _ in supply)})
    node = {("d", name): i for i, name in enumerate(districts, start=2)}
    node.update({("t", name): i for i, name in enumerate(sorted(types), start=len(node) + 2)})
    unbounded = sum(high for _, high in types.values())  # all the flow goes through types
    edges = [(1, 0, 0, unbounded)]
    for name in districts:
        lo, hi = district.get(name, (0, None))
        edges.append((0, node["d", name], lo, unbounded if hi is None else hi))
    for name, (lo, hi) in sorted(types.items()):
        edges.append((node["t", name], 1, lo, hi))
    for (name, booth_type), n in sorted(supply.items()):
        if n > 0 and ("t", booth_type) in node:
            edges.append((node["d", name], node["t", booth_type], 0, n))
    return _feasible_flow(len(node) + 2, edges) is not None


def _feasible_flow(size: int, edges: list[Edge]) -> list[int] | None:
    """A flow on each edge ``(u, v, low, high)`` between its bounds, conserved at each
    of the ``size`` nodes, or None when there is none (the textbook reduction of
    lower bounds to one max-flow from a new source to a new sink)."""
    if any(lo > hi for _, _, lo, hi in edges):
        return None
    network = _Network(size + 2)
    source, sink = size, size + 1
    excess = [0] * size
    handles = []
    for u, v, lo, hi in edges:
        handles.append(network.add(u, v, hi - lo))
        excess[v] += lo
        excess[u] -= lo
    for node, amount in enumerate(excess):
        if amount > 0:
            network.add(source, node, amount)
        elif amount < 0:
            network.add(node, sink, -amount)
    needed = sum(amount for amount in excess if amount > 0)
    if network.max_flow(source, sink) != needed:
        return None
    return [lo + network.flow(h) for (_, _, lo, _), h in zip(edges, handles, strict=True)]


class _Network:
    """Dinic's max-flow; edge ``e`` and its reverse ``e ^ 1`` are stored side by side."""

    def __init__(self, size: int):
        self.adjacent: list[list[int]] = [[] for _ in range(size)]
        self.head: list[int] = []
        self.residual: list[int] = []
        self.capacity: list[int] = []

    def add(self, u: int, v: int, capacity: int) -> int:
        edge = len(self.head)
        self.adjacent[u].append(edge)
        self.adjacent[v].append(edge + 1)
        self.head += (v, u)
        self.residual += (capacity, 0)
        self.capacity += (capacity, 0)
        return edge

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
    if feasible(minimums):  # then each one alone is feasible too
        return []
    problems = [
        f"{label}: minimum {q.minimum} cannot be met (too few applicants or booths)"
        for label, kind, name, q in minimums
        if not feasible([(label, kind, name, q)])
    ]
    if problems:
        return problems
    kept: list[tuple[str, str, str, Quota]] = []
    for item in minimums:
        if feasible([*kept, item]):
            kept.append(item)
        else:
            together = ", ".join(label for label, *_ in kept)
            problems.append(f"{item[0]}: minimum {item[3].minimum} cannot be met with {together}")
    return problems
