"""Reminders on the home page (R17), derived from time, and the fees on the printed
confirmation (R20)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from equipment import selectors
from equipment.models import Booking, BookingStatus, Loan
from tests.equipment.conftest import NOW, TODAY, book

pytestmark = pytest.mark.usefixtures("clock")


def _section(client, user):
    client.force_login(user)
    sections = client.get(reverse("home")).context["sections"]
    return next(item for item in sections if item["section"].key == "equipment.bookings")


def test_pickups_and_returns_tomorrow_and_overdue_loans_are_reminded(
    client, producer, unit, staff, district_member
):
    booking = book(producer, unit, TODAY + timedelta(days=3), by=staff, overrides={"R10": "x"})
    with time_machine.travel(NOW + timedelta(days=2), tick=False):  # the day before pickup
        assert selectors.reminders(Booking.objects.all()) == [("pickup", booking)]
        assert _section(client, district_member)["reminders"] == [("pickup", booking)]
    Loan.objects.create(
        booking=booking,
        unit=unit,
        due_at=booking.period.upper,
        checked_out_at=booking.period.lower,
        checked_out_by=staff,
        checkout_condition="good",
        acknowledged_by="นางสมศรี",
    )
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CHECKED_OUT)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert selectors.reminders(Booking.objects.all()) == [("return", booking)]
    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        assert selectors.reminders(Booking.objects.all()) == [("overdue", booking)]
        assert _section(client, district_member)["reminders"] == [("overdue", booking)]


def test_another_districts_reminders_are_not_shown(
    client, producer, unit, staff, other_district_member
):
    book(producer, unit, TODAY + timedelta(days=3), by=staff, overrides={"R10": "x"})
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert _section(client, other_district_member)["reminders"] == []


def test_the_confirmation_states_the_fees(client, producer, unit, staff, district_member):
    unit.equipment_type.loan_fee = Decimal("50.00")
    unit.equipment_type.deposit = Decimal("500.00")
    unit.equipment_type.save()
    booking = book(producer, unit, TODAY + timedelta(days=3), by=staff, overrides={"R10": "x"})
    client.force_login(district_member)
    page = client.get(reverse("equipment:booking_print", args=[booking.pk])).content.decode()
    assert "R20" in page and "50.00" in page and "500.00" in page


def test_a_booking_flagged_because_its_unit_left_lending_is_shown_until_the_unit_is_back(
    client, producer, unit, staff, district_member, other_district_member
):
    from equipment import services

    booking = book(producer, unit, TODAY + timedelta(days=7), by=staff, overrides={"R10": "x"})
    services.unit_set_status(unit=unit, status="maintenance", reason="มอเตอร์ไหม้", by=staff)
    shown = _section(client, district_member)["reminders"]
    assert [(kind, item.pk) for kind, item in shown] == [("flagged", booking.pk)]
    page = client.get(reverse("home")).content.decode()
    assert "มอเตอร์ไหม้" in page
    assert _section(client, other_district_member)["reminders"] == []
    services.unit_set_status(unit=unit, status="available", reason="", by=staff)
    booking.refresh_from_db()
    assert (booking.flagged_at, booking.flag_reason) == (None, "")
    assert _section(client, district_member)["reminders"] == []
