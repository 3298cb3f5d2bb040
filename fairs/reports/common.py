"""What the fair reports share: percentages, the spread of selection rates, the
label of a holding's state, the official draw and the file name of an export."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from fairs.models import Draw, EndReason, Holding, HoldingState

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
HOLDING_NOW = (HoldingState.OFFERED, HoldingState.AWAITING_PAYMENT, HoldingState.CONFIRMED)


def percent(part, whole) -> Decimal | None:
    """part / whole as a percentage with two decimals (half up); None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Spread:
    """How far apart the groups' selection rates are: the highest, the lowest and
    their ratio (None when the lowest is 0: a group got nothing)."""

    highest: Decimal | None
    lowest: Decimal | None

    @property
    def ratio(self) -> Decimal | None:
        if self.highest is None or not self.lowest:
            return None
        return (self.highest / self.lowest).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def someone_got_nothing(self) -> bool:
        return self.lowest is not None and self.lowest == 0 and bool(self.highest)


def spread(rates) -> Spread:
    known = [rate for rate in rates if rate is not None]
    if len(known) < 2:
        return Spread(None, None)
    return Spread(max(known), min(known))


def state_label(holding: Holding | None, now) -> str:
    """The holding's state now, with why it ended when it did."""
    if holding is None:
        return ""
    state = holding.state(now)
    if state == HoldingState.ENDED and holding.end_reason:
        return _("Ended: %(reason)s") % {"reason": EndReason(holding.end_reason).label}
    return str(HoldingState(state).label)


def yes(flag: bool) -> str:
    return _("Yes") if flag else ""


def latest_by_application(holdings) -> dict[int, Holding]:
    """Each application's latest holding, from holdings ordered oldest first."""
    latest: dict[int, Holding] = {}
    for holding in holdings:
        latest[holding.application_id] = holding
    return latest


def export_name(title, fair) -> str:
    """The file's name: the report's title and the fair's number (the shared exporter
    adds today's B.E. date and the extension)."""
    return f"{title}-{fair.pk}"


def official_draw(fair) -> Draw | None:
    """The fair's official draw with the number of its lines (`drawn`), in one query."""
    return fair.draws.filter(official=True).annotate(drawn=Count("lines")).first()
