"""The savings group's demo (seed_demo): about two years of the group's life written
through the services. The books reconcile, every month is closed through last month,
the last whole year is closed and its allocation posted, loans are live, repaid and
late, every second approval was given by another person, and the savings logins can
sign in.

The history takes seconds to write, so it is written once for this module, inside a
transaction rolled back at the end; each test runs in its own savepoint within it."""

from contextlib import nullcontext
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import User
from otop_portal.lib.demo import DEMO_PASSWORD, seeders
from savings import demo, permissions, services
from savings.models import (
    AllocationRun,
    Document,
    EntryKind,
    Guarantee,
    JournalEntry,
    JournalLine,
    Loan,
    LoanStatus,
    PeriodClose,
    ReversalRequest,
    ReversalStatus,
    Role,
    RunStatus,
    Saver,
    SaverStatus,
    Withdrawal,
    WithdrawalStatus,
)
from savings.services import loans, yearend
from savings.services.collection import arrears_of

SEEDERS = ("members.accounts", "members.registry", "savings")


# The history follows today's date: written on the real today, and on a 3 January two
# years on (two whole years closed, the second year's allocation posted that very day).
DAYS = [None, datetime(2028, 1, 3, 10, tzinfo=ZoneInfo("Asia/Bangkok"))]


@pytest.fixture(scope="module", params=DAYS, ids=["today", "3-jan-2028"])
def history(request, django_db_setup, django_db_blocker):
    """The demo's accounts, registry and savings history, for every test of the module."""
    day = time_machine.travel(request.param, tick=False) if request.param else nullcontext()
    with day, django_db_blocker.unblock(), transaction.atomic():
        for seeder in seeders():
            if seeder.key in SEEDERS:
                seeder.run()
        with connection.cursor() as cursor:
            # the deferred checks (each entry balances) now, not at a commit that never comes
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]


def _today():
    return timezone.localdate()


def test_the_books_reconcile_and_every_month_is_closed_through_last_month():
    assert services.reconcile() == []
    last_month_end = _today().replace(day=1) - timedelta(days=1)
    assert services.closed_through() == last_month_end
    closes = PeriodClose.objects.order_by("month")
    assert closes.count() >= 21
    assert all(close.closed_by.username == demo.AUDIT for close in closes)
    # the history starts at the beginning of an accounting year
    assert closes.first().month.month == services.policy_on(_today()).year_start_month


def test_about_sixty_members_in_all_nine_districts_some_behind_one_applying():
    members = Saver.objects.filter(status=SaverStatus.ACTIVE)
    assert 50 <= members.count() <= 70
    assert members.values("district").distinct().count() == 9
    assert 5 <= members.filter(district_id=demo.COLLECTOR_DISTRICT).count() <= 12
    behind = [saver for saver in members if arrears_of(saver, _today()) > 0]
    assert demo.BEHIND <= len(behind) <= 12
    assert Saver.objects.filter(status=SaverStatus.APPLIED).count() == 1
    fees = JournalEntry.objects.filter(kind=EntryKind.ENTRY_FEE, document=Document.RECEIPT)
    assert fees.count() == members.count()


def test_the_last_whole_year_is_closed_and_its_allocation_posted():
    year_end = yearend.year_end_for(_today()) - relativedelta(years=1)
    run = AllocationRun.objects.get(year_end=year_end)
    assert run.status == RunStatus.POSTED and run.entry is not None
    assert run.net_profit > 0
    assert run.approved_by.username == demo.AUDIT and run.prepared_by.username == demo.TREASURER
    lines = list(run.lines.all())
    shared = sum((line.dividend + line.refund for line in lines), Decimal(0))
    assert shared + run.reserve + run.welfare + run.committee + run.network == run.net_profit
    # the borrower who paid December's instalment late gets no refund of interest
    assert any(line.interest_paid > 0 and line.refund == 0 for line in lines)
    assert any(line.refund > 0 for line in lines)
    assert JournalEntry.objects.filter(kind=EntryKind.YEAR_CLOSE, on__gt=year_end).exists()
    # every whole year of the history is allocated, none other
    whole_years = PeriodClose.objects.count() // 12
    assert AllocationRun.objects.filter(status=RunStatus.POSTED).count() == whole_years
    assert AllocationRun.objects.count() == whole_years
    assert services.balance(services.account(Role.SURPLUS)) == 0


def test_loans_are_live_repaid_and_one_is_late_with_a_fine():
    assert Loan.objects.filter(status=LoanStatus.ACTIVE).count() >= 4
    assert Loan.objects.filter(status=LoanStatus.REPAID).count() >= 1
    assert Loan.objects.filter(status=LoanStatus.APPLIED).count() == 1  # for the committee
    late = [
        loan
        for loan in Loan.objects.filter(status=LoanStatus.ACTIVE)
        if loans.loan_state(loan).days_overdue > 30
    ]
    assert len(late) == 1
    assert JournalLine.objects.filter(loan=late[0], account__role=Role.FINES).exists()
    for loan in Loan.objects.filter(loan_type__code="ordinary").exclude(status=LoanStatus.APPLIED):
        assert Guarantee.objects.filter(loan=loan).count() == 2
        assert loan.decided_by.username == demo.LOAN_COMMITTEE != loan.recorded_by.username


def test_second_approvals_come_from_another_person():
    large = Withdrawal.objects.get(amount=Decimal("8000"))
    assert large.status == WithdrawalStatus.PAID
    assert large.decided_by.username == demo.LOAN_COMMITTEE
    assert large.requested_by.username == demo.TREASURER
    reversal = ReversalRequest.objects.get()
    assert reversal.status == ReversalStatus.DONE
    assert reversal.requested_by != reversal.decided_by
    assert reversal.reversal.reversal_of == reversal.entry


def test_the_treasurer_keeps_the_groups_books():
    collector = User.objects.get(username=demo.COLLECTOR)
    assert JournalEntry.objects.filter(kind=EntryKind.HANDOVER).count() >= 20
    assert services.collector_cash(collector) == 0  # handed over after each meeting
    vouchers = JournalEntry.objects.filter(kind=EntryKind.EXPENSE, document=Document.VOUCHER)
    assert vouchers.count() >= 8
    assert JournalEntry.objects.filter(kind=EntryKind.INCOME, document=Document.RECEIPT).exists()
    assert JournalEntry.objects.filter(kind=EntryKind.DEPOSIT_INTEREST).exists()
    assert JournalEntry.objects.filter(kind=EntryKind.TRANSFER).count() >= 10
    assert JournalEntry.objects.filter(kind=EntryKind.DEPOSIT).count() >= 20


def test_every_savings_login_signs_in_with_the_right_functions():
    for username in demo.ACTORS:
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
    user = {name: User.objects.get(username=name) for name in demo.ACTORS}
    assert permissions.may_keep_books(user[demo.TREASURER])
    assert permissions.may_record(user[demo.COLLECTOR], demo.COLLECTOR_DISTRICT)
    assert not permissions.may_record(user[demo.COLLECTOR], "2706")
    assert permissions.may_decide_loans(user[demo.LOAN_COMMITTEE])
    assert permissions.may_close(user[demo.AUDIT])


def test_a_second_run_leaves_the_books_alone():
    entries = JournalEntry.objects.count()
    assert demo.seed_savings() == []
    assert JournalEntry.objects.count() == entries


def _pages_of_the_history() -> list[str]:
    """Every savings page a person would open on the demo: lists, a member of each
    status, each loan, documents, books, closings, years, allocations and reports."""
    from tests.savings.matrix_reports import KINDS

    urls = [
        reverse(name)
        for name in (
            "savings:index",
            "savings:saver_list",
            "savings:sheet",
            "savings:withdrawal_list",
            "savings:loan_list",
            "savings:journal",
            "savings:reversal_list",
            "savings:month_close",
            "savings:year_list",
            "savings:policy",
            "savings:reports",
            "home",
        )
    ]
    urls += [reverse("savings:report", args=[kind]) for kind in KINDS]
    for status in SaverStatus.values:
        saver = Saver.objects.filter(status=status).first()
        if saver:
            urls += [
                reverse("savings:saver_detail", args=[saver.pk]),
                reverse("savings:saver_statement", args=[saver.pk]),
            ]
    for loan in Loan.objects.all():
        urls.append(reverse("savings:loan_detail", args=[loan.pk]))
        if loan.status == LoanStatus.ACTIVE:
            urls.append(reverse("savings:loan_contract", args=[loan.pk]))
    for entry in JournalEntry.objects.exclude(document="").order_by("-pk")[:20]:
        kind = "savings:receipt" if entry.document == Document.RECEIPT else "savings:voucher"
        urls += [reverse(kind, args=[entry.pk]), reverse("savings:entry_detail", args=[entry.pk])]
    for run in AllocationRun.objects.all():
        urls.append(reverse("savings:allocation_detail", args=[run.pk]))
    district = Saver.objects.first().district_id
    urls.append(reverse("savings:sheet_district", args=[district, _today().strftime("%Y-%m")]))
    return urls


def test_every_savings_page_opens_on_the_demo_history_for_its_people():
    """No page breaks on two years of real-looking data, for staff and the committee."""
    urls = _pages_of_the_history()
    # the treasurer's own pages besides
    keeping = [reverse(name) for name in ("savings:handover", "savings:interest")]
    keeping.append(reverse("savings:loan_apply"))
    for username in (demo.TREASURER, demo.AUDIT, demo.LOAN_COMMITTEE):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls + (keeping if username == demo.TREASURER else []):
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
