"""Bookings of one unit, the loans that follow them, and what hangs on them.

Two invariants are the database's (research/equipment.md §3): approved or checked-out
bookings of one unit never overlap, turnaround included (an exclusion constraint over
the unit and the stored `blocked_period`, which may be neither empty nor open-ended),
and a unit has at most one open loan. Every write path (pages, admin, imports,
commands) meets them; the service turns a refusal (SQLSTATE 23P01) into a message.
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipment.models.inventory import EquipmentUnit
from equipment.models.rollups import BOOKING_STALE, LOAN_STALE
from members.models import Producer
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet

OVERLAP_SQLSTATE = "23P01"  # exclusion_violation


class CustodyRange(models.Func):
    """tstzrange(from, to, bounds): a loan's custody; a NULL end is open."""

    function = "tstzrange"
    output_field = DateTimeRangeField()


class BookingKind(models.TextChoices):
    LOAN = "loan", _("Booking by a producer")
    MAINTENANCE = "maintenance", _("Maintenance")
    CLOSURE = "closure", _("Unit closed")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    CHECKED_OUT = "checked_out", _("Checked out")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    NO_SHOW = "no_show", _("Not picked up (released)")


# A returned booking keeps blocking its (possibly shortened) time and turnaround: the
# machine is being cleaned and inspected then.
BLOCKING = [BookingStatus.APPROVED, BookingStatus.CHECKED_OUT, BookingStatus.RETURNED]
ACTIVE = [BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.CHECKED_OUT]


class BookingQuerySet(ScopedQuerySet):
    district_path = "producer__district"

    def blocking(self):
        return self.filter(status__in=BLOCKING)

    def active(self):
        return self.filter(status__in=ACTIVE)

    def loans(self):
        return self.filter(kind=BookingKind.LOAN)


@track()
class Booking(models.Model):
    """A claim on one unit for a period: a producer's booking, or a maintenance window
    or closure of the unit (saved as approved, so it blocks lending too)."""

    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("unit")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=BookingKind.choices, default=BookingKind.LOAN
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment_bookings",
        verbose_name=_("producer"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    # [pickup, due): half-open, so back-to-back bookings are legal.
    period = DateTimeRangeField(_("period"))
    # [pickup, due + turnaround): computed by the service and stored, since the
    # constraint cannot compute it (timestamptz + interval is not immutable).
    blocked_period = DateTimeRangeField(_("blocked period"))
    booked_days = models.PositiveSmallIntegerField(
        _("booked days"), default=0, help_text=_("Calendar days the booking touches.")
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    ended_at = models.DateTimeField(_("cancelled, rejected or released"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged"), null=True, blank=True)
    flag_reason = models.CharField(_("flag"), max_length=300, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["producer", "status"], name="booking_producer_status"),
            models.Index(fields=["status", "created_at"], name="booking_status_created"),
            # The desk's and the home page's lists, a few rows among 200,000 bookings:
            # loans to hand over (approved, by when they start) and flagged bookings.
            models.Index(
                models.Func("period", function="lower", output_field=models.DateTimeField()),
                name="booking_pickups",
                condition=Q(status="approved", kind="loan"),
            ),
            models.Index(
                fields=["unit"], name="booking_flagged", condition=Q(flagged_at__isnull=False)
            ),
            # The home pages' and the desk's lists of live loans (asked for, approved,
            # out), in date order: a few hundred rows among 200,000 bookings.
            models.Index(
                fields=["period"],
                name="booking_live",
                condition=Q(kind="loan", status__in=["requested", "approved", "checked_out"]),
            ),
            # The use report's days counted live: the bookings touching a few weeks.
            GistIndex(fields=["period"], name="booking_period"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="use_months_stale",
                when=pgtrigger.After,
                operation=pgtrigger.Insert
                | pgtrigger.UpdateOf("unit_id", "kind", "status", "period")
                | pgtrigger.Delete,
                func=BOOKING_STALE,
            ),
        ]
        constraints = [
            ExclusionConstraint(
                name="booking_no_overlap_per_unit",
                expressions=[
                    ("unit", RangeOperators.EQUAL),
                    ("blocked_period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=BLOCKING),
                violation_error_code="unit_already_booked",
                violation_error_message=_("This unit is already booked for part of that time."),
            ),
            # An empty range overlaps nothing and an open end blocks forever: neither.
            models.CheckConstraint(
                name="booking_period_bounded",
                condition=Q(
                    period__isempty=False,
                    period__lower_inf=False,
                    period__upper_inf=False,
                    blocked_period__isempty=False,
                    blocked_period__lower_inf=False,
                    blocked_period__upper_inf=False,
                ),
                violation_error_message=_("A booking needs a start before its end."),
            ),
            models.CheckConstraint(
                name="booking_blocks_its_period",
                condition=Q(blocked_period__contains=models.F("period")),
                violation_error_message=_("The blocked time must cover the booked time."),
            ),
            models.CheckConstraint(
                name="booking_by_a_producer_names_it",
                condition=~Q(kind="loan") | Q(producer__isnull=False),
                violation_error_message=_("A booking is for a producer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period.lower:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:booking_detail", args=[self.pk])


class ByBooking(ScopedQuerySet):
    district_path = "booking__producer__district"


class RuleOverride(models.Model):
    """A lending rule staff bypassed for one booking, with the reason they wrote (R24).
    The database refuses to change or delete these rows."""

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="overrides", verbose_name=_("booking")
    )
    rule = models.CharField(_("rule"), max_length=4)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = ByBooking.as_manager()

    class Meta:
        verbose_name = _("rule override")
        verbose_name_plural = _("rule overrides")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(name="override_has_reason", condition=~Q(reason="")),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    DAMAGED = "damaged", _("Damaged")
    BROKEN = "broken", _("Not working")


DAMAGED = [Condition.DAMAGED, Condition.BROKEN]


class LoanQuerySet(ByBooking):
    def open(self):
        return self.filter(returned_at__isnull=True)


@track()
class Loan(models.Model):
    """Physical custody: staff hand the unit over (check-out) and take it back (return)."""

    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="loan", verbose_name=_("booking")
    )
    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="loans", verbose_name=_("unit")
    )
    due_at = models.DateTimeField(_("due back"))
    checked_out_at = models.DateTimeField(_("checked out"), default=timezone.now)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked out by"),
    )
    checkout_checklist = models.JSONField(_("check-out checklist"), default=dict, blank=True)
    checkout_condition = models.CharField(
        _("condition at check-out"), max_length=10, choices=Condition.choices
    )
    checkout_notes = models.TextField(_("notes at check-out"), blank=True)
    acknowledged_by = models.CharField(_("borrower who acknowledged the condition"), max_length=200)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    return_checklist = models.JSONField(_("return checklist"), default=dict, blank=True)
    return_condition = models.CharField(
        _("condition at return"), max_length=10, choices=Condition.choices, blank=True
    )
    cleaned = models.BooleanField(_("cleaned"), null=True, blank=True)
    return_notes = models.TextField(_("notes at return"), blank=True)
    units_produced = models.PositiveIntegerField(
        _("units produced with the machine"), null=True, blank=True
    )

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-checked_out_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(returned_at__isnull=True),
                name="one_open_loan_per_unit",
                violation_error_message=_("This unit is still out on another loan."),
            ),
            models.CheckConstraint(
                name="returned_loan_has_condition",
                condition=Q(returned_at__isnull=True)
                | (~Q(return_condition="") & Q(cleaned__isnull=False)),
                violation_error_message=_("A return records the condition and the cleaning."),
            ),
            models.CheckConstraint(
                name="loan_returned_after_checkout",
                condition=Q(returned_at__isnull=True)
                | Q(returned_at__gte=models.F("checked_out_at")),
            ),
        ]
        indexes = [
            # The use report's days counted live: the loans in custody during a few
            # weeks (an open loan's custody has no end yet).
            GistIndex(
                CustodyRange("checked_out_at", "returned_at", models.Value("[]")),
                name="loan_custody",
            ),
            models.Index(fields=["checked_out_at"], name="loan_checked_out"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="use_months_stale",
                when=pgtrigger.After,
                operation=pgtrigger.Insert
                | pgtrigger.UpdateOf("unit_id", "checked_out_at", "returned_at")
                | pgtrigger.Delete,
                func=LOAN_STALE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.checked_out_at:%Y-%m-%d}"

    @property
    def is_overdue(self) -> bool:
        return self.returned_at is None and timezone.now() > self.due_at

    @property
    def was_late(self) -> bool:
        return self.returned_at is not None and self.returned_at > self.due_at


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    BOOKED = "booked", _("Booked")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Offer not taken up")


class WaitlistQuerySet(ScopedQuerySet):
    district_path = "producer__district"


@track()
class WaitlistEntry(models.Model):
    """A producer waiting for a unit at a time that is taken (R21). When the slot frees,
    the first in line is offered it and holds it for a set time."""

    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="waitlist", verbose_name=_("unit")
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="equipment_waitlist",
        verbose_name=_("producer"),
    )
    period = DateTimeRangeField(_("period wanted"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="from_waitlist",
        verbose_name=_("booking"),
    )

    objects = WaitlistQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="waitlist_period_bounded",
                condition=Q(
                    period__isempty=False, period__lower_inf=False, period__upper_inf=False
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} → {self.unit}"


class Reminder(models.Model):
    """A reminder sent for a booking: kept so that none is sent twice (R17)."""

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("booking")
    )
    kind = models.CharField(_("reminder"), max_length=30)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    emailed_to = models.CharField(_("emailed to"), max_length=300, blank=True)

    objects = ByBooking.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="one_reminder_of_a_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind}"


class BookingRefusalQuerySet(ScopedQuerySet):
    district_path = "producer__district"


class BookingRefusal(models.Model):
    """A request the rules refused, kept as evidence of unmet demand (research §5: refused
    for a conflict or over quota). Written outside the refused transaction; the database
    refuses to change or delete these rows."""

    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="+", verbose_name=_("producer")
    )
    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="refusals", verbose_name=_("unit")
    )
    period = DateTimeRangeField(_("period asked for"))
    rules = models.CharField(_("rules"), max_length=100, help_text=_("Comma-separated codes."))
    reasons = models.TextField(_("reasons"))
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    refused_at = models.DateTimeField(_("refused"), default=timezone.now)

    objects = BookingRefusalQuerySet.as_manager()

    class Meta:
        verbose_name = _("refused request")
        verbose_name_plural = _("refused requests")
        ordering = ["-refused_at"]
        indexes = [models.Index(fields=["refused_at"], name="refusal_refused_at")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.rules} {self.producer_id} {self.refused_at:%Y-%m-%d}"

    @property
    def rule_codes(self) -> list[str]:
        return [code for code in self.rules.split(",") if code]
