"""Savings fixtures: the committee's people, members of the group, and the invariant
checked after every savings test that uses the database: member sub-ledgers equal
their balances rows and their control accounts, loans their lines, holds their
guarantees and pending withdrawals, and the trial balance balances."""

from datetime import date
from decimal import Decimal

import pytest

from members.models import Function
from savings import services
from savings.models import Saver
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import PersonFactory, UserFactory, sa_kaeo_district

JOINED = date(2025, 1, 10)  # 10 ม.ค. 2568


@pytest.fixture(autouse=True)
def _books_reconcile(request):
    """After every savings test that touches the database, inside its transaction."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )
    if not (marker or "db" in names or transactional):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    from django.db import connection

    if connection.needs_rollback:
        return
    mismatches = services.reconcile()
    assert mismatches == [], f"the books do not reconcile: {mismatches}"


@pytest.fixture
def treasurer(db):
    """The group's treasurer: provincial staff (province-wide books)."""
    return UserFactory(staff=True, username="treasurer")


@pytest.fixture
def approver(db):
    """A second committee member (loan and audit committee)."""
    return UserFactory(
        officer=True,
        username="approver",
        functions=[Function.LOAN_COMMITTEE, Function.AUDIT_COMMITTEE],
    )


@pytest.fixture
def district_treasurer(db):
    """A district member holding the treasurer function for their district."""
    return UserFactory(
        username="collector",
        district=sa_kaeo_district(OWN_DISTRICT),
        functions=[Function.SAVINGS_TREASURER],
    )


@pytest.fixture
def other_district_treasurer(db):
    return UserFactory(
        username="collector2",
        district=sa_kaeo_district(OTHER_DISTRICT),
        functions=[Function.SAVINGS_TREASURER],
    )


def member(by, *, units=2, joined=JOINED, district=OWN_DISTRICT, number_hint=None, **person):
    """An admitted member of the group (entry fee paid)."""
    person = PersonFactory(district=sa_kaeo_district(district), **person)
    saver = services.saver_apply(person=person, units=units, applied_on=joined, by=by)
    return services.saver_decide(
        saver=saver, admit=True, decided_on=joined, meeting_number="1/2568", by=by
    )


@pytest.fixture
def saver(treasurer) -> Saver:
    return member(treasurer)


def baht(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture
def english():
    """Messages read in English (the services' tests match their words)."""
    from django.utils import translation

    with translation.override("en"):
        yield
