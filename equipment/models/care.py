"""Looking after the machines and their borrowers: maintenance tickets, stocktakes,
suspensions, accepted terms and training sign-offs."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipment.models.bookings import Loan
from equipment.models.inventory import EquipmentType, EquipmentUnit, TermsVersion
from equipment.models.settings import ProvinceWide
from members.models import Producer
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet


class TicketKind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    SERVICE = "service", _("Preventive service")
    INSPECTION = "inspection", _("Inspection")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Closed unresolved")


@track()
class MaintenanceTicket(models.Model):
    """Work on a unit. Closed as resolved or unresolved, never deleted (research §4 #7)."""

    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TicketKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    reason = models.TextField(_("what is wrong or due"))
    loan = models.ForeignKey(
        Loan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("found at the return of"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    vendor = models.CharField(_("repaired by"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("cost (baht)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    resolution = models.TextField(_("what was done"), blank=True)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("maintenance ticket")
        verbose_name_plural = _("maintenance tickets")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(name="ticket_cost_not_negative", condition=Q(cost__gte=0)),
            models.CheckConstraint(
                name="closed_ticket_has_date",
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                violation_error_message=_("A closed ticket needs the date it was closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


@track()
class Stocktake(models.Model):
    """A unit seen (or not) at a stocktake (R23)."""

    unit = models.ForeignKey(
        EquipmentUnit, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("unit")
    )
    on = models.DateField(_("date"))
    found = models.BooleanField(_("found"), default=True)
    location_seen = models.CharField(_("where it was"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.on}"


class ByProducer(ScopedQuerySet):
    district_path = "producer__district"


class SuspensionQuerySet(ByProducer):
    def in_force(self, today=None):
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today, lifted_at__isnull=True)


@track()
class Suspension(models.Model):
    """A producer may not book for a time (R19): set automatically after repeated late
    returns, no-shows or damage, or by staff; staff can lift it with a reason."""

    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="equipment_suspensions",
        verbose_name=_("producer"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
        help_text=_("Empty when the rules set it."),
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("why it was lifted"), blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="suspension_ends_after_start",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("A suspension cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="lifted_suspension_has_reason",
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                violation_error_message=_("Say why the suspension is lifted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.starts_on}–{self.ends_on}"


@track()
class TermsAcceptance(models.Model):
    """A producer accepted a version of a type's terms of use (R1)."""

    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="equipment_terms",
        verbose_name=_("producer"),
    )
    terms = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="acceptances", verbose_name=_("terms")
    )
    accepted_by_name = models.CharField(_("accepted by (the producer's person)"), max_length=200)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ByProducer.as_manager()

    class Meta:
        verbose_name = _("accepted terms")
        verbose_name_plural = _("accepted terms")
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "terms"], name="terms_accepted_once_per_producer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.terms}"


@track()
class TrainingSignoff(models.Model):
    """A producer was trained on a type that requires it (R1)."""

    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="equipment_training",
        verbose_name=_("producer"),
    )
    equipment_type = models.ForeignKey(
        EquipmentType, on_delete=models.PROTECT, related_name="trained", verbose_name=_("type")
    )
    trained_on = models.DateField(_("trained on"))
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ByProducer.as_manager()

    class Meta:
        verbose_name = _("training sign-off")
        verbose_name_plural = _("training sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "equipment_type"], name="trained_once_per_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.equipment_type}"
