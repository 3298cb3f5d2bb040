"""Draw inputs for the fair benchmarks: applicants, quotas and booths, no database.

Deterministic (same seed, same inputs), pure Python like fairs.draw itself:

- ``provincial()``: 1,000 applications for 300 booths in 5 zones, from the 9 districts
  of Sa Kaeo (2701 … 2709);
- ``national()``: 10,000 applications for 2,500 booths in 20 zones, from the 77
  provinces (their two-digit codes, 10 … 96).

Each returns ``(applicants, quotas, booths, public_source)`` ready for
``fairs.draw.draw``. A district (or province) must get at least half and at most one
and a half times its even share of the booths (``floor(0.5·N/D)`` and
``ceil(1.5·N/D)``), a category at least 5 % and at most 40 % of them. Applicants are
skewed as at a real fair: many food stalls, few fresh-produce ones; some provinces
send many applicants, some few; some zones are everyone's first choice. The policy is
checked with ``fairs.draw.check_policy`` and any minimum it names is relaxed (none is
for the default seed).
"""

import math
import random

from fairs.draw import Applicant, Quota, Quotas, check_policy

SEED = 2568
SA_KAEO_DISTRICTS = tuple(str(code) for code in range(2701, 2710))
PROVINCES = tuple(
    f"{code}"
    for first, last in ((10, 27), (30, 49), (50, 58), (60, 67), (70, 77), (80, 86), (90, 96))
    for code in range(first, last + 1)
)
CATEGORY_WEIGHTS = {
    "food": 34,
    "beverage": 14,
    "textile": 20,
    "decor": 13,
    "herbal": 11,
    "fresh": 8,
}
# The booth type an applicant of each category asks for, with its weight.
BOOTH_TYPE_WEIGHTS = {
    "food": {"food": 8, "std": 1, "double": 1},
    "beverage": {"food": 5, "std": 4, "double": 1},
    "textile": {"std": 7, "double": 3},
    "decor": {"std": 7, "double": 3},
    "herbal": {"std": 8, "double": 1, "fresh": 1},
    "fresh": {"fresh": 8, "std": 2},
}
# Share of the booths of each type.
BOOTH_SHARES = {"std": 0.45, "food": 0.30, "fresh": 0.13, "double": 0.12}
STAR_WEIGHTS = (30, 10, 15, 20, 15, 10)  # 0 … 5 stars
MISS_WEIGHTS = (55, 25, 12, 8)  # 0 … 3 consecutive misses

assert len(PROVINCES) == 77


def provincial(seed: int = SEED):
    """1,000 applications, 300 booths, 9 districts, 5 zones."""
    return generate(
        random.Random(seed), applications=1_000, booths=300, districts=SA_KAEO_DISTRICTS, zones=5
    )


def national(seed: int = SEED):
    """10,000 applications, 2,500 booths, 77 provinces, 20 zones."""
    return generate(
        random.Random(seed), applications=10_000, booths=2_500, districts=PROVINCES, zones=20
    )


def generate(rng: random.Random, *, applications: int, booths: int, districts, zones: int):
    zone_names = [f"Z{i:02d}" for i in range(1, zones + 1)]
    layout = _booths(rng, booths, zone_names)
    applicants = _applicants(rng, applications, districts, zone_names)
    quotas = _quotas(booths, districts)
    capacities = {t: sum(types[t] for types in layout.values()) for t in BOOTH_SHARES}
    problems = check_policy(applicants, quotas, capacities)
    if problems:
        quotas = _relaxed(quotas, problems)
        assert not check_policy(applicants, quotas, capacities)
    source = " ".join(f"{rng.randrange(10**n):0{n}d}" for n in (6, 3, 3, 3, 3, 2))
    return applicants, quotas, layout, f"2025-06-16 {source}"


def _booths(rng: random.Random, total: int, zones: list[str]) -> dict[str, dict[str, int]]:
    """Each type's booths spread over the zones, unevenly; ``total`` in all."""
    counts = {t: math.floor(total * share) for t, share in BOOTH_SHARES.items()}
    counts["std"] += total - sum(counts.values())
    layout = {zone: dict.fromkeys(BOOTH_SHARES, 0) for zone in zones}
    for booth_type, count in counts.items():
        sizes = [rng.uniform(0.5, 1.5) for _ in zones]
        for _ in range(count):
            zone = rng.choices(zones, weights=sizes)[0]
            layout[zone][booth_type] += 1
    return layout


def _applicants(rng: random.Random, count: int, districts, zones: list[str]) -> list[Applicant]:
    district_weights = [rng.uniform(0.4, 2.0) for _ in districts]
    zone_weights = [rng.uniform(0.2, 3.0) for _ in zones]
    categories, category_weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    numbers = rng.sample(range(1, 4 * count), count)  # not consecutive: some withdrew
    people = []
    for number in sorted(numbers):
        category = rng.choices(categories, weights=category_weights)[0]
        types, type_weights = zip(*BOOTH_TYPE_WEIGHTS[category].items(), strict=True)
        ranked = []
        while len(ranked) < 3:
            zone = rng.choices(zones, weights=zone_weights)[0]
            if zone not in ranked:
                ranked.append(zone)
        people.append(
            Applicant(
                number=number,
                district=rng.choices(districts, weights=district_weights)[0],
                category=category,
                booth_type=rng.choices(types, weights=type_weights)[0],
                zones=tuple(ranked),
                stars=rng.choices(range(6), weights=STAR_WEIGHTS)[0],
                misses=rng.choices(range(4), weights=MISS_WEIGHTS)[0],
                no_show_last=rng.random() < 0.04,
                prime_last=rng.random() < 0.08,
            )
        )
    return people


def _quotas(booths: int, districts) -> Quotas:
    share = booths / len(districts)
    district = Quota(math.floor(0.5 * share), math.ceil(1.5 * share))
    category = Quota(math.floor(0.05 * booths), math.ceil(0.40 * booths))
    return Quotas(
        district=dict.fromkeys(districts, district),
        category=dict.fromkeys(CATEGORY_WEIGHTS, category),
    )


def _relaxed(quotas: Quotas, problems: list[str]) -> Quotas:
    """The quotas with every minimum that check_policy named set to zero."""
    named = {problem.split(":")[0] for problem in problems}

    def relax(kind: str, table):
        return {
            name: Quota(0, q.maximum) if f"{kind} {name}" in named else q
            for name, q in table.items()
        }

    return Quotas(relax("district", quotas.district), relax("category", quotas.category))
