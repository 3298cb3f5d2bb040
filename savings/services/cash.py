"""Money in and out of members' accounts: pledged savings and deposits taken at the
monthly meeting, withdrawals (a second approver above the policy's threshold), cash
handed over by district collectors, and the group's own income and expenses."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from otop_portal.lib.money import format_baht
from savings import permissions
from savings.models import (
    Account,
    AccountKind,
    Document,
    EntryKind,
    JournalEntry,
    Role,
    Saver,
    SaverAccount,
    SaverStatus,
    Withdrawal,
    WithdrawalStatus,
)
from savings.services.ledger import (
    ZERO,
    account,
    accounts,
    balance,
    collector_cash,
    cr,
    dr,
    money,
    post,
)
from savings.services.savers import cash_line_for, cash_role_for, policy_on, unit_value_on

# --- Pledged savings and deposits ------------------------------------------------------------


def _member(saver: Saver) -> None:
    if saver.status != SaverStatus.ACTIVE:
        raise ValidationError(_("Only a member's money is recorded."))


@transaction.atomic
def pledge_pay(*, saver: Saver, amount, on: date, by: User) -> JournalEntry:
    """Pledged savings paid (for this month, arrears or ahead): whole units only."""
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    _member(saver)
    amount = money(amount)
    unit = unit_value_on(on)
    if amount % unit:
        raise ValidationError(
            {
                "amount": _("Pledged savings come in whole units of %(unit)s.")
                % {"unit": format_baht(unit)}
            }
        )
    SaverAccount.objects.select_for_update().get(saver=saver)
    chart = accounts(cash_role_for(by), Role.PLEDGED)
    return post(
        on=on,
        kind=EntryKind.PLEDGE,
        lines=[
            dr(amount=amount, **cash_line_for(by, chart[cash_role_for(by)])),
            cr(chart[Role.PLEDGED], amount, saver=saver),
        ],
        by=by,
        document=Document.RECEIPT,
        memo=_("Pledged savings, member %(number)s") % {"number": saver.member_number},
    )


@transaction.atomic
def deposit(*, saver: Saver, amount, on: date, by: User) -> JournalEntry:
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    _member(saver)
    amount = money(amount)
    balances = SaverAccount.objects.select_for_update().get(saver=saver)
    least = policy_on(on).deposit_min_balance
    if balances.deposits + amount < least:
        raise ValidationError(
            {
                "amount": _("A deposit account opens with at least %(least)s.")
                % {"least": format_baht(least)}
            }
        )
    return post(
        on=on,
        kind=EntryKind.DEPOSIT,
        lines=[
            dr(amount=amount, **cash_line_for(by)),
            cr(account(Role.DEPOSITS), amount, saver=saver),
        ],
        by=by,
        document=Document.RECEIPT,
        memo=_("Deposit, member %(number)s") % {"number": saver.member_number},
    )


# --- Withdrawals -----------------------------------------------------------------------------


def _check_withdrawable(balances: SaverAccount, amount: Decimal, least: Decimal) -> None:
    if amount > balances.withdrawable:
        raise ValidationError(
            {
                "amount": _(
                    "At most %(most)s can be withdrawn: pledged savings stay while a "
                    "member, and guarantees and pending withdrawals are held."
                )
                % {"most": format_baht(balances.withdrawable)}
            }
        )
    left = balances.deposits - amount
    if ZERO < left < least:
        raise ValidationError(
            {
                "amount": _("Keep at least %(least)s in deposits, or withdraw them all.")
                % {"least": format_baht(least)}
            }
        )


def _pay_out(
    withdrawal: Withdrawal, *, by: User, approved_by: User | None, on: date | None = None
) -> JournalEntry:
    """Pay a withdrawal out, on the day it was asked for unless `on` says otherwise
    (an approval on a later day pays out that day; the request keeps its own date)."""
    source = cash_line_for(withdrawal.requested_by)
    if "collector" in source and collector_cash(source["collector"]) < withdrawal.amount:
        source = {"account": account(Role.CASH)}
    if "collector" not in source:
        in_box = balance(source["account"])
        if in_box < withdrawal.amount:
            raise ValidationError(
                {
                    "amount": _("The cash box holds %(held)s: take money from the bank first.")
                    % {"held": format_baht(in_box)}
                }
            )
    entry = post(
        on=on or withdrawal.requested_on,
        kind=EntryKind.WITHDRAWAL,
        lines=[
            dr(account(Role.DEPOSITS), withdrawal.amount, saver=withdrawal.saver),
            cr(amount=withdrawal.amount, **source),
        ],
        by=withdrawal.requested_by,
        approved_by=approved_by,
        document=Document.VOUCHER,
        memo=_("Withdrawal, member %(number)s") % {"number": withdrawal.saver.member_number},
    )
    withdrawal.entry = entry
    withdrawal.save(update_fields=["entry"])
    return entry


@transaction.atomic
def withdraw(*, saver: Saver, amount, on: date, by: User) -> Withdrawal:
    """Withdraw deposits. Above the policy's threshold the withdrawal waits for a second
    approver with its amount held; otherwise it is paid at once."""
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    _member(saver)
    amount = money(amount)
    balances = SaverAccount.objects.select_for_update().get(saver=saver)
    policy = policy_on(on)
    _check_withdrawable(balances, amount, policy.deposit_min_balance)
    large = amount > policy.withdrawal_approval_over
    withdrawal = Withdrawal.objects.create(
        saver=saver,
        amount=amount,
        requested_on=on,
        requested_by=by,
        status=WithdrawalStatus.PENDING if large else WithdrawalStatus.PAID,
    )
    if not large:
        _pay_out(withdrawal, by=by, approved_by=None)
    return withdrawal


@transaction.atomic
def withdrawal_decide(
    *, withdrawal: Withdrawal, approve: bool, by: User, note: str = "", on: date | None = None
) -> Withdrawal:
    if not permissions.may_approve(by):
        raise PermissionDenied
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if withdrawal.status != WithdrawalStatus.PENDING:
        raise ValidationError(_("This withdrawal was already decided."))
    if withdrawal.requested_by_id == by.pk:
        raise ValidationError(_("The person who recorded it cannot approve it."))
    if not approve and not note.strip():
        raise ValidationError({"decision_note": _("Say why the withdrawal is refused.")})
    SaverAccount.objects.select_for_update().get(saver=withdrawal.saver)
    withdrawal.status = WithdrawalStatus.PAID if approve else WithdrawalStatus.REJECTED
    withdrawal.decided_by, withdrawal.decided_at = by, timezone.now()
    withdrawal.decision_note = note
    # The hold is released first (the trigger recomputes it), then the money leaves.
    withdrawal.save()
    if approve:
        _pay_out(withdrawal, by=by, approved_by=by, on=on)
    return withdrawal


# --- Cash handed over, income, expenses, bank ------------------------------------------------


@transaction.atomic
def handover(*, collector: User, amount, on: date, by: User) -> JournalEntry:
    """A district collector hands cash to the treasurer: who, how much, when."""
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    amount = money(amount)
    if collector == by:
        raise ValidationError(_("The treasurer records what a collector hands over."))
    held = collector_cash(collector)
    if amount > held:
        raise ValidationError(
            {"amount": _("The collector holds %(held)s.") % {"held": format_baht(held)}}
        )
    return post(
        on=on,
        kind=EntryKind.HANDOVER,
        lines=[
            dr(account(Role.CASH), amount),
            cr(account(Role.COLLECTORS), amount, collector=collector),
        ],
        by=by,
        memo=_("Cash handed over by collector %(id)s") % {"id": collector.pk},
    )


def _money_account(acc: Account | None) -> Account:
    if acc is None:
        return account(Role.CASH)
    if not (acc.is_bank or acc.role == Role.CASH):
        raise ValidationError({"paid_with": _("Choose the cash box or a bank account.")})
    return acc


@transaction.atomic
def expense(
    *,
    expense_account: Account,
    amount,
    on: date,
    by: User,
    memo: str,
    paid_with: Account | None = None,
) -> JournalEntry:
    """A running expense paid with a payment voucher."""
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    if expense_account.kind != AccountKind.EXPENSE:
        raise ValidationError({"expense_account": _("Choose an expense account.")})
    if not memo.strip():
        raise ValidationError({"memo": _("Say what was paid for.")})
    amount = money(amount)
    return post(
        on=on,
        kind=EntryKind.EXPENSE,
        lines=[dr(expense_account, amount), cr(_money_account(paid_with), amount)],
        by=by,
        document=Document.VOUCHER,
        memo=memo.strip(),
    )


@transaction.atomic
def income(
    *,
    income_account: Account,
    amount,
    on: date,
    by: User,
    memo: str,
    paid_into: Account | None = None,
) -> JournalEntry:
    """Other income (bank interest, a donation) with a receipt."""
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    if income_account.kind != AccountKind.INCOME or income_account.role in (
        Role.INTEREST,
        Role.FINES,
        Role.FEES,
    ):
        raise ValidationError({"income_account": _("Choose an income account for other income.")})
    if not memo.strip():
        raise ValidationError({"memo": _("Say what the income is.")})
    amount = money(amount)
    return post(
        on=on,
        kind=EntryKind.INCOME,
        lines=[dr(_money_account(paid_into), amount), cr(income_account, amount)],
        by=by,
        document=Document.RECEIPT,
        memo=memo.strip(),
    )


@transaction.atomic
def transfer(
    *, source: Account, target: Account, amount, on: date, by: User, memo: str = ""
) -> JournalEntry:
    """Cash to the bank or back, or between the group's bank accounts."""
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    source, target = _money_account(source), _money_account(target)
    if source == target:
        raise ValidationError(_("Choose two different accounts."))
    amount = money(amount)
    if balance(source) < amount:
        raise ValidationError(
            {
                "amount": _("%(account)s holds %(held)s.")
                % {"account": source.label, "held": format_baht(balance(source))}
            }
        )
    return post(
        on=on,
        kind=EntryKind.TRANSFER,
        lines=[dr(target, amount), cr(source, amount)],
        by=by,
        memo=memo or _("Transfer"),
    )
