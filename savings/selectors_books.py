"""Reads of the group's books pages: the journal, corrections, month closing, deposit
interest, the accounting years and the allocation sheet, the policy. Each list is a
fixed number of queries whatever its length."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from savings.models import (
    AllocationLine,
    AllocationRun,
    EntryKind,
    GroupPolicy,
    JournalEntry,
    JournalLine,
    LoanType,
    PeriodClose,
    ReversalRequest,
    ReversalStatus,
    Saver,
    Subledger,
)
from savings.services.closing import Mismatch, cash_in_books, month_end, next_month_to_close
from savings.services.closing import reconcile as reconcile_books
from savings.services.interest import deposit_interest
from savings.services.ledger import ZERO

# --- The journal ------------------------------------------------------------------------------


# The journal page shows this many lines of an entry, and links to the rest: an opening
# balance or a year's allocation has a line per saver (thousands).
JOURNAL_LINES_SHOWN = 12


def _lines():
    return JournalLine.objects.select_related(
        "account", "saver__person", "loan", "collector"
    ).order_by("pk")


def _entries(user):
    return (
        JournalEntry.objects.for_user(user)
        .select_related("created_by", "approved_by", "reversal_of", "reversed_by")
        .order_by("-on", "-pk")
    )


def journal(user):
    """Entries newest first, each with how many lines it has (`line_count`) and what
    reverses it or what it reverses; `show_first_lines` gives a page of them their first
    lines. The journal page reads it by its key (date, id): a page of 25 entries costs
    the same among 10 or 1.5 million lines."""
    line_count = (
        JournalLine.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return _entries(user).annotate(line_count=Subquery(line_count))


def show_first_lines(entries) -> None:
    """Each entry's first JOURNAL_LINES_SHOWN lines as `lines_shown`, in two queries: the
    lines picked by their entry and number alone, then those lines with what they name
    (a year's allocation has a line per saver: joining its thousands of lines before
    keeping twelve cost 20 ms of a page)."""
    entries = list(entries)
    if not entries:
        return
    first = (
        JournalLine.objects.filter(entry__in=entries)
        .annotate(n=Window(RowNumber(), partition_by=[F("entry")], order_by=F("pk").asc()))
        .filter(n__lte=JOURNAL_LINES_SHOWN)
        .order_by()
        .values_list("pk", flat=True)
    )
    shown: dict[int, list] = {entry.pk: [] for entry in entries}
    for line in _lines().filter(pk__in=list(first)):
        shown[line.entry_id].append(line)
    for entry in entries:
        entry.lines_shown = shown[entry.pk]


def journal_entry(user):
    """The journal's entries one at a time: every line and the amount (`total`, the sum
    of the debits)."""
    return (
        _entries(user)
        .prefetch_related(Prefetch("lines", queryset=_lines()))
        .annotate(total=Sum("lines__debit"))
    )


def journal_lines(entries):
    """The lines of `entries` (the journal as filtered), in the order of the books:
    by date, entry and line, with what the export shows of each."""
    return (
        JournalLine.objects.filter(entry__in=entries.values("pk"))
        .select_related("entry", "account", "saver__person", "loan")
        .order_by("entry__on", "entry_id", "pk")
    )


def journal_months(today: date) -> list[date]:
    """The first day of every month from the first entry's to `today`'s, newest first."""
    first = JournalEntry.objects.aggregate(first=Min("on"))["first"]
    if first is None:
        return []
    months, month = [], today.replace(day=1)
    while month >= first.replace(day=1):
        months.append(month)
        month -= relativedelta(months=1)
    return months


def entry_requests(entry: JournalEntry):
    return entry.reversal_requests.select_related("requested_by", "decided_by", "reversal")


# --- Corrections ------------------------------------------------------------------------------


def reversal_requests(user, *, status: str = ""):
    """Requests waiting first, then those decided, newest first in each."""
    requests = ReversalRequest.objects.for_user(user).select_related(
        "entry", "requested_by", "decided_by", "reversal"
    )
    if status:
        requests = requests.filter(status=status)
    decided = Case(
        When(Q(status=ReversalStatus.PENDING), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return requests.annotate(decided=decided).order_by("decided", "-requested_at", "-pk")


# --- Closing a month --------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthToClose:
    month: date | None
    last_day: date | None
    cash_in_books: Decimal
    mismatches: list[Mismatch]
    begun: bool
    ended: bool

    @property
    def closable(self) -> bool:
        return self.month is not None and self.ended and not self.mismatches


def month_to_close(today: date) -> MonthToClose:
    """The next month to close, the cash the cash book holds at its end and what does
    not reconcile."""
    month = next_month_to_close()
    if month is None:
        return MonthToClose(None, None, ZERO, [], False, False)
    last_day = month_end(month)
    return MonthToClose(
        month=month,
        last_day=last_day,
        cash_in_books=cash_in_books(last_day),
        mismatches=reconcile_books(),
        begun=month <= today,
        ended=last_day < today,
    )


def closed_months(user):
    return PeriodClose.objects.for_user(user).select_related("closed_by").order_by("-month")


# --- Deposit interest -------------------------------------------------------------------------


def _half_year_end(day: date) -> date:
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


def interest_periods(today: date) -> list[tuple[date, JournalEntry | None]]:
    """Each half-year end from the first deposit's to the last one that has ended by
    `today`, newest first, with the entry that credited its interest (or None)."""
    first = JournalLine.objects.filter(account__subledger=Subledger.DEPOSITS).aggregate(
        first=Min("entry__on")
    )["first"]
    if first is None:
        return []
    posted = {
        entry.on: entry
        for entry in JournalEntry.objects.filter(kind=EntryKind.DEPOSIT_INTEREST).order_by("pk")
    }
    periods, end = [], _half_year_end(first)
    while end <= today:
        periods.append((end, posted.get(end)))
        end = _half_year_end(end + timedelta(days=1))
    return periods[::-1]


@dataclass(frozen=True)
class InterestRow:
    saver: Saver
    amount: Decimal


def interest_preview(period_end: date) -> tuple[list[InterestRow], Decimal]:
    """Every depositor's interest for the half-year ending `period_end`, by member
    number, and the total."""
    amounts = deposit_interest(period_end)
    savers = Saver.objects.select_related("person", "district").in_bulk(list(amounts))
    rows = [InterestRow(savers[pk], amount) for pk, amount in amounts.items()]
    rows.sort(key=lambda row: (row.saver.member_number or 0, row.saver.pk))
    return rows, sum((row.amount for row in rows), ZERO)


def interest_credited(entry: JournalEntry) -> tuple[list[InterestRow], Decimal]:
    """What a posted interest entry credited to each member (read from its lines, so
    the page shows what was posted, whatever was recorded since)."""
    lines = (
        JournalLine.objects.filter(
            entry=entry, saver__isnull=False, account__subledger=Subledger.DEPOSITS
        )
        .select_related("saver__person", "saver__district")
        .order_by("saver__member_number", "saver_id")
    )
    rows = [InterestRow(line.saver, line.credit - line.debit) for line in lines]
    return rows, sum((row.amount for row in rows), ZERO)


# --- Accounting years and the allocation ------------------------------------------------------


def _year_end(day: date, policies: list[GroupPolicy]) -> date:
    """The last day of the accounting year holding `day` (as yearend.year_end_for, with
    the policies read once)."""
    start_month = 1
    for policy in policies:
        if policy.effective_from <= day:
            start_month = policy.year_start_month
    start = day.replace(day=1, month=start_month)
    if start > day:
        start -= relativedelta(years=1)
    return start + relativedelta(years=1) - timedelta(days=1)


class YearStatus:
    OPEN = "open"
    READY = "ready"


@dataclass
class AccountingYear:
    start: date
    end: date
    months_closed: int
    run: AllocationRun | None = None

    @property
    def closed(self) -> bool:
        return self.months_closed >= 12

    @property
    def status(self) -> str:
        if self.run is not None:
            return self.run.status
        return YearStatus.READY if self.closed else YearStatus.OPEN


def accounting_years(today: date) -> list[AccountingYear]:
    """Every accounting year from the first entry's to today's, newest first, with its
    closed months and its allocation."""
    first = JournalEntry.objects.aggregate(first=Min("on"))["first"]
    if first is None:
        return []
    policies = list(GroupPolicy.objects.order_by("effective_from"))
    closed = list(PeriodClose.objects.values_list("month", flat=True))
    runs = {run.year_end: run for run in AllocationRun.objects.select_related("entry")}
    years, end = [], _year_end(first, policies)
    last = _year_end(today, policies)
    while end <= last:
        start = end - relativedelta(years=1) + timedelta(days=1)
        count = sum(1 for month in closed if start <= month <= end)
        years.append(AccountingYear(start, end, count, runs.get(end)))
        end = _year_end(end + timedelta(days=1), policies)
    return years[::-1]


@dataclass
class SheetLine:
    line: AllocationLine
    late: bool


@dataclass
class AllocationSheet:
    run: AllocationRun
    lines: list[SheetLine]
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def parts(self) -> list[tuple[str, Decimal, Decimal]]:
        """(bucket, amount, policy percentage) in the order of the sheet."""
        percentages = self.run.policy.allocation_percentages()
        return [(name, getattr(self.run, name), percentages[name]) for name in _BUCKETS]

    @property
    def parts_total(self) -> Decimal:
        return sum((getattr(self.run, name) for name in _BUCKETS), ZERO)


_BUCKETS = ("dividend", "refund", "reserve", "welfare", "committee", "network")


def allocation_run(user):
    return AllocationRun.objects.for_user(user).select_related(
        "policy", "prepared_by", "approved_by", "entry"
    )


def allocation_sheet(run: AllocationRun) -> AllocationSheet:
    """Every member's share of the run, by member number, with the members whose loan
    interest earns no refund because an instalment was late, and the column totals."""
    lines = list(
        run.lines.select_related("saver__person", "saver__district").order_by(
            "saver__member_number", "saver__pk"
        )
    )
    late: set[int] = set()
    if any(line.interest_paid and not line.refund for line in lines):
        from savings.services import yearend

        late = yearend._late_borrowers(run.year_start, run.year_end)
    rows = [
        SheetLine(line, bool(line.interest_paid and not line.refund and line.saver_id in late))
        for line in lines
    ]
    totals = {
        name: sum((getattr(line, name) for line in lines), Decimal("0.00"))
        for name in ("unit_months", "dividend", "interest_paid", "refund", "total")
    }
    return AllocationSheet(run, rows, totals)


# --- The policy -------------------------------------------------------------------------------


def policy_versions():
    """Every version, newest first, each with its loan types."""
    return GroupPolicy.objects.select_related("created_by").prefetch_related(
        Prefetch(
            "loan_types",
            queryset=LoanType.objects.annotate(annual_rate_pct=F("monthly_rate_pct") * 12).order_by(
                "code"
            ),
        )
    )
