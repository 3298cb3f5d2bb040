"""Closing the year: net profit, the allocation preview (a snapshot of every member's
share), approval by the meeting, and posting, after which it never changes."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from members.models import User
from otop_portal.lib.thaidate import format_thai_date
from savings import allocation, loanmath, permissions
from savings.models import (
    Account,
    AccountKind,
    AllocationLine,
    AllocationRun,
    EntryKind,
    Instalment,
    JournalLine,
    Loan,
    Pledge,
    Role,
    RunStatus,
    Saver,
    Subledger,
)
from savings.services.collection import _policies, _unit_value
from savings.services.ledger import ZERO, account, closed_through, cr, dr, post
from savings.services.loans import payments_of, terms
from savings.services.savers import policy_on

CLOSING_KINDS = (EntryKind.YEAR_CLOSE, EntryKind.ALLOCATION)


def year_of(year_end: date) -> tuple[date, date]:
    return year_end - relativedelta(years=1) + timedelta(days=1), year_end


def year_end_for(day: date) -> date:
    """The last day of the accounting year holding `day`."""
    start_month = policy_on(day).year_start_month
    start = day.replace(day=1, month=start_month)
    if start > day:
        start -= relativedelta(years=1)
    return start + relativedelta(years=1) - timedelta(days=1)


def _year_lines(start: date, end: date):
    return JournalLine.objects.filter(entry__on__gte=start, entry__on__lte=end).exclude(
        entry__kind__in=CLOSING_KINDS
    )


def income_statement(start: date, end: date) -> dict[Account, Decimal]:
    """Each income and expense account's movement in the period (income positive,
    expenses positive), leaving out the year's closing entries."""
    rows = (
        _year_lines(start, end)
        .filter(account__kind__in=[AccountKind.INCOME, AccountKind.EXPENSE])
        .values("account")
        .annotate(debit=Coalesce(Sum("debit"), ZERO), credit=Coalesce(Sum("credit"), ZERO))
    )
    accounts = Account.objects.in_bulk([row["account"] for row in rows])
    result = {}
    for row in rows:
        acc = accounts[row["account"]]
        amount = row["credit"] - row["debit"]
        result[acc] = amount if acc.kind == AccountKind.INCOME else -amount
    return dict(sorted(result.items(), key=lambda item: item[0].code))


def net_profit(start: date, end: date) -> Decimal:
    total = ZERO
    for acc, amount in income_statement(start, end).items():
        total += amount if acc.kind == AccountKind.INCOME else -amount
    return total


def member_years(start: date, end: date) -> list[allocation.MemberYear]:
    """Every saver who was a member during the year, with the month-end balances of
    pledged savings, whether each month's pledge was paid up, the loan interest paid
    and whether an instalment falling due in the year was late. A fixed number of
    queries, whatever the number of savers."""
    months = [start + relativedelta(months=i) for i in range(12)]
    members = Saver.objects.filter(decided_on__lte=end, member_number__isnull=False).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    # Plain rows rather than model instances and a prefetch: 20,000 savers make a
    # year, and building their objects cost more than the rest of the preview.
    savers = list(members.order_by("member_number").values_list("pk", "decided_on", "left_on"))
    pledges = defaultdict(list)
    for saver_id, from_month, units in (
        Pledge.objects.filter(saver__in=members.values("pk"))
        .order_by("saver", "from_month")
        .values_list("saver", "from_month", "units")
    ):
        pledges[saver_id].append((from_month, units))
    opening = dict(
        JournalLine.objects.filter(account__subledger=Subledger.PLEDGED, entry__on__lt=start)
        .values("saver")
        .annotate(total=Coalesce(Sum("credit"), ZERO) - Coalesce(Sum("debit"), ZERO))
        .values_list("saver", "total")
    )
    movements: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for saver_id, month, total in (
        JournalLine.objects.filter(
            account__subledger=Subledger.PLEDGED, entry__on__gte=start, entry__on__lte=end
        )
        .annotate(month=TruncMonth("entry__on"))
        .values("saver", "month")
        .annotate(total=Coalesce(Sum("credit"), ZERO) - Coalesce(Sum("debit"), ZERO))
        .values_list("saver", "month", "total")
    ):
        movements[saver_id][month] = total
    interest = dict(
        JournalLine.objects.filter(
            account__role=Role.INTEREST, entry__on__gte=start, entry__on__lte=end
        )
        .values("saver")
        .annotate(total=Coalesce(Sum("credit"), ZERO) - Coalesce(Sum("debit"), ZERO))
        .values_list("saver", "total")
    )
    policies = _policies()
    late = _late_borrowers(start, end, policies=policies)
    month_ends = [month + relativedelta(months=1) - timedelta(days=1) for month in months]
    years = []
    for saver_id, decided_on, left_on in savers:
        expected = _expected_by_month(decided_on, left_on, pledges[saver_id], months, policies)
        balance = opening.get(saver_id, ZERO)
        balances, paid = [], []
        moved = movements.get(saver_id, {})
        for month, last_day, expected_then in zip(months, month_ends, expected, strict=True):
            balance += moved.get(month, ZERO)
            member_then = decided_on <= last_day and (left_on is None or left_on > last_day)
            balances.append(balance if member_then else ZERO)
            paid.append(member_then and balance >= expected_then)
        years.append(
            allocation.MemberYear(
                saver_id=saver_id,
                month_end_pledged=tuple(balances),
                months_paid=tuple(paid),
                interest_paid=max(ZERO, interest.get(saver_id, ZERO)),
                late=saver_id in late,
            )
        )
    return years


def _expected_by_month(
    decided_on: date, left_on: date | None, pledges, months: list[date], policies
) -> list[Decimal]:
    """collection.expected_through for each of the year's months, in one pass from the
    admission (the same sum: each month adds its pledge while the saver is a member),
    months counted as integers. `pledges`: (from_month, units), oldest first."""
    first, year_first = _month_number(decided_on), _month_number(months[0])
    last = _month_number(left_on) if left_on else None
    total, result = ZERO, []
    for number in range(first, _month_number(months[-1]) + 1):
        if last is None or number <= last:
            month = date(number // 12, number % 12 + 1, 1)
            units = 0
            for from_month, pledged in pledges:
                if from_month <= month:
                    units = pledged
            total += units * _unit_value(policies, month)
        if number >= year_first:
            result.append(total)
    return [ZERO] * (len(months) - len(result)) + result


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def _late_borrowers(start: date, end: date, *, policies=None) -> set[int]:
    """The savers with a loan instalment falling due in the year that was late, as
    known 60 days after the year's end (a payment in the grace period counts). Three
    queries whatever the number of loans: the loans, their repayments, the policies;
    each loan is then replayed in memory (savings/loanmath.py)."""
    policies = policies if policies is not None else _policies()
    due_in_year = Instalment.objects.filter(loan=OuterRef("pk"), due_on__gte=start, due_on__lte=end)
    loans = list(
        Loan.objects.filter(disbursed_on__isnull=False, disbursed_on__lte=end).filter(
            Exists(due_in_year)
        )
    )
    paid = payments_of(loans)
    as_of = end + timedelta(days=60)
    late = set()
    for loan in loans:
        if loan.saver_id in late:
            continue
        loan_terms = terms(loan, policy=_policy_in(policies, loan.disbursed_on))
        state = loanmath.state(loan_terms, paid.get(loan.pk, []), as_of)
        if state.late_in_year(start, end):
            late.add(loan.saver_id)
    return late


def _policy_in(policies, day: date):
    """The version in effect on `day` among `policies` (oldest first)."""
    found = None
    for policy in policies:
        if policy.effective_from <= day:
            found = policy
    return found if found is not None else policy_on(day)


def _check_closable(end: date) -> None:
    last = closed_through()
    if last is None or last < end:
        raise ValidationError(
            _("Close every month of the year first (the books are closed through %(last)s).")
            % {"last": format_thai_date(last) if last else "—"}
        )


@transaction.atomic
def allocation_preview(*, year_end: date, by: User) -> AllocationRun:
    """Compute (or compute again) the draft allocation of the year ending `year_end`."""
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    start, end = year_of(year_end)
    _check_closable(end)
    run = AllocationRun.objects.select_for_update().filter(year_end=end).first()
    if run is not None and run.status != RunStatus.DRAFT:
        raise ValidationError(
            _("This year's allocation is already approved; it is not recomputed.")
        )
    policy = policy_on(end)
    result = allocation.allocate(
        net_profit(start, end),
        policy.allocation_percentages(),
        member_years(start, end),
        policy.unit_value,
        policy.max_dividend_rate_pa,
    )
    values = {"year_start": start, "policy": policy, "prepared_by": by, **result.buckets}
    values["net_profit"] = result.net_profit
    if run is None:
        run = AllocationRun.objects.create(year_end=end, **values)
    else:
        for name, value in values.items():
            setattr(run, name, value)
        run.save()
        run.lines.all().delete()
    AllocationLine.objects.bulk_create(
        AllocationLine(
            run=run,
            saver_id=line.saver_id,
            unit_months=line.unit_months.quantize(Decimal("0.01"), rounding=ROUND_DOWN),
            dividend=line.dividend,
            interest_paid=line.interest_paid,
            refund=line.refund,
        )
        for line in result.lines
    )
    return run


@transaction.atomic
def allocation_approve(
    *, run: AllocationRun, meeting_number: str, on: date, by: User
) -> AllocationRun:
    if not permissions.may_approve(by):
        raise PermissionDenied
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DRAFT:
        raise ValidationError(_("Only a draft allocation is approved."))
    if run.prepared_by_id == by.pk:
        raise ValidationError(_("The person who prepared it cannot record its approval."))
    if not meeting_number.strip():
        raise ValidationError({"meeting_number": _("Give the meeting's number.")})
    run.status, run.meeting_number = RunStatus.APPROVED, meeting_number.strip()
    run.approved_by, run.approved_on = by, on
    run.save()
    return run


@transaction.atomic
def allocation_post(*, run: AllocationRun, on: date, by: User) -> AllocationRun:
    """Close the year's income and expenses into the surplus, then allocate it:
    members' dividends and refunds into their deposits, the rest to the reserve and the
    funds. Both entries are dated `on`, in the open month; the run never changes after."""
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.APPROVED:
        raise ValidationError(_("Only an allocation approved by the meeting is posted."))
    if on <= run.year_end:
        raise ValidationError({"on": _("Post it after the year's end, in the open month.")})
    statement = income_statement(run.year_start, run.year_end)
    surplus = account(Role.SURPLUS)
    closing = []
    for acc, amount in statement.items():
        if not amount:
            continue
        if acc.kind == AccountKind.INCOME:
            closing.append(dr(acc, amount) if amount > 0 else cr(acc, -amount))
        else:
            closing.append(cr(acc, amount) if amount > 0 else dr(acc, -amount))
    net = run.net_profit
    if net > 0:
        closing.append(cr(surplus, net))
    elif net < 0:
        closing.append(dr(surplus, -net))
    memo = _("Year %(start)s – %(end)s") % {
        "start": format_thai_date(run.year_start),
        "end": format_thai_date(run.year_end),
    }
    if len(closing) >= 2:
        post(on=on, kind=EntryKind.YEAR_CLOSE, lines=closing, by=by, memo=memo)
    lines = []
    if net > 0:
        lines.append(dr(surplus, net))
        deposits = account(Role.DEPOSITS)
        for line in run.lines.select_related("saver"):
            if line.dividend + line.refund > 0:
                lines.append(cr(deposits, line.dividend + line.refund, saver=line.saver))
        for role, amount in (
            (Role.RESERVE, run.reserve),
            (Role.WELFARE, run.welfare),
            (Role.COMMITTEE, run.committee),
            (Role.NETWORK, run.network),
        ):
            lines.append(cr(account(role), amount))
    elif net < 0:  # a loss is carried by the reserve
        lines = [dr(account(Role.RESERVE), -net), cr(surplus, -net)]
    entry = None
    if lines:
        entry = post(on=on, kind=EntryKind.ALLOCATION, lines=lines, by=by, memo=memo)
    run.entry, run.status = entry, RunStatus.POSTED
    run.save()
    return run
