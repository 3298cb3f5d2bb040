"""A district committee member on a phone: log in in Thai, see the district, switch to
English, and find another district's page closed to them."""

import re

from django.urls import reverse

from tests.conftest import OTHER_DISTRICT
from tests.factories import PASSWORD, UserFactory, sa_kaeo_district


def test_a_district_member_logs_in_on_a_phone_and_stays_in_their_district(phone, screenshots):
    UserFactory(username="somchai", first_name="สมชาย", district=sa_kaeo_district("2701"))

    phone.goto(reverse("login"))
    assert phone.locator("html").get_attribute("lang") == "th"
    phone.get_by_label(re.compile("ชื่อผู้ใช้")).fill("somchai")
    phone.get_by_label(re.compile("รหัสผ่าน")).fill(PASSWORD)
    phone.locator("form button[type=submit]").first.click()

    phone.wait_for_url(re.compile(r"/$"))
    assert phone.get_by_role("heading", level=1).inner_text().endswith("สมชาย")
    main = phone.locator("main")
    assert main.get_by_text("เมืองสระแก้ว").first.is_visible()
    assert phone.get_by_role("cell", name="บ้านแก้ง").is_visible()
    phone.screenshot(path=str(screenshots / "home-th.png"), full_page=True)
    # nothing wider than the phone's screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert main.get_by_text("Mueang Sa Kaeo").first.is_visible()
    phone.screenshot(path=str(screenshots / "home-en.png"), full_page=True)

    response = phone.goto(reverse("members:district_detail", args=[OTHER_DISTRICT]))
    assert response.status == 404
    assert "Aranyaprathet" not in phone.content()


def test_the_login_page_switches_to_english_before_logging_in(phone):
    phone.goto(reverse("login"))
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Log in").is_visible()
