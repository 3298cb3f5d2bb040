"""The pages after the draw as their users meet them: the booths held and their states
(derived from the clock), one holding with its payments and history, answering an
offer, payments and corrections, releases, moves and swaps, the waitlist and its
refill, giving a booth by hand, check-in, the daily sales sheet, the printed letters
and the cron command."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fairs.models import (
    Attendance,
    DailySales,
    Holding,
    HoldingState,
    Outcome,
    Payment,
)
from fairs.services import holdings as services
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.fairs.builders import fair_manager
from tests.fairs.builders_after import (
    accepted,
    another_fair,
    during_the_fair,
    offer_of,
    offers,
    other_offer,
    published_fair,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _told(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def manager(db):
    return fair_manager()


@pytest.fixture
def ten(manager):
    """Ten textile applicants for eight standard booths: two wait."""
    fair, draw, _ = published_fair(applicants=10, by=manager)
    return fair, draw


@pytest.fixture
def paying(manager):
    """Four applicants, standard booths at 200 baht."""
    fair, draw, _ = published_fair(applicants=4, fee=D("200.00"), by=manager)
    return fair, draw


# --- The booths held ------------------------------------------------------------------


def test_the_booths_held_show_each_state_with_counts(client, staff, paying, manager):
    fair, _draw = paying
    first = accepted(offer_of(fair), manager)
    client.force_login(staff)
    response = client.get(reverse("fairs:holdings", args=[fair.pk]))
    assert response.status_code == 200
    held = response.context["held"]
    counts = {state: count for state, _label, count in held.counts}
    assert counts[HoldingState.OFFERED] == 3
    assert counts[HoldingState.AWAITING_PAYMENT] == 1
    assert held.total == 4
    row = next(r for r in held.rows if r.holding == first)
    assert row.deadline == first.payment_due_at
    assert row.due == D("200.00")
    assert first.booth.code in _text(response)


def test_a_district_member_sees_their_districts_booths_only(client, district_member, paying):
    fair, _draw = paying
    client.force_login(district_member)
    response = client.get(reverse("fairs:holdings", args=[fair.pk]))
    rows = response.context["held"].rows
    assert len(rows) == 2
    assert {r.holding.application.district_id for r in rows} == {OWN_DISTRICT}
    assert "district" not in response.context["form"].fields


def test_the_list_filters_by_state_district_and_category(client, staff, paying, manager):
    fair, _draw = paying
    accepted(offer_of(fair), manager)
    client.force_login(staff)
    url = reverse("fairs:holdings", args=[fair.pk])
    rows = client.get(url, {"state": HoldingState.AWAITING_PAYMENT}).context["held"].rows
    assert len(rows) == 1
    rows = client.get(url, {"district": OTHER_DISTRICT}).context["held"].rows
    assert {r.holding.application.district_id for r in rows} == {OTHER_DISTRICT}
    assert client.get(url, {"category": "food"}).context["held"].rows == []


def test_an_offer_not_answered_in_time_shows_as_expired_without_any_cron(
    client, district_member, paying
):
    fair, _draw = paying
    with time_machine.travel(timezone.now() + timedelta(hours=49), tick=False):
        client.force_login(district_member)  # a session of that time
        response = client.get(reverse("fairs:holdings", args=[fair.pk]))
    assert {r.state for r in response.context["held"].rows} == {HoldingState.EXPIRED}


def test_the_booths_held_take_the_same_queries_for_one_and_many(client, staff, manager):
    small, _ = another_fair(manager, applicants=1)
    big, _ = another_fair(manager, applicants=10)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fairs:holdings", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("fairs:holdings", args=[big.pk]))
    assert len(many) == len(one)


# --- One holding ----------------------------------------------------------------------


def test_the_holding_page_explains_the_offer_and_what_can_be_done(client, district_member, paying):
    fair, _draw = paying
    holding = offer_of(fair)
    client.force_login(district_member)
    response = client.get(reverse("fairs:holding_detail", args=[holding.pk]))
    assert response.status_code == 200
    assert response.context["state"] == HoldingState.OFFERED
    assert response.context["may_accept"] and response.context["may_decline"]
    assert not response.context["may_pay"] and not response.context["may_change_booth"]
    text = _text(response)
    assert reverse("fairs:offer_accept", args=[holding.pk]) in text
    assert reverse("fairs:holding_move", args=[holding.pk]) not in text
    # the expiry is said in B.E.
    assert str(timezone.localtime(holding.offer_expires_at).year + 543) in text


def test_another_districts_holding_is_not_found(client, other_district_member, paying):
    fair, _draw = paying
    holding = offer_of(fair)
    client.force_login(other_district_member)
    assert client.get(reverse("fairs:holding_detail", args=[holding.pk])).status_code == 404
    assert client.post(reverse("fairs:offer_accept", args=[holding.pk])).status_code == 404
    assert client.get(reverse("fairs:offer_letter", args=[holding.pk])).status_code == 404


def test_an_officer_reads_a_holding_but_cannot_answer_for_it(client, officer, paying):
    fair, _draw = paying
    holding = offer_of(fair)
    client.force_login(officer)
    response = client.get(reverse("fairs:holding_detail", args=[holding.pk]))
    assert response.status_code == 200
    assert not response.context["may_accept"]
    assert client.post(reverse("fairs:offer_accept", args=[holding.pk])).status_code == 403
    assert client.post(reverse("fairs:offer_decline", args=[holding.pk])).status_code == 403
    holding.refresh_from_db()
    assert holding.accepted_at is None


def test_a_district_member_accepts_their_districts_offer(client, district_member, paying):
    fair, _draw = paying
    holding = offer_of(fair)
    client.force_login(district_member)
    response = client.post(reverse("fairs:offer_accept", args=[holding.pk]))
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.state() == HoldingState.AWAITING_PAYMENT
    assert holding.accepted_by == district_member
    assert holding.booth.code in _told(response)


def test_accepting_an_expired_offer_is_refused_with_the_reason(client, district_member, paying):
    fair, _draw = paying
    holding = offer_of(fair)
    with time_machine.travel(timezone.now() + timedelta(hours=49), tick=False):
        client.force_login(district_member)
        response = client.post(reverse("fairs:offer_accept", args=[holding.pk]))
    assert response.status_code == 200
    assert response.context["errors"]
    holding.refresh_from_db()
    assert holding.accepted_at is None


def test_declining_asks_first_then_the_booth_goes_to_the_waitlist(client, district_member, ten):
    fair, draw = ten
    holding = offer_of(fair)
    client.force_login(district_member)
    url = reverse("fairs:offer_decline", args=[holding.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert 'name="confirm"' in asked.content.decode()
    holding.refresh_from_db()
    assert holding.ended_at is None
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.end_reason == "declined"
    first_waiting = draw.lines.get(waitlist_position=1).application
    successor = Holding.objects.filter(booth=holding.booth).active_at().get()
    assert successor.application == first_waiting
    assert f"ใบสมัครเลขที่ {first_waiting.number} จากรายชื่อรอ" in _told(response)


# --- Payments -------------------------------------------------------------------------


def test_staff_record_the_fee_and_the_booth_is_confirmed(client, staff, paying, manager):
    fair, _draw = paying
    holding = accepted(offer_of(fair), manager)
    client.force_login(staff)
    url = reverse("fairs:payment_new", args=[holding.pk])
    page = client.get(url)
    assert page.context["due"] == D("200.00")
    assert page.context["form"]["amount"].value() == "200.00"
    response = client.post(url, {"amount": "150", "method": "cash", "reference": "R1"})
    assert response.status_code == 302
    response = client.post(url, {"amount": "50", "method": "transfer", "reference": "slip"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.state() == HoldingState.CONFIRMED
    assert list(Payment.objects.filter(holding=holding).values_list("amount", flat=True)) == [
        D("150.00"),
        D("50.00"),
    ]


@pytest.mark.parametrize("amount", ["200.01", "12.345", "abc", "0", "-5"])
def test_a_wrong_amount_is_refused_at_the_amount(client, staff, paying, manager, amount):
    fair, _draw = paying
    holding = accepted(offer_of(fair), manager)
    client.force_login(staff)
    response = client.post(
        reverse("fairs:payment_new", args=[holding.pk]), {"amount": amount, "method": "cash"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Payment.objects.exists()


def test_a_district_member_cannot_record_a_payment(client, district_member, paying, manager):
    fair, _draw = paying
    holding = accepted(offer_of(fair), manager)
    client.force_login(district_member)
    url = reverse("fairs:payment_new", args=[holding.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"amount": "200", "method": "cash"}).status_code == 403


def test_a_correction_needs_a_reason_and_strikes_the_payment_through(
    client, staff, paying, manager
):
    fair, _draw = paying
    holding = accepted(offer_of(fair), manager)
    payment = services.payment_record(
        holding=holding, by=manager, amount=D("200.00"), method="cash"
    )
    client.force_login(staff)
    url = reverse("fairs:payment_correct", args=[payment.pk])
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 200 and refused.context["form"].errors
    response = client.post(url, {"reason": "บันทึกซ้ำ"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.state() == HoldingState.AWAITING_PAYMENT
    page = client.get(reverse("fairs:holding_detail", args=[holding.pk]))
    assert "<del>" in page.content.decode()
    assert "บันทึกซ้ำ" in _text(page)
    assert client.post(url, {"reason": "อีกครั้ง"}).status_code == 200  # already cancelled


# --- Release, move, swap ----------------------------------------------------------------


def test_release_needs_a_reason_and_offers_the_booth_to_the_waitlist(client, staff, ten):
    fair, draw = ten
    holding = offer_of(fair)
    client.force_login(staff)
    url = reverse("fairs:holding_release", args=[holding.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    response = client.post(url, {"reason": "ขายสินค้าไม่ตรงประเภท"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.end_reason == "released" and holding.note == "ขายสินค้าไม่ตรงประเภท"
    successor = Holding.objects.filter(booth=holding.booth).active_at().get()
    assert successor.application == draw.lines.get(waitlist_position=1).application


def test_a_move_goes_to_a_free_booth_only_and_keeps_the_answer(client, staff, paying, manager):
    fair, _draw = paying
    holding = accepted(offer_of(fair), manager)
    taken = other_offer(fair).booth
    client.force_login(staff)
    url = reverse("fairs:holding_move", args=[holding.pk])
    free = list(client.get(url).context["form"].fields["booth"].queryset)
    assert taken not in free and holding.booth not in free and free
    refused = client.post(url, {"booth": taken.pk, "reason": "ใกล้ปลั๊ก"})
    assert refused.status_code == 200 and refused.context["form"].errors["booth"]
    response = client.post(url, {"booth": free[0].pk, "reason": "ใกล้ปลั๊ก"})
    assert response.status_code == 302
    moved = Holding.objects.get(previous=holding)
    assert response["Location"] == reverse("fairs:holding_detail", args=[moved.pk])
    assert moved.booth == free[0] and moved.accepted_at == holding.accepted_at
    history = client.get(response["Location"]).context["history"]
    assert [h.booth for h in history] == [holding.booth, free[0]]


def test_a_swap_exchanges_two_booths_with_a_reason(client, staff, paying):
    fair, _draw = paying
    mine, theirs = offer_of(fair), other_offer(fair)
    client.force_login(staff)
    url = reverse("fairs:holding_swap", args=[mine.pk])
    choices = client.get(url).context["form"].fields["other"].queryset
    assert theirs in choices and mine not in choices
    response = client.post(url, {"other": theirs.pk, "reason": "แลกกันตามคำขอ"})
    assert response.status_code == 302
    assert Holding.objects.get(previous=mine).booth == theirs.booth
    assert Holding.objects.get(previous=theirs).booth == mine.booth


# --- The waitlist -----------------------------------------------------------------------


def test_the_waitlist_names_only_producers_within_reach(client, district_member, ten):
    fair, draw = ten
    client.force_login(district_member)
    response = client.get(reverse("fairs:waitlist", args=[fair.pk]))
    rows = response.context["rows"]
    waiting = draw.lines.filter(outcome=Outcome.WAITLIST).order_by("waitlist_position")
    assert [r.application for r in rows] == [line.application for line in waiting]
    text = _text(response)
    for row in rows:
        shown = row.application.producer.name in text
        assert shown == (row.application.district_id == OWN_DISTRICT)
    assert response.context["planned"] == []  # the preview is for managers
    assert reverse("fairs:waitlist_refill", args=[fair.pk]) not in text


def test_the_refill_offers_lapsed_booths_and_says_which(client, staff, ten):
    fair, draw = ten
    later = timezone.now() + timedelta(hours=49)
    with time_machine.travel(later, tick=False):
        client.force_login(staff)
        page = client.get(reverse("fairs:waitlist", args=[fair.pk]))
        planned = page.context["planned"]
        response = client.post(reverse("fairs:waitlist_refill", args=[fair.pk]))
    assert response.status_code == 302
    waiting = [line.application for line in draw.lines.filter(outcome=Outcome.WAITLIST)]
    made = Holding.objects.filter(fair=fair, kind="waitlist")
    assert {h.application for h in made} == set(waiting)
    assert {(p.booth, p.application) for p in planned} == {(h.booth, h.application) for h in made}
    told = _told(response)
    for holding in made:
        assert f"{holding.booth.code} → #{holding.application.number}" in told


def test_the_waitlist_takes_the_same_queries_for_one_and_many(client, staff, manager):
    small, _ = another_fair(manager, applicants=9)  # one waiting
    big, _ = another_fair(manager, applicants=16)  # eight waiting
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fairs:waitlist", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("fairs:waitlist", args=[big.pk]))
    assert len(many) == len(one)


def test_staff_give_a_free_booth_by_hand_with_a_reason(client, staff, ten, manager):
    fair, _draw = ten
    url = reverse("fairs:booth_give", args=[fair.pk])
    with time_machine.travel(timezone.now() + timedelta(hours=49), tick=False):
        client.force_login(staff)
        # every offer lapsed: the lapsed may come back by hand
        form = client.get(url).context["form"]
        lapsed = offer_of(fair).application
        assert lapsed in form.fields["application"].queryset
        booth = form.fields["booth"].queryset.filter(booth_type__code="STD").first()
        food = form.fields["booth"].queryset.filter(booth_type__code="FOOD").first()
        wrong = client.post(url, {"application": lapsed.pk, "booth": food.pk, "reason": "x"})
        assert wrong.status_code == 200 and wrong.context["form"].errors["booth"]
        no_reason = client.post(url, {"application": lapsed.pk, "booth": booth.pk, "reason": ""})
        assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
        response = client.post(
            url, {"application": lapsed.pk, "booth": booth.pk, "reason": "กลับมายืนยันช้า"}
        )
    assert response.status_code == 302
    given = Holding.objects.get(application=lapsed, kind="manual")
    assert given.booth == booth and given.note == "กลับมายืนยันช้า"


# --- Check-in ---------------------------------------------------------------------------


@pytest.fixture
def fair_day(manager):
    """A fair on today: four confirmed booths (no fee), two of each district."""
    fair, _draw, _ = published_fair(applicants=4, by=manager)
    for holding in offers(fair):
        accepted(holding, manager)
    return during_the_fair(fair)


def test_check_in_records_present_and_absent_and_counts(client, staff, fair_day):
    fair = fair_day
    today = timezone.localdate()
    first, second = offers(fair)[:2]
    client.force_login(staff)
    url = reverse("fairs:checkin", args=[fair.pk])
    sheet = client.get(url).context["sheet"]
    assert len(sheet.rows) == 4 and sheet.not_recorded == 4
    response = client.post(url, {"holding": first.pk, "day": today.isoformat(), "present": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?day={today.isoformat()}#booth-{first.pk}")
    client.post(url, {"holding": second.pk, "day": today.isoformat(), "present": "0"})
    sheet = client.get(url).context["sheet"]
    assert (sheet.present, sheet.absent, sheet.not_recorded) == (1, 1, 2)
    assert [a.pk for a in sheet.no_shows] == [second.application_id]
    # present the next record: no longer a no-show
    client.post(url, {"holding": second.pk, "day": today.isoformat(), "present": "1"})
    assert client.get(url).context["sheet"].no_shows == []
    assert Attendance.objects.count() == 2


def test_check_in_refuses_a_day_to_come(client, staff, fair_day):
    fair = fair_day
    tomorrow = timezone.localdate() + timedelta(days=1)
    holding = offers(fair)[0]
    client.force_login(staff)
    url = reverse("fairs:checkin", args=[fair.pk])
    page = client.get(url, {"day": tomorrow.isoformat()})
    assert page.context["is_future"]
    assert 'name="present"' not in page.content.decode()
    response = client.post(
        url, {"holding": holding.pk, "day": tomorrow.isoformat(), "present": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Attendance.objects.exists()


def test_check_in_shows_the_fairs_day_for_a_day_outside_it(client, staff, fair_day):
    client.force_login(staff)
    response = client.get(reverse("fairs:checkin", args=[fair_day.pk]), {"day": "2020-01-01"})
    assert response.context["refused_day"]
    assert response.context["day"] == timezone.localdate()


def test_check_in_is_for_the_managers(client, district_member, officer, fair_day):
    url = reverse("fairs:checkin", args=[fair_day.pk])
    for user in (district_member, officer):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_check_in_takes_the_same_queries_for_one_and_many(client, staff, manager):
    small, _ = another_fair(manager, applicants=1)
    big, _ = another_fair(manager, applicants=8)
    for fair in (small, big):
        for holding in offers(fair):
            accepted(holding, manager)
        during_the_fair(fair)
    today = timezone.localdate()
    for holding in offers(big)[:3]:
        services.attendance_record(holding=holding, day=today, present=False, by=manager)
    services.attendance_record(holding=offers(small)[0], day=today, present=False, by=manager)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fairs:checkin", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("fairs:checkin", args=[big.pk]))
    assert len(many) == len(one)


# --- Daily sales ------------------------------------------------------------------------


def _sales_post(amounts: dict) -> dict:
    return {f"amount-{holding.pk}": amount for holding, amount in amounts.items()}


def test_a_district_member_enters_their_districts_sales_in_one_sheet(
    client, district_member, fair_day
):
    fair = fair_day
    mine = [h for h in offers(fair) if h.application.district_id == OWN_DISTRICT]
    client.force_login(district_member)
    url = reverse("fairs:sales", args=[fair.pk])
    page = client.get(url)
    assert [line["row"].holding for line in page.context["lines"]] == mine
    response = client.post(url, _sales_post({mine[0]: "1,500.50", mine[1]: "800"}))
    assert response.status_code == 302
    assert sorted(DailySales.objects.values_list("amount", flat=True)) == [
        D("800.00"),
        D("1500.50"),
    ]
    page = client.get(url)
    assert page.context["form"][f"amount-{mine[0].pk}"].value() == "1500.50"
    totals = page.context["totals"]
    assert totals.total == D("2300.50")
    assert dict(totals.by_day)[timezone.localdate()] == D("2300.50")
    assert [amount for _name, amount in totals.by_district] == [D("2300.50")]


def test_a_bad_row_records_nothing_and_every_bad_row_is_named(client, staff, fair_day):
    fair = fair_day
    rows = offers(fair)
    client.force_login(staff)
    url = reverse("fairs:sales", args=[fair.pk])
    response = client.post(
        url, _sales_post({rows[0]: "1000", rows[1]: "-5", rows[2]: "12.345", rows[3]: "abc"})
    )
    assert response.status_code == 200
    bad = [row.holding for row, _errors in response.context["bad_rows"]]
    assert bad == rows[1:]
    text = _text(response)
    for holding in rows[1:]:
        assert f'href="#sales-{holding.pk}"' in text
    assert not DailySales.objects.exists()
    # the typed figures stay in the sheet
    assert response.context["form"][f"amount-{rows[0].pk}"].value() == "1000"


def test_a_row_the_service_refuses_undoes_the_rows_recorded_before_it(
    client, staff, fair_day, monkeypatch
):
    fair = fair_day
    first, second = offers(fair)[:2]
    real = services.sales_record

    def refusing(*, holding, **kwargs):
        if holding.pk == second.pk:
            raise ValidationError({"amount": "ปฏิเสธ"})
        return real(holding=holding, **kwargs)

    monkeypatch.setattr(services, "sales_record", refusing)
    client.force_login(staff)
    url = reverse("fairs:sales", args=[fair.pk])
    response = client.post(url, _sales_post({first: "500", second: "700"}))
    assert response.status_code == 200
    assert [row.holding for row, _errors in response.context["bad_rows"]] == [second]
    assert not DailySales.objects.exists()


def test_an_officer_reads_the_sales_but_cannot_enter_them(client, officer, fair_day):
    fair = fair_day
    client.force_login(officer)
    url = reverse("fairs:sales", args=[fair.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url, _sales_post({offers(fair)[0]: "100"})).status_code == 403


def test_sales_wait_for_the_day(client, staff, fair_day):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(staff)
    page = client.get(reverse("fairs:sales", args=[fair_day.pk]), {"day": tomorrow.isoformat()})
    assert page.context["is_future"] and page.context["form"] is None
    assert 'name="amount-' not in page.content.decode()


def test_the_sales_sheet_takes_the_same_queries_for_one_and_many(client, staff, manager):
    small, _ = another_fair(manager, applicants=1)
    big, _ = another_fair(manager, applicants=8)
    today = timezone.localdate()
    for fair in (small, big):
        for holding in offers(fair):
            accepted(holding, manager)
        during_the_fair(fair)
        for holding in offers(fair):
            services.sales_record(holding=holding, day=today, amount=D("100"), by=manager)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fairs:sales", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("fairs:sales", args=[big.pk]))
    assert len(many) == len(one)


# --- Letters ----------------------------------------------------------------------------


def test_the_result_letter_gives_the_booth_and_the_draws_reason(client, district_member, ten):
    fair, draw = ten
    holding = offer_of(fair)
    line = draw.lines.get(application=holding.application)
    client.force_login(district_member)
    response = client.get(reverse("fairs:result_letter", args=[holding.application_id]))
    assert response.status_code == 200
    letter = response.context["letters"][0]
    assert letter.outcome == "selected" and letter.holding == holding
    text = _text(response)
    assert holding.application.producer.name in text
    assert holding.booth.code in text
    assert str(line.position) in letter.reason
    assert reverse("fairs:verify", args=[fair.pk]) in text
    assert "style=" not in text.split("<main", 1)[1]


def test_the_result_letter_of_one_waiting_gives_the_place(client, staff, ten):
    _fair, draw = ten
    line = draw.lines.get(waitlist_position=2)
    client.force_login(staff)
    response = client.get(reverse("fairs:result_letter", args=[line.application_id]))
    letter = response.context["letters"][0]
    assert letter.outcome == "waitlist" and letter.holding is None
    assert letter.line.waitlist_position == 2


def test_no_result_letter_before_the_draw_is_published(client, staff, manager):
    fair, _draw = another_fair(manager, applicants=2, publish=False)
    application = fair.applications.first()
    client.force_login(staff)
    response = client.get(reverse("fairs:result_letter", args=[application.pk]))
    assert response.status_code == 200 and not response.context["published"]
    assert 'class="document' not in response.content.decode()


def test_the_letters_page_prints_one_letter_per_application_within_reach(
    client, district_member, ten
):
    fair, _draw = ten
    client.force_login(district_member)
    response = client.get(reverse("fairs:letters", args=[fair.pk]))
    letters = response.context["letters"]
    assert len(letters) == 5
    assert {letter.application.district_id for letter in letters} == {OWN_DISTRICT}
    assert response.content.decode().count('class="document letter fair-letter"') == 5


def test_the_letters_take_the_same_queries_for_one_and_many(client, staff, manager):
    small, _ = another_fair(manager, applicants=1)
    big, _ = another_fair(manager, applicants=12)
    for holding in offers(big)[:3]:
        accepted(holding, manager)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fairs:letters", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("fairs:letters", args=[big.pk]))
    assert len(many) == len(one)


def test_the_offer_letter_gives_the_expiry_the_fee_and_how_to_pay(client, district_member, paying):
    fair, _draw = paying
    holding = offer_of(fair)
    client.force_login(district_member)
    response = client.get(reverse("fairs:offer_letter", args=[holding.pk]))
    assert response.status_code == 200
    assert response.context["state"] == HoldingState.OFFERED
    assert response.context["payment_days"] == 7
    text = _text(response)
    assert holding.booth.code in text
    assert "200.00" in text
    assert "สองร้อยบาทถ้วน" in text


# --- The cron command -------------------------------------------------------------------


def test_the_offers_command_offers_lapsed_booths_and_a_dry_run_writes_nothing(ten, capsys):
    _fair, draw = ten
    before = Holding.objects.count()
    with time_machine.travel(timezone.now() + timedelta(hours=49), tick=False):
        call_command("fairs_offers", "--dry-run")
        dry = capsys.readouterr().out
        assert Holding.objects.count() == before
        assert "offers would be made: 2." in dry
        call_command("fairs_offers")
        done = capsys.readouterr().out
        assert "offers made: 2." in done
        assert Holding.objects.count() == before + 2
        for line in draw.lines.filter(outcome=Outcome.WAITLIST):
            assert f"#{line.application.number}" in done and f"#{line.application.number}" in dry
        call_command("fairs_offers")  # nothing more to offer
        assert "offers made: 0." in capsys.readouterr().out
