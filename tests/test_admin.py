"""Django admin is for provincial staff only; there they manage accounts."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from members.models import Function, Role, User
from tests.conftest import OWN_DISTRICT


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("district_member", False),
        ("other_district_member", False),
        ("officer", False),
        ("staff", True),
    ],
)
def test_admin_turns_away_everyone_but_provincial_staff(request, client, db, persona, allowed):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("admin:members_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_deactivated_staff_member_cannot_use_the_admin(client, staff):
    staff.is_active = False
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302


def test_every_admin_changelist_and_add_page_loads_for_staff(client, staff):
    client.force_login(staff)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(_request_for(staff)):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_staff_create_a_district_member_with_a_function(client, staff):
    client.force_login(staff)
    treasurer = Group.objects.get(name=Function.SAVINGS_TREASURER)
    response = client.post(
        reverse("admin:members_user_add"),
        {
            "username": "newmember",
            "password1": "a-long-Thai-password-2568",
            "password2": "a-long-Thai-password-2568",
            "usable_password": "true",
            "first_name": "สมใจ",
            "last_name": "ใฝ่ดี",
            "role": Role.DISTRICT_MEMBER,
            "district": OWN_DISTRICT,
            "groups": [treasurer.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newmember")
    assert user.district_id == OWN_DISTRICT
    assert user.has_function(Function.SAVINGS_TREASURER)
    assert user.check_password("a-long-Thai-password-2568")
    assert not user.is_staff


def test_the_admin_refuses_a_district_member_without_a_district(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_user_add"),
        {
            "username": "nodistrict",
            "password1": "a-long-Thai-password-2568",
            "password2": "a-long-Thai-password-2568",
            "usable_password": "true",
            "role": Role.DISTRICT_MEMBER,
            "district": "",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="nodistrict").exists()
    assert (
        "district" in response.context["adminform"].form.errors.as_text().lower()
        or response.context["adminform"].form.non_field_errors()
    )


def test_staff_deactivate_accounts_with_the_admin_action(client, staff, district_member):
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_user_changelist"),
        {"action": "deactivate_accounts", "_selected_action": [district_member.pk, staff.pk]},
    )
    assert response.status_code == 302
    district_member.refresh_from_db()
    staff.refresh_from_db()
    assert not district_member.is_active
    assert staff.is_active, "staff cannot lock themselves out by accident"


def test_a_deactivated_account_cannot_log_in(client, district_member):
    from tests.factories import PASSWORD

    district_member.is_active = False
    district_member.save()
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_reset_a_password_in_the_admin(client, staff, district_member):
    client.force_login(staff)
    url = reverse("admin:auth_user_password_change", args=[district_member.pk])
    response = client.post(
        url,
        {
            "password1": "brand-new-password-2568",
            "password2": "brand-new-password-2568",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    district_member.refresh_from_db()
    assert district_member.check_password("brand-new-password-2568")


def test_accounts_cannot_be_deleted_only_deactivated(client, staff, district_member):
    client.force_login(staff)
    url = reverse("admin:members_user_delete", args=[district_member.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=district_member.pk).exists()


def test_the_account_page_never_shows_the_password_hash_as_a_field(client, staff, district_member):
    client.force_login(staff)
    page = client.get(reverse("admin:members_user_change", args=[district_member.pk]))
    assert page.status_code == 200
    assert 'name="password"' not in page.content.decode()
    assert 'href="../password/"' in page.content.decode(), "a link to set a new password"


def test_the_admin_shows_dates_in_the_buddhist_era(client, staff, district_member):
    client.force_login(staff)
    page = client.get(reverse("admin:members_user_change", args=[district_member.pk]))
    from django.utils import translation

    from otop_portal.lib.thaidate import format_thai_datetime

    with translation.override("th"):
        shown = format_thai_datetime(district_member.date_joined, short=True)
    assert str(district_member.date_joined.year + 543)[-2:] in shown
    assert shown in page.content.decode()


def test_the_district_choice_offers_only_the_portals_province(client, staff):
    client.force_login(staff)
    form = client.get(reverse("admin:members_user_add")).context["adminform"].form
    codes = {district.code for district in form.fields["district"].queryset}
    assert codes == {f"270{n}" for n in range(1, 10)}
