"""The lending rules (research/equipment.md §2, R1–R24), checked for one request.

Each rule that refuses says which it is ("R3 …") in words a district member can act
on. Staff may bypass R2–R10 with a written reason (R24); nobody bypasses eligibility,
the overlap, the turnaround or non-working days.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from equipment.models import (
    ACTIVE,
    Booking,
    BookingKind,
    BookingStatus,
    EquipmentUnit,
    LendingSettings,
    Loan,
    Suspension,
    TermsAcceptance,
    TicketKind,
    TicketStatus,
    TrainingSignoff,
    UnitStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.workdays import Calendar, Slot, local_day
from members.models import MembershipStatus, NetworkMembership, Producer, User
from otop_portal.lib.thaidate import format_numeric_date as be

OVERRIDABLE = {f"R{n}" for n in range(2, 11)}
COUNTED = [*ACTIVE, BookingStatus.RETURNED]  # bookings that use a producer's quota


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    @property
    def overridable(self) -> bool:
        return self.rule in OVERRIDABLE

    def __str__(self) -> str:
        return self.message


@dataclass
class Request:
    """What is asked: a unit for a producer over a slot, by a user, possibly replacing
    (changing) an existing booking."""

    producer: Producer
    unit: EquipmentUnit
    slot: Slot
    by: User
    replacing: Booking | None = None
    now: datetime = field(default_factory=timezone.now)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def type(self):
        return self.unit.equipment_type


def booking_days(booking: Booking) -> set[date]:
    """The calendar days a booking touches."""
    first = local_day(booking.period.lower)
    last = local_day(booking.period.upper - timedelta(microseconds=1))
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def counted_bookings(producer: Producer, *, exclude: Booking | None = None):
    bookings = Booking.objects.filter(producer=producer, kind=BookingKind.LOAN, status__in=COUNTED)
    if exclude is not None and exclude.pk:
        bookings = bookings.exclude(pk=exclude.pk)
    return bookings


def _unit_words(request: Request) -> dict:
    hourly = request.type.is_hourly
    return {"type": request.type.name, "unit": _("hours") if hourly else _("days")}


# --- R1 eligibility, R19 suspensions and overdue loans, R22 service, unit status ------------


def eligibility(request: Request, calendar: Calendar) -> list[Violation]:
    found = []
    producer, equipment_type = request.producer, request.type
    if producer.merged_into_id:
        found.append(Violation("R1", _("R1 eligibility: this producer record was merged.")))
    membership = NetworkMembership.objects.with_status().filter(producer=producer).first()
    status = membership.status_today if membership else None
    if status not in (MembershipStatus.ACTIVE, MembershipStatus.GRACE):
        found.append(
            Violation(
                "R1",
                _(
                    "R1 eligibility: the producer must be an active member of the network "
                    "(renew the membership first)."
                ),
            )
        )
    if not producer.products.filter(is_active=True).exists():
        found.append(
            Violation(
                "R1",
                _("R1 eligibility: register at least one product of the producer first."),
            )
        )
    terms = equipment_type.current_terms()
    if terms and not TermsAcceptance.objects.filter(producer=producer, terms=terms).exists():
        found.append(
            Violation(
                "R1",
                _(
                    "R1 eligibility: the producer has not accepted the terms of use of "
                    "%(type)s (version %(version)s)."
                )
                % {"type": equipment_type.name, "version": terms.version},
            )
        )
    if (
        equipment_type.requires_training
        and not TrainingSignoff.objects.filter(
            producer=producer, equipment_type=equipment_type
        ).exists()
    ):
        found.append(
            Violation(
                "R1",
                _("R1 eligibility: %(type)s needs a training sign-off for this producer first.")
                % {"type": equipment_type.name},
            )
        )
    return found


def discipline(request: Request, calendar: Calendar) -> list[Violation]:
    found = []
    suspension = Suspension.objects.in_force(request.today).filter(producer=request.producer)
    suspension = suspension.order_by("-ends_on").first()
    if suspension:
        found.append(
            Violation(
                "R19",
                _("R19 suspension: the producer may not book until %(date)s (%(reason)s).")
                % {
                    "date": be(suspension.ends_on),
                    "reason": suspension.reason,
                },
            )
        )
    overdue = Loan.objects.open().filter(booking__producer=request.producer, due_at__lt=request.now)
    if overdue.exists():
        found.append(
            Violation(
                "R19",
                _("R19 overdue loan: the producer must return the machine they have first."),
            )
        )
    return found


def unit_state(request: Request, calendar: Calendar) -> list[Violation]:
    unit = request.unit
    if unit.status != UnitStatus.AVAILABLE:
        return [
            Violation(
                "R15",
                _("This unit is not lent at the moment: %(status)s (%(reason)s).")
                % {"status": unit.get_status_display(), "reason": unit.status_reason},
            )
        ]
    due = service_due_on(unit)
    if due is not None and due <= request.slot.last_day:
        return [
            Violation(
                "R22",
                _(
                    "R22 preventive maintenance: the unit's service is due on %(date)s and "
                    "it is not lent past that until serviced."
                )
                % {"date": be(due)},
            )
        ]
    return []


def service_due_on(unit: EquipmentUnit) -> date | None:
    months = unit.equipment_type.service_interval_months
    if not months:
        return None
    last = (
        unit.tickets.filter(kind=TicketKind.SERVICE, status=TicketStatus.RESOLVED)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    since = local_day(last) if last else (unit.purchased_on or local_day(unit.created_at))
    return service_due_after(since, months)


def service_due_after(since: date, months: int) -> date:
    """The date `months` after `since` (the 28th at most, so every month has it)."""
    month = since.month - 1 + months
    return date(since.year + month // 12, month % 12 + 1, min(since.day, 28))


# --- R2–R5, R12: the times asked for ----------------------------------------------------------


def times(request: Request, calendar: Calendar) -> list[Violation]:
    found = []
    slot, equipment_type, words = request.slot, request.type, _unit_words(request)
    length = (
        int((slot.period.upper - slot.period.lower).total_seconds() // 3600)
        if equipment_type.is_hourly
        else slot.booked_days
    )
    if length < equipment_type.min_duration:
        found.append(
            Violation(
                "R2",
                _("R2 shortest booking: %(type)s is booked for at least %(n)s %(unit)s.")
                % {**words, "n": equipment_type.min_duration},
            )
        )
    if length > equipment_type.max_duration:
        found.append(
            Violation(
                "R3",
                _("R3 longest booking: %(type)s is booked for at most %(n)s %(unit)s at a time.")
                % {**words, "n": equipment_type.max_duration},
            )
        )
    earliest = calendar.add_working_days(request.today, equipment_type.notice_working_days)
    if request.replacing is None and slot.first_day < earliest:
        found.append(
            Violation(
                "R4",
                _("R4 notice: book %(n)s working days ahead; the earliest start is %(date)s.")
                % {
                    "n": equipment_type.notice_working_days,
                    "date": be(earliest),
                },
            )
        )
    if request.replacing is not None:
        found += change_notice(request.replacing, request.today, slot.first_day)
    latest = request.today + timedelta(days=equipment_type.max_advance_days)
    if slot.first_day > latest:
        found.append(
            Violation(
                "R5",
                _("R5 booking window: book at most %(n)s days ahead.")
                % {"n": equipment_type.max_advance_days},
            )
        )
    for day, what in ((slot.first_day, _("pickup")), (slot.last_day, _("return"))):
        if not calendar.is_working_day(day):
            found.append(
                Violation(
                    "R12",
                    _("R12 non-working day: no %(what)s on %(date)s (%(why)s).")
                    % {
                        "what": what,
                        "date": be(day),
                        "why": calendar.why_closed(day) or _("weekend"),
                    },
                )
            )
    # A start in the past breaks the notice above (for a new booking and for a change).
    return found


def change_notice(booking: Booking, today: date, new_first_day: date | None) -> list[Violation]:
    """R4 for changing a booking: at least the type's change notice before it starts (and
    before the new start)."""
    days = booking.unit.equipment_type.change_notice_days
    first = min(local_day(booking.period.lower), new_first_day or date.max)
    if (first - today).days < days:
        return [
            Violation(
                "R4",
                _("R4 notice: a booking is changed at least %(n)s days before it starts.")
                % {"n": days},
            )
        ]
    return []


def cancel_notice(booking: Booking, today: date) -> list[Violation]:
    days = booking.unit.equipment_type.free_cancel_days
    if (local_day(booking.period.lower) - today).days < days:
        return [
            Violation(
                "R4",
                _(
                    "R4 notice: a booking is cancelled at least %(n)s day(s) before it starts; "
                    "ask provincial staff."
                )
                % {"n": days},
            )
        ]
    return []


# --- R7–R9: quotas, per producer --------------------------------------------------------------


def quotas(request: Request, calendar: Calendar) -> list[Violation]:
    found = []
    settings = LendingSettings.current()
    producer, equipment_type, slot = request.producer, request.type, request.slot
    counted = counted_bookings(producer, exclude=request.replacing)
    active = counted.filter(status__in=ACTIVE, period__endswith__gt=request.now)
    same_type = active.filter(unit__equipment_type=equipment_type).count()
    if same_type >= equipment_type.max_active_per_producer:
        found.append(
            Violation(
                "R7",
                _("R7 one at a time: the producer already has %(n)s active booking(s) of %(type)s.")
                % {"n": same_type, "type": equipment_type.name},
            )
        )
    total = active.count()
    if total >= settings.max_active_total:
        found.append(
            Violation(
                "R7",
                _("R7 active bookings: the producer already has %(n)s (at most %(max)s).")
                % {"n": total, "max": settings.max_active_total},
            )
        )
    window = settings.rolling_window_days
    nearby = counted.filter(
        period__overlap=(
            slot.period.lower - timedelta(days=window),
            slot.period.upper + timedelta(days=window),
        )
    )
    days: set[date] = set()
    for booking in nearby:
        days |= booking_days(booking)
    new_days = {slot.first_day + timedelta(days=n) for n in range(slot.booked_days)}
    worst = 0
    for offset in range(-window + 1, slot.booked_days):
        start = slot.first_day + timedelta(days=offset)
        span = {start + timedelta(days=n) for n in range(window)}
        worst = max(worst, len((days | new_days) & span))
    if worst > settings.rolling_cap_days:
        found.append(
            Violation(
                "R8",
                _(
                    "R8 fair share: at most %(cap)s booked days in any %(window)s days; with "
                    "this booking the producer would have %(n)s."
                )
                % {"cap": settings.rolling_cap_days, "window": window, "n": worst},
            )
        )
    gap = timedelta(days=equipment_type.chain_gap_days)
    if gap:
        chained = counted.filter(unit__equipment_type=equipment_type).filter(
            period__overlap=(slot.period.lower - gap, slot.period.upper + gap)
        )
        if chained.exists() and _others_want(request):
            found.append(
                Violation(
                    "R9",
                    _(
                        "R9 no chain-booking: leave %(n)s days between the producer's bookings "
                        "of %(type)s while others are waiting for it."
                    )
                    % {"n": equipment_type.chain_gap_days, "type": equipment_type.name},
                )
            )
    return found


def _others_want(request: Request) -> bool:
    """Whether another producer asked for this type around this time (R9 applies then)."""
    span = (request.slot.period.lower, request.slot.period.upper)
    other_bookings = (
        Booking.objects.filter(
            unit__equipment_type=request.type,
            kind=BookingKind.LOAN,
            status__in=ACTIVE,
            period__overlap=span,
        )
        .exclude(producer=request.producer)
        .exists()
    )
    return (
        other_bookings
        or WaitlistEntry.objects.filter(
            unit__equipment_type=request.type,
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
            period__overlap=span,
        )
        .exclude(producer=request.producer)
        .exists()
    )


CHECKS = [eligibility, discipline, unit_state, times, quotas]


def check(request: Request) -> list[Violation]:
    calendar = Calendar.around(request.today)
    found = []
    for rule in CHECKS:
        found += rule(request, calendar)
    return found


def needs_approval(request: Request) -> str:
    """Why the request waits for an approver (R10), or "" when it may be approved at once."""
    settings = LendingSettings.current()
    equipment_type = request.type
    if equipment_type.is_scarce:
        return _("R10 approval: %(type)s is a scarce machine.") % {"type": equipment_type.name}
    if equipment_type.requires_training:
        return _("R10 approval: %(type)s needs training.") % {"type": equipment_type.name}
    if not equipment_type.is_hourly and request.slot.booked_days > settings.approval_over_days:
        return _("R10 approval: bookings longer than %(n)s days.") % {
            "n": settings.approval_over_days
        }
    if settings.approval_first_booking and not (
        Booking.objects.filter(
            producer=request.producer,
            status__in=[BookingStatus.CHECKED_OUT, BookingStatus.RETURNED],
        ).exists()
    ):
        return _("R10 approval: the producer's first booking.")
    return ""


def competing(booking: Booking):
    """Other requests waiting for the same unit at an overlapping time (R11)."""
    return Booking.objects.filter(
        Q(unit=booking.unit),
        Q(status=BookingStatus.REQUESTED),
        Q(blocked_period__overlap=booking.blocked_period),
    ).exclude(pk=booking.pk)
