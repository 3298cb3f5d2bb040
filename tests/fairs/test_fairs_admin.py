"""The fairs in Django admin: staff set fairs up there too, but what the draw rests on
is fixed once the list is frozen, a published policy never changes, and the records
the services write (applications, the draw's records, holdings, payments, check-in,
sales) are read only."""

from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from fairs.models import (
    Application,
    Attendance,
    Booth,
    DailySales,
    Draw,
    DrawLine,
    Fair,
    FrozenEntry,
    FrozenList,
    Holding,
    HoldingState,
    Payment,
    Policy,
    RandomSource,
)
from fairs.services import holdings, setup
from tests.factories import UserFactory
from tests.fairs.builders import drawn_fair, make_fair, publish_policy

pytestmark = pytest.mark.django_db

SERVICE_RECORDS = (
    Application,
    FrozenList,
    FrozenEntry,
    RandomSource,
    Draw,
    DrawLine,
    Holding,
    Payment,
    Attendance,
    DailySales,
)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _admin_url(model, action, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


@pytest.fixture
def drawn(staff):
    """A fair drawn and published, one food booth paid (which accepts it), and on the
    fair's first day that booth checked in and its sales entered."""
    fair, draw = drawn_fair(by=staff, second=UserFactory(staff=True, username="second"))
    food = Holding.objects.filter(fair=fair, fee__gt=0).first()
    holdings.payment_record(holding=food, by=staff, amount=Decimal("300"), method="cash")
    evening = timezone.make_aware(datetime.combine(fair.starts_on, time(18)))
    with time_machine.travel(evening, tick=False):
        holdings.attendance_record(holding=food, day=fair.starts_on, present=True, by=staff)
        holdings.sales_record(holding=food, day=fair.starts_on, amount=Decimal("2150"), by=staff)
    return fair, draw


def test_every_fairs_changelist_and_add_page_opens_for_staff(client, staff, drawn):
    client.force_login(staff)
    fairs_models = [m for m in admin.site._registry if m._meta.app_label == "fairs"]
    assert len(fairs_models) == 14  # zones, booth types, quotas: inlines
    for model in fairs_models:
        changelist = _admin_url(model, "changelist")
        assert client.get(changelist).status_code == 200, changelist
        first = model.objects.first()
        if first is not None:
            change = _admin_url(model, "change", first.pk)
            assert client.get(change).status_code == 200, change
        if admin.site._registry[model].has_add_permission(_request(staff)):
            add = _admin_url(model, "add")
            assert client.get(add).status_code == 200, add


def test_what_the_services_write_is_read_only(client, staff, drawn):
    request = _request(staff)
    client.force_login(staff)
    for model in SERVICE_RECORDS:
        model_admin = admin.site._registry[model]
        obj = model.objects.first()
        assert obj is not None, model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request, obj), model
        assert not model_admin.has_delete_permission(request, obj), model
        assert client.get(_admin_url(model, "delete", obj.pk)).status_code == 403, model


def test_a_published_policy_is_read_only_and_a_draft_can_be_edited(client, staff):
    fair = make_fair()
    published = publish_policy(fair, staff)
    model_admin = admin.site._registry[Policy]
    assert not model_admin.has_change_permission(_request(staff), published)
    draft = setup.policy_new_version(fair=fair, by=staff)
    assert model_admin.has_change_permission(_request(staff), draft)
    client.force_login(staff)
    page = client.get(_admin_url(Policy, "change", published.pk))
    assert page.context["has_change_permission"] is False
    page = client.get(_admin_url(Policy, "change", draft.pk))
    assert page.context["has_change_permission"] is True


def test_the_booths_of_a_frozen_fair_no_longer_change(client, staff, drawn):
    fair, _draw = drawn
    booth = fair.booths.first()
    model_admin = admin.site._registry[Booth]
    assert not model_admin.has_change_permission(_request(staff), booth)
    assert not model_admin.has_delete_permission(_request(staff), booth)
    open_fair = make_fair(name="งานใหม่", series=fair.series, opens=fair.starts_on)
    free = open_fair.booths.first()
    assert model_admin.has_change_permission(_request(staff), free)
    assert model_admin.has_delete_permission(_request(staff), free)
    client.force_login(staff)
    page = client.get(_admin_url(Fair, "change", fair.pk))
    assert "applications_close_on" not in page.context["adminform"].form.fields


def test_a_holding_shows_its_state_as_it_is_now(client, staff, drawn):
    fair, _draw = drawn
    client.force_login(staff)
    page = client.get(_admin_url(Holding, "changelist") + f"?fair__id__exact={fair.pk}")
    assert page.status_code == 200
    with translation.override("th"):
        confirmed, offered = str(HoldingState.CONFIRMED.label), str(HoldingState.OFFERED.label)
    content = page.content.decode()
    assert confirmed in content  # the paid food booth
    assert offered in content  # the others
