"""A member leaves (resignation, death, expulsion): their savings settle their debts —
deposits first, then pledged savings — and the rest is paid out to them or, on death,
to their beneficiaries by their shares (one payment voucher each, split to the satang
by the largest remainder). A member who still guarantees a loan, or whose savings do
not cover their debts, cannot leave until that is sorted out: nothing is half-settled."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import User
from otop_portal.lib.money import format_baht
from savings import permissions
from savings.allocation import largest_remainder
from savings.models import (
    LEFT,
    Beneficiary,
    Document,
    EntryKind,
    Guarantee,
    Loan,
    LoanStatus,
    Role,
    Saver,
    SaverAccount,
    SaverStatus,
    Withdrawal,
    WithdrawalStatus,
)
from savings.services.ledger import ZERO, account, balance, cr, dr, post
from savings.services.loans import loan_repay, loan_state


@dataclass(frozen=True)
class Settlement:
    pledged: Decimal
    deposits: Decimal
    debts: list[tuple[Loan, Decimal]]  # each live loan and its payoff on the day
    guarantees: list[Guarantee]  # live loans the member still guarantees
    pending: Decimal  # withdrawals waiting for approval

    @property
    def savings(self) -> Decimal:
        return self.pledged + self.deposits

    @property
    def owed(self) -> Decimal:
        return sum((payoff for _loan, payoff in self.debts), ZERO)

    @property
    def paid_out(self) -> Decimal:
        return self.savings - self.owed

    def problems(self) -> list[str]:
        found = []
        if self.guarantees:
            numbers = ", ".join(g.loan.number for g in self.guarantees)
            found.append(
                _("The member guarantees loan(s) %(numbers)s: name another guarantor first.")
                % {"numbers": numbers}
            )
        if self.pending:
            found.append(_("A withdrawal waits for approval: decide it first."))
        if self.owed > self.savings:
            found.append(
                _(
                    "The debts (%(owed)s) are more than the savings (%(savings)s): the rest "
                    "is repaid before leaving."
                )
                % {"owed": format_baht(self.owed), "savings": format_baht(self.savings)}
            )
        return found


def settlement(saver: Saver, on: date) -> Settlement:
    balances = SaverAccount.objects.get(saver=saver)
    debts = []
    for loan in Loan.objects.filter(saver=saver, status=LoanStatus.ACTIVE).order_by("pk"):
        state = loan_state(loan, on)
        debts.append((loan, state.payoff))
    guarantees = list(Guarantee.objects.live().filter(guarantor=saver).select_related("loan"))
    pending = sum(
        Withdrawal.objects.filter(saver=saver, status=WithdrawalStatus.PENDING).values_list(
            "amount", flat=True
        ),
        ZERO,
    )
    return Settlement(balances.pledged, balances.deposits, debts, guarantees, pending)


def beneficiary_split(saver: Saver, amount: Decimal) -> list[tuple[Beneficiary | None, Decimal]]:
    """What each beneficiary of a deceased saver receives of `amount`, in the order of
    the nomination: by their shares, in whole satang summing exactly to `amount`
    (largest remainder). Without a nomination everything goes to the heirs (None)."""
    beneficiaries = list(saver.beneficiaries.order_by("pk"))
    if not beneficiaries:
        return [(None, amount)]
    split = largest_remainder(amount, {b.pk: b.share_pct for b in beneficiaries})
    return [(b, split[b.pk]) for b in beneficiaries]


def _payout_memo(saver: Saver, status: str, order: int, count: int, beneficiary) -> str:
    """The voucher's memo, from references only (ledger rows hold no names): the
    beneficiary is named by their place on the saver's nomination form."""
    number = saver.member_number
    if status != SaverStatus.DECEASED:
        return _("Savings paid out on leaving, member %(number)s") % {"number": number}
    if beneficiary is None:
        return _(
            "Savings of the late member %(number)s paid to the heirs (no beneficiary named)"
        ) % {"number": number}
    return _(
        "Savings of the late member %(number)s paid to beneficiary %(order)s of %(count)s "
        "(share %(share)s %%)"
    ) % {"number": number, "order": order, "count": count, "share": beneficiary.share_pct}


def _pay_out(*, saver: Saver, status: str, deposits: Decimal, pledged: Decimal, on, by) -> None:
    """One payment voucher per payee: the member, or each beneficiary of a deceased
    member with their share; deposits are paid first, then pledged savings."""
    cash = account(Role.CASH)
    if balance(cash) < deposits + pledged:
        raise ValidationError(
            _("The cash box holds %(held)s: take money from the bank first.")
            % {"held": format_baht(balance(cash))}
        )
    parts = [(None, deposits + pledged)]
    if status == SaverStatus.DECEASED:
        parts = beneficiary_split(saver, deposits + pledged)
    for order, (beneficiary, amount) in enumerate(parts, 1):
        if not amount:
            continue
        from_deposits = min(deposits, amount)
        from_pledged = amount - from_deposits
        deposits, pledged = deposits - from_deposits, pledged - from_pledged
        lines = [cr(cash, amount)]
        if from_deposits:
            lines.append(dr(account(Role.DEPOSITS), from_deposits, saver=saver))
        if from_pledged:
            lines.append(dr(account(Role.PLEDGED), from_pledged, saver=saver))
        post(
            on=on,
            kind=EntryKind.SETTLEMENT,
            lines=lines,
            by=by,
            document=Document.VOUCHER,
            memo=_payout_memo(saver, status, order, len(parts), beneficiary),
        )


@transaction.atomic
def saver_leave(*, saver: Saver, status: str, on: date, reason: str, by: User) -> Saver:
    """The member leaves (`status`: resigned, deceased or expelled) on `on`: loans are
    repaid from their savings, and the rest is paid out (see `_pay_out`)."""
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    if status not in LEFT:
        raise ValueError(status)
    saver = Saver.objects.select_for_update().get(pk=saver.pk)
    if saver.status != SaverStatus.ACTIVE:
        raise ValidationError(_("Only a member can leave."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the member leaves.")})
    SaverAccount.objects.select_for_update().get(saver=saver)
    found = settlement(saver, on)
    problems = found.problems()
    if problems:
        raise ValidationError(problems)
    # Applications not yet paid out end with the membership.
    Loan.objects.filter(saver=saver, status__in=[LoanStatus.APPLIED, LoanStatus.APPROVED]).update(
        status=LoanStatus.WITHDRAWN
    )
    deposits, pledged = found.deposits, found.pledged
    for loan, payoff in found.debts:
        from_deposits = min(deposits, payoff)
        from_pledged = payoff - from_deposits
        deposits, pledged = deposits - from_deposits, pledged - from_pledged
        sources = []
        if from_deposits:
            sources.append(dr(account(Role.DEPOSITS), from_deposits, saver=saver))
        if from_pledged:
            sources.append(dr(account(Role.PLEDGED), from_pledged, saver=saver))
        loan_repay(loan=loan, amount=payoff, on=on, by=by, paid_from=sources)
    if deposits or pledged:
        _pay_out(saver=saver, status=status, deposits=deposits, pledged=pledged, on=on, by=by)
    saver.status, saver.left_on, saver.leave_reason = status, on, reason.strip()
    saver.save()
    return saver
