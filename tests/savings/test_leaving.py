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
