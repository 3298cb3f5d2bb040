"""Closing the year: the allocation preview from the books (unit-months, interest paid,
late borrowers), approval by the meeting, posting into members' deposits and the funds,
and a posted allocation that never changes."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import InternalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from savings import services
from savings.models import (
    AllocationRun,
    EntryKind,
    GroupPolicy,
    LoanType,
    Role,
    RunStatus,
    SaverAccount,
)
from savings.services import closing, loans, yearend
from savings.services.collection import expected_through
from tests.savings.conftest import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal
YEAR_END = date(2025, 12, 31)


def _close_through(last_month: date, by):
    month = services.next_month_to_close()
    while month <= last_month:
        services.month_close(
            month=month,
            cash_counted=closing.cash_in_books(closing.month_end(month)),
            by=by,
        )
        month += relativedelta(months=1)


@pytest.fixture
def year(treasurer, approver):
    """Two members for the whole of 2025 (2 and 4 units, paid every month), a third
    who joined in July and missed September; income of 1,000 and an expense of 100."""
    a = member(treasurer, units=2, joined=date(2025, 1, 5))
    b = member(treasurer, units=4, joined=date(2025, 1, 5))
    c = member(treasurer, units=2, joined=date(2025, 7, 5))
    for month in range(12):
        on = date(2025, 1, 10) + relativedelta(months=month)
        services.pledge_pay(saver=a, amount=D("100"), on=on, by=treasurer)
        services.pledge_pay(saver=b, amount=D("200"), on=on, by=treasurer)
        if on.month >= 7 and on.month != 9:
            services.pledge_pay(saver=c, amount=D("100"), on=on, by=treasurer)
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("1000"),
        on=date(2025, 6, 1),
        by=treasurer,
        memo="ดอกเบี้ยเงินฝากธนาคาร",
    )
    services.expense(
        expense_account=services.account(Role.EXPENSES),
        amount=D("100"),
        on=date(2025, 6, 2),
        by=treasurer,
        memo="ค่าแบบพิมพ์",
    )
    _close_through(date(2025, 12, 1), approver)
    return a, b, c


def test_the_preview_needs_the_whole_year_closed(treasurer):
    member(treasurer, joined=date(2025, 1, 5))
    with pytest.raises(ValidationError, match="Close every month"):
        yearend.allocation_preview(year_end=YEAR_END, by=treasurer)


def test_the_preview_shows_every_members_share_summing_to_the_whole(treasurer, year):
    a, b, c = year
    run = yearend.allocation_preview(year_end=YEAR_END, by=treasurer)
    # net profit: entry fees 3 × 20 + other income 1,000 − expense 100 = 960
    assert run.net_profit == D("960.00")
    # nobody paid loan interest: the refund's 10 % goes to the reserve (96 + 96)
    assert (run.dividend, run.refund, run.reserve, run.welfare, run.committee, run.network) == (
        D("576.00"),
        D("0.00"),
        D("192.00"),
        D("96.00"),
        D("48.00"),
        D("48.00"),
    )
    lines = {line.saver: line for line in run.lines.all()}
    # baht-months: a = 100+200+…+1,200 = 7,800 (156 unit-months); b = 15,600 (312);
    # c paid Jul, Aug, Oct–Dec and never made up September: from September on c is in
    # arrears every month (100 behind), so only July and August count: 100 + 200 = 300
    assert [lines[s].unit_months for s in (a, b, c)] == [D("156.00"), D("312.00"), D("6.00")]
    total = sum(line.dividend + line.refund for line in lines.values())
    assert total + run.reserve + run.welfare + run.committee + run.network == run.net_profit


def test_approved_by_the_meeting_posted_into_deposits_and_final(treasurer, approver, year):
    a, _b, _c = year
    run = yearend.allocation_preview(year_end=YEAR_END, by=treasurer)
    with pytest.raises(ValidationError, match="cannot record"):
        yearend.allocation_approve(
            run=run, meeting_number="1/2569", on=date(2026, 1, 20), by=treasurer
        )
    run = yearend.allocation_approve(
        run=run, meeting_number="1/2569", on=date(2026, 1, 20), by=approver
    )
    with pytest.raises(ValidationError, match="already approved"):
        yearend.allocation_preview(year_end=YEAR_END, by=treasurer)
    run = yearend.allocation_post(run=run, on=date(2026, 1, 21), by=treasurer)
    assert run.status == RunStatus.POSTED and run.entry.kind == EntryKind.ALLOCATION
    share = run.lines.get(saver=a)
    assert SaverAccount.objects.get(saver=a).deposits == share.dividend + share.refund
    assert services.balance(services.account(Role.RESERVE)) == run.reserve
    assert services.balance(services.account(Role.SURPLUS)) == 0
    # the next year's income statement starts from nothing
    assert yearend.net_profit(date(2026, 1, 1), date(2026, 12, 31)) == 0
    with pytest.raises(InternalError), transaction.atomic():
        AllocationRun.objects.filter(pk=run.pk).update(reserve=D("1"))
    with pytest.raises(InternalError), transaction.atomic():
        run.lines.all().delete()


def _group(size: int, treasurer, approver) -> list:
    """`size` members who joined in January 2025 and paid the year's pledge at once,
    each with a loan paid out in July: the even ones repay it all when the first
    instalment falls due, the odd ones never pay (late from August on)."""
    members = []
    for number in range(size):
        saver = member(treasurer, units=2, joined=date(2025, 1, 5))
        services.pledge_pay(saver=saver, amount=D("1200"), on=date(2025, 1, 5), by=treasurer)
        loan = loans.loan_apply(
            saver=saver,
            loan_type=LoanType.objects.get(code="ordinary"),
            amount=D("100"),  # within a tenth of the group's cash (the policy's cap)
            term_months=4,
            purpose="วัตถุดิบ",
            guarantors=[],
            applied_on=date(2025, 7, 10),
            by=treasurer,
        )
        loans.loan_decide(loan=loan, approve=True, by=approver)
        loan = loans.loan_disburse(
            loan=loan, on=date(2025, 7, 10), first_due_on=date(2025, 8, 10), by=treasurer
        )
        if number % 2 == 0:
            payoff = loans.loan_state(loan, date(2025, 8, 10)).payoff
            loans.loan_repay(loan=loan, amount=payoff, on=date(2025, 8, 10), by=treasurer)
        members.append(saver)
    _close_through(date(2025, 12, 1), approver)
    return members


def _preview_queries(size: int, treasurer, approver) -> tuple[int, AllocationRun, list]:
    """The queries of the year's preview for a group of `size`, all rolled back after."""
    with transaction.atomic():
        members = _group(size, treasurer, approver)
        with CaptureQueriesContext(connection) as queries:
            run = yearend.allocation_preview(year_end=YEAR_END, by=treasurer)
        lines = {line.saver: line for line in run.lines.all()}
        result = [lines[saver] for saver in members]
        transaction.set_rollback(True)
    return len(queries), run, result


def test_the_preview_takes_as_many_queries_for_20_members_as_for_2(treasurer, approver):
    few, _run, _lines = _preview_queries(2, treasurer, approver)
    many, run, lines = _preview_queries(20, treasurer, approver)
    assert many == few
    # who repaid on time shares the refund; who was late gets none
    assert all(line.refund > 0 for line in lines[0::2])
    assert all(line.refund == 0 and line.interest_paid == 0 for line in lines[1::2])
    assert sum(line.refund for line in lines) == run.refund > 0


def test_the_years_expected_pledges_are_those_of_each_month(treasurer):
    saver = member(treasurer, units=2, joined=date(2024, 11, 5))
    services.pledge_change(saver=saver, units=5, from_month=date(2025, 3, 1), by=treasurer)
    saver.left_on = date(2025, 9, 20)  # as if the member left in September
    months = [date(2025, 1, 1) + relativedelta(months=i) for i in range(12)]
    policies = list(GroupPolicy.objects.order_by("effective_from"))
    pledges = list(saver.pledges.order_by("from_month"))
    expected = [
        expected_through(saver, month, pledges=pledges, policies=policies) for month in months
    ]
    rows = [(pledge.from_month, pledge.units) for pledge in pledges]
    by_month = yearend._expected_by_month(saver.decided_on, saver.left_on, rows, months, policies)
    assert by_month == expected
    assert expected[0] == D("300") and expected[-1] == D("2150")
