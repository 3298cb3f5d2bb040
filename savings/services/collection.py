"""The monthly collection: what each saver of a district is expected to pay, the
arrears carried from earlier months, what was paid in the month, and recording a whole
sheet at the meeting."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from savings.models import (
    EntryKind,
    GroupPolicy,
    JournalLine,
    Pledge,
    Saver,
    SaverStatus,
    Subledger,
)
from savings.services.cash import deposit, pledge_pay
from savings.services.ledger import ZERO
from savings.services.savers import month_of

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _policies() -> list[GroupPolicy]:
    return list(GroupPolicy.objects.order_by("effective_from"))


def _unit_value(policies: list[GroupPolicy], month: date) -> Decimal:
    value = policies[0].unit_value if policies else Decimal("50.00")
    for policy in policies:
        if policy.effective_from <= month:
            value = policy.unit_value
    return value


def _month_number(day: date) -> int:
    """Months since year 0: the month `day` falls in."""
    return day.year * 12 + day.month - 1


def _first_month_from(day: date) -> int:
    """The first month whose first day is on or after `day`."""
    return _month_number(day) + (day.day != 1)


def _month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def expected_through(saver: Saver, last_month: date, *, pledges=None, policies=None) -> Decimal:
    """Pledged savings expected from the month of admission through `last_month`: for
    each month, the units of the pledge in force times the unit value of the policy in
    force on its first day. Summed a stretch at a time (the amount changes only when a
    pledge or a policy does), not month by month: five years of a sheet of 2,000 savers
    is a few sums each."""
    if saver.decided_on is None or last_month < month_of(saver.decided_on):
        return ZERO
    pledges = pledges if pledges is not None else list(saver.pledges.order_by("from_month"))
    policies = policies if policies is not None else _policies()
    end = month_of(saver.left_on) if saver.left_on else last_month
    first, last = _month_number(month_of(saver.decided_on)), _month_number(min(last_month, end))
    if last < first:
        return ZERO
    changes = {_first_month_from(pledge.from_month) for pledge in pledges}
    changes |= {_first_month_from(policy.effective_from) for policy in policies}
    starts = [first, *sorted(number for number in changes if first < number <= last)]
    total = ZERO
    for start, following in zip(starts, [*starts[1:], last + 1], strict=True):
        month = _month_start(start)
        units = 0
        for pledge in pledges:
            if pledge.from_month <= month:
                units = pledge.units
        total += units * _unit_value(policies, month) * (following - start)
    return total


def pledged_paid_through(saver: Saver, through: date) -> Decimal:
    totals = JournalLine.objects.filter(
        saver=saver, account__subledger=Subledger.PLEDGED, entry__on__lte=through
    ).aggregate(credit=Coalesce(Sum("credit"), ZERO), debit=Coalesce(Sum("debit"), ZERO))
    return totals["credit"] - totals["debit"]


def arrears_of(saver: Saver, on: date) -> Decimal:
    """Pledged savings owed for the months before `on`'s month (this month's is not
    late yet), less everything paid so far."""
    previous = month_of(on) - relativedelta(months=1)
    owed = expected_through(saver, previous) - pledged_paid_through(saver, on)
    return max(ZERO, owed)


@dataclass(frozen=True)
class SheetRow:
    """One member on the sheet: the pledge for the month, the arrears carried from
    earlier months, and what was taken in the month (pledged savings and deposits of
    entries not reversed)."""

    saver: Saver
    units: int
    this_month: Decimal
    arrears: Decimal
    paid_pledged: Decimal = ZERO
    paid_deposit: Decimal = ZERO
    ahead: Decimal = ZERO  # pledged savings paid before this month for months to come

    @property
    def expected(self) -> Decimal:
        return max(ZERO, self.this_month + self.arrears - self.ahead)

    @property
    def still_due(self) -> Decimal:
        return max(ZERO, self.expected - self.paid_pledged)


def _sum_of(lines, expression):
    total = lines.values("saver").annotate(total=Sum(expression)).values("total")[:1]
    return Coalesce(Subquery(total), Value(ZERO), output_field=MONEY_FIELD)


def _paid_annotation(through: date):
    lines = JournalLine.objects.filter(
        saver=OuterRef("pk"), account__subledger=Subledger.PLEDGED, entry__on__lte=through
    )
    return _sum_of(lines, F("credit") - F("debit"))


def _taken_in(month: date, subledger: str, kind: str):
    """Money taken in `month` on a member sub-ledger by entries of `kind` that were
    not reversed: what the sheet shows as paid."""
    lines = JournalLine.objects.filter(
        Q(saver=OuterRef("pk"), account__subledger=subledger, entry__kind=kind),
        entry__on__range=(month, month + relativedelta(months=1, days=-1)),
        entry__reversed_by__isnull=True,
    )
    return _sum_of(lines, "credit")


def sheet_savers(district):
    """The members on a district's sheet, in the order of their member numbers."""
    return Saver.objects.filter(district=district, status=SaverStatus.ACTIVE).order_by(
        "member_number"
    )


def collection_sheet(district, month: date, *, only=None) -> list[SheetRow]:
    """Every member of `district` (or those of them whose keys `only` lists: a page of
    the sheet, or the members a post names) with this month's pledge, the arrears
    carried from earlier months (what they paid before `month`) and what they paid in
    the month. A fixed number of queries."""
    month = month_of(month)
    before = month - relativedelta(days=1)
    policies = _policies()
    members = sheet_savers(district)
    if only is not None:
        members = members.filter(pk__in=only)
    savers = (
        members.select_related("person")
        .prefetch_related(Prefetch("pledges", queryset=Pledge.objects.order_by("from_month")))
        .annotate(
            paid_before=_paid_annotation(before),
            paid_pledged=_taken_in(month, Subledger.PLEDGED, EntryKind.PLEDGE),
            paid_deposit=_taken_in(month, Subledger.DEPOSITS, EntryKind.DEPOSIT),
        )
        .order_by("member_number")
    )
    rows = []
    for saver in savers:
        pledges = list(saver.pledges.all())
        units = 0
        for pledge in pledges:
            if pledge.from_month <= month:
                units = pledge.units
        owed = expected_through(
            saver, month - relativedelta(months=1), pledges=pledges, policies=policies
        )
        rows.append(
            SheetRow(
                saver,
                units,
                units * _unit_value(policies, month),
                max(ZERO, owed - saver.paid_before),
                saver.paid_pledged,
                saver.paid_deposit,
                max(ZERO, saver.paid_before - owed),
            )
        )
    return rows


PARTS = (("pledged", pledge_pay), ("deposit", deposit))


def sheet_record(*, rows: dict, on: date, by) -> list:
    """Record a collection sheet: {saver: (pledged, deposit)}; one entry (and receipt)
    per payment, all in one transaction: a sheet with one bad row records nothing, and
    every row at fault is named (SheetRefused)."""
    entries, refused = [], SheetRefused({})
    with transaction.atomic():
        for saver, amounts in rows.items():
            for (part, service), amount in zip(PARTS, amounts, strict=True):
                if not amount:
                    continue
                try:
                    with transaction.atomic():
                        entries.append(service(saver=saver, amount=amount, on=on, by=by))
                except ValidationError as error:
                    refused.add(saver, part, error)
        if refused.errors:
            transaction.set_rollback(True)
            raise refused
    return entries


class SheetRefused(Exception):
    """Rows of a collection sheet that cannot be recorded, by saver; nothing was.

    `errors`: saver → messages; `parts`: saver → {"pledged" or "deposit": the
    service's ValidationError}, so a page can show each message at its input."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors
        self.parts: dict = {}

    def add(self, saver: Saver, part: str, error: ValidationError) -> None:
        self.errors.setdefault(saver, []).extend(error.messages)
        self.parts.setdefault(saver, {})[part] = error
