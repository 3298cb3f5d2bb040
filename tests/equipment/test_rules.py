"""Every lending rule (research/equipment.md R1–R24) broken once, with its message."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import translation

from equipment import services
from equipment.models import (
    Booking,
    BookingMode,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    NonWorkingDay,
    RuleOverride,
    Suspension,
    TermsVersion,
    TicketKind,
    UnitStatus,
)
from members.models import MembershipStatus, NetworkMembership
from tests.equipment.conftest import (
    TODAY,
    accept_terms,
    book,
    days,
    eligible_producer,
    hours,
    rules_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("clock")
BKK = ZoneInfo("Asia/Bangkok")
D = TODAY  # Monday 1 March 2027


def _day(n: int) -> date:
    return D + timedelta(days=n)


def _history(producer, unit, by, *, status=BookingStatus.RETURNED, first=-20, last=-19):
    """A booking in the past written directly (it happened before the rules applied)."""
    lower = datetime.combine(_day(first), datetime.min.time(), BKK).replace(hour=8, minute=30)
    upper = datetime.combine(_day(last), datetime.min.time(), BKK).replace(hour=16, minute=30)
    return Booking.objects.create(
        unit=unit,
        producer=producer,
        status=status,
        period=DateTimeTZRange(lower, upper),
        blocked_period=DateTimeTZRange(lower, upper),
        booked_days=(last - first) + 1,
        requested_by=by,
    )


@pytest.fixture
def regular(producer, unit, staff):
    """A producer who borrowed before, so their bookings need no approval."""
    _history(producer, unit, staff)
    return producer


def _refused(**kwargs):
    with translation.override("en"), pytest.raises(services.BookingRefused) as refused:
        book(**kwargs)
    return refused


# --- R1 eligibility ------------------------------------------------------------------------------


def test_r1_a_producer_who_is_not_an_active_member_cannot_book(producer, unit, district_member):
    NetworkMembership.objects.filter(producer=producer).update(status=MembershipStatus.PENDING)
    refused = _refused(producer=producer, unit=unit, first=_day(3), by=district_member)
    assert rules_of(refused) == ["R1"]
    assert "active member" in str(refused.value.violations[0])


def test_r1_the_current_terms_must_be_accepted(producer, unit, sealer, district_member):
    TermsVersion.objects.create(
        equipment_type=sealer, version=2, effective_on=D, text="ข้อตกลงฉบับใหม่"
    )
    refused = _refused(producer=producer, unit=unit, first=_day(3), by=district_member)
    assert rules_of(refused) == ["R1"]
    assert "version 2" in str(refused.value.violations[0])


def test_r1_training_is_required_where_the_type_says_so(producer, unit, sealer, district_member):
    sealer.requires_training = True
    sealer.save()
    refused = _refused(producer=producer, unit=unit, first=_day(3), by=district_member)
    assert rules_of(refused) == ["R1"]


def test_r1_a_producer_without_a_product_cannot_book(unit, sealer, staff, district_member):
    producer = eligible_producer()
    producer.products.all().delete()
    accept_terms(producer, sealer, staff)
    assert rules_of(_refused(producer=producer, unit=unit, first=_day(3), by=district_member)) == [
        "R1"
    ]


# --- R2–R5 times ---------------------------------------------------------------------------------


def test_r2_shorter_than_the_minimum_is_refused(regular, unit, sealer, district_member):
    sealer.min_duration = 2
    sealer.save()
    refused = _refused(producer=regular, unit=unit, first=_day(3), by=district_member)
    assert rules_of(refused) == ["R2"]
    assert "at least 2 days" in str(refused.value.violations[0])


def test_r3_longer_than_the_maximum_is_refused(regular, unit, district_member):
    refused = _refused(
        producer=regular, unit=unit, first=_day(3), last=_day(10), by=district_member
    )
    assert rules_of(refused) == ["R3"]
    assert "at most 7 days" in str(refused.value.violations[0])


def test_r4_less_than_two_working_days_notice_is_refused(regular, unit, district_member):
    refused = _refused(producer=regular, unit=unit, first=_day(1), by=district_member)
    assert rules_of(refused) == ["R4"]
    assert "03/03/2570" in str(refused.value.violations[0])  # B.E. date of the earliest start
    assert book(regular, unit, _day(2), by=district_member).status == BookingStatus.APPROVED


def test_r4_a_change_close_to_the_start_is_refused(regular, unit, sealer, district_member):
    sealer.change_notice_days = 3
    sealer.save()
    booking = book(regular, unit, _day(2), by=district_member)
    with translation.override("en"), pytest.raises(services.BookingRefused) as refused:
        services.booking_change(booking=booking, slot=days(unit, _day(3)), by=district_member)
    assert rules_of(refused) == ["R4"]


def test_r4_a_late_cancellation_needs_staff_and_a_reason(
    regular, unit, sealer, district_member, staff
):
    sealer.free_cancel_days = 3
    sealer.save()
    booking = book(regular, unit, _day(2), by=district_member)
    with translation.override("en"), pytest.raises(services.BookingRefused) as refused:
        services.booking_cancel(booking=booking, by=district_member)
    assert rules_of(refused) == ["R4"]
    services.booking_cancel(booking=booking, by=staff, override="ป่วย มาไม่ได้")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert RuleOverride.objects.get(booking=booking).rule == "R4"


def test_r4_a_cancellation_in_time_is_free(regular, unit, district_member):
    booking = book(regular, unit, _day(9), by=district_member)
    services.booking_cancel(booking=booking, by=district_member)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_r5_beyond_the_booking_window_is_refused(regular, unit, district_member):
    refused = _refused(producer=regular, unit=unit, first=_day(63), by=district_member)
    assert rules_of(refused) == ["R5"]


# --- R6 turnaround and the overlap ---------------------------------------------------------------


def test_r6_the_turnaround_day_after_a_loan_is_blocked(regular, unit, staff, district_member):
    other = eligible_producer()
    accept_terms(other, unit.equipment_type, staff)
    _history(other, unit, staff, first=-30, last=-29)
    book(regular, unit, _day(3), _day(4), by=district_member)  # Thu–Fri
    with pytest.raises(services.SlotTaken):
        book(other, unit, _day(7), by=district_member)  # Monday: the turnaround day
    assert book(other, unit, _day(8), by=district_member).status == BookingStatus.APPROVED


def test_r6_and_the_overlap_cannot_be_overridden(regular, unit, staff):
    other = eligible_producer()
    accept_terms(other, unit.equipment_type, staff)
    book(regular, unit, _day(3), by=staff, overrides={"R10": "ผู้ยืมประจำ"})
    with pytest.raises(services.SlotTaken):
        book(other, unit, _day(3), by=staff, overrides={"R6": "เร่งด่วน", "R10": "เร่งด่วน"})


# --- R7–R9 quotas --------------------------------------------------------------------------------


def test_r7_one_active_booking_per_type(regular, unit, sealer, district_member):
    second = EquipmentUnit.objects.create(equipment_type=sealer, asset_number="A2", location="x")
    book(regular, unit, _day(3), by=district_member)
    refused = _refused(producer=regular, unit=second, first=_day(10), by=district_member)
    assert "R7" in rules_of(refused)


def test_r7_at_most_two_active_bookings_in_all(regular, unit, staff, district_member):
    units = []
    for n in range(3):
        equipment_type = EquipmentType.objects.create(name=f"เครื่อง {n}")
        units.append(
            EquipmentUnit.objects.create(
                equipment_type=equipment_type, asset_number=f"T{n}", location="x"
            )
        )
    book(regular, units[0], _day(3), by=district_member)
    book(regular, units[1], _day(10), by=district_member)
    refused = _refused(producer=regular, unit=units[2], first=_day(17), by=district_member)
    assert rules_of(refused) == ["R7"]
    assert "at most 2" in str(refused.value.violations[0])


def test_r8_at_most_ten_booked_days_in_any_thirty(regular, unit, sealer, staff, district_member):
    _history(regular, unit, staff, first=-10, last=-5)  # 6 days, with 2 more at -20 and -19
    refused = _refused(
        producer=regular, unit=unit, first=_day(7), last=_day(11), by=district_member
    )
    assert rules_of(refused) == ["R8"]
    assert "would have 11" in str(refused.value.violations[0])
    assert book(regular, unit, _day(7), _day(8), by=district_member)  # 10 days: allowed


def test_r9_no_chain_booking_while_others_wait(regular, unit, sealer, staff, district_member):
    second = EquipmentUnit.objects.create(equipment_type=sealer, asset_number="A2", location="x")
    other = eligible_producer()
    accept_terms(other, sealer, staff)
    _history(regular, unit, staff, first=-2, last=-1)  # returned yesterday
    book(other, second, _day(2), by=staff, overrides={"R10": "ทดสอบ"})  # someone else wants it
    refused = _refused(producer=regular, unit=unit, first=_day(2), by=district_member)
    assert rules_of(refused) == ["R9"]


def test_r9_chain_booking_is_allowed_when_nobody_else_wants_it(
    regular, unit, staff, district_member
):
    _history(regular, unit, staff, first=-2, last=-1)
    assert book(regular, unit, _day(2), by=district_member)


# --- R10 approval and R11 competing requests -----------------------------------------------------


def test_r10_a_first_booking_waits_for_approval(producer, unit, district_member):
    booking = book(producer, unit, _day(3), by=district_member)
    assert booking.status == BookingStatus.REQUESTED
    assert "R10" in booking.decision_note


def test_r10_scarce_machines_and_long_bookings_wait(regular, unit, sealer, district_member):
    booking = book(regular, unit, _day(7), _day(10), by=district_member)  # 4 days > 3
    assert booking.status == BookingStatus.REQUESTED
    services.booking_cancel(booking=booking, by=district_member)
    sealer.is_scarce = True
    sealer.save()
    assert book(regular, unit, _day(3), by=district_member).status == BookingStatus.REQUESTED


def test_r11_a_request_waits_while_another_for_the_same_time_is_pending(
    producer, unit, staff, district_member, approver
):
    first = book(producer, unit, _day(3), by=district_member)  # first-timer: waits
    other = eligible_producer()
    accept_terms(other, unit.equipment_type, staff)
    _history(other, unit, staff, first=-40, last=-39)
    second = book(other, unit, _day(3), by=district_member)
    assert second.status == BookingStatus.REQUESTED
    assert "R11" in second.decision_note

    approved, rejected = services.booking_approve(booking=second, by=approver)

    assert approved.status == BookingStatus.APPROVED
    assert rejected == [first]
    first.refresh_from_db()
    assert first.status == BookingStatus.REJECTED
    assert "R11" in first.decision_note


def test_only_approvers_decide(producer, unit, district_member):
    booking = book(producer, unit, _day(3), by=district_member)
    with pytest.raises(PermissionDenied):
        services.booking_approve(booking=booking, by=district_member)


# --- R12 non-working days ------------------------------------------------------------------------


def test_r12_no_pickup_on_a_public_holiday_but_a_loan_may_span_one(regular, unit, district_member):
    NonWorkingDay.objects.create(on=_day(3), name="วันมาฆบูชา", kind="holiday")
    refused = _refused(producer=regular, unit=unit, first=_day(3), by=district_member)
    assert set(rules_of(refused)) == {"R12"}
    assert "วันมาฆบูชา" in str(refused.value.violations[0])
    assert book(regular, unit, _day(2), _day(4), by=district_member)


def test_r12_no_return_on_a_weekend(regular, unit, district_member):
    refused = _refused(producer=regular, unit=unit, first=_day(4), last=_day(5), by=district_member)
    assert rules_of(refused) == ["R12"]


def test_r12_holidays_do_not_count_as_notice(regular, unit, district_member):
    NonWorkingDay.objects.create(on=_day(1), name="ปิดสำนักงาน", kind="closure")
    assert rules_of(_refused(producer=regular, unit=unit, first=_day(2), by=district_member)) == [
        "R4"
    ]


def test_a_units_own_maintenance_blocks_its_calendar(regular, unit, staff, district_member):
    services.unit_block(
        unit=unit,
        first_day=_day(3),
        last_day=_day(4),
        kind="maintenance",
        reason="ล้างเครื่อง",
        by=staff,
    )
    with pytest.raises(services.SlotTaken):
        book(regular, unit, _day(4), by=district_member)


# --- Hourly on-site types ------------------------------------------------------------------------


def test_hourly_slots_have_a_turnaround_in_minutes(staff, district_member):
    oven = EquipmentType.objects.create(
        name="เตาอบ", booking_mode=BookingMode.HOURS, turnaround=30, min_duration=1, max_duration=4
    )
    unit = EquipmentUnit.objects.create(equipment_type=oven, asset_number="OV1", location="x")
    first, second = eligible_producer(), eligible_producer()
    for offset, producer in enumerate((first, second)):
        _history(producer, unit, staff, first=-60 - offset, last=-60 - offset)
    services.booking_request(
        producer=first, unit=unit, slot=hours(unit, _day(3), "09:00", "11:00"), by=staff
    )
    with pytest.raises(services.SlotTaken):
        services.booking_request(
            producer=second, unit=unit, slot=hours(unit, _day(3), "11:00", "12:00"), by=staff
        )
    later = services.booking_request(
        producer=second, unit=unit, slot=hours(unit, _day(3), "11:30", "12:30"), by=staff
    )
    assert later.booked_days == 1


# --- R19 suspensions and overdue loans, R22 service, unit status ---------------------------------


def test_r19_a_suspended_producer_cannot_book(regular, unit, district_member, staff):
    suspension = Suspension.objects.create(
        producer=regular, starts_on=D, ends_on=_day(29), reason="คืนช้า"
    )
    refused = _refused(producer=regular, unit=unit, first=_day(3), by=district_member)
    assert rules_of(refused) == ["R19"]
    assert "คืนช้า" in str(refused.value.violations[0])
    services.suspension_lift(suspension=suspension, by=staff, reason="ชี้แจงแล้ว")
    assert book(regular, unit, _day(3), by=district_member)


def test_r22_a_unit_whose_service_is_due_is_not_lent(regular, unit, sealer, district_member, staff):
    sealer.service_interval_months = 6
    sealer.save()
    unit.purchased_on = date(2026, 9, 1)
    unit.save()
    refused = _refused(producer=regular, unit=unit, first=_day(3), by=district_member)
    assert rules_of(refused) == ["R22"]
    ticket = services.ticket_open(unit=unit, kind=TicketKind.SERVICE, reason="ตรวจตามรอบ", by=staff)
    services.ticket_close(ticket=ticket, by=staff, resolved=True, resolution="เปลี่ยนซีล")
    assert book(regular, unit, _day(3), by=district_member)


def test_a_unit_out_of_lending_is_refused_with_its_reason(regular, unit, staff, district_member):
    services.unit_set_status(unit=unit, status=UnitStatus.MISSING, reason="หาไม่พบ", by=staff)
    refused = _refused(producer=regular, unit=unit, first=_day(3), by=district_member)
    assert "หาไม่พบ" in str(refused.value.violations[0])


# --- R24 overrides -------------------------------------------------------------------------------


def test_r24_staff_override_a_rule_with_a_reason_that_is_recorded(regular, unit, staff):
    booking = book(regular, unit, _day(3), _day(10), by=staff, overrides={"R3": "งานใหญ่"})
    override = RuleOverride.objects.get(booking=booking)
    assert (override.rule, override.reason, override.by) == ("R3", "งานใหญ่", staff)


def test_r24_only_staff_override_and_never_eligibility(regular, unit, staff, district_member):
    with pytest.raises(PermissionDenied):
        book(regular, unit, _day(3), _day(10), by=district_member, overrides={"R3": "ขอ"})
    NetworkMembership.objects.filter(producer=regular).update(status=MembershipStatus.PENDING)
    with pytest.raises(services.BookingRefused):
        book(regular, unit, _day(3), by=staff, overrides={"R1": "ขอ"})


def test_every_default_is_a_setting(db):
    settings = LendingSettings.current()
    assert (settings.max_active_total, settings.rolling_cap_days, settings.rolling_window_days) == (
        2,
        10,
        30,
    )
    assert (settings.no_show_hours, settings.suspend_for_days, settings.waitlist_hold_hours) == (
        4,
        30,
        24,
    )
    assert (settings.stocktake_months, settings.stocktake_warning_days) == (6, 14)


# --- R13 recurring bookings -----------------------------------------------------------------


def test_r13_only_staff_book_a_series_and_refused_slots_are_skipped(regular, unit, staff):
    weekly = [days(unit, _day(n)) for n in (3, 10, 17)]
    with pytest.raises(PermissionDenied):
        services.booking_series(
            producer=regular, unit=unit, slots=weekly, by=UserFactory(), reason="อบรม"
        )
    other = eligible_producer()
    accept_terms(other, unit.equipment_type, staff)
    book(other, unit, _day(10), by=staff, overrides={"R10": "x"})  # the second week is taken

    made, skipped = services.booking_series(
        producer=regular, unit=unit, slots=weekly, by=staff, reason="อบรมต่อเนื่อง"
    )

    assert [b.period.lower.date() for b in made] == [_day(3), _day(17)]
    assert [slot.first_day for slot, _refused in skipped] == [_day(10)]
    assert isinstance(skipped[0][1], services.SlotTaken)
    rules = set(RuleOverride.objects.filter(booking__in=made).values_list("rule", flat=True))
    assert "R13" in rules


def test_a_refused_request_is_kept_as_unmet_demand(regular, unit, district_member):
    from equipment.models import BookingRefusal

    _refused(producer=regular, unit=unit, first=_day(3), last=_day(10), by=district_member)
    refusal = BookingRefusal.objects.get()
    assert (refusal.producer, refusal.rule_codes, refusal.refused_by) == (
        regular,
        ["R3"],
        district_member,
    )
