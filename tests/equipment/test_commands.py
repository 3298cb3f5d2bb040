"""The equipment commands cron runs: reminders (R17), no-show release (R18) and the
public holidays; each is idempotent."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from equipment import services
from equipment.models import Booking, BookingStatus, ClosureKind, NonWorkingDay, Reminder
from tests.equipment.conftest import TODAY, book
from tests.equipment.test_care_pages import png

BKK = ZoneInfo("Asia/Bangkok")
WEDNESDAY = TODAY + timedelta(days=2)


def _run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def _approved(producer, unit, first, last, by):
    booking = book(producer, unit, first, last, by=by)
    if booking.status == BookingStatus.REQUESTED:
        booking, _rejected = services.booking_approve(booking=booking, by=by)
    return booking


def _check_out(booking, by):
    return services.loan_checkout(
        booking=booking,
        by=by,
        condition="good",
        checklist={"ฝาครอบ": True, "สายไฟ": True},
        acknowledged_by="นางสมศรี",
        photos=[png()],
    )


def test_each_reminder_is_sent_once(clock, producer, unit, staff, district_member):
    booking = _approved(producer, unit, WEDNESDAY, WEDNESDAY + timedelta(days=1), staff)
    Booking.objects.filter(pk=booking.pk).update(requested_by=district_member)
    # Tuesday: the pickup is tomorrow
    with time_machine.travel(datetime(2027, 3, 2, 7, 0, tzinfo=BKK), tick=False):
        assert "1 sent" in _run("send_equipment_reminders")
        assert "0 sent" in _run("send_equipment_reminders")
    assert [m.to for m in mail.outbox] == [[district_member.email]]
    with time_machine.travel(datetime(2027, 3, 3, 9, 0, tzinfo=BKK), tick=False):
        _check_out(booking, staff)
        assert "1 sent" in _run("send_equipment_reminders")  # due back tomorrow
        assert "0 sent" in _run("send_equipment_reminders")
    # Friday and Saturday: overdue, one reminder a day
    for day in (5, 6):
        with time_machine.travel(datetime(2027, 3, day, 8, 0, tzinfo=BKK), tick=False):
            assert "1 sent" in _run("send_equipment_reminders")
            assert "0 sent" in _run("send_equipment_reminders")
    kinds = sorted(Reminder.objects.filter(booking=booking).values_list("kind", flat=True))
    assert kinds == ["due", "overdue-2027-03-05", "overdue-2027-03-06", "pickup"]
    assert len(mail.outbox) == 4
    assert all(unit.asset_number in message.subject for message in mail.outbox)


def test_a_reminder_without_an_email_is_recorded_but_not_sent(clock, producer, unit, staff):
    booking = _approved(producer, unit, WEDNESDAY, WEDNESDAY, staff)
    staff.email = ""
    staff.save()
    Booking.objects.filter(pk=booking.pk).update(requested_by=staff)
    with time_machine.travel(datetime(2027, 3, 2, 7, 0, tzinfo=BKK), tick=False):
        _run("send_equipment_reminders")
    assert Reminder.objects.get(booking=booking).emailed_to == ""
    assert mail.outbox == []


def test_a_booking_not_picked_up_is_released_after_four_working_hours(clock, producer, unit, staff):
    booking = _approved(producer, unit, WEDNESDAY, WEDNESDAY + timedelta(days=1), staff)
    with time_machine.travel(datetime(2027, 3, 3, 12, 0, tzinfo=BKK), tick=False):
        assert "released: 0" in _run("release_equipment_no_shows")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    with time_machine.travel(datetime(2027, 3, 3, 12, 45, tzinfo=BKK), tick=False):
        assert "released: 1" in _run("release_equipment_no_shows")
        assert "released: 0" in _run("release_equipment_no_shows")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


@pytest.mark.django_db
def test_load_holidays_is_idempotent_and_keeps_what_staff_changed():
    with time_machine.travel(datetime(2027, 1, 5, 9, 0, tzinfo=BKK), tick=False):
        NonWorkingDay.objects.create(
            on=date(2027, 1, 1), name="ปีใหม่ (แก้ไขโดยเจ้าหน้าที่)", kind=ClosureKind.OFFICE_CLOSURE
        )
        first = _run("load_holidays")
        added = NonWorkingDay.objects.count()
        assert "2027, 2028" in first
        assert added > 30
        assert "0 added" in _run("load_holidays")
    assert NonWorkingDay.objects.count() == added
    kept = NonWorkingDay.objects.get(on=date(2027, 1, 1))
    assert (kept.name, kept.kind) == ("ปีใหม่ (แก้ไขโดยเจ้าหน้าที่)", ClosureKind.OFFICE_CLOSURE)
    songkran = NonWorkingDay.objects.get(on=date(2027, 4, 13))
    assert songkran.kind == ClosureKind.PUBLIC_HOLIDAY
    assert "สงกรานต์" in songkran.name


def test_a_flagged_booking_is_emailed_once_per_flagging(clock, producer, unit, staff):
    booking = _approved(producer, unit, TODAY + timedelta(days=7), TODAY + timedelta(days=7), staff)
    services.unit_set_status(unit=unit, status="maintenance", reason="มอเตอร์ไหม้", by=staff)
    assert "1 sent" in _run("send_equipment_reminders")
    assert "0 sent" in _run("send_equipment_reminders")
    assert "มอเตอร์ไหม้" in mail.outbox[-1].body
    assert mail.outbox[-1].to == [booking.requested_by.email]
    services.unit_set_status(unit=unit, status="available", reason="", by=staff)
    assert "0 sent" in _run("send_equipment_reminders")  # back in lending: nothing to tell
