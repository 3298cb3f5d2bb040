"""The Thai-first shell: home pages per persona, language, passwords, lockout, health."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import PASSWORD


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_district_member_lands_on_their_district_in_thai(client, district_member):
    client.force_login(district_member)
    page = _page(client, reverse("home"))
    assert '<html lang="th">' in page
    assert "เมืองสระแก้ว" in page
    assert "บ้านแก้ง" in page  # one of its subdistricts
    assert "อรัญประเทศ" not in page  # nothing of another district


def test_staff_and_officers_see_every_district_of_the_province(client, officer):
    client.force_login(officer)
    page = _page(client, reverse("home"))
    for name in ["เมืองสระแก้ว", "คลองหาด", "อรัญประเทศ", "วังสมบูรณ์"]:
        assert name in page
    assert reverse("members:district_detail", args=[OTHER_DISTRICT]) in page


def test_a_district_page_shows_its_subdistricts(client, district_member):
    client.force_login(district_member)
    page = _page(client, reverse("members:district_detail", args=[OWN_DISTRICT]))
    assert page.count("<tr>") == 1 + 8  # header and the 8 subdistricts of Mueang Sa Kaeo
    assert "27000" in page


def test_another_districts_page_is_not_found(client, district_member):
    client.force_login(district_member)
    url = reverse("members:district_detail", args=[OTHER_DISTRICT])
    assert client.get(url).status_code == 404


def test_the_login_page_is_thai_and_can_switch_to_english(client, db):
    page = _page(client, reverse("login"))
    assert '<html lang="th">' in page
    assert 'name="language" value="en"' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = _page(client, reverse("login"))
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_a_member_can_switch_to_english_and_back(client, district_member):
    client.force_login(district_member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Mueang Sa Kaeo" in _page(client, reverse("home"))
    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert "เมืองสระแก้ว" in _page(client, reverse("home"))


def test_a_member_changes_their_own_password(client, district_member):
    client.force_login(district_member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "ใหม่-รหัสผ่าน-2568",
            "new_password2": "ใหม่-รหัสผ่าน-2568",
        },
    )
    assert response.status_code == 302
    district_member.refresh_from_db()
    assert district_member.check_password("ใหม่-รหัสผ่าน-2568")


def test_a_wrong_old_password_is_refused_with_a_message(client, district_member):
    client.force_login(district_member)
    with translation.override("th"):
        response = client.post(
            reverse("password_change"),
            {
                "old_password": "wrong",
                "new_password1": "x-new-password-2568",
                "new_password2": "x-new-password-2568",
            },
        )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    district_member.refresh_from_db()
    assert district_member.check_password(PASSWORD)


def test_logging_in_lands_on_the_home_page(client, district_member):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_failed_logins_lock_the_account_with_a_thai_message(
    client, district_member, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "member", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "บัญชีนี้ถูกล็อกเป็นเวลา 15 นาที" in page
    assert "_auth_user_id" not in client.session


def test_the_health_check_reports_the_database(client, db):
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_about_page_credits_the_geography_data(client, db):
    page = _page(client, reverse("about"))
    assert "GeoThai" in page
    assert "CC BY 4.0" in page


@pytest.mark.parametrize("name", ["login", "about", "password_reset"])
def test_public_pages_carry_a_strict_content_security_policy(client, db, name):
    response = client.get(reverse(name))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_has_inline_script_or_style(client, staff):
    """The CSP would block them; this finds them before a browser does."""
    client.force_login(staff)
    urls = [
        reverse("home"),
        reverse("about"),
        reverse("members:account_list"),
        reverse("members:district_detail", args=[OWN_DISTRICT]),
        reverse("password_change"),
    ]
    for url in urls:
        page = _page(client, url)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"<style", page), url
        assert not re.search(r"\son[a-z]+=", page), url


def test_thai_is_shown_even_to_a_browser_that_asks_for_english(client, district_member):
    client.force_login(district_member)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="th">' in page
    assert "อำเภอของคุณ" in page


def test_the_chosen_language_is_kept_in_a_cookie(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()
