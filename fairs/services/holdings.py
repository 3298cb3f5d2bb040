"""After the draw: offers accepted or declined, the waitlist refilling freed booths
while keeping the quotas, fees paid, booths moved, swapped, given or released (each
with a reason), check-in and daily sales.

Every change to who holds a booth goes through `_hold` / `end_holding`, and the
database refuses two holders of one booth at one time (fairs.models.holdings).
"""

from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Booth,
    DailySales,
    EndReason,
    Fair,
    Holding,
    HoldingKind,
    HoldingState,
    Outcome,
    Payment,
    QuotaKind,
)
from fairs.services.applications import may_change
from fairs.services.common import booth_taken, lock_fair, require_manager
from otop_portal.lib.money import round_baht

ZERO = Decimal("0.00")


def _range(start: datetime, end: datetime | None) -> DateTimeTZRange:
    return DateTimeTZRange(start, end, "[)")


def _hold(
    *,
    fair: Fair,
    booth: Booth,
    application: Application,
    kind: str,
    by,
    now: datetime,
    note: str = "",
    accepted: Holding | None = None,
) -> Holding:
    """A new holding from `now`: an offer for the policy's window, or — when it
    continues an accepted holding (a move, a swap) — with that holding's acceptance,
    payment and deadline. Payments stay on the holding they were made for and count
    for the application's booth at this fair wherever it moves (`_paid`)."""
    from fairs.services.setup import policy_in_force

    if booth.fair_id != fair.pk:
        raise ValidationError(_("Choose a booth of this fair."))
    if booth.is_reserved:
        raise ValidationError(_("This booth is reserved: %(who)s.") % {"who": booth.reserved_note})
    policy = policy_in_force(fair)
    fee = booth.booth_type.fee
    holding = Holding(
        fair=fair,
        booth=booth,
        application=application,
        kind=kind,
        offered_at=now,
        fee=fee,
        created_by=by,
        note=note,
        previous=accepted,
    )
    if accepted is not None:
        holding.offer_expires_at = accepted.offer_expires_at
        holding.accepted_at, holding.accepted_by = accepted.accepted_at, accepted.accepted_by
        paid = _paid(accepted)
        holding.paid_at = accepted.paid_at if paid >= fee else None
        holding.payment_due_at = accepted.payment_due_at
        if fee > ZERO and paid < fee and holding.payment_due_at is None:
            holding.payment_due_at = now + timedelta(days=policy.payment_days)
        holding.period = _range(now, _upper(holding))
    elif kind == HoldingKind.MANUAL:
        # Given by staff (a leftover booth after the waitlist, say): accepted at once.
        holding.offer_expires_at = now
        holding.accepted_at, holding.accepted_by = now, by
        if fee > ZERO:
            holding.payment_due_at = now + timedelta(days=policy.payment_days)
        holding.period = _range(now, _upper(holding))
    else:
        holding.offer_expires_at = now + timedelta(hours=policy.offer_hours)
        holding.period = _range(now, holding.offer_expires_at)
    holding.full_clean(exclude=["period", "booth", "application"])
    try:
        with transaction.atomic():
            holding.save()
    except IntegrityError as error:
        raise booth_taken(error) from None
    return holding


def _upper(holding: Holding) -> datetime | None:
    """Where an accepted holding's time ends: the payment deadline while a fee is
    unpaid, else never."""
    if holding.fee > ZERO and holding.paid_at is None and holding.payment_due_at is not None:
        return holding.payment_due_at
    return None


def _paid(holding: Holding) -> Decimal:
    """What was paid for this application's booth at this fair, across moves."""
    total = Payment.objects.filter(
        holding__application_id=holding.application_id, holding__fair_id=holding.fair_id
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def end_holding(holding: Holding, reason: str, *, now: datetime) -> Holding:
    holding.ended_at = now
    holding.end_reason = reason
    holding.period = _range(holding.period.lower, max(now, holding.period.lower))
    holding.save(update_fields=["ended_at", "end_reason", "period"])
    return holding


def _locked(holding: Holding) -> Holding:
    return (
        Holding.objects.select_for_update()
        .select_related("booth__booth_type", "booth__zone", "application", "fair")
        .get(pk=holding.pk)
    )


def _may_answer(user, holding: Holding) -> None:
    if not may_change(user, holding.application):
        raise PermissionDenied


# --- Offers ----------------------------------------------------------------------------


@transaction.atomic
def offer_accept(*, holding: Holding, by, now=None) -> Holding:
    """The producer accepts (told to the district member or staff, who record it)."""
    _may_answer(by, holding)
    lock_fair(holding.fair)
    holding = _locked(holding)
    now = now or timezone.now()
    state = holding.state(now)
    if state == HoldingState.EXPIRED:
        raise ValidationError(_("The offer expired; the booth went back to the waitlist."))
    if state != HoldingState.OFFERED:
        raise ValidationError(_("This offer is not waiting for an answer."))
    from fairs.services.setup import policy_in_force

    holding.accepted_at, holding.accepted_by = now, by
    if holding.fee > ZERO:
        days = policy_in_force(holding.fair).payment_days
        holding.payment_due_at = _end_of_day(timezone.localdate(now) + timedelta(days=days))
    holding.period = _range(holding.period.lower, _upper(holding))
    try:
        with transaction.atomic():
            holding.save()
    except IntegrityError as error:
        raise booth_taken(error) from None
    return holding


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def offer_decline(*, holding: Holding, by, now=None) -> Holding:
    _may_answer(by, holding)
    fair = lock_fair(holding.fair)
    holding = _locked(holding)
    now = now or timezone.now()
    if holding.state(now) not in (
        HoldingState.OFFERED,
        HoldingState.AWAITING_PAYMENT,
        HoldingState.CONFIRMED,
    ):
        raise ValidationError(_("This booth is no longer held."))
    end_holding(holding, EndReason.DECLINED, now=now)
    waitlist_refill(fair=fair, by=by, now=now)
    return holding


# --- Payments --------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *, holding: Holding, by, amount: Decimal, method: str, reference: str = "", now=None
) -> Payment:
    require_manager(by)
    lock_fair(holding.fair)
    holding = _locked(holding)
    now = now or timezone.now()
    amount = round_baht(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    state = holding.state(now)
    if state not in (HoldingState.AWAITING_PAYMENT, HoldingState.OFFERED):
        if state == HoldingState.UNPAID:
            raise ValidationError(_("The payment deadline has passed and the booth was released."))
        raise ValidationError(_("Nothing is due for this booth."))
    # A double click or a resent form must not record the same money twice.
    if Payment.objects.filter(
        holding=holding,
        amount=amount,
        method=method,
        reference=reference.strip(),
        received_by=by,
        received_at__gte=now - timedelta(minutes=10),
        corrects__isnull=True,
    ).exists():
        raise ValidationError(
            _("This payment was recorded a moment ago; it is not recorded twice.")
        )
    due = holding.fee - _paid(holding)
    if amount > due:
        raise ValidationError({"amount": _("Only %(due)s baht is due.") % {"due": f"{due:,.2f}"}})
    payment = Payment(
        holding=holding,
        amount=amount,
        method=method,
        reference=reference.strip(),
        received_by=by,
        received_at=now,
    )
    payment.full_clean()
    payment.save()
    if amount == due:
        holding.paid_at = now
        if holding.accepted_at is None:  # paying is accepting
            holding.accepted_at, holding.accepted_by = now, by
        holding.period = _range(holding.period.lower, None)
        try:
            with transaction.atomic():
                holding.save(update_fields=["paid_at", "accepted_at", "accepted_by", "period"])
        except IntegrityError as error:
            raise booth_taken(error) from None
    return payment


@transaction.atomic
def payment_correct(*, payment: Payment, by, reason: str, now=None) -> Payment:
    """A payment recorded by mistake is cancelled by a negative one (never deleted)."""
    require_manager(by)
    lock_fair(payment.holding.fair)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    now = now or timezone.now()
    if payment.amount < ZERO:
        raise ValidationError(_("A correction cannot be corrected."))
    if Payment.objects.filter(corrects=payment).exists():
        raise ValidationError(_("This payment is already cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    correction = Payment.objects.create(
        holding=payment.holding,
        amount=-payment.amount,
        method=payment.method,
        reference=payment.reference,
        note=reason.strip()[:300],
        corrects=payment,
        received_by=by,
        received_at=now,
    )
    holding = _locked(payment.holding)
    if holding.paid_at is not None and holding.ended_at is None:
        from fairs.services.setup import policy_in_force

        holding.paid_at = None
        if holding.payment_due_at is None:
            days = policy_in_force(holding.fair).payment_days
            holding.payment_due_at = _end_of_day(timezone.localdate(now) + timedelta(days=days))
        holding.period = _range(holding.period.lower, _upper(holding))
        holding.save(update_fields=["paid_at", "payment_due_at", "period"])
    return correction


# --- Staff changes ---------------------------------------------------------------------


def _reason(note: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    return note[:300]


@transaction.atomic
def holding_release(*, holding: Holding, by, reason: str, now=None) -> Holding:
    require_manager(by)
    fair = lock_fair(holding.fair)
    holding = _locked(holding)
    now = now or timezone.now()
    note = _reason(reason)
    if not holding.holds_at(now):
        raise ValidationError(_("This booth is no longer held."))
    holding.note = note
    holding.save(update_fields=["note"])
    end_holding(holding, EndReason.RELEASED, now=now)
    waitlist_refill(fair=fair, by=by, now=now)
    return holding


@transaction.atomic
def booth_move(*, holding: Holding, booth: Booth, by, reason: str, now=None) -> Holding:
    """Move a holder to a free booth; acceptance and payments go with them."""
    require_manager(by)
    fair = lock_fair(holding.fair)
    holding = _locked(holding)
    now = now or timezone.now()
    note = _reason(reason)
    if not holding.holds_at(now):
        raise ValidationError(_("This booth is no longer held."))
    if booth.pk == holding.booth_id:
        raise ValidationError({"booth": _("Choose another booth.")})
    end_holding(holding, EndReason.MOVED, now=now)
    if holding.accepted_at is None:
        return _offer_moved(fair, holding, booth, by, now, note)
    return _hold(
        fair=fair,
        booth=booth,
        application=holding.application,
        kind=HoldingKind.MOVE,
        by=by,
        now=now,
        note=note,
        accepted=holding,
    )


def _offer_moved(fair, holding, booth, by, now, note) -> Holding:
    """A move of an offer not yet answered: the same offer, on another booth, expiring
    when it would have."""
    moved = Holding(
        fair=fair,
        booth=booth,
        application=holding.application,
        kind=HoldingKind.MOVE,
        offered_at=now,
        offer_expires_at=holding.offer_expires_at,
        fee=booth.booth_type.fee,
        created_by=by,
        note=note,
        previous=holding,
        period=_range(now, max(holding.offer_expires_at, now)),
    )
    if booth.is_reserved:
        raise ValidationError(_("This booth is reserved: %(who)s.") % {"who": booth.reserved_note})
    try:
        with transaction.atomic():
            moved.save()
    except IntegrityError as error:
        raise booth_taken(error) from None
    return moved


@transaction.atomic
def booth_swap(
    *, first: Holding, second: Holding, by, reason: str, now=None
) -> tuple[Holding, Holding]:
    require_manager(by)
    fair = lock_fair(first.fair)
    first, second = _locked(first), _locked(second)
    now = now or timezone.now()
    note = _reason(reason)
    if first.pk == second.pk or first.fair_id != second.fair_id:
        raise ValidationError(_("Choose two holders of booths at this fair."))
    if not (first.holds_at(now) and second.holds_at(now)):
        raise ValidationError(_("Both booths must still be held."))
    end_holding(first, EndReason.MOVED, now=now)
    end_holding(second, EndReason.MOVED, now=now)
    made = []
    for holding, booth in ((first, second.booth), (second, first.booth)):
        if holding.accepted_at:
            made.append(
                _hold(
                    fair=fair,
                    booth=booth,
                    application=holding.application,
                    kind=HoldingKind.MOVE,
                    by=by,
                    now=now,
                    note=note,
                    accepted=holding,
                )
            )
        else:
            made.append(_offer_moved(fair, holding, booth, by, now, note))
    return made[0], made[1]


@transaction.atomic
def booth_give(*, application: Application, booth: Booth, by, reason: str, now=None) -> Holding:
    """Staff give a free booth to an eligible applicant outside the waitlist order
    (after the waitlist is exhausted, say), with the reason."""
    require_manager(by)
    fair = lock_fair(application.fair)
    now = now or timezone.now()
    note = _reason(reason)
    if application.status != ApplicationStatus.ELIGIBLE:
        raise ValidationError(_("Only an eligible application can be given a booth."))
    if booth.booth_type_id != application.booth_type_id:
        raise ValidationError({"booth": _("Choose a booth of the type the application asked for.")})
    return _hold(
        fair=fair,
        booth=booth,
        application=application,
        kind=HoldingKind.MANUAL,
        by=by,
        now=now,
        note=note,
    )


# --- The waitlist ----------------------------------------------------------------------


def free_booths(fair: Fair, now: datetime) -> list[Booth]:
    held = Holding.objects.filter(fair=fair).active_at(now).values("booth_id")
    return list(
        fair.booths.drawable()
        .exclude(pk__in=held)
        .select_related("booth_type", "zone")
        .order_by("zone__code", "order", "code")
    )


def waitlist(fair: Fair, now: datetime) -> list[Application]:
    """Who may still be offered a booth, in order: the official draw's waitlist.
    Declined and withdrawn applications are out; so is anyone holding a booth now,
    and anyone whose offer lapsed (not answered in time, or not paid by the deadline):
    offering them booth after booth would hold booths for people who do not answer,
    so staff give them a booth by hand if they come back (`booth_give`)."""
    from fairs.services.lottery import official_draw

    draw = official_draw(fair)
    if draw is None or not draw.is_published:
        return []
    lines = list(
        draw.lines.exclude(outcome=Outcome.WITHDRAWN)
        .filter(application__status=ApplicationStatus.ELIGIBLE)
        .select_related("application", "application__booth_type")
        .order_by("position")
    )
    holdings = list(
        Holding.objects.filter(fair=fair).only(
            "application_id",
            "period",
            "ended_at",
            "end_reason",
            "accepted_at",
            "offer_expires_at",
            "paid_at",
            "fee",
            "payment_due_at",
        )
    )
    holding_now = {h.application_id for h in holdings if h.holds_at(now)}
    out = {
        h.application_id
        for h in holdings
        if h.end_reason in (EndReason.DECLINED, EndReason.WITHDRAWN, EndReason.RELEASED)
    }
    lapsed = {
        h.application_id
        for h in holdings
        if h.state(now) in (HoldingState.EXPIRED, HoldingState.UNPAID)
    }
    return [
        line.application
        for line in lines
        if line.outcome == Outcome.WAITLIST
        and line.application_id not in holding_now | out | lapsed
    ]


def _counts(fair: Fair, now: datetime) -> tuple[Counter, Counter]:
    districts, categories = Counter(), Counter()
    for holding in Holding.objects.filter(fair=fair).active_at(now).select_related("application"):
        districts[holding.application.district_id] += 1
        categories[holding.application.category] += 1
    return districts, categories


def pick_for(
    booth: Booth,
    candidates: list[Application],
    quotas: dict,
    districts: Counter,
    categories: Counter,
    released: Application | None,
) -> Application | None:
    """The first candidate for `booth` in waitlist order who keeps every maximum, and —
    when a minimum is short — who helps the most short minimums; ties go to the
    released holder's district and category, then to waitlist order."""
    best, best_key = None, None
    for index, application in enumerate(candidates):
        if application.booth_type_id != booth.booth_type_id:
            continue
        d_low, d_high = quotas[QuotaKind.DISTRICT].get(application.district_id, (0, None))
        c_low, c_high = quotas[QuotaKind.CATEGORY].get(application.category, (0, None))
        if d_high is not None and districts[application.district_id] >= d_high:
            continue
        if c_high is not None and categories[application.category] >= c_high:
            continue
        helps = int(districts[application.district_id] < d_low) + int(
            categories[application.category] < c_low
        )
        same = 0
        if released is not None:
            same = int(application.district_id == released.district_id) + int(
                application.category == released.category
            )
        key = (-helps, -same, index)
        if best_key is None or key < best_key:
            best, best_key = application, key
    return best


@transaction.atomic
def waitlist_refill(*, fair: Fair, by, now=None) -> list[Holding]:
    """Offer every free booth to the waitlist, keeping the quotas (research §5.6)."""
    fair = lock_fair(fair)
    now = now or timezone.now()
    from fairs.services.lottery import official_draw

    draw = official_draw(fair)
    if draw is None or not draw.is_published:
        return []
    policy = draw.frozen_list.policy
    quotas = {QuotaKind.DISTRICT: {}, QuotaKind.CATEGORY: {}}
    for quota in policy.quotas.all():
        quotas[quota.kind][quota.key] = (quota.minimum, quota.maximum)
    candidates = waitlist(fair, now)
    districts, categories = _counts(fair, now)
    last_holder = {}
    for holding in (
        Holding.objects.filter(fair=fair).select_related("application").order_by("period")
    ):
        last_holder[holding.booth_id] = holding.application
    offers = []
    for booth in free_booths(fair, now):
        chosen = pick_for(
            booth, candidates, quotas, districts, categories, last_holder.get(booth.pk)
        )
        if chosen is None:
            continue
        candidates.remove(chosen)
        offers.append(
            _hold(
                fair=fair,
                booth=booth,
                application=chosen,
                kind=HoldingKind.WAITLIST,
                by=by,
                now=now,
            )
        )
        districts[chosen.district_id] += 1
        categories[chosen.category] += 1
    return offers


# --- Fair days -------------------------------------------------------------------------


def _fair_day(holding: Holding, day) -> None:
    if day not in holding.fair.days():
        raise ValidationError({"day": _("Choose a day of the fair.")})
    if day > timezone.localdate():
        raise ValidationError({"day": _("That day has not come yet.")})


@transaction.atomic
def attendance_record(*, holding: Holding, day, present: bool, by) -> Attendance:
    require_manager(by)
    holding = _locked(holding)
    _fair_day(holding, day)
    if holding.state() != HoldingState.CONFIRMED:
        raise ValidationError(_("Only a confirmed booth is checked in."))
    attendance, _created = Attendance.objects.update_or_create(
        application=holding.application,
        day=day,
        defaults={
            "holding": holding,
            "present": present,
            "recorded_by": by,
            "checked_at": timezone.now(),
        },
    )
    return attendance


@transaction.atomic
def sales_record(*, holding: Holding, day, amount: Decimal, by) -> DailySales:
    """A day's sales of a booth, entered by staff or the holder's district member;
    entering the day again replaces the figure (the history keeps the old one)."""
    if not may_change(by, holding.application):
        raise PermissionDenied
    holding = _locked(holding)
    _fair_day(holding, day)
    if holding.state() != HoldingState.CONFIRMED:
        raise ValidationError(_("Sales are entered for a confirmed booth."))
    amount = round_baht(amount)
    if amount < ZERO:
        raise ValidationError({"amount": _("Sales cannot be negative.")})
    sales, _created = DailySales.objects.update_or_create(
        application=holding.application,
        day=day,
        defaults={
            "holding": holding,
            "amount": amount,
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    return sales
