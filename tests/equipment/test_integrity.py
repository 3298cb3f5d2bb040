"""What the database holds whatever path writes: no two approved or checked-out bookings
of one unit overlap (turnaround included), no empty or open-ended periods, one open
loan per unit, and a race for one slot has exactly one winner."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import translation

from equipment import services
from equipment.models import Booking, BookingStatus, EquipmentType, EquipmentUnit, Loan
from tests.equipment.conftest import TODAY, accept_terms, days, eligible_producer
from tests.factories import UserFactory

BKK = ZoneInfo("Asia/Bangkok")


def _at(day_offset: int, hour: int) -> datetime:
    return datetime.combine(TODAY + timedelta(days=day_offset), datetime.min.time(), BKK).replace(
        hour=hour
    )


def _row(unit, producer, by, lower, upper, blocked_upper=None, status=BookingStatus.APPROVED):
    return Booking(
        unit=unit,
        producer=producer,
        status=status,
        period=DateTimeTZRange(lower, upper),
        blocked_period=DateTimeTZRange(lower, blocked_upper or upper),
        booked_days=1,
        requested_by=by,
    )


@pytest.fixture
def two(db, unit, staff):
    return eligible_producer(), eligible_producer()


def test_the_database_refuses_an_overlap_written_past_the_service(unit, two, staff):
    first, second = two
    _row(unit, first, staff, _at(3, 8), _at(3, 17), _at(4, 17)).save()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        _row(unit, second, staff, _at(4, 8), _at(4, 12)).save()  # inside the turnaround
    assert services.sqlstate(error.value) == "23P01"


def test_requests_may_overlap_and_cancelled_rows_do_not_block(unit, two, staff):
    first, second = two
    _row(unit, first, staff, _at(3, 8), _at(3, 17), status=BookingStatus.REQUESTED).save()
    _row(unit, second, staff, _at(3, 8), _at(3, 17), status=BookingStatus.REQUESTED).save()
    _row(unit, first, staff, _at(5, 8), _at(5, 17), status=BookingStatus.CANCELLED).save()
    _row(unit, second, staff, _at(5, 8), _at(5, 17)).save()
    assert Booking.objects.count() == 4


def test_back_to_back_bookings_are_legal(unit, two, staff):
    first, second = two
    _row(unit, first, staff, _at(3, 8), _at(3, 12)).save()
    _row(unit, second, staff, _at(3, 12), _at(3, 16)).save()


def test_reactivating_a_cancelled_booking_over_another_is_refused(unit, two, staff):
    first, second = two
    cancelled = _row(unit, first, staff, _at(3, 8), _at(3, 17), status=BookingStatus.CANCELLED)
    cancelled.save()
    _row(unit, second, staff, _at(3, 8), _at(3, 17)).save()
    cancelled.status = BookingStatus.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        cancelled.save()


@pytest.mark.parametrize(
    "period",
    [
        DateTimeTZRange(_at(3, 8), _at(3, 8)),  # empty: overlaps nothing, so refused
        DateTimeTZRange(_at(3, 8), None),  # open-ended: would block forever
        DateTimeTZRange(None, _at(3, 8)),
    ],
)
def test_empty_and_open_ended_periods_are_refused(unit, two, staff, period):
    booking = _row(unit, two[0], staff, _at(3, 8), _at(3, 9))
    booking.period = booking.blocked_period = period
    with pytest.raises(IntegrityError), transaction.atomic():
        booking.save()


def test_the_blocked_time_must_cover_the_booked_time(unit, two, staff):
    booking = _row(unit, two[0], staff, _at(3, 8), _at(3, 17))
    booking.blocked_period = DateTimeTZRange(_at(3, 8), _at(3, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        booking.save()


def test_one_open_loan_per_unit(unit, two, staff):
    first = _row(unit, two[0], staff, _at(-3, 8), _at(-2, 17))
    first.save()
    second = _row(unit, two[1], staff, _at(0, 8), _at(1, 17))
    second.save()
    common = {"unit": unit, "checked_out_by": staff, "checkout_condition": "good"}
    Loan.objects.create(booking=first, due_at=first.period.upper, acknowledged_by="ก", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            booking=second, due_at=second.period.upper, acknowledged_by="ข", **common
        )


@pytest.mark.django_db(transaction=True)
def test_eight_threads_race_for_one_slot_and_exactly_one_wins(geography, clock):
    staff = UserFactory(staff=True, username="race-staff")
    sealer = EquipmentType.objects.create(name="เครื่องซีล race")
    unit = EquipmentUnit.objects.create(equipment_type=sealer, asset_number="R-1", location="x")
    producers = [eligible_producer() for _ in range(8)]
    slot = days(unit, TODAY + timedelta(days=3))
    barrier = threading.Barrier(len(producers))
    outcomes: list[str] = []

    def attempt(producer):
        try:
            barrier.wait()
            with translation.override("en"):
                services.booking_request(
                    producer=producer, unit=unit, slot=slot, by=staff, overrides={"R10": "race"}
                )
            outcomes.append("booked")
        except services.SlotTaken as taken:
            outcomes.append(str(taken.violations[0]))
        except Exception as error:
            outcomes.append(f"error: {error!r}")
        finally:
            close_old_connections()
            connection.close()

    for producer in producers:
        accept_terms(producer, sealer, staff)
    threads = [threading.Thread(target=attempt, args=(p,)) for p in producers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 1, outcomes
    assert all(o.startswith("This unit is already booked") for o in outcomes if o != "booked")
    assert Booking.objects.filter(unit=unit, status=BookingStatus.APPROVED).count() == 1
