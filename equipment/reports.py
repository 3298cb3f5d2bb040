"""The equipment reports (research/equipment.md §5): use, idle units, producers served,
districts, concentration, unmet demand, discipline and maintenance.

Each report is a fixed number of SQL queries, however many units, loans or producers
there are: the aggregation happens in PostgreSQL, Python only shapes the rows.

One measure of time runs through them: a **loan-day** is a working day (not a weekend,
public holiday or office closure) on which a unit was in a borrower's custody for any
part of the day, from check-out to return (or now, if still out). Working days are
the days a unit can be lent, so used days and available days compare like with like.
"""

# The SQL below is composed only of model table names and fixed fragments; every value
# is a query parameter.
# ruff: noqa: S608

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from equipment.models import (
    DAMAGED,
    USE_MONTHS_LOCK,
    Booking,
    BookingKind,
    BookingRefusal,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    Loan,
    MaintenanceTicket,
    NonWorkingDay,
    TicketKind,
    TicketStatus,
    UnitStatus,
    UnitUseMonth,
    UseMonth,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.services.rules import service_due_after
from members.models import District, Producer
from otop_portal.lib.thaisort import thai_sort_key

IDLE_THRESHOLDS = (180, 90, 30)
TOP = 5
# A booking that held the machine for its borrower: the slot was given to them.
COMMITTED = [
    BookingStatus.APPROVED,
    BookingStatus.CHECKED_OUT,
    BookingStatus.RETURNED,
    BookingStatus.NO_SHOW,
]
DOWNTIME = [BookingKind.MAINTENANCE, BookingKind.CLOSURE]
DOWNTIME_STATUSES = [BookingStatus.APPROVED, BookingStatus.CHECKED_OUT, BookingStatus.RETURNED]


# --- the period ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days `start` to `end`, both included, in Bangkok time."""

    start: date
    end: date

    @classmethod
    def last_12_months(cls, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(_years_before(today, 1) + timedelta(days=1), today)

    @property
    def begins(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, datetime.min.time()))

    @property
    def ends(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(1), datetime.min.time()))

    @property
    def calendar_days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self, **more) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "ps": self.begins,
            "pe": self.ends,
            "now": timezone.now(),
            "tz": settings.TIME_ZONE,
            **more,
        }


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- small pure helpers ----------------------------------------------------------------------


def gini(values: Sequence[float], zeros: int = 0) -> float:
    """The Gini coefficient of non-negative `values` plus `zeros` more zero values:
    0 when everyone has the same, towards 1 when one has everything. 0 for an empty
    or all-zero population.

    With the values sorted ascending as x_1..x_n: G = 2·Σ i·x_i / (n·Σx) − (n + 1) / n."""
    ordered = sorted(values)
    n = len(ordered) + zeros
    total = sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((zeros + rank) * value for rank, value in enumerate(ordered, start=1))
    return 2 * weighted / (n * total) - (n + 1) / n


def percent(part, whole) -> float | None:
    """`part` as a percentage of `whole`, or None when there is no whole."""
    return None if not whole else 100 * float(part) / float(whole)


def ratio(part, whole) -> float | None:
    return None if not whole else float(part) / float(whole)


add_months = service_due_after  # the arithmetic rules.service_due_on uses


# --- SQL building blocks -----------------------------------------------------------------------

T_BOOKING = Booking._meta.db_table
T_LOAN = Loan._meta.db_table
T_UNIT = EquipmentUnit._meta.db_table
T_TYPE = EquipmentType._meta.db_table
T_CLOSED = NonWorkingDay._meta.db_table
T_WAITLIST = WaitlistEntry._meta.db_table
T_REFUSAL = BookingRefusal._meta.db_table
T_PRODUCER = Producer._meta.db_table


def _days(lower: str, upper: str) -> str:
    """The working days of the period that the moments `lower`..`upper` touch: a set-
    returning expression to join LATERAL as d(day)."""
    return f"""(
        SELECT s::date AS day FROM generate_series(
            greatest((({lower}) AT TIME ZONE %(tz)s)::date, %(start)s::date),
            least((({upper}) AT TIME ZONE %(tz)s)::date, %(end)s::date),
            interval '1 day') AS s
        WHERE extract(isodow FROM s) < 6
          AND NOT EXISTS (SELECT 1 FROM {T_CLOSED} c WHERE c."on" = s::date)
    )"""


WORKING_DAYS_SQL = f"""
    SELECT count(*) FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS s
    WHERE extract(isodow FROM s) < 6
      AND NOT EXISTS (SELECT 1 FROM {T_CLOSED} c WHERE c."on" = s::date)
"""

# Loans in custody at some time in the period, each with its loan-days in it.
LOAN_DAYS_SQL = f"""
    SELECT l.id AS loan_id, l.unit_id, b.producer_id, l.checked_out_at, d.day
    FROM {T_LOAN} l
    JOIN {T_BOOKING} b ON b.id = l.booking_id
    CROSS JOIN LATERAL {_days("l.checked_out_at", "coalesce(l.returned_at, %(now)s)")} d
    WHERE l.checked_out_at < %(pe)s AND coalesce(l.returned_at, %(now)s) >= %(ps)s
"""


def _fetch(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _type_order(rows, key="type_name"):
    return sorted(rows, key=lambda row: (thai_sort_key(row[key]), row.get("asset_number", "")))


# --- 1. utilisation and availability ---------------------------------------------------------


@dataclass
class UseRow:
    label: str
    type_name: str
    units: int = 1
    status: str = ""
    loans: int = 0
    used_days: int = 0
    booked_days: int = 0
    maintenance_days: int = 0
    working_days: int = 0
    downtime_days: float = 0.0
    calendar_days: int = 0

    @property
    def available_days(self) -> int:
        return max(self.working_days - self.maintenance_days, 0)

    @property
    def utilisation(self) -> float | None:
        return percent(self.used_days, self.available_days)

    @property
    def availability(self) -> float | None:
        if not self.calendar_days:
            return None
        return 100 * (1 - self.downtime_days / self.calendar_days)

    def add(self, other: "UseRow") -> None:
        for name in ("units", "loans", "used_days", "booked_days", "maintenance_days"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.working_days += other.working_days
        self.downtime_days += other.downtime_days
        self.calendar_days += other.calendar_days


@dataclass
class Use:
    period: Period
    units: list[UseRow]
    types: list[UseRow]
    total: UseRow
    working_days: int


# The period's working days counted up to each day (cumulative), as an array from the
# day before the period (0): the working days from `first` to `last` are then
# cum[last - start + 2] - cum[first - start + 1], so counting a unit's loan-days takes
# no day-by-day expansion.
CALENDAR_CTE = f"""
calendar AS (
    SELECT array_agg(n ORDER BY day) AS cum, count(*) FILTER (WHERE working) AS working_days
    FROM (
        SELECT s::date AS day, working, count(*) FILTER (WHERE working) OVER (ORDER BY s) AS n
        FROM generate_series(%(start)s::date - 1, %(end)s::date, interval '1 day') AS s
        CROSS JOIN LATERAL (
            SELECT s >= %(start)s::date AND extract(isodow FROM s) < 6
                AND NOT EXISTS (SELECT 1 FROM {T_CLOSED} c WHERE c."on" = s::date) AS working
        ) w
    ) days
)"""


def _unit_days(name: str, spans: str) -> str:
    """A CTE `name`(unit_id, days): per unit, the working days of the period that any
    of its spans touches, each day once. `spans` selects unit_id, starts and ends
    (moments, both in the span). In the order they start, each span counts only the
    days after the last day the unit's earlier spans reached (a loan taken back in the
    morning and the next one out that afternoon share a day)."""
    return f"""{name} AS (
    SELECT unit_id,
        sum(calendar.cum[last_day - %(start)s::date + 2]
            - calendar.cum[first_day - %(start)s::date + 1]) AS days
    FROM (
        SELECT unit_id, last_day, greatest(first_day, max(last_day) OVER (
            PARTITION BY unit_id ORDER BY first_day, last_day
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) + 1) AS first_day
        FROM (
            SELECT unit_id,
                greatest((starts AT TIME ZONE %(tz)s)::date, %(start)s::date) AS first_day,
                least((ends AT TIME ZONE %(tz)s)::date, %(end)s::date) AS last_day
            FROM ({spans}) spans
        ) days
        WHERE first_day <= last_day
    ) new_days
    CROSS JOIN calendar
    WHERE first_day <= last_day
    GROUP BY unit_id
)"""


def _booked_spans(statuses: str, kinds: str) -> str:
    """Bookings touching the period whose status is in the parameter `statuses` and
    whose kind in the parameter `kinds`, as spans (the last moment included)."""
    return f"""
    SELECT b.unit_id, lower(b.period) AS starts, upper(b.period) - interval '1 microsecond' AS ends
    FROM {T_BOOKING} b
    WHERE b.period && tstzrange(%(ps)s, %(pe)s) AND b.status = ANY(%({statuses})s)
      AND b.kind = ANY(%({kinds})s)
"""


# A loan's custody as the range the index loan_custody holds (an open loan's has no
# end), so that counting a few weeks reads only the loans of those weeks.
_LOAN_SPANS = f"""
    SELECT l.unit_id, l.checked_out_at AS starts, coalesce(l.returned_at, %(now)s) AS ends
    FROM {T_LOAN} l
    WHERE tstzrange(l.checked_out_at, l.returned_at, '[]') && tstzrange(%(ps)s, %(pe)s)
      AND l.checked_out_at < %(pe)s AND coalesce(l.returned_at, %(now)s) >= %(ps)s
"""
_USED = _unit_days("used", _LOAN_SPANS)
_BOOKED = _unit_days("booked", _booked_spans("committed", "loan_kind"))
_MAINTENANCE = _unit_days("maintenance", _booked_spans("downtime_statuses", "downtime"))

# Per unit with anything in the period: loans checked out, loan-days used and booked,
# maintenance days and downtime; every row carries the period's working days, and a
# period with nothing still gives one row (unit_id NULL) to carry them.
USE_COUNTS_SQL = f"""
WITH {CALENDAR_CTE}, {_USED}, loans AS (
    SELECT unit_id, count(*) AS n FROM {T_LOAN}
    WHERE checked_out_at >= %(ps)s AND checked_out_at < %(pe)s GROUP BY unit_id
), {_BOOKED}, {_MAINTENANCE}, downtime AS (
    SELECT b.unit_id, sum(extract(epoch FROM
        upper(b.period * tstzrange(%(ps)s, %(pe)s)) - lower(b.period * tstzrange(%(ps)s, %(pe)s))
    )) / 86400.0 AS days
    FROM {T_BOOKING} b
    WHERE b.kind = ANY(%(downtime)s) AND b.status = ANY(%(downtime_statuses)s)
      AND b.period && tstzrange(%(ps)s, %(pe)s)
    GROUP BY b.unit_id
), units AS (
    SELECT unit_id FROM used UNION SELECT unit_id FROM loans UNION SELECT unit_id FROM booked
    UNION SELECT unit_id FROM maintenance UNION SELECT unit_id FROM downtime
)
SELECT units.unit_id,
       coalesce(loans.n, 0) AS loans, coalesce(used.days, 0) AS used_days,
       coalesce(booked.days, 0) AS booked_days,
       coalesce(maintenance.days, 0) AS maintenance_days,
       coalesce(downtime.days, 0)::float AS downtime_days,
       calendar.working_days
FROM calendar
LEFT JOIN units ON true
LEFT JOIN used ON used.unit_id = units.unit_id
LEFT JOIN loans ON loans.unit_id = units.unit_id
LEFT JOIN booked ON booked.unit_id = units.unit_id
LEFT JOIN maintenance ON maintenance.unit_id = units.unit_id
LEFT JOIN downtime ON downtime.unit_id = units.unit_id
"""

T_USE_MONTH = UseMonth._meta.db_table
T_UNIT_USE_MONTH = UnitUseMonth._meta.db_table
_COUNTS = ("loans", "used_days", "booked_days", "maintenance_days", "downtime_days")

# One month's counts kept: a row per unit with any, and the month with its working days.
KEEP_MONTH_SQL = f"""
WITH counts AS ({USE_COUNTS_SQL}), unit_rows AS (
    INSERT INTO {T_UNIT_USE_MONTH} (unit_id, month, {", ".join(_COUNTS)})
    SELECT unit_id, %(start)s, {", ".join(_COUNTS)} FROM counts WHERE unit_id IS NOT NULL
)
INSERT INTO {T_USE_MONTH} (month, working_days, computed_at)
SELECT %(start)s, max(working_days), %(now)s FROM counts
"""

# The kept months asked for and their units' sums, in one statement: one snapshot, so a
# month a write forgets meanwhile is either wholly in (its working days and its units'
# figures) or wholly out. Month rows carry unit_id NULL and their working days.
KEPT_SQL = f"""
SELECT NULL::bigint AS unit_id, month, working_days,
       {", ".join(f"0 AS {name}" for name in _COUNTS)}
FROM {T_USE_MONTH} WHERE month = ANY(%(months)s)
UNION ALL
SELECT unit_id, NULL, NULL, {", ".join(f"sum({name})" for name in _COUNTS)}
FROM {T_UNIT_USE_MONTH} WHERE month = ANY(%(months)s) GROUP BY unit_id
"""

UNITS_SQL = f"""
SELECT u.id, u.asset_number, u.status, t.name AS type_name
FROM {T_UNIT} u JOIN {T_TYPE} t ON t.id = u.equipment_type_id
"""


def _month_after(month: date) -> date:
    """The first day of the month after `month`'s."""
    return add_months(month.replace(day=1), 1)


def may_keep(month: date, today: date) -> bool:
    """Whether a month's figures may be kept: it has ended by `today`."""
    return _month_after(month) <= today


def split(period: Period, today: date) -> tuple[list[Period], list[date]]:
    """The period as the parts counted live (its days before the first whole month,
    and from the first month that may not be kept yet) and the whole months kept."""
    live: list[Period] = []
    months: list[date] = []
    day = period.start
    while day <= period.end:
        month = day.replace(day=1)
        month_end = _month_after(month) - timedelta(days=1)
        last = min(period.end, month_end)
        if day == month and last == month_end and may_keep(month, today):
            months.append(month)
        elif live and live[-1].end == day - timedelta(days=1):
            live[-1] = Period(live[-1].start, last)
        else:
            live.append(Period(day, last))
        day = last + timedelta(days=1)
    return live, months


def _use_params(period: Period) -> dict:
    return period.params(
        committed=COMMITTED,
        loan_kind=[BookingKind.LOAN],
        downtime=DOWNTIME,
        downtime_statuses=DOWNTIME_STATUSES,
    )


def _keep_months(months: list[date]) -> None:
    """Compute and keep the months not kept yet, each in its own transaction under the
    lock taken exclusively: every write still open that touches the month holds it
    shared, so the month is counted from data no open transaction is about to change.
    The lock is only tried, never waited for (a queued exclusive request would make
    every new write wait behind it): a month not kept now is counted live this time."""
    for month in months:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [USE_MONTHS_LOCK])
            if not cursor.fetchone()[0]:
                return
            if not UseMonth.objects.filter(month=month).exists():
                whole = Period(month, _month_after(month) - timedelta(days=1))
                cursor.execute(KEEP_MONTH_SQL, _use_params(whole))


def _read_kept(months: list[date], totals: dict[int, dict]) -> tuple[set[date], int]:
    """Add the kept months' unit sums to `totals`: the months found, their working days."""
    rows = _fetch(KEPT_SQL, {"months": months})
    found = {row["month"]: row["working_days"] for row in rows if row["unit_id"] is None}
    _add(totals, rows)
    return set(found), sum(found.values())


def _add(totals: dict[int, dict], rows) -> None:
    for row in rows:
        if row["unit_id"] is None:
            continue
        found = totals.setdefault(row["unit_id"], dict.fromkeys(_COUNTS, 0))
        for name in _COUNTS:
            found[name] += row[name]


def use_counts(period: Period, today: date | None = None) -> tuple[dict[int, dict], int]:
    """Per unit with anything in the period, its counts, and the period's working days:
    the kept months read back (kept first if they are not yet), the rest counted live."""
    # A month is kept only once it has ended by the real clock.
    today = min(today or timezone.localdate(), timezone.localdate())
    live, months = split(period, today)
    totals: dict[int, dict] = {}
    working = 0
    if months:
        found, working = _read_kept(months, totals)
        if len(found) < len(months):
            _keep_months([month for month in months if month not in found])
            totals = {}
            found, working = _read_kept(months, totals)
        for month in months:
            if month not in found:  # not kept (the lock was busy) or forgotten meanwhile
                live.append(Period(month, _month_after(month) - timedelta(days=1)))
    for part in live:
        rows = _fetch(USE_COUNTS_SQL, _use_params(part))
        working += rows[0]["working_days"]
        _add(totals, rows)
    return totals, working


def utilisation(period: Period, today: date | None = None) -> Use:
    """Per unit and per type: loan-days used and booked, available working days
    (maintenance and closure days taken off), utilisation and availability."""
    totals, working = use_counts(period, today)
    none = dict.fromkeys(_COUNTS, 0)
    keys: dict[str, tuple] = {}
    labels = {status: str(label) for status, label in UnitStatus.choices}
    units = []
    for row in _fetch(UNITS_SQL, {}):
        counts = totals.get(row["id"], none)
        units.append(
            UseRow(
                label=row["asset_number"],
                type_name=row["type_name"],
                status=labels.get(row["status"], row["status"]),
                loans=counts["loans"],
                used_days=counts["used_days"],
                booked_days=counts["booked_days"],
                maintenance_days=counts["maintenance_days"],
                working_days=working,
                downtime_days=float(counts["downtime_days"]),
                calendar_days=period.calendar_days,
            )
        )
        if row["type_name"] not in keys:
            keys[row["type_name"]] = thai_sort_key(row["type_name"])
    units.sort(key=lambda unit: (keys[unit.type_name], unit.label))
    types: dict[str, UseRow] = {}
    total = UseRow(label=_("All machines"), type_name="", units=0)
    for row in units:
        group = types.setdefault(row.type_name, UseRow(row.type_name, row.type_name, units=0))
        group.add(row)
        total.add(row)
    return Use(period, units, list(types.values()), total, working)


# --- 2. idle units -------------------------------------------------------------------------


@dataclass
class IdleUnit:
    unit: EquipmentUnit
    last_used: date | None
    idle_days: int
    threshold: int

    @property
    def reason(self) -> str:
        if self.unit.status != UnitStatus.AVAILABLE:
            label = self.unit.get_status_display()
            return f"{label}: {self.unit.status_reason}" if self.unit.status_reason else label
        return _("No demand")


@dataclass
class Idle:
    units: list[IdleUnit]
    counts: dict[int, int]  # threshold → units idle at least that long


def idle_units(today: date | None = None) -> Idle:
    """Units with no loan in the last 30, 90 or 180 days: not in anyone's custody on
    any of those days. A unit never lent counts from the day it was recorded."""
    today = today or timezone.localdate()
    units = (
        EquipmentUnit.objects.select_related("equipment_type")
        .annotate(
            open_loans=Count("loans", filter=Q(loans__returned_at__isnull=True)),
            last_back=Max("loans__returned_at"),
        )
        .order_by()
    )
    found = []
    for unit in units:
        if unit.open_loans:
            continue
        last = timezone.localdate(unit.last_back) if unit.last_back else None
        since = last or timezone.localdate(unit.created_at)
        days = (today - since).days
        threshold = next((t for t in IDLE_THRESHOLDS if days >= t), None)
        if threshold:
            found.append(IdleUnit(unit, last, days, threshold))
    found.sort(key=lambda r: (-r.idle_days, thai_sort_key(r.unit.equipment_type.name)))
    counts = {t: sum(1 for r in found if r.idle_days >= t) for t in reversed(IDLE_THRESHOLDS)}
    return Idle(found, counts)


# --- 3. producers served -------------------------------------------------------------------


SERVED_SQL = f"""
WITH loans AS (
    SELECT b.producer_id, u.equipment_type_id AS type_id, l.checked_out_at
    FROM {T_LOAN} l
    JOIN {T_BOOKING} b ON b.id = l.booking_id
    JOIN {T_UNIT} u ON u.id = l.unit_id
    WHERE l.checked_out_at < %(pe)s
), firsts AS (
    SELECT producer_id, type_id, min(checked_out_at) AS first_loan,
           bool_or(checked_out_at >= %(ps)s) AS in_period
    FROM loans GROUP BY producer_id, type_id
), per_producer AS (
    SELECT producer_id, min(first_loan) AS first_loan, bool_or(in_period) AS in_period
    FROM firsts GROUP BY producer_id
)
SELECT t.id AS type_id, t.name AS type_name,
       count(f.producer_id) FILTER (WHERE f.in_period) AS served,
       count(f.producer_id) FILTER (WHERE f.in_period AND f.first_loan >= %(ps)s) AS new,
       count(f.producer_id) AS ever
FROM {T_TYPE} t LEFT JOIN firsts f ON f.type_id = t.id
GROUP BY t.id, t.name
UNION ALL
SELECT NULL, NULL,
       count(*) FILTER (WHERE in_period),
       count(*) FILTER (WHERE in_period AND first_loan >= %(ps)s),
       count(*)
FROM per_producer
"""


@dataclass
class ServedRow:
    label: str
    served: int
    new: int
    ever: int

    @property
    def returning(self) -> int:
        return self.served - self.new


@dataclass
class Served:
    types: list[ServedRow]
    total: ServedRow


def producers_served(period: Period) -> Served:
    """Distinct producers with a loan checked out in the period, per type and in all;
    new = their first loan ever (of that type; of any type for the total) is in the
    period. `ever`: every producer served up to the end of the period."""
    rows = _fetch(SERVED_SQL, period.params())
    total = next(row for row in rows if row["type_id"] is None)
    types = [row for row in rows if row["type_id"] is not None]
    return Served(
        types=[
            ServedRow(r["type_name"], r["served"], r["new"], r["ever"]) for r in _type_order(types)
        ],
        total=ServedRow(_("All machines"), total["served"], total["new"], total["ever"]),
    )


# --- 4. districts --------------------------------------------------------------------------


DISTRICT_SQL = f"""
WITH loans AS (
    SELECT p.district_id, count(*) AS loans, count(DISTINCT b.producer_id) AS producers
    FROM {T_LOAN} l
    JOIN {T_BOOKING} b ON b.id = l.booking_id
    JOIN {T_PRODUCER} p ON p.id = b.producer_id
    WHERE l.checked_out_at >= %(ps)s AND l.checked_out_at < %(pe)s
    GROUP BY p.district_id
), loan_days AS (
    SELECT p.district_id, count(*) AS days
    FROM ({LOAN_DAYS_SQL}) x JOIN {T_PRODUCER} p ON p.id = x.producer_id
    GROUP BY p.district_id
)
SELECT coalesce(loans.district_id, loan_days.district_id) AS district_id,
       coalesce(loans.loans, 0) AS loans, coalesce(loans.producers, 0) AS producers,
       coalesce(loan_days.days, 0) AS loan_days
FROM loans FULL JOIN loan_days ON loan_days.district_id = loans.district_id
"""


@dataclass
class DistrictRow:
    district: District | None
    loans: int
    loan_days: int
    producers: int
    registered: int
    loan_day_share: float | None = None
    served_share: float | None = None
    registered_share: float | None = None

    @property
    def ratio(self) -> float | None:
        """Share of loan-days ÷ share of registered producers: 1 is proportional."""
        if self.loan_day_share is None:
            return None
        return ratio(self.loan_day_share, self.registered_share)

    @property
    def served_ratio(self) -> float | None:
        if self.served_share is None:
            return None
        return ratio(self.served_share, self.registered_share)

    @property
    def flagged(self) -> bool:
        return self.loans == 0 and self.loan_days == 0


@dataclass
class Districts:
    rows: list[DistrictRow]
    total: DistrictRow


def districts(period: Period) -> Districts:
    """Per district of the province: loans checked out in the period, loan-days in it
    and distinct producers served, next to the district's share of the registered
    producers. Districts at zero are flagged."""
    stats = {row["district_id"]: row for row in _fetch(DISTRICT_SQL, period.params())}
    registered = dict(
        Producer.objects.current()
        .order_by()
        .values("district_id")
        .annotate(n=Count("pk"))
        .values_list("district_id", "n")
    )
    rows = []
    for district in District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by(
        "code"
    ):
        found = stats.get(district.code, {})
        rows.append(
            DistrictRow(
                district,
                loans=found.get("loans", 0),
                loan_days=found.get("loan_days", 0),
                producers=found.get("producers", 0),
                registered=registered.get(district.code, 0),
            )
        )
    total = DistrictRow(
        None,
        loans=sum(r.loans for r in rows),
        loan_days=sum(r.loan_days for r in rows),
        producers=sum(r.producers for r in rows),
        registered=sum(r.registered for r in rows),
    )
    for row in rows:
        row.loan_day_share = percent(row.loan_days, total.loan_days)
        row.served_share = percent(row.producers, total.producers)
        row.registered_share = percent(row.registered, total.registered)
    return Districts(rows, total)


# --- 5. concentration ----------------------------------------------------------------------


BORROWERS_SQL = f"""
SELECT x.producer_id, p.name, p.district_id, count(DISTINCT x.loan_id) AS loans,
       count(*) AS loan_days
FROM ({LOAN_DAYS_SQL}) x JOIN {T_PRODUCER} p ON p.id = x.producer_id
GROUP BY x.producer_id, p.name, p.district_id
"""


@dataclass
class Borrower:
    producer_id: int
    name: str
    district: District | None
    loans: int
    loan_days: int
    share: float | None = None


@dataclass
class Concentration:
    top: list[Borrower]
    top_share: float | None
    borrowers: int
    registered: int
    loan_days: int
    gini_borrowers: float
    gini_registered: float


def concentration(period: Period) -> Concentration:
    """Share of the period's loan-days taken by the top 5 borrowers, and the Gini
    coefficient of loan-days across active borrowers and across every registered
    producer (those who borrowed nothing count as zeros)."""
    rows = _fetch(BORROWERS_SQL, period.params())
    names = {d.code: d for d in District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)}
    registered = Producer.objects.current().count()
    total = sum(row["loan_days"] for row in rows)
    borrowers = [
        Borrower(
            r["producer_id"], r["name"], names.get(r["district_id"]), r["loans"], r["loan_days"]
        )
        for r in rows
    ]
    borrowers.sort(key=lambda b: (-b.loan_days, -b.loans, thai_sort_key(b.name)))
    top = borrowers[:TOP]
    for borrower in top:
        borrower.share = percent(borrower.loan_days, total)
    days = [b.loan_days for b in borrowers]
    return Concentration(
        top=top,
        top_share=percent(sum(b.loan_days for b in top), total),
        borrowers=len(borrowers),
        registered=registered,
        loan_days=total,
        gini_borrowers=gini(days),
        gini_registered=gini(days, zeros=max(registered - len(borrowers), 0)),
    )


def may_see_name(user, borrower: Borrower) -> bool:
    """Producer names of another district stay hidden from district members."""
    if user.sees_all_districts:
        return True
    return bool(
        user.is_district_member and borrower.district and borrower.district.code == user.district_id
    )


# --- 6. unmet demand -----------------------------------------------------------------------


UNMET_SQL = f"""
SELECT t.name AS type_name,
       date_trunc('month', y.wanted AT TIME ZONE %(tz)s)::date AS month,
       sum(y.rejected) AS rejected, sum(y.waitlisted) AS waitlisted, sum(y.no_show) AS no_show,
       sum(y.taken) AS taken, sum(y.over_quota) AS over_quota
FROM (
    SELECT b.unit_id, lower(b.period) AS wanted,
           (b.status = 'rejected')::int AS rejected, 0 AS waitlisted,
           (b.status = 'no_show')::int AS no_show, 0 AS taken, 0 AS over_quota
    FROM {T_BOOKING} b
    WHERE b.kind = 'loan' AND b.status IN ('rejected', 'no_show')
    UNION ALL
    SELECT w.unit_id, lower(w.period), 0, 1, 0, 0, 0
    FROM {T_WAITLIST} w WHERE w.status <> %(booked)s
    UNION ALL
    SELECT r.unit_id, lower(r.period), 0, 0, 0,
           (r.rules = 'R11')::int,
           (string_to_array(r.rules, ',') && ARRAY['R7', 'R8', 'R9'])::int
    FROM {T_REFUSAL} r
) y
JOIN {T_UNIT} u ON u.id = y.unit_id
JOIN {T_TYPE} t ON t.id = u.equipment_type_id
WHERE y.wanted >= %(ps)s AND y.wanted < %(pe)s
GROUP BY t.name, month
"""


@dataclass
class UnmetRow:
    type_name: str
    month: date | None
    rejected: int
    waitlisted: int
    no_show: int
    taken: int = 0
    over_quota: int = 0

    @property
    def total(self) -> int:
        return self.rejected + self.waitlisted + self.no_show + self.taken + self.over_quota

    @property
    def month_label(self) -> str:
        """03/2570: the month in B.E."""
        return f"{self.month.month:02d}/{self.month.year + 543}" if self.month else ""


@dataclass
class Unmet:
    rows: list[UnmetRow]
    total: UnmetRow


def unmet_demand(period: Period) -> Unmet:
    """Per type and month the machine was wanted: requests rejected, waitlist entries
    that never became a booking, bookings released as no-shows, and requests the rules
    refused because the time was taken or over a producer's quota (R7–R9)."""
    found = _fetch(UNMET_SQL, period.params(booked=WaitlistStatus.BOOKED))
    rows = [
        UnmetRow(
            r["type_name"],
            r["month"],
            r["rejected"],
            r["waitlisted"],
            r["no_show"],
            r["taken"],
            r["over_quota"],
        )
        for r in sorted(found, key=lambda r: (thai_sort_key(r["type_name"]), r["month"]))
    ]
    total = UnmetRow(
        _("All machines"),
        None,
        sum(r.rejected for r in rows),
        sum(r.waitlisted for r in rows),
        sum(r.no_show for r in rows),
        sum(r.taken for r in rows),
        sum(r.over_quota for r in rows),
    )
    return Unmet(rows, total)


# --- 7. discipline -------------------------------------------------------------------------


DISCIPLINE_SQL = f"""
WITH bookings AS (
    SELECT u.equipment_type_id AS type_id, count(*) AS committed,
           count(*) FILTER (WHERE b.status = 'no_show') AS no_shows
    FROM {T_BOOKING} b JOIN {T_UNIT} u ON u.id = b.unit_id
    WHERE b.kind = 'loan' AND b.status = ANY(%(committed)s)
      AND lower(b.period) >= %(ps)s AND lower(b.period) < %(pe)s
    GROUP BY u.equipment_type_id
), returns AS (
    SELECT u.equipment_type_id AS type_id, count(*) AS returned,
           count(*) FILTER (WHERE l.returned_at > l.due_at) AS late,
           coalesce(sum(extract(epoch FROM l.returned_at - l.due_at))
               FILTER (WHERE l.returned_at > l.due_at), 0) / 86400.0 AS days_late,
           count(*) FILTER (WHERE l.return_condition = ANY(%(damaged)s)) AS damaged
    FROM {T_LOAN} l JOIN {T_UNIT} u ON u.id = l.unit_id
    WHERE l.returned_at >= %(ps)s AND l.returned_at < %(pe)s
    GROUP BY u.equipment_type_id
)
SELECT t.name AS type_name, coalesce(b.committed, 0) AS committed,
       coalesce(b.no_shows, 0) AS no_shows, coalesce(r.returned, 0) AS returned,
       coalesce(r.late, 0) AS late, coalesce(r.days_late, 0) AS days_late,
       coalesce(r.damaged, 0) AS damaged
FROM {T_TYPE} t
LEFT JOIN bookings b ON b.type_id = t.id
LEFT JOIN returns r ON r.type_id = t.id
"""


@dataclass
class DisciplineRow:
    label: str
    committed: int = 0
    no_shows: int = 0
    returned: int = 0
    late: int = 0
    days_late: float = 0.0
    damaged: int = 0

    @property
    def no_show_rate(self) -> float | None:
        return percent(self.no_shows, self.committed)

    @property
    def late_rate(self) -> float | None:
        return percent(self.late, self.returned)

    @property
    def average_days_late(self) -> float | None:
        return ratio(self.days_late, self.late)

    @property
    def damage_per_100(self) -> float | None:
        return percent(self.damaged, self.returned)


@dataclass
class Discipline:
    types: list[DisciplineRow]
    total: DisciplineRow


def discipline(period: Period) -> Discipline:
    """No-shows among bookings that were given a slot starting in the period; late
    returns, days late and damage among loans returned in the period."""
    found = _fetch(DISCIPLINE_SQL, period.params(committed=COMMITTED, damaged=DAMAGED))
    types = [
        DisciplineRow(
            r["type_name"],
            r["committed"],
            r["no_shows"],
            r["returned"],
            r["late"],
            float(r["days_late"]),
            r["damaged"],
        )
        for r in _type_order(found)
    ]
    total = DisciplineRow(_("All machines"))
    for row in types:
        for name in ("committed", "no_shows", "returned", "late", "days_late", "damaged"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return Discipline(types, total)


# --- 8. maintenance ------------------------------------------------------------------------


@dataclass
class MaintenanceRow:
    unit: EquipmentUnit
    cost: Decimal
    loans: int
    service_due: date | None
    overdue_days: int | None  # days since the service fell due; None when not due

    @property
    def cost_per_loan(self) -> Decimal | None:
        if not self.loans:
            return None
        return (self.cost / self.loans).quantize(Decimal("0.01"))


@dataclass
class Maintenance:
    rows: list[MaintenanceRow]
    cost: Decimal
    loans: int
    overdue: list[MaintenanceRow] = field(default_factory=list)

    @property
    def cost_per_loan(self) -> Decimal | None:
        return (self.cost / self.loans).quantize(Decimal("0.01")) if self.loans else None


def _service_due(unit) -> date | None:
    """rules.service_due_on(unit) from the annotated last service, without a query."""
    months = unit.equipment_type.service_interval_months
    if not months:
        return None
    last = unit.last_service
    since = (
        timezone.localdate(last)
        if last
        else (unit.purchased_on or timezone.localdate(unit.created_at))
    )
    return add_months(since, months)


def maintenance(period: Period, today: date | None = None) -> Maintenance:
    """Per unit: the cost of the tickets opened in the period, the loans checked out in
    it and the cost per loan; and the units whose preventive service is due or overdue."""
    today = today or timezone.localdate()
    in_period = {"opened_at__gte": period.begins, "opened_at__lt": period.ends}
    cost = (
        MaintenanceTicket.objects.filter(unit=OuterRef("pk"), **in_period)
        .order_by()
        .values("unit")
        .annotate(total=Sum("cost"))
        .values("total")
    )
    loans = (
        Loan.objects.filter(
            unit=OuterRef("pk"),
            checked_out_at__gte=period.begins,
            checked_out_at__lt=period.ends,
        )
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_service = (
        MaintenanceTicket.objects.filter(
            unit=OuterRef("pk"), kind=TicketKind.SERVICE, status=TicketStatus.RESOLVED
        )
        .order_by("-closed_at")
        .values("closed_at")[:1]
    )
    units = EquipmentUnit.objects.select_related("equipment_type").annotate(
        ticket_cost=Coalesce(Subquery(cost), Decimal("0.00")),
        loan_count=Coalesce(Subquery(loans, output_field=IntegerField()), 0),
        last_service=Subquery(last_service),
    )
    rows = []
    for unit in units:
        due = _service_due(unit)
        overdue = (today - due).days if due is not None and due <= today else None
        rows.append(MaintenanceRow(unit, unit.ticket_cost, unit.loan_count, due, overdue))
    rows.sort(key=lambda r: (thai_sort_key(r.unit.equipment_type.name), r.unit.asset_number))
    overdue = sorted(
        (r for r in rows if r.overdue_days is not None and r.unit.status != UnitStatus.RETIRED),
        key=lambda r: r.service_due,
    )
    return Maintenance(
        rows=rows,
        cost=sum((r.cost for r in rows), Decimal("0.00")),
        loans=sum(r.loans for r in rows),
        overdue=overdue,
    )
