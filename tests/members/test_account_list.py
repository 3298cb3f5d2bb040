"""The accounts list for provincial staff: filters, pagination, constant queries."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Function
from tests.factories import UserFactory


def _usernames(response) -> list[str]:
    return [account.username for account in response.context["page"]]


def test_staff_filter_accounts_by_role_district_status_and_name(
    client, staff, officer, district_member, other_district_member
):
    client.force_login(staff)
    url = reverse("members:account_list")
    assert _usernames(client.get(url, {"role": "network_officer"})) == ["officer"]
    assert _usernames(client.get(url, {"district": "2706"})) == ["other"]
    other_district_member.is_active = False
    other_district_member.save()
    assert _usernames(client.get(url, {"is_active": "0"})) == ["other"]
    assert _usernames(client.get(url, {"q": "memb"})) == ["member"]


def test_a_district_not_in_the_list_is_refused_not_ignored(client, staff):
    client.force_login(staff)
    response = client.get(reverse("members:account_list"), {"district": "9999"})
    assert response.context["form"].errors["district"]


def test_the_list_takes_the_same_number_of_queries_for_1_or_60_accounts(client, staff):
    client.force_login(staff)
    url = reverse("members:account_list")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    treasurer = Group.objects.get(name=Function.SAVINGS_TREASURER)
    for user in UserFactory.create_batch(60):
        user.groups.add(treasurer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"]) == 50
    assert len(many) == len(one)


def test_the_second_page_keeps_the_filters(client, staff):
    UserFactory.create_batch(55, role="network_officer", district=None)
    client.force_login(staff)
    page = client.get(reverse("members:account_list"), {"role": "network_officer"})
    assert "role=network_officer&amp;page=2" in page.content.decode()
