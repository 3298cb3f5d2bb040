"""After the draw: who holds which booth, from when to when, and what followed
(payments, check-in, daily sales).

A holding's time is a range `period`. An offer holds its booth until the offer
expires; accepting extends the hold to the payment deadline (or for good when
there is no fee); paying makes it for good; declining, withdrawing, a move or a
release ends it now. So the state follows from the clock when it is read (an
offer not answered in time is simply over) and the database can promise what
matters: **a booth is never held by two applications at once, and an application
never holds two booths at once** — two exclusion constraints over the range.
"""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairs.models.applications import Application
from fairs.models.setup import Booth, Fair
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet

OVERLAP_SQLSTATE = "23P01"


class HoldingKind(models.TextChoices):
    DRAW = "draw", _("Selected in the draw")
    WAITLIST = "waitlist", _("Offered from the waitlist")
    MOVE = "move", _("Moved by staff")
    MANUAL = "manual", _("Given by staff")


class EndReason(models.TextChoices):
    DECLINED = "declined", _("Declined the offer")
    WITHDRAWN = "withdrawn", _("Application withdrawn")
    MOVED = "moved", _("Moved to another booth")
    RELEASED = "released", _("Released by staff")
    UNPAID = "unpaid", _("Not paid by the deadline")


class HoldingState(models.TextChoices):
    OFFERED = "offered", _("Offer waiting for an answer")
    EXPIRED = "expired", _("Offer expired")
    AWAITING_PAYMENT = "awaiting_payment", _("Accepted, waiting for payment")
    UNPAID = "unpaid", _("Released: not paid by the deadline")
    CONFIRMED = "confirmed", _("Confirmed")
    ENDED = "ended", _("Ended")


class HoldingQuerySet(ScopedQuerySet):
    district_path = "application__district"

    def active_at(self, moment=None):
        """Holdings that hold their booth at `moment` (now by default)."""
        return self.filter(period__contains=moment or timezone.now())


@track()
class Holding(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="holdings")
    booth = models.ForeignKey(
        Booth, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("booth")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("how"), max_length=10, choices=HoldingKind.choices)
    period = DateTimeRangeField(_("held"))
    offered_at = models.DateTimeField(_("offered"))
    offer_expires_at = models.DateTimeField(_("offer expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    fee = models.DecimalField(_("fee (baht)"), max_digits=14, decimal_places=2)
    payment_due_at = models.DateTimeField(_("pay by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid in full"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=10, choices=EndReason.choices, blank=True
    )
    note = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Why staff moved, swapped, gave or released the booth."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("moved from"),
    )

    objects = HoldingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth holding")
        verbose_name_plural = _("booth holdings")
        ordering = ["fair", "booth__code", "-offered_at"]
        constraints = [
            ExclusionConstraint(
                name="booth_held_once_at_a_time",
                expressions=[("booth", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                violation_error_code="booth_taken",
                violation_error_message=_("This booth is already held by another application."),
            ),
            ExclusionConstraint(
                name="application_holds_one_booth",
                expressions=[
                    ("application", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                violation_error_code="application_has_booth",
                violation_error_message=_("This application already holds a booth."),
            ),
            models.CheckConstraint(
                name="holding_period_starts",
                condition=Q(period__isempty=False, period__lower_inf=False),
            ),
            models.CheckConstraint(
                name="holding_ended_with_reason",
                condition=Q(ended_at__isnull=True, end_reason="")
                | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
            ),
            models.CheckConstraint(
                name="holding_staff_changes_have_reason",
                condition=Q(kind__in=["draw", "waitlist"]) | ~Q(note=""),
                violation_error_message=_("Give the reason for the change."),
            ),
            models.CheckConstraint(name="holding_fee_not_negative", condition=Q(fee__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.booth} ← #{self.application.number}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.ended_at is not None:
            return HoldingState.ENDED
        if self.accepted_at is None:
            return HoldingState.OFFERED if now < self.offer_expires_at else HoldingState.EXPIRED
        if self.paid_at is not None or self.fee == Decimal("0.00") or self.payment_due_at is None:
            return HoldingState.CONFIRMED
        return HoldingState.AWAITING_PAYMENT if now < self.payment_due_at else HoldingState.UNPAID

    def state_label(self, now=None) -> str:
        return HoldingState(self.state(now)).label

    def holds_at(self, now=None) -> bool:
        return self.state(now) in (
            HoldingState.OFFERED,
            HoldingState.AWAITING_PAYMENT,
            HoldingState.CONFIRMED,
        )


class ByHolding(ScopedQuerySet):
    district_path = "holding__application__district"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer / PromptPay")


class Payment(models.Model):
    """A booth fee received (or, with a negative amount, a correction of one). Append-only."""

    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (baht)"), max_digits=14, decimal_places=2)
    method = models.CharField(_("paid by"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("slip or receipt reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    objects = ByHolding.as_manager()

    class Meta:
        verbose_name = _("booth fee payment")
        verbose_name_plural = _("booth fee payments")
        ordering = ["received_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="payment_not_zero",
                condition=~Q(amount=0),
                violation_error_message=_("The amount cannot be zero."),
            ),
            models.CheckConstraint(
                name="only_corrections_are_negative",
                condition=Q(amount__gt=0, corrects__isnull=True)
                | Q(amount__lt=0, corrects__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.received_at:%Y-%m-%d})"


class AttendanceQuerySet(ScopedQuerySet):
    district_path = "application__district"


@track()
class Attendance(models.Model):
    """Whether a booth holder was there on one fair day."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="attendance"
    )
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="attendance")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    checked_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["day", "application"]
        constraints = [
            models.UniqueConstraint(fields=["application", "day"], name="attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.present}"


class SalesQuerySet(ScopedQuerySet):
    district_path = "application__district"


@track()
class DailySales(models.Model):
    """What a booth sold on one fair day, as the producer reported it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="sales")
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="sales")
    day = models.DateField(_("day"))
    amount = models.DecimalField(_("sales (baht)"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = SalesQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")
        ordering = ["day", "application"]
        constraints = [
            models.UniqueConstraint(fields=["application", "day"], name="fair_sales_once_a_day"),
            models.CheckConstraint(
                name="fair_sales_not_negative",
                condition=Q(amount__gte=0),
                violation_error_message=_("Sales cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.amount}"
