"""Loans: application with guarantors and the limit check, a decision by a second
committee member, pay-out with its schedule and the guarantors' holds, repayments
split into fines, interest and principal (savings/loanmath.py) with the holds released
as the principal is repaid."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from members.services.membership import next_receipt_number
from otop_portal.lib.money import SATANG, format_baht
from savings import loanmath, permissions
from savings.models import (
    LIVE_LOAN,
    Account,
    Document,
    EntryKind,
    GroupPolicy,
    Guarantee,
    Instalment,
    JournalLine,
    Loan,
    LoanStatus,
    LoanType,
    Role,
    Saver,
    SaverAccount,
    SaverStatus,
)
from savings.services.collection import arrears_of
from savings.services.ledger import ZERO, account, balance, cr, dr, money, post
from savings.services.savers import cash_line_for, policy_on

# --- Limits -----------------------------------------------------------------------------------


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def guarantees_committed(saver: Saver, *, excluding: Loan | None = None) -> Decimal:
    """What `saver` has guaranteed on live loans: held on paid-out loans, the full
    amount on loans not yet paid out."""
    guarantees = Guarantee.objects.live().filter(guarantor=saver)
    if excluding is not None:
        guarantees = guarantees.exclude(loan=excluding)
    total = ZERO
    for guarantee in guarantees.select_related("loan"):
        total += guarantee.held if guarantee.loan.status == LoanStatus.ACTIVE else guarantee.amount
    return total


def lendable_fund(on: date) -> Decimal:
    """Cash and bank: what the group could lend today."""
    accounts = Account.objects.filter(Q(role=Role.CASH) | Q(is_bank=True))
    return sum((balance(acc, through=on) for acc in accounts), ZERO)


@dataclass(frozen=True)
class Limit:
    own_savings: Decimal
    committed: Decimal
    other_loans: Decimal
    without_guarantors: Decimal
    with_guarantors: Decimal
    fund_cap: Decimal | None

    def most(self, guarantors: int, required: int) -> Decimal:
        return self.with_guarantors if guarantors >= required else self.without_guarantors


def _floor(value: Decimal) -> Decimal:
    return max(ZERO, value.quantize(SATANG, rounding=ROUND_DOWN))


def loan_limit(
    saver: Saver, loan_type: LoanType, on: date, *, excluding: Loan | None = None
) -> Limit:
    """The most `saver` may borrow of `loan_type` on `on`: a share or a multiple of their
    own pledged savings, less what they guarantee for others and the principal of their
    other loans, within the type's largest loan and share of the group's fund."""
    balances = SaverAccount.objects.get(saver=saver)
    committed = guarantees_committed(saver)
    others = Loan.objects.filter(saver=saver, status__in=LIVE_LOAN)
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    other_principal = ZERO
    for other in others:
        other_principal += (
            other.principal_outstanding if other.status == LoanStatus.ACTIVE else other.amount
        )
    base = balances.pledged - committed
    without = _floor(base * loan_type.no_guarantor_pct / 100 - other_principal)
    with_guarantors = _floor(base * loan_type.guaranteed_multiple - other_principal)
    caps = []
    if loan_type.max_amount is not None:
        caps.append(loan_type.max_amount)
    fund_cap = None
    if loan_type.max_fund_pct is not None:
        fund_cap = _floor(lendable_fund(on) * loan_type.max_fund_pct / 100)
        caps.append(fund_cap)
    if caps:
        without, with_guarantors = min([without, *caps]), min([with_guarantors, *caps])
    return Limit(balances.pledged, committed, other_principal, without, with_guarantors, fund_cap)


def check_borrower(saver: Saver, loan_type: LoanType, on: date, *, excluding=None) -> None:
    """Refuse (ValidationError) a borrower who may not take a loan of `loan_type` on `on`:
    not a member, too new, behind with pledged savings, or with a live loan of the type."""
    policy = policy_on(on)
    if saver.status != SaverStatus.ACTIVE:
        raise ValidationError(_("Only a member may borrow."))
    if saver.decided_on and _months_between(saver.decided_on, on) < policy.min_months_for_loan:
        raise ValidationError(
            _("A member may borrow after %(months)s months of membership.")
            % {"months": policy.min_months_for_loan}
        )
    owed = arrears_of(saver, on)
    if owed > 0:
        raise ValidationError(
            _("The member is behind with pledged savings (%(owed)s): they pay first.")
            % {"owed": format_baht(owed)}
        )
    same = Loan.objects.filter(saver=saver, loan_type__code=loan_type.code, status__in=LIVE_LOAN)
    if excluding is not None:
        same = same.exclude(pk=excluding.pk)
    if same.exists():
        raise ValidationError(_("The member already has a loan of this type."))


def guarantee_shares(amount: Decimal, count: int) -> list[Decimal]:
    share = (amount / count).quantize(SATANG, rounding=ROUND_DOWN)
    return [share] * (count - 1) + [amount - share * (count - 1)]


def _check_guarantors(
    borrower: Saver, guarantors: list[Saver], amount: Decimal, on: date, *, loan=None
) -> list[Decimal]:
    policy = policy_on(on)
    if len(set(guarantors)) != len(guarantors):
        raise ValidationError({"guarantors": _("Name each guarantor once.")})
    if not guarantors:
        return []
    shares = guarantee_shares(amount, len(guarantors))
    for guarantor, share in zip(guarantors, shares, strict=True):
        name = {"name": str(guarantor.person)}
        if guarantor == borrower:
            raise ValidationError({"guarantors": _("A borrower cannot guarantee their own loan.")})
        if guarantor.status != SaverStatus.ACTIVE:
            raise ValidationError({"guarantors": _("%(name)s is not a member.") % name})
        if guarantor.district_id != borrower.district_id:
            # Guarantors know the borrower, and a district's committee sees only its own
            # members: a loan and its guarantors stay within one district.
            raise ValidationError(
                {"guarantors": _("%(name)s is not a member of the borrower's district.") % name}
            )
        if arrears_of(guarantor, on) > 0:
            raise ValidationError(
                {"guarantors": _("%(name)s is behind with pledged savings.") % name}
            )
        live = Guarantee.objects.live().filter(guarantor=guarantor)
        if loan is not None:
            live = live.exclude(loan=loan)
        if live.count() >= policy.guarantor_max_loans:
            raise ValidationError(
                {
                    "guarantors": _("%(name)s already guarantees %(count)s loans.")
                    % {**name, "count": policy.guarantor_max_loans}
                }
            )
        balances = SaverAccount.objects.select_for_update().get(saver=guarantor)
        room = guarantor_room(guarantor, balances=balances, excluding=loan)
        if share > room:
            raise ValidationError(
                {
                    "guarantors": _(
                        "%(name)s can guarantee at most %(room)s (their savings "
                        "less what they already guarantee)."
                    )
                    % {**name, "room": format_baht(max(ZERO, room))}
                }
            )
    return shares


def sum_holds(saver: Saver) -> Decimal:
    return Guarantee.objects.filter(guarantor=saver).aggregate(total=Coalesce(Sum("held"), ZERO))[
        "total"
    ]


def guarantor_room(
    guarantor: Saver, *, balances: SaverAccount | None = None, excluding: Loan | None = None
) -> Decimal:
    """What `guarantor` may still guarantee: their savings less what they already
    guarantee (held on paid-out loans, in full on loans not yet paid out) and less
    their pending withdrawals. Negative when they are already over-committed."""
    if balances is None:
        balances = SaverAccount.objects.get(saver=guarantor)
    pending_withdrawals = balances.held - sum_holds(guarantor)
    committed = guarantees_committed(guarantor, excluding=excluding)
    return balances.total - committed - pending_withdrawals


def _check_amount(saver, loan_type, amount, term_months, guarantors, on, *, loan=None):
    if not 1 <= term_months <= loan_type.max_term_months:
        raise ValidationError(
            {
                "term_months": _("The term is 1 to %(most)s months.")
                % {"most": loan_type.max_term_months}
            }
        )
    limit = loan_limit(saver, loan_type, on, excluding=loan)
    most = limit.most(len(guarantors), loan_type.guarantors_required)
    if amount > most:
        if len(guarantors) < loan_type.guarantors_required and amount <= limit.with_guarantors:
            raise ValidationError(
                {
                    "amount": _(
                        "Without guarantors the member may borrow at most %(most)s; with "
                        "%(count)s guarantors, up to %(more)s."
                    )
                    % {
                        "most": format_baht(most),
                        "count": loan_type.guarantors_required,
                        "more": format_baht(limit.with_guarantors),
                    }
                }
            )
        raise ValidationError(
            {
                "amount": _("The member may borrow at most %(most)s of this type now.")
                % {"most": format_baht(most)}
            }
        )


# --- Application and decision ------------------------------------------------------------------


@transaction.atomic
def loan_apply(
    *,
    saver: Saver,
    loan_type: LoanType,
    amount,
    term_months: int,
    purpose: str,
    guarantors: list[Saver],
    applied_on: date,
    by: User,
) -> Loan:
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    amount = money(amount)
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the loan is for.")})
    if loan_type.policy_id != policy_on(applied_on).pk:
        raise ValidationError({"loan_type": _("This loan type is not in the policy in effect.")})
    SaverAccount.objects.select_for_update().get(saver=saver)
    check_borrower(saver, loan_type, applied_on)
    _check_amount(saver, loan_type, amount, term_months, guarantors, applied_on)
    shares = _check_guarantors(saver, guarantors, amount, applied_on)
    loan = Loan.objects.create(
        number="L" + next_receipt_number(series="savings-loan", year_be=applied_on.year + 543),
        saver=saver,
        loan_type=loan_type,
        purpose=purpose.strip(),
        amount=amount,
        monthly_rate_pct=loan_type.monthly_rate_pct,
        term_months=term_months,
        applied_on=applied_on,
        recorded_by=by,
    )
    Guarantee.objects.bulk_create(
        Guarantee(loan=loan, guarantor=guarantor, amount=share)
        for guarantor, share in zip(guarantors, shares, strict=True)
    )
    return loan


@transaction.atomic
def loan_decide(
    *, loan: Loan, approve: bool, by: User, meeting_number: str = "", note: str = ""
) -> Loan:
    """The loan committee decides; never the person who recorded the application."""
    if not permissions.may_decide_loans(by):
        raise PermissionDenied
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.APPLIED:
        raise ValidationError(_("This loan was already decided."))
    if loan.recorded_by_id == by.pk:
        raise ValidationError(_("The person who recorded the loan cannot decide it."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the loan is refused.")})
    if approve:
        today = timezone.localdate()
        guarantors = [
            g.guarantor
            for g in loan.guarantees.filter(ended_on__isnull=True).select_related(
                "guarantor__person"
            )
        ]
        _check_amount(
            loan.saver, loan.loan_type, loan.amount, loan.term_months, guarantors, today, loan=loan
        )
    loan.status = LoanStatus.APPROVED if approve else LoanStatus.REJECTED
    loan.decided_by, loan.decided_at = by, timezone.now()
    loan.meeting_number, loan.decision_note = meeting_number, note
    loan.save()
    return loan


@transaction.atomic
def loan_withdraw(*, loan: Loan, by: User, note: str) -> Loan:
    if not permissions.may_record(by, loan.saver.district_id):
        raise PermissionDenied
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status not in (LoanStatus.APPLIED, LoanStatus.APPROVED):
        raise ValidationError(_("Only a loan not yet paid out can be withdrawn."))
    loan.status, loan.decision_note = LoanStatus.WITHDRAWN, note
    loan.save()
    return loan


# --- Pay-out, repayment -----------------------------------------------------------------------


def terms(loan: Loan, *, policy: GroupPolicy | None = None) -> loanmath.LoanTerms:
    """The loan's terms for loanmath; `policy` is the one in effect on the pay-out day
    when the caller already has it (lists read many loans)."""
    policy = policy or policy_on(loan.disbursed_on)
    return loanmath.LoanTerms(
        principal=loan.amount,
        monthly_rate_pct=loan.monthly_rate_pct,
        term_months=loan.term_months,
        disbursed_on=loan.disbursed_on,
        first_due=loan.first_due_on,
        grace_days=policy.fine_grace_days,
        fine_flat=policy.fine_flat,
        fine_pct=policy.fine_pct,
    )


def payments(loan: Loan) -> list[loanmath.Payment]:
    """The loan's repayments not reversed, from the journal, oldest first."""
    return payments_of([loan]).get(loan.pk, [])


def payments_of(loans) -> dict[int, list[loanmath.Payment]]:
    """The repayments of several loans in one query: loan pk → its payments, oldest
    first (a loan without any is left out)."""
    totals: dict[int, dict[int, tuple[date, Decimal]]] = {}
    lines = (
        JournalLine.objects.filter(
            loan__in=[loan.pk for loan in loans],
            entry__kind=EntryKind.REPAYMENT,
            entry__reversed_by__isnull=True,
        )
        .values_list("loan_id", "entry_id", "entry__on", "credit")
        .order_by("entry__on", "entry_id")
    )
    for loan_id, entry_id, on, credit in lines:
        entries = totals.setdefault(loan_id, {})
        _on, total = entries.get(entry_id, (on, ZERO))
        entries[entry_id] = (on, total + credit)
    return {
        loan_id: [loanmath.Payment(on=on, amount=total) for on, total in entries.values()]
        for loan_id, entries in totals.items()
    }


def loan_state(loan: Loan, as_of: date | None = None) -> loanmath.LoanState | None:
    if loan.disbursed_on is None:
        return None
    return loanmath.state(terms(loan), payments(loan), as_of or timezone.localdate())


def _sync_holds(loan: Loan) -> None:
    """Each guarantor's hold follows the principal outstanding (pro rata; never up
    again once released), and none once the loan is repaid."""
    loan.refresh_from_db()
    for guarantee in loan.guarantees.filter(ended_on__isnull=True).select_for_update():
        if loan.status != LoanStatus.ACTIVE or loan.principal_outstanding <= 0:
            held = ZERO
        else:
            held = (guarantee.amount * loan.principal_outstanding / loan.amount).quantize(
                SATANG, rounding=ROUND_DOWN
            )
        if guarantee.held != held:
            guarantee.held = held
            guarantee.save(update_fields=["held"])


@transaction.atomic
def loan_disburse(
    *, loan: Loan, on: date, first_due_on: date, by: User, paid_with: Account | None = None
) -> Loan:
    """Pay the approved loan out: the schedule is fixed and the guarantors' savings are
    held for their guarantees."""
    if not permissions.may_keep_books(by) and not permissions.may_record(
        by, loan.saver.district_id
    ):
        raise PermissionDenied
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.APPROVED:
        raise ValidationError(_("Only an approved loan is paid out."))
    if first_due_on <= on:
        raise ValidationError(
            {"first_due_on": _("The first instalment falls due after the pay-out.")}
        )
    source = {"account": paid_with} if paid_with is not None else cash_line_for(by)
    held = balance(source["account"], **({"collector": by} if "collector" in source else {}))
    if held < loan.amount:
        raise ValidationError(
            {
                "paid_with": _("%(account)s holds %(held)s.")
                % {"account": source["account"].label, "held": format_baht(held)}
            }
        )
    loan.status, loan.disbursed_on, loan.first_due_on = LoanStatus.ACTIVE, on, first_due_on
    loan.save()
    post(
        on=on,
        kind=EntryKind.DISBURSEMENT,
        lines=[
            dr(account(Role.LOANS), loan.amount, saver=loan.saver, loan=loan),
            cr(amount=loan.amount, **source),
        ],
        by=by,
        document=Document.VOUCHER,
        memo=_("Loan %(number)s paid out") % {"number": loan.number},
    )
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan, number=i.number, due_on=i.due_on, principal=i.principal, interest=i.interest
        )
        for i in terms(loan).instalments()
    )
    try:
        with transaction.atomic():
            _sync_holds(loan)
    except IntegrityError as error:  # the database refused a hold beyond a guarantor's savings
        raise ValidationError(
            {
                "guarantors": _(
                    "A guarantor's savings no longer cover their guarantee: "
                    "change the guarantor before paying out."
                )
            }
        ) from error
    return loan


def repayment_split(loan: Loan, amount, on: date) -> loanmath.Split:
    """How a repayment of `amount` on `on` would split into fines, interest and
    principal; ValidationError when it cannot be taken (the page shows it before
    recording, and loan_repay records exactly this split)."""
    amount = money(amount)
    if loan.status != LoanStatus.ACTIVE:
        raise ValidationError(_("Only a loan being repaid takes repayments."))
    if on < loan.disbursed_on:
        raise ValidationError({"on": _("A repayment cannot come before the pay-out.")})
    paid = payments(loan)
    earlier = [payment for payment in paid if payment.on <= on]
    if len(earlier) != len(paid):
        raise ValidationError({"on": _("A later repayment is already recorded: date it after.")})
    try:
        return loanmath.split(terms(loan), earlier, on, amount)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from error


def _from_deposits(loan: Loan, amount: Decimal, on: date) -> list:
    """The debit line taking a repayment from the borrower's own deposits: only what
    a withdrawal could take, and no more than a withdrawal without a second approver."""
    balances = SaverAccount.objects.select_for_update().get(saver=loan.saver)
    policy = policy_on(on)
    if amount > balances.withdrawable:
        raise ValidationError(
            {
                "amount": _(
                    "The borrower's deposits can give at most %(most)s: guarantees and "
                    "pending withdrawals are held."
                )
                % {"most": format_baht(balances.withdrawable)}
            }
        )
    left = balances.deposits - amount
    if ZERO < left < policy.deposit_min_balance:
        raise ValidationError(
            {
                "amount": _("Keep at least %(least)s in deposits, or use them all.")
                % {"least": format_baht(policy.deposit_min_balance)}
            }
        )
    if amount > policy.withdrawal_approval_over:
        raise ValidationError(
            {
                "amount": _(
                    "Above %(most)s, money leaves the deposits only as a withdrawal approved "
                    "by a second committee member."
                )
                % {"most": format_baht(policy.withdrawal_approval_over)}
            }
        )
    return [dr(account(Role.DEPOSITS), amount, saver=loan.saver)]


@transaction.atomic
def loan_repay(
    *,
    loan: Loan,
    amount,
    on: date,
    by: User,
    paid_from: list | None = None,
    from_deposits: bool = False,
):
    """A repayment: fines first, then interest, then principal, each posted to its
    account with a receipt; the guarantors' holds follow the principal. `paid_from`
    (debit lines) replaces the cash taken, e.g. the member's own savings on leaving;
    `from_deposits` takes it from the borrower's deposits (no receipt: no cash moves)."""
    if not permissions.may_record(by, loan.saver.district_id):
        raise PermissionDenied
    amount = money(amount)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    split = repayment_split(loan, amount, on)
    if from_deposits:
        paid_from = _from_deposits(loan, amount, on)
    refs = {"saver": loan.saver, "loan": loan}
    entry = post(
        on=on,
        kind=EntryKind.REPAYMENT,
        lines=[
            *(paid_from or [dr(amount=amount, **cash_line_for(by))]),
            cr(account(Role.FINES), split.fine, **refs),
            cr(account(Role.INTEREST), split.interest, **refs),
            cr(account(Role.LOANS), split.principal, **refs),
        ],
        by=by,
        document=Document.NONE if paid_from else Document.RECEIPT,
        memo=_("Repayment of loan %(number)s") % {"number": loan.number},
    )
    after_sync(loan)
    return entry


def after_sync(loan: Loan) -> None:
    """Bring the loan's status and holds in line with its journal (after a repayment
    or a reversal)."""
    loan.refresh_from_db()
    if loan.status in (LoanStatus.ACTIVE, LoanStatus.REPAID):
        paid = payments(loan)
        as_of = max([timezone.localdate(), loan.disbursed_on, *(p.on for p in paid)])
        state = loanmath.state(terms(loan), paid, as_of)
        repaid = loan.principal_outstanding == 0 and state is not None and state.payoff == 0
        status = LoanStatus.REPAID if repaid else LoanStatus.ACTIVE
        if status != loan.status:
            loan.status = status
            loan.save(update_fields=["status"])
    _sync_holds(loan)


@transaction.atomic
def guarantee_replace(
    *, guarantee: Guarantee, guarantor: Saver, on: date, reason: str, by: User
) -> Guarantee:
    """The committee names another guarantor for a live loan (so that a guarantor may
    leave, or one who can no longer cover it is relieved). The new guarantor takes the
    same amount, held in proportion to the principal still owed; the old one's hold
    ends."""
    if not permissions.may_decide_loans(by):
        raise PermissionDenied
    guarantee = Guarantee.objects.select_for_update().select_related("loan").get(pk=guarantee.pk)
    loan = guarantee.loan
    if guarantee.ended_on is not None or loan.status not in LIVE_LOAN:
        raise ValidationError(_("This guarantee no longer stands."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the guarantor changes.")})
    if loan.guarantees.filter(guarantor=guarantor).exists():
        raise ValidationError(
            {"guarantors": _("%(name)s already guarantees this loan.") % {"name": guarantor.person}}
        )
    guarantee.held, guarantee.ended_on, guarantee.end_reason = ZERO, on, reason.strip()
    guarantee.save()
    _check_guarantors(loan.saver, [guarantor], guarantee.amount, on, loan=loan)
    replacement = Guarantee.objects.create(loan=loan, guarantor=guarantor, amount=guarantee.amount)
    _sync_holds(loan)
    replacement.refresh_from_db()
    return replacement
