"""Savers: members of the savings group (form อทผ-01), their beneficiaries, their
monthly pledge, and the balances the ledger keeps for each of them."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet
from savings.models.policy import MONEY


class SaverStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Member")
    REJECTED = "rejected", _("Not admitted")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")
    EXPELLED = "expelled", _("Expelled")


LIVE = [SaverStatus.APPLIED, SaverStatus.ACTIVE]
LEFT = [SaverStatus.RESIGNED, SaverStatus.DECEASED, SaverStatus.EXPELLED]


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    WIDOWED = "widowed", _("Widowed")
    DIVORCED = "divorced", _("Divorced or separated")


class SaverQuerySet(ScopedQuerySet):
    district_path = "district"

    def active(self):
        return self.filter(status=SaverStatus.ACTIVE)


@track()
class Saver(models.Model):
    """A person of the registry who applied to, or is a member of, the savings group.
    The application's details are those of form อทผ-01."""

    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="savers", verbose_name=_("person")
    )
    district = models.ForeignKey(
        "members.District",
        on_delete=models.PROTECT,
        related_name="savers",
        verbose_name=_("district"),
        help_text=_("The district whose collection sheet lists this saver."),
    )
    member_number = models.PositiveIntegerField(
        _("member number"), null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SaverStatus.choices, default=SaverStatus.APPLIED
    )
    # Form อทผ-01
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True
    )
    spouse_member_number = models.PositiveIntegerField(
        _("spouse's member number"), null=True, blank=True
    )
    occupation = models.CharField(_("main occupation"), max_length=150, blank=True)
    other_occupation = models.CharField(_("other occupation"), max_length=150, blank=True)
    monthly_income = models.DecimalField(
        _("income a month"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    other_memberships = models.CharField(
        _("other groups and cooperatives"), max_length=300, blank=True
    )
    witness_1 = models.CharField(_("first witness"), max_length=150, blank=True)
    witness_2 = models.CharField(_("second witness"), max_length=150, blank=True)
    applied_on = models.DateField(_("applied on"))
    applied_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    # The committee's decision
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    meeting_number = models.CharField(_("meeting"), max_length=50, blank=True)
    decided_by = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    # Leaving
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)

    objects = SaverQuerySet.as_manager()

    class Meta:
        verbose_name = _("saver")
        verbose_name_plural = _("savers")
        ordering = ["member_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=LIVE),
                name="one_live_saver_per_person",
                violation_error_message=_("This person already applied or is a member."),
            ),
            models.CheckConstraint(
                condition=Q(status=SaverStatus.APPLIED)
                | Q(status=SaverStatus.REJECTED)
                | Q(member_number__isnull=False),
                name="member_has_number",
            ),
        ]
        indexes = [models.Index(fields=["district", "status"], name="saver_district_status")]

    def __str__(self) -> str:
        if self.member_number:
            return f"{self.member_number:04d} {self.person}"
        return str(self.person)

    @property
    def is_member(self) -> bool:
        return self.status == SaverStatus.ACTIVE


class BeneficiaryQuerySet(ScopedQuerySet):
    district_path = "saver__district"


@track()
class Beneficiary(models.Model):
    """Who receives the saver's money on their death (form อทผ-01-2): up to three
    people whose shares sum to 100 %."""

    saver = models.ForeignKey(
        Saver, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name=_("saver")
    )
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=50)
    share_pct = models.DecimalField(
        _("share, %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["saver", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_pct__gt=0, share_pct__lte=100), name="beneficiary_share_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.share_pct} %)"


class PledgeQuerySet(ScopedQuerySet):
    district_path = "saver__district"


@track()
class Pledge(models.Model):
    """The units a saver pledged to save each month, from a month on. The first is the
    application's; later ones change it (a decrease only from the start of a year and
    only without debt). The rows are the basis of the expected savings and arrears, so
    a change is a new row from its month; the history is kept by trigger."""

    saver = models.ForeignKey(
        Saver, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("saver")
    )
    units = models.PositiveSmallIntegerField(_("units a month"))
    from_month = models.DateField(_("from month"), help_text=_("The first day of the month."))
    recorded_by = models.ForeignKey("members.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["saver", "from_month"]
        constraints = [
            models.UniqueConstraint(fields=["saver", "from_month"], name="one_pledge_per_month"),
            models.CheckConstraint(condition=Q(units__gte=1), name="pledge_at_least_one_unit"),
            models.CheckConstraint(
                condition=Q(from_month__day=1), name="pledge_from_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.saver_id}: {self.units} × {self.from_month:%Y-%m}"


class SaverAccountQuerySet(ScopedQuerySet):
    district_path = "saver__district"


class SaverAccount(models.Model):
    """A saver's balances, kept by the database from the journal (pledged savings,
    deposits, loan principal) and from live guarantees and pending withdrawals (held).
    The row the services lock before any check on a saver's money. The database
    refuses any write that would leave a negative balance or more held than saved."""

    saver = models.OneToOneField(
        Saver, on_delete=models.PROTECT, primary_key=True, related_name="account"
    )
    pledged = models.DecimalField(_("pledged savings"), default=Decimal("0"), **MONEY)
    deposits = models.DecimalField(_("deposits"), default=Decimal("0"), **MONEY)
    held = models.DecimalField(_("on hold"), default=Decimal("0"), **MONEY)
    loan_principal = models.DecimalField(_("loan principal owed"), default=Decimal("0"), **MONEY)

    objects = SaverAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("saver's balances")
        verbose_name_plural = _("savers' balances")
        constraints = [
            models.CheckConstraint(
                condition=Q(pledged__gte=0, deposits__gte=0, held__gte=0, loan_principal__gte=0),
                name="balances_not_negative",
                violation_error_message=_("A balance cannot go below zero."),
            ),
            models.CheckConstraint(
                condition=Q(held__lte=F("pledged") + F("deposits")),
                name="available_not_negative",
                violation_error_message=_("The available balance cannot go below zero."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.saver_id)

    @property
    def total(self) -> Decimal:
        return self.pledged + self.deposits

    @property
    def available(self) -> Decimal:
        return self.total - self.held

    @property
    def withdrawable(self) -> Decimal:
        """Deposits that may leave: pledged savings stay while a member, and a hold
        beyond the pledged savings reaches into the deposits."""
        return max(Decimal("0"), self.deposits - max(Decimal("0"), self.held - self.pledged))
