"""What must hold of the draw, beyond the unit tests of fairs/draw:

- a fixed list, policy and source give exactly this outcome, on any machine;
- over random fairs (hypothesis): every skip of an applicant ahead of a later selected
  one is explained by a named quota that was really binding at that moment;
- over random fairs stored in the database: every selected applicant gets a physical
  booth of the type they asked for, no booth twice, no reserved booth, quotas kept.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairs.draw import (
    SKIP_CATEGORY_MAX,
    SKIP_DISTRICT_MAX,
    SKIP_TYPE_FULL,
    SKIP_WOULD_BREAK_MINIMUM,
    Applicant,
    Quota,
    Quotas,
    check_policy,
    draw,
)
from tests.fairs.test_draw import capacities_of, scenarios

SOURCE = "1 ธ.ค. 2568 รางวัลที่ 1 123456 หน้า 111 222 ท้าย 333 444 ท้าย 2 ตัว 55"


def test_a_fixed_list_gives_exactly_this_draw():
    people = [
        Applicant(1, "2701", "food", "STD", ("A", "B"), 4, 0, False, False),
        Applicant(2, "2701", "textile", "STD", ("A",), 0, 1, False, True),
        Applicant(3, "2702", "food", "STD", ("B", "A"), 5, 0, False, False),
        Applicant(4, "2702", "herbal", "FOOD", ("B",), 0, 2, False, False),
        Applicant(5, "2703", "decor", "STD", (), 3, 0, True, False),
        Applicant(6, "2703", "food", "FOOD", ("B",), 0, 0, False, False),
        Applicant(7, "2701", "beverage", "STD", ("A", "B"), 2, 3, False, False),
        Applicant(8, "2702", "textile", "STD", ("A",), 0, 0, False, True),
    ]
    quotas = Quotas(
        district={"2701": Quota(1, 2), "2702": Quota(1, 2), "2703": Quota(1, 2)},
        category={"food": Quota(0, 2)},
    )
    booths = {"A": {"STD": 2}, "B": {"STD": 2, "FOOD": 1}}
    result = draw(people, quotas, booths, SOURCE)
    assert result.list_hash == "0ed79fe77abebc85eee564762766702eff77dd8b8f0a7c07d2cce54dfbd78fb0"
    assert result.seed == "7e8c092c44de771c22fee8253f8350759b0dd79420357b3276dc1097c98945a8"
    assert [(e.position, e.number, e.tickets) for e in result.order] == [
        (1, 4, 3), (2, 1, 2), (3, 2, 2), (4, 7, 3), (5, 6, 1), (6, 8, 1), (7, 5, 1), (8, 3, 2),
    ]  # fmt: skip
    assert result.selected == (4, 1, 2, 8, 5)
    assert {n: (a.zone, a.booth) for n, a in result.assignments.items()} == {
        1: ("A", 1), 2: ("B", 1), 4: ("B", 2), 5: ("A", 2), 8: ("B", 3),
    }  # fmt: skip
    assert {n: (s.code, s.subject) for n, s in result.skips.items()} == {
        3: ("type_full", "STD"), 6: ("type_full", "FOOD"), 7: ("district_max", "2701"),
    }  # fmt: skip
    assert [(w.position, w.number) for w in result.waitlist] == [(1, 7), (2, 6), (3, 3)]
    # Another public source: another draw.
    other = draw(people, quotas, booths, SOURCE.replace("123456", "123457"))
    assert other.seed != result.seed
    assert [e.number for e in other.order] != [e.number for e in result.order]


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.text(max_size=12))
def test_every_skip_ahead_of_a_later_selection_is_a_binding_named_quota(scenario, source):
    people, quotas, booths = scenario
    capacities = capacities_of(booths)
    if check_policy(people, quotas, capacities):
        return
    result = draw(people, quotas, booths, source)
    by_number = {a.number: a for a in people}
    chosen = set(result.selected)
    taken: list[Applicant] = []
    for entry in result.order:
        applicant = by_number[entry.number]
        if entry.number in chosen:
            taken.append(applicant)
            continue
        skip = result.skips[entry.number]
        later_selected = any(
            e.number in chosen for e in result.order if e.position > entry.position
        )
        if not later_selected:
            continue
        if skip.code == SKIP_TYPE_FULL:
            assert skip.subject == applicant.booth_type
            assert sum(a.booth_type == skip.subject for a in taken) == capacities[skip.subject]
        elif skip.code == SKIP_DISTRICT_MAX:
            assert skip.subject == applicant.district
            limit = quotas.district[skip.subject].maximum
            assert sum(a.district == skip.subject for a in taken) == limit
        elif skip.code == SKIP_CATEGORY_MAX:
            assert skip.subject == applicant.category
            limit = quotas.category[skip.subject].maximum
            assert sum(a.category == skip.subject for a in taken) == limit
        else:
            assert skip.code == SKIP_WOULD_BREAK_MINIMUM
            # the named minimums: each still unmet at that moment
            assert skip.subject
            for name in skip.subject.split(", "):
                if name.startswith("district "):
                    district = name.removeprefix("district ")
                    count = sum(a.district == district for a in taken)
                    assert count < quotas.district[district].minimum
                else:
                    count = sum(a.category == name for a in taken)
                    assert count < quotas.category[name].minimum


# --- Random fairs in the database --------------------------------------------------------

DISTRICTS = ("2701", "2702", "2706")
CATEGORIES = ("food", "textile", "herbal")


@st.composite
def stored_fairs(draw_):
    booths = {
        (zone, kind): draw_(st.integers(0, 3)) for zone in ("A", "B") for kind in ("STD", "FOOD")
    }
    people = draw_(
        st.lists(
            st.tuples(
                st.sampled_from(DISTRICTS),
                st.sampled_from(CATEGORIES),
                st.sampled_from(("STD", "FOOD")),
                st.lists(st.sampled_from(("A", "B")), unique=True, max_size=2),
            ),
            min_size=1,
            max_size=9,
        )
    )
    district_max = draw_(st.one_of(st.none(), st.integers(1, 4)))
    return booths, people, district_max


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stored_fairs())
def test_random_stored_fairs_give_each_selected_a_booth_of_its_type(staff, scenario):
    from django.db import transaction

    booths, people, district_max = scenario
    with transaction.atomic():
        _check_stored_fair(staff, booths, people, district_max)
        transaction.set_rollback(True)


def _check_stored_fair(staff, booths, people, district_max):
    from fairs.models import Booth, BoothType, Fair, FairSeries, PolicyQuota, Zone
    from fairs.services import lottery, setup
    from tests.factories import UserFactory
    from tests.fairs.builders import apply, close_window, make_eligible

    today = timezone.localdate()
    series = FairSeries.objects.create(name=f"series {Fair.objects.count()}")
    fair = Fair.objects.create(
        series=series, name="งานทดสอบ", venue="สนาม", applications_open_on=today,
        applications_close_on=today + timedelta(days=1), starts_on=today + timedelta(days=5),
        lottery_date=today + timedelta(days=2),
        ends_on=today + timedelta(days=6),
    )  # fmt: skip
    zones = {code: Zone.objects.create(fair=fair, code=code, name=code) for code in "AB"}
    zones["A"].is_prime = True
    zones["A"].save()
    types = {
        code: BoothType.objects.create(fair=fair, code=code, name=code, width_m=3, depth_m=3)
        for code in ("STD", "FOOD")
    }
    number = 0
    for (zone, kind), count in booths.items():
        for _i in range(count):
            number += 1
            Booth.objects.create(
                fair=fair, zone=zones[zone], booth_type=types[kind], code=f"B{number}",
                order=number, x=Decimal(number), y=0, width=1, height=1,
            )  # fmt: skip
    Booth.objects.create(
        fair=fair, zone=zones["A"], booth_type=types["STD"], code="R1", order=0, x=0, y=5,
        width=1, height=1, reserved_for="red_cross", reserved_note="ร้านกาชาด",
    )  # fmt: skip
    if not number:
        return
    policy = setup.policy_new_version(fair=fair, by=staff)
    PolicyQuota.objects.filter(policy=policy, kind="district").update(
        minimum=0, maximum=district_max
    )
    setup.policy_publish(policy=policy, by=staff)
    for district, category, kind, wanted in people:
        make_eligible(
            apply(fair, staff, district=district, category=category, booth_type=kind,
                  zones=tuple(wanted)),
            staff,
        )  # fmt: skip
    fair = close_window(fair)
    lottery.list_freeze(fair=fair, by=staff)
    source = lottery.source_enter(fair=fair, by=staff, text=SOURCE)
    second = UserFactory(staff=True)
    lottery.source_confirm(source=source, by=second, retyped=SOURCE)
    run = lottery.draw_run(fair=fair, by=staff, official=True)
    lines = list(run.lines.select_related("booth__booth_type", "application__booth_type"))
    selected = [line for line in lines if line.outcome == "selected"]
    assert all(line.booth.booth_type_id == line.application.booth_type_id for line in selected)
    assert all(not line.booth.is_reserved for line in selected)
    assert all(line.booth.zone_id == line.zone_id for line in selected)
    assert len({line.booth_id for line in selected}) == len(selected)
    if district_max is not None:
        per_district = Counter(line.application.district_id for line in selected)
        assert max(per_district.values(), default=0) <= district_max
    # nobody waits while a booth of their type is free
    free = Counter(types_code for (_z, types_code), n in booths.items() for _i in range(n))
    used = Counter(line.booth.booth_type.code for line in selected)
    for line in lines:
        if line.outcome == "waitlist" and line.skip_code == SKIP_TYPE_FULL:
            kind = line.application.booth_type.code
            assert used[kind] == free[kind]
