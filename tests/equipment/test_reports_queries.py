"""Every report page and export takes the same number of queries for 1 row or 20."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.models import (
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    MaintenanceTicket,
    TicketKind,
    WaitlistEntry,
)
from tests.equipment.matrix_reports import KINDS
from tests.equipment.test_reports import at, booking, loan
from tests.factories import ProducerFactory, sa_kaeo_district

DISTRICTS = ["2701", "2702", "2703", "2706"]


def make(n: int, staff, start: int = 0) -> None:
    """n units, each of its own type, lent once to a producer of its own (in one of
    four districts), with a rejected request, a waitlist entry and a paid repair."""
    for i in range(start, start + n):
        kind = EquipmentType.objects.create(name=f"เครื่องที่ {i}", service_interval_months=6)
        unit = EquipmentUnit.objects.create(
            equipment_type=kind,
            asset_number=f"N-{i}",
            location="สนง.",
            purchased_on=date(2026, 1, 5),
        )
        producer = ProducerFactory(district=sa_kaeo_district(DISTRICTS[i % len(DISTRICTS)]))
        lent = booking(unit, producer, date(2026, 11, 2), date(2026, 11, 4), "returned", by=staff)
        loan(lent, at(date(2026, 11, 2), 9), at(date(2026, 11, 5), 10), by=staff, condition="worn")
        rejected = booking(
            unit, producer, date(2026, 12, 7), date(2026, 12, 7), BookingStatus.REJECTED, by=staff
        )
        WaitlistEntry.objects.create(
            unit=unit, producer=producer, period=rejected.period, requested_by=staff
        )
        MaintenanceTicket.objects.create(
            unit=unit,
            kind=TicketKind.REPAIR,
            reason="ซ่อม",
            opened_at=at(date(2026, 11, 6), 9),
            opened_by=staff,
            cost=Decimal("250.00"),
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


URLS = [("equipment:report", (kind,)) for kind in KINDS] + [
    ("equipment:report_export", (kind, fmt)) for kind in KINDS for fmt in ("csv", "xlsx")
]


@pytest.mark.parametrize(("name", "args"), URLS)
def test_the_same_queries_for_1_or_20_rows(client, clock, staff, name, args):
    client.force_login(staff)
    url = reverse(name, args=args)
    make(1, staff)
    _count(client, url)
    one = _count(client, url)
    make(19, staff, start=1)
    _count(client, url)  # the use report keeps the ended months the new loans touched
    assert _count(client, url) == one


def test_the_index_page_takes_few_queries(client, clock, staff):
    client.force_login(staff)
    make(1, staff)
    url = reverse("equipment:reports")
    _count(client, url)
    one = _count(client, url)
    make(19, staff, start=1)
    _count(client, url)  # the use report keeps the ended months the new loans touched
    assert _count(client, url) == one
