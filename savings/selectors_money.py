"""What the money pages read: the month of a collection sheet, the outcome of a recorded
sheet, collectors holding cash and the handovers, withdrawals, and a receipt or payment
voucher laid out for print. Lists start from `for_user` and take a fixed number of
queries whatever their length."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from members.models import User
from otop_portal.lib.exports import Column, Export
from otop_portal.lib.language import reads_english
from otop_portal.lib.thaidate import BE_OFFSET, ENGLISH_MONTHS, THAI_MONTHS
from savings.models import (
    Document,
    EntryKind,
    JournalEntry,
    JournalLine,
    Role,
    Saver,
    Withdrawal,
    WithdrawalStatus,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

# --- Months -----------------------------------------------------------------------------------


def month_from(text: str) -> date | None:
    """The first day of the month written "YYYY-MM" (C.E., as in a URL), or None."""
    year, _sep, month = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        return None
    if not 1 <= int(month) <= 12 or not 1900 <= int(year) <= 2200:
        return None
    return date(int(year), int(month), 1)


def month_param(month: date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: date) -> str:
    """เมษายน 2568 (English: April 2568 BE): a month as a reader sees it, in B.E."""
    year = month.year + BE_OFFSET
    if reads_english():
        return f"{ENGLISH_MONTHS[month.month - 1]} {year} BE"
    return f"{THAI_MONTHS[month.month - 1]} {year}"


# --- A recorded sheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetSummary:
    members: int
    total: Decimal
    receipts: list  # JournalEntry with .amount and .saver_id


def sheet_summary(entries: list) -> SheetSummary:
    """How many members paid, the total received and the receipts of a recorded sheet
    (one query)."""
    saver_of = JournalLine.objects.filter(entry=OuterRef("pk"), saver__isnull=False)
    receipts = list(
        JournalEntry.objects.filter(pk__in=[entry.pk for entry in entries])
        .annotate(
            amount=Coalesce(Sum("lines__debit"), Value(ZERO), output_field=MONEY_FIELD),
            saver_id=Subquery(saver_of.values("saver")[:1]),
        )
        .order_by("pk")
    )
    return SheetSummary(
        members=len({receipt.saver_id for receipt in receipts}),
        total=sum((receipt.amount for receipt in receipts), ZERO),
        receipts=receipts,
    )


# --- Collectors' cash ---------------------------------------------------------------------------


def _collectors_lines():
    return JournalLine.objects.filter(account__role=Role.COLLECTORS)


def collectors_holding():
    """Users holding cash they collected, with `.held` (one query)."""
    held = (
        _collectors_lines()
        .filter(collector=OuterRef("pk"))
        .values("collector")
        .annotate(total=Sum(F("debit") - F("credit")))
        .values("total")[:1]
    )
    return (
        User.objects.annotate(held=Coalesce(Subquery(held), Value(ZERO), output_field=MONEY_FIELD))
        .filter(held__gt=0)
        .select_related("district")
        .order_by("district_id", "first_name", "username")
    )


def handovers():
    """Every handover, newest first: the collector's line with its entry, and whether
    the entry was reversed."""
    return (
        _collectors_lines()
        .filter(entry__kind=EntryKind.HANDOVER)
        .select_related("entry__created_by", "collector__district")
        .annotate(reversed=Exists(JournalEntry.objects.filter(reversal_of=OuterRef("entry"))))
        .order_by("-entry__on", "-entry__pk")
    )


# --- Withdrawals --------------------------------------------------------------------------------


def withdrawals_for(user, status: str = ""):
    """Withdrawals in the user's reach: those waiting for a second approver first, then
    the newest."""
    rows = Withdrawal.objects.for_user(user).select_related(
        "saver__person", "saver__district", "requested_by", "decided_by", "entry"
    )
    if status:
        rows = rows.filter(status=status)
    waiting_first = Case(When(status=WithdrawalStatus.PENDING, then=Value(0)), default=Value(1))
    return rows.order_by(waiting_first, "-requested_on", "-pk")


# --- Receipts and vouchers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class PrintedDocument:
    """A receipt or payment voucher: the entry, whom it concerns, what it was for and
    the amount; and the entry that cancelled it, if any."""

    entry: JournalEntry
    saver: Saver | None
    items: list[Item]
    total: Decimal
    reversal: JournalEntry | None

    @property
    def is_receipt(self) -> bool:
        return self.entry.document == Document.RECEIPT


def document_lines(entry: JournalEntry) -> list[JournalLine]:
    return list(entry.lines.select_related("account", "saver__person", "saver__district"))


MONEY_ROLES = (Role.CASH, Role.COLLECTORS)


def _is_money(line: JournalLine) -> bool:
    return line.account.is_bank or line.account.role in MONEY_ROLES


def printed_document(entry: JournalEntry, lines: list[JournalLine]) -> PrintedDocument:
    """A receipt lists what the money was received for, a voucher what it was paid for:
    the lines other than the cash and bank ones, netted (a loan settled from what a
    leaving member is paid shows as a deduction), so the items add up to the money
    that changed hands."""
    receipt = entry.document == Document.RECEIPT
    money_moved = any(_is_money(line) for line in lines)
    items: dict[str, Decimal] = {}
    for line in lines:
        amount = (line.credit - line.debit) if receipt else (line.debit - line.credit)
        if (money_moved and _is_money(line)) or (not money_moved and amount <= 0):
            continue
        items[line.account.label] = items.get(line.account.label, ZERO) + amount
    saver = next((line.saver for line in lines if line.saver_id), None)
    reversal = JournalEntry.objects.filter(reversal_of=entry).select_related("created_by").first()
    return PrintedDocument(
        entry=entry,
        saver=saver,
        items=[Item(label, amount) for label, amount in items.items()],
        total=sum(items.values(), ZERO),
        reversal=reversal,
    )


def savers_visible(user, lines: list[JournalLine]) -> bool | None:
    """Whether every saver named on `lines` is in the user's reach; None when the lines
    name no saver (the group's own document)."""
    pks = {line.saver_id for line in lines if line.saver_id}
    if not pks:
        return None
    return Saver.objects.for_user(user).filter(pk__in=pks).count() == len(pks)


# --- The collection sheet's totals and export ---------------------------------------------------


@dataclass(frozen=True)
class SheetTotals:
    members: int
    this_month: Decimal
    arrears: Decimal
    expected: Decimal
    paid_pledged: Decimal
    paid_deposit: Decimal
    still_due: Decimal
    paid_members: int


def sheet_totals(rows) -> SheetTotals:
    def total(attribute):
        return sum((getattr(row, attribute) for row in rows), ZERO)

    return SheetTotals(
        members=len(rows),
        this_month=total("this_month"),
        arrears=total("arrears"),
        expected=total("expected"),
        paid_pledged=total("paid_pledged"),
        paid_deposit=total("paid_deposit"),
        still_due=total("still_due"),
        paid_members=sum(1 for row in rows if row.paid_pledged or row.paid_deposit),
    )


def sheet_export_of(district, month: date, rows) -> Export:
    """The sheet as CSV/XLSX: one row per member, as the page shows it."""
    return Export(
        filename=_("collection sheet %(district)s %(month)s")
        % {"district": district.name, "month": month_label(month)},
        columns=[
            Column(_("Member number"), lambda r: r.saver.member_number, kind="int"),
            Column(_("Name"), lambda r: r.saver.person.full_name),
            Column(_("Units pledged"), lambda r: r.units, kind="int"),
            Column(_("Pledge this month"), lambda r: r.this_month, kind="decimal"),
            Column(_("Arrears"), lambda r: r.arrears, kind="decimal"),
            Column(_("Expected"), lambda r: r.expected, kind="decimal"),
            Column(_("Pledged savings paid"), lambda r: r.paid_pledged, kind="decimal"),
            Column(_("Deposits paid"), lambda r: r.paid_deposit, kind="decimal"),
            Column(_("Still due"), lambda r: r.still_due, kind="decimal"),
        ],
        rows=rows,
    )
