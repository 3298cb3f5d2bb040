"""A district committee member registers a producer with a product and a star rating on
a phone."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from members.models import Producer
from tests.factories import PASSWORD, UserFactory, national_id, sa_kaeo_district


def _log_in(phone, username):
    phone.goto(reverse("login"))
    phone.locator("#id_username").fill(username)
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("form button[type=submit]").first.click()
    phone.wait_for_url(re.compile(r"/$"))


def test_a_district_member_registers_a_producer_with_a_product_and_stars(phone, screenshots):
    UserFactory(username="somsri", district=sa_kaeo_district("2701"))
    _log_in(phone, "somsri")

    phone.goto(reverse("members:producer_create"))
    phone.locator("#id_producer-name").fill("กลุ่มสานตะกร้าบ้านท่าเกษม")
    phone.locator("#id_producer-producer_type").select_option("community_group")
    phone.locator("#id_producer-subdistrict").select_option("270106")
    # htmx fills the postal code from the subdistrict
    expect(phone.locator("#id_producer-postal_code")).to_have_value("27000")
    phone.locator("#id_person-title").select_option("นาง")
    phone.locator("#id_person-first_name").fill("มาลี")
    phone.locator("#id_person-last_name").fill("ใจดี")
    phone.locator("#id_person-national_id").fill(national_id(424242))
    phone.locator("#id_person-phone").fill("089-111-2222")
    phone.locator("#id_person-consent_on").fill("๑/๑๑/๒๕๖๘")
    phone.locator("#id_person-role").select_option("chair")
    phone.screenshot(path=str(screenshots / "producer-form.png"), full_page=True)
    phone.get_by_role("button", name="ลงทะเบียน", exact=True).click()

    phone.wait_for_url(re.compile(r"/producers/\d+/$"))
    assert phone.get_by_role("heading", level=1).inner_text().startswith("กลุ่มสานตะกร้าบ้านท่าเกษม")
    phone.get_by_role("link", name="เพิ่มผลิตภัณฑ์").click()
    phone.locator("#id_name").fill("ตะกร้าหวาย")
    phone.locator("#id_category").select_option("decor")
    phone.locator("#id_price").fill("350")
    phone.locator("#id_unit").fill("ใบ")
    phone.get_by_role("button", name="บันทึก").click()

    phone.get_by_role("link", name="เพิ่มผลคัดสรร").click()
    phone.locator("#id_round_year_be").fill("2567")
    phone.locator("#id_stars").select_option("4")
    phone.get_by_role("button", name="บันทึก").click()

    phone.wait_for_url(re.compile(r"/producers/\d+/$"))
    assert phone.get_by_text("ตะกร้าหวาย").is_visible()
    assert phone.get_by_text("ยังไม่ตรวจสอบ").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "producer-page.png"), full_page=True)

    producer = Producer.objects.get(name="กลุ่มสานตะกร้าบ้านท่าเกษม")
    assert producer.postal_code == "27000"
    assert producer.contact_person.consent_on.isoformat() == "2025-11-01"
    rating = producer.products.get().ratings.get()
    assert (rating.stars, rating.is_verified) == (4, False)
