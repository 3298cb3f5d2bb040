"""A fair as an edition of a series, its zones, booth types, booths and the allocation
policy published before applications open.

Fairs, zones, booth types, booths and policies are province-wide: every login reads
them, only provincial staff and the fair committee change them (`is_writable_by`).
"""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Function
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet

# Codes go into the published frozen list, a CSV whose fields are split by "," and
# zones by ";": letters, digits, "-" and "_" only.
CODE = RegexValidator(
    r"^[A-Za-z0-9_-]+$", _("Use only Latin letters, digits, - and _ (e.g. A, FOOD-3).")
)


def manages_fairs(user) -> bool:
    """Provincial staff and holders of the fair committee function set fairs up,
    review applications, run draws and manage booths."""
    return bool(
        user.is_authenticated
        and (user.is_provincial_staff or user.has_function(Function.FAIR_COMMITTEE))
        and user.sees_all_districts
    )


class ProvinceWide(ScopedQuerySet):
    district_path = None


# The draw counts on the booths, zones and booth types as they were when the list
# was frozen (the verification download describes them): the database refuses any
# change to them afterwards, whatever writes (pages, admin, shell).
FIXED_ONCE_FROZEN = pgtrigger.Trigger(
    name="fixed_once_frozen",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    func="""
        IF EXISTS (
            SELECT 1 FROM fairs_frozenlist
            WHERE fair_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.fair_id ELSE NEW.fair_id END)
        ) THEN
            RAISE EXCEPTION 'fairs: booths, zones and booth types are fixed once the list is frozen'
                USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """,
)


class ProvinceWideModel(models.Model):
    class Meta:
        abstract = True

    def is_writable_by(self, user) -> bool:
        return manages_fairs(user)


@track()
class FairSeries(ProvinceWideModel):
    """A fair held again and again (every year): "last fair" is the previous edition."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("fair series")
        verbose_name_plural = _("fair series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FairQuerySet(ProvinceWide):
    def with_series(self):
        return self.select_related("series")


@track()
class Fair(ProvinceWideModel):
    series = models.ForeignKey(
        FairSeries, on_delete=models.PROTECT, related_name="fairs", verbose_name=_("fair series")
    )
    name = models.CharField(_("name"), max_length=200)
    venue = models.CharField(_("venue"), max_length=300)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    applications_open_on = models.DateField(_("applications open"))
    applications_close_on = models.DateField(
        _("applications close"), help_text=_("The last day applications are accepted.")
    )
    lottery_date = models.DateField(
        _("Government Lottery draw used"),
        null=True,
        blank=True,
        help_text=_(
            "The date of the public lottery draw whose results seed the booth draw, "
            "announced before the list is frozen."
        ),
    )
    notes = models.TextField(_("notes for applicants"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = FairQuerySet.as_manager()

    class Meta:
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="fair_days_in_order",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                name="fair_window_in_order",
                condition=Q(applications_close_on__gte=models.F("applications_open_on"))
                & Q(applications_close_on__lt=models.F("starts_on")),
                violation_error_message=_(
                    "Applications must open before they close, and close before the fair."
                ),
            ),
            models.UniqueConstraint(
                fields=["series", "starts_on"],
                name="one_edition_per_series_and_day",
                violation_error_message=_("This series already has an edition starting that day."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fairs:fair_detail", args=[self.pk])

    def days(self) -> list:
        from datetime import timedelta

        return [
            self.starts_on + timedelta(days=i)
            for i in range((self.ends_on - self.starts_on).days + 1)
        ]

    def window_is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.applications_open_on <= today <= self.applications_close_on

    def previous_edition(self):
        return (
            Fair.objects.filter(series_id=self.series_id, starts_on__lt=self.starts_on)
            .order_by("-starts_on")
            .first()
        )


@track()
class Zone(ProvinceWideModel):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(_("code"), max_length=20, validators=[CODE])
    name = models.CharField(_("name"), max_length=200)
    is_prime = models.BooleanField(
        _("prime zone"),
        default=False,
        help_text=_(
            "E.g. facing the main stage or the entrance; its holders choose last next time."
        ),
    )
    colour = models.CharField(_("colour on the plan"), max_length=20, blank=True)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["fair", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "code"],
                name="zone_code_unique_in_fair",
                violation_error_message=_("This fair already has a zone with that code."),
            )
        ]
        triggers = [FIXED_ONCE_FROZEN]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@track()
class BoothType(ProvinceWideModel):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="booth_types")
    code = models.CharField(_("code"), max_length=20, validators=[CODE])
    name = models.CharField(_("name"), max_length=200)
    width_m = models.DecimalField(
        _("width (m)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    depth_m = models.DecimalField(
        _("depth (m)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    fee = models.DecimalField(
        _("fee (baht)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    has_power = models.BooleanField(_("power"), default=False)
    has_water = models.BooleanField(_("water"), default=False)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("booth type")
        verbose_name_plural = _("booth types")
        ordering = ["fair", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "code"],
                name="booth_type_code_unique_in_fair",
                violation_error_message=_("This fair already has a booth type with that code."),
            ),
            models.CheckConstraint(name="booth_fee_not_negative", condition=Q(fee__gte=0)),
        ]
        triggers = [FIXED_ONCE_FROZEN]

    def __str__(self) -> str:
        width, depth = (Decimal(v).normalize() for v in (self.width_m, self.depth_m))
        return f"{self.name} ({width:f}×{depth:f} m)"


class ReservedFor(models.TextChoices):
    RED_CROSS = "red_cross", _("Red Cross shop")
    AGENCY = "agency", _("Government agency")
    INVITED = "invited", _("Invited producer")
    SPONSOR = "sponsor", _("Sponsor")
    OTHER = "other", _("Other")


class BoothQuerySet(ProvinceWide):
    def drawable(self):
        """Booths that go into the draw: not reserved beforehand."""
        return self.filter(reserved_for="")


@track()
class Booth(ProvinceWideModel):
    """One booth on the plan. Position and size are in metres from the plan's top left."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="booths")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="booths")
    booth_type = models.ForeignKey(
        BoothType, on_delete=models.PROTECT, related_name="booths", verbose_name=_("booth type")
    )
    code = models.CharField(_("booth number"), max_length=20)
    order = models.PositiveIntegerField(
        _("place along the zone"), default=0, help_text=_("Booths are numbered in this order.")
    )
    x = models.DecimalField(_("x (m)"), max_digits=7, decimal_places=2, default=0)
    y = models.DecimalField(_("y (m)"), max_digits=7, decimal_places=2, default=0)
    width = models.DecimalField(_("width on the plan (m)"), max_digits=5, decimal_places=2)
    height = models.DecimalField(_("depth on the plan (m)"), max_digits=5, decimal_places=2)
    reserved_for = models.CharField(
        _("reserved for"), max_length=20, choices=ReservedFor.choices, blank=True
    )
    reserved_note = models.CharField(
        _("reserved: who and why"),
        max_length=300,
        blank=True,
        help_text=_("Published with the plan, e.g. “Red Cross shop of the province”."),
    )

    objects = BoothQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["fair", "zone__code", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "code"],
                name="booth_code_unique_in_fair",
                violation_error_message=_("This fair already has a booth with that number."),
            ),
            models.CheckConstraint(
                name="booth_reservation_has_reason",
                condition=Q(reserved_for="") | ~Q(reserved_note=""),
                violation_error_message=_("Say who the booth is reserved for and why."),
            ),
            models.CheckConstraint(
                name="booth_has_size",
                condition=Q(width__gt=0, height__gt=0, x__gte=0, y__gte=0),
                violation_error_message=_("A booth needs a size and a place on the plan."),
            ),
        ]
        indexes = [
            # The fair pages count each fair's drawable booths (drawable()) from this
            # index alone: 2,500 booths in 0.1 ms, not 0.4 ms through the table.
            models.Index(fields=["fair"], name="booth_drawable", condition=Q(reserved_for=""))
        ]
        triggers = [FIXED_ONCE_FROZEN]

    def __str__(self) -> str:
        return self.code

    @property
    def is_reserved(self) -> bool:
        return bool(self.reserved_for)


@track()
class Policy(ProvinceWideModel):
    """The allocation rules of one fair, in numbered versions. A version is published
    before applications open and is never changed afterwards; the draw uses the
    version in force when the list was frozen."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="policies")
    version = models.PositiveIntegerField(_("version"))
    star_bonus = models.BooleanField(
        _("an extra ticket for 3–5 stars"),
        default=True,
        help_text=_("Verified OPC rating of 3 to 5 stars among the products listed."),
    )
    miss_bonus_cap = models.PositiveSmallIntegerField(
        _("extra tickets for previous misses, at most"),
        default=2,
        validators=[MaxValueValidator(2)],
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("offer valid (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay after accepting"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    notes = models.TextField(_("notes"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("allocation policy")
        verbose_name_plural = _("allocation policies")
        ordering = ["fair", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "version"], name="policy_version_unique_in_fair"
            ),
            models.CheckConstraint(
                name="policy_published_with_who_and_when",
                condition=Q(published_at__isnull=True, published_by__isnull=True)
                | Q(published_at__isnull=False, published_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fair} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuotaKind(models.TextChoices):
    DISTRICT = "district", _("District")
    CATEGORY = "category", _("Category")


@track()
class PolicyQuota(ProvinceWideModel):
    """A district's or a category's minimum and maximum number of booths."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="quotas")
    kind = models.CharField(_("quota of"), max_length=10, choices=QuotaKind.choices)
    key = models.CharField(_("district code or category"), max_length=20)
    minimum = models.PositiveIntegerField(_("minimum"), default=0)
    maximum = models.PositiveIntegerField(
        _("maximum"), null=True, blank=True, help_text=_("Empty: no maximum.")
    )

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["policy", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind", "key"], name="one_quota_per_key"),
            models.CheckConstraint(
                name="quota_minimum_not_above_maximum",
                condition=Q(maximum__isnull=True) | Q(minimum__lte=models.F("maximum")),
                violation_error_message=_("The minimum cannot be above the maximum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.minimum}–{self.maximum if self.maximum is not None else '∞'}"
