"""A person's data under Thailand's PDPA: consent on record, the export of everything
held about them, their anonymisation when they leave, and national IDs that stay
masked for everyone but provincial staff."""

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import privacy
from members.models import (
    CommitteeLevel,
    CommitteeSeat,
    CommitteeTerm,
    ContactLog,
    DataActionKind,
    NationalIdView,
    Person,
    PersonDataAction,
    ProducerMember,
    ProducerMerge,
    SeatRole,
    User,
)
from otop_portal.lib.natid import format_national_id
from tests.conftest import OWN_DISTRICT
from tests.factories import PersonFactory, ProducerFactory, UserFactory, sa_kaeo_district
from tests.test_permissions import CASES

pytestmark = pytest.mark.django_db


def _person(**values) -> Person:
    return PersonFactory(district=sa_kaeo_district(OWN_DISTRICT), **values)


def _producer_with(person):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), contact_person=person)
    ProducerMember.objects.create(producer=producer, person=person, role="member")
    return producer


# --- Consent -------------------------------------------------------------------------------


def test_a_person_added_without_consent_is_saved_with_a_thai_warning(client, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_member)
    response = client.post(
        reverse("members:person_add", args=[producer.pk]),
        {"first_name": "สมปอง", "sex": "male", "role": "member"},
    )
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("ยังไม่มีความยินยอม" in text for text in warnings), warnings
    person = Person.objects.get(first_name="สมปอง")
    assert not person.has_consent
    page = client.get(person.get_absolute_url()).content.decode()
    assert "ยังไม่มีความยินยอม" in page


def test_a_consent_is_recorded_with_how_it_was_given_and_what_it_covers(client, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_member)
    data = {
        "first_name": "มาลี",
        "sex": "female",
        "role": "member",
        "consent_on": "25/10/2568",
        "consent_method": "spoken",
        "consent_fairs": "on",
    }
    response = client.post(reverse("members:person_add", args=[producer.pk]), data)
    assert response.context["form"].errors["consent_witness"] == ["ความยินยอมด้วยวาจาต้องมีชื่อพยาน"]
    data["consent_witness"] = "นางสาวพยาน ดูอยู่"
    client.post(reverse("members:person_add", args=[producer.pk]), data)
    person = Person.objects.get(first_name="มาลี")
    assert (person.consent_on, person.consent_method) == (date(2025, 10, 25), "spoken")
    assert person.consent_fairs and not person.consent_savings and person.has_consent
    page = client.get(person.get_absolute_url()).content.decode()
    assert "25 ตุลาคม 2568" in page and "นางสาวพยาน ดูอยู่" in page


def test_a_consent_typed_without_how_counts_as_a_signed_form(client, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_member)
    client.post(
        reverse("members:person_add", args=[producer.pk]),
        {"first_name": "ชูใจ", "sex": "female", "role": "member", "consent_on": "1/11/2568"},
    )
    assert Person.objects.get(first_name="ชูใจ").consent_method == "paper"


def test_the_database_refuses_a_withdrawal_before_the_consent(db):
    person = _person(consent_on=date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(consent_withdrawn_on=date(2024, 12, 31))


def test_a_withdrawn_consent_shows_on_the_page_and_counts_as_none(client, district_member):
    person = _person(consent_on=date(2025, 1, 1), consent_method="paper")
    client.force_login(district_member)
    response = client.post(
        reverse("members:person_edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "sex": "female",
            "consent_on": "1/1/2568",
            "consent_method": "paper",
            "consent_withdrawn_on": "1/3/2568",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.consent_withdrawn_on == date(2025, 3, 1) and not person.has_consent
    assert "ถอนความยินยอมเมื่อ" in client.get(person.get_absolute_url()).content.decode()


def test_the_producer_list_finds_producers_with_someone_without_consent(client, district_member):
    with_consent = _person(consent_on=date(2025, 1, 1), consent_method="paper")
    without = _person(consent_on=None)
    kept = _producer_with(with_consent)
    kept.name = "กลุ่มยินยอมครบ"
    kept.save()
    lacking = _producer_with(without)
    lacking.name = "กลุ่มขาดความยินยอม"
    lacking.save()
    # ProducerFactory gives each group a chair of its own: give them consent
    Person.objects.exclude(pk=without.pk).update(consent_on=date(2025, 1, 1))
    client.force_login(district_member)
    page = client.get(reverse("members:producer_list"), {"consent": "missing"}).content.decode()
    assert "กลุ่มขาดความยินยอม" in page and "กลุ่มยินยอมครบ" not in page


# --- Export --------------------------------------------------------------------------------


def test_staff_download_everything_held_about_a_person_and_it_is_recorded(client, staff):
    person = _person(consent_on=date(2025, 1, 1), consent_method="paper", line_id="malee.line")
    producer = _producer_with(person)
    client.force_login(staff)
    page = client.get(person.get_absolute_url())  # a sight of the full ID: listed in the file
    url = reverse("members:person_data_export", args=[person.pk])
    assert f'action="{url}"' in page.content.decode()  # a button, not a link
    assert client.get(url).status_code == 405  # it writes records: never on a GET
    assert not PersonDataAction.objects.exists()
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == privacy.XLSX
    assert f"person-{person.pk}-" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert {"บุคคล", "ความยินยอม", "กลุ่มผู้ผลิต", "ประวัติการแก้ไข"} <= set(book.sheetnames)
    rows = list(book["บุคคล"].values)
    assert person.national_id in rows[1] and "malee.line" in rows[1]
    groups = [row[0] for row in book["กลุ่มผู้ผลิต"].values]
    assert producer.name in groups
    assert len(list(book["การเห็นเลขประจำตัวประชาชน"].values)) == 2  # header + the sight
    action = PersonDataAction.objects.get()
    assert (action.kind, action.person, action.by) == (DataActionKind.EXPORT, person, staff)
    assert NationalIdView.objects.filter(person=person, path__endswith="/data/").exists()


def test_the_export_and_its_sight_of_the_id_are_recorded_together_or_not_at_all(staff, monkeypatch):
    person = _person()
    content, action = privacy.person_data_export(person=person, by=staff, path="/p/1/data/")
    assert content.startswith(b"PK") and action.kind == DataActionKind.EXPORT
    sight = NationalIdView.objects.get(person=person)
    assert (sight.viewed_by, sight.path) == (staff, "/p/1/data/")

    def broken(sheets):
        raise RuntimeError("disk full")

    monkeypatch.setattr(privacy, "workbook_bytes", broken)
    with pytest.raises(RuntimeError):
        privacy.person_data_export(person=person, by=staff, path="/p/1/data/")
    assert PersonDataAction.objects.count() == 1 and NationalIdView.objects.count() == 1


def test_the_export_holds_the_savings_membership_and_balances(client, staff):
    from tests.savings.builders import admitted_saver

    saver = admitted_saver(deposit=Decimal("300"))
    client.force_login(staff)
    response = client.post(reverse("members:person_data_export", args=[saver.person_id]))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    balances = list(book["ยอดเงินออม"].values)
    assert balances[1][0] == saver.member_number
    assert Decimal(str(balances[1][2])) == Decimal("300")
    assert len(list(book["สรุปรายการบัญชีเงินออม"].values)) > 1


# --- Anonymisation -------------------------------------------------------------------------


def _anonymise(client, person, reason="ขอลบข้อมูลตามหนังสือลงวันที่ 3 มี.ค. 2568"):
    return client.post(reverse("members:person_anonymise", args=[person.pk]), {"reason": reason})


def test_anonymising_clears_the_person_their_history_and_copies_of_their_name(client, staff):
    person = _person(
        first_name="บุญเรือน",
        last_name="ใจงาม",
        phone="0812345678",
        line_id="boonruen",
        email="b@example.org",
        birth_date=date(1970, 5, 1),
        house_no="12/3",
        consent_on=date(2025, 1, 1),
        consent_method="paper",
    )
    person.village = "บ้านหนองใหญ่"
    person.save()
    producer = _producer_with(person)
    ContactLog.objects.create(
        producer=producer,
        on=date(2025, 2, 1),
        kind="call",
        notes="โทรหานางบุญเรือน ใจงาม เรื่องสินค้า",
        recorded_by=staff,
    )
    client.force_login(staff)
    page = client.get(reverse("members:person_anonymise", args=[person.pk])).content.decode()
    assert f"ผู้ถูกลบข้อมูล #{person.pk}" in page
    response = _anonymise(client, person, reason="นางบุญเรือน ใจงาม ขอลบข้อมูล")
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.first_name == f"ผู้ถูกลบข้อมูล #{person.pk}"
    assert (person.last_name, person.phone, person.line_id, person.email) == ("", "", "", "")
    assert person.national_id is None and person.birth_date is None and person.village == ""
    assert person.consent_on == date(2025, 1, 1) and person.consent_withdrawn_on is not None
    events = privacy.history_of(Person).objects.filter(pgh_obj_id=person.pk)
    assert events.count() >= 3
    for values in events.values():
        text = repr(values)
        for gone in ("บุญเรือน", "ใจงาม", "0812345678", "boonruen", "บ้านหนองใหญ่", "1970"):
            assert gone not in text, (gone, values)
    note = ContactLog.objects.get().notes
    assert note == f"โทรหา{person.first_name} เรื่องสินค้า"
    for event in privacy.history_of(ContactLog).objects.values_list("notes", flat=True):
        assert "บุญเรือน" not in event
    action = PersonDataAction.objects.get(kind=DataActionKind.ANONYMISE)
    assert action.person_id == person.pk and action.by == staff
    assert "บุญเรือน" not in action.reason
    # the group, the membership and the producer stay
    assert producer.members.filter(person=person).exists()


def test_a_merge_note_naming_the_person_loses_the_name_and_keeps_the_rest(staff):
    person = _person(first_name="สายใจ", last_name="รักดี")
    kept, absorbed = ProducerFactory(), ProducerFactory()
    merge = ProducerMerge.objects.create(
        kept=kept,
        absorbed=absorbed,
        merged_by=staff,
        reason="ซ้ำ",
        summary={"moved": {"สมาชิกกลุ่ม": 1}, "notes": [f"{person.full_name} อยู่ในกลุ่มแล้ว"]},
    )
    privacy.person_anonymise(person=person, by=staff, reason="ลาออก")
    merge.refresh_from_db()
    assert merge.summary == {
        "moved": {"สมาชิกกลุ่ม": 1},
        "notes": [f"ผู้ถูกลบข้อมูล #{person.pk} อยู่ในกลุ่มแล้ว"],
    }


def test_a_second_anonymisation_is_refused(client, staff):
    person = _person()
    client.force_login(staff)
    _anonymise(client, person)
    response = _anonymise(client, person)
    assert response.status_code == 200
    assert "ลบข้อมูลของบุคคลนี้แล้ว" in response.content.decode()
    assert PersonDataAction.objects.filter(kind=DataActionKind.ANONYMISE).count() == 1


def test_anonymising_needs_a_reason(client, staff):
    person = _person()
    client.force_login(staff)
    response = _anonymise(client, person, reason="  ")
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not PersonDataAction.objects.exists()


def test_a_login_tied_to_the_person_is_deactivated_and_loses_their_identity(staff):
    person = _person()
    login = UserFactory(
        username="committee-login",
        district=sa_kaeo_district(OWN_DISTRICT),
        first_name="ประยูร",
        last_name="มั่นคง",
        email="prayoon@example.org",
        phone="0899999999",
    )
    login.last_name = "มั่นคงดี"  # an earlier spelling, kept by the history only
    login.save()
    term = CommitteeTerm.objects.create(
        level=CommitteeLevel.DISTRICT,
        district=sa_kaeo_district(OWN_DISTRICT),
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    CommitteeSeat.objects.create(term=term, person=person, role=SeatRole.MEMBER, user=login)
    privacy.person_anonymise(person=person, by=staff, reason="ลาออก")
    login.refresh_from_db()
    assert not login.is_active and login.username == "committee-login"
    assert (login.first_name, login.last_name, login.email, login.phone) == (
        f"ผู้ถูกลบข้อมูล #{person.pk}",
        "",
        "",
        "",
    )
    events = privacy.history_of(User).objects.filter(pgh_obj_id=login.pk)
    assert events.count() >= 3  # added, renamed, cleared
    for values in events.values():
        for gone in ("ประยูร", "มั่นคง", "prayoon", "0899999999"):
            assert gone not in repr(values), (gone, values)


def _spoken(**values) -> Person:
    return _person(
        consent_method="spoken", consent_witness="นายพยาน ได้ยิน", consent_fairs=True, **values
    )


def test_a_person_who_consented_aloud_is_anonymised_and_the_consent_date_stays(client, staff):
    person = _spoken(consent_on=date(2025, 1, 1))
    Person.objects.filter(pk=person.pk).update(consent_witness="นายพยาน ได้ยินชัด")  # history
    client.force_login(staff)
    assert _anonymise(client, person).status_code == 302
    person.refresh_from_db()
    assert (person.consent_method, person.consent_witness) == ("", "")
    assert person.consent_on == date(2025, 1, 1)
    assert person.consent_withdrawn_on == timezone.localdate()
    events = privacy.history_of(Person).objects.filter(pgh_obj_id=person.pk)
    assert not events.exclude(consent_witness="").exists()


def test_a_consent_dated_ahead_is_withdrawn_on_its_own_date_not_before(staff):
    ahead = timezone.localdate() + timedelta(days=10)
    person = _spoken(consent_on=ahead)
    privacy.person_anonymise(person=person, by=staff, reason="ลาออก")
    person.refresh_from_db()
    assert person.consent_withdrawn_on == ahead


def test_a_database_refusal_is_said_in_thai_and_changes_nothing(client, staff, monkeypatch):
    person = _person()

    def refused(**kwargs):
        raise IntegrityError("check constraint")

    monkeypatch.setattr(privacy, "person_anonymise", refused)
    client.force_login(staff)
    response = _anonymise(client, person)
    assert response.status_code == 200
    assert "ขัดกับกฎของฐานข้อมูล" in response.content.decode()


def test_clearing_text_is_itself_recorded_in_the_history_without_the_name(client, staff):
    person = _person(first_name="ละเอียด", last_name="ถี่ถ้วน")
    producer = _producer_with(person)
    log = ContactLog.objects.create(
        producer=producer,
        on=date(2025, 2, 1),
        kind="call",
        notes="คุยกับละเอียด ถี่ถ้วน",
        recorded_by=staff,
    )
    events = privacy.history_of(ContactLog).objects.filter(pgh_obj_id=log.pk)
    assert list(events.values_list("pgh_label", flat=True)) == ["insert"]
    privacy.person_anonymise(person=person, by=staff, reason="ลาออก")
    labels_notes = list(events.order_by("pgh_id").values_list("pgh_label", "notes"))
    cleared = f"คุยกับผู้ถูกลบข้อมูล #{person.pk}"
    assert labels_notes == [("insert", cleared), ("update", cleared)]


def test_it_refuses_while_savings_are_not_paid_out_and_keeps_the_money_rows(client, staff):
    from savings.models import JournalLine, SaverStatus
    from savings.services.leaving import saver_leave
    from tests.savings.builders import admitted_saver, committee

    saver = admitted_saver(deposit=Decimal("300"))
    person = saver.person
    client.force_login(staff)
    response = _anonymise(client, person)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ยังเป็นสมาชิกกลุ่มออมทรัพย์" in page and "ยังไม่ได้จ่ายคืน" in page
    assert not PersonDataAction.objects.exists()

    saver_leave(
        saver=saver,
        status=SaverStatus.RESIGNED,
        on=timezone.localdate(),
        reason="ลาออก",
        by=committee(),
    )
    lines = list(JournalLine.objects.filter(saver=saver).values_list("pk", "debit", "credit"))
    assert _anonymise(client, person).status_code == 302
    assert (
        list(JournalLine.objects.filter(saver=saver).values_list("pk", "debit", "credit")) == lines
    )
    saver.refresh_from_db()
    assert saver.member_number and saver.status == SaverStatus.RESIGNED


def test_beneficiaries_named_earlier_and_since_replaced_lose_their_names_too(staff):
    from savings.models import Beneficiary, SaverStatus
    from savings.services.leaving import saver_leave
    from savings.services.savers import BeneficiaryData, beneficiaries_change
    from tests.savings.builders import admitted_saver, committee

    saver = admitted_saver()
    for name in ("นางแรก ผู้รับเงิน", "นายสอง ผู้รับเงิน"):  # each change re-creates them
        beneficiaries_change(
            saver=saver,
            beneficiaries=[BeneficiaryData(name, "บุตร", Decimal("100"))],
            by=committee(),
        )
    saver_leave(
        saver=saver,
        status=SaverStatus.RESIGNED,
        on=timezone.localdate(),
        reason="ลาออก",
        by=committee(),
    )
    privacy.person_anonymise(person=saver.person, by=staff, reason="ลาออก")
    events = privacy.history_of(Beneficiary).objects.filter(saver=saver)
    assert events.filter(pgh_label="delete").exists()
    names = set(events.values_list("name", flat=True))
    assert names == {f"ผู้ถูกลบข้อมูล #{saver.person_id}"}


def test_others_get_403_and_the_page_is_not_offered_to_them(client, district_member):
    person = _person()
    client.force_login(district_member)
    assert _anonymise(client, person).status_code == 403
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("members:person_anonymise", args=[person.pk]) not in page


# --- National IDs stay masked --------------------------------------------------------------


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):  # XLSX: the text is in the XML parts
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", errors="replace")


READABLE = [
    (name, variant, row, persona)
    for name, variant, row in CASES
    for persona in ("district_member", "officer")
    if row.get[persona] == 200
]


@pytest.mark.parametrize(
    ("name", "variant", "row", "persona"),
    READABLE,
    ids=[f"{name}#{variant}-{persona}" for name, variant, _row, persona in READABLE],
)
def test_no_page_shows_a_full_national_id_outside_provincial_staff(
    request, client, name, variant, row, persona
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(name, kwargs=row.url_kwargs(request))
    response = client.get(url)
    assert response.status_code == 200
    body = _body(response)
    ids = list(Person.objects.exclude(national_id=None).values_list("national_id", flat=True))
    shown = [n for n in ids if n in body or format_national_id(n) in body]
    assert shown == [], f"{url} shows {shown} in full"


def test_staff_see_the_full_id_and_each_sight_is_recorded(client, staff, district_member):
    person = _person()
    client.force_login(district_member)
    page = client.get(person.get_absolute_url()).content.decode()
    assert format_national_id(person.national_id) not in page
    assert not NationalIdView.objects.exists()
    client.force_login(staff)
    page = client.get(person.get_absolute_url()).content.decode()
    assert format_national_id(person.national_id) in page
    view = NationalIdView.objects.get()
    assert (view.person, view.viewed_by) == (person, staff)


def test_a_district_member_keeps_the_id_on_file_without_seeing_it(client, district_member):
    person = _person()
    client.force_login(district_member)
    page = client.get(reverse("members:person_edit", args=[person.pk])).content.decode()
    assert person.national_id not in page and format_national_id(person.national_id) not in page
    assert "X-XXXX-XXXXX-" in page
    response = client.post(
        reverse("members:person_edit", args=[person.pk]),
        {"first_name": "ชื่อใหม่", "last_name": person.last_name, "sex": "female", "national_id": ""},
    )
    assert response.status_code == 302
    person_after = Person.objects.get(pk=person.pk)
    assert person_after.first_name == "ชื่อใหม่"
    assert person_after.national_id == person.national_id
