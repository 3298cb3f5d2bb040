"""Which units are free for a time: one query, whatever the number of units or bookings."""

from datetime import datetime

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Exists, OuterRef
from django.utils import timezone

from equipment.models import BLOCKING, Booking, EquipmentType, EquipmentUnit, Loan, UnitStatus


def free_units(begins: datetime, ends: datetime, equipment_type: EquipmentType | None = None):
    """Units (of `equipment_type`, or of every type) that could take a booking blocking
    [begins, ends): available, with no approved or checked-out booking whose blocked time
    (turnaround included) overlaps it, and not out on an overdue loan. Pass the blocked
    range of the wanted slot (Slot.blocked), so that its own turnaround is free too.

    It reads what the exclusion constraint enforces; a booking made from its answer can
    still lose a race, and the constraint then refuses it."""
    wanted = DateTimeTZRange(begins, ends, "[)")
    taken = Booking.objects.filter(
        unit=OuterRef("pk"), status__in=BLOCKING, blocked_period__overlap=wanted
    )
    overdue = Loan.objects.filter(
        unit=OuterRef("pk"), returned_at__isnull=True, due_at__lt=timezone.now()
    )
    units = EquipmentUnit.objects.filter(status=UnitStatus.AVAILABLE)
    if equipment_type is not None:
        units = units.filter(equipment_type=equipment_type)
    return (
        units.filter(~Exists(taken), ~Exists(overdue))
        .select_related("equipment_type")
        .order_by("equipment_type__name", "asset_number")
    )
