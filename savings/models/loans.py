"""Loans to members with their guarantors and instalment schedule, and withdrawals
that wait for a second approver."""

from decimal import Decimal

import pgtrigger
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet
from savings.models.policy import LEGAL_MONTHLY_RATE_CAP, MONEY, PERCENT

# The saver's held amount is the sum of their live guarantee holds and pending
# withdrawals; recomputed by trigger whenever either changes, so the database's
# check on SaverAccount (held ≤ pledged + deposits) sees every change.
RECOMPUTE_HELD = """
UPDATE savings_saveraccount s SET held =
    COALESCE((SELECT SUM(g.held) FROM savings_guarantee g WHERE g.guarantor_id = s.saver_id), 0)
  + COALESCE((SELECT SUM(w.amount) FROM savings_withdrawal w
              WHERE w.saver_id = s.saver_id AND w.status = 'pending'), 0)
WHERE s.saver_id = {saver};
"""


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Waiting for approval")
    APPROVED = "approved", _("Approved, not yet paid out")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ACTIVE = "active", _("Being repaid")
    REPAID = "repaid", _("Repaid")


LIVE_LOAN = [LoanStatus.APPLIED, LoanStatus.APPROVED, LoanStatus.ACTIVE]


class LoanQuerySet(ScopedQuerySet):
    district_path = "saver__district"


@track()
class Loan(models.Model):
    number = models.CharField(_("loan number"), max_length=20, unique=True)
    saver = models.ForeignKey(
        "savings.Saver", on_delete=models.PROTECT, related_name="loans", verbose_name=_("borrower")
    )
    loan_type = models.ForeignKey(
        "savings.LoanType", on_delete=models.PROTECT, related_name="loans", verbose_name=_("type")
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("1"))], **MONEY)
    monthly_rate_pct = models.DecimalField(_("interest, % a month"), **PERCENT)
    term_months = models.PositiveSmallIntegerField(_("term, months"))
    applied_on = models.DateField(_("applied on"))
    recorded_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.APPLIED
    )
    decided_by = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    meeting_number = models.CharField(_("meeting"), max_length=50, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    disbursed_on = models.DateField(_("paid out on"), null=True, blank=True)
    first_due_on = models.DateField(_("first instalment due"), null=True, blank=True)
    principal_outstanding = models.DecimalField(
        _("principal outstanding"), default=Decimal("0"), **MONEY
    )

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("member loan")
        verbose_name_plural = _("member loans")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")),
                name="loan_decided_by_another",
                violation_error_message=_("The person who recorded the loan cannot decide it."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_rate_pct__gte=0, monthly_rate_pct__lte=LEGAL_MONTHLY_RATE_CAP),
                name="loan_rate_within_legal_cap",
            ),
            models.CheckConstraint(
                condition=Q(principal_outstanding__gte=0), name="principal_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(principal_outstanding__lte=F("amount")),
                name="principal_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "saver"], name="loan_status_saver")]

    def __str__(self) -> str:
        return self.number


class GuaranteeQuerySet(ScopedQuerySet):
    district_path = "loan__saver__district"

    def live(self):
        """Guarantees standing on loans not yet repaid, refused or withdrawn."""
        return self.filter(ended_on__isnull=True, loan__status__in=LIVE_LOAN)


@track()
class Guarantee(models.Model):
    """A member's guarantee of a loan (หนังสือค้ำประกัน). From pay-out the amount is
    held on the guarantor's savings and released as the principal is repaid."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="guarantees", verbose_name=_("member loan")
    )
    guarantor = models.ForeignKey(
        "savings.Saver",
        on_delete=models.PROTECT,
        related_name="guarantees_given",
        verbose_name=_("guarantor"),
    )
    amount = models.DecimalField(
        _("amount guaranteed"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    held = models.DecimalField(_("held now"), default=Decimal("0"), **MONEY)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)

    objects = GuaranteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("guarantee")
        verbose_name_plural = _("guarantees")
        constraints = [
            models.UniqueConstraint(fields=["loan", "guarantor"], name="one_guarantee_per_person"),
            models.CheckConstraint(
                condition=Q(held__gte=0, held__lte=F("amount")), name="held_within_guarantee"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(held=0), name="ended_guarantee_holds_nothing"
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="recompute_held",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=RECOMPUTE_HELD.format(saver="NEW.guarantor_id") + "RETURN NULL;",
            ),
            pgtrigger.Protect(name="guarantees_stay", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.guarantor_id}"


class InstalmentQuerySet(ScopedQuerySet):
    district_path = "loan__saver__district"


class Instalment(models.Model):
    """The schedule fixed when the loan is paid out (equal principal, interest on the
    declining balance). What has been paid is read from the journal, never stored here."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("loan")
    )
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"))
    principal = models.DecimalField(_("principal"), **MONEY)
    interest = models.DecimalField(_("interest (planned)"), **MONEY)

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="one_instalment_number"),
        ]
        triggers = [
            pgtrigger.Protect(name="schedule_fixed", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number}"


class WithdrawalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second approver")
    PAID = "paid", _("Paid out")
    REJECTED = "rejected", _("Not approved")
    REVERSED = "reversed", _("Reversed")


class WithdrawalQuerySet(ScopedQuerySet):
    district_path = "saver__district"


@track()
class Withdrawal(models.Model):
    """A withdrawal of deposits. Above the policy's threshold it waits for a second
    approver, and meanwhile its amount is held on the saver's balance."""

    saver = models.ForeignKey(
        "savings.Saver",
        on_delete=models.PROTECT,
        related_name="withdrawals",
        verbose_name=_("saver"),
    )
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    requested_on = models.DateField(_("date"))
    requested_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WithdrawalStatus.choices,
        default=WithdrawalStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    entry = models.OneToOneField(
        "savings.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawal",
    )

    objects = WithdrawalQuerySet.as_manager()

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="withdrawal_decided_by_another",
                violation_error_message=_("The person who recorded it cannot approve it."),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="recompute_held",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=RECOMPUTE_HELD.format(saver="NEW.saver_id") + "RETURN NULL;",
            ),
            pgtrigger.Protect(name="withdrawals_stay", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.saver_id}: {self.amount}"
