"""The record of a merge: provincial staff found one producer registered twice and
folded the duplicate into the record they kept (members/services/merge.py)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.registry import Producer
from otop_portal.lib.scoping import ScopedQuerySet


class ProducerMergeQuerySet(ScopedQuerySet):
    district_path = "kept__district"


class ProducerMerge(models.Model):
    """Who merged which producer into which, when, why, and what moved. The database
    refuses to change or delete these rows; the rows that moved have their own history."""

    kept = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="merges_received",
        verbose_name=_("producer kept"),
    )
    absorbed = models.OneToOneField(
        Producer,
        on_delete=models.PROTECT,
        related_name="merge",
        verbose_name=_("duplicate merged in"),
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    reason = models.TextField(_("reason"))
    # {"moved": {"<model verbose name plural>": count, ...}, "notes": ["...", ...]}
    summary = models.JSONField(_("what moved"), default=dict)

    objects = ProducerMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer merge")
        verbose_name_plural = _("producer merges")
        ordering = ["-merged_at"]
        constraints = [
            models.CheckConstraint(
                name="merge_two_different_producers", condition=~Q(kept=models.F("absorbed"))
            ),
            models.CheckConstraint(name="merge_has_reason", condition=~Q(reason="")),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.kept_id}"
