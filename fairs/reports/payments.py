"""The payments report: each booth with a fee held by an application within the
reader's reach — fee, paid, outstanding, deadline and state — with every payment
line (corrections included) and the totals.

A move continues a holding on another booth, and the payments stay on the holding
they were made for; so a booth's row follows the chain of moves (`previous`) and
counts what was paid anywhere along it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairs.models import Fair, Holding, HoldingState, Payment, PaymentMethod
from fairs.reports.common import ZERO, export_name, state_label
from fairs.selectors_draw import category_label
from otop_portal.lib.exports import Column, Export
from otop_portal.lib.thaidate import format_numeric_datetime

TITLE = gettext_lazy("Booth fees and payments")
DUE = (HoldingState.OFFERED, HoldingState.AWAITING_PAYMENT)


@dataclass
class FeeRow:
    holding: Holding  # the latest of the chain
    state: str  # the state code now
    state_text: str
    payments: list[Payment] = field(default_factory=list)

    @property
    def application(self):
        return self.holding.application

    @property
    def fee(self) -> Decimal:
        return self.holding.fee

    @property
    def paid(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def holds(self) -> bool:
        return self.state in (*DUE, HoldingState.CONFIRMED)

    @property
    def listed(self) -> bool:
        """A booth with a fee held now, released unpaid, or with money paid for it; not
        an offer that lapsed or was declined with nothing paid."""
        if self.payments:
            return True
        return self.fee > ZERO and (self.holds or self.state == HoldingState.UNPAID)

    @property
    def outstanding(self) -> Decimal | None:
        """What is still due; None when nothing can be due any more (the offer
        lapsed, the booth was released or declined)."""
        if not self.holds:
            return None
        return max(self.fee - self.paid, ZERO)

    @property
    def payment_lines(self) -> list[tuple[Payment, str]]:
        return [(payment, payment_note(payment)) for payment in self.payments]

    @property
    def deadline(self):
        return self.holding.payment_due_at if self.state in DUE else None


@dataclass(frozen=True)
class Payments:
    fair: Fair
    rows: list[FeeRow]

    @property
    def fee(self) -> Decimal:
        return sum((row.fee for row in self.rows if row.holds), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((row.paid for row in self.rows), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((row.outstanding or ZERO for row in self.rows), ZERO)

    @property
    def lines(self) -> int:
        return sum(len(row.payments) for row in self.rows)


def payment_note(payment: Payment) -> str:
    """A correction says which payment it cancels and why; a cancelled payment says when."""
    if payment.corrects_id:
        return _("Cancels the payment of %(when)s: %(reason)s") % {
            "when": format_numeric_datetime(payment.corrects.received_at),
            "reason": payment.note,
        }
    correction = getattr(payment, "correction", None)
    if correction is not None:
        return _("Cancelled on %(when)s") % {
            "when": format_numeric_datetime(correction.received_at)
        }
    return payment.note


def _roots(holdings: list[Holding]) -> dict[int, int]:
    """Each holding's first holding along its chain of moves."""
    previous = {holding.pk: holding.previous_id for holding in holdings}
    roots = {}
    for pk in previous:
        root = pk
        while previous.get(root):
            root = previous[root]
        roots[pk] = root
    return roots


def build(fair: Fair, user, now) -> Payments:
    """Two queries: the holdings and the payments, both within the reader's reach."""
    holdings = list(
        Holding.objects.for_user(user)
        .filter(fair=fair)
        .select_related("booth__booth_type", "application__producer", "application__district")
        .order_by("offered_at", "pk")
    )
    roots = _roots(holdings)
    latest = {}
    for holding in holdings:  # oldest first: the last one of a chain wins
        latest[roots[holding.pk]] = holding
    chains = {root: FeeRow(h, h.state(now), state_label(h, now)) for root, h in latest.items()}
    payments = (
        Payment.objects.for_user(user)
        .filter(holding__fair=fair)
        .select_related("received_by", "corrects", "correction")
        .order_by("received_at", "pk")
    )
    for payment in payments:
        chains[roots[payment.holding_id]].payments.append(payment)
    rows = [row for row in chains.values() if row.listed]
    rows.sort(key=lambda row: (row.holding.booth.code, row.application.number))
    return Payments(fair, rows)


@dataclass(frozen=True)
class Line:
    """One line of the file: a booth's fee, one payment of it, or the totals."""

    row: FeeRow | None
    payment: Payment | None = None
    totals: Payments | None = None


def lines(data: Payments) -> list[Line]:
    result = []
    for row in data.rows:
        result.append(Line(row))
        result += [Line(row, payment) for payment in row.payments]
    return [*result, Line(None, totals=data)]


def _booth_value(read):
    """A value of the booth's own line (not of its payment lines)."""
    return lambda line: read(line.row) if line.row is not None and line.payment is None else None


def _payment_value(read):
    return lambda line: read(line.payment) if line.payment is not None else None


def _row_value(read):
    """A value repeated on the booth's line and its payment lines."""
    return lambda line: read(line.row) if line.row is not None else ""


def _amount(name: str):
    """fee, paid or outstanding: on the booth's line, and summed on the totals line."""

    def value(line: Line):
        if line.totals is not None:
            return getattr(line.totals, name)
        return getattr(line.row, name) if line.payment is None else None

    return value


def _line_kind(line: Line) -> str:
    if line.totals is not None:
        return _("Total")
    if line.payment is None:
        return _("Booth fee")
    return _("Correction") if line.payment.corrects_id else _("Payment")


def export(data: Payments) -> Export:
    columns = [
        Column(gettext_lazy("Booth"), _row_value(lambda r: r.holding.booth.code)),
        Column(
            gettext_lazy("Application number"),
            lambda line: line.row.application.number if line.row else None,
            "int",
        ),
        Column(gettext_lazy("Producer"), _row_value(lambda r: r.application.producer.name)),
        Column(gettext_lazy("District"), _row_value(lambda r: r.application.district.name)),
        Column(
            gettext_lazy("Category"),
            _row_value(lambda r: category_label(r.application.category)),
        ),
        Column(gettext_lazy("Line"), _line_kind),
        Column(gettext_lazy("Fee (baht)"), _amount("fee"), "decimal"),
        Column(gettext_lazy("Paid (baht)"), _amount("paid"), "decimal"),
        Column(gettext_lazy("Outstanding (baht)"), _amount("outstanding"), "decimal"),
        Column(gettext_lazy("Pay by"), _booth_value(lambda r: r.deadline), "datetime"),
        Column(gettext_lazy("State"), _booth_value(lambda r: r.state_text)),
        Column(gettext_lazy("Received"), _payment_value(lambda p: p.received_at), "datetime"),
        Column(gettext_lazy("Amount (baht)"), _payment_value(lambda p: p.amount), "decimal"),
        Column(gettext_lazy("Paid by"), _payment_value(lambda p: PaymentMethod(p.method).label)),
        Column(gettext_lazy("Slip or receipt reference"), _payment_value(lambda p: p.reference)),
        Column(gettext_lazy("Received by"), _payment_value(lambda p: str(p.received_by))),
        Column(gettext_lazy("Note"), _payment_value(payment_note)),
    ]
    return Export(export_name(TITLE, data.fair), columns, lines(data))
