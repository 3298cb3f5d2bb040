"""Verifying star ratings: only provincial staff, each rating once, who and when kept."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members.models import Category, Producer, ProducerType, Product, StarRating
from members.services.ratings import star_rating_unverify, star_ratings_verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _product(name: str = "ผ้าไหมมัดหมี่") -> Product:
    producer = Producer.objects.create(
        name=f"กลุ่ม{name}", producer_type=ProducerType.COMMUNITY_GROUP, district_id="2701"
    )
    return Product.objects.create(
        producer=producer,
        name=name,
        category=Category.TEXTILE,
        price=Decimal("350.00"),
        unit="ผืน",
    )


def _ratings(count: int) -> list[StarRating]:
    return [
        StarRating.objects.create(product=_product(f"สินค้า{n}"), round_year_be=2567, stars=4)
        for n in range(count)
    ]


def test_staff_verify_the_unverified_ratings_and_learn_how_many(staff):
    first, second = _ratings(2)
    before = timezone.now()

    count = star_ratings_verify(ratings=StarRating.objects.all(), by=staff)

    assert count == 2
    for rating in (first, second):
        rating.refresh_from_db()
        assert rating.verified_by == staff
        assert before <= rating.verified_at <= timezone.now()


def test_verifying_again_keeps_who_verified_a_rating_and_when(staff):
    (rating,) = _ratings(1)
    first_staff = UserFactory(staff=True)
    star_ratings_verify(ratings=StarRating.objects.all(), by=first_staff)
    rating.refresh_from_db()
    verified_at = rating.verified_at

    count = star_ratings_verify(ratings=StarRating.objects.all(), by=staff)

    rating.refresh_from_db()
    assert count == 0
    assert rating.verified_by == first_staff
    assert rating.verified_at == verified_at


def test_only_the_given_ratings_are_verified(staff):
    chosen, other = _ratings(2)

    star_ratings_verify(ratings=StarRating.objects.filter(pk=chosen.pk), by=staff)

    other.refresh_from_db()
    assert not other.is_verified


@pytest.mark.parametrize("persona", ["officer", "district_member", "other_district_member"])
def test_no_one_but_provincial_staff_may_verify(request, persona):
    (rating,) = _ratings(1)
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        star_ratings_verify(ratings=StarRating.objects.all(), by=user)

    rating.refresh_from_db()
    assert not rating.is_verified


def test_a_deactivated_staff_member_cannot_verify(staff):
    _ratings(1)
    staff.is_active = False
    staff.save()

    with pytest.raises(PermissionDenied):
        star_ratings_verify(ratings=StarRating.objects.all(), by=staff)


def test_unverifying_clears_who_and_when(staff):
    (rating,) = _ratings(1)
    star_ratings_verify(ratings=StarRating.objects.all(), by=staff)
    rating.refresh_from_db()

    star_rating_unverify(rating=rating, by=staff)

    assert rating.verified_at is None
    assert rating.verified_by is None
    rating.refresh_from_db()
    assert not rating.is_verified
    assert rating.verified_by is None


@pytest.mark.parametrize("persona", ["officer", "district_member"])
def test_no_one_but_provincial_staff_may_unverify(request, staff, persona):
    (rating,) = _ratings(1)
    star_ratings_verify(ratings=StarRating.objects.all(), by=staff)
    rating.refresh_from_db()

    with pytest.raises(PermissionDenied):
        star_rating_unverify(rating=rating, by=request.getfixturevalue(persona))

    rating.refresh_from_db()
    assert rating.verified_by == staff


def test_the_database_refuses_a_verifier_without_a_verification_time(staff):
    (rating,) = _ratings(1)

    with pytest.raises(IntegrityError), transaction.atomic():
        StarRating.objects.filter(pk=rating.pk).update(verified_by=staff)


def test_the_database_refuses_a_verification_time_without_a_verifier():
    (rating,) = _ratings(1)

    with pytest.raises(IntegrityError), transaction.atomic():
        StarRating.objects.filter(pk=rating.pk).update(verified_at=timezone.now())


def test_a_queryset_with_distinct_and_joins_can_be_verified(staff):
    # An admin changelist hands over such a queryset when a filter spans a relation.
    _ratings(2)
    queryset = StarRating.objects.select_related("product__producer").distinct()

    assert star_ratings_verify(ratings=queryset, by=staff) == 2


@pytest.mark.django_db(transaction=True)
def test_two_staff_verifying_the_same_ratings_at_once_verify_each_only_once(geography):
    ratings = _ratings(20)
    staff_members = [UserFactory(staff=True) for _ in range(2)]
    start = threading.Barrier(len(staff_members))
    counts = []

    def verify(user):
        try:
            start.wait()
            counts.append(star_ratings_verify(ratings=StarRating.objects.all(), by=user))
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(user,)) for user in staff_members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == len(ratings)
    assert not StarRating.objects.filter(verified_at__isnull=True).exists()
