"""The lending rules that are not per equipment type, and the non-working days."""

from datetime import time

import pgtrigger
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equipment.models.rollups import CLOSURE_STALE
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet


class ProvinceWide(ScopedQuerySet):
    """Equipment is province-wide: every login sees it."""

    district_path = None


def _positive(maximum: int):
    return [MinValueValidator(0), MaxValueValidator(maximum)]


@track()
class LendingSettings(models.Model):
    """One row (pk=1): the network-wide lending rules of research/equipment.md §2, each
    editable by provincial staff. Per-type rules live on EquipmentType."""

    # R7, concurrent holdings across all types
    max_active_total = models.PositiveSmallIntegerField(
        _("R7 active bookings per producer, all machines"), default=2, validators=_positive(20)
    )
    # R8, rolling cap
    rolling_cap_days = models.PositiveSmallIntegerField(
        _("R8 booked days allowed in the rolling window"), default=10, validators=_positive(365)
    )
    rolling_window_days = models.PositiveSmallIntegerField(
        _("R8 rolling window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # R10, approval
    approval_first_booking = models.BooleanField(
        _("R10 a producer's first booking needs approval"), default=True
    )
    approval_over_days = models.PositiveSmallIntegerField(
        _("R10 bookings longer than this many days need approval"),
        default=3,
        validators=_positive(365),
    )
    # R11, ranking window
    fairness_window_days = models.PositiveSmallIntegerField(
        _("R11 days looked back when ranking competing requests"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # Office hours: pickups and returns of day loans happen in them (R12, R18)
    office_opens = models.TimeField(_("office opens"), default=time(8, 30))
    office_closes = models.TimeField(_("office closes"), default=time(16, 30))
    # R18, no-show
    no_show_hours = models.PositiveSmallIntegerField(
        _("R18 working hours after the start before a booking not picked up is released"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    # R19, suspensions
    suspend_late_days = models.PositiveSmallIntegerField(
        _("R19 a return this many days late suspends the producer"),
        default=3,
        validators=_positive(60),
    )
    suspend_no_shows = models.PositiveSmallIntegerField(
        _("R19 no-shows (or late returns) within the window that suspend the producer"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    suspend_window_days = models.PositiveSmallIntegerField(
        _("R19 window for counting no-shows and late returns (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    suspend_for_days = models.PositiveSmallIntegerField(
        _("R19 length of a suspension (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    suspend_on_damage = models.BooleanField(
        _("R19 returning a machine damaged suspends the producer"), default=True
    )
    # R21, waitlist
    waitlist_enabled = models.BooleanField(_("R21 waitlist on"), default=True)
    waitlist_hold_hours = models.PositiveSmallIntegerField(
        _("R21 hours a freed slot is held for the next in line"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    # R23, stocktake
    stocktake_months = models.PositiveSmallIntegerField(
        _("R23 months between stocktakes"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    stocktake_warning_days = models.PositiveSmallIntegerField(
        _("R23 days of warning before a stocktake is due"), default=14, validators=_positive(180)
    )

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("lending settings")
        verbose_name_plural = _("lending settings")
        constraints = [
            models.CheckConstraint(name="lending_settings_single_row", condition=models.Q(pk=1)),
            models.CheckConstraint(
                name="office_opens_before_it_closes",
                condition=models.Q(office_opens__lt=models.F("office_closes")),
                violation_error_message=_("The office must open before it closes."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Lending settings"))

    @classmethod
    def current(cls) -> "LendingSettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class ClosureKind(models.TextChoices):
    PUBLIC_HOLIDAY = "holiday", _("Public holiday")
    OFFICE_CLOSURE = "closure", _("Office closure")


@track()
class NonWorkingDay(models.Model):
    """A public holiday (seeded for Thailand from the `holidays` package) or an office
    closure: no pickup or return, and not a working day for notice, turnaround and
    no-show rules. A loan may span it. Weekends are non-working without a row."""

    on = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ClosureKind.choices, default=ClosureKind.OFFICE_CLOSURE
    )

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("non-working day")
        verbose_name_plural = _("non-working days")
        ordering = ["on"]
        triggers = [
            pgtrigger.Trigger(
                name="use_months_stale",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("on") | pgtrigger.Delete,
                func=CLOSURE_STALE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.name}"
