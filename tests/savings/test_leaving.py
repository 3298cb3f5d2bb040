"""A member leaves: debts settled from deposits, then pledged savings; the rest paid
out with a voucher; refused (nothing written) while they guarantee a loan or owe more
than they saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from savings import services
from savings.models import EntryKind, JournalEntry, LoanStatus, LoanType, SaverAccount, SaverStatus
from savings.services import loans
from savings.services.leaving import beneficiary_split as leaving_split
from savings.services.leaving import saver_leave, settlement
from tests.savings.test_loans import APPLIED, saved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal
LEAVES = date(2025, 10, 25)


@pytest.fixture
def borrower(treasurer, approver):
    """800 pledged, 300 deposited, a loan of 700 paid out on 20 Sep."""
    services.income(
        income_account=services.account("other_income"),
        amount=D("50000"),
        on=date(2025, 1, 10),
        by=treasurer,
        memo="เงินอุดหนุน",
    )
    saver = saved(treasurer)
    services.deposit(saver=saver, amount=D("300"), on=APPLIED, by=treasurer)
    loan = loans.loan_apply(
        saver=saver,
        loan_type=LoanType.objects.get(code="ordinary"),
        amount=D("700"),
        term_months=7,
        purpose="ทุนหมุนเวียน",
        guarantors=[],
        applied_on=APPLIED,
        by=treasurer,
    )
    loans.loan_decide(loan=loan, approve=True, by=approver, meeting_number="9/2568")
    loans.loan_disburse(
        loan=loan, on=date(2025, 9, 20), first_due_on=date(2025, 10, 20), by=treasurer
    )
    return saver


def test_a_resigning_member_settles_the_loan_from_savings_and_is_paid_the_rest(treasurer, borrower):
    found = settlement(borrower, LEAVES)
    # payoff on 25 Oct: 700 principal + 7.00 interest (20 Oct) + fine? the 20 Oct
    # instalment is within its 7 days' grace: no fine
    assert found.owed == D("707.00") and found.savings == D("1100.00")
    saver_leave(
        saver=borrower, status=SaverStatus.RESIGNED, on=LEAVES, reason="ย้ายภูมิลำเนา", by=treasurer
    )
    borrower.refresh_from_db()
    assert (borrower.status, borrower.left_on) == (SaverStatus.RESIGNED, LEAVES)
    loan = borrower.loans.get()
    assert (loan.status, loan.principal_outstanding) == (LoanStatus.REPAID, 0)
    balances = SaverAccount.objects.get(saver=borrower)
    assert (balances.pledged, balances.deposits) == (0, 0)
    payout = JournalEntry.objects.get(kind=EntryKind.SETTLEMENT)
    assert payout.document_number.startswith("PV")
    assert sum(line.credit for line in payout.lines.all()) == D("393.00")


def test_a_guarantor_or_a_member_owing_more_than_they_saved_cannot_leave(
    treasurer, approver, borrower
):
    guarantor, other = saved(treasurer, units=4), saved(treasurer, units=4)
    loan = loans.loan_apply(
        saver=other,
        loan_type=LoanType.objects.get(code="ordinary"),
        amount=D("3000"),
        term_months=6,
        purpose="ซื้อเครื่องจักร",
        guarantors=[guarantor, saved(treasurer, units=4)],
        applied_on=APPLIED,
        by=treasurer,
    )
    with pytest.raises(ValidationError, match=f"guarantees loan\\(s\\) {loan.number}"):
        saver_leave(
            saver=guarantor, status=SaverStatus.RESIGNED, on=LEAVES, reason="ลาออก", by=treasurer
        )
    loans.loan_decide(loan=loan, approve=True, by=approver, meeting_number="9/2568")
    loans.loan_disburse(
        loan=loan, on=date(2025, 9, 20), first_due_on=date(2025, 10, 20), by=treasurer
    )
    # 1,600 saved against 3,000 and more owed
    with pytest.raises(ValidationError, match="more than the savings"):
        saver_leave(
            saver=other, status=SaverStatus.RESIGNED, on=LEAVES, reason="ลาออก", by=treasurer
        )
    other.refresh_from_db()
    guarantor.refresh_from_db()
    assert other.status == guarantor.status == SaverStatus.ACTIVE
    assert not JournalEntry.objects.filter(kind=EntryKind.SETTLEMENT).exists()


# --- Death: the beneficiaries are paid by their shares -------------------------------------------


def _nominate(saver, by, *shares):
    from savings.services.savers import BeneficiaryData, beneficiaries_change

    names = ["ลูกสาว", "ลูกชาย", "หลาน"]
    beneficiaries_change(
        saver=saver,
        beneficiaries=[
            BeneficiaryData(name=f"ผู้รับ {names[i]}", relationship=names[i], share_pct=D(share))
            for i, share in enumerate(shares)
        ],
        by=by,
    )


def _vouchers(saver):
    return list(
        JournalEntry.objects.filter(kind=EntryKind.SETTLEMENT, lines__saver=saver)
        .distinct()
        .order_by("pk")
    )


def _paid(entry) -> Decimal:
    return sum((line.credit for line in entry.lines.all()), D("0"))


def test_on_death_each_beneficiary_gets_a_voucher_for_their_share_to_the_satang(treasurer):
    saver = saved(treasurer, units=2, months=1)  # 100.00 pledged
    services.deposit(saver=saver, amount=D("100.01"), on=APPLIED, by=treasurer)
    _nominate(saver, treasurer, "50", "25", "25")
    # 200.01 by 50/25/25: 100.005, 50.0025, 50.0025 → the leftover satang goes to the
    # largest remainder (the first share)
    assert [amount for _b, amount in leaving_split(saver, D("200.01"))] == [
        D("100.01"),
        D("50.00"),
        D("50.00"),
    ]
    saver_leave(saver=saver, status=SaverStatus.DECEASED, on=LEAVES, reason="มรณบัตร", by=treasurer)
    vouchers = _vouchers(saver)
    assert [_paid(entry) for entry in vouchers] == [D("100.01"), D("50.00"), D("50.00")]
    assert all(entry.document_number.startswith("PV") for entry in vouchers)
    assert len({entry.document_number for entry in vouchers}) == 3
    assert "beneficiary 1 of 3 (share 50.00 %)" in vouchers[0].memo
    assert "beneficiary 3 of 3 (share 25.00 %)" in vouchers[2].memo
    assert "ผู้รับ" not in "".join(entry.memo for entry in vouchers)  # no names in the books
    balances = SaverAccount.objects.get(saver=saver)
    assert (balances.pledged, balances.deposits) == (0, 0)


def test_thirds_add_up_exactly_and_a_few_satang_go_by_the_largest_remainder(treasurer):
    saver = saved(treasurer, units=1, months=1)
    _nominate(saver, treasurer, "33.33", "33.33", "33.34")
    assert [amount for _b, amount in leaving_split(saver, D("100.00"))] == [
        D("33.33"),
        D("33.33"),
        D("33.34"),
    ]
    # two satang: the largest share first, then the earlier of two equal shares
    assert [amount for _b, amount in leaving_split(saver, D("0.02"))] == [
        D("0.01"),
        D("0.00"),
        D("0.01"),
    ]


def test_on_death_without_beneficiaries_the_heirs_get_one_voucher(treasurer):
    saver = saved(treasurer, units=2, months=2)
    saver_leave(saver=saver, status=SaverStatus.DECEASED, on=LEAVES, reason="มรณบัตร", by=treasurer)
    (voucher,) = _vouchers(saver)
    assert _paid(voucher) == D("200.00")
    assert "paid to the heirs" in voucher.memo


def test_on_death_a_loan_is_settled_first_and_only_the_rest_is_split(treasurer, borrower):
    _nominate(borrower, treasurer, "60", "40")
    saver_leave(
        saver=borrower, status=SaverStatus.DECEASED, on=LEAVES, reason="มรณบัตร", by=treasurer
    )
    # 1,100 saved − 707 owed = 393 paid out: 235.80 and 157.20
    assert [_paid(entry) for entry in _vouchers(borrower)] == [D("235.80"), D("157.20")]


def test_a_tiny_payout_skips_a_beneficiary_whose_share_rounds_to_nothing(treasurer):
    saver = saved(treasurer, units=1, months=1)
    _nominate(saver, treasurer, "99.99", "0.01")
    saver_leave(saver=saver, status=SaverStatus.DECEASED, on=LEAVES, reason="มรณบัตร", by=treasurer)
    # 50.00 × 0.01 % = 0.005 satang: the first beneficiary gets it all, no empty voucher
    assert [_paid(entry) for entry in _vouchers(saver)] == [D("50.00")]


def test_beneficiaries_cannot_change_once_the_member_left(treasurer):
    saver = saved(treasurer, units=1, months=1)
    saver_leave(saver=saver, status=SaverStatus.RESIGNED, on=LEAVES, reason="ลาออก", by=treasurer)
    with pytest.raises(ValidationError, match="beneficiaries can change"):
        _nominate(saver, treasurer, "100")


def test_beneficiaries_need_a_name_and_shares_summing_to_100(treasurer):
    from savings.services.savers import BeneficiaryData, beneficiaries_change

    saver = saved(treasurer, units=1, months=1)
    with pytest.raises(ValidationError, match="add up to 100"):
        _nominate(saver, treasurer, "50", "40")
    with pytest.raises(ValidationError, match="each beneficiary's name"):
        beneficiaries_change(
            saver=saver,
            beneficiaries=[BeneficiaryData(name=" ", relationship="", share_pct=D("100"))],
            by=treasurer,
        )
    with pytest.raises(ValidationError, match="more than 0"):
        beneficiaries_change(
            saver=saver,
            beneficiaries=[
                BeneficiaryData(name="ก", relationship="", share_pct=D("100")),
                BeneficiaryData(name="ข", relationship="", share_pct=D("0")),
            ],
            by=treasurer,
        )
    assert not saver.beneficiaries.exists()
