"""The home pages count each district's producers, stars, members due and expiring
certificates, side by side for the province."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import (
    Category,
    Certification,
    MembershipStatus,
    NetworkMembership,
    NetworkSettings,
)
from members.models.network import past_due
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


def test_past_due_is_with_status_grace_or_lapsed_on_any_day(db):
    """past_due() (the condition the membership_active_until index serves) picks what
    with_status() calls grace or lapsed, for every stored status, day by day around the
    end of a membership and of its grace."""
    statuses = [MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.RESIGNED]
    for n, status in enumerate(statuses * 2):
        membership = NetworkMembership.objects.get(producer=ProducerFactory())
        membership.status = status
        membership.joined_on = date(2024, 10, 1)
        membership.valid_until = date(2025 + n % 2, 9, 30)
        membership.ended_on = date(2025, 1, 1) if status == MembershipStatus.RESIGNED else None
        membership.save()
    grace = NetworkSettings.current().grace_days
    days = [date(2025, 9, 29) + timedelta(days=d) for d in range(0, 3)]
    days += [date(2025, 9, 30) + timedelta(days=grace + d) for d in (-1, 0, 1, 2)]
    days += [date(2026, 9, 30) + timedelta(days=d) for d in (0, 1, grace + 1)]
    for today in days:
        by_status = set(
            NetworkMembership.objects.with_status(today=today)
            .filter(status_today__in=[MembershipStatus.GRACE, MembershipStatus.LAPSED])
            .values_list("pk", flat=True)
        )
        assert (
            set(NetworkMembership.objects.filter(past_due(today)).values_list("pk", flat=True))
            == by_status
        ), today
        assert by_status or today < date(2025, 10, 1)
