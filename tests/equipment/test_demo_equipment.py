"""The equipment demo data: types with manuals and terms, twelve units, holidays and a
few months of history that keeps every database rule, the same after a second run."""

from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine

from equipment.demo import seed_equipment
from equipment.demo.catalogue import STAFF_USERNAME
from equipment.demo.history import History
from equipment.models import (
    Booking,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    Loan,
    MaintenanceTicket,
    NonWorkingDay,
    Stocktake,
    Suspension,
    TermsVersion,
    TicketStatus,
    UnitStatus,
)
from equipment.selectors_care import OK, services_due, stocktakes_due
from equipment.services_care_extra import holidays_load
from members.demo import seed_accounts
from members.demo_registry import seed_registry
from members.models import User
from tests.equipment.conftest import NOW, TODAY

COUNTED = [
    EquipmentType,
    TermsVersion,
    EquipmentUnit,
    Booking,
    Loan,
    MaintenanceTicket,
    Stocktake,
    Suspension,
    NonWorkingDay,
]


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    with time_machine.travel(NOW, tick=False):
        seed_accounts()
        seed_registry()
        assert seed_equipment() == []
        yield


def test_it_seeds_the_inventory_and_a_history(seeded):
    assert EquipmentType.objects.count() == 5
    assert TermsVersion.objects.count() == 5
    assert EquipmentUnit.objects.count() == 12
    assert EquipmentType.objects.filter(is_scarce=True).count() == 1
    assert EquipmentType.objects.filter(requires_training=True).get().is_hourly
    assert all(
        t.checklist("checkout") and t.manual and t.safety for t in EquipmentType.objects.all()
    )
    assert NonWorkingDay.objects.filter(kind="holiday", on__year=2027).count() >= 15
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert {"returned", "no_show", "approved", "requested", "checked_out"} <= statuses
    assert Loan.objects.filter(returned_at__isnull=False).count() >= 30
    assert Loan.objects.open().count() == 2
    with time_machine.travel(NOW, tick=False):
        assert Loan.objects.open().filter(due_at__lt=NOW).count() == 1
        assert Booking.objects.filter(flagged_at__isnull=False).count() == 1
        damaged = MaintenanceTicket.objects.get(status=TicketStatus.OPEN)
        assert damaged.loan.return_condition == "broken"
        assert damaged.unit.status == UnitStatus.MAINTENANCE
        assert Suspension.objects.in_force().count() == 1
        assert any(row.state != OK for row in stocktakes_due())
        assert any(row.state != OK for row in services_due())
        assert damaged.unit.photos.count() >= 2


def test_running_it_twice_changes_nothing(seeded):
    first = _counts()
    with time_machine.travel(NOW, tick=False):
        seed_equipment()
    assert _counts() == first


def test_the_care_pages_show_the_demo(seeded, client):
    from django.urls import reverse

    from members.models import User

    with time_machine.travel(NOW, tick=False):
        client.force_login(User.objects.get(username="officer.equipment"))
        desk = client.get(reverse("equipment:care_desk"))
        assert desk.status_code == 200
        assert len(desk.context["overdue"]) == 1
        assert len(desk.context["flagged"]) == 1
        # the home section shows the desk's numbers, with the same lists' first rows
        from equipment.selectors_care import home_desk

        home = home_desk(desk.wsgi_request.user)
        assert home["flagged_count"] == len(desk.context["flagged"])
        assert home["open_ticket_count"] == desk.context["open_ticket_count"]
        for key in ("pickups", "returns", "overdue"):
            assert [row.pk for row in home[key]] == [row.pk for row in desk.context[key]], key
        assert [loan.days_overdue for loan in home["overdue"]] == [
            loan.days_overdue for loan in desk.context["overdue"]
        ]
        client.cookies["django_language"] = "en"
        html = client.get("/").content.decode()
        del client.cookies["django_language"]
        assert "1 flagged booking: tell the producer" in html
        for name in ("overdue_list", "ticket_list", "stocktake_list", "service_list"):
            assert client.get(reverse(f"equipment:{name}")).status_code == 200, name
        for unit in EquipmentUnit.objects.all():
            page = client.get(reverse("equipment:unit_history", args=[unit.pk]))
            assert page.status_code == 200
        client.force_login(User.objects.get(username="cdd.staff"))
        assert client.get(reverse("equipment:suspension_list")).status_code == 200
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "day",
    [
        # Chulalongkorn Day (Friday 23 October 2026) made a loan's one-day turnaround run
        # over the long weekend into the day the next loan began: seeding crashed a month
        # after it, on the database's no-overlap rule.
        datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok")),
    ],
)
def test_it_seeds_on_a_day_whose_history_crosses_a_long_weekend(db, settings, day):
    settings.DEBUG = True
    with time_machine.travel(day, tick=False):
        seed_accounts()
        seed_registry()
        assert seed_equipment() == []
    assert Booking.objects.filter(status="returned").count() >= 30


def test_no_day_of_two_years_gives_past_loans_that_overlap(seeded, monkeypatch):
    """Whatever day the demo is seeded on, each unit's past loans leave room for the
    previous one's turnaround and end with theirs before the story's own bookings."""
    holidays_load(years=[2025, 2026, 2027, 2028])
    lending = LendingSettings.current()
    monkeypatch.setattr(LendingSettings, "current", classmethod(lambda cls: lending))
    staff = User.objects.get(username=STAFF_USERNAME)
    units = {
        (unit.equipment_type.name, index): unit
        for name in EquipmentType.objects.values_list("name", flat=True)
        for index, unit in enumerate(
            EquipmentUnit.objects.filter(equipment_type__name=name)
            .select_related("equipment_type")
            .order_by("asset_number")
        )
    }
    daily = [unit for unit in units.values() if not unit.equipment_type.is_hourly]
    for offset in range(-365, 366):
        today = TODAY + timedelta(days=offset)
        history = History(today, units, [], staff)
        for index, unit in enumerate(daily):
            slots = list(history.loan_slots(unit, index, until=-14))
            assert slots, (today, unit)
            for before, after in pairwise(slots):
                assert before.blocked.upper < after.blocked.lower, (today, unit, before, after)
            assert slots[-1].blocked.upper.date() < today - timedelta(days=14), (today, unit)


def test_the_home_pages_due_counts_equal_the_due_lists_on_any_day(seeded):
    """The database's count of stocktakes and services due (the home page) and the
    desk's lists built in Python agree, on days before, around and long after the demo's
    stocktakes, services and purchases, the 28th-of-the-month rule included."""
    from equipment.selectors_care import due_counts, services_due, stocktakes_due

    for offset in range(-400, 800, 9):
        today = TODAY + timedelta(days=offset)
        stocktakes = [row for row in stocktakes_due(today) if row.state != OK]
        services = [row for row in services_due(today) if row.state != OK]
        assert due_counts(today) == (len(stocktakes), len(services)), today
    assert any(row.state != OK for row in stocktakes_due(TODAY))
