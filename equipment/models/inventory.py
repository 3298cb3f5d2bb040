"""The inventory: equipment types (manual, safety, terms, checklists, maintenance plan
and lending rules) and the physical units the government supplied."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipment.models.settings import ProvinceWide
from otop_portal.lib.history import track


class BookingMode(models.TextChoices):
    DAYS = "days", _("Whole days (taken away)")
    HOURS = "hours", _("Hourly slots on site")


def _range(low: int, high: int):
    return [MinValueValidator(low), MaxValueValidator(high)]


@track()
class EquipmentType(models.Model):
    """A kind of machine with its manual and its lending rules (research R1–R24; the
    network-wide ones are in LendingSettings)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("what it is for"), blank=True)
    manual = models.TextField(_("manual"), blank=True)
    safety = models.TextField(_("safety instructions"), blank=True)
    checkout_checklist = models.TextField(
        _("check-out checklist"), blank=True, help_text=_("One item per line.")
    )
    return_checklist = models.TextField(
        _("return checklist"), blank=True, help_text=_("One item per line.")
    )
    maintenance_plan = models.TextField(_("maintenance plan"), blank=True)
    # R22
    service_interval_months = models.PositiveSmallIntegerField(
        _("R22 preventive service every (months)"),
        null=True,
        blank=True,
        validators=_range(1, 120),
        help_text=_("Empty: no periodic service. When overdue, the unit is not lent."),
    )
    booking_mode = models.CharField(
        _("booking mode"), max_length=5, choices=BookingMode.choices, default=BookingMode.DAYS
    )
    # R1
    requires_training = models.BooleanField(_("R1 training sign-off required"), default=False)
    # R2, R3 (days for whole-day types, hours for on-site types)
    min_duration = models.PositiveSmallIntegerField(
        _("R2 shortest booking (days or hours)"), default=1, validators=_range(1, 240)
    )
    max_duration = models.PositiveSmallIntegerField(
        _("R3 longest booking (days or hours)"), default=7, validators=_range(1, 240)
    )
    # R4
    notice_working_days = models.PositiveSmallIntegerField(
        _("R4 working days of notice to book"), default=2, validators=_range(0, 60)
    )
    change_notice_days = models.PositiveSmallIntegerField(
        _("R4 days of notice to change a booking"), default=2, validators=_range(0, 60)
    )
    free_cancel_days = models.PositiveSmallIntegerField(
        _("R4 cancel up to this many days before the start"), default=1, validators=_range(0, 60)
    )
    # R5
    max_advance_days = models.PositiveSmallIntegerField(
        _("R5 book at most this many days ahead"), default=60, validators=_range(1, 730)
    )
    # R6 (working days for whole-day types, minutes for on-site types)
    turnaround = models.PositiveSmallIntegerField(
        _("R6 turnaround after each booking (working days, or minutes on site)"),
        default=1,
        validators=_range(0, 600),
    )
    # R7
    max_active_per_producer = models.PositiveSmallIntegerField(
        _("R7 active bookings of this type per producer"), default=1, validators=_range(1, 20)
    )
    # R9
    chain_gap_days = models.PositiveSmallIntegerField(
        _("R9 days between a producer's bookings of this type"),
        default=3,
        validators=_range(0, 60),
    )
    # R10
    is_scarce = models.BooleanField(
        _("R10 scarce machine: every booking needs approval"), default=False
    )
    # R20
    loan_fee = models.DecimalField(
        _("R20 fee per booking (baht)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    deposit = models.DecimalField(
        _("R20 deposit (baht)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    late_fee_per_day = models.DecimalField(
        _("R20 late fee per day (baht)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="type_min_not_above_max",
                condition=Q(min_duration__lte=models.F("max_duration")),
                violation_error_message=_(
                    "The shortest booking cannot be longer than the longest."
                ),
            ),
            models.CheckConstraint(
                name="type_fees_not_negative",
                condition=Q(loan_fee__gte=0, deposit__gte=0, late_fee_per_day__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("equipment:type_detail", args=[self.pk])

    @property
    def is_hourly(self) -> bool:
        return self.booking_mode == BookingMode.HOURS

    def checklist(self, stage: str) -> list[str]:
        text = self.checkout_checklist if stage == "checkout" else self.return_checklist
        return [line.strip() for line in text.splitlines() if line.strip()]

    def current_terms(self):
        today = timezone.localdate()
        return self.terms.filter(effective_on__lte=today).order_by("-version").first()


@track()
class TermsVersion(models.Model):
    """A version of a type's terms of use; a producer accepts the current one (R1)."""

    equipment_type = models.ForeignKey(
        EquipmentType, on_delete=models.PROTECT, related_name="terms", verbose_name=_("type")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    effective_on = models.DateField(_("in force from"))
    text = models.TextField(_("terms of use"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("terms of use")
        verbose_name_plural = _("terms of use")
        ordering = ["equipment_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment_type", "version"],
                name="one_terms_version_number_per_type",
                violation_error_message=_("This version number is already used for this type."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_type} v{self.version}"


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    MAINTENANCE = "maintenance", _("In maintenance")
    MISSING = "missing", _("Missing")
    RETIRED = "retired", _("Retired")


@track()
class EquipmentUnit(models.Model):
    """One physical machine: province-wide, bookable by every district."""

    equipment_type = models.ForeignKey(
        EquipmentType, on_delete=models.PROTECT, related_name="units", verbose_name=_("type")
    )
    asset_number = models.CharField(_("CDD asset number"), max_length=40, unique=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    grant_year_be = models.PositiveSmallIntegerField(
        _("grant year (B.E.)"), null=True, blank=True, validators=_range(2500, 2700)
    )
    grant_project = models.CharField(_("grant project"), max_length=200, blank=True)
    value = models.DecimalField(
        _("value (baht)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    purchased_on = models.DateField(_("purchase date"), null=True, blank=True)
    location = models.CharField(_("host location"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("equipment unit")
        verbose_name_plural = _("equipment units")
        ordering = ["equipment_type__name", "asset_number"]
        constraints = [
            models.CheckConstraint(
                name="unit_unavailable_has_reason",
                condition=Q(status="available") | ~Q(status_reason=""),
                violation_error_message=_("Say why the unit is not available."),
            ),
            models.CheckConstraint(
                name="unit_value_not_negative", condition=Q(value__isnull=True) | Q(value__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_type.name} {self.asset_number}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:unit_detail", args=[self.pk])


class PhotoStage(models.TextChoices):
    UNIT = "unit", _("The unit")
    CHECKOUT = "checkout", _("At check-out")
    RETURN = "return", _("At return")
    MAINTENANCE = "maintenance", _("Maintenance")


def photo_path(photo, filename: str) -> str:
    # Names are never trusted: the stored name is generated, the content re-encoded JPEG.
    return f"equipment/{photo.unit_id}/{timezone.now():%Y%m}/{photo.token}.jpg"


@track()
class UnitPhoto(models.Model):
    """A photo of a unit, on its own or taken at a check-out, return or repair."""

    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="photos", verbose_name=_("unit")
    )
    stage = models.CharField(_("taken"), max_length=12, choices=PhotoStage.choices)
    loan = models.ForeignKey(
        "equipment.Loan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("loan"),
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    image = models.FileField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:photo", args=[self.token])
