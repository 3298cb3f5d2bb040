"""Looking after the machines through the pages: tickets, blocks, status, stocktakes
and services due (R22, R23), suspensions (R19), terms and training (R1); and lists
that take the same number of queries at 1 row as at 20."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from equipment import services
from equipment.models import (
    Booking,
    BookingKind,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    Loan,
    MaintenanceTicket,
    Stocktake,
    Suspension,
    TermsAcceptance,
    TrainingSignoff,
    UnitStatus,
)
from equipment.selectors_care import OK, OVERDUE, SOON, add_months, services_due, stocktakes_due
from equipment.services.rules import service_due_on
from otop_portal.lib.sections import HOME, registry
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.equipment.conftest import TODAY, book, eligible_producer
from tests.factories import ProducerFactory, sa_kaeo_district

pytestmark = pytest.mark.usefixtures("clock")


# --- Tickets, blocks and status --------------------------------------------------------------


def test_staff_open_a_ticket_that_takes_the_unit_out_and_close_it(client, staff, unit, producer):
    later = book(producer, unit, TODAY + timedelta(days=7), by=staff)
    client.force_login(staff)
    response = client.post(
        reverse("equipment:ticket_open", args=[unit.pk]),
        {"kind": "repair", "reason": "ฝาครอบแตก", "take_out_of_lending": "on"},
    )
    assert response.status_code == 302
    ticket = MaintenanceTicket.objects.get()
    unit.refresh_from_db()
    later.refresh_from_db()
    assert unit.status == UnitStatus.MAINTENANCE
    assert later.flagged_at is not None
    history = client.get(reverse("equipment:unit_history", args=[unit.pk])).content.decode()
    assert "ฝาครอบแตก" in history
    close = reverse("equipment:ticket_close", args=[ticket.pk])
    assert client.post(close, {"outcome": "resolved", "resolution": ""}).status_code == 200
    response = client.post(
        close,
        {"outcome": "resolved", "resolution": "เปลี่ยนฝาครอบ", "vendor": "ร้านช่างเอ", "cost": "450"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    unit.refresh_from_db()
    assert (ticket.status, ticket.vendor, str(ticket.cost)) == ("resolved", "ร้านช่างเอ", "450.00")
    assert unit.status == UnitStatus.AVAILABLE
    assert client.post(close, {"outcome": "resolved", "resolution": "ซ้ำ"}).status_code == 200


def test_the_ticket_list_shows_open_tickets_first(client, staff, unit):
    old = MaintenanceTicket.objects.create(
        unit=unit, kind="repair", reason="เก่า", opened_by=staff, opened_at=timezone.now()
    )
    services.ticket_close(ticket=old, by=staff, resolved=False, resolution="ซ่อมไม่ได้")
    MaintenanceTicket.objects.create(
        unit=unit,
        kind="inspection",
        reason="ใหม่",
        opened_by=staff,
        opened_at=timezone.now() - timedelta(days=3),
    )
    client.force_login(staff)
    page = client.get(reverse("equipment:ticket_list"))
    assert [t.reason for t in page.context["page"]] == ["ใหม่", "เก่า"]
    page = client.get(reverse("equipment:ticket_list"), {"status": "unresolved"})
    assert [t.reason for t in page.context["page"]] == ["เก่า"]


def test_blocking_a_booked_time_is_refused_with_a_message(client, staff, unit, producer):
    booking = book(producer, unit, TODAY + timedelta(days=3), by=staff)
    if booking.status == BookingStatus.REQUESTED:
        services.booking_approve(booking=booking, by=staff)
    client.force_login(staff)
    url = reverse("equipment:unit_block", args=[unit.pk])
    response = client.post(
        url,
        {
            "kind": "maintenance",
            "first_day": "04/03/2570",
            "last_day": "05/03/2570",
            "reason": "ล้าง",
        },
    )
    assert response.status_code == 200
    refused = response.context["form"].non_field_errors()
    assert refused
    assert refused[0] in response.content.decode()
    assert not Booking.objects.filter(kind=BookingKind.MAINTENANCE).exists()
    response = client.post(
        url,
        {"kind": "closure", "first_day": "15/03/2570", "last_day": "16/03/2570", "reason": "ย้าย"},
    )
    assert response.status_code == 302
    block = Booking.objects.get(kind=BookingKind.CLOSURE)
    assert (block.status, block.booked_days) == (BookingStatus.APPROVED, 2)


def test_a_status_other_than_available_needs_a_reason(client, staff, unit):
    client.force_login(staff)
    url = reverse("equipment:unit_status", args=[unit.pk])
    assert client.post(url, {"status": "missing", "reason": ""}).status_code == 200
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    assert client.post(url, {"status": "retired", "reason": "ใช้งานไม่ได้แล้ว"}).status_code == 302
    unit.refresh_from_db()
    assert (unit.status, unit.status_reason) == (UnitStatus.RETIRED, "ใช้งานไม่ได้แล้ว")


# --- Stocktakes and services -----------------------------------------------------------------


def test_stocktakes_are_due_six_months_after_the_last_with_a_warning(client, staff, sealer):
    def unit_counted(number, on):
        made = EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=number, location="ที่ทำการ"
        )
        Stocktake.objects.create(unit=made, on=on, by=staff)
        return made

    unit_counted("A", TODAY - timedelta(days=100))  # due in ~80 days
    unit_counted("B", TODAY - timedelta(days=175))  # due within the 14-day warning
    unit_counted("C", TODAY - timedelta(days=200))  # overdue
    states = {row.unit.asset_number: row.state for row in stocktakes_due()}
    assert states == {"A": OK, "B": SOON, "C": OVERDUE}
    client.force_login(staff)
    page = client.get(reverse("equipment:stocktake_list")).content.decode()
    assert "ที่ทำการ" in page


def test_a_stocktake_that_does_not_find_the_unit_marks_it_missing(client, staff, unit):
    client.force_login(staff)
    response = client.post(
        reverse("equipment:stocktake_record", args=[unit.pk]),
        {"on": "01/03/2570", "found": "missing", "location_seen": "", "notes": "ไม่อยู่ที่ตั้ง"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.status == UnitStatus.MISSING
    assert Stocktake.objects.get().on == date(2027, 3, 1)


def test_service_due_dates_agree_with_the_rules(client, staff, unit, sealer):
    sealer.service_interval_months = 6
    sealer.save()
    unit.purchased_on = date(2026, 5, 31)
    unit.save()
    ticket = services.ticket_open(unit=unit, kind="service", reason="ตามรอบ", by=staff)
    services.ticket_close(ticket=ticket, by=staff, resolved=True, resolution="ล้าง")
    [row] = services_due()
    assert row.due == service_due_on(unit) == add_months(TODAY, 6)
    client.force_login(staff)
    assert client.get(reverse("equipment:service_list")).status_code == 200


# --- Suspensions, terms and training ---------------------------------------------------------


def test_staff_suspend_a_producer_by_hand_and_lift_it(client, staff, producer):
    client.force_login(staff)
    response = client.post(
        reverse("equipment:suspension_create", args=[producer.pk]),
        {"starts_on": "01/03/2570", "ends_on": "30/03/2570", "reason": "ใช้เครื่องผิดวัตถุประสงค์"},
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.created_by == staff
    page = client.get(reverse("equipment:suspension_list"))
    assert page.context["in_force"] == [suspension]
    lift = reverse("equipment:suspension_lift", args=[suspension.pk])
    assert client.post(lift, {"reason": ""}).status_code == 200
    assert client.post(lift, {"reason": "ชี้แจงแล้ว"}).status_code == 302
    suspension.refresh_from_db()
    assert suspension.lift_reason == "ชี้แจงแล้ว"
    assert client.get(reverse("equipment:suspension_list")).context["in_force"] == []


def test_a_district_member_records_terms_for_their_own_producers_only(
    client, district_member, sealer
):
    own = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    other = ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT))
    client.force_login(district_member)
    terms = sealer.current_terms()
    url = reverse("equipment:terms_accept", args=[own.pk])
    page = client.get(url).content.decode()
    assert "ข้อตกลง" in page  # the terms are shown to be read
    response = client.post(url, {"terms": terms.pk, "accepted_by_name": "นางบุญมา"})
    assert response.status_code == 302
    acceptance = TermsAcceptance.objects.get(producer=own)
    assert (acceptance.accepted_by_name, acceptance.recorded_by) == ("นางบุญมา", district_member)
    other_url = reverse("equipment:terms_accept", args=[other.pk])
    assert client.post(other_url, {"terms": terms.pk, "accepted_by_name": "x"}).status_code == 404


def test_staff_record_a_training_sign_off(client, staff, producer):
    oven = EquipmentType.objects.create(name="เตาอบ", requires_training=True, booking_mode="hours")
    client.force_login(staff)
    response = client.post(
        reverse("equipment:training_signoff", args=[producer.pk]),
        {"equipment_type": oven.pk, "trained_on": "25/02/2570", "trainer": "ครูสมพงษ์"},
    )
    assert response.status_code == 302
    signoff = TrainingSignoff.objects.get()
    assert (signoff.trained_on, signoff.trainer) == (date(2027, 2, 25), "ครูสมพงษ์")
    page = client.get(reverse("members:producer_detail", args=[producer.pk])).content.decode()
    assert "เตาอบ" in page


# --- Query counts ----------------------------------------------------------------------------


def _rows(n, sealer, staff):
    """n more units, each with an overdue loan, an open ticket and a stocktake."""
    now = timezone.now()
    start = EquipmentUnit.objects.count()
    for index in range(start, start + n):
        made = EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=f"Q-{index:03d}", location="ที่ทำการ"
        )
        period = DateTimeTZRange(now - timedelta(days=5), now - timedelta(days=2), "[)")
        booking = Booking.objects.create(
            unit=made,
            producer=eligible_producer(),
            status=BookingStatus.CHECKED_OUT,
            period=period,
            blocked_period=period,
            booked_days=4,
            requested_by=staff,
        )
        loan = Loan.objects.create(
            booking=booking,
            unit=made,
            due_at=period.upper,
            checked_out_by=staff,
            checked_out_at=period.lower,
            checkout_condition="good",
            acknowledged_by="นางสมศรี",
        )
        MaintenanceTicket.objects.create(
            unit=made, kind="repair", reason="ตรวจ", loan=loan, opened_by=staff
        )
        Stocktake.objects.create(unit=made, on=TODAY - timedelta(days=200), by=staff)


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def _page(client, name):
    def run():
        assert client.get(reverse(name)).status_code == 200

    return run


def _home_section(staff):
    section = registry.sections[HOME]["equipment.care"]
    request = RequestFactory().get("/")
    request.user = staff

    def run():
        data = {"section": section, **section.context(request, None)}
        render_to_string(section.template, {"data": data, "user": staff, "request": request})

    return run


@pytest.mark.parametrize(
    "name", ["equipment:overdue_list", "equipment:ticket_list", "equipment:stocktake_list"]
)
def test_care_lists_take_the_same_queries_at_1_and_20_rows(client, staff, sealer, name):
    client.force_login(staff)
    _rows(1, sealer, staff)
    _page(client, name)()  # warm the session and the settings row
    one = _queries(_page(client, name))
    _rows(19, sealer, staff)
    assert _queries(_page(client, name)) == one


def test_the_home_section_takes_the_same_queries_at_1_and_20_rows(staff, sealer):
    _rows(1, sealer, staff)
    _home_section(staff)()
    one = _queries(_home_section(staff))
    _rows(19, sealer, staff)
    assert _queries(_home_section(staff)) == one
