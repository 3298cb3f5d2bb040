"""Posting to the journal: balanced entries, numbered without gaps, never in a closed
month; balances read from the lines; reversal by a mirror entry in the open month."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import User
from members.services.membership import next_receipt_number
from otop_portal.lib.money import SATANG, format_baht
from otop_portal.lib.thaidate import format_thai_date
from savings.models import (
    Account,
    Document,
    EntryKind,
    JournalEntry,
    JournalLine,
    Loan,
    PeriodClose,
    Role,
    Saver,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    saver: Saver | None = None
    loan: Loan | None = None
    collector: User | None = None


def dr(account: Account, amount: Decimal, **refs) -> Line:
    return Line(account=account, debit=amount, **refs)


def cr(account: Account, amount: Decimal, **refs) -> Line:
    return Line(account=account, credit=amount, **refs)


def account(role: str) -> Account:
    """The account the services post to for `role` (Role)."""
    found = Account.objects.filter(role=role).first()
    if found is None:
        from savings.chart import ensure_chart_and_policy

        ensure_chart_and_policy()
        found = Account.objects.get(role=role)
    return found


def accounts(*roles: str) -> dict[str, Account]:
    """The accounts for several roles, read in one query (a posting's hot path)."""
    found = {acc.role: acc for acc in Account.objects.filter(role__in=roles)}
    for role in roles:
        if role not in found:
            found[role] = account(role)  # (the chart is made when missing)
    return found


def money(value, *, field: str = "amount") -> Decimal:
    """A positive amount in baht and satang; floats refused (they are bugs)."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be a Decimal or an int, not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("Enter an amount more than zero.")})
    if amount != amount.quantize(SATANG):
        raise ValidationError({field: _("Enter the amount in baht and satang (two decimals).")})
    return amount.quantize(SATANG)


# --- Closed months ---------------------------------------------------------------------------


def closed_through() -> date | None:
    """The last day of the latest closed month, or None."""
    return PeriodClose.objects.aggregate(last=Max("month_end"))["last"]


def check_open(on: date, *, field: str = "on") -> None:
    last = closed_through()
    if last is not None and on <= last:
        raise ValidationError(
            {
                field: _(
                    "%(date)s is in a closed month (closed through %(last)s): record it "
                    "in the open month."
                )
                % {"date": format_thai_date(on), "last": format_thai_date(last)}
            }
        )


# --- Posting ---------------------------------------------------------------------------------

_DATABASE_REFUSALS = {
    "available_not_negative": gettext_lazy("The available balance cannot go below zero."),
    "balances_not_negative": gettext_lazy("A balance cannot go below zero."),
    "principal_not_negative": gettext_lazy("More principal would be repaid than is owed."),
    "principal_within_amount": gettext_lazy("The loan's principal would exceed the amount lent."),
}


# what the trigger not_in_closed_month says (savings/models/ledger.py)
CLOSED_MONTH_REFUSAL = "is in a closed month"


def _friendly(error: Exception) -> ValidationError:
    text = str(error)
    for constraint, message in _DATABASE_REFUSALS.items():
        if constraint in text:
            return ValidationError(str(message))
    raise error


def _number(series: str, prefix: str, on: date) -> str:
    return prefix + next_receipt_number(series=series, year_be=on.year + 543)


def post(
    *,
    on: date,
    kind: str,
    lines: list[Line],
    by: User,
    memo: str = "",
    document: str = Document.NONE,
    approved_by: User | None = None,
    reversal_of: JournalEntry | None = None,
    reason: str = "",
) -> JournalEntry:
    """Post one balanced entry. Raises ValidationError for an unbalanced entry, a date
    in a closed month, or a balance the database refuses (below zero, more held than
    saved); nothing is written then.

    The numbers, the entry and its lines are written in one atomic block (a savepoint
    inside the caller's transaction), so a refusal gives the numbers back. The closed
    month is the database's own check (a trigger): only when it refuses is the date
    looked at again, for the message."""
    lines = [line for line in lines if (line.debit or line.credit)]
    for line in lines:
        if line.debit and line.credit:
            raise ValueError("a line has one side")
        money(line.debit or line.credit)
    debits = sum((line.debit for line in lines), ZERO)
    credits = sum((line.credit for line in lines), ZERO)
    if len(lines) < 2 or debits != credits:
        raise ValidationError(
            _("The entry does not balance: debits %(debits)s, credits %(credits)s.")
            % {"debits": format_baht(debits), "credits": format_baht(credits)}
        )
    try:
        with transaction.atomic():
            document_number = ""
            if document == Document.RECEIPT:
                document_number = _number("savings-receipt", "RC", on)
            elif document == Document.VOUCHER:
                document_number = _number("savings-voucher", "PV", on)
            entry = JournalEntry.objects.create(
                number=_number("savings-journal", "JV", on),
                on=on,
                kind=kind,
                memo=memo[:300],
                document=document,
                document_number=document_number,
                reversal_of=reversal_of,
                reason=reason,
                created_by=by,
                approved_by=approved_by,
            )
            JournalLine.objects.bulk_create(
                JournalLine(
                    entry=entry,
                    account=line.account,
                    debit=line.debit,
                    credit=line.credit,
                    saver=line.saver,
                    loan=line.loan,
                    collector=line.collector,
                )
                for line in lines
            )
    except (IntegrityError, InternalError) as error:
        if CLOSED_MONTH_REFUSAL in str(error):
            check_open(on)  # the message, with the month closed through
        raise _friendly(error) from error
    return entry


# --- Balances --------------------------------------------------------------------------------


def _signed(lines, *, debit_normal: bool) -> Decimal:
    totals = lines.aggregate(
        debit=Coalesce(Sum("debit"), ZERO), credit=Coalesce(Sum("credit"), ZERO)
    )
    if debit_normal:
        return totals["debit"] - totals["credit"]
    return totals["credit"] - totals["debit"]


def balance(acc: Account, *, through: date | None = None, **refs) -> Decimal:
    """The balance of `acc` (on its normal side), optionally through a date and for
    one saver, loan or collector."""
    lines = JournalLine.objects.filter(account=acc, **refs)
    if through is not None:
        lines = lines.filter(entry__on__lte=through)
    return _signed(lines, debit_normal=acc.debit_normal)


def collector_cash(collector: User) -> Decimal:
    return balance(account(Role.COLLECTORS), collector=collector)


# --- Reversal --------------------------------------------------------------------------------

IRREVERSIBLE = {EntryKind.REVERSAL, EntryKind.YEAR_CLOSE, EntryKind.ALLOCATION}


def reversible(entry: JournalEntry) -> str | None:
    """Why `entry` cannot be reversed, or None when it can."""
    if entry.kind in IRREVERSIBLE:
        return _("A %(kind)s cannot be reversed.") % {"kind": entry.get_kind_display()}
    if JournalEntry.objects.filter(reversal_of=entry).exists():
        return _("This entry is already reversed.")
    if entry.kind == EntryKind.DISBURSEMENT:
        loans = Loan.objects.filter(lines__entry=entry).distinct()
        later = JournalLine.objects.filter(
            loan__in=loans, entry__kind=EntryKind.REPAYMENT, entry__reversed_by__isnull=True
        )
        if later.exists():
            return _("The loan has repayments: reverse them first.")
    return None


@transaction.atomic
def reverse(
    *, entry: JournalEntry, on: date, reason: str, by: User, approved_by: User
) -> JournalEntry:
    """Post the mirror of `entry` dated `on` (in the open month), linked to it. The
    database allows one reversal per entry."""
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    why_not = reversible(entry)
    if why_not:
        raise ValidationError(why_not)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    if approved_by == by:
        raise ValidationError(_("A second committee member must approve a reversal."))
    if on < entry.on:
        raise ValidationError({"on": _("A reversal cannot be dated before the entry.")})
    mirror = [
        Line(
            account=line.account,
            debit=line.credit,
            credit=line.debit,
            saver=line.saver,
            loan=line.loan,
            collector=line.collector,
        )
        for line in entry.lines.select_related("account", "saver", "loan", "collector")
    ]
    reversal = post(
        on=on,
        kind=EntryKind.REVERSAL,
        lines=mirror,
        by=by,
        approved_by=approved_by,
        reversal_of=entry,
        reason=reason.strip(),
        memo=_("Reversal of %(number)s") % {"number": entry.number},
    )
    _after_reversal(entry)
    return reversal


def _after_reversal(entry: JournalEntry) -> None:
    """What follows from the money going back: a loan paid out by mistake is cancelled
    (a new one is made if needed), a withdrawal is marked reversed, and a loan's status
    and guarantors' holds follow its journal again."""
    from savings.models import LoanStatus, Withdrawal, WithdrawalStatus
    from savings.services.loans import after_sync

    loans = list(Loan.objects.filter(lines__entry=entry).distinct())
    if entry.kind == EntryKind.DISBURSEMENT:
        Loan.objects.filter(pk__in=[loan.pk for loan in loans]).update(status=LoanStatus.WITHDRAWN)
    Withdrawal.objects.filter(entry=entry).update(status=WithdrawalStatus.REVERSED)
    for loan in loans:
        after_sync(loan)


def saver_lines(saver: Saver):
    """The lines of a saver's own accounts (pledged, deposits, loans), oldest first."""
    return (
        JournalLine.objects.filter(saver=saver)
        .filter(~Q(account__subledger=""))
        .select_related("entry", "account", "loan")
        .order_by("entry__on", "entry__pk", "pk")
    )
