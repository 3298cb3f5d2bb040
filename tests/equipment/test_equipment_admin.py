"""The equipment admin: every page loads for staff, dates are B.E., the settings are
one row, and what the rules guard (bookings, loans, overrides) is read-only."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from equipment.models import Booking, LendingSettings, Loan, NonWorkingDay, RuleOverride
from tests.equipment.matrix_care import _loan, suspension, ticket


@pytest.fixture
def records(request, staff):
    """A loan (with its booking), a ticket and a suspension, so that lists have rows."""
    loan = _loan(request)
    ticket(request)
    suspension(request)
    return loan


def test_every_equipment_page_loads_for_staff(client, staff, records):
    client.force_login(staff)
    for model in admin.site._registry:
        if model._meta.app_label != "equipment":
            continue
        opts = model._meta
        changelist = reverse(f"admin:equipment_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        row = model.objects.first()
        if row is not None:
            change = reverse(f"admin:equipment_{opts.model_name}_change", args=[row.pk])
            assert client.get(change).status_code == 200, change


def test_bookings_loans_and_overrides_are_read_only(client, staff, records):
    client.force_login(staff)
    for model in (Booking, Loan, RuleOverride):
        model_admin = admin.site._registry[model]
        request = client.get("/").wsgi_request
        request.user = staff
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    page = client.get(reverse("admin:equipment_booking_change", args=[records.booking.pk]))
    assert 'name="status"' not in page.content.decode()


def test_the_booking_list_filters_by_status_kind_and_type(client, staff, records):
    client.force_login(staff)
    url = reverse("admin:equipment_booking_changelist")
    response = client.get(url, {"status__exact": "checked_out", "kind__exact": "loan"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    type_id = records.unit.equipment_type_id
    response = client.get(url, {"unit__equipment_type__id__exact": type_id, "status__exact": "x"})
    assert response.status_code == 200


def test_the_lending_settings_are_one_row_never_deleted(client, staff):
    client.force_login(staff)
    LendingSettings.current()
    assert client.get(reverse("admin:equipment_lendingsettings_add")).status_code == 403
    delete = reverse("admin:equipment_lendingsettings_delete", args=[1])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LendingSettings.objects.count() == 1


def test_staff_add_an_office_closure_with_a_buddhist_era_date(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:equipment_nonworkingday_add"),
        {"on": "15/06/2570", "name": "ปิดสำนักงาน: สัมมนา", "kind": "closure"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NonWorkingDay.objects.get().on == date(2027, 6, 15)
    page = client.get(reverse("admin:equipment_nonworkingday_changelist")).content.decode()
    assert "15 มิ.ย. 70" in page
