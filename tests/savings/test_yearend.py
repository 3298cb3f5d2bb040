"""Closing the year: the allocation preview from the books (unit-months, interest paid,
late borrowers), approval by the meeting, posting into members' deposits and the funds,
and a posted allocation that never changes."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import InternalError, transaction

from savings import services
from savings.models import AllocationRun, EntryKind, Role, RunStatus, SaverAccount
from savings.services import closing, yearend
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
