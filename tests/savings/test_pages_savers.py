"""The savers pages as the treasurers, the committee and readers use them: the register
and its export, the application, a saver's page, the decision, pledge and beneficiary
changes, leaving, and the passbook."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from savings import services
from savings.models import (
    Beneficiary,
    EntryKind,
    JournalEntry,
    LoanType,
    Pledge,
    Saver,
    SaverAccount,
    SaverStatus,
)
from savings.services import loans
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import PersonFactory, sa_kaeo_district
from tests.savings.conftest import JOINED, member

D = Decimal
TODAY = date(2025, 11, 14)  # 14 พ.ย. 2568


@pytest.fixture(autouse=True)
def clock():
    moment = datetime(2025, 11, 14, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


def _url(name, *args):
    return reverse(f"savings:{name}", args=args)


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _applicant(by, district=OWN_DISTRICT, **person):
    person = PersonFactory(district=sa_kaeo_district(district), **person)
    return services.saver_apply(person=person, units=2, applied_on=TODAY, by=by)


def _paid_months(saver, by, months, units=2):
    for month in range(1, months + 1):
        services.pledge_pay(saver=saver, amount=D(50 * units), on=date(2025, month, 10), by=by)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The register -----------------------------------------------------------------------------


def test_a_district_treasurer_sees_their_district_with_balances_and_arrears(
    client, treasurer, district_treasurer
):
    own = member(treasurer, first_name="บุญมา")
    _paid_months(own, treasurer, 7)  # Jan–Jul of Jan–Oct: 3 months × 100 owed
    services.deposit(saver=own, amount=D("250"), on=TODAY, by=treasurer)
    other = member(treasurer, district=OTHER_DISTRICT, first_name="ประไพ")
    client.force_login(district_treasurer)
    page = _page(client, _url("saver_list"))
    assert own.person.full_name in page and other.person.full_name not in page
    row = client.get(_url("saver_list")).context["rows"][0]
    assert (row.units, row.account.total, row.arrears) == (2, D("950.00"), D("300.00"))
    assert "950.00 บาท" in page and "300.00 บาท" in page
    assert 'name="district"' not in page  # one district: no district filter


def test_staff_find_savers_by_district_status_name_and_member_number(client, treasurer):
    first = member(treasurer, first_name="วันดี")
    member(treasurer, district=OTHER_DISTRICT, first_name="มาลัย")
    applying = _applicant(treasurer, first_name="สมศรี")
    client.force_login(treasurer)

    def found(**params):
        rows = client.get(_url("saver_list"), params).context["rows"]
        return [row.saver for row in rows]

    assert len(found()) == 3
    assert found(district=OTHER_DISTRICT)[0].district_id == OTHER_DISTRICT
    assert found(status=SaverStatus.APPLIED) == [applying]
    assert found(q=str(first.member_number)) == [first]
    assert found(q=f"{first.person.first_name} {first.person.last_name}") == [first]
    assert found(q="ไม่มีใครชื่อนี้") == []


def test_the_register_needs_the_same_queries_for_one_saver_or_many(client, treasurer):
    client.force_login(treasurer)
    member(treasurer)
    client.get(_url("saver_list"))  # warm caches (policy, chart)
    with CaptureQueriesContext(connection) as one:
        client.get(_url("saver_list"))
    for _n in range(6):
        saver = member(treasurer)
        services.pledge_pay(saver=saver, amount=D("100"), on=TODAY, by=treasurer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("saver_list"))
    assert len(response.context["rows"]) == 7
    assert len(many) == len(one)


def test_the_register_downloads_as_csv_and_excel_in_thai(client, treasurer):
    saver = member(treasurer, first_name="ประไพ")
    _paid_months(saver, treasurer, 10)
    client.force_login(treasurer)
    response = client.get(reverse("savings:saver_export", kwargs={"fmt": "csv"}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "เลขที่สมาชิก" in text.splitlines()[0]
    assert saver.person.full_name in text and "1000.00" in text

    from openpyxl import load_workbook

    response = client.get(reverse("savings:saver_export", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[1][1] == saver.person.full_name and rows[1][3] == "สมาชิก"
    assert D(str(rows[1][7])) == D("1000.00")
    assert client.get(reverse("savings:saver_export", kwargs={"fmt": "pdf"})).status_code == 404


# --- The application --------------------------------------------------------------------------


def _application(**extra) -> dict:
    data = {
        "applied_on": "14/11/2568",
        "units": "3",
        "marital_status": "married",
        "spouse_member_number": "",
        "occupation": "ทอผ้า",
        "other_occupation": "",
        "monthly_income": "9000",
        "other_memberships": "กองทุนหมู่บ้าน",
        "witness_1": "นายพยาน หนึ่ง",
        "witness_2": "นางพยาน สอง",
        "beneficiary-TOTAL_FORMS": "3",
        "beneficiary-INITIAL_FORMS": "0",
        "beneficiary-0-name": "นางสาวลูก ทดสอบ",
        "beneficiary-0-relationship": "บุตร",
        "beneficiary-0-share_pct": "60",
        "beneficiary-1-name": "นายหลาน ทดสอบ",
        "beneficiary-1-relationship": "หลาน",
        "beneficiary-1-share_pct": "40",
    }
    return {**data, **extra}


def test_a_district_treasurer_records_an_application_with_beneficiaries(client, district_treasurer):
    person = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_treasurer)
    url = _url("saver_apply") + f"?person={person.pk}"
    page = _page(client, url)
    assert person.full_name in page and "20.00 บาท" in page  # the entry fee
    response = client.post(url, _application())
    saver = Saver.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == _url("saver_detail", saver.pk)
    assert (saver.status, saver.applied_on, saver.occupation) == (
        SaverStatus.APPLIED,
        TODAY,
        "ทอผ้า",
    )
    assert (saver.witness_1, saver.monthly_income) == ("นายพยาน หนึ่ง", D("9000"))
    assert Pledge.objects.get(saver=saver).units == 3
    assert [(b.name, b.share_pct) for b in saver.beneficiaries.order_by("pk")] == [
        ("นางสาวลูก ทดสอบ", D("60")),
        ("นายหลาน ทดสอบ", D("40")),
    ]


def test_the_apply_page_finds_only_people_who_may_still_apply(client, treasurer):
    free = PersonFactory(first_name="จำเนียร")
    enrolled = member(treasurer, first_name="จำเนียร")
    client.force_login(treasurer)
    response = client.get(_url("saver_apply"), {"q": "จำเนียร"})
    assert response.context["people"] == [free]
    assert f"?person={free.pk}" in response.content.decode()
    page = _page(client, _url("saver_apply"), person=enrolled.person.pk)
    assert "บุคคลนี้สมัครไว้แล้วหรือเป็นสมาชิกอยู่แล้ว" in page
    assert 'name="units"' not in page


def test_shares_not_adding_up_to_100_are_refused_and_nothing_is_saved(client, treasurer):
    person = PersonFactory()
    client.force_login(treasurer)
    url = _url("saver_apply") + f"?person={person.pk}"
    response = client.post(url, _application(**{"beneficiary-1-share_pct": "30"}))
    assert response.status_code == 200
    assert "ต้องรวมกันได้ 100" in response.content.decode()
    assert not Saver.objects.filter(person=person).exists()


def test_the_services_refusal_shows_next_to_the_field(client, treasurer):
    person = PersonFactory()
    client.force_login(treasurer)
    url = _url("saver_apply") + f"?person={person.pk}"
    response = client.post(url, _application(units="25"))
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
    assert not Saver.objects.filter(person=person).exists()
    young = PersonFactory(birth_date=date(2010, 1, 1))
    response = client.post(_url("saver_apply") + f"?person={young.pk}", _application())
    assert response.context["form"].non_field_errors()
    assert not Saver.objects.filter(person=young).exists()


def test_a_treasurer_cannot_apply_for_a_person_of_another_district(client, district_treasurer):
    stranger = PersonFactory(district=sa_kaeo_district(OTHER_DISTRICT))
    client.force_login(district_treasurer)
    response = client.get(_url("saver_apply"), {"person": stranger.pk})
    assert response.status_code == 404
    response = client.post(_url("saver_apply") + f"?person={stranger.pk}", _application())
    assert response.status_code == 404
    assert not Saver.objects.filter(person=stranger).exists()


def test_readers_without_the_treasurer_function_may_not_apply(client, district_member, officer):
    person = PersonFactory()
    for user in (district_member, officer):
        client.force_login(user)
        assert client.get(_url("saver_apply"), {"person": person.pk}).status_code == 403
        response = client.post(_url("saver_apply") + f"?person={person.pk}", _application())
        assert response.status_code == 403
    assert not Saver.objects.exists()


# --- A saver's page ---------------------------------------------------------------------------


@pytest.fixture
def borrower(treasurer, approver):
    """A member with savings, a loan being repaid, and a guarantee of another loan."""
    services.income(
        income_account=services.account("other_income"),
        amount=D("50000"),
        on=JOINED,
        by=treasurer,
        memo="เงินอุดหนุน",
    )
    saver = member(treasurer, first_name="บุญมา")
    _paid_months(saver, treasurer, 10)
    services.deposit(saver=saver, amount=D("300"), on=date(2025, 10, 10), by=treasurer)
    ordinary = LoanType.objects.get(code="ordinary")
    loan = loans.loan_apply(
        saver=saver,
        loan_type=ordinary,
        amount=D("500"),
        term_months=5,
        purpose="ทุนหมุนเวียน",
        guarantors=[],
        applied_on=date(2025, 10, 1),
        by=treasurer,
    )
    loans.loan_decide(loan=loan, approve=True, by=approver, meeting_number="10/2568")
    loans.loan_disburse(
        loan=loan, on=date(2025, 10, 5), first_due_on=date(2025, 11, 5), by=treasurer
    )
    return saver


def test_the_saver_page_shows_balances_pledge_loans_and_what_the_user_may_record(
    client, treasurer, borrower
):
    Beneficiary.objects.create(
        saver=borrower, name="นางสาวลูก ทดสอบ", relationship="บุตร", share_pct=D("100")
    )
    client.force_login(treasurer)
    response = client.get(_url("saver_detail", borrower.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert borrower.person.full_name in page and str(borrower.member_number) in page
    balances = response.context["balances"]
    assert (balances.total, balances.held, balances.available) == (
        D("1300.00"),
        D("0.00"),
        D("1300.00"),
    )
    assert "1,300.00 บาท" in page
    assert "นางสาวลูก ทดสอบ" in page
    loan = borrower.loans.get()
    assert loan.number in page
    assert _url("saver_statement", borrower.pk) in page
    for name in ("saver_pledge", "saver_leave", "saver_beneficiaries"):
        assert _url(name, borrower.pk) in page
    for name in ("deposit", "withdraw", "pledge_pay"):
        assert _url(name, borrower.pk) in page
    assert _url("loan_apply") + f"?saver={borrower.pk}" in page
    assert _url("loan_detail", loan.pk) in page
    assert response.context["arrears"] == D("0.00")
    assert response.context["history"] is not None  # staff see the changes


def test_an_officer_reads_a_saver_without_record_buttons(client, treasurer, officer):
    saver = member(treasurer)
    client.force_login(officer)
    page = _page(client, _url("saver_detail", saver.pk))
    assert saver.person.full_name in page
    assert _url("saver_leave", saver.pk) not in page
    assert _url("saver_pledge", saver.pk) not in page


def test_a_saver_of_another_district_is_not_found(client, treasurer, district_treasurer):
    stranger = member(treasurer, district=OTHER_DISTRICT)
    client.force_login(district_treasurer)
    for name in ("saver_detail", "saver_statement", "saver_leave", "saver_pledge"):
        assert client.get(_url(name, stranger.pk)).status_code == 404


# --- The committee's decision -----------------------------------------------------------------


def _decision(key, **extra) -> dict:
    data = {
        "key": str(key),
        "decision": "admit",
        "decided_on": "14/11/2568",
        "meeting_number": "11/2568",
        "note": "",
        "fee_paid": "on",
    }
    return {**data, **extra}


def test_the_committee_admits_an_applicant_and_the_entry_fee_is_taken_once(
    client, district_treasurer
):
    applying = _applicant(district_treasurer)
    client.force_login(district_treasurer)
    response = client.get(_url("saver_decide", applying.pk))
    assert "20.00 บาท" in response.content.decode()
    key = response.context["form"].initial["key"]
    first = client.post(_url("saver_decide", applying.pk), _decision(key))
    again = client.post(_url("saver_decide", applying.pk), _decision(key))
    applying.refresh_from_db()
    assert first.status_code == again.status_code == 302
    assert (applying.status, applying.meeting_number) == (SaverStatus.ACTIVE, "11/2568")
    assert applying.member_number
    fees = JournalEntry.objects.filter(kind=EntryKind.ENTRY_FEE)
    assert fees.count() == 1 and fees.get().document_number.startswith("RC")
    page = client.get(again["Location"]).content.decode()
    assert "ไม่มีการบันทึกซ้ำ" in page


def test_a_rejection_needs_a_reason(client, treasurer):
    applying = _applicant(treasurer)
    client.force_login(treasurer)
    key = client.get(_url("saver_decide", applying.pk)).context["form"].initial["key"]
    response = client.post(_url("saver_decide", applying.pk), _decision(key, decision="reject"))
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    applying.refresh_from_db()
    assert applying.status == SaverStatus.APPLIED
    response = client.post(
        _url("saver_decide", applying.pk),
        _decision(key, decision="reject", note="อายุไม่ถึงเกณฑ์"),
    )
    applying.refresh_from_db()
    assert response.status_code == 302 and applying.status == SaverStatus.REJECTED
    assert not JournalEntry.objects.filter(kind=EntryKind.ENTRY_FEE).exists()


def test_a_decided_application_offers_no_form(client, treasurer):
    saver = member(treasurer)
    client.force_login(treasurer)
    page = _page(client, _url("saver_decide", saver.pk))
    assert 'name="decision"' not in page


# --- Pledge and beneficiaries -----------------------------------------------------------------


def test_a_pledge_is_raised_from_next_month_and_a_mid_year_lowering_is_refused(client, treasurer):
    saver = member(treasurer, units=2)
    client.force_login(treasurer)
    response = client.get(_url("saver_pledge", saver.pk))
    assert response.context["form"].initial["from_month"] == date(2025, 12, 1)
    response = client.post(
        _url("saver_pledge", saver.pk), {"units": "4", "from_month": "20/12/2568"}
    )
    assert response.status_code == 302
    assert services.pledge_units(saver, date(2025, 12, 1)) == 4
    response = client.post(
        _url("saver_pledge", saver.pk), {"units": "1", "from_month": "01/12/2568"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["from_month"]
    assert services.pledge_units(saver, date(2025, 12, 1)) == 4


def _nomination(*rows, witness_1="นายพยาน", initial=0) -> dict:
    data = {
        "beneficiary-TOTAL_FORMS": "3",
        "beneficiary-INITIAL_FORMS": str(initial),
        "witness_1": witness_1,
        "witness_2": "",
    }
    for index, (name, relationship, share) in enumerate(rows):
        data[f"beneficiary-{index}-name"] = name
        data[f"beneficiary-{index}-relationship"] = relationship
        data[f"beneficiary-{index}-share_pct"] = share
    return data


def test_beneficiaries_are_replaced_and_the_old_nomination_stays_in_the_history(client, treasurer):
    from pghistory.models import Events

    saver = member(treasurer)
    client.force_login(treasurer)
    url = _url("saver_beneficiaries", saver.pk)
    assert client.post(url, _nomination(("นางหนึ่ง", "คู่สมรส", "100"))).status_code == 302
    response = client.get(url)
    assert response.context["formset"].forms[0].initial["name"] == "นางหนึ่ง"
    response = client.post(
        url, _nomination(("นายสอง", "บุตร", "50"), ("นายสาม", "บุตร", "50"), initial=1)
    )
    assert response.status_code == 302
    assert sorted(saver.beneficiaries.values_list("name", flat=True)) == ["นายสอง", "นายสาม"]
    saver.refresh_from_db()
    assert saver.witness_1 == "นายพยาน"
    deleted = Events.objects.filter(pgh_obj_model="savings.Beneficiary", pgh_label="delete")
    assert [event.pgh_data["name"] for event in deleted] == ["นางหนึ่ง"]


def test_beneficiary_shares_must_add_up_to_100(client, treasurer):
    saver = member(treasurer)
    client.force_login(treasurer)
    response = client.post(
        _url("saver_beneficiaries", saver.pk),
        _nomination(("นายสอง", "บุตร", "50"), ("", "", "30")),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["name"]
    response = client.post(
        _url("saver_beneficiaries", saver.pk),
        _nomination(("นายสอง", "บุตร", "50"), ("นายสาม", "บุตร", "30")),
    )
    assert "ต้องรวมกันได้ 100" in response.content.decode()
    assert not saver.beneficiaries.exists()


# --- Leaving ----------------------------------------------------------------------------------


def _leaving(key, **extra) -> dict:
    data = {"key": str(key), "status": "resigned", "on": "14/11/2568", "reason": "ย้ายไปต่างจังหวัด"}
    return {**data, **extra}


def test_the_leave_page_shows_the_settlement_and_a_resignation_pays_out_once(
    client, treasurer, borrower
):
    client.force_login(treasurer)
    response = client.get(_url("saver_leave", borrower.pk))
    found = response.context["settlement"]
    assert found.savings == D("1300.00") and len(found.debts) == 1
    assert response.context["problems"] == []
    page = response.content.decode()
    assert borrower.loans.get().number in page
    key = response.context["form"].initial["key"]
    first = client.post(_url("saver_leave", borrower.pk), _leaving(key))
    again = client.post(_url("saver_leave", borrower.pk), _leaving(key))
    assert first.status_code == again.status_code == 302
    borrower.refresh_from_db()
    assert (borrower.status, borrower.left_on) == (SaverStatus.RESIGNED, TODAY)
    assert JournalEntry.objects.filter(kind=EntryKind.SETTLEMENT).count() == 1
    balances = SaverAccount.objects.get(saver=borrower)
    assert (balances.pledged, balances.deposits, balances.loan_principal) == (0, 0, 0)
    voucher = JournalEntry.objects.get(kind=EntryKind.SETTLEMENT)
    page = _page(client, _url("saver_detail", borrower.pk))
    assert _url("voucher", voucher.pk) in page  # the voucher among the payouts
    assert _url("saver_leave", borrower.pk) not in page  # nothing more to record


def test_a_guarantor_sees_why_they_cannot_leave_and_nothing_is_recorded(
    client, treasurer, approver, borrower
):
    other, second = member(treasurer), member(treasurer)
    _paid_months(other, treasurer, 10)
    _paid_months(second, treasurer, 10)
    loan = loans.loan_apply(
        saver=other,
        loan_type=LoanType.objects.get(code="ordinary"),
        amount=D("2000"),
        term_months=6,
        purpose="ซื้อวัตถุดิบ",
        guarantors=[borrower, second],
        applied_on=date(2025, 11, 1),
        by=treasurer,
    )
    client.force_login(treasurer)
    response = client.get(_url("saver_leave", borrower.pk))
    assert any(loan.number in problem for problem in response.context["problems"])
    key = response.context["form"].initial["key"]
    response = client.post(_url("saver_leave", borrower.pk), _leaving(key))
    assert response.status_code == 200
    assert loan.number in " ".join(response.context["form"].non_field_errors())
    borrower.refresh_from_db()
    assert borrower.status == SaverStatus.ACTIVE


def test_on_death_the_page_shows_and_pays_each_beneficiarys_share(client, treasurer):
    saver = member(treasurer)
    _paid_months(saver, treasurer, 10)
    services.deposit(saver=saver, amount=D("100.01"), on=TODAY, by=treasurer)
    for name, share in (("นางหนึ่ง", "50"), ("นายสอง", "25"), ("นายสาม", "25")):
        Beneficiary.objects.create(saver=saver, name=name, relationship="ญาติ", share_pct=D(share))
    client.force_login(treasurer)
    response = client.get(_url("saver_leave", saver.pk))
    # 1,100.01 by 50/25/25: the leftover satang goes to the largest remainder
    assert [amount for _b, amount in response.context["split"]] == [
        D("550.01"),
        D("275.00"),
        D("275.00"),
    ]
    assert "550.01 บาท" in response.content.decode()
    key = response.context["form"].initial["key"]
    response = client.post(
        _url("saver_leave", saver.pk), _leaving(key, status="deceased", reason="มรณบัตร")
    )
    assert response.status_code == 302
    vouchers = JournalEntry.objects.filter(kind=EntryKind.SETTLEMENT).order_by("pk")
    assert [sum(line.credit for line in v.lines.all()) for v in vouchers] == [
        D("550.01"),
        D("275.00"),
        D("275.00"),
    ]


def test_leaving_needs_a_reason(client, treasurer):
    saver = member(treasurer)
    client.force_login(treasurer)
    key = client.get(_url("saver_leave", saver.pk)).context["form"].initial["key"]
    response = client.post(_url("saver_leave", saver.pk), _leaving(key, reason=""))
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    saver.refresh_from_db()
    assert saver.status == SaverStatus.ACTIVE


# --- The statement ----------------------------------------------------------------------------


def test_the_statement_shows_every_entry_with_balances_reversals_and_words(
    client, treasurer, approver, borrower
):
    wrong = services.deposit(saver=borrower, amount=D("150"), on=TODAY, by=treasurer)
    services.reverse(entry=wrong, on=TODAY, reason="บันทึกผิดคน", by=treasurer, approved_by=approver)
    client.force_login(treasurer)
    response = client.get(_url("saver_statement", borrower.pk))
    statement = response.context["statement"]
    kinds = [row.entry.kind for row in statement.rows]
    assert kinds[:1] == [EntryKind.PLEDGE] and EntryKind.DISBURSEMENT in kinds
    assert [row.reversed for row in statement.rows[-2:]] == [True, True]
    assert statement.closing.savings == D("1300.00")
    assert statement.closing.loans == D("500.00")
    page = response.content.decode()
    assert page.count('class="reversed-entry"') == 2
    assert _url("receipt", wrong.pk) in page  # each document opens to print
    assert "หนึ่งพันสามร้อยบาทถ้วน" in page
    assert "14 พ.ย. 68" in page  # B.E. dates
    assert 'class="document paper-a4"' in page
    assert 'class="document paper-a5"' in _page(
        client, _url("saver_statement", borrower.pk), paper="a5"
    )


def test_the_statement_of_a_period_carries_the_balance_forward(client, treasurer, borrower):
    client.force_login(treasurer)
    response = client.get(
        _url("saver_statement", borrower.pk), {"start": "01/10/2568", "end": "31/10/2568"}
    )
    statement = response.context["statement"]
    assert statement.opening.savings == D("900.00")  # Jan–Sep pledges
    assert [row.on.month for row in statement.rows] == [10, 10, 10]
    assert statement.closing.savings == D("1300.00")
    response = client.get(
        _url("saver_statement", borrower.pk), {"start": "01/11/2568", "end": "01/10/2568"}
    )
    assert response.context["form"].errors


def test_the_statement_needs_the_same_queries_for_few_lines_or_many(client, treasurer):
    saver = member(treasurer)
    _paid_months(saver, treasurer, 1)
    client.force_login(treasurer)
    url = _url("saver_statement", saver.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _paid_months(saver, treasurer, 10)
    services.deposit(saver=saver, amount=D("500"), on=TODAY, by=treasurer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["statement"].rows) == 12
    assert len(many) == len(few)


def test_the_statement_downloads_as_csv_and_excel(client, treasurer, borrower):
    client.force_login(treasurer)
    url = reverse("savings:saver_statement_export", kwargs={"pk": borrower.pk, "fmt": "csv"})
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert len(text.splitlines()) == 1 + 12  # header, 10 pledges, the loan, the deposit
    text = b"".join(client.get(url, {"start": "01/10/2568"}).streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert "ยอดยกมา" in lines[1] and "900.00" in lines[1]
    assert len(lines) == 1 + 1 + 3  # header, brought forward, October's three entries

    from openpyxl import load_workbook

    url = reverse("savings:saver_statement_export", kwargs={"pk": borrower.pk, "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content))).active
    rows = list(sheet.values)
    assert rows[1][0] == "10/01/2568" and "เงินสัจจะ" in rows[1][2]
    assert D(str(rows[-1][10])) == D("1300.00")
