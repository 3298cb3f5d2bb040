"""The record of what was done with a person's data on their request (Thailand's PDPA):
an export of everything the portal holds about them, or their anonymisation.

The record names the person by id only and holds no personal data, so it survives
the anonymisation it records. The database refuses to change or delete its rows.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.scoping import ScopedQuerySet


class DataActionKind(models.TextChoices):
    EXPORT = "export", _("Data exported")
    ANONYMISE = "anonymise", _("Anonymised")


class PersonDataActionQuerySet(ScopedQuerySet):
    district_path = "person__district"


class PersonDataAction(models.Model):
    """Who exported or anonymised whose data, when, and why."""

    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="data_actions",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("action"), max_length=10, choices=DataActionKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    # {"<what>": count, ...}: how many rows of each kind were exported or cleared
    summary = models.JSONField(_("what was done"), default=dict, blank=True)

    objects = PersonDataActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data action")
        verbose_name_plural = _("personal data actions")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="anonymise"),
                name="anonymised_once",
                violation_error_message=_("This person is already anonymised."),
            ),
            models.CheckConstraint(
                name="anonymise_has_reason", condition=~Q(kind="anonymise") | ~Q(reason="")
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id} {self.at:%Y-%m-%d %H:%M}"
