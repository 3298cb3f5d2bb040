"""Care writes the main services do not cover: a suspension set by hand, Thailand's
public holidays, reminders (R17) and the scheduled release of no-shows (R18, R21)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from equipment.models import (
    Booking,
    BookingKind,
    BookingStatus,
    ClosureKind,
    Loan,
    NonWorkingDay,
    Reminder,
    Suspension,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.services import release_no_shows, waitlist_offer_next
from equipment.workdays import at
from members.models import Producer, User
from otop_portal.lib.thaidate import format_thai_datetime

# --- Suspensions set by hand (R19) ------------------------------------------------------------


@transaction.atomic
def suspension_set(
    *, producer: Producer, starts_on: date, ends_on: date, reason: str, by: User
) -> Suspension:
    """Provincial staff suspend a producer from booking for a time, with a reason."""
    if not by.is_provincial_staff:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the producer is suspended.")})
    suspension = Suspension(
        producer=producer,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        created_by=by,
    )
    suspension.full_clean()
    suspension.save()
    return suspension


# --- Public holidays (R12) --------------------------------------------------------------------


@dataclass(frozen=True)
class HolidaysLoaded:
    added: int
    kept: int


def thai_holidays(years: list[int]) -> dict[date, str]:
    """Thailand's public holidays of `years`, named in Thai when the package can."""
    supported = getattr(holidays.country_holidays("TH"), "supported_languages", ())
    language = "th" if "th" in supported else None
    return dict(holidays.country_holidays("TH", years=years, language=language).items())


@transaction.atomic
def holidays_load(*, years: list[int]) -> HolidaysLoaded:
    """Add the public holidays of `years` that have no row yet. A date staff already
    have (a holiday they renamed, an office closure) is left as it is."""
    found = thai_holidays(years)
    existing = set(NonWorkingDay.objects.filter(on__in=found).values_list("on", flat=True))
    new = [
        NonWorkingDay(on=day, name=name[:200], kind=ClosureKind.PUBLIC_HOLIDAY)
        for day, name in sorted(found.items())
        if day not in existing
    ]
    NonWorkingDay.objects.bulk_create(new, ignore_conflicts=True)
    return HolidaysLoaded(added=len(new), kept=len(existing))


# --- Reminders (R17) --------------------------------------------------------------------------

PICKUP, DUE = "pickup", "due"


def overdue_kind(day: date) -> str:
    return f"overdue-{day.isoformat()}"


def flagged_kind(booking: Booking) -> str:
    """One notice per flagging: a unit flagged again later is told again."""
    return f"flagged-{booking.flagged_at:%Y%m%d%H%M%S}"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of `day` and of the next day, in Bangkok time."""
    return at(day, time.min), at(day + timedelta(days=1), time.min)


def reminders_due(now=None) -> list[tuple[Booking, str]]:
    """The reminders to send now: a day before a pickup, a day before a loan is due,
    one each day a loan is overdue, and one when an upcoming booking is flagged because
    its unit left lending (R15); those already sent are left out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = day_bounds(today + timedelta(days=1))
    pickups = Booking.objects.filter(
        kind=BookingKind.LOAN,
        status=BookingStatus.APPROVED,
        period__startswith__gte=start,
        period__startswith__lt=end,
    ).select_related("unit__equipment_type", "producer", "requested_by")
    open_loans = Loan.objects.open().select_related(
        "booking__unit__equipment_type", "booking__producer", "booking__requested_by"
    )
    due = open_loans.filter(due_at__gte=start, due_at__lt=end)
    overdue = open_loans.filter(due_at__lt=now)
    flagged = Booking.objects.filter(
        kind=BookingKind.LOAN,
        status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED],
        flagged_at__isnull=False,
        period__endswith__gt=now,
    ).select_related("unit__equipment_type", "producer", "requested_by")
    wanted = [(booking, flagged_kind(booking)) for booking in flagged]
    wanted += [(booking, PICKUP) for booking in pickups]
    wanted += [(loan.booking, DUE) for loan in due]
    wanted += [(loan.booking, overdue_kind(today)) for loan in overdue]
    sent = set(
        Reminder.objects.filter(booking__in=[b for b, _kind in wanted]).values_list(
            "booking_id", "kind"
        )
    )
    return [(booking, kind) for booking, kind in wanted if (booking.pk, kind) not in sent]


def _message(booking: Booking, kind: str) -> tuple[str, str]:
    unit = booking.unit
    words = {
        "unit": str(unit),
        "producer": booking.producer.name if booking.producer else "",
        "start": format_thai_datetime(booking.period.lower),
        "due": format_thai_datetime(booking.period.upper),
        "place": unit.location,
    }
    words["reason"] = booking.flag_reason
    if kind.startswith("flagged"):
        subject = _("Your booking of %(unit)s is affected") % words
        body = _(
            "%(unit)s, booked for %(producer)s from %(start)s, has been taken out of "
            "lending: %(reason)s. Please contact the office to change or cancel the "
            "booking."
        )
    elif kind == PICKUP:
        subject = _("Reminder: pick up %(unit)s tomorrow") % words
        body = _(
            "%(producer)s has booked %(unit)s from %(start)s. Please pick it up at "
            "%(place)s; staff check it out with you."
        )
    elif kind == DUE:
        subject = _("Reminder: return %(unit)s tomorrow") % words
        body = _(
            "%(producer)s has %(unit)s until %(due)s. Please bring it back clean to "
            "%(place)s on time: the next borrower is waiting for it."
        )
    else:
        subject = _("Overdue: %(unit)s was due back on %(due)s") % words
        body = _(
            "%(unit)s borrowed by %(producer)s was due back on %(due)s. Please return it "
            "to %(place)s today. While it is overdue the producer cannot book, and a "
            "return several days late leads to a suspension."
        )
    return subject, body % words


def reminder_send(*, booking: Booking, kind: str, now=None) -> Reminder | None:
    """Send one reminder, once: the Reminder row (unique per booking and kind) is written
    in the same transaction as the email goes out, so a failure is tried again."""
    email = booking.requested_by.email if booking.requested_by_id else ""
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            booking=booking,
            kind=kind,
            defaults={"sent_at": now or timezone.now(), "emailed_to": email},
        )
        if not created:
            return None
        if email:
            with translation.override("th"):
                subject, body = _message(booking, kind)
            send_mail(subject, body, None, [email])
    return reminder


def reminders_send(now=None) -> int:
    now = now or timezone.now()
    return sum(
        1
        for booking, kind in reminders_due(now)
        if reminder_send(booking=booking, kind=kind, now=now)
    )


# --- No-shows and waitlist offers (R18, R21) --------------------------------------------------


@dataclass(frozen=True)
class Released:
    released: int
    offered: int


@transaction.atomic
def no_shows_release(now=None) -> Released:
    """Release every booking not picked up in time, and offer freed times (and lapse
    offers not taken up) on every unit with a waitlist."""
    now = now or timezone.now()
    released = release_no_shows(now=now)
    units = {
        entry.unit
        for entry in WaitlistEntry.objects.filter(
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        ).select_related("unit")
    }
    before = set(
        WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED).values_list("pk", flat=True)
    )
    for unit in sorted(units, key=lambda unit: unit.pk):
        waitlist_offer_next(unit=unit, now=now)
    after = set(
        WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED).values_list("pk", flat=True)
    )
    return Released(released=len(released), offered=len(after - before))
