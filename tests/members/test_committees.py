"""Committees kept as terms with seats: the rules of a term, who sees and changes which
term, past terms, the logins of ended terms, the export, the admin and the demo data."""

import csv
import io
import threading
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import members.admin_committees  # noqa: F401 - registered here until members/admin.py imports it
from members import services
from members.demo import seed_accounts
from members.demo_committees import seed_committees
from members.demo_registry import seed_registry
from members.models import (
    Activity,
    CommitteeLevel,
    CommitteeSeat,
    CommitteeTerm,
    NetworkSettings,
    SeatRole,
    User,
)
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import PersonFactory, ProducerFactory, UserFactory, sa_kaeo_district
from tests.members.matrix_committees import make_seat, make_term

BANGKOK = ZoneInfo("Asia/Bangkok")
TODAY = date(2026, 11, 1)  # the term of TERM_DATES (Oct 2025 – Sep 2027) is current
PAST = {"starts_on": date(2023, 10, 1), "ends_on": date(2025, 9, 30)}


@pytest.fixture(autouse=True)
def _on_a_fixed_day():
    with time_machine.travel(datetime(2026, 11, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        yield


def _person(district=OWN_DISTRICT, **values):
    return PersonFactory(district=sa_kaeo_district(district), **values)


def _english(client):
    client.cookies["django_language"] = "en"


def _queries(client, url, streaming=False) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if streaming:
            b"".join(response.streaming_content)
    return len(queries)


# --- The rules of a term -------------------------------------------------------------------


def test_a_term_has_one_chair(db):
    term = make_term()
    make_seat(term, role=SeatRole.CHAIR)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_seat(term, role=SeatRole.CHAIR)
    assert "already has a chair" in str(refused.value)
    assert term.seats.filter(role=SeatRole.CHAIR).count() == 1


def test_the_provincial_committee_takes_two_representatives_per_district_by_default(db):
    term = make_term(None)
    make_seat(term, role=SeatRole.CHAIR)
    make_seat(term)
    make_seat(term, _person(OTHER_DISTRICT))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_seat(term)
    message = " ".join(refused.value.messages)
    assert "Mueang Sa Kaeo already has 2 representatives" in message
    assert "allows 2 per district" in message
    assert term.seats.filter(represents=OWN_DISTRICT).count() == 2


def test_the_network_setting_says_how_many_representatives_a_district_sends(db):
    NetworkSettings.objects.update_or_create(pk=1, defaults={"representatives_per_district": 3})
    term = make_term(None)
    for _ in range(3):
        make_seat(term)
    with translation.override("en"), pytest.raises(ValidationError, match="allows 3 per"):
        make_seat(term)


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_a_districts_last_representative_at_once_cannot_both_succeed(
    geography,
):
    NetworkSettings.objects.update_or_create(pk=1, defaults={"representatives_per_district": 2})
    term = make_term(None)
    make_seat(term)
    outcomes, barrier = [], threading.Barrier(2)

    def add(person):
        try:
            barrier.wait()
            make_seat(term, person)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(_person(),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert term.seats.count() == 2


def test_an_advisor_represents_no_district_and_does_not_count(db):
    term = make_term(None)
    make_seat(term)
    make_seat(term)
    advisor = make_seat(term, role=SeatRole.ADVISOR)
    assert advisor.represents is None


def test_a_representative_who_was_replaced_no_longer_counts(db):
    term = make_term(None)
    make_seat(term, ends_on=date(2026, 3, 31))
    make_seat(term)
    replacement = make_seat(term, starts_on=date(2026, 4, 1))
    assert replacement.pk


def test_a_seat_on_the_provincial_committee_needs_the_district_it_represents(db):
    seat = CommitteeSeat(term=make_term(None), person=_person(), role=SeatRole.MEMBER)
    with pytest.raises(ValidationError) as refused:
        services.committee_seat_save(seat=seat)
    assert "represents" in refused.value.message_dict


def test_a_district_committee_seats_its_own_people_and_represents_no_district(db):
    term = make_term()
    stranger = CommitteeSeat(term=term, person=_person(OTHER_DISTRICT))
    with pytest.raises(ValidationError) as refused:
        services.committee_seat_save(seat=stranger)
    assert "person" in refused.value.message_dict
    delegate = CommitteeSeat(term=term, person=_person(), represents_id=OWN_DISTRICT)
    with pytest.raises(ValidationError) as refused:
        services.committee_seat_save(seat=delegate)
    assert "represents" in refused.value.message_dict


def test_a_district_committee_needs_its_district_and_the_provincial_one_has_none(db):
    for level, district in ((CommitteeLevel.DISTRICT, None), (CommitteeLevel.PROVINCE, "2701")):
        term = CommitteeTerm(level=level, district_id=district, **PAST)
        with pytest.raises(ValidationError):
            services.committee_term_save(term=term)
    assert not CommitteeTerm.objects.exists()


def test_a_term_cannot_end_before_it_starts(db):
    term = CommitteeTerm(
        level=CommitteeLevel.PROVINCE, starts_on=date(2026, 1, 1), ends_on=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.committee_term_save(term=term)


# --- Who sees and changes which term ---------------------------------------------------------


def test_another_districts_term_is_not_found(client, district_member):
    term = make_term(OTHER_DISTRICT)
    seat = make_seat(term)
    client.force_login(district_member)
    assert client.get(reverse("members:term_detail", args=[term.pk])).status_code == 404
    assert client.get(reverse("members:seat_edit", args=[seat.pk])).status_code == 404
    assert str(term) not in client.get(reverse("members:committee_list")).content.decode()


def test_a_district_member_reads_the_provincial_committee_but_cannot_change_it(
    client, district_member
):
    term = make_term(None)
    seat = make_seat(term, _person(OTHER_DISTRICT, first_name="ประยูร"))
    client.force_login(district_member)
    page = client.get(reverse("members:term_detail", args=[term.pk]))
    assert page.status_code == 200
    assert "ประยูร" in page.content.decode()
    assert reverse("members:seat_add", args=[term.pk]) not in page.content.decode()
    for url in (
        reverse("members:term_edit", args=[term.pk]),
        reverse("members:seat_add", args=[term.pk]),
        reverse("members:seat_edit", args=[seat.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def test_a_district_member_keeps_their_own_districts_committee(client, district_member):
    client.force_login(district_member)
    response = client.post(
        reverse("members:term_create"),
        {"starts_on": "1/10/2568", "ends_on": "30/09/2570", "appointment_ref": "คำสั่ง 12/2568"},
    )
    term = CommitteeTerm.objects.get()
    assert response.status_code == 302
    assert (term.level, term.district_id) == (CommitteeLevel.DISTRICT, OWN_DISTRICT)
    assert (term.starts_on, term.ends_on) == (date(2025, 10, 1), date(2027, 9, 30))


def test_staff_are_told_next_to_the_field_when_a_district_committee_has_no_district(client, staff):
    client.force_login(staff)
    _english(client)
    response = client.post(
        reverse("members:term_create"),
        {"level": "district", "starts_on": "1/10/2568", "ends_on": "30/09/2570"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["district"] == ["Choose the district of this committee."]
    assert not CommitteeTerm.objects.exists()


def test_a_seat_is_added_after_finding_the_person(client, district_member):
    term = make_term()
    person = _person(first_name="บุญเรือน")
    _person(OTHER_DISTRICT, first_name="บุญเรือน")
    client.force_login(district_member)
    url = reverse("members:seat_add", args=[term.pk])
    form = client.get(url, {"q": "บุญเรือน"}).context["form"]
    assert [value for value, _label in form.fields["person"].widget.choices][1:] == [person.pk]
    response = client.post(f"{url}?q=บุญเรือน", {"person": person.pk, "role": SeatRole.CHAIR})
    assert response.status_code == 302
    assert term.seats.get().person == person


def test_the_page_says_why_a_third_representative_is_refused(client, staff):
    term = make_term(None)
    make_seat(term)
    make_seat(term)
    third = _person()
    client.force_login(staff)
    _english(client)
    response = client.post(
        reverse("members:seat_add", args=[term.pk]),
        {"person": third.pk, "role": SeatRole.MEMBER, "represents": OWN_DISTRICT},
    )
    assert response.status_code == 200
    assert "already has 2 representatives" in str(response.context["form"].errors["represents"])
    assert term.seats.count() == 2


def test_a_seats_producer_is_one_the_person_belongs_to(client, staff):
    term = make_term()
    person = _person()
    other = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(staff)
    response = client.post(
        reverse("members:seat_add", args=[term.pk]),
        {"person": person.pk, "role": SeatRole.MEMBER, "producer": other.pk},
    )
    assert response.status_code == 200
    assert "producer" in response.context["form"].errors


# --- The list of terms -------------------------------------------------------------------------


def test_past_terms_stay_listed_newest_first_with_a_past_badge(client, officer):
    old = make_term(None, **PAST)
    current = make_term(None)
    client.force_login(officer)
    _english(client)
    response = client.get(reverse("members:committee_list"))
    assert list(response.context["page"]) == [current, old]
    page = response.content.decode()
    assert page.count(">Past term<") == 1 and page.count(">Current term<") == 1


def test_the_list_filters_by_level_and_district(client, staff):
    provincial, own, other = make_term(None), make_term(), make_term(OTHER_DISTRICT)
    client.force_login(staff)
    url = reverse("members:committee_list")
    assert list(client.get(url, {"level": "province"}).context["page"]) == [provincial]
    by_district = client.get(url, {"district": OTHER_DISTRICT}).context["page"]
    assert list(by_district) == [other]
    assert set(client.get(url).context["page"]) == {provincial, own, other}


def test_a_district_member_lists_the_provincial_and_their_own_terms(client, district_member):
    provincial, own = make_term(None), make_term()
    make_term(OTHER_DISTRICT)
    client.force_login(district_member)
    page = client.get(reverse("members:committee_list")).context["page"]
    assert set(page) == {provincial, own}


def test_the_committee_list_takes_the_same_queries_for_1_or_50_terms(client, staff):
    client.force_login(staff)
    url = reverse("members:committee_list")
    make_seat(make_term(), role=SeatRole.CHAIR)
    _queries(client, url)
    one = _queries(client, url)
    for index in range(49):
        make_seat(make_term(starts_on=date(2000 + index % 20, 1, 1 + index // 20)), role="chair")
    assert _queries(client, url) == one


def test_a_term_page_takes_the_same_queries_for_1_or_50_seats(client, staff):
    NetworkSettings.objects.update_or_create(pk=1, defaults={"representatives_per_district": 10})
    term = make_term(None)
    client.force_login(staff)
    url = reverse("members:term_detail", args=[term.pk])
    make_seat(term, user=UserFactory())
    _queries(client, url)
    one = _queries(client, url)
    for index in range(49):
        district = f"270{index % 9 + 1}"
        make_seat(term, _person(district), user=UserFactory(district=sa_kaeo_district(district)))
    assert _queries(client, url) == one


# --- Logins of ended terms ------------------------------------------------------------------


def _ended_term_with_logins():
    """An ended provincial term with three logins: one still active, one already
    deactivated, one renewed with a seat on the current term."""
    ended, current = make_term(None, **PAST), make_term(None)
    waiting = UserFactory(username="waiting")
    gone = UserFactory(username="gone", is_active=False)
    renewed = UserFactory(username="renewed")
    make_seat(ended, user=waiting)
    make_seat(ended, user=gone)
    person = _person(OTHER_DISTRICT)
    make_seat(ended, person, user=renewed)
    make_seat(current, person, user=renewed)
    return ended, waiting, gone, renewed


def test_staff_see_the_active_logins_of_ended_terms_that_have_no_seat_now(client, staff):
    ended, waiting, _gone, _renewed = _ended_term_with_logins()
    make_seat(make_term(), user=UserFactory(username="current"))
    client.force_login(staff)
    response = client.get(reverse("members:committee_logins"))
    assert [seat.user for seat in response.context["seats"]] == [waiting]
    assert str(ended) in response.content.decode()


def test_staff_deactivate_the_logins_they_choose(client, staff):
    _ended, waiting, _gone, renewed = _ended_term_with_logins()
    bystander = UserFactory(username="bystander")
    client.force_login(staff)
    response = client.post(
        reverse("members:committee_logins"), {"users": [waiting.pk, renewed.pk, bystander.pk]}
    )
    assert response.status_code == 302
    active = dict(User.objects.values_list("username", "is_active"))
    # only a listed login is deactivated, whatever else the form sends
    assert active["waiting"] is False
    assert active["renewed"] is True and active["bystander"] is True


def test_the_logins_page_is_for_provincial_staff_only(client, officer):
    _ended_term_with_logins()
    client.force_login(officer)
    url = reverse("members:committee_logins")
    assert client.get(url).status_code == 403
    assert client.post(url, {"users": [User.objects.get(username="waiting").pk]}).status_code == 403
    assert User.objects.get(username="waiting").is_active


def test_the_logins_page_takes_the_same_queries_for_1_or_50_logins(client, staff):
    ended = make_term(None, **PAST)
    NetworkSettings.objects.update_or_create(pk=1, defaults={"representatives_per_district": 10})
    client.force_login(staff)
    url = reverse("members:committee_logins")
    make_seat(ended, user=UserFactory())
    _queries(client, url)
    one = _queries(client, url)
    for index in range(49):
        district = f"270{index % 9 + 1}"
        make_seat(ended, _person(district), user=UserFactory(district=sa_kaeo_district(district)))
    assert _queries(client, url) == one


# --- Export -------------------------------------------------------------------------------------


def _export(client, fmt="csv", **params) -> list[dict]:
    _english(client)
    response = client.get(reverse("members:committee_export", args=[fmt]), params)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_committee_export_has_a_row_per_seat_with_phones_and_no_national_ids(
    client, district_member
):
    provincial = make_term(None)
    make_seat(provincial, _person(first_name="สมศรี", phone="0812345678"), role=SeatRole.CHAIR)
    make_seat(make_term(), _person(first_name="มาลี"), role=SeatRole.SECRETARY)
    make_seat(make_term(OTHER_DISTRICT), _person(OTHER_DISTRICT, first_name="ไม่เห็น"))
    client.force_login(district_member)
    rows = _export(client)
    assert [(row["Name"].split()[0], row["Role"], row["Level"]) for row in rows] == [
        ("นางสมศรี", "Chair", "Provincial committee"),
        ("นางมาลี", "Secretary", "District committee"),
    ]
    assert rows[0]["Phone"] == "0812345678"
    assert rows[0]["Represents"] == "Mueang Sa Kaeo"
    assert not any("national" in header.lower() for header in rows[0])
    assert len(_export(client, level="district")) == 1


def test_the_committee_export_takes_the_same_queries_for_1_or_50_seats(client, staff):
    NetworkSettings.objects.update_or_create(pk=1, defaults={"representatives_per_district": 10})
    term = make_term(None)
    client.force_login(staff)
    url = reverse("members:committee_export", args=["csv"])
    make_seat(term, producer=None)
    _queries(client, url, streaming=True)
    one = _queries(client, url, streaming=True)
    for index in range(49):
        make_seat(term, _person(f"270{index % 9 + 1}"))
    assert _queries(client, url, streaming=True) == one


def test_the_committee_export_also_comes_as_excel(client, staff):
    make_seat(make_term(None), role=SeatRole.CHAIR)
    client.force_login(staff)
    response = client.get(reverse("members:committee_export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Navigation and admin ---------------------------------------------------------------------


def test_committees_and_activities_are_in_the_navigation(client, district_member):
    client.force_login(district_member)
    page = client.get(reverse("home")).content.decode()
    assert reverse("members:committee_list") in page
    assert reverse("members:activity_list") in page


def test_the_admin_refuses_two_chairs_and_a_third_representative(client, staff):
    term = make_term(None)
    first, second, third = _person(), _person(), _person()
    client.force_login(staff)
    _english(client)
    url = reverse("admin:members_committeeterm_change", args=[term.pk])
    data = {
        "level": "province",
        "starts_on": "1/10/2568",
        "ends_on": "30/09/2570",
        "appointment_ref": "",
        "seats-TOTAL_FORMS": "3",
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
    }
    for index, person in enumerate((first, second, third)):
        data |= {
            f"seats-{index}-person": person.pk,
            f"seats-{index}-role": "member",
            f"seats-{index}-represents": OWN_DISTRICT,
        }
    page = client.post(url, data).content.decode()
    assert "Mueang Sa Kaeo has 3 representatives" in page
    data |= {"seats-2-represents": OTHER_DISTRICT, "seats-0-role": "chair", "seats-1-role": "chair"}
    page = client.post(url, data).content.decode()
    assert "already has a chair" in page
    data["seats-1-role"] = "member"
    assert client.post(url, data).status_code == 302
    assert term.seats.count() == 3


def test_the_admin_lists_terms_and_activities_for_staff(client, staff):
    make_seat(make_term(None), role=SeatRole.CHAIR)
    client.force_login(staff)
    for name in ("committeeterm", "activity", "actionitem"):
        assert client.get(reverse(f"admin:members_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:members_{name}_add")).status_code == 200


# --- Demo data ----------------------------------------------------------------------------------


def _seed():
    seed_accounts()
    seed_registry()
    return seed_committees()


DEMO_MODELS = ["CommitteeTerm", "CommitteeSeat", "Activity", "Participant", "ActionItem"]


def _demo_snapshot() -> dict[str, list[tuple]]:
    snapshot = {}
    for name in DEMO_MODELS:
        model = apps.get_model("members", name)
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
        snapshot[name] = list(model.objects.order_by("pk").values_list(*fields))
    return snapshot


def _demo_events() -> int:
    events = [m for m in apps.get_models() if hasattr(m, "pgh_tracked_model")]
    return sum(m.objects.count() for m in events if m.pgh_tracked_model.__name__ in DEMO_MODELS)


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    return _seed()


def test_the_demo_has_a_provincial_committee_of_two_representatives_per_district(seeded):
    (term,) = CommitteeTerm.objects.filter(level=CommitteeLevel.PROVINCE).current()
    seats = list(term.seats.all())
    representatives = Counter(s.represents_id for s in seats if s.role != SeatRole.ADVISOR)
    assert representatives == {f"270{n}": 2 for n in range(1, 10)}
    roles = Counter(seat.role for seat in seats)
    assert roles == {
        SeatRole.CHAIR: 1,
        SeatRole.VICE_CHAIR: 1,
        SeatRole.SECRETARY: 1,
        SeatRole.TREASURER: 1,
        SeatRole.MEMBER: 14,
        SeatRole.ADVISOR: 1,
    }
    for seat in seats:
        seat.full_clean()


def test_each_demo_district_committee_is_led_by_the_districts_demo_logins(seeded):
    terms = CommitteeTerm.objects.filter(level=CommitteeLevel.DISTRICT).current()
    assert terms.count() == 9
    for term in terms:
        for role in (SeatRole.CHAIR, SeatRole.SECRETARY):
            seat = term.seats.get(role=role)
            assert seat.user.username.endswith(f".{role}")
            assert seat.user.district_id == term.district_id
            assert (seat.person.first_name, seat.person.last_name) == (
                seat.user.first_name,
                seat.user.last_name,
            )


def test_the_demo_keeps_a_past_provincial_term_whose_chairs_login_awaits_review(seeded):
    (past,) = CommitteeTerm.objects.filter(level=CommitteeLevel.PROVINCE).ended()
    assert past.seats.count() == 18
    waiting = [seat.user.username for seat in CommitteeSeat.objects.logins_to_review()]
    assert waiting == ["aranyaprathet.former"]
    assert [login.username for login in seeded] == ["aranyaprathet.former"]


def test_the_demo_has_the_storys_training_and_an_upcoming_meeting(seeded):
    training = Activity.objects.get(starts_on=date(2022, 1, 20))
    assert training.ends_on == date(2022, 1, 21) and training.district is None
    assert training.participants.count() == 20
    assert not training.participants.exclude(attended=True).exists()
    officers = training.participants.filter(capacity__startswith="นักวิชาการ")
    assert officers.count() == 2
    others = training.participants.exclude(pk__in=officers)
    per_district = Counter(others.values_list("person__district", flat=True))
    assert per_district == {f"270{n}": 2 for n in range(1, 10)}
    items = Counter(training.action_items.values_list("district", flat=True))
    assert items == {f"270{n}": 3 for n in range(1, 10)}
    assert training.action_items.filter(done_on__isnull=True).exists()
    (meeting,) = Activity.objects.upcoming()
    assert meeting.participants.count() == 19


def test_running_the_demo_twice_writes_the_same_rows(seeded):
    first, events = _demo_snapshot(), _demo_events()
    assert _seed() == seeded
    assert _demo_snapshot() == first
    assert _demo_events() == events, "a second run saves nothing that did not change"


def test_staff_see_the_history_of_a_committee_term(client, staff):
    from django.urls import reverse

    from members.models import CommitteeTerm

    term = CommitteeTerm.objects.create(
        level="province",
        starts_on=date(2025, 10, 1),
        ends_on=date(2027, 9, 30),
        appointment_ref="คำสั่งเดิม",
    )
    term.appointment_ref = "คำสั่งใหม่"
    term.save()
    client.force_login(staff)
    page = client.get(reverse("members:term_detail", args=[term.pk])).content.decode()
    assert "คำสั่งเดิม → คำสั่งใหม่" in page
