"""Booking a unit, deciding on requests, changing and cancelling, no-shows and the
waitlist. Every function runs in one transaction; quotas are checked with the
producer's row locked, and the overlap is the database's to refuse (23P01)."""

from datetime import date, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext as _

from equipment.models import (
    OVERLAP_SQLSTATE,
    Booking,
    BookingKind,
    BookingRefusal,
    BookingStatus,
    EquipmentUnit,
    LendingSettings,
    RuleOverride,
    Suspension,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.services import rules
from equipment.services.rules import Request, Violation
from equipment.workdays import Calendar, Slot, day_slot, hour_slot, local_day, no_show_deadline
from members.models import Function, Producer, User


class BookingRefused(ValidationError):
    """The request breaks rules; `violations` names each one."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__([violation.message for violation in violations])


class SlotTaken(BookingRefused):
    def __init__(self):
        super().__init__(
            [
                Violation(
                    "R11",
                    _(
                        "This unit is already booked for part of that time: choose another "
                        "time or unit, or join the waitlist."
                    ),
                )
            ]
        )


def sqlstate(error: IntegrityError) -> str | None:
    cause = error.__cause__
    return getattr(cause, "pgcode", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)


def _save(booking: Booking, **kwargs) -> Booking:
    """Save, turning the exclusion constraint's refusal into SlotTaken."""
    try:
        with transaction.atomic():
            booking.save(**kwargs)
    except IntegrityError as error:
        if sqlstate(error) == OVERLAP_SQLSTATE:
            raise SlotTaken from error
        raise
    return booking


def may_approve(user: User) -> bool:
    return user.is_provincial_staff or user.has_function(Function.EQUIPMENT_APPROVER)


def may_decide(user: User, booking: Booking) -> bool:
    """Whether `user` decides on this request. The role sets the reach (DOMAIN.md §2):
    an approver who is a district member decides only when the request and every
    request competing with it come from their own district; the others are decided by
    approvers who see every district."""
    if not may_approve(user):
        return False
    if user.sees_all_districts:
        return True
    districts = {booking.producer.district_id}
    districts |= set(rules.competing(booking).values_list("producer__district", flat=True))
    return districts == {user.district_id}


# --- Slots ------------------------------------------------------------------------------------


def slot_for(
    unit: EquipmentUnit,
    *,
    first_day: date,
    last_day: date | None = None,
    starts: time | None = None,
    ends: time | None = None,
) -> Slot:
    """The stored ranges for a request: whole days from `first_day` to `last_day`, or an
    on-site slot on `first_day` from `starts` to `ends`."""
    equipment_type = unit.equipment_type
    if equipment_type.is_hourly:
        if starts is None or ends is None or ends <= starts:
            raise BookingRefused([Violation("R2", _("Give a start and an end time."))])
        settings = LendingSettings.current()
        if starts < settings.office_opens or ends > settings.office_closes:
            raise BookingRefused(
                [
                    Violation(
                        "R12",
                        _("On-site slots are within office hours, %(opens)s–%(closes)s.")
                        % {
                            "opens": settings.office_opens.strftime("%H:%M"),
                            "closes": settings.office_closes.strftime("%H:%M"),
                        },
                    )
                ]
            )
        return hour_slot(first_day, starts, ends, turnaround_minutes=equipment_type.turnaround)
    last_day = last_day or first_day
    if last_day < first_day:
        raise BookingRefused([Violation("R2", _("The return day is before the pickup day."))])
    return day_slot(
        first_day,
        last_day,
        turnaround=equipment_type.turnaround,
        calendar=Calendar.around(first_day, days=60),
    )


# --- Overrides (R24) ---------------------------------------------------------------------------


def _unresolved(violations: list[Violation], overrides: dict[str, str] | None, by: User):
    """The violations left after staff overrides; the overrides to record."""
    overrides = {rule: reason.strip() for rule, reason in (overrides or {}).items() if reason}
    if overrides and not by.is_provincial_staff:
        raise PermissionDenied
    left, used = [], {}
    for violation in violations:
        if violation.overridable and overrides.get(violation.rule):
            used[violation.rule] = overrides[violation.rule]
        else:
            left.append(violation)
    return left, used


def _record_overrides(booking: Booking, used: dict[str, str], by: User) -> None:
    for rule, reason in sorted(used.items()):
        RuleOverride.objects.create(booking=booking, rule=rule, reason=reason, by=by)


# --- Booking ----------------------------------------------------------------------------------


def _lock_producer(producer: Producer) -> Producer:
    # Quotas (R7–R9) span many units, so no constraint expresses them: requests for one
    # producer are serialised on its row, whoever makes them.
    return Producer.objects.select_for_update().get(pk=producer.pk)


def booking_request(
    *,
    producer: Producer,
    unit: EquipmentUnit,
    slot: Slot,
    by: User,
    purpose: str = "",
    overrides: dict[str, str] | None = None,
) -> Booking:
    """Book `unit` for `producer`. Approved at once when the type needs no approval and
    no other request for an overlapping time is pending; otherwise waiting for an
    approver (R10, R11). Raises BookingRefused naming every rule broken; the refusal is
    kept (BookingRefusal) as evidence of unmet demand."""
    try:
        return _booking_request(
            producer=producer,
            unit=unit,
            slot=slot,
            by=by,
            purpose=purpose,
            overrides=overrides,
        )
    except BookingRefused as refused:
        codes = sorted({violation.rule for violation in refused.violations})
        BookingRefusal.objects.create(
            producer_id=producer.pk,
            unit_id=unit.pk,
            period=slot.period,
            rules=",".join(codes),
            reasons="\n".join(violation.message for violation in refused.violations),
            refused_by=by,
        )
        raise


@transaction.atomic
def _booking_request(
    *,
    producer: Producer,
    unit: EquipmentUnit,
    slot: Slot,
    by: User,
    purpose: str,
    overrides: dict[str, str] | None,
) -> Booking:
    producer = _lock_producer(producer)
    unit = EquipmentUnit.objects.select_related("equipment_type").get(pk=unit.pk)
    release_no_shows(unit=unit)
    request = Request(producer=producer, unit=unit, slot=slot, by=by)
    violations, used = _unresolved(rules.check(request), overrides, by)
    if violations:
        raise BookingRefused(violations)
    taken = Booking.objects.blocking().filter(unit=unit, blocked_period__overlap=slot.blocked)
    if taken.exists():
        raise SlotTaken
    why = rules.needs_approval(request)
    if why and overrides and (overrides.get("R10") or "").strip():
        used["R10"] = overrides["R10"].strip()  # staff approve at once (R24)
        why = ""
    pending = Booking.objects.filter(
        unit=unit, status=BookingStatus.REQUESTED, blocked_period__overlap=slot.blocked
    ).exists()
    if pending and not why:
        why = _("R11 another request for this time is waiting for a decision.")
    booking = Booking(
        unit=unit,
        producer=producer,
        kind=BookingKind.LOAN,
        status=BookingStatus.REQUESTED if why else BookingStatus.APPROVED,
        period=slot.period,
        blocked_period=slot.blocked,
        booked_days=slot.booked_days,
        purpose=purpose,
        requested_by=by,
        decision_note=why,
        decided_at=None if why else timezone.now(),
    )
    booking.full_clean(validate_constraints=False)
    _save(booking)
    _record_overrides(booking, used, by)
    return booking


@transaction.atomic
def booking_change(
    *, booking: Booking, slot: Slot, by: User, overrides: dict[str, str] | None = None
) -> Booking:
    """Move a booking to another time on the same unit, within the change notice (R4).
    An approved booking stays approved only if it still needs no approval."""
    booking = (
        Booking.objects.select_for_update()
        .select_related("unit__equipment_type")
        .get(pk=booking.pk)
    )
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.APPROVED):
        raise BookingRefused([Violation("R4", _("Only a booking not yet picked up can change."))])
    producer = _lock_producer(booking.producer)
    request = Request(producer=producer, unit=booking.unit, slot=slot, by=by, replacing=booking)
    violations, used = _unresolved(rules.check(request), overrides, by)
    if violations:
        raise BookingRefused(violations)
    why = rules.needs_approval(request)
    pending = (
        Booking.objects.filter(
            unit=booking.unit, status=BookingStatus.REQUESTED, blocked_period__overlap=slot.blocked
        )
        .exclude(pk=booking.pk)
        .exists()
    )
    booking.period, booking.blocked_period, booking.booked_days = (
        slot.period,
        slot.blocked,
        slot.booked_days,
    )
    if why or pending:
        booking.status = BookingStatus.REQUESTED
        booking.decision_note = why or _("R11 another request for this time is waiting.")
        booking.decided_at = booking.decided_by = None
    _save(booking)
    _record_overrides(booking, used, by)
    return booking


def _end(booking: Booking, status: str, note: str, by: User | None) -> Booking:
    booking.status = status
    booking.ended_at = timezone.now()
    booking.decision_note = note
    if by is not None and status == BookingStatus.REJECTED:
        booking.decided_by, booking.decided_at = by, booking.ended_at
    booking.save()
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User, reason: str = "", override: str = "") -> Booking:
    """Cancel a booking not yet picked up, up to the free-cancellation notice (R4);
    later only provincial staff, with a reason. The freed time goes to the waitlist."""
    booking = (
        Booking.objects.select_for_update()
        .select_related("unit__equipment_type")
        .get(pk=booking.pk)
    )
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.APPROVED):
        raise BookingRefused(
            [Violation("R4", _("Only a booking not yet picked up can be cancelled."))]
        )
    late = rules.cancel_notice(booking, timezone.localdate())
    left, used = _unresolved(late, {"R4": override} if late and override else None, by)
    if left:
        raise BookingRefused(left)
    _end(booking, BookingStatus.CANCELLED, reason, by)
    _record_overrides(booking, used, by)
    waitlist_offer_next(unit=booking.unit)
    return booking


# --- Decisions (R10, R11) ---------------------------------------------------------------------


@transaction.atomic
def booking_approve(*, booking: Booking, by: User, note: str = "") -> tuple[Booking, list[Booking]]:
    """Approve a waiting request; the requests colliding with it are rejected with a
    message. Quotas, eligibility and the unit's state are checked again."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("unit__equipment_type", "producer")
        .get(pk=booking.pk)
    )
    if not may_decide(by, booking):
        raise PermissionDenied
    if booking.status != BookingStatus.REQUESTED:
        raise BookingRefused([Violation("R10", _("This request was already decided."))])
    producer = _lock_producer(booking.producer)
    slot = Slot(
        period=booking.period,
        blocked=booking.blocked_period,
        booked_days=booking.booked_days,
        first_day=local_day(booking.period.lower),
        last_day=local_day(booking.period.upper - timedelta(microseconds=1)),
    )
    request = Request(producer=producer, unit=booking.unit, slot=slot, by=by, replacing=booking)
    calendar = Calendar.around(request.today)
    recheck = [
        *rules.eligibility(request, calendar),
        *rules.discipline(request, calendar),
        *rules.unit_state(request, calendar),
    ]
    recheck += [v for v in rules.quotas(request, calendar) if v.rule in ("R7", "R8")]
    overridden = set(booking.overrides.values_list("rule", flat=True))
    recheck = [v for v in recheck if v.rule not in overridden]
    if recheck:
        raise BookingRefused(recheck)
    booking.status = BookingStatus.APPROVED
    booking.decided_by, booking.decided_at = by, timezone.now()
    booking.decision_note = note
    _save(booking)
    rejected = []
    for other in rules.competing(booking).select_for_update():
        rejected.append(
            _end(
                other,
                BookingStatus.REJECTED,
                _("R11 the unit was given to another request for the same time."),
                by,
            )
        )
    return booking, rejected


@transaction.atomic
def booking_reject(*, booking: Booking, by: User, reason: str) -> Booking:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("producer")
        .get(pk=booking.pk)
    )
    if not may_decide(by, booking):
        raise PermissionDenied
    if booking.status != BookingStatus.REQUESTED:
        raise BookingRefused([Violation("R10", _("This request was already decided."))])
    return _end(booking, BookingStatus.REJECTED, reason.strip(), by)


# --- No-shows (R18) and suspensions (R19) -----------------------------------------------------


def no_show_due(
    booking: Booking, calendar: Calendar | None = None, settings: LendingSettings | None = None
):
    settings = settings or LendingSettings.current()
    calendar = calendar or Calendar.around(local_day(booking.period.lower), days=30)
    return no_show_deadline(
        booking.period.lower, hours=settings.no_show_hours, calendar=calendar, settings=settings
    )


def release_no_shows(*, unit: EquipmentUnit | None = None, now=None) -> list[Booking]:
    """Release approved bookings not picked up in time (R18): they stop blocking the
    unit, count as no-shows, and the freed time goes to the waitlist."""
    now = now or timezone.now()
    candidates = Booking.objects.filter(
        kind=BookingKind.LOAN,
        status=BookingStatus.APPROVED,
        period__startswith__lt=now,
        loan__isnull=True,
    ).select_related("unit", "producer")
    if unit is not None:
        candidates = candidates.filter(unit=unit)
    released = []
    # One read of the settings and the non-working days for every candidate: the cron
    # command goes through all of them. Candidates started before now; a deadline lies
    # at most a few working days after the start.
    settings = LendingSettings.current()
    calendar = Calendar.around(timezone.localdate(now), days=400)
    for booking in candidates.select_for_update(of=("self",)):
        if now < no_show_due(booking, calendar, settings):
            continue
        _end(booking, BookingStatus.NO_SHOW, _("R18 not picked up in time."), None)
        released.append(booking)
        count_towards_suspension(producer=booking.producer, now=now)
    for freed in {booking.unit for booking in released}:
        waitlist_offer_next(unit=freed, now=now)
    return released


def count_towards_suspension(
    *, producer: Producer, now=None, reason: str = ""
) -> Suspension | None:
    """Suspend a producer whose no-shows and late returns within the window reach the
    setting (R19), or for `reason` when one is given (damage, a very late return)."""
    from equipment.models import Loan

    settings = LendingSettings.current()
    now = now or timezone.now()
    today = timezone.localdate(now)
    if Suspension.objects.in_force(today).filter(producer=producer).exists():
        return None
    if not reason:
        since = now - timedelta(days=settings.suspend_window_days)
        no_shows = Booking.objects.filter(
            producer=producer, status=BookingStatus.NO_SHOW, ended_at__gte=since
        ).count()
        late = [
            loan
            for loan in Loan.objects.filter(
                booking__producer=producer, returned_at__gte=since
            ).only("returned_at", "due_at")
            if loan.was_late
        ]
        if no_shows + len(late) < settings.suspend_no_shows:
            return None
        reason = _("R19 %(n)s no-shows or late returns within %(days)s days.") % {
            "n": no_shows + len(late),
            "days": settings.suspend_window_days,
        }
    return Suspension.objects.create(
        producer=producer,
        starts_on=today,
        ends_on=today + timedelta(days=settings.suspend_for_days - 1),
        reason=reason,
    )


@transaction.atomic
def suspension_lift(*, suspension: Suspension, by: User, reason: str) -> Suspension:
    if not by.is_provincial_staff:
        raise PermissionDenied
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = (
        timezone.now(),
        by,
        reason.strip(),
    )
    suspension.full_clean()
    suspension.save()
    return suspension


# --- Waitlist (R21) ---------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *, producer: Producer, unit: EquipmentUnit, slot: Slot, by: User, purpose: str = ""
) -> WaitlistEntry:
    settings = LendingSettings.current()
    if not settings.waitlist_enabled:
        raise BookingRefused([Violation("R21", _("R21 the waitlist is turned off."))])
    producer = _lock_producer(producer)
    request = Request(producer=producer, unit=unit, slot=slot, by=by)
    calendar = Calendar.around(request.today)
    refused = rules.eligibility(request, calendar) + rules.discipline(request, calendar)
    if refused:
        raise BookingRefused(refused)
    already = WaitlistEntry.objects.filter(
        producer=producer,
        unit=unit,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
        period__overlap=slot.period,
    )
    if already.exists():
        raise BookingRefused(
            [Violation("R21", _("R21 the producer is already on the waitlist for this time."))]
        )
    entry = WaitlistEntry(
        unit=unit, producer=producer, period=slot.period, purpose=purpose, requested_by=by
    )
    entry.full_clean()
    entry.save()
    return entry


def offer_expired(entry: WaitlistEntry, now=None) -> bool:
    hold = timedelta(hours=LendingSettings.current().waitlist_hold_hours)
    return entry.offered_at is not None and (now or timezone.now()) > entry.offered_at + hold


def waitlist_offer_next(*, unit: EquipmentUnit, now=None) -> list[WaitlistEntry]:
    """Lapse offers not taken up in time, then offer each freed time to the first in
    line whose wanted time is now free."""
    now = now or timezone.now()
    offered = []
    entries = WaitlistEntry.objects.select_for_update().filter(
        unit=unit, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    )
    for entry in entries.order_by("created_at", "pk"):
        if entry.status == WaitlistStatus.OFFERED:
            if offer_expired(entry, now):
                entry.status = WaitlistStatus.LAPSED
                entry.save(update_fields=["status"])
            else:
                offered.append(entry)
            continue
        if entry.period.lower <= now:
            continue
        taken = Booking.objects.blocking().filter(unit=unit, blocked_period__overlap=entry.period)
        held = any(_overlaps(entry.period, other.period) for other in offered)
        if not taken.exists() and not held:
            entry.status, entry.offered_at = WaitlistStatus.OFFERED, now
            entry.save(update_fields=["status", "offered_at"])
            offered.append(entry)
    return offered


def _overlaps(a: DateTimeTZRange, b: DateTimeTZRange) -> bool:
    return a.lower < b.upper and b.lower < a.upper


@transaction.atomic
def waitlist_accept(*, entry: WaitlistEntry, by: User) -> Booking:
    """Take up an offered slot: booked through the same rules as any request."""
    entry = (
        WaitlistEntry.objects.select_for_update()
        .select_related("unit__equipment_type")
        .get(pk=entry.pk)
    )
    if entry.status != WaitlistStatus.OFFERED or offer_expired(entry):
        raise BookingRefused([Violation("R21", _("R21 this offer is no longer open."))])
    first = local_day(entry.period.lower)
    last = local_day(entry.period.upper - timedelta(microseconds=1))
    if entry.unit.equipment_type.is_hourly:
        slot = slot_for(
            entry.unit,
            first_day=first,
            starts=timezone.localtime(entry.period.lower).time(),
            ends=timezone.localtime(entry.period.upper).time(),
        )
    else:
        slot = slot_for(entry.unit, first_day=first, last_day=last)
    booking = booking_request(
        producer=entry.producer, unit=entry.unit, slot=slot, by=by, purpose=entry.purpose
    )
    entry.status, entry.booking = WaitlistStatus.BOOKED, booking
    entry.save(update_fields=["status", "booking"])
    return booking


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, by: User) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
        entry.status = WaitlistStatus.WITHDRAWN
        entry.save(update_fields=["status"])
        waitlist_offer_next(unit=entry.unit)
    return entry


@transaction.atomic
def booking_series(
    *,
    producer: Producer,
    unit: EquipmentUnit,
    slots: list[Slot],
    by: User,
    reason: str,
    purpose: str = "",
) -> tuple[list[Booking], list[tuple[Slot, BookingRefused]]]:
    """Recurring bookings (R13): provincial staff only, with a reason. Each slot is
    booked through the same rules; a slot that is refused is skipped, not the series
    (research §4 #11). The series stands in for the producer's quotas (R7–R9) and the
    approval (R10), recorded as overrides. Returns the bookings made and the slots
    skipped with why."""
    if not by.is_provincial_staff:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the bookings repeat.")})
    made, skipped = [], []
    for slot in slots:
        try:
            with transaction.atomic():
                booking = booking_request(
                    producer=producer,
                    unit=unit,
                    slot=slot,
                    by=by,
                    purpose=purpose,
                    # a series is a staff decision: the per-producer quotas and approval
                    # give way to it, with its reason recorded (R24); nothing else does
                    overrides=dict.fromkeys(("R7", "R8", "R9", "R10"), reason),
                )
                RuleOverride.objects.create(booking=booking, rule="R13", reason=reason, by=by)
        except BookingRefused as refused:
            skipped.append((slot, refused))
        else:
            made.append(booking)
    return made, skipped
