"""The vocabulary of the permission matrix (tests/test_permissions.py): personas,
expected outcomes and the builders of the objects a URL needs. Apps with many pages
keep their rows in a module of their own (`tests/<app>/matrix_*.py`, a `ROWS` dict)
that test_permissions.py gathers."""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import OWN_DISTRICT

LOGIN = "login"
PERSONAS = ["anonymous", "district_member", "other_district_member", "officer", "staff"]


def all_(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def logged_in(outcome, anonymous=LOGIN):
    return {**all_(outcome), "anonymous": anonymous}


def district_object(outcome_for_reader=200):
    return {
        "anonymous": LOGIN,
        "district_member": outcome_for_reader,
        "other_district_member": 404,
        "officer": outcome_for_reader,
        "staff": outcome_for_reader,
    }


def staff_only(outcome=200):
    return {**logged_in(403), "staff": outcome}


def district_write(outcome=200):
    """A write page of a district-owned object: the own district and staff may use it,
    officers only read (403), another district does not see it (404)."""
    return {**district_object(outcome), "officer": 403}


def producer(request):
    from tests.factories import ProducerFactory, sa_kaeo_district

    return {"pk": ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT)).pk}


def two_producers(request):
    """A producer and its duplicate (in another district), for the merge pages."""
    from tests.conftest import OTHER_DISTRICT
    from tests.factories import ProducerFactory, sa_kaeo_district

    duplicate = ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT))
    return {"pk": producer(request)["pk"], "other": duplicate.pk}


def person(request):
    from tests.factories import PersonFactory, sa_kaeo_district

    return {"pk": PersonFactory(district=sa_kaeo_district(OWN_DISTRICT)).pk}


def product(request):
    from tests.factories import ProductFactory

    return {"pk": ProductFactory(producer_id=producer(request)["pk"]).pk}


def rating(request):
    from tests.factories import StarRatingFactory

    return {"pk": StarRatingFactory(product_id=product(request)["pk"]).pk}


def receipt(request):
    from datetime import date
    from decimal import Decimal

    from members import services
    from members.models import NetworkMembership, NetworkSettings
    from tests.factories import UserFactory

    NetworkSettings.objects.update_or_create(pk=1, defaults={"annual_fee": Decimal("20")})
    membership = NetworkMembership.objects.get(producer_id=producer(request)["pk"])
    payment = services.membership_renew(
        membership=membership,
        fiscal_year_be=2569,
        paid_on=date(2025, 11, 1),
        by=UserFactory(staff=True),
    )
    return {"pk": payment.pk}


def registering(outcome=200):
    """Registering a producer: district members (in their own district) and staff."""
    return {**logged_in(outcome), "officer": 403}


@dataclass
class Row:
    """Expected outcomes of one URL. `kwargs` is a dict, or a function of the test's
    `request` that builds the objects the URL needs (through factories) and returns
    the URL's arguments."""

    get: dict
    post: dict
    kwargs: dict | Callable = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def url_kwargs(self, request) -> dict:
        return self.kwargs(request) if callable(self.kwargs) else self.kwargs
