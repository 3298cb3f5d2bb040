"""Working days and booking periods.

Weekends, public holidays and office closures (NonWorkingDay) are not working days:
no pickup or return on them, and they do not count for notice, turnaround and no-show
rules; a loan may span them. A whole-day booking runs from office opening on its first
day to office closing on its last; its turnaround blocks the unit for that many working
days after it. An on-site booking is a slot within one working day's office hours, and
its turnaround is in minutes.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from equipment.models import LendingSettings, NonWorkingDay


class Calendar:
    """Which days are working days, read once for a span of dates."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.closed = dict(
            NonWorkingDay.objects.filter(on__range=(start, end)).values_list("on", "name")
        )

    @classmethod
    def around(cls, day: date, days: int = 400) -> "Calendar":
        return cls(day - timedelta(days=days), day + timedelta(days=days))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def why_closed(self, day: date) -> str:
        return self.closed.get(day, "")

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n = 0: `day` itself)."""
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_after(self, first: date, last: date) -> int:
        """Working days in (first, last]."""
        return sum(
            1
            for offset in range(1, (last - first).days + 1)
            if self.is_working_day(first + timedelta(days=offset))
        )


def at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


@dataclass(frozen=True)
class Slot:
    """The times a booking request asks for, made into the stored ranges."""

    period: DateTimeTZRange
    blocked: DateTimeTZRange
    booked_days: int
    first_day: date
    last_day: date


def day_slot(first: date, last: date, *, turnaround: int, calendar: Calendar) -> Slot:
    settings = LendingSettings.current()
    start = at(first, settings.office_opens)
    end = at(last, settings.office_closes)
    blocked_until = at(calendar.add_working_days(last, turnaround), settings.office_closes)
    return Slot(
        period=DateTimeTZRange(start, end, "[)"),
        blocked=DateTimeTZRange(start, blocked_until, "[)"),
        booked_days=(last - first).days + 1,
        first_day=first,
        last_day=last,
    )


def hour_slot(day: date, start: time, end: time, *, turnaround_minutes: int) -> Slot:
    begins, ends = at(day, start), at(day, end)
    return Slot(
        period=DateTimeTZRange(begins, ends, "[)"),
        blocked=DateTimeTZRange(begins, ends + timedelta(minutes=turnaround_minutes), "[)"),
        booked_days=1,
        first_day=day,
        last_day=day,
    )


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def no_show_deadline(
    start: datetime, *, hours: int, calendar: Calendar, settings: LendingSettings | None = None
) -> datetime:
    """When a booking not picked up is released: `hours` working hours after its start,
    counting only office hours of working days."""
    settings = settings or LendingSettings.current()
    opens, closes = settings.office_opens, settings.office_closes
    moment = timezone.localtime(start)
    remaining = timedelta(hours=hours)
    day = moment.date()
    while True:
        if calendar.is_working_day(day):
            begin = max(moment, at(day, opens)) if day == moment.date() else at(day, opens)
            available = at(day, closes) - begin
            if available > timedelta(0):
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
