"""Demo data for the equipment app (seed_demo): five machine types with their manual,
safety text, checklists, terms and rules; twelve units the CDD supplied, hosted at
district offices; Thailand's public holidays; and a few months of lending history.

Deterministic: the history is drawn from one `random.Random(SEED)` in a fixed order,
with dates as offsets from `timezone.localdate()`.

Idempotent: types, terms and units are matched by name, version and asset number and
saved only when they differ; holidays are only added. The history (bookings, loans,
tickets, stocktakes, a suspension) is written once, the first time, directly with the
ORM: it happened before the rules were checked, and writing it again on a later day
would collide with the approved bookings of the first run. It respects every database
constraint: one open loan per unit, no overlapping approved bookings, returned loans
with their condition.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from equipment.demo.catalogue import PRODUCER_PREFIX, STAFF_USERNAME, TERMS_FROM, TYPES
from equipment.demo.history import History
from equipment.models import Booking, EquipmentType, EquipmentUnit, LendingSettings, TermsVersion
from equipment.services_care_extra import holidays_load
from members.models import Producer, User
from otop_portal.lib.demo import DemoLogin


def seed_equipment() -> list[DemoLogin]:
    LendingSettings.current()
    today = timezone.localdate()
    holidays_load(years=sorted({(today - timedelta(days=150)).year, today.year, today.year + 1}))
    units = {}
    for plan in TYPES:
        equipment_type = _upsert(EquipmentType, {"name": plan.name}, plan.values)
        _upsert(
            TermsVersion,
            {"equipment_type": equipment_type, "version": 1},
            {"effective_on": TERMS_FROM, "text": plan.terms},
        )
        for index, unit in enumerate(plan.units):
            units[(plan.name, index)] = _upsert(
                EquipmentUnit,
                {"asset_number": unit.asset_number},
                {
                    "equipment_type": equipment_type,
                    "serial_number": unit.serial_number,
                    "location": unit.location,
                    "grant_year_be": unit.grant_year_be,
                    "grant_project": "โครงการส่งเสริมและพัฒนาผลิตภัณฑ์ OTOP จังหวัดสระแก้ว",
                    "value": Decimal(unit.value),
                    "purchased_on": unit.purchased_on,
                },
            )
    staff = User.objects.filter(username=STAFF_USERNAME).first()
    producers = list(
        Producer.objects.filter(cdd_code__startswith=PRODUCER_PREFIX, merged_into__isnull=True)
        .select_related("contact_person", "district")
        .order_by("cdd_code")
    )
    seeded = Booking.objects.filter(unit__in=units.values()).exists()
    if staff is not None and len(producers) >= 12 and not seeded:
        History(today, units, producers, staff).write()
    return []


def _upsert(model, lookup: dict, values: dict):
    """Find the row by `lookup`; create it, or save it only when a value differs."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
    return row
