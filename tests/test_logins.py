"""Logins: the lockout after failed logins (login page and admin), the password reset
throttle, the password rules and idle sessions."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from members.models import Function
from members.models.accounts import PasswordResetRequest
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ใหม่-รหัสผ่าน-2568"


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _fail(client, settings, url_name="login", username="member", times=None):
    for _attempt in range(times if times is not None else settings.AXES_FAILURE_LIMIT):
        client.post(reverse(url_name), {"username": username, "password": "wrong"})


def _log_in(client, url_name="login", username="member", password=PASSWORD):
    return client.post(reverse(url_name), {"username": username, "password": password})


# --- lockout after failed logins ---------------------------------------------------------


def test_the_lockout_answers_with_the_thai_429_page(client, district_member, settings):
    _fail(client, settings)
    response = _log_in(client)
    assert response.status_code == 429
    assert response["Content-Language"] == "th"
    page = response.content.decode()
    assert "บัญชีนี้ถูกล็อกเป็นเวลา 15 นาที" in page
    assert reverse("password_reset") in page


def test_the_lockout_covers_the_admin_login_too(client, staff, settings):
    _fail(client, settings, "admin:login", username="staff")
    response = _log_in(client, "admin:login", username="staff")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # and the same username is locked on the portal's own login page
    assert _log_in(client, username="staff").status_code == 429


def test_a_successful_login_resets_the_count(client, district_member, settings):
    _fail(client, settings, times=settings.AXES_FAILURE_LIMIT - 1)
    assert _log_in(client).status_code == 302
    client.post(reverse("logout"))
    _fail(client, settings, times=settings.AXES_FAILURE_LIMIT - 1)
    assert _log_in(client).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, district_member, settings, clock):
    _fail(client, settings)
    clock.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    # still locked; and (as django-axes counts it) this try starts the cool-off again
    assert _log_in(client).status_code == 429
    clock.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert _log_in(client).status_code == 302


# --- the password reset --------------------------------------------------------------------


def _reset(client, email="member@example.org", address="192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_the_reset_form_answers_five_times_an_hour_from_one_address(client, district_member):
    for n in range(5):
        assert _reset(client, email=f"someone{n}@example.org").status_code == 302
    response = _reset(client, email="member@example.org")
    assert response.status_code == 429
    assert "ขอตั้งรหัสผ่านใหม่ได้ไม่เกิน 5 ครั้งต่อชั่วโมง" in response.content.decode()
    assert not mail.outbox  # the refused request sent nothing
    assert _reset(client, address="192.0.2.2").status_code == 302  # another address may
    assert len(mail.outbox) == 1


def test_the_reset_form_answers_five_times_an_hour_for_one_email(client, district_member):
    for n in range(5):
        assert _reset(client, address=f"192.0.2.{n + 10}").status_code == 302
    assert len(mail.outbox) == 5
    assert _reset(client, address="198.51.100.7").status_code == 429
    assert len(mail.outbox) == 5
    assert _reset(client, email="other@example.org", address="198.51.100.7").status_code == 302


def test_the_reset_limit_lifts_after_an_hour_and_old_requests_are_deleted(
    client, district_member, clock
):
    for _n in range(5):
        _reset(client)
    assert _reset(client).status_code == 429
    clock.shift(timedelta(hours=1, minutes=1))
    assert _reset(client).status_code == 302
    clock.shift(timedelta(hours=3))
    _reset(client)
    assert PasswordResetRequest.objects.count() == 1


def test_the_reset_counts_keep_no_email_address(client, district_member):
    _reset(client)
    request = PasswordResetRequest.objects.get()
    assert request.address == "192.0.2.1"
    assert "member" not in request.email_hash and len(request.email_hash) == 64


def _set_password_through_the_link(client, user, password=NEW_PASSWORD):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_url = client.get(reverse("password_reset_confirm", args=[uid, token]))["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_completed_password_reset_lifts_the_lockout(client, district_member, settings):
    _fail(client, settings)
    assert _log_in(client).status_code == 429
    response = _set_password_through_the_link(client, district_member)
    assert response["Location"] == reverse("password_reset_complete")
    assert not AccessAttempt.objects.filter(username="member").exists()
    assert _log_in(client, password=NEW_PASSWORD).status_code == 302


def test_the_reset_link_refuses_a_weak_password(client, district_member):
    response = _set_password_through_the_link(client, district_member, "abcdefgh2568")
    assert response.status_code == 200
    assert "ตัวอักษรเรียงกันหรือซ้ำกัน" in response.content.decode()


# --- password rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abababababab",
        "1234567890ab",
        "qwertyuiop12",
        "my-pass-98765-x",
        "กขฃคฅ-2568",
    ],
)
def test_runs_and_too_few_characters_are_refused(password, district_member):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, district_member)
    assert any(
        "ตัวอักษรเรียงกันหรือซ้ำกัน" in m or "แตกต่างกันน้อยเกินไป" in m for m in refused.value.messages
    )


@pytest.mark.parametrize(
    "password", [NEW_PASSWORD, "correct-horse-battery-staple", "Somchai-2568-kaeo"]
)
def test_ordinary_passphrases_pass(password, district_member):
    validate_password(password, district_member)


@pytest.mark.parametrize(
    ("kind", "needs_twelve"),
    [
        ({"staff": True}, True),
        ({"functions": [Function.LOAN_COMMITTEE]}, True),
        ({"officer": True}, False),
        ({}, False),
    ],
)
def test_staff_and_the_money_functions_need_twelve_characters(kind, needs_twelve):
    user = UserFactory(**kind)
    eleven = "Kr8#mZp2Lq!"
    if needs_twelve:
        with pytest.raises(ValidationError, match="อย่างน้อย 12 ตัวอักษร"):
            validate_password(eleven, user)
    else:
        validate_password(eleven, user)
    validate_password(eleven + "w", user)


def test_the_password_change_page_applies_the_rules_and_explains_them(client, staff):
    client.force_login(staff)
    page = client.get(reverse("password_change")).content.decode()
    assert "ตัวอักษรที่แตกต่างกันอย่างน้อย 5 ตัว" in page
    assert "อย่างน้อย 12 ตัวอักษร" in page
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Kr8#mZp2Lq!", "new_password2": "Kr8#mZp2Lq!"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_admin_applies_the_rules_to_new_staff_accounts(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_user_add"),
        {
            "username": "newstaff",
            "password1": "Kr8#mZp2Lq!",
            "password2": "Kr8#mZp2Lq!",
            "role": "provincial_staff",
        },
    )
    assert response.status_code == 200
    assert "อย่างน้อย 12 ตัวอักษร" in response.content.decode()


def test_the_admin_applies_the_rules_when_staff_set_a_password(client, staff, district_member):
    client.force_login(staff)
    url = reverse("admin:auth_user_password_change", args=[district_member.pk])
    url = url.replace("auth/user", "members/user")
    response = client.post(url, {"password1": "aaaaaaaaaaaa", "password2": "aaaaaaaaaaaa"})
    assert response.status_code == 200
    district_member.refresh_from_db()
    assert district_member.check_password(PASSWORD)


# --- idle sessions -------------------------------------------------------------------------


def test_an_idle_session_is_logged_out_with_a_thai_message(client, district_member, clock):
    client.force_login(district_member)
    assert client.get(reverse("home")).status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "ไม่มีการใช้งานนานเกินกำหนด" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(client, district_member, clock):
    client.force_login(district_member)
    for _step in range(4):
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("home")).status_code == 200


def test_the_last_activity_is_written_at_most_once_a_minute(client, district_member, clock):
    client.force_login(district_member)
    client.get(reverse("home"))
    first = client.session["last_activity"]
    clock.shift(timedelta(seconds=50))
    client.get(reverse("home"))
    assert client.session["last_activity"] == first
    clock.shift(timedelta(seconds=20))
    client.get(reverse("home"))
    assert client.session["last_activity"] == first + 70


def test_an_idle_htmx_request_is_sent_to_the_login_page(client, district_member, clock):
    client.force_login(district_member)
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("login")


def test_the_idle_limit_is_a_setting_and_the_absolute_limit_stays(
    client, district_member, clock, settings
):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(district_member)
    clock.shift(timedelta(minutes=6))
    assert client.get(reverse("home")).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_an_active_session_still_ends_eight_hours_after_the_login(client, district_member, clock):
    """Every write of the last activity sends the cookie again with a new expiry: the
    absolute limit counts from the login, however active the session is."""
    client.force_login(district_member)
    for _step in range(47):  # a page every 10 minutes up to 7 h 50 min
        clock.shift(timedelta(minutes=10))
        assert client.get(reverse("home")).status_code == 200
    clock.shift(timedelta(minutes=10))  # 8 h after the login
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "ครบเวลาการเข้าสู่ระบบ 8 ชั่วโมงแล้ว" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_records_its_time_and_a_new_login_starts_the_limit_again(
    client, district_member, clock
):
    assert _log_in(client).status_code == 302
    assert client.session["logged_in_at"] == client.session["last_activity"]
    clock.shift(timedelta(hours=8))
    assert client.get(reverse("home")).status_code == 302  # ended
    assert _log_in(client).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_an_htmx_request_past_the_absolute_limit_is_sent_to_the_login_page(
    client, district_member, clock
):
    client.force_login(district_member)
    for _step in range(15):  # up to 7 h 30 min
        clock.shift(timedelta(minutes=30))
        assert client.get(reverse("home")).status_code == 200
    clock.shift(timedelta(minutes=30))
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("login")
