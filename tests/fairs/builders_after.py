"""Building what the pages after the draw need: a fair with a published draw and its
offers, a holding of the own district, accepted, paid, on a fair day."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fairs.models import Fair, FairSeries, Holding
from fairs.services import holdings as services
from members.models import User
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import UserFactory
from tests.fairs.builders import drawn_fair, fair_manager


def published_fair(*, applicants: int = 4, food: int = 0, fee: Decimal = Decimal("0.00"), **kw):
    """A fair whose official draw is published: offers made to the selected. Textile
    applicants alternate between the own (2701) and the other district (2706)."""
    manager = kw.pop("by", None) or fair_manager()
    fair, draw = drawn_fair(applicants=applicants, food=food, by=manager, fee=fee, **kw)
    return fair, draw, manager


def another_fair(manager, *, applicants: int, **kw):
    """A second published fair in the same test (its own series, the same managers)."""
    series = FairSeries.objects.create(name=f"series {FairSeries.objects.count() + 1}")
    second = User.objects.filter(username=f"{manager.username}-2").first() or UserFactory(
        staff=True, username=f"{manager.username}-2"
    )
    fair, draw = drawn_fair(
        applicants=applicants, by=manager, second=second, series=series, food=0, **kw
    )
    return fair, draw


def offers(fair: Fair) -> list[Holding]:
    return list(
        Holding.objects.filter(fair=fair, ended_at__isnull=True)
        .select_related("booth__booth_type", "application", "fair")
        .order_by("booth__code")
    )


def offer_of(fair: Fair, district: str = OWN_DISTRICT) -> Holding:
    return next(h for h in offers(fair) if h.application.district_id == district)


def other_offer(fair: Fair) -> Holding:
    return offer_of(fair, OTHER_DISTRICT)


def accepted(holding: Holding, by) -> Holding:
    services.offer_accept(holding=holding, by=by)
    holding.refresh_from_db()
    return holding


def during_the_fair(fair: Fair) -> Fair:
    """Move the fair so that yesterday, today and tomorrow are its days."""
    today = timezone.localdate()
    Fair.objects.filter(pk=fair.pk).update(
        applications_open_on=today - timedelta(days=30),
        applications_close_on=today - timedelta(days=10),
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    fair.refresh_from_db()
    return fair


# --- Permission-matrix builders: (request) → the URL's arguments -------------------------


def matrix_fair(request) -> dict:
    fair, _draw, _manager = published_fair(applicants=2)
    return {"pk": fair.pk}


def matrix_holding(request) -> dict:
    fair, _draw, _manager = published_fair(applicants=2, fee=Decimal("200.00"))
    return {"pk": offer_of(fair).pk}


def matrix_application(request) -> dict:
    fair, _draw, _manager = published_fair(applicants=2)
    return {"pk": offer_of(fair).application_id}


def matrix_payment(request) -> dict:
    fair, _draw, manager = published_fair(applicants=2, fee=Decimal("200.00"))
    holding = accepted(offer_of(fair), manager)
    payment = services.payment_record(
        holding=holding, by=manager, amount=Decimal("50.00"), method="cash"
    )
    return {"pk": payment.pk}


def matrix_fair_day(request) -> dict:
    """A fair on today, with a confirmed booth of each district."""
    fair, _draw, manager = published_fair(applicants=2)
    for holding in offers(fair):
        accepted(holding, manager)
    during_the_fair(fair)
    return {"pk": fair.pk}
