"""Builders of the application pages' tests and matrix rows: a fair open for
applications with its policy published, a producer of the own district with products,
and an application of that producer."""

from django.utils import timezone

from fairs.models import Application, Fair
from members.models import Producer
from tests.conftest import OWN_DISTRICT
from tests.factories import ProducerFactory, ProductFactory, StarRatingFactory, sa_kaeo_district
from tests.fairs.builders import apply, fair_manager, make_fair, publish_policy


def manager():
    from members.models import User

    return User.objects.filter(username="fairstaff").first() or fair_manager()


def open_fair(**kwargs) -> Fair:
    """A fair whose window is open today, its policy version 1 published."""
    fair = make_fair(**kwargs)
    publish_policy(fair, manager())
    return fair


def producer_with_products(
    district: str = OWN_DISTRICT,
    *,
    name: str | None = None,
    stars: int | None = None,
    verified: bool = True,
) -> Producer:
    """A producer with two active products (the first rated `stars` when given) and
    one that is no longer made."""
    extra = {"name": name} if name else {}
    producer = ProducerFactory(district=sa_kaeo_district(district), **extra)
    first = ProductFactory(producer=producer, name="ผ้าไหมมัดหมี่", category="textile")
    ProductFactory(producer=producer, name="ผ้าขาวม้า", category="textile")
    ProductFactory(producer=producer, name="เลิกผลิตแล้ว", category="textile", is_active=False)
    if stars is not None:
        by = manager()
        StarRatingFactory(
            product=first,
            stars=stars,
            round_year_be=2567,
            verified_at=timezone.now() if verified else None,
            verified_by=by if verified else None,
        )
    return producer


def application_of(fair: Fair, district: str = OWN_DISTRICT, **kwargs) -> Application:
    return apply(fair, manager(), district=district, **kwargs)


# --- Matrix rows' objects --------------------------------------------------------------


def fair_row(request) -> dict:
    return {"pk": open_fair().pk}


def fair_and_producer_row(request) -> dict:
    fair = open_fair()
    return {"pk": fair.pk, "producer": producer_with_products().pk}


def application_row(request) -> dict:
    return {"pk": application_of(open_fair()).pk}
