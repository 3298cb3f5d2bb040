"""The fairs' demo (seed_demo): the Burapha and Red Cross fair of the story, last year's
edition completed (draw, offers, fees, check-in with two no-shows, daily sales) and
this year's drawn and being confirmed, plus a market open for applications; then every
fair page opens on it for the fair committee, provincial staff and a district member.

The demo takes a while to write, so it is written once for this module, inside a
transaction rolled back at the end; each test runs in its own savepoint within it."""

from collections import Counter

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fairs import demo, selectors
from fairs.models import (
    Application,
    ApplicationStatus,
    Attendance,
    DailySales,
    Draw,
    EndReason,
    Fair,
    FrozenEntry,
    Holding,
    HoldingKind,
    HoldingState,
    Outcome,
    Payment,
)
from members.models import User
from otop_portal.lib.demo import DEMO_PASSWORD, seeders

SEEDERS = ("members.accounts", "members.registry", "fairs")
REPORTS = ("applicants", "allocation", "payments", "attendance", "sales", "fairness")


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker):
    """The demo's accounts, registry and fairs, for every test of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        logins = []
        for seeder in seeders():
            if seeder.key in SEEDERS:
                logins += seeder.run()
        yield logins
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("story")]


def _editions():
    last, this = Fair.objects.filter(series__name=demo.SERIES).order_by("starts_on")
    return last, this


def _market():
    return Fair.objects.get(series__name=demo.MARKET_SERIES)


def test_the_series_has_last_years_edition_and_this_years():
    last, this = _editions()
    today = timezone.localdate()
    assert last.ends_on < today
    assert this.applications_close_on < today < this.starts_on
    assert last.starts_on.year + 1 == this.starts_on.year
    assert last.venue == this.venue == demo.VENUE
    for fair in (last, this):
        assert fair.booths.count() == 52
        assert fair.booths.drawable().count() == 49
        assert set(fair.booths.exclude(reserved_for="").values_list("reserved_for", flat=True)) == {
            "red_cross",
            "agency",
            "invited",
        }
        assert set(fair.zones.values_list("code", flat=True)) == {"A", "B", "C", "D"}
        assert fair.zones.get(code="A").is_prime
        fees = dict(fair.booth_types.values_list("code", "fee"))
        assert fees == {"STD": 0, "FOOD": 300, "FRESH": 0}
        # applications from all nine districts, more than the booths: a waitlist
        assert fair.applications.values("district").distinct().count() == 9
        assert fair.applications.count() > fair.booths.drawable().count()


def test_last_years_edition_is_complete_with_two_no_shows_and_daily_sales():
    last, _this = _editions()
    draw = last.draws.get(official=True)
    assert draw.is_published
    assert draw.lines.filter(outcome=Outcome.WAITLIST).exists()
    kept = [h for h in last.holdings.filter(ended_at__isnull=True) if h.state()]
    assert all(h.state() == HoldingState.CONFIRMED for h in kept if h.accepted_at)
    assert last.holdings.filter(kind=HoldingKind.WAITLIST).exists()  # a booth declined
    assert last.holdings.filter(end_reason=EndReason.DECLINED).count() == 1
    food = last.holdings.filter(fee__gt=0, ended_at__isnull=True, accepted_at__isnull=False)
    assert all(h.paid_at for h in food)
    presence = Counter()
    for holding_id, present in Attendance.objects.filter(holding__fair=last).values_list(
        "holding_id", "present"
    ):
        presence[(holding_id, present)] += 1
    days = len(last.days())
    no_shows = {h for (h, present), n in presence.items() if not present and n == days}
    assert len(no_shows) == 2
    sales = DailySales.objects.filter(holding__fair=last)
    assert sales.count() > 40 * days
    assert not sales.filter(holding_id__in=no_shows).exists()
    # the records carry last year's dates, not today's
    assert draw.published_at.date() < last.starts_on
    assert {a.day for a in Attendance.objects.filter(holding__fair=last)} == set(last.days())
    assert all(
        timezone.localtime(a.checked_at).date() == a.day
        for a in Attendance.objects.filter(holding__fair=last)
    )


def test_this_years_draw_used_last_years_history_and_two_peoples_source():
    last, this = _editions()
    source = this.random_sources.get()
    assert source.is_confirmed
    assert source.entered_by.username == demo.COMMITTEE
    assert source.confirmed_by.username == demo.STAFF
    official = this.draws.get(official=True)
    assert official.is_published
    assert this.draws.filter(official=False).count() == 1
    assert official.seed != this.draws.get(official=False).seed
    entries = FrozenEntry.objects.filter(frozen_list__fair=this)
    assert entries.filter(misses__gte=1).exists()  # last year's waitlist gets another ticket
    assert entries.filter(prime_last=True).exists()
    assert entries.filter(no_show_last=True).count() == 2
    statuses = Counter(this.applications.values_list("status", flat=True))
    assert statuses[ApplicationStatus.REJECTED] == 2
    assert statuses[ApplicationStatus.WITHDRAWN] == 2
    assert official.lines.filter(outcome=Outcome.WITHDRAWN).count() == 1
    assert official.lines.filter(skip_code__in=["category_max", "district_max"]).exists()
    assert last.pk != this.pk


def test_this_years_offers_payments_moves_and_the_waitlist():
    _last, this = _editions()
    now = timezone.now()
    states = Counter(h.state(now) for h in this.holdings.all())
    assert states[HoldingState.CONFIRMED] >= 40
    assert states[HoldingState.OFFERED] == 1  # from the waitlist, since yesterday
    assert states[HoldingState.UNPAID] == 1
    assert states[HoldingState.EXPIRED] == 2
    assert this.holdings.filter(end_reason=EndReason.DECLINED).count() == 2
    assert this.holdings.filter(kind=HoldingKind.MOVE).count() == 2  # a swap
    assert Payment.objects.filter(holding__fair=this).count() >= 8
    # what waits: an offer for its district, the committee's free booth and unpaid fee
    offered = next(h for h in this.holdings.all() if h.state(now) == HoldingState.OFFERED)
    member = User.objects.get(username__endswith=".chair", district=offered.application.district)
    assert "offers" in {item.key for item in selectors.waiting_for(member)}
    committee = User.objects.get(username=demo.COMMITTEE)
    waiting = {item.key for item in selectors.waiting_for(committee)}
    assert {"refill", "overdue", "review"} <= waiting


def test_the_market_is_open_with_applications_waiting():
    market = _market()
    assert market.window_is_open()
    statuses = Counter(market.applications.values_list("status", flat=True))
    assert statuses[ApplicationStatus.SUBMITTED] >= 4
    assert statuses[ApplicationStatus.NEEDS_INFO] == 1
    chair = User.objects.get(username="mueangsakaeo.chair")
    assert "needs_info" in {item.key for item in selectors.waiting_for(chair)}
    rows = {row.fair.pk: row for row in selectors.fairs_for(chair)}
    assert rows[market.pk].stage == selectors.Stage.OPEN


def test_the_demo_logins_who_run_the_fairs_sign_in(story):
    printed = [login for login in story if login.username == demo.COMMITTEE]
    assert any("บูรพา" in login.persona for login in printed)  # who runs the fairs
    for username in (demo.COMMITTEE, demo.STAFF, "mueangsakaeo.chair"):
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username


def test_a_second_run_leaves_the_fairs_alone():
    before = (Application.objects.count(), Holding.objects.count(), Draw.objects.count())
    assert demo.seed_fairs() == []
    assert (Application.objects.count(), Holding.objects.count(), Draw.objects.count()) == before
    # the clock is the real one again
    assert timezone.now is demo._REAL_NOW
    assert all("get_default" not in vars(field) for field in demo._stamped_fields())


# --- Every page on the demo ---------------------------------------------------------------


def _fair_pages(fair: Fair, *, manager: bool) -> list[str]:
    pk = fair.pk
    names = [
        "fairs:fair_detail",
        "fairs:plan",
        "fairs:application_list",
        "fairs:draw",
        "fairs:holdings",
        "fairs:waitlist",
        "fairs:letters",
        "fairs:reports",
    ]
    if manager:
        names += [
            "fairs:fair_edit",
            "fairs:zones",
            "fairs:booth_types",
            "fairs:booths",
            "fairs:policy",
            "fairs:review_queue",
            "fairs:checkin",
            "fairs:sales",
            "fairs:booth_give",
        ]
    urls = [reverse(name, args=[pk]) for name in names]
    urls += [reverse("fairs:plan", args=[pk]) + f"?colour={c}" for c in ("district", "category")]
    urls += [reverse("fairs:report", args=[pk, kind]) for kind in REPORTS]
    urls += [reverse("fairs:report", args=[pk, kind]) + "?format=csv" for kind in REPORTS]
    urls.append(reverse("fairs:report", args=[pk, "sales"]) + "?format=xlsx")
    if fair.starts_on <= timezone.localdate():
        day = fair.starts_on.isoformat()
        urls += [reverse("fairs:sales", args=[pk]) + f"?day={day}"]
        if manager:
            urls += [reverse("fairs:checkin", args=[pk]) + f"?day={day}"]
    if fair.draws.filter(official=True, published_at__isnull=False).exists():
        urls += [reverse(name, args=[pk]) for name in ("fairs:verify", "fairs:verify_list")]
        urls.append(reverse("fairs:verify_results", args=[pk]))
    if fair.window_is_open():
        urls.append(reverse("fairs:apply", args=[pk]))
    for draw in fair.draws.all():
        urls.append(reverse("fairs:draw_detail", args=[draw.pk]))
    return urls


def _object_pages(user) -> list[str]:
    """An application, a holding and a payment of each kind within the user's reach."""
    urls = []
    applications = Application.objects.for_user(user)
    for status in ApplicationStatus.values:
        found = applications.filter(status=status).first()
        if found is not None:
            urls.append(reverse("fairs:application_detail", args=[found.pk]))
            urls.append(reverse("fairs:result_letter", args=[found.pk]))
    now = timezone.now()
    seen = set()
    for holding in Holding.objects.for_user(user).order_by("pk"):
        state = holding.state(now)
        if state in seen:
            continue
        seen.add(state)
        urls.append(reverse("fairs:holding_detail", args=[holding.pk]))
        urls.append(reverse("fairs:offer_letter", args=[holding.pk]))
    return urls


@pytest.mark.parametrize("username", [demo.COMMITTEE, demo.STAFF, "mueangsakaeo.chair"])
def test_every_fair_page_opens_on_the_demo(username):
    user = User.objects.get(username=username)
    manager = username != "mueangsakaeo.chair"
    client = Client()
    client.force_login(user)
    urls = [reverse("fairs:index"), reverse("fairs:verify_index"), reverse("home")]
    for fair in Fair.objects.order_by("pk"):
        urls += _fair_pages(fair, manager=manager)
    urls += _object_pages(user)
    if manager:
        urls.append(reverse("fairs:fair_create"))
    failed = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            failed.append((url, response.status_code))
    assert failed == []


def test_the_public_verification_opens_without_a_login():
    _last, this = _editions()
    client = Client()
    for url in (
        reverse("fairs:verify_index"),
        reverse("fairs:verify", args=[this.pk]),
        reverse("fairs:verify_list", args=[this.pk]),
        reverse("fairs:verify_results", args=[this.pk]),
        reverse("fairs:verify_code"),
    ):
        assert client.get(url).status_code == 200, url


def test_a_producer_page_shows_both_editions():
    last, this = _editions()
    chair = User.objects.get(username="mueangsakaeo.chair")
    producer = (
        Application.objects.filter(fair=last, district_id="2701")
        .filter(producer__fair_applications__fair=this)
        .first()
        .producer
    )
    rows = selectors.producer_applications(chair, producer)
    assert {row.application.fair_id for row in rows} >= {last.pk, this.pk}
    client = Client()
    client.force_login(chair)
    response = client.get(reverse("members:producer_detail", args=[producer.pk]))
    assert response.status_code == 200
    assert reverse("fairs:application_detail", args=[rows[0].application.pk]) in (
        response.content.decode()
    )
