"""The year's profit allocation (จัดสรรกำไรสุทธิ): a snapshot that moves from draft to
approved by the meeting to posted. A posted allocation never changes."""

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet
from savings.models.policy import MONEY


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by the meeting")
    POSTED = "posted", _("Posted")


class AllocationRunQuerySet(ScopedQuerySet):
    district_path = None


@track()
class AllocationRun(models.Model):
    year_start = models.DateField(_("year from"))
    year_end = models.DateField(_("year to"), unique=True)
    policy = models.ForeignKey(
        "savings.GroupPolicy", on_delete=models.PROTECT, related_name="+", verbose_name=_("policy")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    net_profit = models.DecimalField(_("net profit"), **MONEY)
    dividend = models.DecimalField(_("dividend"), **MONEY)
    refund = models.DecimalField(_("refund of interest"), **MONEY)
    reserve = models.DecimalField(_("reserve"), **MONEY)
    welfare = models.DecimalField(_("welfare"), **MONEY)
    committee = models.DecimalField(_("committee pay"), **MONEY)
    network = models.DecimalField(_("network support"), **MONEY)
    prepared_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared"), auto_now=True)
    meeting_number = models.CharField(_("approved at meeting"), max_length=50, blank=True)
    approved_by = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval recorded by"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    entry = models.OneToOneField(
        "savings.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation_run",
    )

    objects = AllocationRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("profit allocation")
        verbose_name_plural = _("profit allocations")
        ordering = ["-year_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    net_profit=models.F("dividend")
                    + models.F("refund")
                    + models.F("reserve")
                    + models.F("welfare")
                    + models.F("committee")
                    + models.F("network")
                )
                | Q(net_profit__lte=0),
                name="allocation_parts_sum_to_whole",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.POSTED) | Q(entry__isnull=False) | Q(net_profit=0),
                name="posted_allocation_has_entry",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="posted_is_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status=RunStatus.POSTED),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_start:%Y-%m}–{self.year_end:%Y-%m}"


class AllocationLineQuerySet(ScopedQuerySet):
    district_path = "saver__district"


class AllocationLine(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="lines")
    saver = models.ForeignKey("savings.Saver", on_delete=models.PROTECT, related_name="+")
    unit_months = models.DecimalField(_("unit-months"), max_digits=12, decimal_places=2)
    dividend = models.DecimalField(_("dividend"), **MONEY)
    interest_paid = models.DecimalField(_("loan interest paid"), **MONEY)
    refund = models.DecimalField(_("refund"), **MONEY)

    objects = AllocationLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["run", "saver"]
        constraints = [
            models.UniqueConstraint(fields=["run", "saver"], name="one_line_per_saver"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="posted_lines_are_final",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF EXISTS (SELECT 1 FROM savings_allocationrun r
                           WHERE r.id = OLD.run_id AND r.status = 'posted') THEN
                    RAISE EXCEPTION 'savings: a posted allocation stays as it is';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.saver_id}"

    @property
    def total(self):
        return self.dividend + self.refund
