"""Check-out and return through the pages (R14–R16), the photo view, and the desk."""

import io
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from equipment import services
from equipment.models import (
    Booking,
    BookingStatus,
    Loan,
    MaintenanceTicket,
    TicketStatus,
    UnitPhoto,
    UnitStatus,
)
from tests.equipment.conftest import TODAY, accept_terms, book, eligible_producer

BKK_TZ = ZoneInfo("Asia/Bangkok")

WEDNESDAY = TODAY + timedelta(days=2)


def png(name="unit.png", colour=(200, 30, 30)) -> SimpleUploadedFile:
    """A tiny PNG, as a phone would upload a photo."""
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@contextmanager
def on(client, user, moment):
    """Move time to `moment` and log `user` in then (sessions last 8 hours)."""
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        yield


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BKK_TZ)


@pytest.fixture
def approved(clock, producer, unit, staff):
    booking = book(producer, unit, WEDNESDAY, WEDNESDAY + timedelta(days=1), by=staff)
    if booking.status == BookingStatus.REQUESTED:
        booking, _rejected = services.booking_approve(booking=booking, by=staff)
    return booking


def _checkout_data(**overrides):
    return {
        "check_0": "on",
        "check_1": "on",
        "condition": "good",
        "acknowledged_by": "นางสมศรี ใจดี",
        "photos": [png()],
        "notes": "",
        **overrides,
    }


def test_checkout_without_a_photo_shows_the_error_and_writes_nothing(client, staff, approved):
    with on(client, staff, at(WEDNESDAY, 9)):
        url = reverse("equipment:loan_checkout", args=[approved.pk])
        response = client.post(url, _checkout_data(photos=[]))
    assert response.status_code == 200
    assert "R14" in response.content.decode()
    assert not Loan.objects.exists()
    assert not UnitPhoto.objects.exists()
    approved.refresh_from_db()
    assert approved.status == BookingStatus.APPROVED


def test_checkout_with_an_unticked_item_shows_the_error_and_writes_nothing(client, staff, approved):
    with on(client, staff, at(WEDNESDAY, 9)):
        url = reverse("equipment:loan_checkout", args=[approved.pk])
        data = _checkout_data()
        del data["check_1"]
        response = client.post(url, data)
    assert response.status_code == 200
    assert "สายไฟ" in response.content.decode()  # the item not ticked is named
    assert not Loan.objects.exists()
    assert not UnitPhoto.objects.exists()


def test_staff_check_a_unit_out_and_take_it_back_through_the_pages(client, staff, approved):
    with on(client, staff, at(WEDNESDAY, 9)):
        desk = client.get(reverse("equipment:care_desk")).content.decode()
        checkout_url = reverse("equipment:loan_checkout", args=[approved.pk])
        assert checkout_url in desk
        form = client.get(checkout_url).content.decode()
        assert "ฝาครอบ" in form
        assert 'type="file"' in form
        assert "multiple" in form
        response = client.post(checkout_url, _checkout_data())
        assert response.status_code == 302, response.content.decode()[:2000]
    loan = Loan.objects.get()
    assert loan.acknowledged_by == "นางสมศรี ใจดี"
    assert loan.checkout_checklist == {"ฝาครอบ": True, "สายไฟ": True}
    assert loan.photos.get().stage == "checkout"
    assert loan.photos.get().image.read(3) == b"\xff\xd8\xff"  # re-encoded as JPEG
    with on(client, staff, at(WEDNESDAY + timedelta(days=1), 15)):
        return_url = reverse("equipment:loan_return", args=[loan.pk])
        assert return_url in client.get(reverse("equipment:care_desk")).content.decode()
        response = client.post(
            return_url,
            {
                "check_0": "on",
                "condition": "worn",
                "cleaned": "on",
                "photos": [png("a.png"), png("b.png", (0, 90, 0))],
                "notes": "ใบมีดสึก",
                "units_produced": "120",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert (loan.return_condition, loan.cleaned, loan.units_produced) == ("worn", True, 120)
    assert loan.photos.filter(stage="return").count() == 2
    assert loan.booking.status == BookingStatus.RETURNED
    assert not MaintenanceTicket.objects.exists()


def test_a_damaged_return_opens_a_ticket_and_flags_the_next_booking(client, staff, approved, unit):
    later = eligible_producer()
    accept_terms(later, unit.equipment_type, staff)
    monday = TODAY + timedelta(days=7)
    nxt = book(later, unit, monday, monday + timedelta(days=1), by=staff)
    if nxt.status == BookingStatus.REQUESTED:
        nxt, _rejected = services.booking_approve(booking=nxt, by=staff)
    with on(client, staff, at(WEDNESDAY, 9)):
        url = reverse("equipment:loan_checkout", args=[approved.pk])
        assert client.post(url, _checkout_data()).status_code == 302
    loan = Loan.objects.get()
    with on(client, staff, at(WEDNESDAY + timedelta(days=1), 15)):
        response = client.post(
            reverse("equipment:loan_return", args=[loan.pk]),
            {
                "check_0": "on",
                "condition": "broken",
                "photos": [png()],
                "notes": "มอเตอร์ไม่หมุน",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        ticket = MaintenanceTicket.objects.get()
        assert (ticket.status, ticket.kind, ticket.loan) == (TicketStatus.OPEN, "repair", loan)
        unit.refresh_from_db()
        assert unit.status == UnitStatus.MAINTENANCE
        nxt.refresh_from_db()
        assert nxt.flagged_at is not None
        desk = client.get(reverse("equipment:care_desk")).content.decode()
        assert later.name in desk
        assert "มอเตอร์ไม่หมุน" in desk


def test_a_damaged_return_needs_a_description(client, staff, approved):
    with on(client, staff, at(WEDNESDAY, 9)):
        client.post(reverse("equipment:loan_checkout", args=[approved.pk]), _checkout_data())
    loan = Loan.objects.get()
    response = client.post(
        reverse("equipment:loan_return", args=[loan.pk]),
        {"check_0": "on", "condition": "damaged", "photos": [png()], "notes": ""},
    )
    assert response.status_code == 200
    loan.refresh_from_db()
    assert loan.returned_at is None
    assert not MaintenanceTicket.objects.exists()


def test_more_than_ten_photos_are_refused(client, staff, approved):
    with on(client, staff, at(WEDNESDAY, 9)):
        photos = [png(f"{n}.png") for n in range(11)]
        response = client.post(
            reverse("equipment:loan_checkout", args=[approved.pk]), _checkout_data(photos=photos)
        )
    assert response.status_code == 200
    assert not Loan.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client, staff, approved):
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    with on(client, staff, at(WEDNESDAY, 9)):
        response = client.post(
            reverse("equipment:loan_checkout", args=[approved.pk]), _checkout_data(photos=[fake])
        )
    assert response.status_code == 200
    assert not Loan.objects.exists()
    assert not UnitPhoto.objects.exists()


def test_a_district_member_cannot_check_a_unit_out(client, district_member, approved):
    with on(client, district_member, at(WEDNESDAY, 9)):
        url = reverse("equipment:loan_checkout", args=[approved.pk])
        assert client.post(url, _checkout_data()).status_code == 403
    assert not Loan.objects.exists()


def test_an_equipment_approver_checks_a_unit_out(client, approver, approved):
    with on(client, approver, at(WEDNESDAY, 9)):
        url = reverse("equipment:loan_checkout", args=[approved.pk])
        assert client.post(url, _checkout_data()).status_code == 302
    assert Loan.objects.get().checked_out_by == approver


def test_the_photo_view_serves_a_jpeg_that_is_never_sniffed(client, district_member, staff, unit):
    from equipment.photos import photo_save

    saved = photo_save(unit=unit, stage="unit", upload=png(), by=staff)
    client.force_login(district_member)
    response = client.get(reverse("equipment:photo", args=[saved.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{saved.token}.jpg"'
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get(reverse("equipment:photo", args=["nope"])).status_code == 404


def test_the_overdue_list_counts_days_overdue(client, staff, approved):
    with on(client, staff, at(WEDNESDAY, 9)):
        client.post(reverse("equipment:loan_checkout", args=[approved.pk]), _checkout_data())
    with on(client, staff, at(WEDNESDAY + timedelta(days=4), 10)):
        page = client.get(reverse("equipment:overdue_list"))
    assert page.status_code == 200
    assert [loan.days_overdue for loan in page.context["loans"]] == [3]
    assert Booking.objects.get().status == BookingStatus.CHECKED_OUT
