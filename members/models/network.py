"""The network's own records about its producers: membership, contacts, sales, and
the log of who saw a national ID in full."""

from datetime import date, timedelta

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.registry import BE_YEAR_VALIDATORS, Person, Producer, Timestamped
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet


def fiscal_year_be(day: date) -> int:
    """The government fiscal year (B.E.) a day falls in: FY N runs 1 Oct N−1 … 30 Sep N."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def fiscal_year_end(year_be: int) -> date:
    return date(year_be - 543, 9, 30)


class NetworkSettingsQuerySet(ScopedQuerySet):
    district_path = None


@track()
class NetworkSettings(models.Model):
    """The network's settings the CDD office may change (one row). The defaults are the
    research's proposals; each is shown on the page where it applies."""

    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=90,
        help_text=_("How long a membership stays in grace after its fiscal year ends."),
    )
    annual_fee = models.DecimalField(
        _("annual membership fee (baht)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    representatives_per_district = models.PositiveSmallIntegerField(
        _("representatives per district on the provincial committee"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    objects = NetworkSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")
        constraints = [models.CheckConstraint(name="one_settings_row", condition=Q(pk=1))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "NetworkSettings":
        return cls.objects.get_or_create(pk=1)[0]


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    GRACE = "grace", _("In grace")
    LAPSED = "lapsed", _("Lapsed")
    RESIGNED = "resigned", _("Resigned")
    REMOVED = "removed", _("Removed")


# What is stored; active, grace and lapsed follow from `valid_until` when read.
STORED_STATUSES = [
    (MembershipStatus.PENDING, MembershipStatus.PENDING.label),
    (MembershipStatus.ACTIVE, MembershipStatus.ACTIVE.label),
    (MembershipStatus.RESIGNED, MembershipStatus.RESIGNED.label),
    (MembershipStatus.REMOVED, MembershipStatus.REMOVED.label),
]


def past_due(today: date | None = None, *, via: str = "") -> Q:
    """Memberships in grace or lapsed on `today`: active, valid to a day gone (an
    active membership always has its dates: active_membership_has_dates). `via` is the
    path to the membership from the model filtered ("membership__" from a producer)."""
    today = today or timezone.localdate()
    return Q(**{f"{via}status": MembershipStatus.ACTIVE, f"{via}valid_until__lt": today})


class NetworkMembershipQuerySet(ScopedQuerySet):
    district_path = "producer__district"

    def with_status(self, *, today: date | None = None, grace_days: int | None = None):
        """Annotate `status_today`, derived from the dates as of `today`."""
        today = today or timezone.localdate()
        if grace_days is None:
            grace_days = NetworkSettings.current().grace_days
        return self.annotate(
            status_today=models.Case(
                models.When(~Q(status=MembershipStatus.ACTIVE), then=models.F("status")),
                models.When(valid_until__gte=today, then=models.Value(MembershipStatus.ACTIVE)),
                models.When(
                    valid_until__gte=today - timedelta(days=grace_days),
                    then=models.Value(MembershipStatus.GRACE),
                ),
                default=models.Value(MembershipStatus.LAPSED),
                output_field=models.CharField(),
            )
        )


@track()
class NetworkMembership(Timestamped):
    """A producer's membership of the network, valid to the end of a fiscal year."""

    producer = models.OneToOneField(
        Producer, on_delete=models.CASCADE, related_name="membership", verbose_name=_("producer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=STORED_STATUSES, default=MembershipStatus.PENDING
    )
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    fee_exempt = models.BooleanField(_("exempt from the fee"), default=False)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.CheckConstraint(
                name="ended_membership_has_end_date",
                condition=~Q(status__in=[MembershipStatus.RESIGNED, MembershipStatus.REMOVED])
                | Q(ended_on__isnull=False),
                violation_error_message=_("A membership that ended needs the date it ended."),
            ),
            models.CheckConstraint(
                name="valid_to_a_fiscal_year_end",
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__month=9, valid_until__day=30),
                violation_error_message=_(
                    "A membership is valid to the end of a fiscal year (30 September)."
                ),
            ),
            models.CheckConstraint(
                name="active_membership_has_dates",
                condition=~Q(status=MembershipStatus.ACTIVE)
                | Q(joined_on__isnull=False, valid_until__isnull=False),
                violation_error_message=_("An active membership needs its dates."),
            ),
        ]
        indexes = [
            # The home pages count each district's members due (in grace or lapsed:
            # active, valid to a day gone) from the district's producers, read from
            # this index alone: 1,000 producers in 2 ms, not a scan of the country's
            # memberships (15 ms at 100,000).
            models.Index(
                fields=["producer", "valid_until"],
                name="membership_active_until",
                condition=Q(status=MembershipStatus.ACTIVE),
            ),
        ]

    def __str__(self) -> str:
        return str(self.producer)

    def current_status(self, today: date | None = None, grace_days: int | None = None) -> str:
        if self.status != MembershipStatus.ACTIVE:
            return self.status
        today = today or timezone.localdate()
        if grace_days is None:
            grace_days = NetworkSettings.current().grace_days
        if self.valid_until >= today:
            return MembershipStatus.ACTIVE
        if self.valid_until >= today - timedelta(days=grace_days):
            return MembershipStatus.GRACE
        return MembershipStatus.LAPSED

    def get_current_status_display(self) -> str:
        return str(MembershipStatus(self.current_status()).label)


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    TRAINING = "training", _("Training")
    FAIR = "fair", _("Fair")


class ContactLogQuerySet(ScopedQuerySet):
    district_path = "producer__district"


@track()
class ContactLog(Timestamped):
    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("producer")
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class SalesChannel(models.TextChoices):
    FAIR = "fair", _("Fair")
    SHOP = "shop", _("Shop")
    ONLINE = "online", _("Online")
    EXPORT = "export", _("Export")


class SalesReportQuerySet(ScopedQuerySet):
    district_path = "producer__district"


@track()
class SalesReport(Timestamped):
    """A producer's sales in one quarter of a fiscal year through one channel."""

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="sales", verbose_name=_("producer")
    )
    fiscal_year_be = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"), validators=BE_YEAR_VALIDATORS
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    channel = models.CharField(_("channel"), max_length=10, choices=SalesChannel.choices)
    amount = models.DecimalField(
        _("sales (baht)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    objects = SalesReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales report")
        verbose_name_plural = _("sales reports")
        ordering = ["-fiscal_year_be", "-quarter", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "fiscal_year_be", "quarter", "channel"],
                name="one_sales_figure_per_quarter_and_channel",
                violation_error_message=_(
                    "Sales for this quarter and channel are already reported."
                ),
            ),
            models.CheckConstraint(
                name="sales_quarter_1_to_4", condition=Q(quarter__gte=1, quarter__lte=4)
            ),
            models.CheckConstraint(name="sales_not_negative", condition=Q(amount__gte=0)),
        ]


class NationalIdViewQuerySet(ScopedQuerySet):
    district_path = "person__district"


class NationalIdView(models.Model):
    """Each time someone saw a national ID in full (DOMAIN.md §3). The database refuses
    to change or delete these rows."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seen by"),
    )
    viewed_at = models.DateTimeField(_("seen"), default=timezone.now)
    path = models.CharField(_("page"), max_length=300)

    objects = NationalIdViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("national ID view")
        verbose_name_plural = _("national ID views")
        ordering = ["-viewed_at"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.viewed_by_id} → {self.person_id} {self.viewed_at:%Y-%m-%d %H:%M}"


class ReceiptCounterQuerySet(ScopedQuerySet):
    district_path = None


class ReceiptCounter(models.Model):
    """The last number issued in a receipt series and year. Locked (SELECT … FOR
    UPDATE) in the transaction that issues the next receipt, so numbers have no gaps
    and no repeats."""

    series = models.CharField(max_length=20)
    year_be = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    objects = ReceiptCounterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year_be"], name="one_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year_be}: {self.last_number}"


class MembershipPaymentQuerySet(ScopedQuerySet):
    district_path = "membership__producer__district"


@track()
class MembershipPayment(models.Model):
    """A membership renewed for one fiscal year, with the fee paid (0 when there is no
    fee or the member is exempt) and, for a fee, its receipt number. Never changed."""

    membership = models.ForeignKey(
        NetworkMembership,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("membership"),
    )
    fiscal_year_be = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"), validators=BE_YEAR_VALIDATORS
    )
    amount = models.DecimalField(
        _("amount (baht)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"))
    receipt_no = models.CharField(
        _("receipt number"), max_length=20, null=True, blank=True, unique=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = MembershipPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership renewal")
        verbose_name_plural = _("membership renewals")
        ordering = ["-fiscal_year_be"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "fiscal_year_be"],
                name="one_renewal_per_fiscal_year",
                violation_error_message=_(
                    "This membership is already renewed for that fiscal year."
                ),
            ),
            models.CheckConstraint(name="renewal_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="a_fee_has_a_receipt",
                condition=Q(amount=0, receipt_no__isnull=True)
                | Q(amount__gt=0, receipt_no__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.membership} {self.fiscal_year_be}"
