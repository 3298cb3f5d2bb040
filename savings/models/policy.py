"""The group's policy: every number of the savings group's rules, versioned with the
date it takes effect (research/savings.md §1). A version that has taken effect is
never changed (the database refuses it); the committee adds a new version instead."""

from datetime import date
from decimal import Decimal

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 6, "decimal_places": 3}
# Thai Civil and Commercial Code §654: at most 15 % a year, i.e. 1.25 % a month.
LEGAL_MONTHLY_RATE_CAP = Decimal("1.25")


def within_legal_rate(value: Decimal) -> None:
    """Thai Civil and Commercial Code §654: no more than 15 % a year."""
    if value is not None and value > LEGAL_MONTHLY_RATE_CAP:
        raise ValidationError(
            _(
                "Interest above 15 % a year (1.25 % a month) is against the law "
                "(Civil and Commercial Code §654)."
            )
        )


def _money(label, default, **kwargs):
    return models.DecimalField(
        label, default=Decimal(default), validators=[MinValueValidator(0)], **MONEY, **kwargs
    )


def _percent(label, default, **kwargs):
    return models.DecimalField(
        label,
        default=Decimal(default),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
        **kwargs,
    )


class PolicyQuerySet(ScopedQuerySet):
    district_path = None

    def in_effect_on(self, day: date):
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


@track()
class GroupPolicy(models.Model):
    """One version of the group's rules (ระเบียบกลุ่ม), in effect from `effective_from`
    until the next version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in effect from"), unique=True)
    adopted_at_meeting = models.CharField(
        _("adopted at meeting"), max_length=100, blank=True, help_text=_("e.g. ครั้งที่ 1/2569")
    )
    # Membership and pledged savings (สัจจะ)
    unit_value = models.DecimalField(
        _("value of one pledged unit"),
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("1"))],
        **MONEY,
    )
    min_units = models.PositiveSmallIntegerField(
        _("fewest units a month"), default=1, validators=[MinValueValidator(1)]
    )
    max_units = models.PositiveSmallIntegerField(
        _("most units a month"), default=20, validators=[MinValueValidator(1)]
    )
    entry_fee = _money(_("entry fee"), "20.00")
    min_age = models.PositiveSmallIntegerField(_("youngest age to join"), default=18)
    year_start_month = models.PositiveSmallIntegerField(
        _("first month of the accounting year"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    missed_months_review = models.PositiveSmallIntegerField(
        _("missed months before the committee reviews a membership"), default=3
    )
    # Voluntary deposits (เงินฝาก)
    deposit_min_balance = _money(_("smallest deposit balance kept"), "100.00")
    deposit_rate_pa = _percent(_("deposit interest, % a year"), "0.500")
    withdrawal_approval_over = _money(_("withdrawals above this need a second approver"), "5000.00")
    # Loans: the types are rows of LoanType; these rules hold for every type
    min_months_for_loan = models.PositiveSmallIntegerField(
        _("months of membership before a first loan"), default=6
    )
    guarantor_max_loans = models.PositiveSmallIntegerField(
        _("most live loans one member may guarantee"), default=2
    )
    fine_grace_days = models.PositiveSmallIntegerField(_("days of grace before a fine"), default=7)
    fine_flat = _money(_("fine per late instalment"), "20.00")
    # xgettext:no-python-format
    fine_pct = _percent(_("fine, % of the late instalment"), "0.000")
    # Year-end allocation of net profit: must sum to 100
    dividend_pct = _percent(_("dividend on pledged savings, %"), "60")
    refund_pct = _percent(_("refund of loan interest, %"), "10")
    reserve_pct = _percent(_("reserve, %"), "10")
    welfare_pct = _percent(_("members' welfare, %"), "10")
    committee_pct = _percent(_("committee pay, %"), "5")
    network_pct = _percent(_("support for the OTOP network, %"), "5")
    max_dividend_rate_pa = models.DecimalField(
        _("highest dividend, % a year of savings"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("group policy")
        verbose_name_plural = _("group policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    dividend_pct=100
                    - F("refund_pct")
                    - F("reserve_pct")
                    - F("welfare_pct")
                    - F("committee_pct")
                    - F("network_pct")
                ),
                name="allocation_sums_to_100",
                violation_error_message=_("The allocation percentages must add up to 100."),
            ),
            models.CheckConstraint(
                condition=Q(min_units__lte=F("max_units")),
                name="units_range",
                violation_error_message=_("The fewest units must not exceed the most."),
            ),
        ]
        triggers = [
            # A version in effect is history: it is never changed or removed.
            pgtrigger.Protect(
                name="effective_versions_stay",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Condition("OLD.effective_from <= CURRENT_DATE"),
            )
        ]

    def __str__(self) -> str:
        return _("Policy version %(version)s") % {"version": self.version}

    def allocation_percentages(self) -> dict[str, Decimal]:
        return {
            "dividend": self.dividend_pct,
            "refund": self.refund_pct,
            "reserve": self.reserve_pct,
            "welfare": self.welfare_pct,
            "committee": self.committee_pct,
            "network": self.network_pct,
        }


class LoanTypeQuerySet(ScopedQuerySet):
    district_path = None


@track()
class LoanType(models.Model):
    """A kind of loan under one policy version (สามัญ, ฉุกเฉิน…). A loan copies its
    rate and term when it is made: a later change applies to new loans only."""

    policy = models.ForeignKey(
        GroupPolicy, on_delete=models.PROTECT, related_name="loan_types", verbose_name=_("policy")
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    monthly_rate_pct = models.DecimalField(
        _("interest, % a month on the outstanding balance"),
        default=Decimal("1.000"),
        validators=[MinValueValidator(0), within_legal_rate],
        **PERCENT,
    )
    max_term_months = models.PositiveSmallIntegerField(
        _("longest term, months"), default=12, validators=[MinValueValidator(1)]
    )
    # xgettext:no-python-format
    no_guarantor_pct = _percent(_("limit without guarantors, % of own pledged savings"), "90")
    guaranteed_multiple = models.DecimalField(
        _("limit with guarantors, times own pledged savings"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3"),
        validators=[MinValueValidator(0)],
    )
    guarantors_required = models.PositiveSmallIntegerField(
        _("guarantors needed above the limit without"), default=2
    )
    max_amount = models.DecimalField(
        _("largest loan"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    max_fund_pct = models.DecimalField(
        # xgettext:no-python-format
        _("largest loan, % of the group's lendable fund"),
        null=True,
        blank=True,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
    )

    objects = LoanTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan type")
        verbose_name_plural = _("loan types")
        ordering = ["policy", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "code"], name="one_loan_type_code_per_policy"
            ),
            models.CheckConstraint(
                condition=Q(monthly_rate_pct__gte=0, monthly_rate_pct__lte=LEGAL_MONTHLY_RATE_CAP),
                name="rate_within_legal_cap",
                violation_error_message=_(
                    "Interest above 15 % a year (1.25 % a month) is against the law "
                    "(Civil and Commercial Code §654)."
                ),
            ),
        ]

        triggers = [
            pgtrigger.Trigger(
                name="effective_types_stay",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF EXISTS (SELECT 1 FROM savings_grouppolicy p
                           WHERE p.id = OLD.policy_id AND p.effective_from <= CURRENT_DATE) THEN
                    RAISE EXCEPTION 'savings: a loan type of a policy in effect stays as it is';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
                """,
            )
        ]

    def __str__(self) -> str:
        return self.name
