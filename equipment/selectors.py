"""Reads of the equipment app that the booking pages, sections and exports share.

Each returns a fixed number of queries whatever the number of rows: the calendar, the
approval inbox, the lists and the home and producer sections are query-counted in the
tests.
"""

import calendar as monthcalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from equipment.models import (
    ACTIVE,
    Booking,
    BookingKind,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.services.rules import COUNTED
from equipment.workdays import Calendar, at, local_day
from otop_portal.lib.language import reads_english
from otop_portal.lib.thaidate import BE_OFFSET, ENGLISH_MONTHS, THAI_MONTHS

SERVED = [BookingStatus.APPROVED, BookingStatus.CHECKED_OUT, BookingStatus.RETURNED]
OPEN_WAITLIST = [WaitlistStatus.WAITING, WaitlistStatus.OFFERED]


# --- Inventory ---------------------------------------------------------------------------------


def types_for(user) -> QuerySet[EquipmentType]:
    """Equipment types every login sees, with how many units each has and how many lend."""
    return (
        EquipmentType.objects.for_user(user)
        .annotate(
            unit_count=Count("units", distinct=True),
            available_count=Count("units", filter=Q(units__status="available"), distinct=True),
        )
        .order_by("name")
    )


def units_of(equipment_type: EquipmentType) -> QuerySet[EquipmentUnit]:
    return equipment_type.units.select_related("equipment_type").order_by("asset_number")


def may_book(user) -> bool:
    """District members book for their district's producers, staff for any; officers read."""
    return user.is_provincial_staff or user.is_district_member


# --- Who may see whose names --------------------------------------------------------------------


def shows_names_of(user, producer) -> bool:
    """Whether `user` sees which producer holds a booking: own district, or every district
    for staff and officers. Others see only that the unit is booked."""
    if producer is None or not user.is_authenticated:
        return False
    return user.sees_all_districts or producer.district_id == user.district_id


# --- The availability calendar ------------------------------------------------------------------

FREE, REQUESTED, BOOKED, TURNAROUND, BLOCKED, CLOSED = (
    "free",
    "requested",
    "booked",
    "turnaround",
    "blocked",
    "closed",
)
_PRIORITY = {BLOCKED: 5, BOOKED: 4, TURNAROUND: 3, REQUESTED: 2}


@dataclass
class DayCell:
    day: date
    in_month: bool
    state: str = FREE
    working: bool = True
    closed_reason: str = ""
    names: list[str] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)
    is_today: bool = False


def month_start(value: str | None, today: date) -> date:
    """The first day of the month asked for as "YYYY-MM" (C.E. in the URL), else this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _grid_days(first: date) -> list[list[date]]:
    # Weeks start on Sunday, as on Thai wall calendars.
    return monthcalendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)


def _span(day: date) -> tuple[datetime, datetime]:
    return at(day, time(0)), at(day + timedelta(days=1), time(0))


def _overlaps(lower, upper, start, end) -> bool:
    return lower < end and start < upper


def _state_of(booking: Booking, start: datetime, end: datetime) -> str | None:
    if not _overlaps(booking.blocked_period.lower, booking.blocked_period.upper, start, end):
        return None
    if booking.kind != BookingKind.LOAN:
        return BLOCKED
    if booking.status == BookingStatus.REQUESTED:
        if _overlaps(booking.period.lower, booking.period.upper, start, end):
            return REQUESTED
        return None
    if _overlaps(booking.period.lower, booking.period.upper, start, end):
        return BOOKED
    return TURNAROUND


def _hours(booking: Booking) -> str:
    lower, upper = (
        timezone.localtime(booking.period.lower),
        timezone.localtime(booking.period.upper),
    )
    return f"{lower:%H:%M}–{upper:%H:%M}"


def _cell(day, first, bookings, workdays, user, hourly, today) -> DayCell:
    cell = DayCell(day=day, in_month=day.month == first.month, is_today=day == today)
    cell.working = workdays.is_working_day(day)
    cell.closed_reason = workdays.why_closed(day)
    start, end = _span(day)
    best = 0
    for booking in bookings:
        state = _state_of(booking, start, end)
        if state is None:
            continue
        if _PRIORITY[state] > best:
            best, cell.state = _PRIORITY[state], state
        starts_here = day == local_day(booking.period.lower) or day.day == 1
        if state in (BOOKED, REQUESTED) and starts_here and shows_names_of(user, booking.producer):
            cell.names.append(booking.producer.name)
        if hourly and state in (BOOKED, REQUESTED):
            cell.hours.append(_hours(booking))
    if cell.state == FREE and not cell.working:
        cell.state = CLOSED
    return cell


def unit_calendars(units, first: date, user) -> list[dict]:
    """A month grid per unit: each day free, requested, booked, in turnaround, blocked
    (maintenance or closure) or closed (not a working day). Producer names only where
    `user` may see them; on-site types list the booked hours. Two queries in all."""
    units = list(units)
    weeks = _grid_days(first)
    grid_start, grid_end = weeks[0][0], weeks[-1][-1]
    workdays = Calendar(grid_start, grid_end)
    span = (_span(grid_start)[0], _span(grid_end)[1])
    by_unit: dict[int, list[Booking]] = {unit.pk: [] for unit in units}
    bookings = (
        Booking.objects.filter(unit__in=units, status__in=ACTIVE, blocked_period__overlap=span)
        .select_related("producer")
        .order_by("period")
    )
    for booking in bookings:
        by_unit[booking.unit_id].append(booking)
    today = timezone.localdate()
    return [
        {
            "unit": unit,
            "weeks": [
                [
                    _cell(
                        day,
                        first,
                        by_unit[unit.pk],
                        workdays,
                        user,
                        unit.equipment_type.is_hourly,
                        today,
                    )
                    for day in week
                ]
                for week in weeks
            ],
        }
        for unit in units
    ]


def month_label(first: date) -> str:
    """มีนาคม 2570 (English: March 2570 BE): a month in the Buddhist Era."""
    if reads_english():
        return f"{ENGLISH_MONTHS[first.month - 1]} {first.year + BE_OFFSET} BE"
    return f"{THAI_MONTHS[first.month - 1]} {first.year + BE_OFFSET}"


def month_links(first: date) -> dict:
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return {
        "previous": f"{previous:%Y-%m}",
        "next": f"{following:%Y-%m}",
        "first": first,
        "label": month_label(first),
        "previous_label": month_label(previous),
        "next_label": month_label(following),
        # Sunday first, as the grid
        "weekdays": [WEEKDAYS_ABBR[(6 + n) % 7] for n in range(7)],
    }


# --- A producer's quota (R7, R8) ------------------------------------------------------------------


def _days_between(lower: datetime, upper: datetime, since: date, until: date) -> set[date]:
    """The calendar days of [lower, upper) that fall within [since, until]."""
    first = max(local_day(lower), since)
    last = min(local_day(upper - timedelta(microseconds=1)), until)
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def quota_of(producer, equipment_type=None, *, settings: LendingSettings | None = None) -> dict:
    """How much of its fair share a producer has used: R8 booked days in the rolling
    window up to today and booked days ahead; R7 active bookings against the limits."""
    settings = settings or LendingSettings.current()
    now = timezone.now()
    today = timezone.localdate()
    since = today - timedelta(days=settings.rolling_window_days - 1)
    rows = Booking.objects.filter(
        producer=producer,
        kind=BookingKind.LOAN,
        status__in=COUNTED,
        period__endswith__gt=at(since, time(0)),
    ).values_list("period", "status", "unit__equipment_type_id")
    used, ahead, active, active_of_type = set(), set(), 0, 0
    far = today + timedelta(days=3650)
    for period, status, type_id in rows:
        used |= _days_between(period.lower, period.upper, since, today)
        ahead |= _days_between(period.lower, period.upper, today + timedelta(days=1), far)
        if status in ACTIVE and period.upper > now:
            active += 1
            if equipment_type is not None and type_id == equipment_type.pk:
                active_of_type += 1
    return {
        "used_days": len(used),
        "ahead_days": len(ahead),
        "cap_days": settings.rolling_cap_days,
        "window_days": settings.rolling_window_days,
        "active": active,
        "active_max": settings.max_active_total,
        "active_of_type": active_of_type,
        "active_of_type_max": equipment_type.max_active_per_producer if equipment_type else None,
    }


# --- Bookings and the waitlist ----------------------------------------------------------------


def _with_related(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("unit__equipment_type", "producer__district")


def bookings_for(user) -> QuerySet[Booking]:
    """Producers' bookings as the list shows them: the user's district, or all for staff
    and officers; latest start first."""
    return _with_related(Booking.objects.for_user(user).loans()).order_by("-period", "-pk")


def booking_detail(user) -> QuerySet[Booking]:
    return _with_related(Booking.objects.all()).select_related("requested_by", "decided_by")


def current_and_upcoming(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Bookings out now (overdue too) or still to come, soonest first."""
    now = timezone.now()
    # Live statuses named once more in one condition: the partial index booking_live.
    # (Without it a district member's list is 0.1 ms, not 3.7, but provincial staff's
    # becomes a parallel scan of every booking, 19 ms: the planner expects a third of
    # the table to be upcoming.)
    live = [BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.CHECKED_OUT]
    return _with_related(
        bookings.filter(status__in=live).filter(
            Q(status=BookingStatus.CHECKED_OUT)
            | Q(
                status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED],
                period__endswith__gt=now,
            )
        )
    ).order_by("period", "pk")


def reminders(bookings: QuerySet[Booking]) -> list[tuple[str, Booking]]:
    """What to remind of today (R17): pickups tomorrow, returns due tomorrow, loans
    overdue and upcoming bookings flagged because their unit left lending (R15), as
    ("pickup" | "return" | "overdue" | "flagged", booking). One query; derived from time,
    so it holds whether or not the reminder command ran."""
    now = timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    end_of_tomorrow = timezone.make_aware(
        datetime.combine(tomorrow + timedelta(days=1), datetime.min.time())
    )
    found = _with_related(
        bookings.filter(
            Q(status=BookingStatus.APPROVED, period__startswith__lt=end_of_tomorrow)
            | Q(status=BookingStatus.CHECKED_OUT, period__endswith__lt=end_of_tomorrow)
            | Q(
                status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED],
                flagged_at__isnull=False,
                period__endswith__gt=now,
            )
        )
    ).order_by("period", "pk")
    result = []
    for booking in found:
        if booking.flagged_at and booking.status != BookingStatus.CHECKED_OUT:
            kind = "flagged"  # the unit broke or left lending: the producer must be told
        elif booking.status == BookingStatus.CHECKED_OUT:
            kind = "overdue" if booking.period.upper < now else "return"
            if kind == "return" and timezone.localdate(booking.period.upper) != tomorrow:
                continue  # due later today: the loan is out, nothing to remind yet
        elif timezone.localdate(booking.period.lower) == tomorrow:
            kind = "pickup"
        else:
            continue
        result.append((kind, booking))
    return result


def waitlist_for(user) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.for_user(user)
        .select_related("unit__equipment_type", "producer__district")
        .order_by("-created_at", "-pk")
    )


def open_waitlist(entries: QuerySet[WaitlistEntry]) -> QuerySet[WaitlistEntry]:
    return entries.filter(status__in=OPEN_WAITLIST).order_by("period", "pk")


# --- The approval inbox (R11) ---------------------------------------------------------------------


@dataclass
class Ranked:
    booking: Booking
    producer_days: int
    district_days: int
    rank: int = 0
    decided_by: str = ""  # "days", "district" or "first": what placed it against a neighbour
    collides_with: list[Booking] = field(default_factory=list)
    hidden: bool = False  # another district's request, seen by a district approver

    @property
    def key(self):
        return (self.producer_days, self.district_days, self.booking.created_at, self.booking.pk)


def _groups(pending: list[Booking]) -> list[list[Booking]]:
    """Requests of one unit whose blocked times overlap, chained: each group competes."""
    groups: list[list[Booking]] = []
    current_unit, reach = None, None
    for booking in sorted(pending, key=lambda b: (b.unit_id, b.blocked_period.lower, b.pk)):
        if booking.unit_id != current_unit or booking.blocked_period.lower >= reach:
            groups.append([])
            current_unit, reach = booking.unit_id, booking.blocked_period.upper
        groups[-1].append(booking)
        reach = max(reach, booking.blocked_period.upper)
    return groups


def _served_days(pending: list[Booking], window_days: int) -> tuple[dict, dict]:
    """Booked days of loans approved, out or returned in the last `window_days`, per
    producer and per district of the pending requests' producers (one query)."""
    today = timezone.localdate()
    since = today - timedelta(days=window_days - 1)
    districts = {booking.producer.district_id for booking in pending}
    rows = Booking.objects.filter(
        kind=BookingKind.LOAN,
        status__in=SERVED,
        producer__district__in=districts,
        period__overlap=(at(since, time(0)), at(today + timedelta(days=1), time(0))),
    ).values_list("producer_id", "producer__district_id", "period")
    by_producer: dict[int, int] = {}
    by_district: dict[str, int] = {}
    for producer_id, district_id, period in rows:
        n = len(_days_between(period.lower, period.upper, since, today))
        by_producer[producer_id] = by_producer.get(producer_id, 0) + n
        by_district[district_id] = by_district.get(district_id, 0) + n
    return by_producer, by_district


def _deciding(a: Ranked, b: Ranked) -> str:
    if a.producer_days != b.producer_days:
        return "days"
    if a.district_days != b.district_days:
        return "district"
    return "first"


def _rank(group: list[Booking], by_producer: dict, by_district: dict) -> list[Ranked]:
    rows = [
        Ranked(
            booking=booking,
            producer_days=by_producer.get(booking.producer_id, 0),
            district_days=by_district.get(booking.producer.district_id, 0),
        )
        for booking in group
    ]
    rows.sort(key=lambda row: row.key)
    for index, row in enumerate(rows):
        row.rank = index + 1
        row.collides_with = [
            other.booking
            for other in rows
            if other is not row
            and _overlaps(
                row.booking.blocked_period.lower,
                row.booking.blocked_period.upper,
                other.booking.blocked_period.lower,
                other.booking.blocked_period.upper,
            )
        ]
        if len(rows) > 1:
            neighbour = rows[index + 1] if index == 0 else rows[index - 1]
            row.decided_by = _deciding(row, neighbour)
    return rows


def inbox(*, settings: LendingSettings | None = None, user=None) -> list[dict]:
    """Requests waiting for a decision, grouped by unit and overlapping time, each group
    ranked (R11): fewest booked days of the producer in the fairness window, then the
    district served least in it, then first come. Three queries in all.

    An approver who is a district member sees the groups with a request of their
    district; another district's request shows without its producer, and a group that
    mixes districts is left to approvers who see every district (`decidable`)."""
    settings = settings or LendingSettings.current()
    pending = list(
        Booking.objects.filter(kind=BookingKind.LOAN, status=BookingStatus.REQUESTED)
        .select_related("unit__equipment_type", "producer__district", "requested_by")
        .order_by("unit_id", "period", "pk")
    )
    if not pending:
        return []
    by_producer, by_district = _served_days(pending, settings.fairness_window_days)
    groups = [
        {"unit": group[0].unit, "rows": _rank(group, by_producer, by_district), "decidable": True}
        for group in _groups(pending)
    ]
    if user is not None and not user.sees_all_districts:
        mine = []
        for group in groups:
            districts = {row.booking.producer.district_id for row in group["rows"]}
            if user.district_id not in districts:
                continue
            group["decidable"] = districts == {user.district_id}
            for row in group["rows"]:
                row.hidden = row.booking.producer.district_id != user.district_id
            mine.append(group)
        groups = mine
    groups.sort(key=lambda g: (g["rows"][0].booking.period.lower, g["unit"].pk))
    return groups


def pending_count(user=None) -> int:
    """Requests waiting for a decision; for an approver who is a district member, those
    of their district (the inbox shows which of them they decide)."""
    pending = Booking.objects.filter(kind=BookingKind.LOAN, status=BookingStatus.REQUESTED)
    if user is not None and not user.sees_all_districts:
        pending = pending.filter(producer__district=user.district_id)
    return pending.count()
