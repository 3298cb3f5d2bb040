"""Loans: the limit against own savings and guarantees already given, a second
committee member's decision, pay-out with the schedule and the guarantors' holds,
repayments split fines → interest → principal, holds released as principal is repaid,
the legal interest cap, and reversal of a repayment."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from savings import services
from savings.models import (
    EntryKind,
    Guarantee,
    Instalment,
    LoanStatus,
    LoanType,
    Role,
    SaverAccount,
)
from savings.services import loans
from tests.savings.conftest import JOINED, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
APPLIED = date(2025, 9, 15)
D = Decimal


def saved(by, *, units=2, months=8, **kwargs):
    """A member who paid their pledge every month from January 2025."""
    saver = member(by, units=units, **kwargs)
    for month in range(months):
        services.pledge_pay(
            saver=saver,
            amount=D(units * 50),
            on=JOINED + relativedelta(months=month),
            by=by,
        )
    return saver


@pytest.fixture
def ordinary(db):
    return LoanType.objects.get(code="ordinary")


@pytest.fixture
def people(treasurer):
    """A borrower with 800 pledged, two guarantors with 1,600 each, and money in the
    cash box (a grant) so that the group can lend."""
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("100000"),
        on=JOINED,
        by=treasurer,
        memo="เงินอุดหนุนจาก พช.",
    )
    return saved(treasurer), saved(treasurer, units=4), saved(treasurer, units=4)


def _apply(treasurer, borrower, ordinary, amount, guarantors=(), term=10):
    return loans.loan_apply(
        saver=borrower,
        loan_type=ordinary,
        amount=D(amount),
        term_months=term,
        purpose="ซื้อวัตถุดิบทอผ้า",
        guarantors=list(guarantors),
        applied_on=APPLIED,
        by=treasurer,
    )


def test_the_limit_is_90_percent_alone_and_three_times_with_two_guarantors(
    treasurer, people, ordinary
):
    borrower, g1, g2 = people
    limit = loans.loan_limit(borrower, ordinary, APPLIED)
    assert (limit.without_guarantors, limit.with_guarantors) == (D("720.00"), D("2400.00"))
    with pytest.raises(ValidationError, match=r"Without guarantors .* at most 720\.00"):
        _apply(treasurer, borrower, ordinary, "1000")
    with pytest.raises(ValidationError, match=r"at most 2,400\.00"):
        _apply(treasurer, borrower, ordinary, "2500", [g1, g2])
    loan = _apply(treasurer, borrower, ordinary, "2400", [g1, g2])
    assert loan.status == LoanStatus.APPLIED
    assert sorted(g.amount for g in loan.guarantees.all()) == [D("1200.00"), D("1200.00")]


def test_guarantees_already_given_reduce_the_guarantors_own_room(treasurer, people, ordinary):
    borrower, g1, g2 = people
    _apply(treasurer, borrower, ordinary, "2400", [g1, g2])
    # g1 guarantees 1,200 of their 1,600: their own base is 400 → 360 alone
    assert loans.loan_limit(g1, ordinary, APPLIED).without_guarantors == D("360.00")


def test_a_member_behind_with_pledges_or_too_new_cannot_borrow(treasurer, people, ordinary):
    late = saved(treasurer, months=6)  # paid through June: July and August owed
    with pytest.raises(ValidationError, match="behind with pledged savings"):
        _apply(treasurer, late, ordinary, "100")
    new = saved(treasurer, joined=date(2025, 6, 1), months=4)
    with pytest.raises(ValidationError, match="after 6 months"):
        _apply(treasurer, new, ordinary, "100")


def test_the_recorder_cannot_decide_and_a_refusal_needs_a_reason(
    treasurer, approver, people, ordinary
):
    borrower, g1, g2 = people
    loan = _apply(treasurer, borrower, ordinary, "2400", [g1, g2])
    with pytest.raises(ValidationError, match="cannot decide"):
        loans.loan_decide(loan=loan, approve=True, by=treasurer)
    with pytest.raises(ValidationError, match="Say why"):
        loans.loan_decide(loan=loan, approve=False, by=approver)
    loan = loans.loan_decide(loan=loan, approve=True, by=approver, meeting_number="9/2568")
    assert (loan.status, loan.decided_by) == (LoanStatus.APPROVED, approver)
    # the database refuses it whoever writes
    loan.decided_by = treasurer
    with pytest.raises(IntegrityError), transaction.atomic():
        loan.save()


def _paid_out(treasurer, approver, people, ordinary, amount="2400"):
    borrower, g1, g2 = people
    loan = _apply(treasurer, borrower, ordinary, amount, [g1, g2])
    loans.loan_decide(loan=loan, approve=True, by=approver, meeting_number="9/2568")
    return loans.loan_disburse(
        loan=loan, on=date(2025, 9, 20), first_due_on=date(2025, 10, 20), by=treasurer
    )


def test_pay_out_fixes_the_schedule_and_holds_the_guarantors_savings(
    treasurer, approver, people, ordinary
):
    loan = _paid_out(treasurer, approver, people, ordinary)
    borrower, g1, g2 = people
    schedule = list(Instalment.objects.filter(loan=loan).order_by("number"))
    assert len(schedule) == 10 and sum(i.principal for i in schedule) == D("2400.00")
    assert [i.interest for i in schedule[:3]] == [D("24.00"), D("21.60"), D("19.20")]
    assert loan.principal_outstanding == D("2400.00")
    assert SaverAccount.objects.get(saver=borrower).loan_principal == D("2400.00")
    for guarantor in (g1, g2):
        balances = SaverAccount.objects.get(saver=guarantor)
        assert (balances.held, balances.available) == (D("1200.00"), D("400.00"))


def test_repayments_go_to_fines_then_interest_then_principal_and_release_holds(
    treasurer, approver, people, ordinary
):
    loan = _paid_out(treasurer, approver, people, ordinary)
    # the first instalment (240 + 24 interest) is paid 10 days late: grace 7 → fine 20
    entry = loans.loan_repay(loan=loan, amount=D("284"), on=date(2025, 10, 30), by=treasurer)
    credits = {line.account.role: line.credit for line in entry.lines.filter(credit__gt=0)}
    assert credits == {Role.FINES: D("20.00"), Role.INTEREST: D("24.00"), Role.LOANS: D("240.00")}
    assert entry.document_number.startswith("RC")
    loan.refresh_from_db()
    assert loan.principal_outstanding == D("2160.00")
    assert [g.held for g in Guarantee.objects.filter(loan=loan)] == [D("1080.00")] * 2
    state = loans.loan_state(loan, date(2025, 10, 30))
    assert state.had_late_instalment
    # 20 Nov: 2,160 + interest on the principal at the start of the period (the payment
    # came after 20 Oct, so 2,400 × 1 % = 24.00)
    payoff = loans.loan_state(loan, date(2025, 11, 20)).payoff
    assert payoff == D("2184.00")
    loans.loan_repay(loan=loan, amount=payoff, on=date(2025, 11, 20), by=treasurer)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and loan.principal_outstanding == 0
    assert [g.held for g in Guarantee.objects.filter(loan=loan)] == [D("0.00")] * 2


def test_an_overpayment_is_refused(treasurer, approver, people, ordinary):
    loan = _paid_out(treasurer, approver, people, ordinary)
    with pytest.raises(ValidationError, match="At most"):
        loans.loan_repay(loan=loan, amount=D("5000"), on=date(2025, 10, 20), by=treasurer)


def test_a_guarantors_held_savings_cannot_be_withdrawn(treasurer, approver, people, ordinary):
    g1 = people[1]
    services.deposit(saver=g1, amount=D("500"), on=date(2025, 9, 16), by=treasurer)
    _paid_out(treasurer, approver, people, ordinary)
    # g1: pledged 1,600 + deposits 500, held 1,200 → available 900, all 500 deposits free
    services.withdraw(saver=g1, amount=D("500"), on=date(2025, 9, 21), by=treasurer)
    balances = SaverAccount.objects.get(saver=g1)
    assert (balances.available, balances.withdrawable) == (D("400.00"), D("0.00"))


def test_a_reversed_repayment_puts_principal_and_holds_back(treasurer, approver, people, ordinary):
    loan = _paid_out(treasurer, approver, people, ordinary)
    entry = loans.loan_repay(loan=loan, amount=D("264"), on=date(2025, 10, 20), by=treasurer)
    request = services.reversal_request(entry=entry, reason="บันทึกผิดสัญญา", by=treasurer)
    services.reversal_decide(request=request, approve=True, by=approver, on=date(2025, 10, 21))
    loan.refresh_from_db()
    assert loan.principal_outstanding == D("2400.00")
    assert [g.held for g in Guarantee.objects.filter(loan=loan)] == [D("1200.00")] * 2
    assert loans.payments(loan) == []
    assert not loans.loan_state(loan, date(2025, 10, 21)).splits


def test_interest_above_15_percent_a_year_is_refused(treasurer, ordinary):
    too_dear = LoanType(
        policy=ordinary.policy, code="dear", name="แพง", monthly_rate_pct=D("1.300")
    )
    with pytest.raises(ValidationError, match="15 %"):
        too_dear.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        too_dear.save()


def test_a_loan_type_of_a_policy_in_effect_cannot_change(ordinary):
    from django.db import InternalError

    with pytest.raises(InternalError), transaction.atomic():
        LoanType.objects.filter(pk=ordinary.pk).update(monthly_rate_pct=D("0.5"))


def test_a_repayment_is_posted_in_one_entry_with_the_loan_on_every_line(
    treasurer, approver, people, ordinary
):
    loan = _paid_out(treasurer, approver, people, ordinary)
    entry = loans.loan_repay(loan=loan, amount=D("100"), on=date(2025, 10, 20), by=treasurer)
    assert entry.kind == EntryKind.REPAYMENT
    assert all(line.loan_id == loan.pk for line in entry.lines.filter(credit__gt=0))


def test_the_committee_names_another_guarantor_and_the_hold_moves(
    treasurer, approver, people, ordinary
):
    loan = _paid_out(treasurer, approver, people, ordinary)
    _borrower, g1, g2 = people
    g3 = saved(treasurer, units=4)
    old = Guarantee.objects.get(loan=loan, guarantor=g1)
    with pytest.raises(ValidationError, match="already guarantees this loan"):
        loans.guarantee_replace(
            guarantee=old, guarantor=g2, on=date(2025, 9, 25), reason="ย้าย", by=approver
        )
    new = loans.guarantee_replace(
        guarantee=old, guarantor=g3, on=date(2025, 9, 25), reason="ผู้ค้ำย้ายไปต่างจังหวัด", by=approver
    )
    old.refresh_from_db()
    assert (old.held, old.ended_on) == (D("0.00"), date(2025, 9, 25))
    assert (new.amount, new.held) == (D("1200.00"), D("1200.00"))
    assert SaverAccount.objects.get(saver=g1).held == 0
    assert SaverAccount.objects.get(saver=g3).held == D("1200.00")
    # the ended guarantee no longer counts against g1's own room
    assert loans.guarantees_committed(g1) == 0
