"""Permission-matrix rows of the equipment booking pages.

Units and types are province-wide (every login reads them); bookings and waitlist
entries belong to the producer's district. Deciding on requests is for approvers and
provincial staff; network officers only read.
"""

from datetime import timedelta

from tests.conftest import OWN_DISTRICT
from tests.matrix import LOGIN, Row, district_object, district_write, logged_in, staff_only


def _unit():
    from equipment.models import EquipmentType, EquipmentUnit

    equipment_type, _created = EquipmentType.objects.get_or_create(name="เครื่องซีลทดสอบ")
    return EquipmentUnit.objects.create(
        equipment_type=equipment_type, asset_number="7440-999-0001", location="สำนักงาน"
    )


def _producer():
    from tests.factories import ProducerFactory, sa_kaeo_district

    return ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))


def _at(days: int, hour: int):
    from django.utils import timezone

    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


def equipment_type(request):
    return {"pk": _unit().equipment_type_id}


def unit(request):
    return {"pk": _unit().pk}


def booking(request):
    """A request of an own-district producer, far enough ahead to change or cancel."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from equipment.models import Booking
    from tests.factories import UserFactory

    period = DateTimeTZRange(_at(20, 8), _at(21, 16))
    made = Booking.objects.create(
        unit=_unit(),
        producer=_producer(),
        period=period,
        blocked_period=DateTimeTZRange(period.lower, _at(22, 16)),
        booked_days=2,
        requested_by=UserFactory(staff=True),
    )
    return {"pk": made.pk}


def offer(request):
    """A waitlist offer made to an own-district producer."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
    from django.utils import timezone

    from equipment.models import WaitlistEntry, WaitlistStatus
    from tests.factories import UserFactory

    entry = WaitlistEntry.objects.create(
        unit=_unit(),
        producer=_producer(),
        period=DateTimeTZRange(_at(20, 8), _at(21, 16)),
        status=WaitlistStatus.OFFERED,
        offered_at=timezone.now(),
        requested_by=UserFactory(staff=True),
    )
    return {"pk": entry.pk}


def booking_for(outcome=200):
    """Booking for a producer: district members (of their district) and staff."""
    return {**logged_in(outcome), "officer": 403}


def decide(outcome=302):
    """Deciding on a request: approvers and staff; who cannot see it gets 404."""
    return {**district_object(403), "staff": outcome}


ROWS = {
    "equipment:index": Row(get=logged_in(200), post=logged_in(405)),
    "equipment:type_detail": Row(get=logged_in(200), post=logged_in(405), kwargs=equipment_type),
    "equipment:unit_detail": Row(get=logged_in(200), post=logged_in(405), kwargs=unit),
    "equipment:booking_new": Row(get=booking_for(), post=booking_for(), kwargs=equipment_type),
    "equipment:booking_list": Row(get=logged_in(200), post=logged_in(405)),
    "equipment:booking_detail": Row(get=district_object(), post=logged_in(405), kwargs=booking),
    "equipment:booking_print": Row(get=district_object(), post=logged_in(405), kwargs=booking),
    "equipment:booking_change": Row(get=district_write(), post=district_write(), kwargs=booking),
    "equipment:booking_cancel": Row(get=district_write(), post=district_write(302), kwargs=booking),
    "equipment:booking_approve": Row(get=logged_in(405), post=decide(), kwargs=booking),
    "equipment:booking_reject": Row(
        get=logged_in(405), post=decide(), kwargs=booking, data={"reason": "ซ้ำกับคำขออื่น"}
    ),
    "equipment:inbox": Row(get=staff_only(), post=logged_in(405)),
    "equipment:waitlist": Row(get=logged_in(200), post=logged_in(405)),
    "equipment:waitlist_accept": Row(get=logged_in(405), post=district_write(302), kwargs=offer),
    "equipment:waitlist_withdraw": Row(get=logged_in(405), post=district_write(302), kwargs=offer),
}

assert LOGIN  # the vocabulary is shared with tests/matrix.py
