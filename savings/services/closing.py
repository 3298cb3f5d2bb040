"""Reconciliation, closing months, and reversals approved by a second person."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import User
from otop_portal.lib.money import format_baht
from otop_portal.lib.thaidate import format_thai_date
from savings import permissions
from savings.models import (
    Account,
    Guarantee,
    JournalEntry,
    JournalLine,
    Loan,
    PeriodClose,
    ReversalRequest,
    ReversalStatus,
    Role,
    SaverAccount,
    Subledger,
    Withdrawal,
    WithdrawalStatus,
)
from savings.services.ledger import ZERO, account, balance, closed_through, reverse

MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Mismatch:
    """One disagreement of the books: `what` and the figures for the log, `sentence`
    the same in words for the committee (translated)."""

    what: str
    expected: Decimal
    found: Decimal
    sentence: str = ""

    def __str__(self) -> str:
        return f"{self.what}: {self.expected} ≠ {self.found}"

    @property
    def in_words(self) -> str:
        return self.sentence or str(self)


_SAVER_PARTS = {
    "pledged": gettext_lazy("pledged savings"),
    "deposits": gettext_lazy("deposits"),
    "loans": gettext_lazy("loan principal"),
    "held": gettext_lazy("amount on hold"),
}


def _saver_sentence(member_number, part: str, lines: Decimal, kept: Decimal) -> str:
    if part == "held":
        text = _(
            "Member %(member)s: guarantees and pending withdrawals hold %(lines)s, "
            "but the member's balances show %(kept)s on hold."
        )
    else:
        text = _(
            "Member %(member)s: the journal gives %(lines)s of %(what)s, "
            "but the member's balances show %(kept)s."
        )
    return text % {
        "member": member_number or "—",
        "what": _SAVER_PARTS[part],
        "lines": format_baht(lines),
        "kept": format_baht(kept),
    }


def _sum_lines(subledger: str, sign: str, **outer):
    lines = JournalLine.objects.filter(account__subledger=subledger, **outer)
    expr = F("credit") - F("debit") if sign == "credit" else F("debit") - F("credit")
    return Coalesce(
        Subquery(lines.values(*outer.keys()).annotate(total=Sum(expr)).values("total")[:1]),
        Value(ZERO),
        output_field=MONEY,
    )


def reconcile() -> list[Mismatch]:
    """Every member sub-ledger against its balances row and its control account, each
    loan's principal against its lines, holds against guarantees and pending
    withdrawals, and the trial balance. An empty list means the books agree."""
    found: list[Mismatch] = []
    totals = JournalLine.objects.aggregate(
        debit=Coalesce(Sum("debit"), ZERO), credit=Coalesce(Sum("credit"), ZERO)
    )
    if totals["debit"] != totals["credit"]:
        sentence = _("The journal's debits (%(debit)s) do not equal its credits (%(credit)s).")
        found.append(
            Mismatch(
                _("Trial balance"),
                totals["debit"],
                totals["credit"],
                sentence
                % {"debit": format_baht(totals["debit"]), "credit": format_baht(totals["credit"])},
            )
        )
    rows = (
        SaverAccount.objects.select_related("saver")
        .annotate(
            lines_pledged=_sum_lines(Subledger.PLEDGED, "credit", saver=OuterRef("saver")),
            lines_deposits=_sum_lines(Subledger.DEPOSITS, "credit", saver=OuterRef("saver")),
            lines_loans=_sum_lines(Subledger.LOANS, "debit", saver=OuterRef("saver")),
            guarantees=Coalesce(
                Subquery(
                    Guarantee.objects.filter(guarantor=OuterRef("saver"))
                    .values("guarantor")
                    .annotate(total=Sum("held"))
                    .values("total")[:1]
                ),
                Value(ZERO),
                output_field=MONEY,
            ),
            pending=Coalesce(
                Subquery(
                    Withdrawal.objects.filter(
                        saver=OuterRef("saver"), status=WithdrawalStatus.PENDING
                    )
                    .values("saver")
                    .annotate(total=Sum("amount"))
                    .values("total")[:1]
                ),
                Value(ZERO),
                output_field=MONEY,
            ),
        )
        .filter(
            ~Q(pledged=F("lines_pledged"))
            | ~Q(deposits=F("lines_deposits"))
            | ~Q(loan_principal=F("lines_loans"))
            | ~Q(held=F("guarantees") + F("pending"))
        )
    )
    for row in rows:
        for what, kept, lines in (
            ("pledged", row.pledged, row.lines_pledged),
            ("deposits", row.deposits, row.lines_deposits),
            ("loans", row.loan_principal, row.lines_loans),
            ("held", row.held, row.guarantees + row.pending),
        ):
            if kept != lines:
                sentence = _saver_sentence(row.saver.member_number, what, lines, kept)
                found.append(Mismatch(f"saver {row.saver_id} {what}", lines, kept, sentence))
    sums = SaverAccount.objects.aggregate(
        pledged=Coalesce(Sum("pledged"), ZERO),
        deposits=Coalesce(Sum("deposits"), ZERO),
        loans=Coalesce(Sum("loan_principal"), ZERO),
    )
    for role, key in (
        (Role.PLEDGED, "pledged"),
        (Role.DEPOSITS, "deposits"),
        (Role.LOANS, "loans"),
    ):
        control_account = account(role)
        control = balance(control_account)
        if control != sums[key]:
            sentence = _(
                "Account %(account)s holds %(control)s, but the members' balances add up "
                "to %(members)s."
            ) % {
                "account": str(control_account),
                "control": format_baht(control),
                "members": format_baht(sums[key]),
            }
            found.append(
                Mismatch(
                    _("Control account %(role)s") % {"role": role}, control, sums[key], sentence
                )
            )
    loans = Loan.objects.annotate(
        lines_total=_sum_lines(Subledger.LOANS, "debit", loan=OuterRef("pk"))
    ).exclude(principal_outstanding=F("lines_total"))
    for loan in loans:
        sentence = _(
            "Loan %(number)s: the journal gives %(lines)s of principal owed, but the loan "
            "shows %(kept)s."
        ) % {
            "number": loan.number,
            "lines": format_baht(loan.lines_total),
            "kept": format_baht(loan.principal_outstanding),
        }
        found.append(
            Mismatch(f"loan {loan.number}", loan.lines_total, loan.principal_outstanding, sentence)
        )
    return found


# --- Closing a month --------------------------------------------------------------------------


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def next_month_to_close() -> date | None:
    """The month after the last closed one; the month of the first entry when none is
    closed yet; None when nothing was ever posted."""
    last = closed_through()
    if last is not None:
        return last + timedelta(days=1)
    first = JournalEntry.objects.order_by("on").values_list("on", flat=True).first()
    return first.replace(day=1) if first else None


def cash_in_books(through: date) -> Decimal:
    return balance(account(Role.CASH), through=through)


@transaction.atomic
def month_close(
    *, month: date, cash_counted, by: User, meeting_number: str = "", note: str = ""
) -> PeriodClose:
    """The audit committee closes a month: in order, once it has ended, only when the
    books reconcile and the cash counted equals the cash book at the month's end."""
    if not permissions.may_close(by):
        raise PermissionDenied
    # One closing at a time: the cash account's row is the lock.
    Account.objects.select_for_update().get(pk=account(Role.CASH).pk)
    expected = next_month_to_close()
    month = month.replace(day=1)
    if expected is not None and month != expected:
        raise ValidationError(
            {
                "month": _("Close %(month)s first: months close in order.")
                % {"month": format_thai_date(expected)}
            }
        )
    if month_end(month) >= timezone.localdate():
        # No closing in the future: entries may still be dated to the month's last day.
        raise ValidationError(
            {
                "month": _("A month can be closed once it has ended, from %(date)s.")
                % {"date": format_thai_date(month_end(month) + timedelta(days=1))}
            }
        )
    mismatches = reconcile()
    if mismatches:
        raise ValidationError(
            _("The books do not reconcile; the month stays open: %(list)s")
            % {"list": " ".join(m.in_words for m in mismatches[:5])}
        )
    last_day = month_end(month)
    in_books = cash_in_books(last_day)
    if cash_counted != in_books:
        raise ValidationError(
            {
                "cash_counted": _(
                    "The cash counted (%(counted)s) does not match the cash book "
                    "(%(books)s) at %(date)s."
                )
                % {
                    "counted": format_baht(cash_counted),
                    "books": format_baht(in_books),
                    "date": format_thai_date(last_day),
                }
            }
        )
    return PeriodClose.objects.create(
        month=month,
        month_end=last_day,
        cash_counted=cash_counted,
        cash_in_books=in_books,
        meeting_number=meeting_number,
        closed_by=by,
        note=note,
    )


# --- Reversals with a second approver ---------------------------------------------------------


@transaction.atomic
def reversal_request(*, entry: JournalEntry, reason: str, by: User) -> ReversalRequest:
    from savings.services.ledger import reversible

    if not permissions.may_approve(by):
        raise PermissionDenied
    why_not = reversible(entry)
    if why_not:
        raise ValidationError(why_not)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    if ReversalRequest.objects.filter(entry=entry, status=ReversalStatus.PENDING).exists():
        raise ValidationError(_("A reversal of this entry already waits for approval."))
    return ReversalRequest.objects.create(entry=entry, reason=reason.strip(), requested_by=by)


@transaction.atomic
def reversal_decide(
    *, request: ReversalRequest, approve: bool, by: User, note: str = "", on: date | None = None
) -> ReversalRequest:
    if not permissions.may_approve(by):
        raise PermissionDenied
    request = ReversalRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ReversalStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if request.requested_by_id == by.pk:
        raise ValidationError(_("The person who asked cannot approve it."))
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    if approve:
        request.reversal = reverse(
            entry=request.entry,
            on=on or timezone.localdate(),
            reason=request.reason,
            by=request.requested_by,
            approved_by=by,
        )
        request.status = ReversalStatus.DONE
    else:
        if not note.strip():
            raise ValidationError({"decision_note": _("Say why the reversal is refused.")})
        request.status = ReversalStatus.REFUSED
    request.save()
    return request
