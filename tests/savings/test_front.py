"""The savings group's front page, and what it adds to the home page and a producer's
page: figures within the user's district, and what waits for the user's action."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from savings import selectors, services
from savings.models import LoanType, Role
from savings.services import loans
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import PersonFactory, ProducerFactory, sa_kaeo_district
from tests.savings.conftest import JOINED, member

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def group(treasurer):
    """Two members in the own district (one with a 10,000 deposit), one in another, one
    applicant in the own district."""
    own = member(treasurer, units=2)
    services.deposit(saver=own, amount=D("10000"), on=JOINED, by=treasurer)
    member(treasurer, units=4)
    member(treasurer, units=1, district=OTHER_DISTRICT)
    applicant = services.saver_apply(
        person=PersonFactory(district=sa_kaeo_district(OWN_DISTRICT)),
        units=1,
        applied_on=JOINED,
        by=treasurer,
    )
    return own, applicant


def test_a_district_member_sees_their_district_and_staff_the_whole_group(
    client, group, district_member, staff
):
    mine = selectors.overview(district_member)
    assert (mine.members, mine.applicants, mine.savings) == (2, 1, D("10000"))
    everyone = selectors.overview(staff)
    assert (everyone.members, everyone.applicants) == (3, 1)

    page = _page(client, district_member, reverse("savings:index"))
    assert "กลุ่มออมทรัพย์" in page
    assert "10,000.00" in page
    # they hold no savings function: nothing waits for them and they cannot record
    assert selectors.waiting_for(district_member) == []
    assert reverse("savings:saver_apply") not in page
    assert reverse("savings:journal") not in page


def test_what_waits_for_whom(client, treasurer, approver, district_treasurer, group):
    own, _applicant = group
    applied = date(2025, 9, 10)  # after 8 months of pledges paid: the member may borrow
    for month in range(1, 9):
        services.pledge_pay(saver=own, amount=D("100"), on=date(2025, month, 10), by=treasurer)
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("50000"),
        on=JOINED,
        by=treasurer,
        memo="เงินอุดหนุน",
    )
    loans.loan_apply(
        saver=own,
        loan_type=LoanType.objects.get(code="ordinary"),
        amount=D("50"),
        term_months=2,
        purpose="ซื้อด้าย",
        guarantors=[],
        applied_on=applied,
        by=district_treasurer,
    )
    services.withdraw(saver=own, amount=D("6000"), on=JOINED, by=district_treasurer)

    waiting = {item.key: item.count for item in selectors.waiting_for(approver)}
    assert waiting["loans"] == 1  # recorded by someone else: the approver decides
    assert waiting["withdrawals"] == 1
    assert waiting["close"] >= 1  # January 2025 has ended and is not closed

    mine = {item.key: item.count for item in selectors.waiting_for(district_treasurer)}
    assert mine["savers"] == 1  # the applicant of their district
    assert "loans" not in mine  # not on the loan committee
    assert "withdrawals" not in mine  # they recorded it: another person approves

    page = _page(client, approver, reverse("home"))
    assert "รออยู่" in page or "รอคุณ" in page
    assert reverse("savings:withdrawal_list") in page


def test_months_to_close_counts_every_ended_month(treasurer):
    saver = member(treasurer)
    services.pledge_pay(saver=saver, amount=D("100"), on=date(2025, 1, 10), by=treasurer)
    today = timezone.localdate()
    expected = (today.year - 2025) * 12 + today.month - 1
    assert selectors.months_to_close() == expected


def test_the_producer_page_shows_its_people_in_the_group(client, treasurer, staff, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    saver = member(treasurer, units=3)
    producer.contact_person = saver.person
    producer.save()
    services.pledge_pay(saver=saver, amount=D("150"), on=JOINED, by=treasurer)
    url = reverse("members:producer_detail", args=[producer.pk])

    page = _page(client, district_member, url)
    assert reverse("savings:saver_detail", args=[saver.pk]) in page
    assert "150.00" in page

    other = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    producer.people.add(other, through_defaults={"role": "member"})
    enrol = f"{reverse('savings:saver_apply')}?person={other.pk}"
    assert enrol in _page(client, staff, url)
    assert enrol not in _page(client, district_member, url)  # no treasurer function


def test_the_front_page_costs_the_same_queries_for_one_member_or_many(client, treasurer, approver):
    member(treasurer)
    client.force_login(approver)

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("savings:index"))
    for _ in range(5):
        member(treasurer)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("savings:index"))
    assert len(many) == len(one)
