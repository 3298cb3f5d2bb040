"""The group's reports, built from the books: loan aging, the cash book, the trial
balance, the balance sheet, the income statement and the quarterly summary for the
provincial CDD office.

Pure reads shared by the report pages and their CSV/XLSX exports (savings/views/
reports.py), so a file always holds the figures the page shows. Each builder takes a
fixed number of queries whatever the number of members, loans or entries.

The books are the group's, one set for the whole province: the figures cover every
district. The only personal data, the overdue borrowers of the loan aging, are listed
within the reader's district (`Loan.objects.for_user`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from members.models import District, Sex, Title
from savings import selectors_loans
from savings.models import (
    LEFT,
    Account,
    AccountKind,
    JournalLine,
    Loan,
    Role,
    Saver,
    SaverStatus,
    Subledger,
)
from savings.services import yearend
from savings.services.ledger import ZERO

HUNDRED = Decimal("100")
PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a percentage with two decimals (half up); None without a whole."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _districts(codes) -> list[District]:
    return list(District.objects.filter(code__in=set(codes)).order_by("code"))


# --- Loan aging -------------------------------------------------------------------------------

BUCKETS = selectors_loans.AGING_BUCKETS
BUCKET_LABELS = {
    "current": _("Not overdue"),
    "1-30": _("1–30 days"),
    "31-60": _("31–60 days"),
    "61-90": _("61–90 days"),
    "over-90": _("Over 90 days"),
}


@dataclass
class AgingCell:
    loans: int = 0
    principal: Decimal = ZERO

    def add(self, principal: Decimal) -> None:
        self.loans += 1
        self.principal += principal


@dataclass
class AgingLine:
    """One district's loans (or all districts' when `district` is None) per bucket."""

    district: District | None
    cells: dict[str, AgingCell] = field(default_factory=lambda: {b: AgingCell() for b in BUCKETS})

    def add(self, row: selectors_loans.AgingRow) -> None:
        self.cells[row.bucket].add(row.principal_outstanding)

    @property
    def buckets(self) -> list[tuple[str, AgingCell]]:
        return [(bucket, self.cells[bucket]) for bucket in BUCKETS]

    @property
    def loans(self) -> int:
        return sum(cell.loans for cell in self.cells.values())

    @property
    def principal(self) -> Decimal:
        return sum((cell.principal for cell in self.cells.values()), ZERO)

    @property
    def overdue_principal(self) -> Decimal:
        return self.principal - self.cells["current"].principal


@dataclass(frozen=True)
class LoanAging:
    as_of: date
    lines: list[AgingLine]
    total: AgingLine
    overdue: list[selectors_loans.AgingRow]  # the reader's district only, most overdue first


def aging_lines(rows: list[selectors_loans.AgingRow]) -> tuple[list[AgingLine], AgingLine]:
    """Loans owing something, per district (by code) and in total, per bucket."""
    by_district: dict[str, AgingLine] = {}
    total = AgingLine(None)
    for row in rows:
        district = row.loan.saver.district
        by_district.setdefault(district.code, AgingLine(district)).add(row)
        total.add(row)
    return [by_district[code] for code in sorted(by_district)], total


def loan_aging(as_of: date, user) -> LoanAging:
    """Every loan owing something at the end of `as_of`, by days overdue (not overdue,
    1–30, 31–60, 61–90, over 90), counted and summed per district and in total; and the
    overdue loans the reader may see, the most overdue first."""
    rows = selectors_loans.aging(as_of)
    lines, total = aging_lines(rows)
    visible = set(
        Loan.objects.for_user(user).filter(disbursed_on__lte=as_of).values_list("pk", flat=True)
    )
    overdue = [row for row in rows if row.state.days_overdue > 0 and row.loan.pk in visible]
    overdue.sort(key=lambda row: (-row.state.days_overdue, row.loan.number))
    return LoanAging(as_of, lines, total, overdue)


# --- Cash book --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CashMovement:
    line: JournalLine
    balance: Decimal

    @property
    def entry(self):
        return self.line.entry

    @property
    def money_in(self) -> Decimal:
        return self.line.debit

    @property
    def money_out(self) -> Decimal:
        return self.line.credit

    @property
    def description(self) -> str:
        """The entry's memo (or kind); for collectors' cash, who holds it."""
        text = self.entry.memo or self.entry.get_kind_display()
        if self.line.collector_id:
            text = f"{text} ({self.line.collector})"
        return text

    @property
    def reversed(self) -> bool:
        """A reversed entry or the reversal itself (both count in the balance)."""
        return bool(self.entry.reversal_of_id) or hasattr(self.entry, "reversed_by")


@dataclass
class CashAccountBook:
    account: Account
    opening: Decimal
    movements: list[CashMovement] = field(default_factory=list)

    @property
    def money_in(self) -> Decimal:
        return sum((m.money_in for m in self.movements), ZERO)

    @property
    def money_out(self) -> Decimal:
        return sum((m.money_out for m in self.movements), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.money_in - self.money_out


@dataclass(frozen=True)
class CashBook:
    period: Period
    books: list[CashAccountBook]

    @property
    def opening(self) -> Decimal:
        return sum((book.opening for book in self.books), ZERO)

    @property
    def money_in(self) -> Decimal:
        return sum((book.money_in for book in self.books), ZERO)

    @property
    def money_out(self) -> Decimal:
        return sum((book.money_out for book in self.books), ZERO)

    @property
    def closing(self) -> Decimal:
        return sum((book.closing for book in self.books), ZERO)


def money_accounts():
    """The cash box, the cash district collectors hold, and the group's bank accounts."""
    return Account.objects.filter(
        Q(role__in=[Role.CASH, Role.COLLECTORS]) | Q(is_bank=True)
    ).order_by("code")


def cash_book(period: Period) -> CashBook:
    """Cash and each bank account over `period`: the balance brought forward, every
    movement in date order with the running balance, and the balance carried forward.
    Three queries."""
    accounts = list(money_accounts())
    opening = dict(
        JournalLine.objects.filter(account__in=accounts, entry__on__lt=period.start)
        .values("account")
        .annotate(total=Coalesce(Sum("debit"), ZERO) - Coalesce(Sum("credit"), ZERO))
        .values_list("account", "total")
    )
    books = {acc.pk: CashAccountBook(acc, opening.get(acc.pk, ZERO)) for acc in accounts}
    lines = (
        JournalLine.objects.filter(
            account__in=accounts, entry__on__gte=period.start, entry__on__lte=period.end
        )
        .select_related("entry__reversed_by", "collector")
        .order_by("entry__on", "entry_id", "pk")
    )
    running = {pk: book.opening for pk, book in books.items()}
    for line in lines:
        running[line.account_id] += line.debit - line.credit
        books[line.account_id].movements.append(CashMovement(line, running[line.account_id]))
    kept = [
        book for book in books.values() if book.account.active or book.opening or book.movements
    ]
    return CashBook(period, kept)


# --- Trial balance and balance sheet ----------------------------------------------------------


@dataclass(frozen=True)
class AccountTotals:
    account: Account
    debit: Decimal
    credit: Decimal

    @property
    def net_debit(self) -> Decimal:
        return self.debit - self.credit

    @property
    def balance(self) -> Decimal:
        """On the account's normal side (debit for assets and expenses)."""
        return self.net_debit if self.account.debit_normal else -self.net_debit

    @property
    def debit_balance(self) -> Decimal:
        return max(self.net_debit, ZERO)

    @property
    def credit_balance(self) -> Decimal:
        return max(-self.net_debit, ZERO)


def account_totals(through: date) -> list[AccountTotals]:
    """Every account's debits and credits through `through`, by code (one query);
    accounts no longer in use and never posted to are left out."""
    upto = Q(lines__entry__on__lte=through)
    accounts = Account.objects.annotate(
        debit_total=Coalesce(Sum("lines__debit", filter=upto), ZERO),
        credit_total=Coalesce(Sum("lines__credit", filter=upto), ZERO),
        posted=Count("lines", filter=upto),
    ).order_by("code")
    return [
        AccountTotals(acc, acc.debit_total, acc.credit_total)
        for acc in accounts
        if acc.active or acc.posted
    ]


@dataclass(frozen=True)
class TrialBalance:
    as_of: date
    rows: list[AccountTotals]

    @property
    def debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)

    @property
    def debit_balance(self) -> Decimal:
        return sum((row.debit_balance for row in self.rows), ZERO)

    @property
    def credit_balance(self) -> Decimal:
        return sum((row.credit_balance for row in self.rows), ZERO)

    @property
    def balances(self) -> bool:
        return self.debit == self.credit and self.debit_balance == self.credit_balance


def trial_balance(as_of: date) -> TrialBalance:
    return TrialBalance(as_of, account_totals(as_of))


@dataclass(frozen=True)
class SheetLine:
    label: str
    code: str
    amount: Decimal


@dataclass(frozen=True)
class BalanceSheet:
    as_of: date
    assets: list[SheetLine]
    liabilities: list[SheetLine]
    equity: list[SheetLine]

    @property
    def total_assets(self) -> Decimal:
        return sum((line.amount for line in self.assets), ZERO)

    @property
    def total_liabilities(self) -> Decimal:
        return sum((line.amount for line in self.liabilities), ZERO)

    @property
    def total_equity(self) -> Decimal:
        return sum((line.amount for line in self.equity), ZERO)

    @property
    def liabilities_and_equity(self) -> Decimal:
        return self.total_liabilities + self.total_equity

    @property
    def balances(self) -> bool:
        return self.total_assets == self.liabilities_and_equity


UNCLOSED_PROFIT = _("Profit (loss) not yet closed: income less expenses of the open year")


def balance_sheet(as_of: date) -> BalanceSheet:
    """Assets, liabilities and equity at the end of `as_of`. Income and expenses not
    yet closed into the surplus (the year's allocation closes them) are shown as the
    profit not yet closed, so the sheet balances whenever it is drawn."""
    parts: dict[str, list[SheetLine]] = defaultdict(list)
    unclosed = ZERO
    for row in account_totals(as_of):
        kind = row.account.kind
        if kind == AccountKind.INCOME:
            unclosed += row.balance
        elif kind == AccountKind.EXPENSE:
            unclosed -= row.balance
        else:
            parts[kind].append(SheetLine(row.account.label, row.account.code, row.balance))
    parts[AccountKind.EQUITY].append(SheetLine(str(UNCLOSED_PROFIT), "", unclosed))
    return BalanceSheet(
        as_of, parts[AccountKind.ASSET], parts[AccountKind.LIABILITY], parts[AccountKind.EQUITY]
    )


def total_assets(through: date) -> Decimal:
    """The sum of the asset accounts' balances at the end of `through` (one query)."""
    totals = JournalLine.objects.filter(
        account__kind=AccountKind.ASSET, entry__on__lte=through
    ).aggregate(debit=Coalesce(Sum("debit"), ZERO), credit=Coalesce(Sum("credit"), ZERO))
    return totals["debit"] - totals["credit"]


# --- Income statement -------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeStatement:
    period: Period
    income: list[SheetLine]
    expenses: list[SheetLine]

    @property
    def total_income(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def total_expenses(self) -> Decimal:
        return sum((line.amount for line in self.expenses), ZERO)

    @property
    def net_profit(self) -> Decimal:
        return self.total_income - self.total_expenses


def year_so_far(today: date) -> Period:
    """The accounting year holding `today`, from its first day to `today`."""
    start, _end = yearend.year_of(yearend.year_end_for(today))
    return Period(start, today)


def income_statement(period: Period) -> IncomeStatement:
    """Every income and expense account's movement in `period`, leaving out the year's
    closing entries (as the year-end allocation reads them: savings.services.yearend)."""
    movements = yearend.income_statement(period.start, period.end)
    amounts = {acc.pk: amount for acc, amount in movements.items()}
    accounts = Account.objects.filter(kind__in=[AccountKind.INCOME, AccountKind.EXPENSE])
    lines: dict[str, list[SheetLine]] = defaultdict(list)
    for acc in accounts.order_by("code"):
        if acc.active or acc.pk in amounts:
            lines[acc.kind].append(SheetLine(acc.label, acc.code, amounts.get(acc.pk, ZERO)))
    return IncomeStatement(period, lines[AccountKind.INCOME], lines[AccountKind.EXPENSE])


# --- The quarterly summary for the CDD office -------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter (January–March is the first), named by its B.E. year."""

    year: int  # C.E.
    number: int  # 1–4

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.start + relativedelta(months=3) - timedelta(days=1)

    @property
    def year_be(self) -> int:
        return self.year + 543

    @classmethod
    def last_ended(cls, today: date) -> "Quarter":
        """The latest quarter that has ended by `today`."""
        current = (today.month - 1) // 3 + 1
        if current == 1:
            return cls(today.year - 1, 4)
        return cls(today.year, current - 1)

    @property
    def twelve_months(self) -> Period:
        """The twelve months ending with the quarter."""
        return Period(self.end + timedelta(days=1) - relativedelta(years=1), self.end)


@dataclass
class CddLine:
    """One district's figures (all districts' when `district` is None)."""

    district: District | None
    members: int = 0
    women: int = 0
    joined: int = 0
    left: int = 0
    pledged: Decimal = ZERO
    deposits: Decimal = ZERO
    loans: int = 0
    principal: Decimal = ZERO
    principal_at_risk: Decimal = ZERO
    return_on_assets: Decimal | None = None

    @property
    def portfolio_at_risk(self) -> Decimal | None:
        return percent(self.principal_at_risk, self.principal)

    def add(self, other: "CddLine") -> None:
        for name in ("members", "women", "joined", "left", "loans"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("pledged", "deposits", "principal", "principal_at_risk"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class CddQuarterly:
    quarter: Quarter
    lines: list[CddLine]
    total: CddLine
    net_profit: Decimal  # of the twelve months ending with the quarter
    assets_start: Decimal  # total assets the day before the twelve months
    assets_end: Decimal  # total assets at the quarter's end

    @property
    def average_assets(self) -> Decimal:
        return (self.assets_start + self.assets_end) / 2


PAR_DAYS = 30
WOMEN = Q(person__sex=Sex.FEMALE) | Q(
    person__sex=Sex.UNSPECIFIED, person__title__in=[Title.MRS, Title.MISS]
)


def _member_counts(quarter: Quarter) -> dict[str, dict]:
    """Per district: members at the quarter's end (and women among them), admitted
    and left during the quarter (one query)."""
    start, end = quarter.start, quarter.end
    member_then = Q(decided_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end))
    rows = (
        Saver.objects.filter(
            status__in=[SaverStatus.ACTIVE, *LEFT],
            member_number__isnull=False,
            decided_on__isnull=False,
        )
        .values("district")
        .annotate(
            members=Count("pk", filter=member_then),
            women=Count("pk", filter=member_then & WOMEN),
            joined=Count("pk", filter=Q(decided_on__gte=start, decided_on__lte=end)),
            left=Count("pk", filter=Q(left_on__gte=start, left_on__lte=end)),
        )
    )
    return {row.pop("district"): row for row in rows}


def _savings(end: date) -> dict[str, dict[str, Decimal]]:
    """Per district: members' pledged savings and deposits at the end of `end`."""
    rows = (
        JournalLine.objects.filter(
            account__subledger__in=[Subledger.PLEDGED, Subledger.DEPOSITS], entry__on__lte=end
        )
        .values("saver__district", "account__subledger")
        .annotate(total=Coalesce(Sum("credit"), ZERO) - Coalesce(Sum("debit"), ZERO))
    )
    found: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        found[row["saver__district"]][row["account__subledger"]] = row["total"]
    return found


def cdd_quarterly(quarter: Quarter) -> CddQuarterly:
    """The quarter's summary per district and in total: members (women, admitted,
    left), savings, loans outstanding, the portfolio at risk over 30 days (principal of
    loans more than 30 days overdue / principal outstanding) and, for the group as a
    whole, the return on assets (net profit of the twelve months ending with the
    quarter / the average of total assets at their start and end)."""
    members = _member_counts(quarter)
    savings = _savings(quarter.end)
    loans: dict[str, list] = defaultdict(list)
    for row in selectors_loans.aging(quarter.end):
        loans[row.loan.saver.district_id].append(row)
    lines = []
    for district in _districts([*members, *savings, *loans]):
        line = CddLine(district, **members.get(district.code, {}))
        line.pledged = savings[district.code].get(Subledger.PLEDGED, ZERO)
        line.deposits = savings[district.code].get(Subledger.DEPOSITS, ZERO)
        for row in loans[district.code]:
            line.loans += 1
            line.principal += row.principal_outstanding
            if row.state.days_overdue > PAR_DAYS:
                line.principal_at_risk += row.principal_outstanding
        lines.append(line)
    total = CddLine(None)
    for line in lines:
        total.add(line)
    window = quarter.twelve_months
    report = CddQuarterly(
        quarter=quarter,
        lines=lines,
        total=total,
        net_profit=yearend.net_profit(window.start, window.end),
        assets_start=total_assets(window.start - timedelta(days=1)),
        assets_end=total_assets(quarter.end),
    )
    total.return_on_assets = percent(report.net_profit, report.average_assets)
    return report
