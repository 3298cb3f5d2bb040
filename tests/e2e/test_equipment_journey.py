"""Lending a machine on a phone: a district member books a sealer for a producer of their
district, staff hand it over at the care desk and take it back; and an approver decides
between two producers of different districts who asked for the same unit and time."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from equipment import services
from equipment.models import (
    Booking,
    BookingStatus,
    Condition,
    EquipmentType,
    EquipmentUnit,
    Loan,
    TermsVersion,
)
from tests.e2e.conftest import PHONE
from tests.equipment.conftest import accept_terms, book, eligible_producer
from tests.factories import PASSWORD, Function, UserFactory, sa_kaeo_district

BKK = ZoneInfo("Asia/Bangkok")


# --- Setting the scene with the ORM and the services ---------------------------------------------


def _sealer_and_unit():
    sealer = EquipmentType.objects.create(
        name="เครื่องซีลสุญญากาศ",
        checkout_checklist="ฝาครอบ\nสายไฟ",
        return_checklist="ทำความสะอาดแล้ว",
    )
    TermsVersion.objects.create(
        equipment_type=sealer, version=1, effective_on=date(2026, 1, 1), text="ข้อตกลง"
    )
    unit = EquipmentUnit.objects.create(
        equipment_type=sealer, asset_number="7440-001-0001", location="สำนักงานพัฒนาชุมชน"
    )
    return sealer, unit


def _producer(district_code, sealer, staff, name):
    producer = eligible_producer(district=sa_kaeo_district(district_code), name=name)
    accept_terms(producer, sealer, staff)
    return producer


def _start_day() -> date:
    """At least 5 days ahead, Monday to Thursday: the start and the next day are working
    days (no NonWorkingDay rows exist in the test database), and R4's 2 working days of
    notice are met whatever today is."""
    day = timezone.localdate() + timedelta(days=5)
    while day.weekday() > 3:
        day += timedelta(days=1)
    return day


def _returned_booking(producer, unit, by, *, days_ago):
    """A two-day loan that ended `days_ago` days ago, written directly (it happened
    before the portal): the producer has borrowed before."""
    first = timezone.localdate() - timedelta(days=days_ago)
    lower = datetime.combine(first, time(8, 30), BKK)
    upper = datetime.combine(first + timedelta(days=1), time(16, 30), BKK)
    return Booking.objects.create(
        unit=unit,
        producer=producer,
        status=BookingStatus.RETURNED,
        period=DateTimeTZRange(lower, upper),
        blocked_period=DateTimeTZRange(lower, upper),
        booked_days=2,
        requested_by=by,
    )


def _photo(tmp_path, name="unit.png"):
    path = tmp_path / name
    Image.new("RGB", (64, 48), (200, 120, 40)).save(path, format="PNG")
    return path


# --- The browser ---------------------------------------------------------------------------------


def _log_in(page, username):
    # no smooth scrolling (Bootstrap's, unless the user prefers reduced motion): the page
    # is where Playwright measured it when it clicks
    page.emulate_media(reduced_motion="reduce")
    page.goto(reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))


def _be(day: date) -> str:
    """dd/mm/yyyy in the Buddhist era, as the date fields read it."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _alerts(page):
    return page.locator("main .messages [role=alert]")


def _no_wider_than_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _screenshot(page, path):
    """A full-page screenshot taken from the top of the page. Taken while the page is
    scrolled, Chromium's next click lands off its mark (here: on the form around the
    submit button rather than on the button, so nothing was posted)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)


# --- 1. Booking to return ------------------------------------------------------------------------


def test_a_district_member_books_and_staff_hand_over_and_take_back(
    phone, browser, live_server, tmp_path, screenshots
):
    member = UserFactory(username="somchai", district=sa_kaeo_district("2701"))
    staff = UserFactory(staff=True, username="staff")
    sealer, unit = _sealer_and_unit()
    producer = _producer("2701", sealer, staff, "กลุ่มน้ำพริกบ้านแก้ง")
    # a returning borrower (40 days ago: outside R8's window and R9's gap), so R10 asks
    # for no approval
    _returned_booking(producer, unit, staff, days_ago=40)
    start = _start_day()

    # The district member books on the phone.
    _log_in(phone, "somchai")
    phone.goto(reverse("equipment:booking_new", args=[sealer.pk]))
    phone.locator("#id_producer").select_option(str(producer.pk))
    # htmx shows the producer's fair share once chosen
    expect(phone.locator("#quota")).to_contain_text(producer.name)
    phone.locator("#id_unit").select_option(str(unit.pk))
    phone.locator("#id_first_day").fill(_be(start))
    phone.locator("#id_last_day").fill(_be(start + timedelta(days=1)))
    phone.locator("#id_purpose").fill("ซีลน้ำพริก 500 ถุงสำหรับงานกาชาด")
    _no_wider_than_the_phone(phone)
    _screenshot(phone, screenshots / "equipment-book.png")
    phone.get_by_role("button", name="จอง", exact=True).click()

    phone.wait_for_url(re.compile(r"/equipment/bookings/\d+/$"))
    booking = Booking.objects.get(producer=producer, status=BookingStatus.APPROVED)
    assert phone.url.endswith(reverse("equipment:booking_detail", args=[booking.pk]))
    assert booking.requested_by == member
    expect(_alerts(phone).first).to_contain_text("จองแล้ว")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("อนุมัติแล้ว")
    expect(phone.locator("main dl")).to_contain_text(producer.name)
    expect(phone.locator("main dl")).to_contain_text("ซีลน้ำพริก 500 ถุง")
    _no_wider_than_the_phone(phone)
    _screenshot(phone, screenshots / "equipment-booking.png")

    phone.get_by_role("link", name="ใบยืนยันสำหรับพิมพ์").click()
    phone.wait_for_url(re.compile(r"/confirmation/$"))
    confirmation = phone.locator("article.eq-confirmation")
    expect(confirmation.get_by_role("heading", level=1)).to_have_text("ใบยืนยันการจองอุปกรณ์")
    expect(confirmation).to_contain_text(str(booking.pk))
    expect(confirmation).to_contain_text(producer.name)
    expect(confirmation).to_contain_text(unit.asset_number)
    expect(confirmation).to_contain_text("อนุมัติแล้ว")
    assert confirmation.locator(".alert-warning").count() == 0  # it is confirmed
    _screenshot(phone, screenshots / "equipment-confirmation.png")

    # Staff hand the unit over on the pickup day and take it back. The booking was made
    # honestly, days ahead (R4 needs 2 working days' notice) and a check-out is
    # refused before the first day, so the clock travels to 09:00 on that day, Bangkok
    # time. time_machine patches the clock for the whole process, so the live server's
    # thread sees the travelled time too (the check-out below would be refused with
    # "The booking starts on a later day" otherwise). tick=True keeps it running.
    pickup = datetime.combine(start, time(9, 0), BKK)
    with time_machine.travel(pickup, tick=True):
        assert timezone.localdate() == start
        context = browser.new_context(
            viewport=PHONE, locale="en-US", base_url=live_server.url, reduced_motion="reduce"
        )
        desk = context.new_page()
        violations = []
        desk.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        try:
            _log_in(desk, "staff")
            desk.goto(reverse("equipment:loan_checkout", args=[booking.pk]))
            expect(desk.get_by_role("heading", level=1)).to_contain_text(unit.asset_number)
            desk.get_by_label("ฝาครอบ").check()
            desk.get_by_label("สายไฟ").check()
            desk.locator(f"input[name=condition][value={Condition.WORN}]").check()
            desk.locator("#id_photos").set_input_files(_photo(tmp_path, "checkout.png"))
            desk.locator("#id_acknowledged_by").fill("นางสมศรี ใจดี")
            desk.locator("#id_notes").fill("รอยขีดข่วนเล็กน้อยที่ฝา")
            _no_wider_than_the_phone(desk)
            _screenshot(desk, screenshots / "equipment-checkout.png")
            desk.get_by_role("button", name="ส่งมอบเครื่อง").click()

            desk.wait_for_url(re.compile(r"/equipment/care/$"))
            expect(_alerts(desk).first).to_contain_text(f"ส่งมอบ {unit} ให้ {producer.name}")
            loan = Loan.objects.get(booking=booking)
            assert loan.returned_at is None
            assert loan.checkout_condition == Condition.WORN
            assert loan.checkout_checklist == {"ฝาครอบ": True, "สายไฟ": True}
            assert loan.acknowledged_by == "นางสมศรี ใจดี"
            assert loan.checked_out_by == staff
            assert loan.photos.count() == 1
            booking.refresh_from_db()
            assert booking.status == BookingStatus.CHECKED_OUT

            desk.goto(reverse("equipment:loan_return", args=[loan.pk]))
            expect(desk.get_by_role("heading", level=1)).to_contain_text(unit.asset_number)
            desk.get_by_label("ทำความสะอาดแล้ว", exact=True).check()
            desk.locator(f"input[name=condition][value={Condition.WORN}]").check()
            desk.locator("#id_cleaned").check()
            desk.locator("#id_photos").set_input_files(_photo(tmp_path, "return.png"))
            desk.locator("#id_units_produced").fill("500")
            _screenshot(desk, screenshots / "equipment-return.png")
            desk.get_by_role("button", name="รับคืน", exact=True).click()

            desk.wait_for_url(re.compile(r"/equipment/care/$"))
            expect(_alerts(desk).first).to_contain_text(f"รับคืน {unit} แล้ว")
        finally:
            context.close()
        assert violations == [], violations

    booking.refresh_from_db()
    loan.refresh_from_db()
    assert booking.status == BookingStatus.RETURNED
    assert loan.returned_at is not None
    assert timezone.localtime(loan.returned_at).date() == start
    assert loan.returned_by == staff
    assert loan.cleaned is True
    assert loan.units_produced == 500
    assert loan.return_checklist == {"ทำความสะอาดแล้ว": True}
    assert loan.photos.count() == 2


# --- 2. The approval inbox -----------------------------------------------------------------------


def test_an_approver_picks_the_first_ranked_of_two_competing_requests(phone, screenshots):
    staff = UserFactory(staff=True, username="staff")
    # An approver who sees every district: a district member who is an approver leaves
    # a group that mixes districts to them. The live server's tests empty every table
    # after each test, the groups a migration made included, and UserFactory skips a
    # function whose group is missing: make sure it is there.
    Group.objects.get_or_create(name=Function.EQUIPMENT_APPROVER)
    UserFactory(officer=True, username="approver", functions=[Function.EQUIPMENT_APPROVER])
    sealer, unit = _sealer_and_unit()
    # Aranyaprathet asks first, but its district borrowed lately (another producer of
    # it, 20 days ago), so Mueang Sa Kaeo's request ranks first (R11).
    aranya = _producer("2706", sealer, staff, "กลุ่มผ้าทออรัญ")
    mueang = _producer("2701", sealer, staff, "กลุ่มน้ำพริกบ้านแก้ง")
    neighbour = _producer("2706", sealer, staff, "กลุ่มจักสานคลองน้ำใส")
    _returned_booking(neighbour, unit, staff, days_ago=20)
    start = _start_day()
    slot = services.slot_for(unit, first_day=start, last_day=start + timedelta(days=1))
    # first bookings of both producers: they wait for an approver (R10)
    later = services.booking_request(producer=aranya, unit=unit, slot=slot, by=staff)
    first = services.booking_request(producer=mueang, unit=unit, slot=slot, by=staff)
    assert later.status == first.status == BookingStatus.REQUESTED

    _log_in(phone, "approver")
    phone.goto(reverse("equipment:inbox"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("คำขอที่รอพิจารณา")
    group = phone.locator("section.eq-group")
    expect(group).to_have_count(1)
    rows = group.locator("li[data-booking]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-booking", str(first.pk))
    expect(rows.nth(0)).to_have_attribute("data-rank", "1")
    expect(rows.nth(0)).to_contain_text(mueang.name)
    expect(rows.nth(0)).to_contain_text("อำเภอที่ได้ใช้น้อยที่สุดใน 90 วันที่ผ่านมา: 0 วันยืม")
    expect(rows.nth(1)).to_have_attribute("data-booking", str(later.pk))
    expect(rows.nth(1)).to_have_attribute("data-rank", "2")
    expect(rows.nth(1)).to_contain_text(aranya.name)
    expect(rows.nth(1)).to_contain_text("อำเภอที่ได้ใช้มากกว่าใน 90 วันที่ผ่านมา: 2 วันยืม")
    for n in (0, 1):  # why each waits: R10, a producer's first booking
        expect(rows.nth(n)).to_contain_text(first.decision_note)
    _no_wider_than_the_phone(phone)
    _screenshot(phone, screenshots / "equipment-inbox.png")

    rows.nth(0).get_by_role("button", name="อนุมัติ", exact=True).click()

    phone.wait_for_url(re.compile(r"/equipment/approvals/$"))
    approved = _alerts(phone).filter(has_text="อนุมัติแล้ว")
    expect(approved).to_contain_text(mueang.name)
    rejected = _alerts(phone).filter(has_text="ไม่อนุมัติ เพราะขอช่วงเวลาเดียวกัน")
    expect(rejected).to_contain_text(aranya.name)
    expect(rejected).to_contain_text(str(unit))
    expect(phone.locator("section.eq-group")).to_have_count(0)
    _screenshot(phone, screenshots / "equipment-inbox-decided.png")

    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == BookingStatus.APPROVED
    assert later.status == BookingStatus.REJECTED


# --- 3. Changing and cancelling ------------------------------------------------------------------


def test_a_district_member_changes_a_booking_then_cancels_it_on_a_phone(phone, screenshots):
    member = UserFactory(username="somchai", district=sa_kaeo_district("2701"))
    staff = UserFactory(staff=True, username="staff")
    sealer, unit = _sealer_and_unit()
    producer = _producer("2701", sealer, staff, "กลุ่มน้ำพริกบ้านแก้ง")
    _returned_booking(producer, unit, staff, days_ago=40)
    start = _start_day()
    booking = book(producer, unit, start, by=member, purpose="ซีลน้ำพริก")
    assert booking.status == BookingStatus.APPROVED

    _log_in(phone, "somchai")
    phone.goto(reverse("equipment:booking_detail", args=[booking.pk]))
    phone.get_by_role("link", name="เปลี่ยน", exact=True).click()
    phone.wait_for_url(re.compile(r"/change/$"))
    phone.locator("#id_last_day").fill(_be(start + timedelta(days=1)))
    _no_wider_than_the_phone(phone)
    _screenshot(phone, screenshots / "equipment-change.png")
    phone.get_by_role("button", name="บันทึกการเปลี่ยน").click()
    phone.wait_for_url(re.compile(r"/equipment/bookings/\d+/$"))
    expect(_alerts(phone).first).to_be_visible()
    booking.refresh_from_db()
    assert booking.booked_days == 2
    assert timezone.localtime(booking.period.upper).date() == start + timedelta(days=1)

    phone.get_by_role("link", name="ยกเลิก", exact=True).click()
    phone.wait_for_url(re.compile(r"/cancel/$"))
    phone.locator("#id_reason").fill("ผู้ผลิตติดงานบุญ")
    _no_wider_than_the_phone(phone)
    phone.get_by_role("button", name="ยกเลิกการจอง").click()
    phone.wait_for_url(re.compile(r"/equipment/bookings/\d+/$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("ยกเลิก")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
