"""The allocation report: every booth of the fair, reserved ones with who and why,
and who holds each now — how they got it and since when.

Booths are province-wide; who holds them belongs to the holder's district. A district
member sees the holders of their own district in full; for another district's holder
only the district and category (public on the verification page), no name."""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairs.models import Booth, Fair, Holding, HoldingKind, HoldingState, ReservedFor
from fairs.reports.common import export_name, yes
from fairs.selectors_draw import category_label
from otop_portal.lib.exports import Column, Export

TITLE = gettext_lazy("Booth allocation")


@dataclass(frozen=True)
class BoothRow:
    booth: Booth
    holding: Holding | None  # the one holding the booth now
    visible: bool  # the holder is within the reader's reach
    holding_state: str = ""  # the holding's state when the report was made

    @property
    def reserved(self) -> str:
        return str(ReservedFor(self.booth.reserved_for).label) if self.booth.is_reserved else ""

    @property
    def application(self):
        return self.holding.application if self.holding else None

    @property
    def producer(self) -> str:
        if self.holding is None:
            return ""
        if not self.visible:
            return _("An applicant of another district")
        return self.application.producer.name

    @property
    def state(self) -> str:
        if self.booth.is_reserved:
            return _("Reserved")
        if self.holding is None:
            return _("Free")
        return str(HoldingState(self.holding_state).label) if self.visible else _("Held")

    @property
    def how(self) -> str:
        return str(HoldingKind(self.holding.kind).label) if self.holding and self.visible else ""

    @property
    def since(self):
        return self.holding.period.lower if self.holding and self.visible else None


@dataclass(frozen=True)
class Allocation:
    fair: Fair
    rows: list[BoothRow]

    @property
    def counts(self) -> Counter:
        counts = Counter()
        for row in self.rows:
            if row.booth.is_reserved:
                counts["reserved"] += 1
            elif row.holding is None:
                counts["free"] += 1
            else:
                counts["held"] += 1
        return counts


def build(fair: Fair, user, now) -> Allocation:
    """Three queries: the booths, the holdings that hold a booth now, and which of
    them are within the reader's reach."""
    booths = list(
        Booth.objects.filter(fair=fair)
        .select_related("zone", "booth_type")
        .order_by("zone__code", "order", "code")
    )
    holding_now = Holding.objects.filter(fair=fair).active_at(now)
    holders = {
        holding.booth_id: holding
        for holding in holding_now.select_related("application__producer", "application__district")
    }
    visible = set(holding_now.for_user(user).values_list("pk", flat=True))
    rows = []
    for booth in booths:
        holding = holders.get(booth.pk)
        rows.append(
            BoothRow(
                booth,
                holding,
                visible=holding is not None and holding.pk in visible,
                holding_state=holding.state(now) if holding else "",
            )
        )
    return Allocation(fair, rows)


def export(data: Allocation) -> Export:
    columns = [
        Column(gettext_lazy("Booth"), lambda r: r.booth.code),
        Column(gettext_lazy("Zone"), lambda r: str(r.booth.zone)),
        Column(gettext_lazy("Prime zone"), lambda r: yes(r.booth.zone.is_prime)),
        Column(gettext_lazy("Booth type"), lambda r: r.booth.booth_type.name),
        Column(gettext_lazy("Fee (baht)"), lambda r: r.booth.booth_type.fee, "decimal"),
        Column(gettext_lazy("Reserved for"), lambda r: r.reserved),
        Column(gettext_lazy("Reserved: who and why"), lambda r: r.booth.reserved_note),
        Column(
            gettext_lazy("Application number"),
            lambda r: r.application.number if r.visible else None,
            "int",
        ),
        Column(gettext_lazy("Holder"), lambda r: r.producer),
        Column(
            gettext_lazy("District"), lambda r: r.application.district.name if r.holding else ""
        ),
        Column(
            gettext_lazy("Category"),
            lambda r: category_label(r.application.category) if r.holding else "",
        ),
        Column(gettext_lazy("State"), lambda r: r.state),
        Column(gettext_lazy("How"), lambda r: r.how),
        Column(gettext_lazy("Since"), lambda r: r.since, "datetime"),
    ]
    return Export(export_name(TITLE, data.fair), columns, data.rows)
