"""A provincial officer imports a file with one bad row on a phone, sees the reason,
fixes it and imports."""

import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from members.models import Producer
from tests.factories import PASSWORD, UserFactory

DATA = Path(__file__).resolve().parents[1] / "members" / "data"


def _log_in(phone, username):
    phone.goto(reverse("login"))
    phone.locator("#id_username").fill(username)
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("form button[type=submit]").first.click()
    phone.wait_for_url(re.compile(r"/$"))


def _upload(phone, name):
    phone.locator("#id_file").set_input_files(str(DATA / name))
    phone.locator("#upload-file").click()
    phone.wait_for_url(re.compile(r"/producers/import/preview/$"))


def test_staff_fix_a_bad_row_and_import_the_file(phone, screenshots):
    UserFactory(staff=True, username="officer-somchai")
    _log_in(phone, "officer-somchai")

    phone.goto(reverse("members:producer_import"))
    expect(phone.locator("html")).to_have_attribute("lang", "th")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "import-upload.png"), full_page=True)
    _upload(phone, "producers_one_bad_row.csv")

    bad_row = phone.locator("#import-rows tr[data-row='3']")
    expect(bad_row).to_have_attribute("data-action", "error")
    # the reason, in Thai, next to the column it is about
    expect(bad_row).to_contain_text("เลขประจำตัวประชาชน")
    expect(bad_row).to_contain_text("เลขประจำตัวประชาชนไม่ถูกต้อง ตรวจสอบเลขหลักสุดท้าย")
    expect(phone.locator("#import-has-errors")).to_be_visible()
    expect(phone.locator("#confirm-import")).to_have_count(0)
    # the abolished code of row 4 is mapped and flagged
    expect(
        phone.locator("#import-rows tr[data-row='4'] [data-code='abolished_mapped']")
    ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "import-preview-errors.png"), full_page=True)
    assert Producer.objects.count() == 0

    _upload(phone, "producers.csv")
    expect(phone.locator("#import-rows tr[data-action='error']")).to_have_count(0)
    phone.screenshot(path=str(screenshots / "import-preview-ok.png"), full_page=True)
    phone.locator("#confirm-import").click()

    phone.wait_for_url(re.compile(r"/producers/$"))
    expect(phone.get_by_text("กลุ่มทอผ้าบ้านท่าเกษม")).to_be_visible()
    assert sorted(Producer.objects.values_list("name", flat=True)) == [
        "กลุ่มทอผ้าบ้านท่าเกษม",
        "กลุ่มน้ำพริกบ้านเขาฉกรรจ์",
        "ร้านสบู่สมุนไพรวังสมบูรณ์",
    ]
    weavers = Producer.objects.get(cdd_code="SK-2701-001")
    assert weavers.members.count() == 2
    assert weavers.products.count() == 2
