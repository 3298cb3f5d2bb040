"""The loans pages as the treasurer, the loan committee, district members and officers
use them: the list and its exports, the application with its limits, the decision,
withdrawal, pay-out, repayment, a change of guarantor, the printed contract and
guarantee forms, and the aging selector the reports reuse."""

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal as D

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import NationalIdView
from otop_portal.lib.money import format_baht
from otop_portal.lib.natid import format_national_id, mask_national_id
from otop_portal.lib.thaidate import format_thai_date
from savings import selectors_loans, services
from savings.models import (
    EntryKind,
    Guarantee,
    Instalment,
    JournalEntry,
    JournalLine,
    Loan,
    LoanStatus,
    LoanType,
    Role,
    SaverAccount,
)
from savings.services import loans as loan_services
from tests.conftest import OTHER_DISTRICT
from tests.savings import matrix_loans as build
from tests.savings.builders import committee
from tests.savings.conftest import member

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _be(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _late_loan(**kwargs):
    """A loan of 1,000 paid out 75 days ago, nothing repaid: two instalments are late."""
    return build.active_loan(on=_today() - timedelta(days=75), **kwargs)


# --- The list and its exports --------------------------------------------------------------------


def test_a_district_member_lists_their_districts_loans_and_staff_every_district(
    client, district_member, staff
):
    late = _late_loan()
    other = build.applied_loan(district=OTHER_DISTRICT, cash=False)
    state = loan_services.loan_state(late)
    url = reverse("savings:loan_list")

    page = _page(client, district_member, url)
    assert "เงินกู้สมาชิก" in page
    assert late.number in page and other.number not in page
    assert format_baht(state.next_due_amount) in page
    assert f">{state.days_overdue}<" in page
    assert reverse("savings:loan_apply") not in page  # no treasurer function

    page = _page(client, staff, url)
    assert late.number in page and other.number in page
    assert reverse("savings:loan_apply") in page


def test_the_list_filters_by_status_district_and_overdue(client, staff):
    late = _late_loan()
    current = build.active_loan(cash=False)
    applied = build.applied_loan(district=OTHER_DISTRICT, cash=False)
    url = reverse("savings:loan_list")

    page = _page(client, staff, url, overdue="on")
    assert late.number in page
    assert current.number not in page and applied.number not in page
    page = _page(client, staff, url, status=LoanStatus.APPLIED)
    assert applied.number in page and late.number not in page
    page = _page(client, staff, url, district=OTHER_DISTRICT)
    assert applied.number in page and current.number not in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?overdue=on"])
def test_the_list_costs_the_same_queries_for_one_loan_or_many(client, staff, query):
    _late_loan()
    client.force_login(staff)
    url = reverse("savings:loan_list") + query
    _count(client, url)  # warm caches
    one = _count(client, url)
    for _ in range(3):
        loan = _late_loan(cash=False)
        loan_services.loan_repay(loan=loan, amount=D("100"), on=_today(), by=committee())
        build.applied_loan(cash=False)
    assert _count(client, url) == one


def test_the_exports_open_in_excel_with_thai_text(client, district_member):
    loan = build.active_loan()
    build.applied_loan(district=OTHER_DISTRICT, cash=False)
    client.force_login(district_member)

    response = client.get(reverse("savings:loan_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["เลขที่สัญญาเงินกู้", "เลขที่สมาชิก", "ผู้กู้"]
    assert len(rows) == 2  # the other district's loan is not in it
    assert rows[1][0] == loan.number and rows[1][2] == loan.saver.person.full_name
    assert rows[1][5] == "อยู่ระหว่างผ่อนชำระ"

    response = client.get(reverse("savings:loan_export", args=["xlsx"]), {"status": "active"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][2] == "ผู้กู้"
    assert values[1][0] == loan.number
    assert D(str(values[1][8])) == D("1000")
    assert values[1][6] == _be(loan.applied_on)


# --- The application -----------------------------------------------------------------------------


def _application(saver, **extra) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "saver": saver.pk,
        "loan_type": LoanType.objects.get(code="ordinary").pk,
        "amount": "1000",
        "term_months": "5",
        "purpose": "ซื้อด้ายฝ้าย",
        "applied_on": _be(_today()),
        **extra,
    }


def test_the_application_shows_the_limit_and_each_guarantors_room(client, treasurer):
    build.group_cash()
    borrower, g1, g2 = (build.paid_up_member() for _ in range(3))
    ordinary = LoanType.objects.get(code="ordinary")
    limit = loan_services.loan_limit(borrower, ordinary, _today())
    url = reverse("savings:loan_apply")

    page = _page(client, treasurer, url, saver=borrower.pk, loan_type=ordinary.pk)
    assert f'value="{borrower.pk}" selected' in page
    assert format_baht(limit.without_guarantors) in page
    assert format_baht(limit.with_guarantors) in page

    data = _application(borrower, amount="3000", guarantor_1=g1.pk, guarantor_2=g2.pk)
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    assert "<html" not in partial and 'id="loan-check"' in partial
    assert format_baht(D("1500")) in partial  # each guarantor's share
    assert format_baht(loan_services.guarantor_room(g1)) in partial
    assert not Loan.objects.exists()  # checking records nothing

    response = client.post(url, {**data, "action": "check"})
    assert response.status_code == 200 and not Loan.objects.exists()


def test_an_application_is_recorded_once_and_a_refusal_reads_in_thai(client, district_treasurer):
    build.group_cash()
    borrower = build.paid_up_member()
    client.force_login(district_treasurer)
    url = reverse("savings:loan_apply")

    response = client.post(url, _application(borrower, amount="5000"))
    assert response.status_code == 200
    assert "หากไม่มีผู้ค้ำประกัน สมาชิกกู้ได้ไม่เกิน" in response.content.decode()
    assert not Loan.objects.exists()

    data = _application(borrower)
    response = client.post(url, data)
    loan = Loan.objects.get()
    assert response["Location"] == reverse("savings:loan_detail", args=[loan.pk])
    assert (loan.status, loan.recorded_by, loan.amount) == (
        LoanStatus.APPLIED,
        district_treasurer,
        D("1000"),
    )
    again = client.post(url, data)  # a double click
    assert again["Location"] == response["Location"]
    assert Loan.objects.count() == 1


def test_a_district_treasurer_cannot_lend_to_another_districts_member(
    client, district_treasurer, district_member
):
    build.group_cash()
    stranger = build.paid_up_member(district=OTHER_DISTRICT)
    client.force_login(district_treasurer)
    page = client.get(reverse("savings:loan_apply")).content.decode()
    assert str(stranger.person) not in page
    response = client.post(reverse("savings:loan_apply"), _application(stranger))
    assert response.status_code == 200
    assert "เลือกตัวเลือกที่ถูกต้อง" in response.content.decode()
    assert not Loan.objects.exists()

    client.force_login(district_member)  # no treasurer function
    assert client.get(reverse("savings:loan_apply")).status_code == 403


# --- One loan ------------------------------------------------------------------------------------


def test_the_loan_page_shows_schedule_payments_and_state_with_the_users_actions(
    client, district_member, district_treasurer, staff
):
    loan = _late_loan(guarantors=2)
    entry = loan_services.loan_repay(loan=loan, amount=D("100"), on=_today(), by=committee())
    state = loan_services.loan_state(loan)
    url = reverse("savings:loan_detail", args=[loan.pk])

    page = _page(client, district_member, url)
    for amount in (state.payoff, state.fines_outstanding, state.principal_overdue):
        assert format_baht(amount) in page
    assert format_thai_date(loan.first_due_on) in page
    assert reverse("savings:receipt", args=[entry.pk]) in page
    assert page.count('class="table-danger"') >= 1  # an overdue instalment
    for guarantee in loan.guarantees.all():
        assert reverse("savings:guarantee_form", args=[guarantee.pk]) in page
        assert reverse("savings:guarantee_replace", args=[guarantee.pk]) not in page
    assert reverse("savings:loan_repay", args=[loan.pk]) not in page  # reads only

    page = _page(client, district_treasurer, url)
    assert reverse("savings:loan_repay", args=[loan.pk]) in page
    page = _page(client, staff, url)
    guarantee = loan.guarantees.first()
    assert reverse("savings:guarantee_replace", args=[guarantee.pk]) in page


def test_another_district_does_not_see_a_loan_even_with_the_treasurer_function(
    client, other_district_treasurer
):
    loan = build.active_loan(guarantors=2)
    client.force_login(other_district_treasurer)
    for name in ("loan_detail", "loan_repay", "loan_contract", "loan_withdraw"):
        assert client.get(reverse(f"savings:{name}", args=[loan.pk])).status_code == 404
    guarantee = loan.guarantees.first()
    assert client.get(reverse("savings:guarantee_form", args=[guarantee.pk])).status_code == 404


# --- Decision and withdrawal ---------------------------------------------------------------------


def test_the_loan_committee_decides_but_never_the_person_who_recorded_it(client, approver):
    loan = build.applied_loan()
    url = reverse("savings:loan_decide", args=[loan.pk])
    page = _page(client, approver, url)
    assert 'name="decision"' in page
    assert format_baht(D("1000")) in page

    response = client.post(url, {"decision": "reject"})
    assert "โปรดระบุเหตุผลที่ไม่อนุมัติเงินกู้" in response.content.decode()
    response = client.post(url, {"decision": "approve", "meeting_number": "3/2569"})
    assert response["Location"] == reverse("savings:loan_detail", args=[loan.pk])
    loan.refresh_from_db()
    assert (loan.status, loan.decided_by, loan.meeting_number) == (
        LoanStatus.APPROVED,
        approver,
        "3/2569",
    )

    mine = build.applied_loan(cash=False)
    url = reverse("savings:loan_decide", args=[mine.pk])
    page = _page(client, committee(), url)
    assert "ท่านเป็นผู้บันทึกคำขอนี้" in page
    response = client.post(url, {"decision": "approve"})
    assert "ผู้บันทึกคำขอกู้ไม่สามารถพิจารณาคำขอนั้นเองได้" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == LoanStatus.APPLIED


def test_a_rejected_application_keeps_its_reason(client, approver):
    loan = build.applied_loan()
    client.force_login(approver)
    url = reverse("savings:loan_decide", args=[loan.pk])
    client.post(url, {"decision": "reject", "note": "วัตถุประสงค์ไม่ชัดเจน"})
    loan.refresh_from_db()
    assert (loan.status, loan.decision_note) == (LoanStatus.REJECTED, "วัตถุประสงค์ไม่ชัดเจน")
    page = _page(client, approver, reverse("savings:loan_detail", args=[loan.pk]))
    assert "วัตถุประสงค์ไม่ชัดเจน" in page and "ไม่อนุมัติ" in page


def test_the_applicant_withdraws_and_the_guarantors_are_freed(client, district_treasurer):
    loan = build.applied_loan(guarantors=2)
    guarantor = loan.guarantees.first().guarantor
    assert loan_services.guarantees_committed(guarantor) == D("1500")
    url = reverse("savings:loan_withdraw", args=[loan.pk])
    client.force_login(district_treasurer)

    response = client.post(url, {"note": ""})
    assert response.status_code == 200  # a reason is needed
    response = client.post(url, {"note": "ผู้กู้ไม่ต้องการกู้แล้ว"})
    assert response["Location"] == reverse("savings:loan_detail", args=[loan.pk])
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WITHDRAWN
    assert loan_services.guarantees_committed(guarantor) == 0
    page = client.get(url).content.decode()
    assert "ยกเลิกได้เฉพาะเงินกู้ที่ยังไม่จ่าย" in page


# --- Pay-out and repayment -----------------------------------------------------------------------


def test_paying_out_fixes_the_schedule_and_shows_the_voucher_once(client, treasurer):
    loan = build.approved_loan(guarantors=2)
    url = reverse("savings:loan_disburse", args=[loan.pk])
    today = _today()
    page = _page(client, treasurer, url)
    assert format_thai_date(today + relativedelta(months=1), short=True) in page  # the plan

    bad = {"key": str(uuid.uuid4()), "on": _be(today), "first_due_on": _be(today)}
    response = client.post(url, bad)
    assert "งวดแรกต้องครบกำหนดหลังวันจ่ายเงินกู้" in response.content.decode()
    assert not JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()

    data = {
        "key": str(uuid.uuid4()),
        "on": _be(today),
        "first_due_on": _be(today + relativedelta(months=1)),
    }
    response = client.post(url, data)
    entry = JournalEntry.objects.get(kind=EntryKind.DISBURSEMENT)
    assert response["Location"] == reverse("savings:voucher", args=[entry.pk])
    again = client.post(url, data)
    assert again["Location"] == response["Location"]
    assert JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert Instalment.objects.filter(loan=loan).count() == 5
    assert sorted(g.held for g in Guarantee.objects.filter(loan=loan)) == [D("1500")] * 2


def test_a_repayment_shows_its_split_then_records_with_a_receipt(client, district_treasurer):
    loan = _late_loan()
    state = loan_services.loan_state(loan)
    assert state.fines_outstanding == D("40.00") and state.interest_outstanding == D("20.00")
    url = reverse("savings:loan_repay", args=[loan.pk])
    page = _page(client, district_treasurer, url)
    due_now = state.fines_outstanding + state.interest_outstanding + state.principal_overdue
    assert format_baht(due_now) in page
    assert f'value="{due_now}"' in page  # proposed as the amount

    data = {"key": str(uuid.uuid4()), "amount": "100", "on": _be(_today())}
    response = client.post(url, {**data, "action": "check"}, HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    assert 'id="repay-split"' in partial and "<html" not in partial
    for amount in ("40.00", "20.00"):
        assert format_baht(D(amount)) in partial
    assert not JournalEntry.objects.filter(kind=EntryKind.REPAYMENT).exists()

    response = client.post(url, data)
    entry = JournalEntry.objects.get(kind=EntryKind.REPAYMENT)
    assert response["Location"] == reverse("savings:receipt", args=[entry.pk])
    credits = {line.account.role: line.credit for line in entry.lines.filter(credit__gt=0)}
    assert credits == {Role.FINES: D("40.00"), Role.INTEREST: D("20.00"), Role.LOANS: D("40.00")}

    too_much = {"key": str(uuid.uuid4()), "amount": "99999", "on": _be(_today())}
    response = client.post(url, too_much)
    assert "ชำระได้ไม่เกิน" in response.content.decode()
    assert JournalEntry.objects.filter(kind=EntryKind.REPAYMENT).count() == 1


def test_a_repayment_may_come_from_the_borrowers_own_deposits(client, district_treasurer):
    loan = build.active_loan()
    services.deposit(saver=loan.saver, amount=D("600"), on=_today(), by=committee())
    url = reverse("savings:loan_repay", args=[loan.pk])
    client.force_login(district_treasurer)
    assert "หักจากเงินฝากของผู้กู้" in client.get(url).content.decode()

    data = {"amount": "550", "on": _be(_today()), "from_deposits": "on"}
    response = client.post(url, {**data, "key": str(uuid.uuid4())})
    assert "ต้องคงเงินฝากไว้อย่างน้อย" in response.content.decode()

    response = client.post(url, {**data, "amount": "300", "key": str(uuid.uuid4())})
    assert response["Location"] == reverse("savings:loan_detail", args=[loan.pk])
    assert SaverAccount.objects.get(saver=loan.saver).deposits == D("300.00")
    entry = JournalEntry.objects.get(kind=EntryKind.REPAYMENT)
    assert entry.document == "" and not entry.lines.filter(collector__isnull=False).exists()


# --- Guarantors ----------------------------------------------------------------------------------


def test_the_committee_names_another_guarantor(client, approver):
    loan = build.active_loan(guarantors=2)
    old = loan.guarantees.order_by("pk").first()
    url = reverse("savings:guarantee_replace", args=[old.pk])
    late_payer = member(committee())  # joined long ago, has paid nothing
    page = _page(client, approver, url)
    assert str(old.guarantor.person) in page

    refused = {"guarantor": late_payer.pk, "on": _be(_today()), "reason": "ย้ายไปต่างจังหวัด"}
    response = client.post(url, refused)
    assert "ค้างส่งเงินสัจจะ" in response.content.decode()
    old.refresh_from_db()
    assert old.ended_on is None

    newcomer = build.paid_up_member()
    response = client.post(url, {**refused, "guarantor": newcomer.pk})
    assert response["Location"] == reverse("savings:loan_detail", args=[loan.pk])
    old.refresh_from_db()
    assert (old.ended_on, old.held) == (_today(), 0)
    assert Guarantee.objects.get(loan=loan, guarantor=newcomer).held == D("1500.00")


def test_only_the_loan_committee_changes_a_guarantor(client, district_treasurer):
    loan = build.applied_loan(guarantors=2)
    client.force_login(district_treasurer)
    url = reverse("savings:guarantee_replace", args=[loan.guarantees.first().pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


# --- Printed documents ---------------------------------------------------------------------------


def test_the_contract_prints_the_amount_in_words_with_be_dates(client, staff, officer):
    loan = build.active_loan(guarantors=2)
    borrower = loan.saver.person
    url = reverse("savings:loan_contract", args=[loan.pk])

    page = _page(client, staff, url, paper="a5")
    assert "สัญญากู้เงิน" in page and "paper-a5" in page
    assert "สามพันบาทถ้วน" in page
    assert format_thai_date(loan.disbursed_on) in page
    assert format_thai_date(loan.first_due_on) in page
    for guarantee in loan.guarantees.select_related("guarantor__person"):
        assert guarantee.guarantor.person.full_name in page
    assert format_national_id(borrower.national_id) in page
    assert NationalIdView.objects.filter(person=borrower, viewed_by=staff).exists()

    page = _page(client, officer, url)  # reads, but may not edit the person
    assert format_national_id(borrower.national_id) not in page
    assert mask_national_id(borrower.national_id) in page
    assert not NationalIdView.objects.filter(viewed_by=officer).exists()


def test_the_guarantee_form_names_the_guarantor_the_loan_and_the_amount(client, district_member):
    loan = build.active_loan(guarantors=2)
    guarantee = loan.guarantees.select_related("guarantor__person").first()
    page = _page(client, district_member, reverse("savings:guarantee_form", args=[guarantee.pk]))
    assert "หนังสือค้ำประกันเงินกู้" in page
    assert guarantee.guarantor.person.full_name in page and loan.number in page
    assert "หนึ่งพันห้าร้อยบาทถ้วน" in page
    # issue 7 (PDPA): in full for provincial staff only; masked for a district member
    assert format_national_id(guarantee.guarantor.person.national_id) not in page
    assert mask_national_id(guarantee.guarantor.person.national_id) in page
    assert not NationalIdView.objects.filter(viewed_by=district_member).exists()


# --- Loan aging (for the reports) ----------------------------------------------------------------


def test_aging_puts_each_loan_in_its_bucket_as_it_stood_that_day(
    district_member, other_district_member
):
    late = _late_loan()
    current = build.active_loan(cash=False)
    today = _today()
    rows = selectors_loans.aging(today)
    buckets = {row.loan.pk: row.bucket for row in rows}
    days = loan_services.loan_state(late).days_overdue
    assert 31 <= days <= 60
    assert buckets == {late.pk: "31-60", current.pk: "current"}
    totals = {t.bucket: (t.loans, t.principal) for t in selectors_loans.aging_totals(rows)}
    assert totals["31-60"] == (1, D("1000.00")) and totals["over-90"] == (0, D("0"))

    before = selectors_loans.aging(late.first_due_on)
    assert {row.loan.pk: row.bucket for row in before} == {late.pk: "current"}
    assert len(selectors_loans.aging(today, user=district_member)) == 2
    assert selectors_loans.aging(today, user=other_district_member) == []


# --- Safeguards found in review ------------------------------------------------------------------


def test_one_key_cannot_record_a_repayment_on_another_loan(client, district_treasurer):
    """The same one-time key posted to a second loan with the same values must not
    answer with the first loan's receipt."""
    first, second = _late_loan(), _late_loan()
    data = {"key": str(uuid.uuid4()), "amount": "100", "on": _be(_today())}
    client.force_login(district_treasurer)
    client.post(reverse("savings:loan_repay", args=[first.pk]), data)
    response = client.post(reverse("savings:loan_repay", args=[second.pk]), data)
    assert response.status_code == 200  # refused on the form, nothing recorded
    assert response.context["form"].non_field_errors()
    repaid = JournalLine.objects.filter(entry__kind=EntryKind.REPAYMENT, loan__isnull=False)
    assert set(repaid.values_list("loan_id", flat=True)) == {first.pk}


def test_a_guarantor_comes_from_the_borrowers_district(treasurer, english):
    from django.core.exceptions import ValidationError

    from tests.savings.test_loans import APPLIED, saved

    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("100000"),
        on=APPLIED - relativedelta(months=9),
        by=treasurer,
        memo="เงินอุดหนุน",
    )
    borrower = saved(treasurer, units=4)
    stranger = saved(treasurer, units=4, district=OTHER_DISTRICT)
    with pytest.raises(ValidationError, match="not a member of the borrower's district"):
        loan_services.loan_apply(
            saver=borrower,
            loan_type=LoanType.objects.get(code="ordinary"),
            amount=D("1000"),
            term_months=10,
            purpose="ซื้อด้าย",
            guarantors=[stranger],
            applied_on=APPLIED,
            by=treasurer,
        )
    assert not Loan.objects.exists()
