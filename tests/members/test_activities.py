"""Activities like the story's training: who sees which activity, participants and
attendance, each district's action-plan items, exports, the home page section."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import ActionItem, Activity, Participant
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import PersonFactory, sa_kaeo_district
from tests.members.matrix_committees import make_action_item, make_activity, make_participant

BANGKOK = ZoneInfo("Asia/Bangkok")
TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _on_a_fixed_day():
    with time_machine.travel(datetime(2026, 11, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        yield


def _person(district=OWN_DISTRICT, **values):
    return PersonFactory(district=sa_kaeo_district(district), **values)


def _queries(client, url, streaming=False) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if streaming:
            b"".join(response.streaming_content)
    return len(queries)


def _csv(client, url) -> list[dict]:
    client.cookies["django_language"] = "en"
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def _story():
    """The training of 20–21 January 2565, with a participant and an action-plan item
    from the own district and from another one."""
    training = make_activity(title="โครงการเสริมสร้างศักยภาพเครือข่าย OTOP จังหวัดสระแก้ว")
    mine = make_participant(training, _person(first_name="สมศรี"), attended=True)
    theirs = make_participant(training, _person(OTHER_DISTRICT, first_name="ประยูร"))
    own_item = make_action_item(training, text="จัดทำคู่มือการใช้เครื่องจักร OTOP")
    other_item = make_action_item(training, OTHER_DISTRICT, text="เตรียมผลิตภัณฑ์ออกงานกาชาด")
    return training, mine, theirs, own_item, other_item


# --- Who sees what ---------------------------------------------------------------------------


def test_a_district_member_sees_only_their_districts_people_and_items(client, district_member):
    training, mine, _theirs, own_item, other_item = _story()
    client.force_login(district_member)
    response = client.get(reverse("members:activity_detail", args=[training.pk]))
    assert list(response.context["participants"]) == [mine]
    assert list(response.context["items"]) == [own_item]
    page = response.content.decode()
    assert "ประยูร" not in page and other_item.text not in page


def test_staff_and_officers_see_every_district(client, officer):
    training, mine, theirs, own_item, other_item = _story()
    client.force_login(officer)
    response = client.get(reverse("members:activity_detail", args=[training.pk]))
    assert set(response.context["participants"]) == {mine, theirs}
    assert set(response.context["items"]) == {own_item, other_item}


def test_another_districts_activity_and_records_are_not_found(client, district_member):
    meeting = make_activity(OTHER_DISTRICT, title="ประชุมเครือข่ายอำเภออรัญประเทศ")
    _training, _mine, theirs, _own_item, other_item = _story()
    client.force_login(district_member)
    assert client.get(reverse("members:activity_detail", args=[meeting.pk])).status_code == 404
    assert meeting.title not in client.get(reverse("members:activity_list")).content.decode()
    url = reverse("members:participant_attendance", args=[theirs.pk])
    assert client.post(url, {"attended": "yes"}).status_code == 404
    url = reverse("members:action_item_done", args=[other_item.pk])
    assert client.post(url, {"done": "1"}).status_code == 404


# --- Attendance and action items ------------------------------------------------------------------


def test_a_district_member_records_attendance_of_their_own_people(client, district_member):
    training = make_activity()
    participant = make_participant(training)
    client.force_login(district_member)
    url = reverse("members:participant_attendance", args=[participant.pk])
    response = client.post(url, {"attended": "no", "note": "ป่วย"})
    assert response["Location"].endswith(f"/activities/{training.pk}/#participants")
    participant.refresh_from_db()
    assert (participant.attended, participant.attendance_note) == (False, "ป่วย")
    client.post(url, {"attended": "yes"})
    participant.refresh_from_db()
    assert (participant.attended, participant.attendance_note) == (True, "ป่วย")


def test_officers_read_attendance_but_do_not_record_it(client, officer):
    participant = make_participant(make_activity())
    client.force_login(officer)
    url = reverse("members:participant_attendance", args=[participant.pk])
    assert client.post(url, {"attended": "yes"}).status_code == 403
    participant.refresh_from_db()
    assert participant.attended is None


def test_an_action_item_is_ticked_off_and_opened_again(client, district_member):
    item = make_action_item(make_activity())
    client.force_login(district_member)
    url = reverse("members:action_item_done", args=[item.pk])
    client.post(url, {"done": "1"})
    item.refresh_from_db()
    assert item.done_on == TODAY
    client.post(url, {"done": "0"})
    item.refresh_from_db()
    assert item.done_on is None


def test_an_open_item_past_its_due_date_shows_as_overdue(client, district_member):
    training = make_activity()
    make_action_item(training, due_on=TODAY - timedelta(days=1))
    client.force_login(district_member)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("members:activity_detail", args=[training.pk])).content.decode()
    assert ">Overdue<" in page


def test_a_district_members_item_goes_to_their_district_with_an_owner(client, district_member):
    training = make_activity()
    owner = make_participant(training).person
    client.force_login(district_member)
    url = reverse("members:action_item_add", args=[training.pk])
    response = client.post(url, {"text": "จัดตั้งกลุ่มออมทรัพย์", "due_on": "30/6/2565"})
    assert response.status_code == 200
    assert "owner_name" in response.context["form"].errors
    response = client.post(
        url, {"text": "จัดตั้งกลุ่มออมทรัพย์", "due_on": "30/6/2565", "owner_person": owner.pk}
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.district_id, item.owner_person, item.due_on) == (
        OWN_DISTRICT,
        owner,
        date(2022, 6, 30),
    )


def test_an_items_owner_is_a_person_of_the_items_district(client, staff):
    training = make_activity()
    owner = make_participant(training, _person(OTHER_DISTRICT)).person
    client.force_login(staff)
    response = client.post(
        reverse("members:action_item_add", args=[training.pk]),
        {
            "district": OWN_DISTRICT,
            "text": "จัดทำคู่มือ",
            "due_on": "31/3/2565",
            "owner_person": owner.pk,
        },
    )
    assert response.status_code == 200
    assert "owner_person" in response.context["form"].errors
    assert not ActionItem.objects.exists()


# --- Activities and invitations -------------------------------------------------------------------


def test_staff_add_an_activity_with_dates_typed_in_the_buddhist_era(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("members:activity_create"),
        {
            "kind": "training",
            "title": "โครงการเสริมสร้างศักยภาพเครือข่าย OTOP จังหวัดสระแก้ว",
            "starts_on": "20/01/2565",
            "ends_on": "21/01/2565",
            "venue": "โรงแรมตะวัน",
            "target_group": "เจ้าหน้าที่จังหวัด 2 คน + อำเภอละ 2 คน",
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == reverse("members:activity_detail", args=[activity.pk])
    assert (activity.starts_on, activity.ends_on, activity.district) == (
        date(2022, 1, 20),
        date(2022, 1, 21),
        None,
    )


def test_an_activity_cannot_end_before_it_starts(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("members:activity_create"),
        {"kind": "meeting", "title": "ประชุม", "starts_on": "21/01/2565", "ends_on": "20/01/2565"},
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_a_district_member_invites_only_people_of_their_district(client, district_member):
    training = make_activity()
    mine = _person(first_name="บุญเรือน")
    theirs = _person(OTHER_DISTRICT, first_name="บุญเรือน")
    already = make_participant(training, _person(first_name="บุญเรือน")).person
    client.force_login(district_member)
    url = reverse("members:participant_add", args=[training.pk])
    form = client.get(url, {"q": "บุญเรือน"}).context["form"]
    assert [value for value, _label in form.fields["people"].widget.choices] == [mine.pk]
    response = client.post(f"{url}?q=บุญเรือน", {"people": [theirs.pk]})
    assert response.status_code == 200
    response = client.post(url, {"people": [mine.pk], "capacity": "ประธานเครือข่ายอำเภอ"})
    assert response.status_code == 302
    invited = dict(Participant.objects.values_list("person", "capacity"))
    assert invited == {already.pk: "", mine.pk: "ประธานเครือข่ายอำเภอ"}


def test_upcoming_activities_come_first_and_past_ones_after(client, district_member):
    past = make_activity(title="อบรมปีก่อน")
    soon = make_activity(title="ประชุมเดือนหน้า", starts_on=TODAY, ends_on=TODAY)
    client.force_login(district_member)
    response = client.get(reverse("members:activity_list"))
    assert list(response.context["upcoming"]) == [soon]
    assert list(response.context["page"]) == [past]


def test_the_home_page_shows_the_next_five_activities_within_reach(client, district_member):
    for days in range(7):
        make_activity(
            title=f"ประชุมครั้งที่ {days + 1}",
            starts_on=TODAY + timedelta(days=days),
            ends_on=TODAY + timedelta(days=days),
        )
    make_activity(OTHER_DISTRICT, title="ประชุมอำเภออื่น", starts_on=TODAY, ends_on=TODAY)
    client.force_login(district_member)
    page = client.get(reverse("home")).content.decode()
    shown = [n for n in range(1, 8) if f"ประชุมครั้งที่ {n}<" in page]
    assert shown == [1, 2, 3, 4, 5]
    assert "ประชุมอำเภออื่น" not in page


# --- Exports and query counts ---------------------------------------------------------------


def test_the_attendance_export_lists_the_participants_within_reach(client, district_member):
    training, mine, _theirs, _own_item, _other_item = _story()
    client.force_login(district_member)
    rows = _csv(client, reverse("members:attendance_export", args=[training.pk, "csv"]))
    assert [(row["Name"], row["District"], row["Attended"]) for row in rows] == [
        (mine.person.full_name, "Mueang Sa Kaeo", "Yes")
    ]


def test_the_action_plan_export_has_district_text_owner_due_and_done(client, officer):
    training, _mine, _theirs, own_item, _other_item = _story()
    own_item.done_on = date(2022, 3, 20)
    own_item.save()
    client.force_login(officer)
    rows = _csv(client, reverse("members:action_items_export", args=[training.pk, "csv"]))
    assert [
        (row["District"], row["Action"], row["Responsible"], row["Due"], row["Done"])
        for row in rows
    ] == [
        ("Mueang Sa Kaeo", "จัดทำคู่มือการใช้เครื่องจักร OTOP", "ประธาน", "31/03/2565", "20/03/2565"),
        ("Aranyaprathet", "เตรียมผลิตภัณฑ์ออกงานกาชาด", "ประธาน", "31/03/2565", ""),
    ]


@pytest.mark.parametrize("name", ["attendance_export", "action_items_export"])
def test_each_activity_export_takes_the_same_queries_for_1_or_50_rows(client, staff, name):
    training = make_activity()
    client.force_login(staff)
    url = reverse(f"members:{name}", args=[training.pk, "csv"])

    def make(n):
        for index in range(n):
            district = f"270{index % 9 + 1}"
            person = _person(district)
            make_participant(training, person)
            make_action_item(training, district, owner_person=person, owner_name="")

    make(1)
    _queries(client, url, streaming=True)
    one = _queries(client, url, streaming=True)
    make(49)
    assert _queries(client, url, streaming=True) == one


def test_the_activity_page_takes_the_same_queries_for_1_or_50_rows(client, staff):
    training = make_activity()
    client.force_login(staff)
    url = reverse("members:activity_detail", args=[training.pk])

    def make(n):
        for index in range(n):
            district = f"270{index % 9 + 1}"
            person = _person(district)
            make_participant(training, person, attended=index % 2 == 0)
            make_action_item(training, district, owner_person=person, owner_name="")

    make(1)
    _queries(client, url)
    one = _queries(client, url)
    make(49)
    assert _queries(client, url) == one


def test_the_activity_list_takes_the_same_queries_for_1_or_50_activities(client, staff):
    client.force_login(staff)
    url = reverse("members:activity_list")

    def make(n):
        for index in range(n):
            make_activity(f"270{index % 9 + 1}" if index % 2 else None)
            day = TODAY + timedelta(days=index)
            make_activity(starts_on=day, ends_on=day)

    make(1)
    _queries(client, url)
    one = _queries(client, url)
    make(49)
    assert _queries(client, url) == one
