"""The attendance report: for each confirmed booth within the reader's reach, each
fair day present, absent or not recorded; the no-shows named; totals per day.

A no-show is a holder recorded absent on at least one day and present on none (the
rule the next fair's tickets use, fairs.services.lottery.history_of)."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fairs.models import Attendance, Fair, Holding, HoldingState
from fairs.reports.common import export_name, latest_by_application, yes
from fairs.selectors_draw import category_label
from otop_portal.lib.exports import Column, Export
from otop_portal.lib.thaidate import format_numeric_date

TITLE = gettext_lazy("Attendance on the fair days")
PRESENT, ABSENT, NOT_RECORDED = "present", "absent", ""


@dataclass(frozen=True)
class AttendanceRow:
    holding: Holding
    marks: list[str]  # per fair day: PRESENT, ABSENT or NOT_RECORDED

    @property
    def application(self):
        return self.holding.application

    @property
    def present(self) -> int:
        return self.marks.count(PRESENT)

    @property
    def absent(self) -> int:
        return self.marks.count(ABSENT)

    @property
    def no_show(self) -> bool:
        return self.absent > 0 and self.present == 0


@dataclass(frozen=True)
class DayTotal:
    day: object
    present: int
    absent: int
    not_recorded: int


@dataclass(frozen=True)
class AttendanceReport:
    fair: Fair
    days: list
    rows: list[AttendanceRow]

    @property
    def totals(self) -> list[DayTotal]:
        result = []
        for index, day in enumerate(self.days):
            marks = [row.marks[index] for row in self.rows]
            present, absent = marks.count(PRESENT), marks.count(ABSENT)
            result.append(DayTotal(day, present, absent, len(marks) - present - absent))
        return result

    @property
    def no_shows(self) -> list[AttendanceRow]:
        return [row for row in self.rows if row.no_show]


def build(fair: Fair, user, now) -> AttendanceReport:
    """Two queries: the accepted holdings and the attendance records, within reach.
    A booth is listed when its holder's latest holding is confirmed now, or when its
    attendance was recorded (a holder released during the fair stays listed)."""
    days = fair.days()
    latest = latest_by_application(
        Holding.objects.for_user(user)
        .filter(fair=fair, accepted_at__isnull=False)
        .select_related("booth", "application__producer", "application__district")
        .order_by("offered_at", "pk")
    )
    marks: dict[int, dict] = defaultdict(dict)
    for application_id, day, present in (
        Attendance.objects.for_user(user)
        .filter(application__fair=fair)
        .values_list("application_id", "day", "present")
    ):
        marks[application_id][day] = PRESENT if present else ABSENT
    rows = [
        AttendanceRow(holding, [marks[application_id].get(day, NOT_RECORDED) for day in days])
        for application_id, holding in latest.items()
        if application_id in marks or holding.state(now) == HoldingState.CONFIRMED
    ]
    rows.sort(key=lambda row: (row.holding.booth.code, row.application.number))
    return AttendanceReport(fair, days, rows)


MARK_LABELS = {
    PRESENT: pgettext_lazy("attendance", "Present"),
    ABSENT: pgettext_lazy("attendance", "Absent"),
    NOT_RECORDED: gettext_lazy("Not recorded"),
}


@dataclass(frozen=True)
class TotalLine:
    label: str
    values: list[int]


def _producer_or_total(line) -> str:
    return line.label if isinstance(line, TotalLine) else line.application.producer.name


def export(data: AttendanceReport) -> Export:
    def mark(index):
        def value(line):
            if isinstance(line, TotalLine):
                return str(line.values[index])
            return str(MARK_LABELS[line.marks[index]])

        return value

    def holder(read):
        return lambda line: read(line) if isinstance(line, AttendanceRow) else None

    columns = [
        Column(gettext_lazy("Booth"), holder(lambda r: r.holding.booth.code)),
        Column(gettext_lazy("Application number"), holder(lambda r: r.application.number), "int"),
        Column(
            gettext_lazy("Producer"),
            lambda line: (
                line.label if isinstance(line, TotalLine) else line.application.producer.name
            ),
        ),
        Column(gettext_lazy("District"), holder(lambda r: r.application.district.name)),
        Column(gettext_lazy("Category"), holder(lambda r: category_label(r.application.category))),
        *[Column(format_numeric_date(day), mark(index)) for index, day in enumerate(data.days)],
        Column(gettext_lazy("Days present"), holder(lambda r: r.present), "int"),
        Column(gettext_lazy("Days absent"), holder(lambda r: r.absent), "int"),
        Column(gettext_lazy("No-show"), holder(lambda r: yes(r.no_show))),
    ]
    totals = data.totals
    lines = [
        *data.rows,
        TotalLine(_("Total present"), [t.present for t in totals]),
        TotalLine(_("Total absent"), [t.absent for t in totals]),
        TotalLine(_("Total not recorded"), [t.not_recorded for t in totals]),
    ]
    return Export(export_name(TITLE, data.fair), columns, lines)
