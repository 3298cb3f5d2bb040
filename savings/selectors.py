"""What the savings group's front page, the home page and a producer's page show: the
group's figures within the user's reach, and what waits for the user's action.

Every count starts from `for_user`, so a district member counts only their district.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from savings import permissions
from savings.models import (
    AllocationRun,
    Loan,
    LoanStatus,
    ReversalRequest,
    ReversalStatus,
    RunStatus,
    Saver,
    SaverAccount,
    SaverStatus,
    Withdrawal,
    WithdrawalStatus,
)
from savings.services.closing import month_end, next_month_to_close

ZERO = Decimal("0")


@dataclass(frozen=True)
class Waiting:
    """One kind of thing waiting for the user: how many, and where to act on them."""

    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Overview:
    members: int
    applicants: int
    savings: Decimal
    held: Decimal
    loans: int
    outstanding: Decimal


def overview(user) -> Overview:
    """The group's figures in the user's reach (two queries)."""
    savers = Saver.objects.for_user(user).aggregate(
        members=Count("pk", filter=Q(status=SaverStatus.ACTIVE)),
        applicants=Count("pk", filter=Q(status=SaverStatus.APPLIED)),
    )
    money = SaverAccount.objects.for_user(user).aggregate(
        pledged=Sum("pledged"), deposits=Sum("deposits"), held=Sum("held")
    )
    loans = (
        Loan.objects.for_user(user)
        .filter(status=LoanStatus.ACTIVE)
        .aggregate(count=Count("pk"), outstanding=Sum("principal_outstanding"))
    )
    return Overview(
        members=savers["members"],
        applicants=savers["applicants"],
        savings=(money["pledged"] or ZERO) + (money["deposits"] or ZERO),
        held=money["held"] or ZERO,
        loans=loans["count"],
        outstanding=loans["outstanding"] or ZERO,
    )


def _url(name: str, **query) -> str:
    url = reverse(name)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def months_to_close() -> int:
    """Months that have ended and are not closed yet."""
    month = next_month_to_close()
    today = timezone.localdate()
    count = 0
    while month is not None and month_end(month) < today:
        count += 1
        month = month_end(month) + timedelta(days=1)
    return count


def waiting_for(user) -> list[Waiting]:
    """What waits for this user's action, in the order a committee meeting takes it;
    only kinds with something waiting."""
    found: list[Waiting] = []
    if not user.is_authenticated or not user.is_active:
        return found
    if permissions.may_record(user):
        applicants = Saver.objects.for_user(user).filter(status=SaverStatus.APPLIED)
        found.append(
            Waiting(
                "savers",
                _("Membership applications to decide"),
                applicants.count(),
                _url("savings:saver_list", status=SaverStatus.APPLIED),
            )
        )
    if permissions.may_decide_loans(user):
        found.append(
            Waiting(
                "loans",
                _("Loan applications to decide"),
                Loan.objects.for_user(user)
                .filter(status=LoanStatus.APPLIED)
                .exclude(recorded_by=user)
                .count(),
                _url("savings:loan_list", status=LoanStatus.APPLIED),
            )
        )
    if permissions.may_record(user):
        found.append(
            Waiting(
                "disburse",
                _("Approved loans to pay out"),
                Loan.objects.for_user(user).filter(status=LoanStatus.APPROVED).count(),
                _url("savings:loan_list", status=LoanStatus.APPROVED),
            )
        )
    if permissions.may_approve(user):
        found.append(
            Waiting(
                "withdrawals",
                _("Withdrawals waiting for a second approver"),
                Withdrawal.objects.for_user(user)
                .filter(status=WithdrawalStatus.PENDING)
                .exclude(requested_by=user)
                .count(),
                _url("savings:withdrawal_list"),
            )
        )
        found.append(
            Waiting(
                "reversals",
                _("Corrections waiting for a second approver"),
                ReversalRequest.objects.filter(status=ReversalStatus.PENDING)
                .exclude(requested_by=user)
                .count(),
                _url("savings:reversal_list"),
            )
        )
    if permissions.may_keep_books(user):
        found.append(
            Waiting(
                "allocation",
                _("Year-end allocations not yet posted"),
                AllocationRun.objects.exclude(status=RunStatus.POSTED).count(),
                _url("savings:year_list"),
            )
        )
    if permissions.may_close(user):
        found.append(
            Waiting("close", _("Months to close"), months_to_close(), _url("savings:month_close"))
        )
    return [item for item in found if item.count]
