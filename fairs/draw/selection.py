"""Step 5: go down the draw order and take each applicant who fits."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from .core import (
    SKIP_CATEGORY_MAX,
    SKIP_DISTRICT_MAX,
    SKIP_TYPE_FULL,
    SKIP_WITHDRAWN,
    SKIP_WOULD_BREAK_MINIMUM,
    Applicant,
    DrawEntry,
    Group,
    PolicyInfeasible,
    Quota,
    Quotas,
    Skip,
)
from .feasibility import _Problem, _problem, check_policy, solve, types_can_hold


def select(
    order: Sequence[DrawEntry],
    applicants: Iterable[Applicant],
    quotas: Quotas,
    capacities: Mapping[str, int],
    withdrawn: Iterable[int] = (),
) -> tuple[tuple[int, ...], dict[int, Skip]]:
    """Go down the draw order and take each applicant who fits; skip the rest with a reason.

    An applicant is taken when their booth type has room, their district's and
    category's maximums are not reached, and every minimum can still be met
    afterwards by some choice among the applicants not yet considered (the exact
    question of :func:`solve`). "would_break_minimum" means exactly that no such
    choice exists; its subject names the minimums still open.

    Guarantee: if :func:`check_policy` finds the quotas feasible, the selection
    meets every minimum and maximum and no booth type is over capacity. The
    reason: a witness (a choice from the not-yet-considered applicants that meets
    every remaining minimum) is kept at every step, and an applicant is taken
    only when a witness exists afterwards; skipping an applicant the witness does
    not use keeps it valid. When the list is exhausted the witness is empty, so
    the minimums are met.

    The answer to "can every minimum still be met?" is found the cheapest way
    that is still exact: yes when the witness plans an applicant of the same
    group (it plans one fewer) or still fits every bound as it is or less one
    planned applicant (checked against the running totals); no when even the
    smaller district → booth type flow of :func:`types_can_hold` fails; no when
    an earlier applicant of the same group was refused, or of the same district
    and booth type by that smaller flow (taking a later one is never easier:
    whatever could follow the later one could follow the earlier one, the later
    one included); otherwise :func:`solve` decides. Every answer is the one
    :func:`solve` would give, so the selection is the same as asking it for each
    applicant.

    ``withdrawn`` are applications withdrawn after the list was frozen: they keep
    their place in the list (so nobody else's key changes) and are skipped.
    """
    gone = frozenset(withdrawn)
    by_number = {a.number: a for a in applicants}
    remaining = Counter(a.group for a in by_number.values() if a.number not in gone)
    witness = solve(_problem(quotas, capacities, remaining))
    if witness is None:
        raise PolicyInfeasible(check_policy(by_number.values(), quotas, capacities))
    tally = _Tally(quotas, capacities, remaining, witness)
    selected, skips = [], {}
    for entry in order:
        if entry.number in gone:
            skips[entry.number] = Skip(SKIP_WITHDRAWN, "")
            continue
        group = by_number[entry.number].group
        tally.consider(group)
        skip = tally.limit_reached(group)
        if skip is None:
            skip = tally.try_take(group)
        if skip is None:
            tally.take(group)
            selected.append(entry.number)
        else:
            skips[entry.number] = skip
    return tuple(selected), skips


_NO_QUOTA = Quota()


class _Tally:
    """The running totals of the selection: how many taken per district, category
    and booth type, the witness with its own totals, and the groups refused for
    the minimums. Index 0, 1, 2 of a total is district, category, booth type."""

    def __init__(
        self,
        quotas: Quotas,
        capacities: Mapping[str, int],
        remaining: Mapping[Group, int],
        witness: dict[Group, int],
    ):
        self.quotas = quotas
        self.capacities = capacities
        self.remaining = remaining
        self.supply = Counter()  # applicants not yet considered by (district, booth type)
        for (district, _, booth_type), n in remaining.items():
            self.supply[district, booth_type] += n
        self.taken: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())
        # The quotas whose minimum is not met yet, as (0, district) and (1, category).
        self.short = {(0, d) for d, q in quotas.district.items() if q.minimum > 0}
        self.short |= {(1, c) for c, q in quotas.category.items() if q.minimum > 0}
        self.refused: set[Group] = set()
        self.refused_pairs: set[tuple[str, str]] = set()  # (district, booth type)
        self._witness(witness)

    def _witness(self, witness: dict[Group, int]) -> None:
        self.witness = witness
        self.planned: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())
        for g, n in witness.items():
            for i in range(3):
                self.planned[i][g[i]] += n

    def _unplan(self, group: Group) -> None:
        self.witness[group] -= 1
        for i in range(3):
            self.planned[i][group[i]] -= 1

    def _quota(self, index: int, name: str) -> Quota:
        table = self.quotas.district if index == 0 else self.quotas.category
        return table.get(name, _NO_QUOTA)

    def consider(self, group: Group) -> None:
        """The next applicant in the draw order is of ``group``."""
        self.remaining[group] -= 1
        self.supply[group[0], group[2]] -= 1

    def limit_reached(self, group: Group) -> Skip | None:
        district, category, booth_type = group
        if self.taken[2][booth_type] >= self.capacities.get(booth_type, 0):
            return Skip(SKIP_TYPE_FULL, booth_type)
        maximum = self._quota(0, district).maximum
        if maximum is not None and self.taken[0][district] >= maximum:
            return Skip(SKIP_DISTRICT_MAX, district)
        maximum = self._quota(1, category).maximum
        if maximum is not None and self.taken[1][category] >= maximum:
            return Skip(SKIP_CATEGORY_MAX, category)
        return None

    def take(self, group: Group) -> None:
        for i in range(3):
            self.taken[i][group[i]] += 1
        for i in range(2):
            if self.taken[i][group[i]] >= self._quota(i, group[i]).minimum:
                self.short.discard((i, group[i]))

    def try_take(self, group: Group) -> Skip | None:
        """None, with the witness updated, when every minimum can still be met after
        taking one applicant of ``group``; else the skip, and the witness unchanged."""
        if self._minimums_met_after(group):
            self._witness({})
            return None
        if self.witness.get(group, 0) > 0:
            self._unplan(group)
            return None
        if group in self.refused or (group[0], group[2]) in self.refused_pairs:
            return self._refuse(group)
        if self._fits_after(group, None):
            return None
        # Cheap repair before the exact search: drop one unit the witness planned elsewhere.
        for other in sorted(g for g, n in self.witness.items() if n):
            if self._fits_after(group, other):
                self._unplan(other)
                return None
        after = self._after(group)
        types = {t: (0, n) for t, n in after.capacity.items()}
        if not types_can_hold(after.district, types, self.supply):
            self.refused_pairs.add((group[0], group[2]))
            return self._refuse(group)
        found = solve(after)
        if found is not None:
            self._witness(found)
            return None
        self.refused.add(group)
        return self._refuse(group)

    def _minimums_met_after(self, group: Group) -> bool:
        met = sum(
            1
            for i in range(2)
            if (i, group[i]) in self.short
            and self.taken[i][group[i]] + 1 >= self._quota(i, group[i]).minimum
        )
        return len(self.short) == met

    def _fits_after(self, group: Group, dropped: Group | None) -> bool:
        """Does the witness, less one applicant of ``dropped`` when given, fit every bound
        once one applicant of ``group`` (which the witness does not plan) is taken?

        The witness fit every bound before; taking one applicant lowers only the
        maximums of its district and category and the booths left of its type, and
        never raises a minimum, so only these, and the minimums of ``dropped``'s
        district and category, need a look."""
        for i in range(2):
            name = group[i]
            maximum = self._quota(i, name).maximum
            planned = self.planned[i][name] - (dropped is not None and dropped[i] == name)
            if maximum is not None and planned > maximum - self.taken[i][name] - 1:
                return False
            if dropped is not None:
                name = dropped[i]
                already = self.taken[i][name] + (group[i] == name)
                if self.planned[i][name] - 1 < self._quota(i, name).minimum - already:
                    return False
        booth_type = group[2]
        planned = self.planned[2][booth_type] - (dropped is not None and dropped[2] == booth_type)
        return planned <= self.capacities.get(booth_type, 0) - self.taken[2][booth_type] - 1

    def _after(self, group: Group) -> _Problem:
        """The open problem once one applicant of ``group`` is taken."""

        def bounds(index: int, name: str, quota: Quota) -> tuple[int, int | None]:
            already = self.taken[index][name] + (group[index] == name)
            high = None if quota.maximum is None else quota.maximum - already
            return (max(0, quota.minimum - already), high)

        taken_types = self.taken[2]
        return _Problem(
            district={d: bounds(0, d, q) for d, q in self.quotas.district.items()},
            category={c: bounds(1, c, q) for c, q in self.quotas.category.items()},
            capacity={t: n - taken_types[t] - (group[2] == t) for t, n in self.capacities.items()},
            groups=dict(self.remaining),
        )

    def _refuse(self, group: Group) -> Skip:
        """The skip for would_break_minimum: the minimums still open after taking."""
        unmet = []
        for index, prefix, table in (
            (0, "district ", self.quotas.district),
            (1, "", self.quotas.category),
        ):
            for name, quota in sorted(table.items()):
                already = self.taken[index][name] + (group[index] == name)
                if quota.minimum - already > 0:
                    unmet.append(f"{prefix}{name}")
        return Skip(SKIP_WOULD_BREAK_MINIMUM, ", ".join(unmet))
