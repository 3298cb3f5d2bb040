"""Reads of the custody and care pages: today's hand-overs, overdue loans, tickets,
stocktakes and services due, suspensions. Each list takes the same number of queries
whatever its length; what follows from time (overdue, due soon) is derived here."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from equipment.models import (
    Booking,
    BookingKind,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    Loan,
    MaintenanceTicket,
    Stocktake,
    Suspension,
    TermsAcceptance,
    TicketKind,
    TicketStatus,
    UnitStatus,
)
from equipment.services.rules import service_due_after
from equipment.services_care_extra import day_bounds
from equipment.workdays import local_day

OVERDUE, SOON, OK = "overdue", "soon", "ok"
HOME_LIMIT = 10


add_months = service_due_after  # the date arithmetic rules.service_due_on uses


# --- Loans and bookings -----------------------------------------------------------------------


def _loans(user):
    return Loan.objects.for_user(user).select_related(
        "unit__equipment_type", "booking__producer__district", "booking__requested_by"
    )


def overdue_loans(user, now=None) -> list[Loan]:
    """Open loans past their due time, the longest overdue first, each with
    `days_overdue` (0: due earlier today)."""
    now = now or timezone.now()
    return _with_days_overdue(_overdue(_loans(user), now), now)


def _overdue(loans, now):
    return loans.open().filter(due_at__lt=now)


def _with_days_overdue(loans, now) -> list[Loan]:
    today = timezone.localdate(now)
    loans = list(loans.order_by("due_at", "pk"))
    for loan in loans:
        loan.days_overdue = (today - local_day(loan.due_at)).days
    return loans


def pickups_today(user, now=None):
    """Approved bookings to hand over today (or since earlier, not yet released)."""
    now = now or timezone.now()
    _start, tomorrow = day_bounds(timezone.localdate(now))
    return (
        Booking.objects.for_user(user)
        .filter(
            kind=BookingKind.LOAN,
            status=BookingStatus.APPROVED,
            period__startswith__lt=tomorrow,
            period__endswith__gt=now,
        )
        .select_related("unit__equipment_type", "producer__district", "requested_by")
        .order_by("period", "pk")
    )


def returns_today(user, now=None):
    """Open loans due back today."""
    now = now or timezone.now()
    start, tomorrow = day_bounds(timezone.localdate(now))
    return _loans(user).open().filter(due_at__gte=start, due_at__lt=tomorrow).order_by("due_at")


def flagged_bookings(user, now=None):
    """Upcoming bookings of units taken out of lending: their producers must be told."""
    now = now or timezone.now()
    return (
        Booking.objects.for_user(user)
        .filter(
            kind=BookingKind.LOAN,
            status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED],
            flagged_at__isnull=False,
            period__endswith__gt=now,
        )
        .select_related("unit__equipment_type", "producer__district")
        .order_by("period", "pk")
    )


# --- Tickets ----------------------------------------------------------------------------------


def tickets(*, unit: EquipmentUnit | None = None, status: str = ""):
    """Maintenance tickets, the open ones first, then the newest."""
    found = MaintenanceTicket.objects.select_related(
        "unit__equipment_type", "opened_by", "closed_by", "loan__booking__producer"
    ).annotate(
        closed=Case(
            When(status=TicketStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if unit is not None:
        found = found.filter(unit=unit)
    if status in TicketStatus.values:
        found = found.filter(status=status)
    return found.order_by("closed", "-opened_at", "-pk")


# --- Stocktakes (R23) and preventive service (R22) -------------------------------------------


@dataclass(frozen=True)
class DueRow:
    unit: EquipmentUnit
    last: date | None
    due: date
    state: str  # OVERDUE, SOON or OK

    @property
    def days_left(self) -> int:
        return (self.due - timezone.localdate()).days


def _state(due: date, today: date, warning_days: int) -> str:
    if due < today:
        return OVERDUE
    if due <= today + timedelta(days=warning_days):
        return SOON
    return OK


def _since(unit: EquipmentUnit, last: date | None) -> date:
    return last or unit.purchased_on or local_day(unit.created_at)


def _units():
    return (
        EquipmentUnit.objects.exclude(status=UnitStatus.RETIRED)
        .select_related("equipment_type")
        .order_by("equipment_type__name", "asset_number")
    )


def stocktakes_due(today: date | None = None) -> list[DueRow]:
    """Every unit in service with its last stocktake and the date the next is due:
    the interval after the last one (or after purchase when never counted)."""
    today = today or timezone.localdate()
    settings = LendingSettings.current()
    last = Stocktake.objects.filter(unit=OuterRef("pk")).order_by("-on", "-pk")
    rows = []
    for unit in _units().annotate(
        last_on=Subquery(last.values("on")[:1]), last_found=Subquery(last.values("found")[:1])
    ):
        due = add_months(_since(unit, unit.last_on), settings.stocktake_months)
        rows.append(
            DueRow(unit, unit.last_on, due, _state(due, today, settings.stocktake_warning_days))
        )
    return sorted(rows, key=lambda row: (row.due, row.unit.asset_number))


def services_due(today: date | None = None) -> list[DueRow]:
    """Units of types with a preventive service plan, with the last resolved service and
    the date the next is due (as rules.service_due_on dates it)."""
    today = today or timezone.localdate()
    settings = LendingSettings.current()
    last = MaintenanceTicket.objects.filter(
        unit=OuterRef("pk"), kind=TicketKind.SERVICE, status=TicketStatus.RESOLVED
    ).order_by("-closed_at")
    units = _units().filter(equipment_type__service_interval_months__isnull=False)
    rows = []
    for unit in units.annotate(last_service=Subquery(last.values("closed_at")[:1])):
        last_day = local_day(unit.last_service) if unit.last_service else None
        due = add_months(_since(unit, last_day), unit.equipment_type.service_interval_months)
        rows.append(
            DueRow(unit, last_day, due, _state(due, today, settings.stocktake_warning_days))
        )
    return sorted(rows, key=lambda row: (row.due, row.unit.asset_number))


# Table names from the models; every value is a query parameter.
_STOCKTAKE, _TICKET = Stocktake._meta.db_table, MaintenanceTicket._meta.db_table
_UNIT, _TYPE = EquipmentUnit._meta.db_table, EquipmentType._meta.db_table
_DUE_COUNTS = f"""
WITH units AS MATERIALIZED (
    SELECT t.service_interval_months AS service_months,
        coalesce(
            counted.last_on, u.purchased_on, (u.created_at AT TIME ZONE %(tz)s)::date
        ) AS stocktake_since,
        coalesce(
            (serviced.last_at AT TIME ZONE %(tz)s)::date,
            u.purchased_on, (u.created_at AT TIME ZONE %(tz)s)::date
        ) AS service_since
    FROM {_UNIT} u
    JOIN {_TYPE} t ON t.id = u.equipment_type_id
    LEFT JOIN (
        SELECT unit_id, max("on") AS last_on FROM {_STOCKTAKE} GROUP BY unit_id
    ) counted ON counted.unit_id = u.id
    LEFT JOIN (
        SELECT unit_id, max(closed_at) AS last_at FROM {_TICKET}
        WHERE kind = %(service)s AND status = %(resolved)s GROUP BY unit_id
    ) serviced ON serviced.unit_id = u.id
    WHERE u.status <> %(retired)s
), due AS (
    SELECT service_months IS NOT NULL AS serviced,
        (date_trunc('month', stocktake_since::timestamp)
            + make_interval(months => %(stocktake_months)s))::date
            + (least(extract(day FROM stocktake_since)::int, 28) - 1) AS stocktake_due,
        (date_trunc('month', service_since::timestamp)
            + make_interval(months => coalesce(service_months, 0)))::date
            + (least(extract(day FROM service_since)::int, 28) - 1) AS service_due
    FROM units
)
SELECT count(*) FILTER (WHERE stocktake_due <= %(horizon)s),
       count(*) FILTER (WHERE serviced AND service_due <= %(horizon)s)
FROM due
"""  # noqa: S608


def due_counts(today: date | None = None) -> tuple[int, int]:
    """How many units are due (or overdue) for a stocktake and for a preventive service:
    the rows of stocktakes_due() and services_due() not OK, counted by the database
    with the same date arithmetic (service_due_after), for the home page, which shows
    only the numbers (2,000 units: one query instead of two lists built in Python).

    Each unit's last stocktake and last service are grouped once and joined, and the
    units materialised, so that nothing is looked up per unit (a resolved ticket always
    has closed_at, so max() is the latest): 11 ms to 4 ms at 2,000 units."""
    today = today or timezone.localdate()
    settings = LendingSettings.current()
    with connection.cursor() as cursor:
        cursor.execute(
            _DUE_COUNTS,
            {
                "tz": timezone.get_current_timezone_name(),
                "service": TicketKind.SERVICE,
                "resolved": TicketStatus.RESOLVED,
                "retired": UnitStatus.RETIRED,
                "stocktake_months": settings.stocktake_months,
                "horizon": today + timedelta(days=settings.stocktake_warning_days),
            },
        )
        stocktakes, services = cursor.fetchone()
    return stocktakes, services


# --- Suspensions (R19) ------------------------------------------------------------------------


def suspensions(user, today: date | None = None) -> tuple[list, list]:
    """(in force, past or lifted or not yet started) suspensions the user may see."""
    today = today or timezone.localdate()
    found = Suspension.objects.for_user(user).select_related(
        "producer__district", "created_by", "lifted_by"
    )
    in_force = Q(starts_on__lte=today, ends_on__gte=today, lifted_at__isnull=True)
    return (
        list(found.filter(in_force).order_by("ends_on", "pk")),
        list(found.exclude(in_force).order_by("-starts_on", "-pk")[:200]),
    )


# --- Terms of use (R1) ------------------------------------------------------------------------


def terms_to_accept(producer) -> tuple[list[int], list]:
    """(the ids of current terms the producer has not accepted, the current terms of
    every type that has some)."""
    types = EquipmentType.objects.order_by("name")
    current = [terms for terms in (t.current_terms() for t in types) if terms is not None]
    accepted = set(
        TermsAcceptance.objects.filter(producer=producer, terms__in=current).values_list(
            "terms_id", flat=True
        )
    )
    return [terms.pk for terms in current if terms.pk not in accepted], current


# --- One unit ---------------------------------------------------------------------------------


def unit_history(unit: EquipmentUnit) -> dict:
    """What happened to one unit: tickets, loans with their photos, stocktakes and
    the blocks of its calendar."""
    loans = (
        Loan.objects.filter(unit=unit)
        .select_related("booking__producer", "checked_out_by", "returned_by")
        .prefetch_related("photos")
        .order_by("-checked_out_at")[:50]
    )
    blocks = (
        Booking.objects.filter(unit=unit)
        .exclude(kind=BookingKind.LOAN)
        .filter(status=BookingStatus.APPROVED)
        .order_by("-period")[:20]
    )
    return {
        "tickets": tickets(unit=unit),
        "loans": loans,
        "stocktakes": unit.stocktakes.select_related("by")[:20],
        "blocks": blocks,
        "unit_photos": unit.photos.filter(loan__isnull=True)[:20],
    }


# --- The desk and the home section ------------------------------------------------------------


def home_desk(user, now=None) -> dict:
    """The desk as the home page shows it: the day's hand-overs, returns and overdue
    loans, and how many flagged bookings, open tickets, and stocktakes and services
    due there are (numbers, not the lists the desk page shows)."""
    now = now or timezone.now()
    stocktake_count, service_count = due_counts(timezone.localdate(now))
    # Only what the section shows: the unit and its type, the producer's name (fewer
    # joins to plan: each list 1.3 ms of planning with every relation the desk shows).
    shown = ("unit__equipment_type", "booking__producer")
    loans = Loan.objects.for_user(user).select_related(*shown)
    return {
        "pickups": list(
            pickups_today(user, now)
            .select_related(None)
            .select_related("unit__equipment_type", "producer")
        ),
        "returns": list(returns_today(user, now).select_related(None).select_related(*shown)),
        "overdue": _with_days_overdue(_overdue(loans, now), now),
        "flagged_count": flagged_bookings(user, now).count(),
        "open_ticket_count": MaintenanceTicket.objects.filter(status=TicketStatus.OPEN).count(),
        "stocktake_count": stocktake_count,
        "service_count": service_count,
    }


def _day(user, now) -> dict:
    return {
        "pickups": list(pickups_today(user, now)),
        "returns": list(returns_today(user, now)),
        "overdue": overdue_loans(user, now),
        "flagged": list(flagged_bookings(user, now)),
        "open_tickets": list(tickets(status=TicketStatus.OPEN)[:HOME_LIMIT]),
        "open_ticket_count": MaintenanceTicket.objects.filter(status=TicketStatus.OPEN).count(),
    }


def desk(user, now=None) -> dict:
    """What staff handle today: hand-overs, returns, overdue loans, flagged bookings,
    open tickets and stocktakes or services due."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        **_day(user, now),
        "stocktakes": [row for row in stocktakes_due(today) if row.state != OK],
        "services": [row for row in services_due(today) if row.state != OK],
    }
