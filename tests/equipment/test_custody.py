"""Check-out and return (R14–R16), no-shows (R18), suspensions (R19) and the waitlist
(R21) through the services."""

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from equipment import services
from equipment.models import (
    Booking,
    BookingStatus,
    MaintenanceTicket,
    RuleOverride,
    Suspension,
    UnitPhoto,
    UnitStatus,
    WaitlistStatus,
)
from tests.equipment.conftest import TODAY, accept_terms, book, days, eligible_producer

pytestmark = pytest.mark.usefixtures("clock")
BKK = ZoneInfo("Asia/Bangkok")


def _day(n: int):
    return TODAY + timedelta(days=n)


def _at(n: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(_day(n), datetime.min.time(), BKK).replace(hour=hour, minute=minute)


def photo(name="unit.png", fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


CHECKOUT = {"ฝาครอบ": True, "สายไฟ": True}
RETURN = {"ทำความสะอาดแล้ว": True}


@pytest.fixture
def approved(producer, unit, staff):
    return book(producer, unit, _day(3), _day(4), by=staff, overrides={"R10": "ผู้ยืมประจำ"})


def _checkout(booking, staff, **kwargs):
    arguments = {
        "booking": booking,
        "by": staff,
        "condition": "good",
        "checklist": CHECKOUT,
        "acknowledged_by": "นางสมศรี ใจดี",
        "photos": [photo()],
    } | kwargs
    return services.loan_checkout(**arguments)


def _return(loan, staff, **kwargs):
    arguments = {
        "loan": loan,
        "by": staff,
        "condition": "good",
        "cleaned": True,
        "checklist": RETURN,
        "photos": [photo()],
    } | kwargs
    return services.loan_return(**arguments)


def test_staff_approve_at_once_with_an_r10_override_that_is_recorded(approved):
    assert approved.status == BookingStatus.APPROVED
    assert RuleOverride.objects.get(booking=approved).rule == "R10"


def test_r14_a_checkout_needs_the_checklist_a_photo_and_the_borrowers_name(approved, staff):
    with (
        time_machine.travel(_at(3, 9), tick=False),
        translation.override("en"),
        pytest.raises(ValidationError) as refused,
    ):
        _checkout(approved, staff, checklist={"ฝาครอบ": True}, photos=[], acknowledged_by=" ")
    messages = " ".join(refused.value.messages)
    assert "สายไฟ" in messages and "photo" in messages and "name" in messages
    assert not UnitPhoto.objects.exists()
    assert Booking.objects.get(pk=approved.pk).status == BookingStatus.APPROVED


def test_a_checkout_and_an_on_time_return(approved, staff, unit):
    with time_machine.travel(_at(3, 9), tick=False):
        loan = _checkout(approved, staff)
    assert Booking.objects.get(pk=approved.pk).status == BookingStatus.CHECKED_OUT
    assert UnitPhoto.objects.get(loan=loan).image.name.endswith(".jpg")
    with time_machine.travel(_at(4, 16), tick=False):
        _return(loan, staff)
    loan.refresh_from_db()
    assert loan.returned_by == staff and loan.cleaned
    assert not Suspension.objects.exists()


def test_an_upload_that_is_not_an_image_is_refused(approved, staff):
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with time_machine.travel(_at(3, 9), tick=False), pytest.raises(ValidationError):
        _checkout(approved, staff, photos=[fake])
    assert Booking.objects.get(pk=approved.pk).status == BookingStatus.APPROVED


def _media_files(settings) -> list:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_bad_later_photo_refuses_the_checkout_and_leaves_no_file(approved, staff, settings):
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with time_machine.travel(_at(3, 9), tick=False), pytest.raises(ValidationError):
        _checkout(approved, staff, photos=[photo("a.png"), photo("b.png"), fake])
    assert Booking.objects.get(pk=approved.pk).status == BookingStatus.APPROVED
    assert not UnitPhoto.objects.exists()
    assert _media_files(settings) == []


def test_a_bad_later_photo_refuses_the_return_and_leaves_no_file(approved, staff, settings):
    with time_machine.travel(_at(3, 9), tick=False):
        loan = _checkout(approved, staff)
    before = _media_files(settings)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with time_machine.travel(_at(4, 16), tick=False), pytest.raises(ValidationError):
        _return(loan, staff, photos=[photo("a.png"), fake])
    loan.refresh_from_db()
    assert loan.returned_at is None
    assert UnitPhoto.objects.filter(loan=loan).count() == 1
    assert _media_files(settings) == before


def test_a_failing_photo_write_deletes_the_files_already_written(
    approved, staff, settings, monkeypatch
):
    """Should storage fail at the second file, the first is deleted too."""
    from equipment import photos

    real = photos._write
    calls = []

    def write_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(photos, "_write", write_then_fail)
    with time_machine.travel(_at(3, 9), tick=False), pytest.raises(OSError):
        _checkout(approved, staff, photos=[photo("a.png"), photo("b.png")])
    assert len(calls) == 2
    assert _media_files(settings) == []


def test_r16_an_early_return_frees_the_rest_of_the_time(approved, staff, unit):
    other = eligible_producer()
    accept_terms(other, unit.equipment_type, staff)
    with time_machine.travel(_at(3, 9), tick=False):
        loan = _checkout(approved, staff)
    with time_machine.travel(_at(3, 15), tick=False):
        _return(loan, staff)
    approved.refresh_from_db()
    assert approved.period.upper == _at(3, 15)
    assert approved.booked_days == 1
    # Friday (the turnaround after Thursday's early return) stays blocked; Monday is free.
    with time_machine.travel(_at(1, 9), tick=False):
        with pytest.raises(services.SlotTaken):
            book(other, unit, _day(4), by=staff, overrides={"R10": "x"})
        assert book(other, unit, _day(7), by=staff, overrides={"R10": "x"})


def test_r15_damage_opens_a_ticket_takes_the_unit_out_and_flags_bookings(approved, staff, unit):
    other = eligible_producer()
    accept_terms(other, unit.equipment_type, staff)
    later = book(other, unit, _day(15), by=staff, overrides={"R10": "x"})
    with time_machine.travel(_at(3, 9), tick=False):
        loan = _checkout(approved, staff)
    with time_machine.travel(_at(4, 16), tick=False):
        with pytest.raises(ValidationError):
            _return(loan, staff, condition="damaged")  # the damage must be described
        _return(loan, staff, condition="damaged", notes="ซีลฉีกขาด")
    ticket = MaintenanceTicket.objects.get()
    assert (ticket.loan, ticket.reason) == (loan, "ซีลฉีกขาด")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.MAINTENANCE
    later.refresh_from_db()
    assert later.flagged_at is not None
    assert Suspension.objects.filter(producer=approved.producer).exists()  # R19 on damage


def test_r19_a_very_late_return_suspends_and_an_overdue_loan_blocks(approved, staff, unit):
    with time_machine.travel(_at(3, 9), tick=False):
        loan = _checkout(approved, staff)
    with time_machine.travel(_at(6, 9), tick=False), translation.override("en"):
        with pytest.raises(services.BookingRefused) as refused:
            book(approved.producer, unit, _day(20), by=staff)
        assert "R19" in [v.rule for v in refused.value.violations]
    with time_machine.travel(_at(10, 10), tick=False):
        _return(loan, staff)
    suspension = Suspension.objects.get(producer=approved.producer)
    assert suspension.starts_on == _day(10)
    assert (suspension.ends_on - suspension.starts_on).days == 29


def test_r18_a_booking_not_picked_up_is_released_after_four_working_hours(approved, staff):
    with time_machine.travel(_at(3, 12, 29), tick=False):
        assert services.release_no_shows() == []
    with time_machine.travel(_at(3, 12, 31), tick=False):
        assert services.release_no_shows() == [approved]
    approved.refresh_from_db()
    assert approved.status == BookingStatus.NO_SHOW


def test_r19_two_no_shows_within_ninety_days_suspend(producer, unit, staff):
    for first in (3, 10):
        booking = book(producer, unit, _day(first), by=staff, overrides={"R10": "x"})
        with time_machine.travel(_at(first, 16), tick=False):
            services.release_no_shows()
        booking.refresh_from_db()
        assert booking.status == BookingStatus.NO_SHOW
    assert Suspension.objects.filter(producer=producer, created_by=None).count() == 1


def test_r21_a_freed_slot_is_offered_to_the_first_in_line_who_may_take_it_up(approved, staff, unit):
    waiting = [eligible_producer(), eligible_producer()]
    for producer in waiting:
        accept_terms(producer, unit.equipment_type, staff)
    slot = days(unit, _day(3), _day(4))
    first = services.waitlist_join(producer=waiting[0], unit=unit, slot=slot, by=staff)
    second = services.waitlist_join(producer=waiting[1], unit=unit, slot=slot, by=staff)

    services.booking_cancel(booking=approved, by=staff)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (WaitlistStatus.OFFERED, WaitlistStatus.WAITING)
    booking = services.waitlist_accept(entry=first, by=staff)
    assert booking.producer == waiting[0]
    first.refresh_from_db()
    assert first.status == WaitlistStatus.BOOKED and first.booking == booking


def test_r21_an_offer_not_taken_up_in_time_lapses_and_passes_on(approved, staff, unit):
    waiting = [eligible_producer(), eligible_producer()]
    for producer in waiting:
        accept_terms(producer, unit.equipment_type, staff)
    slot = days(unit, _day(3), _day(4))
    first = services.waitlist_join(producer=waiting[0], unit=unit, slot=slot, by=staff)
    second = services.waitlist_join(producer=waiting[1], unit=unit, slot=slot, by=staff)
    services.booking_cancel(booking=approved, by=staff)
    with time_machine.travel(_at(2, 9, 1), tick=False):
        with pytest.raises(services.BookingRefused):
            services.waitlist_accept(entry=first, by=staff)
        services.waitlist_offer_next(unit=unit)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (WaitlistStatus.LAPSED, WaitlistStatus.OFFERED)


def test_a_missing_unit_at_stocktake_leaves_lending(unit, staff):
    services.stocktake_record(unit=unit, on=TODAY, found=False, by=staff, notes="ไม่พบที่ตั้ง")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.MISSING
