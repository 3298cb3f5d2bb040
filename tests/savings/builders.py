"""Objects the savings pages' permission-matrix rows and page tests need, built through
the services like a real group's history: a committee, an admitted member of the own
district with money in the group. Each builder takes the test's `request` (see
tests/matrix.py Row.kwargs) and returns the URL's arguments."""

from datetime import date
from decimal import Decimal

from tests.conftest import OWN_DISTRICT
from tests.factories import UserFactory

JOINED = date(2025, 1, 10)


def committee():
    """The group's treasurer (provincial staff), made once per test."""
    from members.models import User

    found = User.objects.filter(username="matrix-treasurer").first()
    return found or UserFactory(staff=True, username="matrix-treasurer")


def admitted_saver(*, units=2, district=OWN_DISTRICT, deposit=Decimal("0")):
    """An admitted member of `district` with this month's pledge paid (and a deposit)."""
    from django.utils import timezone

    from tests.savings.conftest import member

    by = committee()
    saver = member(by, units=units, district=district)
    from savings import services

    today = timezone.localdate()
    services.pledge_pay(saver=saver, amount=Decimal(50 * units), on=today, by=by)
    if deposit:
        services.deposit(saver=saver, amount=deposit, on=today, by=by)
    return saver


def saver(request) -> dict:
    return {"pk": admitted_saver().pk}
