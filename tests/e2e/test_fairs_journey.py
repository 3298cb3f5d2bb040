"""The fair on a phone: a district committee member applies for two producers of their
district; a provincial officer freezes the list, a second officer confirms the lottery
results, the officer runs the official draw and publishes it, and the public
verification page shows the result to anyone."""

import re

from django.urls import reverse

from fairs.models import Application, ApplicationStatus, Draw, Holding
from fairs.services import applications as application_services
from tests.conftest import OWN_DISTRICT
from tests.factories import PASSWORD, ProducerFactory, ProductFactory, UserFactory, sa_kaeo_district
from tests.fairs.builders import SOURCE, apply, close_window, make_fair, publish_policy


def _log_in(phone, username):
    phone.context.clear_cookies()
    phone.goto(reverse("login"))
    phone.get_by_label(re.compile("ชื่อผู้ใช้")).fill(username)
    phone.get_by_label(re.compile("รหัสผ่าน")).fill(PASSWORD)
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url(re.compile(r"/$"))


def test_a_district_member_applies_for_two_producers(phone, screenshots):
    staff = UserFactory(staff=True, username="fairstaff")
    UserFactory(username="somchai", district=sa_kaeo_district(OWN_DISTRICT))
    fair = make_fair()
    publish_policy(fair, staff)
    district = sa_kaeo_district(OWN_DISTRICT)
    weavers = ProducerFactory(name="กลุ่มทอผ้าบ้านหนองบัว", district=district)
    ProductFactory(producer=weavers, name="ผ้าขาวม้าทอมือ")
    cooks = ProducerFactory(name="กลุ่มแม่บ้านน้ำพริกเผา", district=district)
    ProductFactory(producer=cooks, name="น้ำพริกเผาสูตรโบราณ", category="food")

    _log_in(phone, "somchai")
    phone.goto(reverse("fairs:apply", args=[fair.pk]))
    for producer, category, booth_type in (
        (weavers, "textile", "STD"),
        (cooks, "food", "FOOD"),
    ):
        phone.goto(reverse("fairs:apply", args=[fair.pk]))
        phone.locator(
            f"main a[href='{reverse('fairs:apply_for', args=[fair.pk, producer.pk])}']"
        ).click()
        phone.locator("select[name=category]").select_option(category)
        phone.locator("input[name=booth_type], select[name=booth_type]").first.wait_for()
        booth = fair.booth_types.get(code=booth_type)
        if phone.locator("select[name=booth_type]").count():
            phone.locator("select[name=booth_type]").select_option(str(booth.pk))
        else:
            phone.locator(f"input[name=booth_type][value='{booth.pk}']").check()
        zone_b = fair.zones.get(code="B")
        phone.locator("select[name=zone_1]").select_option(str(zone_b.pk))
        phone.locator("input[name=products]").first.check()
        phone.locator("input[name=consent]").check()
        if producer == cooks:
            phone.screenshot(path=screenshots / "fairs-apply.png", full_page=True)
        phone.get_by_role("button", name=re.compile("ยื่นใบสมัคร|ส่งใบสมัคร|สมัคร")).click()
        phone.wait_for_url(re.compile(r"/fairs/applications/\d+/$"))

    made = Application.objects.filter(fair=fair).order_by("number")
    assert [(a.producer, a.category, a.booth_type.code) for a in made] == [
        (weavers, "textile", "STD"),
        (cooks, "food", "FOOD"),
    ]
    assert all(a.submitted_by.username == "somchai" and a.on_behalf for a in made)
    assert all(a.status == ApplicationStatus.SUBMITTED for a in made)
    # Their district's list shows both, with their status.
    phone.goto(reverse("fairs:application_list", args=[fair.pk]))
    text = phone.locator("main").inner_text()
    assert "กลุ่มทอผ้าบ้านหนองบัว" in text and "กลุ่มแม่บ้านน้ำพริกเผา" in text


def test_an_officer_runs_the_draw_and_publishes_it(phone, screenshots):
    officer = UserFactory(staff=True, username="suda", first_name="สุดา")
    UserFactory(staff=True, username="prasit", first_name="ประสิทธิ์")
    fair = make_fair()
    publish_policy(fair, officer)
    for i in range(10):
        application = apply(fair, officer, district="2701" if i % 2 else "2706")
        application_services.application_review(
            application=application, by=officer, status=ApplicationStatus.ELIGIBLE, reason="ผ่าน"
        )
    fair = close_window(fair)

    _log_in(phone, "suda")
    phone.goto(reverse("fairs:draw", args=[fair.pk]))
    phone.get_by_role("button", name=re.compile("ปิดรายชื่อ")).click()
    phone.wait_for_load_state()
    fair.refresh_from_db()
    list_hash = fair.frozen_list.list_hash
    assert list_hash in phone.locator("main").inner_text().replace("\n", "").replace(" ", "")
    phone.locator("textarea[name=text]").fill(SOURCE)
    phone.locator(f"form[action='{reverse('fairs:source_enter', args=[fair.pk])}'] button").click()
    phone.wait_for_load_state()

    _log_in(phone, "prasit")  # the second person types the results again
    phone.goto(reverse("fairs:draw", args=[fair.pk]))
    phone.locator("textarea[name=retyped]").fill(SOURCE)
    phone.locator("form[action*='/confirm/'] button").click()
    phone.wait_for_load_state()

    _log_in(phone, "suda")
    phone.goto(reverse("fairs:draw", args=[fair.pk]))
    phone.locator(f"form[action='{reverse('fairs:draw_run', args=[fair.pk])}'] button").click()
    phone.wait_for_load_state()
    draw = Draw.objects.get(fair=fair, official=True)
    phone.goto(reverse("fairs:draw", args=[fair.pk]))
    phone.locator(f"form[action='{reverse('fairs:draw_publish', args=[draw.pk])}'] button").click()
    phone.wait_for_load_state()
    phone.screenshot(path=screenshots / "fairs-draw.png", full_page=True)
    draw.refresh_from_db()
    assert draw.is_published
    assert Holding.objects.filter(fair=fair).count() == 8  # 8 standard booths, 10 applicants

    # Anyone, without logging in, sees the hash, the source, the seed and every line.
    phone.context.clear_cookies()
    phone.goto(reverse("fairs:verify", args=[fair.pk]))
    assert "/accounts/login" not in phone.url
    public = phone.locator("main").inner_text()
    assert draw.seed in public.replace("\n", "").replace(" ", "")
    assert str(len(draw.lines.all())) in public
