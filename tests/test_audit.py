"""The audit trail (issue 7, point 3): every change in every app, with who, when, which
record and the old and new values, filterable and exportable; every full view of a
national ID. Provincial staff only."""

import csv
import io
from datetime import timedelta

import pgtrigger
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.models import NationalIdView, Producer, Product
from otop_portal.audit import selectors, values
from otop_portal.audit.selectors import EventFilters
from otop_portal.lib.thaidate import format_numeric_date
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import (
    PersonFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    sa_kaeo_district,
)

EVENTS = reverse("audit:events")


def _edit_product(client, product, **changes):
    data = {
        "name": product.name,
        "category": product.category,
        "price": str(product.price),
        "unit": product.unit,
        "monthly_capacity": "",
        "description": product.description,
        "is_active": "on",
        **changes,
    }
    response = client.post(reverse("members:product_edit", args=[product.pk]), data)
    assert response.status_code == 302, response.content[:500]


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _page(client, **params):
    response = client.get(EVENTS, params)
    assert response.status_code == 200
    return response


def _events(client, **params) -> list:
    return _page(client, **params).context["page"].events


def _backdate(model, days: int):
    """Move every history row of `model` `days` back (the rows are append-only)."""
    event_model = model.pgh_event_model
    with pgtrigger.ignore(f"{event_model._meta.label}:append_only"):
        event_model.objects.update(pgh_created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def product(db):
    return ProductFactory(
        producer=ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT)), name="ผ้าขาวม้า"
    )


# --- What the list shows ----------------------------------------------------------------


def test_a_change_made_on_a_page_shows_who_made_it_and_the_old_and_new_values(
    client, staff, district_member, product
):
    client.force_login(district_member)
    _edit_product(client, product, name="ผ้าขาวม้าทอมือ", price="300.00")

    client.force_login(staff)
    response = _page(client, kind="members.product", action="update")
    [event] = response.context["page"].events
    assert event.user == district_member
    assert event.url == reverse("members:product_edit", args=[product.pk])
    assert event.object_text == "ผ้าขาวม้าทอมือ"
    assert event.link == reverse("admin:members_product_change", args=[product.pk])
    changes = {change.field: (change.old, change.new) for change in event.changes}
    assert changes[_label(Product, "name")] == ("ผ้าขาวม้า", "ผ้าขาวม้าทอมือ")
    assert changes[_label(Product, "price")] == ("250.00", "300.00")
    assert _label(Product, "updated_at") not in changes  # bookkeeping, not a change
    assert _label(Product, "name") == "ชื่อผลิตภัณฑ์"  # field names in Thai
    page = response.content.decode()
    assert str(district_member) in page and "ผ้าขาวม้าทอมือ" in page
    assert "ผลิตภัณฑ์" in page  # the model's Thai name


def test_an_addition_lists_its_values_and_a_command_shows_as_the_system(client, staff, product):
    client.force_login(staff)
    [event] = _events(client, kind="members.product", action="insert")
    assert event.user is None and event.who == "ระบบ / คำสั่ง"  # made by a factory
    values = {change.field: change.new for change in event.changes}
    assert values[_label(Product, "name")] == "ผ้าขาวม้า"
    assert values[_label(Product, "category")] == "ผ้าและเครื่องแต่งกาย"  # a choice's label
    assert values[_label(Product, "producer")] == product.producer.name  # a related name
    assert values[_label(Product, "is_active")] == "ใช่"


def test_a_deleted_record_keeps_its_name_and_values_but_loses_its_link(client, staff, product):
    name, pk = product.name, product.pk
    product.delete()
    client.force_login(staff)
    [event] = _events(client, kind="members.product", object_id=str(pk), action="delete")
    assert event.object_text == name
    assert event.link is None
    assert (_label(Product, "name"), name, "") in {(c.field, c.old, c.new) for c in event.changes}


def test_national_ids_never_show_in_the_trail(client, staff):
    person = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(staff)
    page = _page(client, kind="members.person").content.decode()
    assert str(person) in page
    assert person.national_id not in page


def test_a_national_id_value_is_shown_masked():
    field = PersonFactory._meta.model._meta.get_field("national_id")
    assert values.display(field, "1101700203451") == "X-XXXX-XXXXX-45-1"


# --- Filters ------------------------------------------------------------------------------


def test_the_user_filter_keeps_only_that_users_changes(client, staff, district_member, product):
    other = UserFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_member)
    _edit_product(client, product, name="ชื่อของสมาชิก")
    client.force_login(other)
    _edit_product(client, product, name="ชื่อของอีกคน")

    client.force_login(staff)
    mine = _events(client, user=str(district_member.pk))
    assert [e.object_text for e in mine] == ["ชื่อของสมาชิก"]
    theirs = _events(client, user=str(other.pk))
    assert [e.object_text for e in theirs] == ["ชื่อของอีกคน"]
    system = _events(client, user="system")
    assert system and all(e.user is None for e in system)


def test_the_object_filter_keeps_only_that_record(client, staff, product):
    other = ProductFactory(producer=product.producer, name="น้ำพริกเผา")
    client.force_login(staff)
    events = _events(client, kind="members.product", object_id=str(product.pk))
    assert [(e.kind, e.object_id) for e in events] == [("members.product", str(product.pk))]
    assert str(other.pk) not in {e.object_id for e in events}
    assert _events(client, kind="members.product", object_id="not-a-number") == []


def test_the_district_filter_keeps_that_districts_records_and_drops_province_wide_ones(
    client, staff
):
    ours = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="กลุ่มของเรา")
    theirs = ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT), name="กลุ่มของเขา")
    client.force_login(staff)
    events = _events(client, district=OWN_DISTRICT, kind="members.producer")
    assert {e.object_id for e in events} == {str(ours.pk)}
    everything = _events(client, district=OWN_DISTRICT)
    assert str(theirs.pk) not in {e.object_id for e in everything if e.kind == "members.producer"}
    # network settings belong to no district
    assert not any(e.kind == "members.networksettings" for e in everything)
    # a record reached through its producer: a product
    product = ProductFactory(producer=theirs)
    events = _events(client, district=OTHER_DISTRICT, kind="members.product")
    assert {e.object_id for e in events} == {str(product.pk)}


def test_the_date_filter_takes_buddhist_era_dates(client, staff):
    ProducerFactory(name="กลุ่มเก่า")
    _backdate(Producer, days=10)
    ProducerFactory(name="กลุ่มใหม่")
    today = timezone.localdate()
    client.force_login(staff)
    names = {
        e.object_text
        for e in _events(client, kind="members.producer", since=format_numeric_date(today))
    }
    assert names == {"กลุ่มใหม่"}
    old_day = format_numeric_date(today - timedelta(days=10))
    names = {
        e.object_text
        for e in _events(client, kind="members.producer", since=old_day, until=old_day)
    }
    assert names == {"กลุ่มเก่า"}


def test_a_christian_era_year_is_refused_with_a_message(client, staff):
    client.force_login(staff)
    response = _page(client, since="01/01/2025")
    assert "2568" in response.content.decode()  # "did you mean 2568?"
    assert response.context["form"].errors["since"]


def test_the_action_filter_keeps_only_that_action(client, staff, product):
    client.force_login(staff)
    assert {e.action for e in _events(client, action="insert")} == {"insert"}
    product.delete()
    assert {e.action for e in _events(client, action="delete")} == {"delete"}


# --- Pages --------------------------------------------------------------------------------


def test_older_and_newer_pages_walk_the_list_without_repeats(db):
    for number in range(7):
        ProducerFactory(name=f"กลุ่ม {number}")
    filters = EventFilters(kind="members.producer")
    first = selectors.events_page(filters, size=3)
    assert first.newer is None and first.older
    second = selectors.events_page(filters, after=first.older, size=3)
    third = selectors.events_page(filters, after=second.older, size=3)
    seen = [e.object_id + e.action for page in (first, second, third) for e in page.events]
    every = [e.object_id + e.action for e in selectors.EventRows(filters)]
    assert len(every) == len(set(every)) == selectors.count_events(filters)
    assert seen == every[: len(seen)]
    back = selectors.events_page(filters, before=second.newer, size=3)
    assert [e.object_id for e in back.events] == [e.object_id for e in first.events]
    assert back.newer is None
    assert selectors.events_page(filters, after="nonsense~x~1", size=3).newer is None


def test_the_page_takes_the_same_queries_for_one_change_and_many(client, staff):
    ProducerFactory()
    client.force_login(staff)
    _page(client)  # the session and caches
    with CaptureQueriesContext(connection) as one:
        _page(client, kind="members.producer")
    for _ in range(8):
        ProducerFactory()
    with CaptureQueriesContext(connection) as many:
        response = _page(client, kind="members.producer")
    assert len(response.context["page"].events) > 8
    assert len(many) == len(one)


def test_the_whole_list_takes_the_same_queries_for_few_and_many_rows(client, staff):
    ProductFactory(producer=ProducerFactory())
    client.force_login(staff)
    _page(client)
    with CaptureQueriesContext(connection) as few:
        _page(client)
    for _ in range(6):
        ProductFactory(producer=ProducerFactory())
    with CaptureQueriesContext(connection) as many:
        _page(client)
    assert len(many) == len(few)


# --- Exports ------------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_rows_in_thai(client, staff, district_member, product):
    client.force_login(district_member)
    _edit_product(client, product, name="ผ้าขาวม้าทอมือ")
    client.force_login(staff)
    params = {"kind": "members.product"}
    response = client.get(reverse("audit:events_export", args=["csv"]), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert header[:3] == ["เมื่อ", "ผู้ทำ", "ประเภทรายการ"]
    page = _events(client, **params)
    assert [row[3] for row in rows] == [e.object_id for e in page]
    assert [row[5] for row in rows] == ["แก้ไข", "เพิ่ม"]
    assert rows[0][1] == str(district_member)
    assert "ผ้าขาวม้า → ผ้าขาวม้าทอมือ" in rows[0][6]


def test_the_excel_export_holds_the_same_rows(client, staff, product):
    client.force_login(staff)
    response = client.get(reverse("audit:events_export", args=["xlsx"]), {"action": "insert"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "เมื่อ"
    assert len(rows) - 1 == len(selectors.EventRows(EventFilters(action="insert")))
    assert {row[5] for row in rows[1:]} == {"เพิ่ม"}


def test_an_unknown_export_format_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("audit:events_export", args=["pdf"])).status_code == 404


# --- National ID views ----------------------------------------------------------------


def test_a_full_view_of_a_national_id_on_the_person_page_is_listed(client, staff):
    person = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(staff)
    client.get(reverse("members:person_detail", args=[person.pk]))
    response = client.get(reverse("audit:national_id_views"))
    [view] = response.context["page"]
    assert (view.person, view.viewed_by) == (person, staff)
    page = response.content.decode()
    assert str(person) in page and reverse("members:person_detail", args=[person.pk]) in page
    assert person.national_id not in page


def test_national_id_views_filter_by_user_district_and_date(client, staff):
    ours = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    theirs = PersonFactory(district=sa_kaeo_district(OTHER_DISTRICT))
    other_staff = UserFactory(staff=True)
    NationalIdView.objects.create(person=ours, viewed_by=staff, path="/a/")
    NationalIdView.objects.create(person=theirs, viewed_by=other_staff, path="/b/")
    NationalIdView.objects.create(
        person=ours, viewed_by=staff, path="/old/", viewed_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(staff)
    url = reverse("audit:national_id_views")

    def paths(**params):
        return {view.path for view in client.get(url, params).context["page"]}

    assert paths() == {"/a/", "/b/", "/old/"}
    assert paths(user=str(other_staff.pk)) == {"/b/"}
    assert paths(district=OWN_DISTRICT) == {"/a/", "/old/"}
    assert paths(since=format_numeric_date(timezone.localdate())) == {"/a/", "/b/"}


def test_national_id_views_export_in_thai(client, staff):
    person = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    NationalIdView.objects.create(person=person, viewed_by=staff, path="/people/1/")
    client.force_login(staff)
    response = client.get(reverse("audit:national_id_views_export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8")
    header, row = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert header[1] == "ผู้เห็น"
    assert row[3] == str(person) and row[4] == "เมืองสระแก้ว" and row[5] == "/people/1/"


# --- Who may look -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["district_member", "other_district_member", "officer"])
def test_only_provincial_staff_see_the_trail(request, client, db, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(EVENTS).status_code == 403
    assert client.get(reverse("audit:national_id_views")).status_code == 403


def test_staff_find_the_trail_in_the_menu(client, staff, district_member):
    client.force_login(staff)
    assert EVENTS in client.get(reverse("home")).content.decode()
    client.force_login(district_member)
    assert EVENTS not in client.get(reverse("home")).content.decode()


def test_the_page_reads_in_english_too(client, staff, product):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(EVENTS).content.decode()
    assert "Audit trail" in page and "added" in page


def test_every_product_model_is_a_source():
    assert "members.product" in selectors.sources()
    assert selectors.sources()["members.product"].district_lookup == "producer__district"
    assert Product.pgh_event_model is selectors.sources()["members.product"].event_model


@pytest.mark.parametrize(
    "params",
    [
        {"after": "nonsense"},
        {"after": "2025-01-01T00:00:00+00:00~members.producer~99999999999999999999"},
        {"before": "0001-01-01T00:00:00+14:00~members.producer~1"},
        {"after": "2025-01-01T00:00:00~members.producer~1"},
        {"object_id": "9" * 30, "kind": "members.producer"},
        {"object_id": "x\x00y", "user": "abc", "district": "9999", "kind": "no.such"},
        {"since": "31/02/2568", "until": "๑/๑/๒๕๖๘", "action": "drop"},
    ],
)
def test_hand_typed_or_hostile_parameters_never_break_the_page(client, staff, product, params):
    client.force_login(staff)
    assert client.get(EVENTS, params).status_code == 200
    assert client.get(reverse("audit:events_export", args=["csv"]), params).status_code == 200


def test_pages_order_kinds_by_code_point_whatever_the_databases_collation(db):
    """The next page starts after the last row's (when, kind, id), compared in Python;
    the database must order the kinds the same way, also under a th_TH or en_US locale."""
    query = str(selectors._union(EventFilters()).order_by("audit_kind").query)
    assert 'COLLATE "C"' in query
