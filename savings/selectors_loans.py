"""Reads of the loans pages, their export and the loan aging report.

A loan's state (what is owed and overdue) is replayed by loanmath from its terms and
its repayments; for many loans at once the repayments and the policies are read in
one query each, so a list costs the same queries for one loan or a thousand.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from savings import loanmath
from savings.models import (
    EntryKind,
    GroupPolicy,
    JournalEntry,
    Loan,
    LoanStatus,
    Saver,
    SaverAccount,
)
from savings.services import loans as loan_services
from savings.services.ledger import ZERO

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "over-90")


def loans_for(user) -> QuerySet:
    """The loans `user` may read, with what a list row shows."""
    return Loan.objects.for_user(user).select_related(
        "saver__person", "saver__district", "loan_type"
    )


def loan_detail(user) -> QuerySet:
    """The loans `user` may read, with what the loan's page and documents show."""
    return loans_for(user).select_related(
        "recorded_by",
        "decided_by",
        "loan_type__policy",
        "saver__person__subdistrict__district__province",
    )


def _policy_on(policies: list[GroupPolicy], day: date) -> GroupPolicy:
    found = None
    for policy in policies:  # oldest first
        if policy.effective_from <= day:
            found = policy
    return found or loan_services.policy_on(day)


def states_of(loans: Iterable[Loan], as_of: date | None = None) -> dict[int, loanmath.LoanState]:
    """The state of each paid-out loan on `as_of` (today by default), by loan pk, in
    two queries whatever the number of loans. A loan paid out after `as_of` has none."""
    as_of = as_of or timezone.localdate()
    paid_out = [
        loan
        for loan in loans
        if loan.disbursed_on is not None
        and loan.disbursed_on <= as_of
        and loan.status in (LoanStatus.ACTIVE, LoanStatus.REPAID)
    ]
    if not paid_out:
        return {}
    policies = list(GroupPolicy.objects.order_by("effective_from"))
    payments = loan_services.payments_of(paid_out)
    return {
        loan.pk: loanmath.state(
            loan_services.terms(loan, policy=_policy_on(policies, loan.disbursed_on)),
            payments.get(loan.pk, []),
            as_of,
        )
        for loan in paid_out
    }


def overdue_pks(loans: QuerySet, as_of: date | None = None) -> list[int]:
    """The loans of `loans` being repaid with an instalment overdue on `as_of`."""
    active = list(loans.filter(status=LoanStatus.ACTIVE).select_related(None))
    states = states_of(active, as_of)
    return [pk for pk, state in states.items() if state.days_overdue > 0]


@dataclass(frozen=True)
class LoanRow:
    loan: Loan
    state: loanmath.LoanState | None

    @property
    def next_due_on(self) -> date | None:
        return self.state.next_due_on if self.state else None

    @property
    def next_due_amount(self) -> Decimal | None:
        return self.state.next_due_amount if self.state else None

    @property
    def days_overdue(self) -> int | None:
        return self.state.days_overdue if self.state else None

    @property
    def outstanding(self) -> Decimal:
        return self.state.principal_outstanding if self.state else self.loan.principal_outstanding


def rows_of(loans: Iterable[Loan], as_of: date | None = None) -> list[LoanRow]:
    loans = list(loans)
    states = states_of(loans, as_of)
    return [LoanRow(loan, states.get(loan.pk)) for loan in loans]


# --- One loan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repayment:
    entry: JournalEntry
    split: loanmath.Split | None  # None for a reversed repayment


def repayments(loan: Loan, state: loanmath.LoanState | None) -> list[Repayment]:
    """The loan's repayment entries, oldest first, each with how it was split (the
    state's splits follow the same order); reversed ones without a split."""
    entries = (
        JournalEntry.objects.filter(kind=EntryKind.REPAYMENT, lines__loan=loan)
        .distinct()
        .select_related("reversed_by", "created_by")
        .order_by("on", "pk")
    )
    splits = list(state.splits) if state else []
    found = []
    for entry in entries:
        reversed_ = hasattr(entry, "reversed_by")
        found.append(Repayment(entry, None if reversed_ or not splits else splits.pop(0)))
    return found


def disbursement(loan: Loan) -> JournalEntry | None:
    """The entry that paid the loan out (its payment voucher)."""
    return (
        JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT, lines__loan=loan)
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True)
class ScheduleRow:
    instalment: loanmath.Instalment
    principal_through: Decimal
    paid: bool
    late: bool

    @property
    def total(self) -> Decimal:
        return self.instalment.principal + self.instalment.interest


def schedule(
    loan: Loan, state: loanmath.LoanState | None, today: date | None = None
) -> tuple[list[ScheduleRow], bool]:
    """The instalments with whether their principal is paid: the fixed schedule of a
    paid-out loan, or an estimate (first instalment a month from today) for one not
    yet paid out. Returns (rows, is_estimate)."""
    today = today or timezone.localdate()
    if loan.disbursed_on is not None:
        instalments = loan_services.terms(loan).instalments()
        estimate = False
    else:
        first_due = loanmath.due_date(today, 1)
        instalments = loanmath.schedule(
            loan.amount, loan.monthly_rate_pct, loan.term_months, first_due
        )
        estimate = True
    rows, through = [], ZERO
    paid_principal = state.principal_paid if state else ZERO
    for instalment in instalments:
        through += instalment.principal
        paid = state is not None and paid_principal >= through
        late = state is not None and not paid and instalment.due_on < today
        rows.append(ScheduleRow(instalment, through, paid, late))
    return rows, estimate


# --- The application --------------------------------------------------------------------------


@dataclass(frozen=True)
class GuarantorCheck:
    saver: Saver
    room: Decimal
    share: Decimal | None
    live_guarantees: int
    most_guarantees: int

    @property
    def fits(self) -> bool:
        return (self.share is None or self.share <= self.room) and (
            self.live_guarantees < self.most_guarantees
        )


@dataclass(frozen=True)
class ApplicationCheck:
    """What the application form shows before it is sent: the borrower's limit, why
    they may not borrow (if so), and each guarantor's room."""

    borrower: Saver | None
    limit: loan_services.Limit | None
    problem: str
    guarantors_required: int
    guarantors: list[GuarantorCheck]
    most: Decimal | None


def application_check(
    *, saver, loan_type, amount, guarantors: list, on: date, excluding: Loan | None = None
) -> ApplicationCheck | None:
    """The figures of a loan application as typed so far (None before a borrower and a
    type are chosen), or of the application `excluding` as the committee decides it.
    Reads only; the service checks again when it records."""
    if saver is None or loan_type is None:
        return None
    problem = ""
    try:
        loan_services.check_borrower(saver, loan_type, on, excluding=excluding)
    except ValidationError as error:
        problem = " ".join(error.messages)
    limit = loan_services.loan_limit(saver, loan_type, on, excluding=excluding)
    guarantors = [g for g in guarantors if g is not None]
    shares = _shares(amount, len(guarantors))
    most_guarantees = loan_services.policy_on(on).guarantor_max_loans
    checks = []
    balances = {a.saver_id: a for a in SaverAccount.objects.filter(saver__in=guarantors)}
    for guarantor, share in zip(guarantors, shares, strict=True):
        checks.append(
            GuarantorCheck(
                saver=guarantor,
                room=loan_services.guarantor_room(
                    guarantor, balances=balances[guarantor.pk], excluding=excluding
                ),
                share=share,
                live_guarantees=_live_guarantees(guarantor, excluding),
                most_guarantees=most_guarantees,
            )
        )
    return ApplicationCheck(
        borrower=saver,
        limit=limit,
        problem=problem,
        guarantors_required=loan_type.guarantors_required,
        guarantors=checks,
        most=limit.most(len(guarantors), loan_type.guarantors_required),
    )


def _live_guarantees(guarantor: Saver, excluding: Loan | None) -> int:
    live = guarantor.guarantees_given.live()
    if excluding is not None:
        live = live.exclude(loan=excluding)
    return live.count()


def _shares(amount, count: int) -> list[Decimal | None]:
    if not count:
        return []
    if amount is None or amount <= 0:
        return [None] * count
    return loan_services.guarantee_shares(amount, count)


# --- Loan aging (for the reports) -------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    loan: Loan
    state: loanmath.LoanState

    @property
    def bucket(self) -> str:
        return self.state.aging_bucket

    @property
    def principal_outstanding(self) -> Decimal:
        return self.state.principal_outstanding


def aging(as_of: date, *, user=None) -> list[AgingRow]:
    """Every loan owing something at the end of `as_of`, with its days overdue and its
    aging bucket ("current", "1-30", "31-60", "61-90", "over-90"), as the loan stood
    that day (a loan repaid later still counts). Scoped to `user`'s district when
    given. Three queries whatever the number of loans."""
    loans = Loan.objects.filter(
        disbursed_on__lte=as_of, status__in=[LoanStatus.ACTIVE, LoanStatus.REPAID]
    )
    if user is not None:
        loans = loans.for_user(user)
    loans = list(
        loans.select_related("saver__person", "saver__district", "loan_type").order_by(
            "saver__district_id", "number"
        )
    )
    states = states_of(loans, as_of)
    return [AgingRow(loan, states[loan.pk]) for loan in loans if states[loan.pk].payoff > 0]


@dataclass(frozen=True)
class AgingBucket:
    bucket: str
    loans: int
    principal: Decimal


def aging_totals(rows: list[AgingRow]) -> list[AgingBucket]:
    """The number of loans and the principal outstanding in each bucket, in order."""
    totals = {bucket: [0, ZERO] for bucket in AGING_BUCKETS}
    for row in rows:
        totals[row.bucket][0] += 1
        totals[row.bucket][1] += row.principal_outstanding
    return [AgingBucket(bucket, count, principal) for bucket, (count, principal) in totals.items()]
