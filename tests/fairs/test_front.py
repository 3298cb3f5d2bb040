"""The fairs front page, and what the fairs add to the navigation, the home page and a
producer's page: every fair by its stage with counts within the user's reach, and what
waits for the user's action, in a fixed number of queries."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fairs import selectors
from fairs.models import ApplicationStatus, FairSeries, Holding, HoldingState
from fairs.selectors import Stage
from fairs.services import applications, holdings, lottery
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import ProducerFactory, UserFactory, sa_kaeo_district
from tests.fairs.builders import (
    SOURCE,
    apply,
    close_window,
    drawn_fair,
    make_eligible,
    make_fair,
    publish_policy,
)

pytestmark = pytest.mark.django_db


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _today():
    return timezone.localdate()


@pytest.fixture
def second(db):
    return UserFactory(staff=True, username="second")


def _series(name: str) -> FairSeries:
    """A series of its own for each fair of a test (a series has one edition a day)."""
    return FairSeries.objects.get_or_create(name=f"ชุดงาน {name}")[0]


def _fair(name: str, **kwargs):
    return make_fair(name=name, series=_series(name), **kwargs)


def _open_fair(staff, district_member, *, name="งานเปิดรับสมัคร"):
    """A fair open today: one application of the own district, one of another."""
    fair = _fair(name)
    publish_policy(fair, staff)
    apply(fair, district_member, district=OWN_DISTRICT)
    apply(fair, staff, district=OTHER_DISTRICT)
    return fair


def _held_in_the_past(staff, second):
    """A fair whose days ended three days ago: drawn 45 days ago, every offer accepted
    then (two booths of the own district, two of the other)."""
    with time_machine.travel(timezone.now() - timedelta(days=45), tick=False):
        fair, _draw = drawn_fair(by=staff, second=second, applicants=4, food=0)
        for holding in Holding.objects.filter(fair=fair):
            holdings.offer_accept(holding=holding, by=staff)
    return fair


# --- The front page ---------------------------------------------------------------------


def test_each_fair_shows_its_stage_and_the_counts_within_the_users_reach(
    client, staff, district_member, officer
):
    open_fair = _open_fair(staff, district_member)
    coming = _fair("งานที่กำลังเตรียม", opens=_today() + timedelta(days=10))
    past = _fair("งานที่ผ่านไปแล้ว", opens=_today() - timedelta(days=100))

    mine = {row.fair.pk: row for row in selectors.fairs_for(district_member)}
    assert mine[open_fair.pk].stage == Stage.OPEN
    assert mine[coming.pk].stage == Stage.SETUP  # no policy published yet
    assert mine[past.pk].stage == Stage.PAST
    assert mine[open_fair.pk].applications == 1  # their district's only
    assert mine[open_fair.pk].booths == 12  # the reserved booth is not drawn
    assert mine[open_fair.pk].may_apply
    everyone = {row.fair.pk: row for row in selectors.fairs_for(staff)}
    assert everyone[open_fair.pk].applications == 2
    assert not {row.fair.pk: row for row in selectors.fairs_for(officer)}[open_fair.pk].may_apply

    page = _page(client, district_member, reverse("fairs:index"))
    for fair in (open_fair, coming, past):
        assert reverse("fairs:fair_detail", args=[fair.pk]) in page
    assert page.index(open_fair.name) < page.index(coming.name) < page.index(past.name)
    assert reverse("fairs:apply", args=[open_fair.pk]) in page
    assert reverse("fairs:fair_create") not in page  # managers only

    page = _page(client, officer, reverse("fairs:index"))
    assert reverse("fairs:apply", args=[open_fair.pk]) not in page  # officers only read
    page = _page(client, staff, reverse("fairs:index"))
    assert reverse("fairs:fair_create") in page
    assert reverse("fairs:review_queue", args=[open_fair.pk]) in page  # two to review


def test_the_stage_follows_the_pipeline(staff, second, district_member):
    fair = make_fair()
    assert selectors.stage_of(_annotated(fair, staff), _today()) == Stage.SETUP
    publish_policy(fair, staff)
    make_eligible(apply(fair, staff), staff)
    assert _stage(fair, staff) == Stage.OPEN
    fair = close_window(fair)
    assert _stage(fair, staff) == Stage.REVIEW
    lottery.list_freeze(fair=fair, by=staff)
    assert _stage(fair, staff) == Stage.FROZEN
    source = lottery.source_enter(fair=fair, by=staff, text=SOURCE)
    lottery.source_confirm(source=source, by=second, retyped=SOURCE)
    draw = lottery.draw_run(fair=fair, by=staff, official=True)
    assert _stage(fair, staff) == Stage.FROZEN  # not published yet
    lottery.draw_publish(draw=draw, by=staff)
    assert _stage(fair, staff) == Stage.DRAWN
    assert selectors.stage_of(_annotated(fair, staff), fair.starts_on) == Stage.RUNNING
    after = fair.ends_on + timedelta(days=1)
    assert selectors.stage_of(_annotated(fair, staff), after) == Stage.PAST


def _annotated(fair, user):
    return next(row.fair for row in selectors.fairs_for(user) if row.fair.pk == fair.pk)


def _stage(fair, user):
    return next(row.stage for row in selectors.fairs_for(user) if row.fair.pk == fair.pk)


def test_the_front_page_takes_the_same_queries_for_one_fair_and_several(
    client, staff, second, district_member
):
    drawn_fair(by=staff, second=second, applicants=4, food=1)
    _open_fair(staff, district_member)

    def count(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("fairs:index")).status_code == 200
        return len(queries)

    few = {user.pk: count(user) for user in (staff, district_member)}
    third = UserFactory(staff=True, username="third")
    drawn_fair(by=second, second=third, applicants=6, food=2, name="งานที่สอง", series=_series("2"))
    _open_fair(staff, district_member, name="งานที่สาม")
    _fair("งานที่ผ่านไปแล้ว", opens=_today() - timedelta(days=100))
    assert {user.pk: count(user) for user in (staff, district_member)} == few


# --- Waiting for the user ---------------------------------------------------------------


def _waiting(user, **kwargs) -> dict:
    return {item.key: item for item in selectors.waiting_for(user, **kwargs)}


def test_a_district_member_sees_their_districts_offers_with_their_expiry(
    client, staff, second, district_member, other_district_member
):
    fair, _draw = drawn_fair(by=staff, second=second, applicants=6, food=0)
    mine = Holding.objects.filter(fair=fair, application__district_id=OWN_DISTRICT)
    offers = _waiting(district_member)["offers"]
    assert offers.count == mine.count() == 3
    assert {row.url for row in offers.rows} == {
        reverse("fairs:holding_detail", args=[h.pk]) for h in mine
    }
    assert _waiting(other_district_member)["offers"].count == 3
    # an accepted offer waits no more
    holdings.offer_accept(holding=mine.first(), by=district_member)
    assert _waiting(district_member)["offers"].count == 2
    # nor do offers that expired
    later = timezone.now() + timedelta(hours=49)
    assert "offers" not in _waiting(district_member, now=later)

    page = _page(client, district_member, reverse("fairs:index"))
    assert reverse("fairs:holding_detail", args=[mine.last().pk]) in page
    assert "offers" not in _waiting(staff)  # managers act on other things


def test_applications_that_need_information_wait_for_their_district(
    client, staff, district_member, other_district_member
):
    fair = make_fair()
    publish_policy(fair, staff)
    application = apply(fair, district_member, district=OWN_DISTRICT)
    applications.application_review(
        application=application,
        by=staff,
        status=ApplicationStatus.NEEDS_INFO,
        reason="ขอภาพสินค้า",
    )
    item = _waiting(district_member)["needs_info"]
    assert item.count == 1
    assert item.rows[0].note == "ขอภาพสินค้า"
    assert item.rows[0].url == reverse("fairs:application_detail", args=[application.pk])
    assert "needs_info" not in _waiting(other_district_member)
    page = _page(client, district_member, reverse("home"))
    assert reverse("fairs:application_list", args=[fair.pk]) in page


def test_sales_to_enter_count_the_booth_days_without_sales(staff, second, district_member):
    fair = _held_in_the_past(staff, second)
    days = len(fair.days())
    item = _waiting(district_member)["sales"]
    assert item.count == 2 * days  # two booths of the own district, every day
    holding = Holding.objects.filter(fair=fair, application__district_id=OWN_DISTRICT).first()
    holdings.sales_record(
        holding=holding, day=fair.starts_on, amount=Decimal("1500"), by=district_member
    )
    item = _waiting(district_member)["sales"]
    assert item.count == 2 * days - 1
    # nor is a day the booth was recorded absent
    holdings.attendance_record(holding=holding, day=fair.ends_on, present=False, by=staff)
    item = _waiting(district_member)["sales"]
    assert item.count == 2 * days - 2
    assert item.url == reverse("fairs:sales", args=[fair.pk]) + f"?day={fair.starts_on}"
    # a month after the fair nobody is asked any more
    later = timezone.make_aware(datetime.combine(fair.ends_on + timedelta(days=31), time(9)))
    assert "sales" not in _waiting(district_member, now=later)


def test_what_waits_for_the_fair_committee(staff, second, district_member):
    # applications to review on an open fair
    open_fair = _open_fair(staff, district_member)
    assert _waiting(staff)["review"].count == 2
    # a list to freeze once the window has closed
    closing = _fair("งานปิดรับแล้ว")
    publish_policy(closing, staff)
    make_eligible(apply(closing, staff), staff)
    close_window(closing)
    waiting = selectors.waiting_for(staff)
    assert ("freeze", closing.pk) in {(item.key, item.fair.pk) for item in waiting}
    # a random source typed in by someone else, to confirm
    lottery.list_freeze(fair=closing, by=staff)
    source = lottery.source_enter(fair=closing, by=second, text=SOURCE)
    assert _waiting(staff)["source"].fair == closing
    assert "source" not in _waiting(second)  # they typed it in
    # the official draw, to publish
    lottery.source_confirm(source=source, by=staff, retyped=SOURCE)
    draw = lottery.draw_run(fair=closing, by=staff, official=True)
    assert _waiting(staff)["publish"].url == reverse("fairs:draw_detail", args=[draw.pk])
    lottery.draw_publish(draw=draw, by=staff)
    assert not {"freeze", "source", "publish"} & set(_waiting(staff))
    assert _waiting(staff)["review"].fair == open_fair
    # nothing of this is for district members
    assert not {"review", "freeze", "source", "publish"} & set(_waiting(district_member))


def test_free_booths_the_waitlist_can_take_are_what_a_refill_would_offer(staff, second):
    # ten applicants for eight standard booths: two on the waitlist
    fair, _draw = drawn_fair(by=staff, second=second, applicants=10, food=0)
    assert "refill" not in _waiting(staff)
    later = timezone.now() + timedelta(hours=49)  # every offer expired: booths free
    item = _waiting(staff, now=later)["refill"]
    assert item.url == reverse("fairs:waitlist", args=[fair.pk])
    with time_machine.travel(later, tick=False):
        offered = holdings.waitlist_refill(fair=fair, by=staff)
        assert item.count == len(offered) == 2
        assert "refill" not in _waiting(staff)  # the waitlist is used up


def test_a_fee_not_paid_by_the_deadline_frees_the_booth_and_waits_for_the_committee(staff, second):
    fair, _draw = drawn_fair(by=staff, second=second, applicants=2, food=1)
    food = Holding.objects.get(fair=fair, fee__gt=0)
    holdings.offer_accept(holding=food, by=staff)
    for holding in Holding.objects.filter(fair=fair, fee=0):
        holdings.offer_accept(holding=holding, by=staff)
    assert "overdue" not in _waiting(staff)
    late = timezone.now() + timedelta(days=9)
    assert Holding.objects.get(pk=food.pk).state(late) == HoldingState.UNPAID
    item = _waiting(staff, now=late)["overdue"]
    assert item.count == 1
    assert item.url == reverse("fairs:holdings", args=[fair.pk]) + "?state=unpaid"


def test_what_waits_takes_the_same_queries_for_one_fair_and_several(staff, second, district_member):
    drawn_fair(by=staff, second=second, applicants=4, food=1)
    _open_fair(staff, district_member)

    def count(user):
        with CaptureQueriesContext(connection) as queries:
            selectors.waiting_for(user)
        return len(queries)

    few = {user.pk: count(user) for user in (staff, district_member)}
    third = UserFactory(staff=True, username="third")
    drawn_fair(by=second, second=third, applicants=8, food=2, name="งานที่สอง", series=_series("2"))
    _open_fair(staff, district_member, name="งานที่สาม")
    assert {user.pk: count(user) for user in (staff, district_member)} == few


# --- Navigation, home page, producer page ---------------------------------------------


def test_the_navigation_and_the_home_page_lead_to_the_fairs(client, staff, district_member):
    fair = _open_fair(staff, district_member)
    page = _page(client, district_member, reverse("home"))
    assert f'href="{reverse("fairs:index")}"' in page
    assert reverse("fairs:fair_detail", args=[fair.pk]) in page
    assert reverse("fairs:apply", args=[fair.pk]) in page
    page = _page(client, staff, reverse("home"))
    assert reverse("fairs:review_queue", args=[fair.pk]) in page


def test_the_producer_page_shows_its_applications_and_where_it_may_apply(
    client, staff, second, district_member, officer
):
    fair = _held_in_the_past(staff, second)
    holding = Holding.objects.filter(fair=fair, application__district_id=OWN_DISTRICT).first()
    producer = holding.application.producer
    holdings.sales_record(
        holding=holding, day=fair.starts_on, amount=Decimal("1250"), by=district_member
    )
    holdings.sales_record(
        holding=holding, day=fair.ends_on, amount=Decimal("2000"), by=district_member
    )
    open_fair = _fair("งานเปิดรับสมัคร")
    publish_policy(open_fair, staff)

    rows = selectors.producer_applications(district_member, producer)
    assert len(rows) == 1
    assert rows[0].sales == Decimal("3250.00")
    assert rows[0].holding == holding
    assert rows[0].outcome.outcome == "selected"

    url = reverse("members:producer_detail", args=[producer.pk])
    page = _page(client, district_member, url)
    assert reverse("fairs:holding_detail", args=[holding.pk]) in page
    assert reverse("fairs:application_detail", args=[holding.application_id]) in page
    assert "3,250.00" in page
    assert reverse("fairs:apply_for", args=[open_fair.pk, producer.pk]) in page
    # officers read, but do not apply
    page = _page(client, officer, url)
    assert reverse("fairs:apply_for", args=[open_fair.pk, producer.pk]) not in page
    # once it applied, the fair is no longer offered
    apply(open_fair, district_member, producer=producer)
    page = _page(client, district_member, url)
    assert reverse("fairs:apply_for", args=[open_fair.pk, producer.pk]) not in page


def test_the_producer_section_takes_the_same_queries_for_one_application_and_several(
    staff, second, district_member
):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    first = _fair("งานแรก")
    publish_policy(first, staff)
    apply(first, district_member, producer=producer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            selectors.producer_applications(district_member, producer)
            selectors.fairs_to_apply(district_member, producer)
        return len(queries)

    few = count()
    for name in ("งานที่สอง", "งานที่สาม"):
        fair = _fair(name)
        publish_policy(fair, staff)
        apply(fair, district_member, producer=producer)
    assert count() == few


def test_past_fairs_come_ten_at_a_time_latest_first_under_the_current_ones(
    client, staff, district_member
):
    """The front page counts each fair's applications, so it shows the fairs not over
    and a page of past fairs, latest first; the home page looks only at fairs whose
    application window is open."""
    _open_fair(staff, district_member)
    for back in range(12):
        _fair(f"งานเก่า {back:02d}", opens=_today() - timedelta(days=100 + 30 * back))
    first = _page(client, staff, reverse("fairs:index"))
    second_page = _page(client, staff, reverse("fairs:index") + "?page=2")
    for page in (first, second_page):
        assert "งานเปิดรับสมัคร" in page
    assert [f"งานเก่า {n:02d}" in first for n in range(12)] == [True] * 10 + [False] * 2
    assert [f"งานเก่า {n:02d}" in second_page for n in range(12)] == [False] * 10 + [True] * 2
    assert first.index("งานเก่า 00") < first.index("งานเก่า 09")
    assert "?page=2" in first
    home = {
        row.fair.name for row in selectors.fairs_for(staff, where=selectors.in_window(_today()))
    }
    assert home == {"งานเปิดรับสมัคร"}
