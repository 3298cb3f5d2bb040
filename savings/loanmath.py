"""Loan arithmetic for the savings group: the repayment schedule and a loan's state on a day.

Pure functions on frozen dataclasses, no database: a page, a report or a receipt passes a
loan's terms and its payments in and gets the same figures back every time. Money is
Decimal, rounded to the satang with round_baht (half up); a float is refused with
TypeError. Rates are percentages: monthly_rate_pct=1 is 1 % a month.

The schedule
    Equal principal instalments: the loan / the term, rounded to the satang; the last
    instalment takes the remainder, so the instalments add up to the loan exactly.
    Instalment k's interest is the scheduled balance before it × the monthly rate
    (declining balance). Instalment k falls due k-1 months after first_due on the same day
    of the month, or on the month's last day when the month is shorter
    (31 Jan → 28/29 Feb → 31 Mar).

Replaying a loan (state)
    The loan is replayed day by day up to as_of; on each day the interest is charged
    first, then the fines, then the payments of that day are applied in their order.
    1. Principal outstanding starts at the loan on disbursed_on.
    2. Interest is charged on due dates only. On due date k it is the principal
       outstanding at the start of period k × the rate: the principal after the payments
       of the previous due date (of disbursed_on for the first). A payment between due
       dates lowers the interest from the following period on. After the last scheduled
       due date, while principal remains, interest goes on monthly by the same rules
       ("virtual months"). No interest is ever charged on unpaid interest or on fines
       (Civil and Commercial Code §655), and none on a due date when no principal is
       outstanding: paying the payoff closes the loan.
    3. Principal due on a day is the scheduled principal of the instalments due on or
       before it, cumulatively; principal overdue = max(0, that - principal paid).
       Principal paid ahead thus counts towards the following instalments in order, and a
       member who keeps paying finishes early: the last instalments fall away.
    4. Instalment k is covered when principal paid ≥ the scheduled principal through k
       and interest paid ≥ the interest charged through k. If it is not covered by the end
       of its due date + grace_days, it is late, and the next day it is fined once:
       fine_flat + fine_pct % of its own unpaid principal and interest at that moment.
       Never a fine on a fine, never a second fine for the same instalment; the virtual
       months after maturity charge interest but no fines.
    5. A payment pays fines first, then interest, then principal. A payment of zero or
       less, or of more than the fines, interest and principal owed that day, is refused.
    6. days_overdue counts from the earliest due date (on or before as_of) whose
       instalment is not covered; a due date that is today counts as due, with 0 days.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from otop_portal.lib.money import format_baht, round_baht

ZERO = Decimal("0.00")
# (most days overdue, bucket), in order; anything beyond the last is "over-90".
AGING_BUCKETS = ((0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90"))


def _money(value, name: str) -> Decimal:
    """A Decimal amount in whole satang (an int is whole baht); a float raises TypeError."""
    amount = round_baht(value)
    if amount != value:
        raise ValueError(f"{name} must be in whole satang, not {value!r}")
    return amount


def _rate(value, name: str) -> Decimal:
    """A percentage ≥ 0 as a Decimal; a float raises TypeError."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    rate = Decimal(value)
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"{name} must be zero or more, not {value!r}")
    return rate


def _interest(balance: Decimal, rate_pct: Decimal) -> Decimal:
    return round_baht(balance * rate_pct / 100)


def due_date(first_due: date, months_later: int) -> date:
    """The due date months_later months after first_due, on first_due's day of the month
    or on the month's last day when the month has no such day."""
    return first_due + relativedelta(months=months_later)


def aging_bucket(days_overdue: int) -> str:
    """ "current", "1-30", "31-60", "61-90" or "over-90"."""
    for most, bucket in AGING_BUCKETS:
        if days_overdue <= most:
            return bucket
    return "over-90"


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: date
    principal: Decimal
    interest: Decimal


def schedule(
    principal: Decimal, monthly_rate_pct: Decimal, term_months: int, first_due: date
) -> list[Instalment]:
    """The repayment plan: equal principal, interest on the declining scheduled balance."""
    principal = _money(principal, "principal")
    rate = _rate(monthly_rate_pct, "monthly_rate_pct")
    if principal <= 0:
        raise ValueError("principal must be more than zero")
    if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months < 1:
        raise ValueError(f"term_months must be a whole number of months ≥ 1, not {term_months!r}")
    each = round_baht(principal / term_months)
    last = principal - each * (term_months - 1)
    if last <= 0:
        raise ValueError(f"{principal} is too small to repay over {term_months} months")
    instalments, balance = [], principal
    for number in range(1, term_months + 1):
        part = last if number == term_months else each
        due_on = due_date(first_due, number - 1)
        instalments.append(Instalment(number, due_on, part, _interest(balance, rate)))
        balance -= part
    return instalments


@dataclass(frozen=True)
class LoanTerms:
    principal: Decimal
    monthly_rate_pct: Decimal
    term_months: int
    disbursed_on: date
    first_due: date
    grace_days: int = 0
    fine_flat: Decimal = ZERO
    fine_pct: Decimal = ZERO

    def __post_init__(self):
        # Amounts are normalised to Decimal so that int baht work like Decimal baht.
        for name in ("principal", "fine_flat"):
            object.__setattr__(self, name, _money(getattr(self, name), name))
        for name in ("monthly_rate_pct", "fine_pct"):
            object.__setattr__(self, name, _rate(getattr(self, name), name))
        if self.fine_flat < 0:
            raise ValueError("fine_flat must be zero or more")
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int):
            raise TypeError("grace_days must be an int")
        if self.grace_days < 0:
            raise ValueError("grace_days must be zero or more")
        if self.first_due <= self.disbursed_on:
            raise ValueError("the first instalment must fall due after the disbursement")
        self.instalments()  # checks the principal and the term

    def instalments(self) -> list[Instalment]:
        return schedule(self.principal, self.monthly_rate_pct, self.term_months, self.first_due)


@dataclass(frozen=True)
class Payment:
    on: date
    amount: Decimal

    def __post_init__(self):
        object.__setattr__(self, "amount", _money(self.amount, "amount"))


@dataclass(frozen=True)
class Split:
    """How one payment was applied: fine + interest + principal == amount."""

    on: date
    amount: Decimal
    fine: Decimal
    interest: Decimal
    principal: Decimal


@dataclass(frozen=True)
class LoanState:
    as_of: date
    principal_outstanding: Decimal
    principal_paid: Decimal
    interest_charged: Decimal
    interest_paid: Decimal
    fines_charged: Decimal
    fines_paid: Decimal
    fines_outstanding: Decimal
    interest_outstanding: Decimal
    principal_overdue: Decimal
    days_overdue: int
    aging_bucket: str
    next_due_on: date | None
    next_due_amount: Decimal | None
    payoff: Decimal
    is_repaid: bool
    had_late_instalment: bool
    late_due_dates: tuple[date, ...]
    splits: list[Split]

    def late_in_year(self, year_start: date, year_end: date) -> bool:
        """Whether an instalment falling due from year_start to year_end (both included)
        was late, as known on as_of (one still within its grace period is not)."""
        return any(year_start <= due_on <= year_end for due_on in self.late_due_dates)


class _Replay:
    """The loan replayed up to the end of a day; state() and split() read it."""

    def __init__(self, terms: LoanTerms, payments: list[Payment], as_of: date):
        if as_of < terms.disbursed_on:
            raise ValueError(f"the loan is disbursed on {terms.disbursed_on}, after {as_of}")
        self.terms, self.as_of = terms, as_of
        self.instalments = terms.instalments()
        self.scheduled_through = list(accumulate(i.principal for i in self.instalments))
        self.principal_outstanding = terms.principal
        self.period_start_principal = terms.principal
        self.principal_paid = self.interest_charged = self.interest_paid = ZERO
        self.fines_charged = self.fines_paid = ZERO
        self.interest_of: list[Decimal] = []  # charged on each scheduled due date so far
        self.interest_through: list[Decimal] = []  # cumulatively, through each of them
        self.late: list[int] = []  # indexes of the late instalments
        self.due_count = 0  # due dates (scheduled and virtual) on or before as_of
        self.splits: list[Split] = []
        self._run(payments)

    def _run(self, payments: list[Payment]) -> None:
        terms = self.terms
        paid_on = defaultdict(list)
        for payment in sorted(payments, key=lambda p: p.on):  # stable: same-day order kept
            if payment.on < terms.disbursed_on:
                raise ValueError(f"a payment on {payment.on} is before the disbursement")
            if payment.on <= self.as_of:
                paid_on[payment.on].append(payment)
        due_index = {}
        while (day := due_date(terms.first_due, self.due_count)) <= self.as_of:
            due_index[day] = self.due_count
            self.due_count += 1
        fine_index = {}
        for index, instalment in enumerate(self.instalments):
            day = instalment.due_on + timedelta(days=terms.grace_days + 1)
            if day <= self.as_of:
                fine_index[day] = index
        for day in sorted({terms.disbursed_on, *due_index, *fine_index, *paid_on}):
            if day in due_index:
                self._charge_interest(due_index[day])
            if day in fine_index:
                self._check_fine(fine_index[day])
            for payment in paid_on.get(day, ()):
                self.splits.append(self.pay(payment.on, payment.amount))
            if day in due_index or day == terms.disbursed_on:
                self.period_start_principal = self.principal_outstanding

    def _charge_interest(self, index: int) -> None:
        charged = ZERO
        if self.principal_outstanding > 0:
            charged = _interest(self.period_start_principal, self.terms.monthly_rate_pct)
        self.interest_charged += charged
        if index < len(self.instalments):
            self.interest_of.append(charged)
            self.interest_through.append(self.interest_charged)

    def unpaid(self, index: int) -> tuple[Decimal, Decimal]:
        """The principal and the interest of instalment `index` not yet paid."""
        principal = self.scheduled_through[index] - self.principal_paid
        interest = self.interest_through[index] - self.interest_paid
        return (
            min(max(principal, ZERO), self.instalments[index].principal),
            min(max(interest, ZERO), self.interest_of[index]),
        )

    def covered(self, index: int) -> bool:
        return (
            self.principal_paid >= self.scheduled_through[index]
            and self.interest_paid >= self.interest_through[index]
        )

    def _check_fine(self, index: int) -> None:
        if self.covered(index):
            return
        self.late.append(index)
        terms = self.terms
        self.fines_charged += round_baht(
            terms.fine_flat + terms.fine_pct / 100 * sum(self.unpaid(index))
        )

    @property
    def fines_outstanding(self) -> Decimal:
        return self.fines_charged - self.fines_paid

    @property
    def interest_outstanding(self) -> Decimal:
        return self.interest_charged - self.interest_paid

    @property
    def payoff(self) -> Decimal:
        return self.fines_outstanding + self.interest_outstanding + self.principal_outstanding

    def pay(self, on: date, amount: Decimal) -> Split:
        """Apply a payment: fines, then interest, then principal."""
        if amount <= 0 or amount > self.payoff:
            raise ValueError(f"{amount} cannot be paid on {on}: the most is {self.payoff}")
        fine = min(amount, self.fines_outstanding)
        interest = min(amount - fine, self.interest_outstanding)
        principal = amount - fine - interest
        self.fines_paid += fine
        self.interest_paid += interest
        self.principal_paid += principal
        self.principal_outstanding -= principal
        return Split(on, amount, fine, interest, principal)

    def days_overdue(self) -> int:
        for index, instalment in enumerate(self.instalments[: self.due_count]):
            if not self.covered(index):
                return (self.as_of - instalment.due_on).days
        return 0

    def principal_overdue(self) -> Decimal:
        scheduled = min(self.due_count, len(self.instalments))
        due = self.scheduled_through[scheduled - 1] if scheduled else ZERO
        return max(due - self.principal_paid, ZERO)

    def next_due(self) -> tuple[date, Decimal]:
        """The first due date after as_of, and its principal still due plus its interest
        (exact unless more is paid before it: the period's principal is known)."""
        index = self.due_count
        principal = ZERO  # a virtual month after maturity: the principal is all overdue
        if index < len(self.instalments):
            unpaid = self.scheduled_through[index] - self.principal_paid
            principal = min(max(unpaid, ZERO), self.instalments[index].principal)
        interest = _interest(self.period_start_principal, self.terms.monthly_rate_pct)
        return due_date(self.terms.first_due, index), principal + interest


def state(terms: LoanTerms, payments: list[Payment], as_of: date) -> LoanState:
    """The loan at the end of as_of (payments dated later are left out). Raises
    ValueError for a payment that is not a valid one (see the module's rules)."""
    replay = _Replay(terms, payments, as_of)
    days_overdue = replay.days_overdue()
    is_repaid = replay.payoff == 0
    next_due_on, next_due_amount = (None, None) if is_repaid else replay.next_due()
    return LoanState(
        as_of=as_of,
        principal_outstanding=replay.principal_outstanding,
        principal_paid=replay.principal_paid,
        interest_charged=replay.interest_charged,
        interest_paid=replay.interest_paid,
        fines_charged=replay.fines_charged,
        fines_paid=replay.fines_paid,
        fines_outstanding=replay.fines_outstanding,
        interest_outstanding=replay.interest_outstanding,
        principal_overdue=replay.principal_overdue(),
        days_overdue=days_overdue,
        aging_bucket=aging_bucket(days_overdue),
        next_due_on=next_due_on,
        next_due_amount=next_due_amount,
        payoff=replay.payoff,
        is_repaid=is_repaid,
        had_late_instalment=bool(replay.late) or replay.fines_charged > 0,
        late_due_dates=tuple(replay.instalments[index].due_on for index in replay.late),
        splits=replay.splits,
    )


def split(terms: LoanTerms, payments: list[Payment], on: date, amount: Decimal) -> Split:
    """How a new payment of `amount` on `on` would be applied after `payments` (all dated
    on or before `on`). Raises ValidationError for an amount that cannot be paid."""
    if isinstance(amount, float | bool):
        raise TypeError(f"amount must be a Decimal or an int, not {type(amount).__name__}")
    if any(payment.on > on for payment in payments):
        raise ValueError(f"a payment is dated after {on}")
    if round_baht(amount) != amount:
        raise ValidationError(
            _("Enter the amount in baht and satang, with at most two decimal places."),
            code="satang",
        )
    if amount <= 0:
        raise ValidationError(_("The amount paid must be more than zero."), code="not_positive")
    replay = _Replay(terms, payments, on)
    if amount > replay.payoff:
        raise ValidationError(
            _("At most %(most)s can be paid on this date: the fines, interest and principal owed."),
            code="too_much",
            params={"most": format_baht(replay.payoff)},
        )
    return replay.pay(on, round_baht(amount))
