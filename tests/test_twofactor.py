"""The second factor: provincial staff and the money functions may (and, with
OTP_REQUIRED, must) log in with a code from an authenticator app, with recovery codes."""

import logging
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from members.models import Function
from otop_portal.twofactor import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def treasurer(db):
    return UserFactory(username="treasurer", functions=[Function.SAVINGS_TREASURER])


def _code(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def _device_for(user):
    """A confirmed authenticator and its recovery codes, as set-up leaves them."""
    key = random_hex(20)
    device, codes = services.second_factor_confirm(user=user, key_hex=key, code=_code(key))
    return device, codes


def _next_step(clock):
    clock.shift(timedelta(seconds=31))  # a code is good once: the next one is 30 s on


def _page(response) -> str:
    return response.content.decode()


# --- who may use it ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "eligible"),
    [
        ({"staff": True}, True),
        ({"functions": [Function.SAVINGS_TREASURER]}, True),
        ({"functions": [Function.LOAN_COMMITTEE]}, True),
        ({"functions": [Function.AUDIT_COMMITTEE]}, True),
        ({"functions": [Function.EQUIPMENT_APPROVER]}, False),
        ({"officer": True}, False),
        ({}, False),
    ],
)
def test_staff_and_the_money_functions_may_use_a_second_factor(kind, eligible):
    assert UserFactory(**kind).second_factor_eligible is eligible


def test_the_menu_links_to_the_second_factor_for_those_who_may_use_it(
    client, staff, district_member
):
    link = reverse("twofactor:overview")
    client.force_login(staff)
    assert link in _page(client.get(reverse("home")))
    client.force_login(district_member)
    assert link not in _page(client.get(reverse("home")))
    assert client.get(link).status_code == 403


# --- setting it up ---------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_in_groups_of_four(client, staff):
    client.force_login(staff)
    page = _page(client.get(reverse("twofactor:setup")))
    assert '<img src="data:image/svg+xml;base64,' in page
    key = client.session["twofactor_pending_key"]
    from base64 import b32encode

    secret = b32encode(bytes.fromhex(key)).decode()
    assert f">{secret[:4]}</span>" in page and f">{secret[-4:]}</span>" in page
    assert not TOTPDevice.objects.exists()  # nothing counts before it is confirmed


def test_a_wrong_code_at_set_up_is_refused_in_thai_and_saves_nothing(client, staff):
    client.force_login(staff)
    client.get(reverse("twofactor:setup"))
    key = client.session["twofactor_pending_key"]
    wrong = f"{(int(_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("twofactor:setup"), {"code": wrong})
    assert response.status_code == 200
    assert "รหัสไม่ถูกต้อง" in _page(response)
    assert not TOTPDevice.objects.exists()


def test_setting_up_confirms_the_device_and_shows_ten_recovery_codes_once(client, staff, clock):
    client.force_login(staff)
    client.get(reverse("twofactor:setup"))
    key = client.session["twofactor_pending_key"]
    response = client.post(reverse("twofactor:setup"), {"code": _code(key)}, follow=True)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.key == key
    codes = response.context["codes"]
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert codes[0] in _page(response)
    again = client.get(reverse("twofactor:codes"))
    assert again.status_code == 302  # shown once
    overview = _page(client.get(reverse("twofactor:overview")))
    assert "เปิดการยืนยันตัวตนขั้นที่สองอยู่" in overview
    assert "รหัสสำรองเหลือ 10 รหัส" in overview


def test_a_head_request_does_not_take_the_recovery_codes_away(client, staff, clock):
    """A link preview (HEAD) must not use up the one showing of the new codes."""
    client.force_login(staff)
    client.get(reverse("twofactor:setup"))
    key = client.session["twofactor_pending_key"]
    client.post(reverse("twofactor:setup"), {"code": _code(key)})
    assert client.head(reverse("twofactor:codes")).status_code == 405
    shown = client.get(reverse("twofactor:codes"))
    assert shown.status_code == 200 and len(shown.context["codes"]) == 10


# --- logging in with it -----------------------------------------------------------------


def test_after_the_password_a_user_with_a_device_is_sent_to_the_code_page(client, treasurer, clock):
    device, _codes = _device_for(treasurer)
    client.force_login(treasurer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('twofactor:verify')}?next={quote('/', safe='')}"
    _next_step(clock)
    response = client.post(reverse("twofactor:verify"), {"token": _code(device.key), "next": "/"})
    assert response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_the_admin_asks_for_the_code_too(client, staff, clock):
    _device_for(staff)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:verify"))


@pytest.mark.parametrize("name", ["about", "health", "twofactor:verify"])
def test_some_pages_stay_open_before_the_code(client, treasurer, name):
    _device_for(treasurer)
    client.force_login(treasurer)
    assert client.get(reverse(name)).status_code == 200


def test_logging_out_and_switching_language_need_no_code(client, treasurer):
    _device_for(treasurer)
    client.force_login(treasurer)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/about/"})[
        "Location"
    ] == ("/about/")
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_htmx_requests_get_a_client_redirect(client, treasurer):
    _device_for(treasurer)
    client.force_login(treasurer)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("twofactor:verify"))


@pytest.mark.parametrize(
    ("current", "next_"),
    [
        ("http://testserver/fairs/?page=2", "/fairs/?page=2"),
        ("http://testserver", "/"),
        ("https://evil.example/fairs/", None),
    ],
)
def test_htmx_requests_come_back_to_the_browsers_page_after_the_code(
    client, treasurer, clock, current, next_
):
    """HX-Current-URL is absolute: the code page gets its path and query (on this site
    only), which it accepts as next."""
    device, _codes = _device_for(treasurer)
    client.force_login(treasurer)
    response = client.get(
        reverse("home"), headers={"HX-Request": "true", "HX-Current-URL": current}
    )
    verify_url = response["HX-Redirect"]
    expected = reverse("twofactor:verify")
    if next_ is not None:
        expected += f"?next={quote(next_, safe='')}"
    assert verify_url == expected
    _next_step(clock)
    response = client.post(verify_url, {"token": _code(device.key)})
    assert response["Location"] == (next_ or reverse("home"))


def test_a_wrong_code_is_refused_in_thai_and_repeated_ones_must_wait(client, treasurer, clock):
    device, _codes = _device_for(treasurer)
    client.force_login(treasurer)
    _next_step(clock)
    good = _code(device.key)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("twofactor:verify"), {"token": wrong})
    assert "รหัสไม่ถูกต้อง" in _page(response)
    # at once, even the right code waits: django-otp's throttling
    response = client.post(reverse("twofactor:verify"), {"token": good})
    assert response.status_code == 200
    assert "ใส่รหัสผิดหลายครั้งเกินไป กรุณารอ 1 วินาที" in _page(response)
    assert not client.session.get("otp_device_id")
    clock.shift(timedelta(seconds=2))
    assert client.post(reverse("twofactor:verify"), {"token": good}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_logs_in_once(client, treasurer, clock):
    _device, codes = _device_for(treasurer)
    client.force_login(treasurer)
    response = client.post(reverse("twofactor:verify"), {"token": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "เหลืออีก 9 รหัส" in _page(response)
    client.logout()
    client.force_login(treasurer)
    response = client.post(reverse("twofactor:verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert "รหัสไม่ถูกต้อง" in _page(response)


@pytest.mark.parametrize("next_", ["438", "home", "//evil.example/", "https://evil.example/"])
def test_after_the_code_an_odd_next_goes_home_not_to_a_server_error(
    client, treasurer, clock, next_
):
    device, _codes = _device_for(treasurer)
    _next_step(clock)
    client.force_login(treasurer)
    response = client.post(
        reverse("twofactor:verify"), {"token": _code(device.bin_key.hex()), "next": next_}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- when it is required --------------------------------------------------------------


def test_with_otp_required_an_eligible_user_without_a_device_is_sent_to_set_up(
    client, staff, district_member, settings
):
    settings.OTP_REQUIRED = True
    client.force_login(staff)
    response = client.get(reverse("members:producer_list"))
    assert response["Location"].startswith(reverse("twofactor:setup"))
    assert client.get(reverse("twofactor:setup")).status_code == 200
    client.force_login(district_member)  # no money function: untouched
    assert client.get(reverse("members:producer_list")).status_code == 200


def test_with_otp_required_it_cannot_be_turned_off(client, treasurer, settings, clock):
    settings.OTP_REQUIRED = True
    device, _codes = _device_for(treasurer)
    client.force_login(treasurer)
    _next_step(clock)
    client.post(reverse("twofactor:verify"), {"token": _code(device.key)})
    assert "ปิดไม่ได้" in _page(client.get(reverse("twofactor:disable")))
    _next_step(clock)
    client.post(reverse("twofactor:disable"), {"code": _code(device.key)})
    assert TOTPDevice.objects.filter(user=treasurer).exists()


def test_losing_eligibility_locks_nobody_out(client, treasurer, settings):
    settings.OTP_REQUIRED = True
    _device_for(treasurer)
    treasurer.groups.clear()
    client.force_login(treasurer)
    assert client.get(reverse("home")).status_code == 200  # no code asked any more
    page = _page(client.get(reverse("twofactor:overview")))
    assert reverse("twofactor:disable") in page  # and it can still be turned off


# --- new recovery codes, turning it off ----------------------------------------------------


def _verified(client, user, device, clock):
    client.force_login(user)
    _next_step(clock)
    client.post(reverse("twofactor:verify"), {"token": _code(device.key)})


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(client, treasurer, clock):
    device, old = _device_for(treasurer)
    _verified(client, treasurer, device, clock)
    refused = client.post(reverse("twofactor:regenerate"), {"code": "000000"})
    assert refused.status_code == 200
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)
    clock.shift(timedelta(seconds=31))
    response = client.post(
        reverse("twofactor:regenerate"), {"code": _code(device.key)}, follow=True
    )
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_turning_it_off_needs_a_code(client, treasurer, clock):
    device, _codes = _device_for(treasurer)
    _verified(client, treasurer, device, clock)
    client.post(reverse("twofactor:disable"), {"code": "12"})
    assert TOTPDevice.objects.filter(user=treasurer).exists()
    clock.shift(timedelta(seconds=31))
    response = client.post(reverse("twofactor:disable"), {"code": _code(device.key)})
    assert response["Location"] == reverse("twofactor:overview")
    assert not TOTPDevice.objects.filter(user=treasurer).exists()
    assert not StaticToken.objects.exists()
    assert client.get(reverse("home")).status_code == 200


# --- the admin ---------------------------------------------------------------------------


def test_staff_see_who_has_a_second_factor_and_remove_it_for_a_lost_phone(
    client, staff, treasurer, district_member, caplog
):
    _device_for(treasurer)
    client.force_login(staff)
    changelist = reverse("admin:members_user_changelist")
    response = client.get(changelist)
    rows = {user.username: user.has_second_factor for user in response.context["cl"].result_list}
    assert rows["treasurer"] is True and rows["member"] is False
    with caplog.at_level(logging.WARNING, logger="otop_portal.twofactor.services"):
        response = client.post(
            changelist,
            {"action": "remove_second_factor", "_selected_action": [treasurer.pk]},
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=treasurer).exists()
    assert "second factor removed for user treasurer by staff" in caplog.text


def test_the_admin_never_shows_a_devices_secret_key(client, staff, treasurer):
    device, _codes = _device_for(treasurer)
    client.force_login(staff)
    # staff without a device of their own pass; a second factor of staff is tested above
    page = _page(client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])))
    assert device.key not in page
