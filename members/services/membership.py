"""Network membership: renewing for a fiscal year (with a gapless receipt for a fee)
and ending a membership."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from members.models import (
    MembershipPayment,
    MembershipStatus,
    NetworkMembership,
    NetworkSettings,
    User,
    fiscal_year_end,
)
from otop_portal.lib.money import round_baht

RECEIPT_SERIES = "membership"


_NEXT_NUMBER = """
    INSERT INTO members_receiptcounter (series, year_be, last_number) VALUES (%s, %s, 1)
    ON CONFLICT (series, year_be)
    DO UPDATE SET last_number = members_receiptcounter.last_number + 1
    RETURNING last_number
"""


def next_number(*, series: str, year_be: int) -> int:
    """The next number of a series in a year (year_be=0: a series that never restarts).
    Call it inside the transaction that uses it: the counter row stays locked until it
    ends, so a rolled-back number is given back and none is skipped or repeated.

    One statement: the year's first number creates the counter, every other one
    increments it (the row lock is taken by the update itself)."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER, [series, year_be])
        return cursor.fetchone()[0]


def next_receipt_number(*, series: str, year_be: int) -> str:
    """The next number of a series in a year, "2568/0001" (see next_number)."""
    return f"{year_be}/{next_number(series=series, year_be=year_be):04d}"


def renewal_fee(membership: NetworkMembership) -> Decimal:
    if membership.fee_exempt:
        return Decimal("0.00")
    return round_baht(NetworkSettings.current().annual_fee)


@transaction.atomic
def membership_renew(
    *, membership: NetworkMembership, fiscal_year_be: int, paid_on: date, by: User
) -> MembershipPayment:
    """Renew a membership for a fiscal year: it becomes (or stays) active to the end of
    that year. The fee is the network's setting (nothing when exempt); a fee gets the
    next receipt number. A year can be renewed once."""
    membership = NetworkMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status in (MembershipStatus.RESIGNED, MembershipStatus.REMOVED):
        raise ValidationError(_("This membership has ended: it cannot be renewed."))
    if membership.payments.filter(fiscal_year_be=fiscal_year_be).exists():
        raise ValidationError(
            _("This membership is already renewed for fiscal year %(year)s.")
            % {"year": fiscal_year_be}
        )
    amount = renewal_fee(membership)
    payment = MembershipPayment(
        membership=membership,
        fiscal_year_be=fiscal_year_be,
        amount=amount,
        paid_on=paid_on,
        recorded_by=by,
        receipt_no=next_receipt_number(series=RECEIPT_SERIES, year_be=fiscal_year_be)
        if amount > 0
        else None,
    )
    payment.full_clean()
    payment.save()
    end = fiscal_year_end(fiscal_year_be)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on = membership.joined_on or paid_on
    membership.valid_until = max(filter(None, [membership.valid_until, end]))
    membership.full_clean()
    membership.save()
    return payment


@transaction.atomic
def membership_end(
    *, membership: NetworkMembership, status: str, on: date, reason: str, by: User
) -> NetworkMembership:
    """A producer resigns from the network, or is removed, from a date, with a reason."""
    if status not in (MembershipStatus.RESIGNED, MembershipStatus.REMOVED):
        raise ValidationError(_("A membership ends by resignation or removal."))
    membership = NetworkMembership.objects.select_for_update().get(pk=membership.pk)
    membership.status, membership.ended_on, membership.end_reason = status, on, reason
    membership.full_clean()
    membership.save()
    return membership
