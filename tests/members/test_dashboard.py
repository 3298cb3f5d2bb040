"""The home pages count each district's producers, stars, members due and expiring
certificates, side by side for the province."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Category, Certification, MembershipStatus, NetworkMembership
from members.selectors import district_dashboard
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import ProducerFactory, ProductFactory, StarRatingFactory, sa_kaeo_district


def _row(rows, code):
    return next(row for row in rows if row["district"].code == code)


def test_a_district_member_sees_only_their_districts_counts(district_member):
    own = sa_kaeo_district(OWN_DISTRICT)
    food = ProductFactory(producer=ProducerFactory(district=own), category=Category.FOOD)
    StarRatingFactory(product=food, stars=5)
    ProductFactory(producer=ProducerFactory(district=own), category=Category.TEXTILE)
    lapsed = NetworkMembership.objects.get(producer=food.producer)
    lapsed.status, lapsed.joined_on = MembershipStatus.ACTIVE, timezone.localdate()
    lapsed.valid_until = date(timezone.localdate().year - 2, 9, 30)
    lapsed.save()
    Certification.objects.create(
        product=food, standard="fda", expires_on=timezone.localdate() + timedelta(days=30)
    )
    ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT))
    rows = district_dashboard(district_member)
    assert [row["district"].code for row in rows] == [OWN_DISTRICT]
    row = rows[0]
    assert row["producers"] == 2
    assert row["categories"] == {"food": 1, "textile": 1}
    assert row["stars"] == {5: 1}
    assert (row["due"], row["expiring"]) == (1, 1)


def test_the_province_sees_every_district_side_by_side(staff):
    ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT))
    rows = district_dashboard(staff)
    assert len(rows) == 9
    assert _row(rows, OTHER_DISTRICT)["producers"] == 1


def test_the_home_page_takes_the_same_queries_for_1_or_50_producers(client, staff):
    client.force_login(staff)
    ProducerFactory()
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for producer in ProducerFactory.create_batch(49):
        StarRatingFactory(product=ProductFactory(producer=producer))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("home")).content.decode()
    assert len(many) == len(one)
    assert ">50<" in page
