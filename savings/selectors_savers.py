"""Reads of the savers pages and their exports: the member register with balances
and arrears, one saver's page, and the passbook (statement) built from the journal.

Every list starts from `for_user`, so a district member reads only their district.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from members.models import Person
from savings.models import (
    LIVE,
    GroupPolicy,
    Guarantee,
    JournalEntry,
    JournalLine,
    Loan,
    Pledge,
    Saver,
    SaverStatus,
    Subledger,
)
from savings.services.collection import expected_through
from savings.services.ledger import ZERO, saver_lines
from savings.services.savers import month_of

LAST_LINES = 10
PEOPLE_FOUND = 30


# --- The register -----------------------------------------------------------------------------


def _pledged_paid_through(day: date):
    """Pledged savings paid through `day` (what collection.arrears_of counts), per saver."""
    paid = (
        JournalLine.objects.filter(
            saver=OuterRef("pk"), account__subledger=Subledger.PLEDGED, entry__on__lte=day
        )
        .values("saver")
        .annotate(total=Sum(F("credit") - F("debit")))
        .values("total")[:1]
    )
    return Coalesce(
        Subquery(paid), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def savers_for(user, *, today: date) -> QuerySet[Saver]:
    """The savers `user` may read, with what a row of the register shows: the person,
    the district, the balances, the pledges and what was paid (for the arrears)."""
    return (
        Saver.objects.for_user(user)
        .select_related("person", "district", "account")
        .prefetch_related(Prefetch("pledges", queryset=Pledge.objects.order_by("from_month")))
        .annotate(pledged_paid=_pledged_paid_through(today))
        .order_by(F("member_number").asc(nulls_last=True), "pk")
    )


def search_savers(savers: QuerySet[Saver], text: str) -> QuerySet[Saver]:
    """Savers whose member number is `text` (digits), or whose name has every word of it."""
    text = text.strip()
    if not text:
        return savers
    if text.isdigit():
        return savers.filter(member_number=int(text))
    by_name = Q()
    for word in text.split():
        by_name &= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
    return savers.filter(by_name)


def _units(pledges: list[Pledge], month: date) -> int:
    units = 0
    for pledge in pledges:
        if pledge.from_month <= month:
            units = pledge.units
    return units


@dataclass(frozen=True)
class RegisterRow:
    """A saver as the register shows them."""

    saver: Saver
    units: int
    arrears: Decimal | None  # None: not a member (no pledge is expected)

    @property
    def account(self):
        return self.saver.account


def register_rows(savers, *, today: date) -> list[RegisterRow]:
    """Rows for savers fetched by `savers_for` (no query per row): this month's units
    and the pledged savings owed for the months before this one."""
    policies = list(GroupPolicy.objects.order_by("effective_from"))
    month = month_of(today)
    previous = month - relativedelta(months=1)
    rows = []
    for saver in savers:
        pledges = list(saver.pledges.all())
        arrears = None
        if saver.status == SaverStatus.ACTIVE:
            owed = expected_through(saver, previous, pledges=pledges, policies=policies)
            arrears = max(ZERO, owed - saver.pledged_paid)
        rows.append(RegisterRow(saver, _units(pledges, month), arrears))
    return rows


def people_to_enrol(user, text: str) -> list[Person]:
    """People of the registry in `user`'s reach who have not applied and are not members,
    matching every word of `text` (names) or the phone number; the first few."""
    people = (
        Person.objects.for_user(user)
        .exclude(savers__status__in=LIVE)
        .select_related("district")
        .ordered()
    )
    for word in text.split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(phone__contains=word)
        )
    return list(people[:PEOPLE_FOUND])


# --- One saver --------------------------------------------------------------------------------


def loans_of(saver: Saver) -> list[Loan]:
    return list(saver.loans.select_related("loan_type").order_by("-applied_on", "-pk"))


def guarantees_by(saver: Saver) -> list[Guarantee]:
    """The loans `saver` guarantees or guaranteed, the live ones first."""
    return list(
        Guarantee.objects.filter(guarantor=saver)
        .select_related("loan__saver__person")
        .order_by(F("ended_on").desc(nulls_first=True), "-loan__applied_on", "-pk")
    )


# --- The statement (passbook) -----------------------------------------------------------------


@dataclass
class StatementRow:
    """One journal entry as it moved the saver's accounts: pledged savings and deposits
    (in: credits, out: debits) and loans (lent: debits, repaid: credits), and the
    balances after it. `entry` is None for the balance brought forward."""

    entry: JournalEntry | None
    on: date | None
    pledged_in: Decimal = ZERO
    pledged_out: Decimal = ZERO
    deposits_in: Decimal = ZERO
    deposits_out: Decimal = ZERO
    lent: Decimal = ZERO
    repaid: Decimal = ZERO
    pledged: Decimal = ZERO  # balances after this row
    deposits: Decimal = ZERO
    loans: Decimal = ZERO
    loan_numbers: list[str] = field(default_factory=list)

    @property
    def savings(self) -> Decimal:
        return self.pledged + self.deposits

    @property
    def savings_out(self) -> Decimal:
        return self.pledged_out + self.deposits_out

    @property
    def document(self) -> str:
        if self.entry is None:
            return ""
        return self.entry.document_number or self.entry.number

    @property
    def reversed(self) -> bool:
        """A reversal, or an entry a reversal cancelled: both are struck through."""
        if self.entry is None:
            return False
        if self.entry.reversal_of_id:
            return True
        try:
            return self.entry.reversed_by is not None
        except JournalEntry.reversed_by.RelatedObjectDoesNotExist:
            return False


@dataclass
class Statement:
    saver: Saver
    start: date | None
    end: date | None
    opening: StatementRow
    rows: list[StatementRow]

    @property
    def closing(self) -> StatementRow:
        return self.rows[-1] if self.rows else self.opening


def _signed_totals(lines) -> dict[str, Decimal]:
    """Balances per sub-ledger on their normal side (savings: credit, loans: debit)."""
    totals = defaultdict(lambda: ZERO)
    for row in lines.values("account__subledger").annotate(
        debit=Coalesce(Sum("debit"), ZERO), credit=Coalesce(Sum("credit"), ZERO)
    ):
        sub = row["account__subledger"]
        if sub == Subledger.LOANS:
            totals[sub] = row["debit"] - row["credit"]
        else:
            totals[sub] = row["credit"] - row["debit"]
    return totals


def _add(row: StatementRow, line: JournalLine) -> None:
    """The line's movement and the balances after it."""
    sub = line.account.subledger
    if sub == Subledger.PLEDGED:
        row.pledged_in += line.credit
        row.pledged_out += line.debit
        row.pledged += line.credit - line.debit
    elif sub == Subledger.DEPOSITS:
        row.deposits_in += line.credit
        row.deposits_out += line.debit
        row.deposits += line.credit - line.debit
    elif sub == Subledger.LOANS:
        row.lent += line.debit
        row.repaid += line.credit
        row.loans += line.debit - line.credit
        if line.loan and line.loan.number not in row.loan_numbers:
            row.loan_numbers.append(line.loan.number)


def statement(saver: Saver, *, start: date | None = None, end: date | None = None) -> Statement:
    """The saver's passbook from `start` to `end` (both optional): the balance brought
    forward, then one row per journal entry with the balances after it. Two queries
    whatever the number of lines."""
    lines = saver_lines(saver).select_related("entry__reversed_by")
    before = _signed_totals(
        JournalLine.objects.filter(saver=saver, entry__on__lt=start).filter(
            ~Q(account__subledger="")
        )
        if start
        else JournalLine.objects.none()
    )
    opening = StatementRow(
        entry=None,
        on=start,
        pledged=before[Subledger.PLEDGED],
        deposits=before[Subledger.DEPOSITS],
        loans=before[Subledger.LOANS],
    )
    if start:
        lines = lines.filter(entry__on__gte=start)
    if end:
        lines = lines.filter(entry__on__lte=end)
    rows: list[StatementRow] = []
    last = opening
    for line in lines:
        if not rows or rows[-1].entry.pk != line.entry_id:
            last = StatementRow(
                entry=line.entry,
                on=line.entry.on,
                pledged=last.pledged,
                deposits=last.deposits,
                loans=last.loans,
            )
            rows.append(last)
        _add(last, line)
    return Statement(saver=saver, start=start, end=end, opening=opening, rows=rows)


def last_rows(saver: Saver, count: int = LAST_LINES) -> list[StatementRow]:
    """The latest rows of the statement, newest last."""
    return statement(saver).rows[-count:]
