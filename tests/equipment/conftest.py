"""An eligible producer, a machine type with its terms, and a fixed 'now' (Monday
1 March 2027, 09:00 in Bangkok) so that working days are known."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from equipment import services
from equipment.models import EquipmentType, EquipmentUnit, TermsVersion
from members.models import MembershipStatus, NetworkMembership
from tests.factories import ProducerFactory, ProductFactory, UserFactory

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))  # a Monday
TODAY = NOW.date()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def eligible_producer(**kwargs):
    producer = ProducerFactory(**kwargs)
    NetworkMembership.objects.filter(producer=producer).update(
        status=MembershipStatus.ACTIVE, joined_on=date(2026, 10, 1), valid_until=date(2027, 9, 30)
    )
    ProductFactory(producer=producer)
    return producer


def accept_terms(producer, equipment_type, by):
    terms = equipment_type.current_terms()
    if terms:
        services.terms_accept(producer=producer, terms=terms, accepted_by_name="นางสมศรี", by=by)


@pytest.fixture
def approver(db):
    from members.models import Function

    # A network officer holding the function: approvers see every district's requests.
    return UserFactory(username="approver", officer=True, functions=[Function.EQUIPMENT_APPROVER])


@pytest.fixture
def district_approver(db):
    """A district member holding the approver function: decides within their district."""
    from members.models import Function

    return UserFactory(username="district-approver", functions=[Function.EQUIPMENT_APPROVER])


@pytest.fixture
def sealer(db):
    equipment_type = EquipmentType.objects.create(
        name="เครื่องซีลสุญญากาศ",
        checkout_checklist="ฝาครอบ\nสายไฟ",
        return_checklist="ทำความสะอาดแล้ว",
    )
    TermsVersion.objects.create(
        equipment_type=equipment_type, version=1, effective_on=date(2026, 1, 1), text="ข้อตกลง"
    )
    return equipment_type


@pytest.fixture
def unit(sealer):
    return EquipmentUnit.objects.create(
        equipment_type=sealer, asset_number="7440-001-0001", location="สำนักงานพัฒนาชุมชน"
    )


@pytest.fixture
def producer(db, sealer, staff):
    producer = eligible_producer()
    accept_terms(producer, sealer, staff)
    return producer


def days(unit, first: date, last: date | None = None):
    return services.slot_for(unit, first_day=first, last_day=last)


def hours(unit, day: date, starts: str, ends: str):
    return services.slot_for(
        unit, first_day=day, starts=time.fromisoformat(starts), ends=time.fromisoformat(ends)
    )


def book(producer, unit, first, last=None, *, by, **kwargs):
    return services.booking_request(
        producer=producer, unit=unit, slot=days(unit, first, last), by=by, **kwargs
    )


def rules_of(refused) -> list[str]:
    return [violation.rule for violation in refused.value.violations]
