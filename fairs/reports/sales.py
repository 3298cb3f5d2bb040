"""The sales report: what the booths within the reader's reach sold, by district, by
category and by day, and the fair's income for producers per district and category.

The file holds one line per booth and day (day, district, category, booth, producer,
amount), which a spreadsheet pivots as it likes; the page shows the pivots."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from fairs.models import DailySales, Fair, FairCategory
from fairs.reports.common import ZERO, export_name
from fairs.selectors_draw import category_label
from members.models import District
from otop_portal.lib.exports import Column, Export

TITLE = gettext_lazy("Sales at the fair")


@dataclass(frozen=True)
class Cell:
    """Sales summed over a group: the amount, the booths (applications) and the days
    with a figure."""

    amount: Decimal
    booths: int
    entries: int

    @property
    def per_booth(self) -> Decimal | None:
        if not self.booths:
            return None
        return (self.amount / self.booths).quantize(Decimal("0.01"))


def _cell(sales: list[DailySales]) -> Cell:
    return Cell(
        sum((s.amount for s in sales), ZERO),
        len({s.application_id for s in sales}),
        len(sales),
    )


@dataclass(frozen=True)
class Group:
    key: object
    label: str
    cell: Cell


@dataclass(frozen=True)
class CrossRow:
    district: District
    cells: list[Cell]  # per category of `Sales.by_category`
    total: Cell


@dataclass(frozen=True)
class Sales:
    fair: Fair
    rows: list[DailySales]
    by_district: list[Group]
    by_category: list[Group]
    by_day: list[Group]
    cross: list[CrossRow]
    total: Cell


def _groups(rows, key, order, label) -> list[Group]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [Group(k, label(k, grouped[k]), _cell(grouped[k])) for k in sorted(grouped, key=order)]


CATEGORY_ORDER = {code: index for index, code in enumerate(FairCategory.values)}


def build(fair: Fair, user, now) -> Sales:
    """One query: every day's sales of the fair within reach, with booth and producer."""
    rows = list(
        DailySales.objects.for_user(user)
        .filter(application__fair=fair)
        .select_related("holding__booth", "application__producer", "application__district")
        .order_by(
            "day", "application__district_id", "application__category", "holding__booth__code"
        )
    )
    by_district = _groups(
        rows,
        lambda s: s.application.district_id,
        lambda code: code,
        lambda code, sales: sales[0].application.district.name,
    )
    by_category = _groups(
        rows,
        lambda s: s.application.category,
        lambda code: CATEGORY_ORDER.get(code, len(CATEGORY_ORDER)),
        lambda code, sales: category_label(code),
    )
    by_day = _groups(rows, lambda s: s.day, lambda day: day, lambda day, sales: "")
    cross = []
    for group in by_district:
        mine = [s for s in rows if s.application.district_id == group.key]
        cells = [
            _cell([s for s in mine if s.application.category == category.key])
            for category in by_category
        ]
        district = mine[0].application.district
        cross.append(CrossRow(district, cells, group.cell))
    return Sales(fair, rows, by_district, by_category, by_day, cross, _cell(rows))


def export(data: Sales) -> Export:
    columns = [
        Column(gettext_lazy("Day"), lambda s: s.day, "date"),
        Column(gettext_lazy("District"), lambda s: s.application.district.name),
        Column(gettext_lazy("Category"), lambda s: category_label(s.application.category)),
        Column(gettext_lazy("Booth"), lambda s: s.holding.booth.code),
        Column(gettext_lazy("Application number"), lambda s: s.application.number, "int"),
        Column(gettext_lazy("Producer"), lambda s: s.application.producer.name),
        Column(gettext_lazy("Sales (baht)"), lambda s: s.amount, "decimal"),
    ]
    return Export(export_name(TITLE, data.fair), columns, data.rows)
