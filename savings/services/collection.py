"""The monthly collection: what each saver of a district is expected to pay, the
arrears carried from earlier months, and recording a whole sheet at the meeting."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Sum
from django.db.models.functions import Coalesce

from savings.models import GroupPolicy, JournalLine, Saver, Subledger
from savings.services.ledger import ZERO
from savings.services.savers import month_of


def _months(first: date, last: date):
    month = first
    while month <= last:
        yield month
        month += relativedelta(months=1)


def _policies() -> list[GroupPolicy]:
    return list(GroupPolicy.objects.order_by("effective_from"))


def _unit_value(policies: list[GroupPolicy], month: date) -> Decimal:
    value = policies[0].unit_value if policies else Decimal("50.00")
    for policy in policies:
        if policy.effective_from <= month:
            value = policy.unit_value
    return value


def expected_through(saver: Saver, last_month: date, *, pledges=None, policies=None) -> Decimal:
    """Pledged savings expected from the month of admission through `last_month`."""
    if saver.decided_on is None or last_month < month_of(saver.decided_on):
        return ZERO
    pledges = pledges if pledges is not None else list(saver.pledges.order_by("from_month"))
    policies = policies if policies is not None else _policies()
    total = ZERO
    end = month_of(saver.left_on) if saver.left_on else last_month
    for month in _months(month_of(saver.decided_on), min(last_month, end)):
        units = 0
        for pledge in pledges:
            if pledge.from_month <= month:
                units = pledge.units
        total += units * _unit_value(policies, month)
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
    saver: Saver
    units: int
    this_month: Decimal
    arrears: Decimal

    @property
    def expected(self) -> Decimal:
        return self.this_month + self.arrears


def _paid_annotation(through: date):
    from django.db.models import DecimalField, F, OuterRef, Subquery, Value

    lines = (
        JournalLine.objects.filter(
            saver=OuterRef("pk"), account__subledger=Subledger.PLEDGED, entry__on__lte=through
        )
        .values("saver")
        .annotate(total=Sum(F("credit") - F("debit")))
        .values("total")[:1]
    )
    return Coalesce(
        Subquery(lines), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def collection_sheet(district, month: date) -> list[SheetRow]:
    """Every member of `district` with this month's pledge and the arrears carried from
    earlier months (what they paid before `month`). A fixed number of queries."""
    from django.db.models import Prefetch

    from savings.models import Pledge, SaverStatus

    month = month_of(month)
    before = month - relativedelta(days=1)
    policies = _policies()
    savers = (
        Saver.objects.filter(district=district, status=SaverStatus.ACTIVE)
        .select_related("person")
        .prefetch_related(Prefetch("pledges", queryset=Pledge.objects.order_by("from_month")))
        .annotate(paid_before=_paid_annotation(before))
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
        this_month = units * _unit_value(policies, month)
        rows.append(SheetRow(saver, units, this_month, max(ZERO, owed - saver.paid_before)))
    return rows


def sheet_record(*, rows: dict, on: date, by) -> list:
    """Record a collection sheet: {saver: (pledged, deposit)}; one entry (and receipt)
    per payment, all in one transaction: a sheet with one bad row records nothing."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from savings.services.cash import deposit, pledge_pay

    entries, errors = [], {}
    with transaction.atomic():
        for saver, (pledged, deposited) in rows.items():
            try:
                with transaction.atomic():
                    if pledged:
                        entries.append(pledge_pay(saver=saver, amount=pledged, on=on, by=by))
                    if deposited:
                        entries.append(deposit(saver=saver, amount=deposited, on=on, by=by))
            except ValidationError as error:
                errors[saver] = error.messages
        if errors:
            transaction.set_rollback(True)
            raise SheetRefused(errors)
    return entries


class SheetRefused(Exception):
    """Rows of a collection sheet that cannot be recorded, by saver; nothing was."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors
