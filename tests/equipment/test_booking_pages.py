"""The booking pages as district members, staff, officers and approvers use them."""

from datetime import date, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from equipment import services
from equipment.models import (
    Booking,
    BookingKind,
    BookingMode,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    RuleOverride,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.workdays import at
from tests.conftest import OTHER_DISTRICT
from tests.equipment.conftest import TODAY, accept_terms, book, eligible_producer
from tests.factories import ProducerFactory, sa_kaeo_district

pytestmark = pytest.mark.usefixtures("clock")
D = TODAY  # Monday 1 March 2027 = 01/03/2570


def _be(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _day(n: int) -> date:
    return D + timedelta(days=n)


def _raw(unit, producer, by, offset, length=1, *, status=BookingStatus.REQUESTED, **kwargs):
    """A booking written directly: history, or rows for a query count."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    lower = at(_day(offset), time(8, 30))
    upper = at(_day(offset + length - 1), time(16, 30))
    return Booking.objects.create(
        unit=unit,
        producer=producer,
        status=status,
        period=DateTimeTZRange(lower, upper),
        blocked_period=DateTimeTZRange(lower, upper + timedelta(days=1)),
        booked_days=length,
        requested_by=by,
        **kwargs,
    )


def _book_url(unit) -> str:
    return reverse("equipment:booking_new", args=[unit.equipment_type_id])


def _form(producer, unit, first, last=None, **extra) -> dict:
    data = {"producer": producer.pk, "unit": unit.pk, "first_day": _be(first), "purpose": ""}
    if last:
        data["last_day"] = _be(last)
    return {**data, **extra}


def _eligible(sealer, staff, **kwargs):
    producer = eligible_producer(**kwargs)
    accept_terms(producer, sealer, staff)
    return producer


# --- Pages render -----------------------------------------------------------------------------


def test_the_machines_pages_render_for_every_login(client, officer, unit):
    client.force_login(officer)
    assert client.get(reverse("equipment:index")).status_code == 200
    page = client.get(reverse("equipment:type_detail", args=[unit.equipment_type_id]))
    assert [code for code, _title, _text in page.context["rules"]] == [
        f"R{n}" for n in range(1, 25)
    ]
    page = client.get(reverse("equipment:unit_detail", args=[unit.pk]))
    assert page.context["calendars"][0]["unit"] == unit
    assert "css/equipment.css" in page.content.decode()


def test_an_officer_may_not_book(client, officer, unit):
    client.force_login(officer)
    assert client.get(_book_url(unit)).status_code == 403


def test_the_booking_page_shows_rules_calendar_and_quota(client, district_member, unit, producer):
    _raw(unit, producer, district_member, -10, 2, status=BookingStatus.RETURNED)
    client.force_login(district_member)
    page = client.get(_book_url(unit), {"producer": producer.pk})
    assert page.status_code == 200
    assert len(page.context["rules"]) == 24
    assert page.context["calendars"][0]["unit"] == unit
    quota = page.context["quota"]
    assert (quota["used_days"], quota["cap_days"], quota["window_days"]) == (2, 10, 30)
    assert (quota["active"], quota["active_max"]) == (0, 2)
    partial = client.get(_book_url(unit), {"producer": producer.pk}, HTTP_HX_REQUEST="true")
    assert b'id="quota"' in partial.content
    assert b"<html" not in partial.content


# --- Booking ----------------------------------------------------------------------------------


def test_a_district_member_books_for_a_producer_of_their_district(
    client, district_member, unit, producer
):
    client.force_login(district_member)
    response = client.post(_book_url(unit), _form(producer, unit, _day(2), _day(3)))
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == booking.get_absolute_url()
    assert booking.producer == producer
    assert booking.booked_days == 2
    assert booking.status == BookingStatus.REQUESTED, "a first booking waits for approval"
    assert booking.requested_by == district_member


def test_the_producer_choice_is_scoped_to_the_district(client, district_member, unit, staff):
    stranger = _eligible(unit.equipment_type, staff, district=sa_kaeo_district(OTHER_DISTRICT))
    client.force_login(district_member)
    response = client.post(_book_url(unit), _form(stranger, unit, _day(2)))
    assert "producer" in response.context["form"].errors
    assert not Booking.objects.exists()


def test_a_refused_request_names_every_rule_broken(client, district_member, unit, producer):
    client.force_login(district_member)
    # starts today (R4 notice) and lasts 9 days (R3 at most 7)
    response = client.post(_book_url(unit), _form(producer, unit, _day(0), _day(8)))
    assert response.status_code == 200
    violations = response.context["violations"]
    assert {"R3", "R4"} <= {violation.rule for violation in violations}
    page = response.content.decode()
    for violation in violations:
        assert escape(violation.message) in page
    assert response.context["form"].override_fields == [], "only staff may set rules aside"
    assert not Booking.objects.exists()


def test_staff_set_aside_a_rule_with_a_reason_that_is_kept(client, staff, unit, producer):
    client.force_login(staff)
    data = _form(producer, unit, _day(2), _day(10))  # 9 days: R3
    refused = client.post(_book_url(unit), data)
    rules = {violation.rule for violation in refused.context["violations"]}
    assert "R3" in rules
    offered = {field.name for field in refused.context["form"].override_fields}
    assert offered == {f"override_{rule}" for rule in rules if rule in services.rules.OVERRIDABLE}
    overrides = dict.fromkeys(offered, "งานแสดงสินค้าระดับจังหวัด")
    response = client.post(_book_url(unit), {**data, **overrides})
    booking = Booking.objects.get()
    assert response.status_code == 302
    recorded = RuleOverride.objects.get(booking=booking, rule="R3")
    assert (recorded.reason, recorded.by) == ("งานแสดงสินค้าระดับจังหวัด", staff)
    detail = client.get(booking.get_absolute_url())
    assert b'data-rule="R3"' in detail.content


def test_a_district_member_cannot_post_an_override(client, district_member, unit, producer):
    client.force_login(district_member)
    data = _form(producer, unit, _day(2), _day(10), override_R3="ขอพิเศษ")
    response = client.post(_book_url(unit), data)
    assert "R3" in {violation.rule for violation in response.context["violations"]}
    assert not Booking.objects.exists()


def test_a_taken_slot_offers_the_waitlist(client, district_member, staff, unit, producer):
    first = _eligible(unit.equipment_type, staff)
    services.booking_approve(booking=book(first, unit, _day(2), _day(3), by=staff), by=staff)
    client.force_login(district_member)
    data = _form(producer, unit, _day(2), _day(3))
    response = client.post(_book_url(unit), data)
    assert [violation.rule for violation in response.context["violations"]] == ["R11"]
    assert response.context["offer_waitlist"] is True
    response = client.post(_book_url(unit), {**data, "action": "waitlist"})
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.producer, entry.status) == (producer, WaitlistStatus.WAITING)


# --- One booking ------------------------------------------------------------------------------


def test_the_detail_and_the_confirmation_show_be_dates(client, district_member, unit, producer):
    booking = book(producer, unit, _day(2), _day(3), by=district_member)
    client.force_login(district_member)
    for name in ("equipment:booking_detail", "equipment:booking_print"):
        page = client.get(reverse(name, args=[booking.pk])).content.decode()
        assert producer.name in page
        assert "2570" in page and "2027" not in page
        assert "style=" not in page
        assert "css/equipment.css" in page


def test_a_district_member_changes_the_dates(client, district_member, unit, producer):
    booking = book(producer, unit, _day(7), by=district_member)
    client.force_login(district_member)
    url = reverse("equipment:booking_change", args=[booking.pk])
    response = client.post(url, {"first_day": _be(_day(8)), "last_day": _be(_day(9))})
    booking.refresh_from_db()
    assert response.status_code == 302
    assert booking.booked_days == 2


def test_a_late_cancel_needs_staff_and_a_reason(client, district_member, staff, unit, producer):
    booking = _raw(unit, producer, staff, 0, status=BookingStatus.APPROVED)
    url = reverse("equipment:booking_cancel", args=[booking.pk])
    client.force_login(district_member)
    refused = client.post(url, {"reason": "ป่วย"})
    assert [violation.rule for violation in refused.context["violations"]] == ["R4"]
    assert "override" not in refused.context["form"].fields
    client.force_login(staff)
    assert "override" in client.get(url).context["form"].fields
    response = client.post(url, {"reason": "ป่วย", "override": "เจ็บป่วยกะทันหัน"})
    booking.refresh_from_db()
    assert response.status_code == 302
    assert booking.status == BookingStatus.CANCELLED
    assert RuleOverride.objects.get(booking=booking).rule == "R4"


# --- Deciding (R11) ---------------------------------------------------------------------------


@pytest.fixture
def three(db, unit, staff, clock):
    """Three requests for the same days. P1 (district 2701) had 3 days in the fairness
    window; P2 (2706) and P3 (2701) had none, but P3's district had P1's 3 days."""
    sealer = unit.equipment_type
    EquipmentType.objects.filter(pk=sealer.pk).update(is_scarce=True)  # all wait (R10)
    p1 = _eligible(sealer, staff)
    p2 = _eligible(sealer, staff, district=sa_kaeo_district(OTHER_DISTRICT))
    p3 = _eligible(sealer, staff)
    other_unit = EquipmentUnit.objects.create(
        equipment_type=sealer, asset_number="7440-001-0009", location="อำเภอ"
    )
    _raw(other_unit, p1, staff, -30, 3, status=BookingStatus.RETURNED)
    requests = []
    for producer in (p1, p3, p2):
        requests.append(book(producer, unit, _day(3), _day(4), by=staff))
        clock.shift(timedelta(minutes=5))
    return dict(zip(("p1", "p3", "p2"), requests, strict=True))


def test_the_inbox_ranks_competing_requests_fairly(client, approver, three):
    client.force_login(approver)
    groups = client.get(reverse("equipment:inbox")).context["groups"]
    assert len(groups) == 1
    rows = groups[0]["rows"]
    assert [row.booking for row in rows] == [three["p2"], three["p3"], three["p1"]]
    assert [(row.producer_days, row.district_days) for row in rows] == [(0, 0), (0, 3), (3, 3)]
    assert [row.decided_by for row in rows] == ["district", "district", "days"]
    assert [len(row.collides_with) for row in rows] == [2, 2, 2]


def test_first_come_decides_between_equals(client, approver, unit, staff, clock):
    a = _eligible(unit.equipment_type, staff)
    b = _eligible(unit.equipment_type, staff)
    first = book(b, unit, _day(3), by=staff)
    clock.shift(timedelta(minutes=5))
    book(a, unit, _day(3), by=staff)
    client.force_login(approver)
    rows = client.get(reverse("equipment:inbox")).context["groups"][0]["rows"]
    assert rows[0].booking == first
    assert [row.decided_by for row in rows] == ["first", "first"]


def test_approving_rejects_the_colliding_requests(client, approver, three):
    client.force_login(approver)
    response = client.post(reverse("equipment:booking_approve", args=[three["p2"].pk]))
    assert response.status_code == 302
    statuses = {key: Booking.objects.get(pk=b.pk).status for key, b in three.items()}
    assert statuses == {
        "p2": BookingStatus.APPROVED,
        "p1": BookingStatus.REJECTED,
        "p3": BookingStatus.REJECTED,
    }
    told = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert three["p1"].producer.name in told and three["p3"].producer.name in told


def test_a_reject_needs_a_reason(client, approver, three):
    client.force_login(approver)
    url = reverse("equipment:booking_reject", args=[three["p1"].pk])
    client.post(url, {"reason": ""})
    assert Booking.objects.get(pk=three["p1"].pk).status == BookingStatus.REQUESTED
    client.post(url, {"reason": "ซ้ำกับคำขออื่น"})
    rejected = Booking.objects.get(pk=three["p1"].pk)
    assert (rejected.status, rejected.decision_note) == (BookingStatus.REJECTED, "ซ้ำกับคำขออื่น")


def test_an_approver_of_another_district_opens_any_request(client, approver, three):
    client.force_login(approver)
    response = client.get(three["p2"].get_absolute_url())
    assert response.status_code == 200
    assert response.context["may_decide"] is True
    assert response.context["competing"] == 2


# --- Waitlist ---------------------------------------------------------------------------------


def test_an_offered_slot_is_accepted(client, district_member, staff, unit, producer):
    holder = _eligible(unit.equipment_type, staff)
    held, _rejected = services.booking_approve(
        booking=book(holder, unit, _day(7), _day(8), by=staff), by=staff
    )
    slot = services.slot_for(unit, first_day=_day(7), last_day=_day(8))
    entry = services.waitlist_join(producer=producer, unit=unit, slot=slot, by=staff)
    services.booking_cancel(booking=held, by=staff)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    client.force_login(district_member)
    assert entry in client.get(reverse("equipment:waitlist")).context["page"]
    response = client.post(reverse("equipment:waitlist_accept", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.BOOKED
    assert response["Location"] == entry.booking.get_absolute_url()


def test_a_waitlist_entry_is_withdrawn(client, district_member, staff, unit, producer):
    entry = WaitlistEntry.objects.create(
        unit=unit,
        producer=producer,
        period=_raw(unit, producer, staff, 5).period,
        requested_by=staff,
    )
    client.force_login(district_member)
    client.post(reverse("equipment:waitlist_withdraw", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN


# --- The calendar -----------------------------------------------------------------------------


def _cells(response, unit_index=0) -> dict:
    weeks = response.context["calendars"][unit_index]["weeks"]
    return {cell.day: cell for week in weeks for cell in week}


def test_other_districts_bookings_show_as_booked_without_a_name(
    client, district_member, other_district_member, staff, unit, producer
):
    _raw(unit, producer, staff, 2, 2, status=BookingStatus.APPROVED)
    Booking.objects.create(
        unit=unit,
        kind=BookingKind.MAINTENANCE,
        status=BookingStatus.APPROVED,
        period=_raw_period(9),
        blocked_period=_raw_period(9),
        requested_by=staff,
    )
    url = reverse("equipment:unit_detail", args=[unit.pk])
    client.force_login(other_district_member)
    response = client.get(url)
    cells = _cells(response)
    assert cells[_day(2)].state == "booked"
    assert cells[_day(4)].state == "turnaround"
    assert cells[_day(5)].state == "closed", "Saturday"
    assert cells[_day(9)].state == "blocked"
    assert cells[_day(1)].state == "free"
    assert producer.name not in response.content.decode()
    client.force_login(district_member)
    assert producer.name in client.get(url).content.decode()


def _raw_period(offset):
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    return DateTimeTZRange(at(_day(offset), time(8, 30)), at(_day(offset), time(16, 30)))


def test_an_hourly_unit_shows_the_booked_hours(client, district_member, staff, producer):
    oven = EquipmentType.objects.create(name="เตาอบลมร้อน", booking_mode=BookingMode.HOURS)
    unit = EquipmentUnit.objects.create(equipment_type=oven, asset_number="OV-1", location="ศูนย์")
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    Booking.objects.create(
        unit=unit,
        producer=producer,
        status=BookingStatus.APPROVED,
        period=DateTimeTZRange(at(_day(2), time(9)), at(_day(2), time(11))),
        blocked_period=DateTimeTZRange(at(_day(2), time(9)), at(_day(2), time(11, 30))),
        booked_days=1,
        requested_by=staff,
    )
    client.force_login(district_member)
    response = client.get(reverse("equipment:unit_detail", args=[unit.pk]))
    assert _cells(response)[_day(2)].hours == ["09:00–11:00"]


# --- Sections ---------------------------------------------------------------------------------


def test_home_shows_bookings_and_what_waits_for_the_user(client, district_approver, staff, three):
    client.force_login(district_approver)
    sections = client.get(reverse("home")).context["sections"]
    mine = next(item for item in sections if item["section"].key == "equipment.bookings")
    assert mine["pending"] == 2  # the two requests of the approver's district
    assert three["p2"] not in mine["bookings"], "the approver's own district only"
    assert three["p1"] in mine["bookings"]


def test_the_producer_page_offers_to_book(client, district_member, officer, unit, producer):
    booking = book(producer, unit, _day(2), by=district_member)
    url = reverse("members:producer_detail", args=[producer.pk])
    for user, may_book in ((district_member, True), (officer, False)):
        client.force_login(user)
        sections = client.get(url).context["sections"]
        mine = next(item for item in sections if item["section"].key == "equipment.bookings")
        assert mine["bookings"] == [booking]
        assert mine["may_book"] is may_book


# --- Query counts -----------------------------------------------------------------------------


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _rows(n, unit, by, district=None):
    """n requests and n approved bookings on n new units of the type of `unit`."""
    sealer = unit.equipment_type
    for i in range(n):
        target = EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=f"Q-{n}-{i}", location="ที่ใดที่หนึ่ง"
        )
        producer = ProducerFactory(**({"district": district} if district else {}))
        _raw(target, producer, by, 2 + i % 5)
        _raw(target, producer, by, 20 + i % 5, status=BookingStatus.APPROVED)


@pytest.mark.parametrize(
    "url_of",
    [
        lambda unit: _book_url(unit),
        lambda unit: reverse("equipment:booking_list"),
        lambda unit: reverse("equipment:inbox"),
        lambda unit: reverse("home"),
    ],
    ids=["calendar", "list", "inbox", "home"],
)
def test_pages_take_the_same_queries_at_one_and_twenty_rows(client, staff, unit, url_of):
    client.force_login(staff)
    _rows(1, unit, staff)
    url = url_of(unit)
    _count(client, url)  # warm caches (content types, settings row)
    few = _count(client, url)
    _rows(20, unit, staff)
    assert _count(client, url) == few


def test_the_producer_section_takes_the_same_queries_at_one_and_twenty(
    client, district_member, staff, unit, producer
):
    client.force_login(district_member)
    url = reverse("members:producer_detail", args=[producer.pk])
    _raw(unit, producer, staff, 2)
    _count(client, url)
    few = _count(client, url)
    for i in range(19):
        other = EquipmentUnit.objects.create(
            equipment_type=unit.equipment_type, asset_number=f"P-{i}", location="ที่นี่"
        )
        _raw(other, producer, staff, 3 + i % 5)
        WaitlistEntry.objects.create(
            unit=other, producer=producer, period=_raw_period(30 + i), requested_by=staff
        )
    assert _count(client, url) == few


# --- A district member holding the approver function ---------------------------------------------


def test_a_district_approver_sees_other_districts_requests_without_names_and_cannot_decide(
    client, district_approver, three
):
    """The role sets the reach (DOMAIN.md §2): competing requests from several districts
    are decided by approvers who see every district."""
    client.force_login(district_approver)
    page = client.get(reverse("equipment:inbox"))
    (group,) = page.context["groups"]
    assert group["decidable"] is False
    assert [row.hidden for row in group["rows"]] == [True, False, False]  # p2 is 2706's
    assert three["p2"].producer.name not in page.content.decode()
    response = client.post(reverse("equipment:booking_approve", args=[three["p3"].pk]))
    assert response.status_code == 403
    assert client.get(three["p2"].get_absolute_url()).status_code == 404
    three["p3"].refresh_from_db()
    assert three["p3"].status == BookingStatus.REQUESTED


def test_a_district_approver_decides_requests_of_their_own_district(
    client, district_approver, unit, staff
):
    sealer = unit.equipment_type
    EquipmentType.objects.filter(pk=sealer.pk).update(is_scarce=True)
    mine = book(_eligible(sealer, staff), unit, _day(3), _day(4), by=staff)
    client.force_login(district_approver)
    (group,) = client.get(reverse("equipment:inbox")).context["groups"]
    assert group["decidable"] is True
    client.post(reverse("equipment:booking_approve", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == BookingStatus.APPROVED
