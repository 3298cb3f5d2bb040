"""The use report's kept months (equipment/models/rollups.py): a month that ended is
counted once and kept; the report adds kept months to what it counts live, and must
give what counting the whole period live gives. Any change to an ended month's loans,
bookings or closure days forgets the month; ordinary writes of the current month
forget nothing."""

import csv
import io
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from equipment import reports
from equipment.models import (
    USE_MONTHS_LOCK,
    BookingStatus,
    EquipmentUnit,
    Loan,
    NonWorkingDay,
    UnitUseMonth,
    UseMonth,
)
from tests.conftest import OWN_DISTRICT
from tests.equipment.test_reports import at, booking, loan
from tests.factories import ProducerFactory, sa_kaeo_district

NOW = datetime(2027, 5, 10, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))  # a Monday
TODAY = NOW.date()
SPAN = reports.Period(date(2026, 12, 10), TODAY)  # part of December, whole Jan–Apr, May


@pytest.fixture
def later():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def live(period: reports.Period) -> tuple[dict, int]:
    """The period counted live in one piece, as the report did before months were kept."""
    rows = reports._fetch(reports.USE_COUNTS_SQL, reports._use_params(period))
    counts = {
        row["unit_id"]: {name: row[name] for name in reports._COUNTS}
        for row in rows
        if row["unit_id"] is not None
    }
    return counts, rows[0]["working_days"]


def rounded(counts: dict) -> dict:
    return {
        unit: {name: round(value, 6) for name, value in row.items()} for unit, row in counts.items()
    }


def assert_same_as_live(period: reports.Period) -> None:
    kept, working = reports.use_counts(period)
    expected, expected_working = live(period)
    assert rounded(kept) == rounded(expected)
    assert working == expected_working


@pytest.fixture
def history(later, sealer, staff):
    """Eight units lent, booked and serviced at random from November to May, loans
    across month ends, weekends and closures, some late, one still out."""
    rng = random.Random(2568)
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    NonWorkingDay.objects.get_or_create(on=date(2027, 2, 10), defaults={"name": "ปิดสำนักงาน"})
    units = []
    for number in range(8):
        unit = EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=f"U{number}", location="สนง."
        )
        units.append(unit)
        day = date(2026, 11, 20) + timedelta(days=rng.randint(0, 5))
        while day < TODAY - timedelta(days=12):
            last = day + timedelta(days=rng.randint(0, 6))
            if rng.random() < 0.15:
                booking(unit, None, day, last, BookingStatus.APPROVED, by=staff, kind="maintenance")
            elif rng.random() < 0.15:
                booking(unit, producer, day, last, BookingStatus.NO_SHOW, by=staff)
            else:
                made = booking(unit, producer, day, last, BookingStatus.RETURNED, by=staff)
                back = last + timedelta(days=rng.randint(0, 4))
                loan(made, at(day, 9), at(back, 15), by=staff)
                last = back
            day = last + timedelta(days=rng.randint(1, 9))
    out = booking(units[0], producer, TODAY - timedelta(days=3), TODAY, "checked_out", by=staff)
    loan(out, at(TODAY - timedelta(days=3), 9), by=staff)
    # At night, across month ends: Bangkok's dates are not UTC's (07:00 here is midnight UTC).
    night = EquipmentUnit.objects.create(
        equipment_type=sealer, asset_number="NIGHT", location="สนง."
    )
    for out_at, back_at in (
        (at(date(2027, 1, 31), 23, 30), at(date(2027, 2, 1), 0, 30)),
        (at(date(2027, 3, 1), 0, 15), at(date(2027, 3, 1), 6, 45)),
        (at(date(2027, 3, 31), 22, 0), at(date(2027, 4, 2), 6, 0)),
    ):
        made = booking(night, producer, out_at.date(), back_at.date(), "returned", by=staff)
        loan(made, out_at, back_at, by=staff)
    return {"units": units, "producer": producer, "night": night}


def test_a_period_splits_into_live_days_and_months_that_ended():
    today = date(2027, 5, 10)
    live_parts, months = reports.split(SPAN, today)
    assert months == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1)]
    assert live_parts == [
        reports.Period(date(2026, 12, 10), date(2026, 12, 31)),
        reports.Period(date(2027, 5, 1), today),
    ]
    # April is kept from 1 May on; the month under way is counted live.
    april = reports.Period(date(2027, 4, 1), date(2027, 4, 30))
    assert reports.split(april, date(2027, 4, 30)) == ([april], [])
    assert reports.split(april, date(2027, 5, 1)) == ([], [date(2027, 4, 1)])
    # Whole months not yet ended, and a period in the future, are counted live in one piece.
    assert reports.split(reports.Period(date(2027, 5, 1), date(2027, 7, 31)), today) == (
        [reports.Period(date(2027, 5, 1), date(2027, 7, 31))],
        [],
    )


def test_kept_months_add_up_to_the_live_count(history):
    assert not UseMonth.objects.exists()
    for period in (
        SPAN,
        reports.Period(date(2027, 1, 15), date(2027, 3, 14)),
        reports.Period(date(2027, 2, 1), date(2027, 2, 28)),
        reports.Period.last_12_months(TODAY),
    ):
        assert_same_as_live(period)
    kept = set(UseMonth.objects.values_list("month", flat=True))
    # the last twelve months: 11 May 2026 to today, June to April whole
    assert kept == {date(2026, m, 1) for m in range(6, 13)} | {
        date(2027, m, 1) for m in range(1, 5)
    }
    february = UseMonth.objects.get(month=date(2027, 2, 1))
    assert february.working_days == 19  # 20 weekdays, the closure on the 10th
    assert UnitUseMonth.objects.filter(month=date(2027, 2, 1)).count() > 0


def test_reading_kept_months_again_computes_nothing(history, django_assert_num_queries):
    reports.use_counts(SPAN)
    # the kept months with their units' sums (one statement), December 10–31 and May live
    with django_assert_num_queries(3):
        reports.use_counts(SPAN)


def _february_loan(history):
    # one whose return, two days later, still falls in February; by id, since loans of
    # different units are checked out at the same moment
    return (
        Loan.objects.filter(checked_out_at__month=2, returned_at__month=2, returned_at__day__lte=20)
        .order_by("pk")
        .first()
    )


def _new_loan_in_february(history, staff):
    unit = EquipmentUnit.objects.create(
        equipment_type=history["units"][0].equipment_type, asset_number="NEW", location="สนง."
    )
    made = booking(
        unit, history["producer"], date(2027, 2, 3), date(2027, 2, 4), "returned", by=staff
    )
    loan(made, at(date(2027, 2, 3), 9), at(date(2027, 2, 5), 10), by=staff)


def _return_corrected(history, staff):
    found = _february_loan(history)
    found.returned_at += timedelta(days=2)
    found.save()


def _unit_changed(history, staff):
    found = _february_loan(history)
    other = next(unit for unit in history["units"] if unit.pk != found.unit_id)
    Loan.objects.filter(pk=found.pk).update(unit=other)


def _booking_cancelled(history, staff):
    found = _february_loan(history).booking
    found.status = BookingStatus.NO_SHOW
    found.save()


def _maintenance_added(history, staff):
    unit = EquipmentUnit.objects.create(
        equipment_type=history["units"][0].equipment_type, asset_number="M", location="สนง."
    )
    booking(
        unit, None, date(2027, 2, 15), date(2027, 2, 16), "approved", by=staff, kind="maintenance"
    )


def _closure_added(history, staff):
    NonWorkingDay.objects.create(on=date(2027, 2, 12), name="ปิดสำนักงานฉุกเฉิน")


def _closure_removed(history, staff):
    NonWorkingDay.objects.filter(on=date(2027, 2, 10)).delete()


def _loan_deleted(history, staff):
    _february_loan(history).delete()


@pytest.mark.parametrize(
    "change",
    [
        _new_loan_in_february,
        _return_corrected,
        _unit_changed,
        _booking_cancelled,
        _maintenance_added,
        _closure_added,
        _closure_removed,
        _loan_deleted,
    ],
)
def test_a_change_to_an_ended_month_forgets_it(history, staff, change):
    reports.use_counts(SPAN)
    kept = set(UseMonth.objects.values_list("month", flat=True))
    assert date(2027, 2, 1) in kept
    change(history, staff)
    # February forgotten, with its units' figures; every other month still kept.
    assert set(UseMonth.objects.values_list("month", flat=True)) == kept - {date(2027, 2, 1)}
    assert not UnitUseMonth.objects.filter(month=date(2027, 2, 1)).exists()
    assert_same_as_live(SPAN)


def _advisory_locks(mode: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND ((classid::bigint << 32) | objid::bigint) = %s AND mode = %s",
            [USE_MONTHS_LOCK, mode],
        )
        return cursor.fetchone()[0]


def test_current_month_writes_forget_nothing(history, staff):
    reports.use_counts(SPAN)
    kept = UseMonth.objects.count()
    producer, unit = history["producer"], history["units"][3]
    made = booking(
        unit, producer, TODAY + timedelta(days=3), TODAY + timedelta(days=4), "approved", by=staff
    )
    made.status = BookingStatus.CHECKED_OUT
    made.save()
    taken = loan(made, NOW, by=staff)
    taken.returned_at = NOW + timedelta(hours=2)
    taken.return_condition = "good"
    taken.cleaned = True
    taken.save()
    # A loan out since March (a kept month) comes back today: March's days stay as they were.
    still_out = Loan.objects.get(returned_at__isnull=True)
    Loan.objects.filter(pk=still_out.pk).update(
        checked_out_at=at(date(2027, 3, 30), 9), returned_at=None
    )
    reports.use_counts(SPAN)
    before = UseMonth.objects.count()
    assert before == kept
    still_out.refresh_from_db()
    still_out.returned_at = NOW
    still_out.return_condition = "good"
    still_out.cleaned = True
    still_out.save()
    assert UseMonth.objects.count() == before
    assert_same_as_live(SPAN)


def test_a_write_holds_the_lock_shared_until_it_commits(later, sealer, staff):
    assert _advisory_locks("ShareLock") == 0
    NonWorkingDay.objects.create(on=date(2027, 6, 2), name="ปิดสำนักงาน")
    assert _advisory_locks("ShareLock") == 1
    reports.use_counts(SPAN)  # a report keeping months takes it exclusively
    assert _advisory_locks("ExclusiveLock") == 1


def test_a_night_loan_forgets_only_its_own_bangkok_months(history, staff):
    reports.use_counts(SPAN)
    kept = set(UseMonth.objects.values_list("month", flat=True))
    # 1 March 00:15 Bangkok is 28 February in UTC: March alone is touched.
    Loan.objects.filter(checked_out_at=at(date(2027, 3, 1), 0, 15)).update(
        returned_at=at(date(2027, 3, 1), 7, 45)
    )
    assert set(UseMonth.objects.values_list("month", flat=True)) == kept - {date(2027, 3, 1)}


def test_the_function_cuts_months_in_the_portals_time_zone(db, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'equipment_use_months_stale'")
        source = cursor.fetchone()[0]
    assert f"AT TIME ZONE '{settings.TIME_ZONE}'" in source


def test_a_busy_lock_counts_the_months_live_and_keeps_nothing(history):
    """Another session holding the lock (a report keeping months, or a write still
    open): the report does not wait for it; it counts every month live."""
    import psycopg2

    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock_shared(%s)", [USE_MONTHS_LOCK])
        assert_same_as_live(SPAN)
        assert not UseMonth.objects.exists()
    finally:
        other.close()
    assert_same_as_live(SPAN)
    assert UseMonth.objects.exists()


def test_the_use_page_lists_units_a_page_at_a_time_and_the_download_all(
    later, sealer, staff, client
):
    for number in range(53):
        EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=f"U{number:02d}", location="สนง."
        )
    client.force_login(staff)
    url = reverse("equipment:report", args=["use"])
    first = client.get(url).content.decode()
    assert "U49" in first and "U50" not in first
    assert ">53<" in first  # the per-type row counts every unit
    second = client.get(url, {"page": 2}).content.decode()
    assert "U50" in second and "U52" in second and "U49" not in second
    assert "page=1" in second
    download = client.get(reverse("equipment:report_export", args=["use", "csv"]), {"page": 2})
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert {row[1] for row in rows if row and row[1].startswith("U")} == {
        f"U{n:02d}" for n in range(53)
    }


def test_the_use_page_keeps_its_whole_months_and_shows_the_live_totals(history, staff, client):
    client.force_login(staff)
    url = reverse("equipment:report", args=["use"])
    pages = [client.get(url, {"page": page}) for page in (1, 2)]
    assert all(page.status_code == 200 for page in pages)
    # the last twelve months (11 May 2026 to today): June to April whole, kept
    assert set(UseMonth.objects.values_list("month", flat=True)) == {
        date(2026, m, 1) for m in range(6, 13)
    } | {date(2027, m, 1) for m in range(1, 5)}
    expected, working = live(reports.Period.last_12_months(TODAY))
    for page in pages:
        total = page.context["data"].total
        assert total.used_days == sum(row["used_days"] for row in expected.values())
        assert total.booked_days == sum(row["booked_days"] for row in expected.values())
        assert page.context["data"].working_days == working
