"""The savings admin: the policy and the chart are kept there; the books are read-only,
a policy version in effect cannot be changed, and nothing can be deleted."""

from decimal import Decimal

import pytest
from django.urls import reverse

from savings import services
from savings.models import Account, GroupPolicy
from tests.savings.conftest import JOINED

pytestmark = pytest.mark.django_db


def test_the_books_are_read_only_in_the_admin(client, staff, treasurer, saver):
    entry = services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    client.force_login(staff)
    page = client.get(reverse("admin:savings_journalentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert (
        client.get(reverse("admin:savings_journalentry_delete", args=[entry.pk])).status_code == 403
    )
    listing = client.get(reverse("admin:savings_journalentry_changelist")).content.decode()
    assert entry.number in listing


def test_a_policy_in_effect_is_read_only_and_a_new_version_can_be_added(client, staff):
    policy = GroupPolicy.objects.get(version=1)
    client.force_login(staff)
    page = client.get(reverse("admin:savings_grouppolicy_change", args=[policy.pk]))
    assert page.context["has_change_permission"] is False
    assert client.get(reverse("admin:savings_grouppolicy_add")).status_code == 200


def test_staff_add_a_bank_account_to_the_chart(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:savings_account_add"),
        {
            "code": "1112",
            "name": "เงินฝากธนาคาร ธ.ก.ส. สาขาสระแก้ว",
            "name_en": "",
            "kind": "asset",
            "is_bank": "on",
            "bank_name": "ธ.ก.ส.",
            "bank_number": "020-1-23456-7",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Account.objects.get(code="1112").is_bank
