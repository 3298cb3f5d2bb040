"""Accounts: roles, districts and functions, held by the database too."""

import pytest
from django.db import IntegrityError, InternalError, transaction

from members.models import Function, Role, User
from tests.factories import UserFactory


def test_the_database_refuses_a_district_member_without_a_district(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="x", role=Role.DISTRICT_MEMBER, district=None)])


def test_the_database_refuses_a_district_on_an_officer(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create(
            [User(username="y", role=Role.NETWORK_OFFICER, district_id="2701")]
        )


def test_only_provincial_staff_can_be_superusers(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="z", role=Role.NETWORK_OFFICER, is_superuser=True)])


def test_provincial_staff_are_the_only_staff(staff, officer, district_member):
    assert staff.is_staff
    assert not officer.is_staff
    assert not district_member.is_staff


def test_createsuperuser_makes_provincial_staff(db):
    user = User.objects.create_superuser("root", "a-very-long-password-2568", email="r@x.org")
    assert user.role == Role.PROVINCIAL_STAFF
    assert user.is_staff and user.is_superuser


def test_the_five_functions_exist_as_groups(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(Function.values)


def test_a_function_counts_only_while_the_account_is_active(db):
    user = UserFactory(functions=[Function.EQUIPMENT_APPROVER])
    assert user.has_function(Function.EQUIPMENT_APPROVER)
    assert not user.has_function(Function.FAIR_COMMITTEE)
    user.is_active = False
    assert not user.has_function(Function.EQUIPMENT_APPROVER)


def _events(user):
    from members.models import UserEvent

    return list(UserEvent.objects.filter(pgh_obj=user).order_by("pgh_id"))


def test_changes_to_accounts_are_recorded_by_the_database(district_member, staff):
    district_member.first_name = "เปลี่ยนแล้ว"
    district_member.save()
    events = _events(district_member)
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events[-1].first_name == "เปลี่ยนแล้ว"
    assert not hasattr(events[-1], "password"), "password hashes are not copied into history"


def test_history_rows_cannot_be_changed(district_member):
    from members.models import UserEvent

    event = UserEvent.objects.filter(pgh_obj=district_member).first()
    with pytest.raises(InternalError, match=r"Cannot update"), transaction.atomic():
        UserEvent.objects.filter(pk=event.pk).update(first_name="แก้ประวัติ")


def test_the_user_who_made_a_change_is_recorded(client, staff, district_member):
    from django.urls import reverse

    client.force_login(staff)
    client.post(
        reverse("admin:members_user_changelist"),
        {"action": "deactivate_accounts", "_selected_action": [district_member.pk]},
    )
    event = _events(district_member)[-1]
    assert event.pgh_context.metadata == {"user": staff.pk, "url": "/admin/members/user/"}
    assert event.is_active is False
