"""Custody and care: check-out and return (R14–R16), maintenance tickets, blocking a
unit's calendar, stocktakes, terms accepted and training signed off."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext as _

from equipment.models import (
    DAMAGED,
    Booking,
    BookingKind,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    Loan,
    MaintenanceTicket,
    PhotoStage,
    Stocktake,
    TermsAcceptance,
    TermsVersion,
    TicketKind,
    TicketStatus,
    TrainingSignoff,
    UnitStatus,
)
from equipment.photos import photos_prepare, photos_save
from equipment.services.bookings import (
    _save,
    count_towards_suspension,
    may_approve,
    no_show_due,
    waitlist_offer_next,
)
from equipment.workdays import Calendar, at, local_day
from members.models import Producer, User


def may_handle(user: User) -> bool:
    """Who hands machines over and takes them back: provincial staff and approvers."""
    return may_approve(user)


def _photos_prepared(photos: list) -> tuple[list, list[str]]:
    """The photos re-encoded before anything is written (and before any row is locked),
    or the reason one of them is refused: a bad photo leaves no file behind."""
    try:
        return photos_prepare(photos), []
    except ValidationError as error:
        return [], error.messages


def _checklist_missing(equipment_type: EquipmentType, stage: str, answers: dict) -> list[str]:
    return [item for item in equipment_type.checklist(stage) if not answers.get(item)]


@transaction.atomic
def loan_checkout(
    *,
    booking: Booking,
    by: User,
    condition: str,
    checklist: dict,
    acknowledged_by: str,
    photos: list,
    notes: str = "",
) -> Loan:
    """Hand the unit over (R14): the type's checklist ticked, the condition recorded, at
    least one photo, and the borrower's name acknowledging the condition."""
    if not may_handle(by):
        raise PermissionDenied
    contents, photo_problems = _photos_prepared(photos)
    booking = (
        Booking.objects.select_for_update()
        .select_related("unit__equipment_type")
        .get(pk=booking.pk)
    )
    now = timezone.now()
    problems = []
    if booking.status != BookingStatus.APPROVED:
        problems.append(_("Only an approved booking is checked out."))
    elif local_day(booking.period.lower) > timezone.localdate(now):
        problems.append(_("The booking starts on a later day."))
    elif now >= no_show_due(booking):
        problems.append(_("R18 the booking was not picked up in time and is released."))
    missing = _checklist_missing(booking.unit.equipment_type, "checkout", checklist)
    if missing:
        problems.append(_("Tick every checklist item: %(items)s.") % {"items": ", ".join(missing)})
    if not photos:
        problems.append(_("R14 at least one photo of the unit at check-out."))
    problems += photo_problems
    if not acknowledged_by.strip():
        problems.append(_("R14 the borrower acknowledges the condition: write their name."))
    if problems:
        raise ValidationError(problems)
    loan = Loan(
        booking=booking,
        unit=booking.unit,
        due_at=booking.period.upper,
        checked_out_at=now,
        checked_out_by=by,
        checkout_checklist=checklist,
        checkout_condition=condition,
        checkout_notes=notes,
        acknowledged_by=acknowledged_by.strip(),
    )
    loan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as error:
        raise ValidationError(
            _("This unit is still out on another loan: it must be returned first.")
        ) from error
    booking.status = BookingStatus.CHECKED_OUT
    booking.save(update_fields=["status"])
    # the files last: nothing after them can fail and leave them behind
    photos_save(unit=booking.unit, stage=PhotoStage.CHECKOUT, contents=contents, by=by, loan=loan)
    return loan


@transaction.atomic
def loan_return(
    *,
    loan: Loan,
    by: User,
    condition: str,
    cleaned: bool,
    checklist: dict,
    photos: list,
    notes: str = "",
    units_produced: int | None = None,
) -> Loan:
    """Take the unit back (R15). An early return frees the rest of the time (R16); a
    late one counts towards a suspension (R19); damage opens a repair ticket, takes
    the unit out of lending and flags its future bookings."""
    if not may_handle(by):
        raise PermissionDenied
    contents, photo_problems = _photos_prepared(photos)
    loan = (
        Loan.objects.select_for_update()
        .select_related("booking", "unit__equipment_type")
        .get(pk=loan.pk)
    )
    if loan.returned_at is not None:
        raise ValidationError(_("This loan was already returned."))
    missing = _checklist_missing(loan.unit.equipment_type, "return", checklist)
    problems = []
    if missing:
        problems.append(_("Tick every checklist item: %(items)s.") % {"items": ", ".join(missing)})
    if not photos:
        problems.append(_("R15 at least one photo of the unit at return."))
    problems += photo_problems
    if condition in DAMAGED and not notes.strip():
        problems.append(_("Describe the damage in the notes."))
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    settings = LendingSettings.current()
    loan.returned_at, loan.returned_by = now, by
    loan.return_checklist, loan.return_condition, loan.cleaned = checklist, condition, cleaned
    loan.return_notes, loan.units_produced = notes, units_produced
    loan.full_clean(validate_constraints=False)
    loan.save()
    booking = loan.booking
    booking.status = BookingStatus.RETURNED
    if now < booking.period.upper:
        _shrink(booking, now)
    booking.save()
    producer = booking.producer
    late_days = (now - loan.due_at).total_seconds() / 86400
    if condition in DAMAGED:
        ticket_open(
            unit=loan.unit,
            kind=TicketKind.REPAIR,
            reason=notes,
            by=by,
            loan=loan,
            take_out_of_lending=True,
        )
        if settings.suspend_on_damage:
            count_towards_suspension(
                producer=producer, now=now, reason=_("R19 the machine came back damaged.")
            )
    elif late_days > settings.suspend_late_days:
        count_towards_suspension(
            producer=producer,
            now=now,
            reason=_("R19 returned %(n)s days late.") % {"n": int(late_days)},
        )
    elif late_days > 0:
        count_towards_suspension(producer=producer, now=now)
    waitlist_offer_next(unit=loan.unit, now=now)
    # the files last: nothing after them can fail and leave them behind
    photos_save(unit=loan.unit, stage=PhotoStage.RETURN, contents=contents, by=by, loan=loan)
    return loan


def _shrink(booking: Booking, returned_at) -> None:
    """An early return ends the booked time then (R16); the turnaround follows it."""
    equipment_type = booking.unit.equipment_type
    end = max(returned_at, booking.period.lower + timedelta(minutes=1))
    if equipment_type.is_hourly:
        blocked_until = end + timedelta(minutes=equipment_type.turnaround)
    else:
        day = local_day(end)
        calendar = Calendar.around(day, days=30)
        blocked_until = at(
            calendar.add_working_days(day, equipment_type.turnaround),
            LendingSettings.current().office_closes,
        )
        blocked_until = max(blocked_until, end)
    booking.period = DateTimeTZRange(booking.period.lower, end, "[)")
    booking.blocked_period = DateTimeTZRange(booking.period.lower, blocked_until, "[)")
    first = local_day(booking.period.lower)
    booking.booked_days = (local_day(end - timedelta(microseconds=1)) - first).days + 1


# --- Maintenance and the unit's state --------------------------------------------------------


def _flag_future(unit: EquipmentUnit, reason: str) -> int:
    """Mark the unit's upcoming bookings so that their producers are told (R15)."""
    return Booking.objects.filter(
        unit=unit,
        kind=BookingKind.LOAN,
        status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED],
        period__endswith__gt=timezone.now(),
    ).update(flagged_at=timezone.now(), flag_reason=reason)


@transaction.atomic
def ticket_open(
    *,
    unit: EquipmentUnit,
    kind: str,
    reason: str,
    by: User,
    loan: Loan | None = None,
    take_out_of_lending: bool = False,
) -> MaintenanceTicket:
    ticket = MaintenanceTicket(unit=unit, kind=kind, reason=reason, opened_by=by, loan=loan)
    ticket.full_clean()
    ticket.save()
    if take_out_of_lending:
        unit_set_status(
            unit=unit,
            status=UnitStatus.MAINTENANCE,
            reason=_("Maintenance: %(reason)s") % {"reason": reason[:200]},
            by=by,
        )
    return ticket


@transaction.atomic
def ticket_close(
    *,
    ticket: MaintenanceTicket,
    by: User,
    resolved: bool,
    resolution: str,
    cost=None,
    vendor: str = "",
) -> MaintenanceTicket:
    """Close a ticket as resolved or unresolved (never deleted). A resolved ticket puts
    a unit that was in maintenance back into lending when no other ticket is open."""
    ticket = MaintenanceTicket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != TicketStatus.OPEN:
        raise ValidationError(_("This ticket is already closed."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say what was done.")})
    ticket.status = TicketStatus.RESOLVED if resolved else TicketStatus.UNRESOLVED
    ticket.closed_at, ticket.closed_by, ticket.resolution = timezone.now(), by, resolution
    if cost is not None:
        ticket.cost = cost
    ticket.vendor = vendor or ticket.vendor
    ticket.full_clean()
    ticket.save()
    unit = EquipmentUnit.objects.select_for_update().get(pk=ticket.unit_id)
    still_open = unit.tickets.filter(status=TicketStatus.OPEN, kind=TicketKind.REPAIR).exists()
    if resolved and unit.status == UnitStatus.MAINTENANCE and not still_open:
        unit_set_status(unit=unit, status=UnitStatus.AVAILABLE, reason="", by=by)
    return ticket


@transaction.atomic
def unit_set_status(*, unit: EquipmentUnit, status: str, reason: str, by: User) -> EquipmentUnit:
    unit = EquipmentUnit.objects.select_for_update().get(pk=unit.pk)
    unit.status, unit.status_reason = status, reason if status != UnitStatus.AVAILABLE else ""
    unit.full_clean()
    unit.save()
    if status != UnitStatus.AVAILABLE:
        _flag_future(unit, unit.status_reason)
    else:  # back in lending: its bookings stand again
        Booking.objects.filter(unit=unit, flagged_at__isnull=False).exclude(
            status__in=[BookingStatus.RETURNED, BookingStatus.CHECKED_OUT]
        ).update(flagged_at=None, flag_reason="")
    return unit


@transaction.atomic
def unit_block(
    *, unit: EquipmentUnit, first_day: date, last_day: date, kind: str, reason: str, by: User
) -> Booking:
    """Block a unit's calendar for its own maintenance or closure. Refused while
    bookings hold that time: they are moved or cancelled first."""
    if kind not in (BookingKind.MAINTENANCE, BookingKind.CLOSURE):
        raise ValidationError(_("Choose maintenance or closure."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the unit is blocked.")})
    settings = LendingSettings.current()
    period = DateTimeTZRange(
        at(first_day, settings.office_opens), at(last_day, settings.office_closes), "[)"
    )
    block = Booking(
        unit=unit,
        kind=kind,
        status=BookingStatus.APPROVED,
        period=period,
        blocked_period=period,
        booked_days=(last_day - first_day).days + 1,
        purpose=reason,
        requested_by=by,
        decided_by=by,
        decided_at=timezone.now(),
    )
    block.full_clean(validate_constraints=False)
    return _save(block)


# --- Stocktake, terms, training ----------------------------------------------------------------


@transaction.atomic
def stocktake_record(
    *,
    unit: EquipmentUnit,
    on: date,
    found: bool,
    by: User,
    location_seen: str = "",
    notes: str = "",
) -> Stocktake:
    """A unit seen (or missing) at a stocktake (R23); a missing unit leaves lending."""
    stocktake = Stocktake(
        unit=unit, on=on, found=found, location_seen=location_seen, notes=notes, by=by
    )
    stocktake.full_clean()
    stocktake.save()
    if not found:
        unit_set_status(
            unit=unit,
            status=UnitStatus.MISSING,
            reason=_("Not found at the stocktake of %(date)s") % {"date": on.isoformat()},
            by=by,
        )
    return stocktake


@transaction.atomic
def terms_accept(
    *, producer: Producer, terms: TermsVersion, accepted_by_name: str, by: User
) -> TermsAcceptance:
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        producer=producer,
        terms=terms,
        defaults={"accepted_by_name": accepted_by_name.strip(), "recorded_by": by},
    )
    if not acceptance.accepted_by_name:
        raise ValidationError({"accepted_by_name": _("Write who accepted the terms.")})
    return acceptance


@transaction.atomic
def training_signoff(
    *, producer: Producer, equipment_type: EquipmentType, trained_on: date, by: User, trainer=""
) -> TrainingSignoff:
    signoff, _created = TrainingSignoff.objects.update_or_create(
        producer=producer,
        equipment_type=equipment_type,
        defaults={"trained_on": trained_on, "trainer": trainer, "recorded_by": by},
    )
    return signoff
