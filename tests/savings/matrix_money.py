"""Permission-matrix rows of the money pages: the collection sheet, one member's money,
withdrawals, collectors' cash, receipts and vouchers.

Reading follows the saver's district (another district: 404). Recording needs the
treasurer function for the district (the district_member persona holds none: 403;
officers only read: 403). Second approvals need a committee member, handovers the
group's bookkeeper; the group's own vouchers are for those who see its books.
An empty POST to a form page shows the form again with its errors (200).
"""

from decimal import Decimal

from tests.conftest import OWN_DISTRICT
from tests.matrix import Row, district_object, logged_in, staff_only
from tests.savings.builders import admitted_saver, committee


def _today():
    from django.utils import timezone

    return timezone.localdate()


def saver(request) -> dict:
    return {"pk": admitted_saver(deposit=Decimal("500")).pk}


def sheet(request, **extra) -> dict:
    admitted_saver()
    return {"code": OWN_DISTRICT, "month": f"{_today():%Y-%m}", **extra}


def sheet_as(fmt: str):
    return lambda request: sheet(request, fmt=fmt)


def pending_withdrawal(request) -> dict:
    """A withdrawal above the threshold, recorded by the group's treasurer."""
    from savings import services

    member = admitted_saver(deposit=Decimal("9000"))
    withdrawal = services.withdraw(
        saver=member, amount=Decimal("6000"), on=_today(), by=committee()
    )
    return {"pk": withdrawal.pk}


def receipt(request) -> dict:
    from savings.models import EntryKind, JournalEntry

    member = admitted_saver()
    return {"pk": JournalEntry.objects.get(kind=EntryKind.PLEDGE, lines__saver=member).pk}


def voucher(request) -> dict:
    from savings import services

    member = admitted_saver(deposit=Decimal("1000"))
    withdrawal = services.withdraw(saver=member, amount=Decimal("500"), on=_today(), by=committee())
    return {"pk": withdrawal.entry_id}


def expense_voucher(request) -> dict:
    """The group's own voucher (an expense): it names no member."""
    from savings import services
    from savings.models import Role

    admitted_saver()
    entry = services.expense(
        expense_account=services.account(Role.EXPENSES),
        amount=Decimal("40"),
        on=_today(),
        by=committee(),
        memo="ค่าถ่ายเอกสาร",
    )
    return {"pk": entry.pk}


def recording(outcome=200):
    """Recording money of an own-district member: the treasurer function (staff here);
    a district member without it and officers 403, another district 404."""
    return {**district_object(403), "staff": outcome}


def group_books(outcome=200):
    """The group's own documents: those who see every district (and the committee)."""
    return {**logged_in(403), "officer": outcome, "staff": outcome}


ROWS = {
    "savings:sheet": Row(get=logged_in(200), post=logged_in(405)),
    "savings:sheet_district": Row(get=district_object(), post=recording(), kwargs=sheet),
    "savings:sheet_print": Row(get=district_object(), post=logged_in(405), kwargs=sheet),
    "savings:sheet_export": [
        Row(get=district_object(), post=logged_in(405), kwargs=sheet_as("csv")),
        Row(get=district_object(), post=logged_in(405), kwargs=sheet_as("xlsx")),
    ],
    "savings:pledge_pay": Row(get=recording(), post=recording(), kwargs=saver),
    "savings:deposit": Row(get=recording(), post=recording(), kwargs=saver),
    "savings:withdraw": Row(get=recording(), post=recording(), kwargs=saver),
    "savings:withdrawal_list": Row(get=logged_in(200), post=logged_in(405)),
    "savings:withdrawal_decide": Row(get=recording(), post=recording(), kwargs=pending_withdrawal),
    "savings:handover": Row(get=staff_only(), post=staff_only()),
    "savings:receipt": Row(get=district_object(), post=logged_in(405), kwargs=receipt),
    "savings:voucher": [
        Row(get=district_object(), post=logged_in(405), kwargs=voucher),
        Row(get=group_books(), post=logged_in(405), kwargs=expense_voucher),
    ],
}
