"""The ledger's guarantees (research/savings.md §3): every entry balances, in the
service and in the database; posted entries are never changed or deleted; a closed
month refuses postings and reversals; corrections are reversals in the open month."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, connection, transaction

from savings import services
from savings.models import (
    EntryKind,
    JournalEntry,
    JournalLine,
    PeriodClose,
    Role,
    SaverAccount,
)
from tests.factories import UserFactory
from tests.savings.conftest import JOINED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_entry_that_does_not_balance_is_refused_by_the_service(treasurer):
    cash, fees = services.account(Role.CASH), services.account(Role.FEES)
    with pytest.raises(ValidationError, match="does not balance"):
        services.post(
            on=JOINED,
            kind=EntryKind.INCOME,
            lines=[services.dr(cash, Decimal("10.00")), services.cr(fees, Decimal("9.99"))],
            by=treasurer,
        )
    with pytest.raises(ValidationError, match="does not balance"):
        services.post(
            on=JOINED, kind=EntryKind.INCOME, lines=[services.dr(cash, Decimal("1"))], by=treasurer
        )
    assert not JournalEntry.objects.exists()


def test_an_entry_that_does_not_balance_is_refused_by_the_database(treasurer):
    cash = services.account(Role.CASH)
    with pytest.raises(InternalError, match="does not balance"), transaction.atomic():
        entry = JournalEntry.objects.create(
            number="X1", on=JOINED, kind=EntryKind.INCOME, created_by=treasurer
        )
        JournalLine.objects.create(entry=entry, account=cash, debit=Decimal("5"))
        # the deferred check runs at commit; SET CONSTRAINTS runs it now
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not JournalEntry.objects.filter(number="X1").exists()


def test_a_line_has_exactly_one_positive_side(treasurer):
    cash = services.account(Role.CASH)
    entry_kwargs = {"number": "X2", "on": JOINED, "kind": EntryKind.INCOME, "created_by": treasurer}
    for debit, credit in (
        (Decimal("1"), Decimal("1")),
        (Decimal("0"), Decimal("0")),
        (Decimal("-1"), Decimal("0")),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            entry = JournalEntry.objects.create(**entry_kwargs)
            JournalLine.objects.create(entry=entry, account=cash, debit=debit, credit=credit)


def test_floats_are_refused(treasurer, saver):
    with pytest.raises(TypeError):
        services.deposit(saver=saver, amount=100.0, on=JOINED, by=treasurer)


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_posted_entries_and_lines_cannot_be_changed_or_deleted(treasurer, saver):
    entry = services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    line = entry.lines.first()
    for action in (
        lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="แก้"),
        lambda: _sql("DELETE FROM savings_journalentry WHERE id = %s", entry.pk),
        lambda: JournalLine.objects.filter(pk=line.pk).update(credit=Decimal("1")),
        lambda: JournalLine.objects.filter(pk=line.pk).delete(),
        lambda: _sql("UPDATE savings_journalline SET debit = 0 WHERE entry_id = %s", entry.pk),
    ):
        with pytest.raises(InternalError), transaction.atomic():
            action()
    entry.refresh_from_db()
    assert entry.lines.count() == 2


def test_a_subledger_line_must_name_the_saver(treasurer):
    cash, deposits = services.account(Role.CASH), services.account(Role.DEPOSITS)
    with pytest.raises(InternalError, match="needs a saver"):
        services.post(
            on=JOINED,
            kind=EntryKind.DEPOSIT,
            lines=[services.dr(cash, Decimal("5")), services.cr(deposits, Decimal("5"))],
            by=treasurer,
        )


def test_entries_documents_and_receipts_are_numbered_without_gaps(treasurer, saver):
    first = services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    with pytest.raises(ValidationError):
        services.deposit(saver=saver, amount=Decimal("0"), on=JOINED, by=treasurer)
    second = services.pledge_pay(saver=saver, amount=Decimal("100"), on=JOINED, by=treasurer)
    numbers = list(JournalEntry.objects.order_by("pk").values_list("number", "document_number"))
    # the entry fee, the deposit and the pledge: 2568/0001…0003, receipts likewise
    assert numbers == [
        ("JV2568/0001", "RC2568/0001"),
        ("JV2568/0002", "RC2568/0002"),
        ("JV2568/0003", "RC2568/0003"),
    ]
    assert (first.document, second.document) == ("receipt", "receipt")


def test_a_reversal_mirrors_the_entry_in_the_open_month_once(treasurer, approver, saver):
    entry = services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    request = services.reversal_request(entry=entry, reason="บันทึกซ้ำ", by=treasurer)
    with pytest.raises(ValidationError, match="cannot approve"):
        services.reversal_decide(request=request, approve=True, by=treasurer)
    request = services.reversal_decide(
        request=request, approve=True, by=approver, on=date(2025, 2, 3)
    )
    reversal = request.reversal
    assert reversal.reversal_of == entry and reversal.kind == EntryKind.REVERSAL
    assert reversal.on == date(2025, 2, 3)
    assert reversal.approved_by == approver
    assert sorted((line.debit, line.credit) for line in reversal.lines.all()) == sorted(
        (line.credit, line.debit) for line in entry.lines.all()
    )
    assert SaverAccount.objects.get(saver=saver).deposits == 0
    with pytest.raises(ValidationError, match="already reversed"):
        services.reversal_request(entry=entry, reason="อีกครั้ง", by=treasurer)
    with pytest.raises(ValidationError):
        services.reversal_request(entry=reversal, reason="กลับรายการของการกลับรายการ", by=treasurer)


def test_a_reversal_that_would_leave_a_negative_balance_is_refused(treasurer, approver, saver):
    entry = services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    services.withdraw(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    request = services.reversal_request(entry=entry, reason="ผิดคน", by=treasurer)
    with pytest.raises(ValidationError, match="below zero"):
        services.reversal_decide(request=request, approve=True, by=approver, on=JOINED)
    assert not JournalEntry.objects.filter(reversal_of=entry).exists()


def _close(month, by):
    return services.month_close(
        month=month,
        cash_counted=services.closing.cash_in_books(services.closing.month_end(month)),
        by=by,
    )


def test_a_closed_month_refuses_postings_and_reversals_dated_in_it(treasurer, approver, saver):
    entry = services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    _close(date(2025, 1, 1), approver)
    with pytest.raises(ValidationError, match="closed month"):
        services.deposit(saver=saver, amount=Decimal("100"), on=date(2025, 1, 31), by=treasurer)
    request = services.reversal_request(entry=entry, reason="ผิด", by=treasurer)
    with pytest.raises(ValidationError, match="closed month"):
        services.reversal_decide(request=request, approve=True, by=approver, on=date(2025, 1, 20))
    # the database refuses it too, whoever writes
    with pytest.raises(InternalError, match="closed month"), transaction.atomic():
        JournalEntry.objects.create(
            number="X9", on=date(2025, 1, 15), kind=EntryKind.INCOME, created_by=treasurer
        )
    # dated in the open month, the reversal goes through
    services.reversal_decide(request=request, approve=True, by=approver, on=date(2025, 2, 1))


def test_months_close_in_order_only_when_the_cash_agrees_and_for_good(treasurer, approver, saver):
    services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    with pytest.raises(ValidationError, match="in order"):
        _close(date(2025, 2, 1), approver)
    with pytest.raises(ValidationError, match="does not match"):
        services.month_close(month=date(2025, 1, 1), cash_counted=Decimal("1.00"), by=approver)
    with pytest.raises(PermissionDenied):  # only the audit committee closes
        _close(date(2025, 1, 1), UserFactory(officer=True))
    closed = _close(date(2025, 1, 1), approver)
    assert closed.cash_counted == Decimal("520.00")  # entry fee 20 + deposit 500
    with pytest.raises(InternalError), transaction.atomic():
        PeriodClose.objects.filter(pk=closed.pk).delete()
