"""The registry's demo data: every district, every category, valid people, ratings,
memberships and certificates a demo can show, and the same rows on every run."""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db.models import Count

from members.demo import seed_accounts
from members.demo_registry import SEED, Planner, seed_registry
from members.models import (
    Category,
    Certification,
    ContactLog,
    District,
    MemberRole,
    MembershipStatus,
    NetworkMembership,
    Person,
    Producer,
    ProducerMember,
    ProducerType,
    Product,
    QuadrantAssessment,
    SalesReport,
    StarRating,
)
from otop_portal.lib.natid import check_digit, is_valid_national_id

# Late November: last fiscal year ended eight weeks ago, so memberships that ran to
# its end are in their 90-day grace.
TODAY = datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
SEEDED_MODELS = [
    Person,
    Producer,
    ProducerMember,
    Product,
    StarRating,
    QuadrantAssessment,
    Certification,
    NetworkMembership,
    ContactLog,
    SalesReport,
]


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    with time_machine.travel(TODAY, tick=False):
        seed_accounts()
        assert seed_registry() == []
        yield


def _snapshot() -> dict[str, list[tuple]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list()) for model in SEEDED_MODELS
    }


def _history_rows() -> int:
    events = [m for m in apps.get_models() if hasattr(m, "pgh_tracked_model")]
    return sum(m.objects.count() for m in events if m.pgh_tracked_model in SEEDED_MODELS)


def test_every_district_has_6_to_10_producers_making_every_category(seeded):
    for district in District.objects.filter(province_id="27"):
        producers = Producer.objects.filter(district=district)
        assert 6 <= producers.count() <= 10, district.code
        types = set(producers.values_list("producer_type", flat=True))
        assert types == set(ProducerType.values), district.code
        categories = Product.objects.filter(producer__district=district).values_list(
            "category", flat=True
        )
        assert set(categories) == set(Category.values), district.code


def test_each_producer_has_1_to_3_products_and_a_contact_who_is_one_of_its_people(seeded):
    for producer in Producer.objects.annotate(products_made=Count("products")):
        assert 1 <= producer.products_made <= 3
        roles = dict(producer.members.values_list("person_id", "role"))
        assert producer.contact_person_id in roles
        if producer.producer_type == ProducerType.COMMUNITY_GROUP:
            assert list(roles.values()).count(MemberRole.CHAIR) == 1
            assert 2 <= len(roles) <= 4
        else:
            assert list(roles.values()) == [MemberRole.OWNER]


def test_enterprises_and_smes_carry_their_registration_numbers(seeded):
    enterprises = Producer.objects.filter(is_community_enterprise=True)
    assert enterprises.exists()
    for producer in enterprises:
        assert producer.community_enterprise_no.startswith(f"2-27-{producer.district_id[2:]}-")
    for juristic_id in Producer.objects.filter(producer_type=ProducerType.SME).values_list(
        "juristic_id", flat=True
    ):
        assert juristic_id.startswith("027")
        assert check_digit(juristic_id[:12]) == int(juristic_id[12])


def test_people_and_producers_pass_the_models_own_validation(seeded):
    people = Person.objects.all()
    assert people.count() >= 9 * 6
    for person in people:
        assert is_valid_national_id(person.national_id), person.national_id
        assert person.subdistrict.district_id == person.district_id
        assert person.postal_code in person.subdistrict.postal_codes
        person.full_clean()
    for producer in Producer.objects.all():
        producer.full_clean()


def test_ratings_span_the_rounds_and_about_two_thirds_are_verified_by_staff(seeded):
    ratings = StarRating.objects.all()
    assert set(ratings.values_list("round_year_be", flat=True)) == {2562, 2565, 2567}
    stars = list(ratings.values_list("stars", flat=True))
    assert stars.count(3) + stars.count(4) > len(stars) / 2
    assert 0 < stars.count(5) < len(stars) / 5
    verified = ratings.filter(verified_at__isnull=False)
    assert 0.5 < verified.count() / ratings.count() < 0.8
    assert set(verified.values_list("verified_by__username", flat=True)) == {"cdd.staff"}


def test_products_have_quadrants_for_2568(seeded):
    quadrants = QuadrantAssessment.objects.all()
    assert set(quadrants.values_list("fiscal_year_be", flat=True)) == {2568}
    assert set(quadrants.values_list("quadrant", flat=True)) == {"A", "B", "C", "D"}


def test_some_certifications_expire_within_90_days_and_some_have_expired(seeded):
    with time_machine.travel(TODAY, tick=False):
        assert Certification.objects.expiring_within(90).exists()
        assert Certification.objects.filter(expires_on__lt=TODAY.date()).exists()


def test_memberships_are_in_several_states(seeded):
    statuses = list(
        NetworkMembership.objects.with_status(today=TODAY.date(), grace_days=90).values_list(
            "status_today", flat=True
        )
    )
    assert statuses.count(MembershipStatus.ACTIVE) > len(statuses) / 2
    assert statuses.count(MembershipStatus.GRACE) > 0
    assert statuses.count(MembershipStatus.LAPSED) > 0
    assert 1 <= statuses.count(MembershipStatus.PENDING) <= 2
    assert statuses.count(MembershipStatus.RESIGNED) == 1


def test_contacts_and_sales_cover_fiscal_years_2567_and_2568(seeded):
    assert set(ContactLog.objects.values_list("kind", flat=True)) >= {
        "visit",
        "call",
        "training",
        "fair",
    }
    sales = SalesReport.objects.all()
    assert set(sales.values_list("fiscal_year_be", flat=True)) == {2567, 2568}
    assert set(sales.values_list("quarter", flat=True)) == {1, 2, 3, 4}
    assert set(sales.values_list("channel", flat=True)) >= {"shop", "fair", "online"}


def test_running_it_twice_leaves_the_same_rows_and_writes_no_history(seeded):
    before, history = _snapshot(), _history_rows()
    with time_machine.travel(TODAY, tick=False):
        seed_registry()
    assert _snapshot() == before
    assert _history_rows() == history


def test_it_puts_back_what_a_demo_user_changed_or_deleted(seeded):
    before = _snapshot()
    producer = Producer.objects.order_by("pk").first()
    name = producer.name
    producer.name = "ชื่อที่ผู้ใช้แก้"
    producer.save()
    producer.products.order_by("pk").first().delete()
    with time_machine.travel(TODAY, tick=False):
        seed_registry()
    assert Producer.objects.get(pk=producer.pk).name == name
    counts = {model: len(rows) for model, rows in _snapshot().items()}
    assert counts == {model: len(rows) for model, rows in before.items()}


def test_the_same_seed_plans_the_same_data(db):
    districts = list(District.objects.filter(province_id="27").order_by("code"))

    def plan():
        planner = Planner(random.Random(SEED), TODAY.date())
        plans = [p for district in districts for p in planner.district(district)]
        planner.memberships(plans)
        return plans

    assert plan() == plan()
