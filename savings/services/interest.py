"""Interest on voluntary deposits: on the daily balance, credited on 30 June and on
31 December at the rate of the policy in effect on that day (research/savings.md §1.4).
Posted once per half-year, in one entry, to each depositor's account."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from otop_portal.lib.money import round_baht
from otop_portal.lib.thaidate import format_thai_date
from savings import permissions
from savings.models import EntryKind, JournalEntry, JournalLine, Role, Saver, Subledger
from savings.services.ledger import ZERO, account, cr, dr, post
from savings.services.savers import policy_on

DAYS_IN_YEAR = Decimal(365)


def half_year(period_end: date) -> tuple[date, date]:
    if (period_end.month, period_end.day) == (6, 30):
        return date(period_end.year, 1, 1), period_end
    if (period_end.month, period_end.day) == (12, 31):
        return date(period_end.year, 7, 1), period_end
    raise ValidationError(
        {"period_end": _("Deposit interest is credited on 30 June and 31 December.")}
    )


def deposit_interest(period_end: date) -> dict[int, Decimal]:
    """Each saver's interest for the half-year ending `period_end`: Σ daily balances
    × the yearly rate / 365, rounded to the satang once per saver."""
    start, end = half_year(period_end)
    rate = policy_on(end).deposit_rate_pa
    opening = dict(
        JournalLine.objects.filter(account__subledger=Subledger.DEPOSITS, entry__on__lt=start)
        .values("saver")
        .annotate(total=Coalesce(Sum("credit"), ZERO) - Coalesce(Sum("debit"), ZERO))
        .values_list("saver", "total")
    )
    changes: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for saver_id, on, total in (
        JournalLine.objects.filter(
            account__subledger=Subledger.DEPOSITS, entry__on__gte=start, entry__on__lte=end
        )
        .exclude(entry__kind=EntryKind.DEPOSIT_INTEREST)
        .values("saver", "entry__on")
        .annotate(total=Coalesce(Sum("credit"), ZERO) - Coalesce(Sum("debit"), ZERO))
        .values_list("saver", "entry__on", "total")
    ):
        changes[saver_id][on] = total
    result = {}
    for saver_id in set(opening) | set(changes):
        balance, day_sum, day = opening.get(saver_id, ZERO), ZERO, start
        for on in sorted(changes[saver_id]):
            day_sum += balance * (on - day).days
            balance, day = balance + changes[saver_id][on], on
        day_sum += balance * ((end - day).days + 1)
        interest = round_baht(day_sum * rate / 100 / DAYS_IN_YEAR)
        if interest > 0:
            result[saver_id] = interest
    return result


@transaction.atomic
def deposit_interest_post(*, period_end: date, by: User) -> JournalEntry | None:
    if not permissions.may_keep_books(by):
        raise PermissionDenied
    half_year(period_end)
    if period_end > timezone.localdate():
        raise ValidationError(
            {
                "period_end": _("The half-year to %(date)s has not ended yet.")
                % {"date": format_thai_date(period_end)}
            }
        )
    if JournalEntry.objects.filter(kind=EntryKind.DEPOSIT_INTEREST, on=period_end).exists():
        raise ValidationError(
            _("Interest on deposits to %(date)s is already credited.")
            % {"date": format_thai_date(period_end)}
        )
    interest = deposit_interest(period_end)
    if not interest:
        return None
    savers = Saver.objects.in_bulk(list(interest))
    deposits = account(Role.DEPOSITS)
    lines = [dr(account(Role.DEPOSIT_INTEREST), sum(interest.values(), ZERO))]
    lines += [cr(deposits, amount, saver=savers[pk]) for pk, amount in sorted(interest.items())]
    return post(
        on=period_end,
        kind=EntryKind.DEPOSIT_INTEREST,
        lines=lines,
        by=by,
        memo=_("Interest on deposits to %(date)s") % {"date": format_thai_date(period_end)},
    )
