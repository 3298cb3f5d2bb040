"""Free units for a time: what the exclusion constraint would let through, in one query."""

from datetime import date, datetime, time

from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from equipment.availability import free_units
from equipment.models import Booking, BookingStatus, EquipmentType, EquipmentUnit, UnitStatus


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(date(2027, 3, day), time(hour, minute)))


def _block(unit, first, last, until, status, by):
    Booking.objects.create(
        unit=unit,
        kind="maintenance",
        status=status,
        period=DateTimeTZRange(at(first, 8, 30), at(last, 16, 30), "[)"),
        blocked_period=DateTimeTZRange(at(first, 8, 30), at(until, 16, 30), "[)"),
        requested_by=by,
    )


def test_only_units_without_a_blocking_booking_in_the_range_are_free(clock, sealer, staff):
    def unit(number, **kwargs):
        return EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=number, location="สนง.", **kwargs
        )

    free, turnaround, taken, requested = unit("1"), unit("2"), unit("3"), unit("4")
    unit("5", status=UnitStatus.RETIRED, status_reason="ปลดระวาง")
    other_type = EquipmentType.objects.create(name="ตู้อบ")
    EquipmentUnit.objects.create(equipment_type=other_type, asset_number="9", location="สนง.")
    # its booking ends on the 8th, but its turnaround blocks the 9th
    _block(turnaround, 5, 8, 9, BookingStatus.APPROVED, staff)
    _block(taken, 10, 10, 11, BookingStatus.APPROVED, staff)
    _block(requested, 9, 10, 11, BookingStatus.REQUESTED, staff)
    with CaptureQueriesContext(connection) as queries:
        found = list(free_units(at(9, 8, 30), at(10, 16, 30), sealer))
    assert [u.asset_number for u in found] == [free.asset_number, requested.asset_number]
    assert len(queries) == 1
    assert len(free_units(at(9, 8, 30), at(10, 16, 30))) == 3, "every type"
