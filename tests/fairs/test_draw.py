"""The booth lottery (fairs/draw/): pure functions, no database."""

import hashlib
import hmac
import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairs.draw import (
    ALGORITHM_VERSION,
    SKIP_CATEGORY_MAX,
    SKIP_DISTRICT_MAX,
    SKIP_TYPE_FULL,
    SKIP_WITHDRAWN,
    SKIP_WOULD_BREAK_MINIMUM,
    Applicant,
    DrawEntry,
    PolicyInfeasible,
    Quota,
    Quotas,
    Skip,
    assign_booths,
    canonical_list,
    check_policy,
    draw,
    draw_order,
    frozen_list_hash,
    one_line_reason,
    seed,
    select,
    solve,
    tickets,
)
from fairs.draw.feasibility import _problem


def applicant(number, district="D1", category="food", booth_type="std", zones=("A",), **extra):
    fields = {"stars": 0, "misses": 0, "no_show_last": False, "prime_last": False, **extra}
    return Applicant(number, district, category, booth_type, tuple(zones), **fields)


def in_order(*numbers):
    """A hand-made draw order, so that a test can say who comes first."""
    return [DrawEntry(i, n, 1, 0.5, 0.5) for i, n in enumerate(numbers, start=1)]


# --- tickets, hash, seed, order ------------------------------------------------------


@pytest.mark.parametrize(
    ("stars", "misses", "no_show", "expected"),
    [
        (0, 0, False, 1),
        (2, 0, False, 1),
        (3, 0, False, 2),
        (5, 0, False, 2),
        (0, 1, False, 2),
        (0, 2, False, 3),
        (0, 7, False, 3),  # misses count at most +2
        (4, 5, False, 4),
        (5, 2, True, 1),  # back to one ticket after a no-show
    ],
)
def test_tickets_follow_the_published_rule(stars, misses, no_show, expected):
    assert tickets(applicant(1, stars=stars, misses=misses, no_show_last=no_show)) == expected


TWO = [
    applicant(2, "2706", "craft", "standard", ("B",), misses=2, prime_last=True),
    applicant(1, "2701", "food", "food", ("A", "B"), stars=3),
]


def test_the_list_hash_is_sha256_of_the_documented_text_sorted_by_number():
    text = (
        "number,district,category,booth_type,zones,stars,misses,no_show_last,prime_last\n"
        "1,2701,food,food,A;B,3,0,0,0\n"
        "2,2706,craft,standard,B,0,2,0,1\n"
    )
    assert canonical_list(TWO) == text
    assert frozen_list_hash(TWO) == hashlib.sha256(text.encode()).hexdigest()
    assert frozen_list_hash(TWO) == (
        "62fe9739125a5e11ac54db7a0270761eb3848bae8fb3ca17db5794830639d963"
    )


def test_the_seed_is_sha256_of_hash_source_and_version_on_separate_lines():
    list_hash = "62fe9739125a5e11ac54db7a0270761eb3848bae8fb3ca17db5794830639d963"
    source = "2025-06-16 123456 111 222 333 444 55"
    expected = hashlib.sha256(f"{list_hash}\n{source}\n1".encode()).hexdigest()
    assert seed(list_hash, source, "1") == expected
    assert expected == "7907ea7e3c862f80c694b17cee7ac63ce621211d5074ab5a45e8f057955cb0c8"


def test_a_member_of_the_public_can_recompute_a_key_from_the_seed():
    seed_hex = "7907ea7e3c862f80c694b17cee7ac63ce621211d5074ab5a45e8f057955cb0c8"
    order = draw_order(TWO, seed_hex)
    first = next(e for e in order if e.number == 1)
    digest = hmac.new(seed_hex.encode(), b"1", hashlib.sha256).digest()
    u = (int.from_bytes(digest[:8], "big") + 0.5) / 2**64
    assert first.u == u
    assert first.key == u ** (1 / 2)
    assert [e.number for e in order] == [1, 2]
    assert first.key == pytest.approx(0.9368304061737976)


def test_the_order_is_a_function_of_the_seed():
    people = [applicant(n, stars=n % 6, misses=n % 3) for n in range(1, 51)]
    once = draw_order(people, "a" * 64)
    assert draw_order(list(reversed(people)), "a" * 64) == once
    assert [e.number for e in draw_order(people, "b" * 64)] != [e.number for e in once]
    assert [e.position for e in once] == list(range(1, 51))
    assert all(a.key >= b.key for a, b in itertools.pairwise(once))


def test_a_duplicated_application_number_is_refused():
    with pytest.raises(ValueError, match="twice"):
        frozen_list_hash([applicant(1), applicant(1, district="D2")])


# --- selection ----------------------------------------------------------------------


def test_booths_are_kept_for_an_unmet_district_minimum():
    people = [applicant(1), applicant(2), applicant(3), applicant(4, district="D2")]
    quotas = Quotas(district={"D2": Quota(minimum=1)})
    selected, skips = select(in_order(1, 2, 3, 4), people, quotas, {"std": 3})
    assert selected == (1, 2, 4)
    assert skips == {3: Skip(SKIP_WOULD_BREAK_MINIMUM, "district D2")}


def test_maximums_and_capacity_are_respected_with_reasons():
    people = [
        applicant(1, category="food"),
        applicant(2, category="food"),
        applicant(3, category="craft", district="D2"),
        applicant(4, category="craft", district="D2"),
        applicant(5, category="craft", booth_type="double"),
        applicant(6, category="craft", booth_type="double"),
    ]
    quotas = Quotas(district={"D2": Quota(maximum=1)}, category={"food": Quota(maximum=1)})
    selected, skips = select(in_order(1, 2, 3, 4, 5, 6), people, quotas, {"std": 5, "double": 1})
    assert selected == (1, 3, 5)
    assert skips == {
        2: Skip(SKIP_CATEGORY_MAX, "food"),
        4: Skip(SKIP_DISTRICT_MAX, "D2"),
        6: Skip(SKIP_TYPE_FULL, "double"),
    }


def test_booth_types_are_part_of_the_exact_check():
    # Without booth types the minimums look reachable (applicant 3 for D1, 4 for craft),
    # but both need the one standard booth left after applicant 1.
    people = [
        applicant(1, district="D2", category="food"),
        applicant(2, district="D2", category="food", booth_type="food"),
        applicant(3, district="D1", category="food"),
        applicant(4, district="D2", category="craft"),
        applicant(5, district="D1", category="craft"),
    ]
    quotas = Quotas(district={"D1": Quota(minimum=1)}, category={"craft": Quota(minimum=1)})
    selected, skips = select(in_order(1, 2, 3, 4, 5), people, quotas, {"std": 2, "food": 1})
    assert selected == (1, 2, 5)
    assert skips[3].code == SKIP_WOULD_BREAK_MINIMUM
    assert skips[4].code == SKIP_WOULD_BREAK_MINIMUM


def test_check_policy_names_a_minimum_nobody_can_fill():
    people = [applicant(1, district="D1"), applicant(2, district="D2")]
    quotas = Quotas(district={"D2": Quota(minimum=2), "D1": Quota(minimum=1)})
    assert check_policy(people, quotas, {"std": 5}) == [
        "district D2: minimum 2 cannot be met (too few applicants or booths)"
    ]


def test_check_policy_names_minimums_that_conflict_only_together():
    people = [applicant(1, "D1", "craft"), applicant(2, "D1", "craft"), applicant(3, "D2", "food")]
    quotas = Quotas(district={"D1": Quota(minimum=2)}, category={"food": Quota(minimum=1)})
    assert check_policy(people, quotas, {"std": 2}) == [
        "category food: minimum 1 cannot be met with district D1"
    ]
    assert check_policy(people, quotas, {"std": 3}) == []


def test_check_policy_names_a_minimum_above_its_maximum():
    quotas = Quotas(category={"food": Quota(minimum=3, maximum=2)})
    assert check_policy([applicant(1)], quotas, {"std": 1}) == [
        "category food: minimum 3 is above maximum 2"
    ]


def test_an_infeasible_policy_stops_the_draw():
    quotas = Quotas(district={"D9": Quota(minimum=1)})
    with pytest.raises(PolicyInfeasible) as caught:
        draw([applicant(1)], quotas, {"A": {"std": 1}}, "source")
    assert caught.value.problems == [
        "district D9: minimum 1 cannot be met (too few applicants or booths)"
    ]


# --- zones and booth numbers ---------------------------------------------------------


def test_last_fairs_prime_holders_choose_after_everyone_else():
    people = [
        applicant(1, zones=("FRONT", "BACK"), prime_last=True),
        applicant(2, zones=("FRONT", "BACK")),
    ]
    booths = {"FRONT": {"std": 1}, "BACK": {"std": 1}}
    assignments = assign_booths(in_order(1, 2), (1, 2), people, booths)
    assert assignments[2].zone == "FRONT"
    assert assignments[1].zone == "BACK"


def test_a_full_zone_sends_the_applicant_to_their_next_choice_then_any_zone():
    people = [
        applicant(1, zones=("A",)),
        applicant(2, zones=("A", "B")),
        applicant(3, zones=("A",)),
    ]
    booths = {"A": {"std": 1}, "B": {"std": 1}, "C": {"std": 1}}
    assignments = assign_booths(in_order(1, 2, 3), (1, 2, 3), people, booths)
    assert [assignments[n].zone for n in (1, 2, 3)] == ["A", "B", "C"]


def test_neighbours_in_a_zone_differ_in_category_when_possible():
    categories = ["food"] * 4 + ["craft"] * 3 + ["cloth"] * 2
    people = [applicant(n, category=c) for n, c in enumerate(categories, start=1)]
    numbers = [a.number for a in people]
    assignments = assign_booths(in_order(*numbers), numbers, people, {"A": {"std": 9}})
    row = sorted(people, key=lambda a: assignments[a.number].booth)
    assert [assignments[a.number].booth for a in row] == list(range(1, 10))
    assert all(left.category != right.category for left, right in itertools.pairwise(row))


def test_one_line_reason_gives_position_tickets_skip_and_waitlist():
    people = [applicant(n, category="food", stars=4) for n in range(1, 4)]
    quotas = Quotas(category={"food": Quota(maximum=1)})
    result = draw(people, quotas, {"A": {"std": 3}}, "source")
    last = result.order[-1]
    explained = one_line_reason(result, last.number)
    assert explained.sentence == (
        "draw position 3 of 3, 2 tickets; skipped: food maximum reached; waitlist 2"
    )
    assert (explained.position, explained.waitlist_position, explained.selected) == (3, 2, False)
    first = one_line_reason(result, result.order[0].number)
    assert first.sentence == "draw position 1 of 3, 2 tickets; selected: zone A, booth 1"


# --- properties ----------------------------------------------------------------------

DISTRICTS, CATEGORIES, TYPES, ZONES = (
    ("D1", "D2", "D3"),
    ("food", "craft", "cloth"),
    ("s", "f"),
    "AB",
)


@st.composite
def scenarios(draw_, max_people=25):
    rows = draw_(
        st.lists(
            st.tuples(
                st.sampled_from(DISTRICTS),
                st.sampled_from(CATEGORIES),
                st.sampled_from(TYPES),
                st.lists(st.sampled_from(ZONES), unique=True, max_size=2),
                st.integers(0, 5),
                st.integers(0, 3),
                st.booleans(),
                st.booleans(),
            ),
            max_size=max_people,
        )
    )
    numbers = draw_(
        st.lists(st.integers(1, 999), min_size=len(rows), max_size=len(rows), unique=True)
    )
    people = [
        Applicant(n, d, c, t, tuple(z), *rest)
        for n, (d, c, t, z, *rest) in zip(numbers, rows, strict=True)
    ]

    def quota():
        low = draw_(st.integers(0, 3))
        high = draw_(st.one_of(st.none(), st.integers(low, low + 4)))
        return Quota(low, high)

    quotas = Quotas(
        district={d: quota() for d in draw_(st.sets(st.sampled_from(DISTRICTS)))},
        category={c: quota() for c in draw_(st.sets(st.sampled_from(CATEGORIES)))},
    )
    booths = {z: {t: draw_(st.integers(0, 4)) for t in TYPES} for z in ZONES}
    return people, quotas, booths


def capacities_of(booths):
    capacity = Counter()
    for types in booths.values():
        capacity.update(types)
    return capacity


def meets_every_bound(quotas, booths, chosen):
    counts = [Counter(getattr(a, f) for a in chosen) for f in ("district", "category")]
    for count, table in zip(counts, (quotas.district, quotas.category), strict=True):
        for name, q in table.items():
            if count[name] < q.minimum or (q.maximum is not None and count[name] > q.maximum):
                return False
    by_type = Counter(a.booth_type for a in chosen)
    return all(by_type[t] <= n for t, n in capacities_of(booths).items())


@settings(max_examples=150, deadline=None)
@given(scenarios(), st.text(max_size=20))
def test_a_feasible_policy_is_always_met(scenario, source):
    people, quotas, booths = scenario
    if check_policy(people, quotas, capacities_of(booths)):
        return
    result = draw(people, quotas, booths, source)
    by_number = {a.number: a for a in people}
    chosen = [by_number[n] for n in result.selected]
    assert meets_every_bound(quotas, booths, chosen)
    assert set(result.assignments) == set(result.selected)
    places = Counter((x.zone, by_number[n].booth_type) for n, x in result.assignments.items())
    assert all(n <= booths[zone][t] for (zone, t), n in places.items())
    assert [w.number for w in result.waitlist] == [
        e.number for e in result.order if e.number not in result.selected
    ]
    assert set(result.skips) == {w.number for w in result.waitlist}


@settings(max_examples=150, deadline=None)
@given(scenarios(max_people=9))
def test_check_policy_agrees_with_trying_every_subset(scenario):
    people, quotas, booths = scenario
    feasible = any(
        meets_every_bound(quotas, booths, subset)
        for size in range(len(people) + 1)
        for subset in itertools.combinations(people, size)
    )
    assert (check_policy(people, quotas, capacities_of(booths)) == []) == feasible


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_shuffling_the_input_list_changes_nothing(scenario, rng):
    people, quotas, booths = scenario
    if check_policy(people, quotas, capacities_of(booths)):
        return
    shuffled = list(people)
    rng.shuffle(shuffled)
    assert draw(shuffled, quotas, booths, "source") == draw(people, quotas, booths, "source")


def test_more_tickets_come_first_more_often():
    one, three = applicant(1), applicant(2, misses=2)
    runs = 2000
    ahead = sum(
        draw_order([one, three], seed(f"{i}", "source", ALGORITHM_VERSION))[0].number == 2
        for i in range(runs)
    )
    # Efraimidis–Spirakis: 3 tickets beat 1 ticket with probability 3/4 (sd ≈ 0.01).
    assert 0.70 < ahead / runs < 0.80


def test_a_national_scale_draw_finishes_and_meets_its_quotas():
    rng = random.Random(6)
    districts = [f"27{i:02d}" for i in range(1, 10)]
    categories = ["food", "drink", "cloth", "craft", "herbal", "souvenir"]
    types = {"standard": 1500, "food": 500, "produce": 300, "double": 200}
    zones = ["A", "B", "C", "D", "E"]
    booths = {z: {t: n // len(zones) for t, n in types.items()} for z in zones}
    people = [
        applicant(
            n,
            rng.choice(districts),
            rng.choice(categories),
            rng.choices(list(types), weights=[6, 3, 2, 1])[0],
            rng.sample(zones, 3),
            stars=rng.randint(0, 5),
            misses=rng.randint(0, 3),
            no_show_last=rng.random() < 0.05,
            prime_last=rng.random() < 0.1,
        )
        for n in range(1, 10_001)
    ]
    quotas = Quotas(
        district={d: Quota(138, 417) for d in districts},
        category={c: Quota(125, 750) for c in categories},
    )
    result = draw(people, quotas, booths, "2025-06-16 123456")
    by_number = {a.number: a for a in people}
    chosen = [by_number[n] for n in result.selected]
    assert len(chosen) == 2500
    assert meets_every_bound(quotas, {"all": types}, chosen)
    assert len(result.waitlist) == 7500


# --- the selection's shortcuts give the plain rule's answer --------------------------


def plain_select(order, people, quotas, capacities, withdrawn):
    """The selection as the algorithm's description states it, with none of select()'s
    shortcuts: down the draw order, the limits, then one exact solve per applicant."""
    by_number = {a.number: a for a in people}
    remaining = Counter(a.group for a in people if a.number not in withdrawn)
    taken = Counter()
    selected, skips = [], {}

    def count(index, name):
        return sum(n for g, n in taken.items() if g[index] == name)

    for entry in order:
        if entry.number in withdrawn:
            skips[entry.number] = Skip(SKIP_WITHDRAWN, "")
            continue
        a = by_number[entry.number]
        remaining[a.group] -= 1
        district = quotas.district.get(a.district, Quota())
        category = quotas.category.get(a.category, Quota())
        after = _problem(quotas, capacities, remaining, taken + Counter({a.group: 1}))
        if count(2, a.booth_type) >= capacities.get(a.booth_type, 0):
            skips[entry.number] = Skip(SKIP_TYPE_FULL, a.booth_type)
        elif district.maximum is not None and count(0, a.district) >= district.maximum:
            skips[entry.number] = Skip(SKIP_DISTRICT_MAX, a.district)
        elif category.maximum is not None and count(1, a.category) >= category.maximum:
            skips[entry.number] = Skip(SKIP_CATEGORY_MAX, a.category)
        elif solve(after) is None:
            unmet = [f"district {d}" for d, (low, _) in sorted(after.district.items()) if low]
            unmet += [c for c, (low, _) in sorted(after.category.items()) if low]
            skips[entry.number] = Skip(SKIP_WOULD_BREAK_MINIMUM, ", ".join(unmet))
        else:
            taken[a.group] += 1
            selected.append(entry.number)
    return tuple(selected), skips


@st.composite
def tight_scenarios(draw_):
    """Many applicants for few booths and minimums met by one choice only just: the
    selection refuses applicants for the minimums again and again."""
    rng = draw_(st.randoms(use_true_random=False))
    people = [
        applicant(n, rng.choice(DISTRICTS), rng.choice(CATEGORIES), rng.choice(TYPES), stars=n % 6)
        for n in rng.sample(range(1, 999), draw_(st.integers(10, 60)))
    ]
    booths = {z: {t: rng.randint(0, 4) for t in TYPES} for z in ZONES}
    planned = []  # a choice that fills every booth it can: the minimums are its counts
    for booth_type, n in capacities_of(booths).items():
        of_type = [a for a in people if a.booth_type == booth_type]
        planned += rng.sample(of_type, min(n, len(of_type)))

    def quotas(field):
        counts = Counter(getattr(a, field) for a in planned)
        return {
            name: Quota(max(0, n - rng.randint(0, 1)), rng.choice([None, n, n + 1]))
            for name, n in counts.items()
        }

    return people, Quotas(district=quotas("district"), category=quotas("category")), booths


@settings(max_examples=300, deadline=None)
@given(st.one_of(scenarios(max_people=40), tight_scenarios()), st.text(max_size=8), st.data())
def test_select_gives_the_plain_rules_answer(scenario, source, data):
    people, quotas, booths = scenario
    capacities = capacities_of(booths)
    numbers = [a.number for a in people]
    withdrawn = data.draw(st.sets(st.sampled_from(numbers), max_size=3)) if numbers else set()
    if check_policy([a for a in people if a.number not in withdrawn], quotas, capacities):
        return
    order = draw_order(people, seed(frozen_list_hash(people), source, ALGORITHM_VERSION))
    expected = plain_select(order, people, quotas, capacities, withdrawn)
    assert select(order, people, quotas, capacities, withdrawn) == expected


def test_too_few_booths_for_a_minimum_is_found_without_a_long_search():
    # The district minimums fit, but food needs 92 of the 86 booths. The first exact
    # search split on one (district, category, type) group at a time and needed
    # minutes to rule out every split of the excess; the per-type flow rules it out.
    people = [applicant(n, f"D{n % 4}", "food", "sf"[n % 3 == 0]) for n in range(1, 291)]
    quotas = Quotas(
        district={"D0": Quota(12, 12), "D1": Quota(16, 22), "D2": Quota(20, 20), "D3": Quota(20)},
        category={"food": Quota(92)},
    )
    with pytest.raises(PolicyInfeasible) as caught:
        select(in_order(*range(1, 291)), people, quotas, {"s": 50, "f": 36})
    assert caught.value.problems == [
        "category food: minimum 92 cannot be met (too few applicants or booths)"
    ]
