"""Applications for a booth: by a district committee member on a producer's behalf,
or by staff; one per producer per fair; reviewed by the fair committee."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairs.models.setup import BoothType, Fair, Zone
from members.models import Category as ProductCategory
from members.models import District, Producer, Product
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet

FRESH_PRODUCE = "fresh"


class FairCategory(models.TextChoices):
    """The five OTOP product categories (members.Category) plus fresh farm produce,
    which this fair also sells."""

    FOOD = ProductCategory.FOOD.value, ProductCategory.FOOD.label
    BEVERAGE = ProductCategory.BEVERAGE.value, ProductCategory.BEVERAGE.label
    TEXTILE = ProductCategory.TEXTILE.value, ProductCategory.TEXTILE.label
    DECOR = ProductCategory.DECOR.value, ProductCategory.DECOR.label
    HERBAL = ProductCategory.HERBAL.value, ProductCategory.HERBAL.label
    FRESH = FRESH_PRODUCE, _("Fresh farm produce")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for review")
    NEEDS_INFO = "needs_info", _("Needs information")
    ELIGIBLE = "eligible", _("Eligible")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LIVE = (ApplicationStatus.SUBMITTED, ApplicationStatus.NEEDS_INFO, ApplicationStatus.ELIGIBLE)


class ApplicationQuerySet(ScopedQuerySet):
    district_path = "district"

    def live(self):
        return self.filter(status__in=LIVE)


@track()
class Application(models.Model):
    fair = models.ForeignKey(
        Fair, on_delete=models.PROTECT, related_name="applications", verbose_name=_("fair")
    )
    number = models.PositiveIntegerField(
        _("application number"), help_text=_("Numbered 1, 2, 3… within the fair.")
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="fair_applications",
        verbose_name=_("producer"),
    )
    # The producer's district when the application was made: the district that sees
    # it, and the one its quota counts for.
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    category = models.CharField(_("category"), max_length=20, choices=FairCategory.choices)
    booth_type = models.ForeignKey(
        BoothType,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("booth type"),
    )
    zone_1 = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first choice of zone"),
        null=True,
        blank=True,
    )
    zone_2 = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second choice of zone"),
        null=True,
        blank=True,
    )
    zone_3 = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("third choice of zone"),
        null=True,
        blank=True,
    )
    products = models.ManyToManyField(
        Product, related_name="fair_applications", verbose_name=_("products to sell"), blank=True
    )
    products_note = models.TextField(
        _("other goods to sell"),
        blank=True,
        help_text=_("Fresh produce or goods not in the registry."),
    )
    needs = models.CharField(_("special needs"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    review_reason = models.CharField(_("review reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    on_behalf = models.BooleanField(
        _("submitted on the producer's behalf"),
        default=True,
        help_text=_("Producers do not log in: a committee member or staff submits for them."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth application")
        verbose_name_plural = _("booth applications")
        ordering = ["fair", "number"]
        indexes = [
            models.Index(fields=["fair", "status"], name="application_fair_status"),
            # A district member's counts of a fair's applications (the fair pages and
            # the home page), read from the index alone.
            models.Index(fields=["fair", "district", "status"], name="application_fair_district"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "number"], name="application_number_unique_in_fair"
            ),
            models.UniqueConstraint(
                fields=["fair", "producer"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_producer",
                violation_error_message=_("This producer has already applied for this fair."),
            ),
            models.CheckConstraint(
                name="application_decision_has_reason",
                condition=Q(status__in=["submitted", "eligible", "withdrawn"])
                | ~Q(review_reason=""),
                violation_error_message=_("Give a reason for the decision."),
            ),
            models.CheckConstraint(
                name="application_withdrawn_when",
                condition=Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="application_zones_differ",
                condition=(Q(zone_2__isnull=True) | ~Q(zone_2=models.F("zone_1")))
                & (
                    Q(zone_3__isnull=True)
                    | (~Q(zone_3=models.F("zone_1")) & ~Q(zone_3=models.F("zone_2")))
                ),
                violation_error_message=_("Choose each zone only once."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.producer}"

    def get_absolute_url(self) -> str:
        return reverse("fairs:application_detail", args=[self.pk])

    @property
    def zones(self) -> list:
        return [z for z in (self.zone_1, self.zone_2, self.zone_3) if z is not None]

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ApplicationStatus.WITHDRAWN
