"""The draw's records: the frozen list, the public random source, and draws.

All of them are append-only: the database refuses to change or delete a frozen list,
its entries, a draw or its lines (a random source can only be confirmed once, and a
draw only published once). A re-run is a new, unofficial draw.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairs.models.applications import Application, FairCategory
from fairs.models.setup import Booth, Fair, Policy, ProvinceWide, ProvinceWideModel, Zone
from members.models import District
from otop_portal.lib.scoping import ScopedQuerySet


def _changed(*columns: str, already: str) -> pgtrigger.Q:
    """True when `already` was set before, or any of `columns` changes."""
    condition = pgtrigger.Q(**{f"old__{already}__isnull": False})
    for column in columns:
        condition |= pgtrigger.Q(**{f"new__{column}__df": pgtrigger.F(f"old__{column}")})
    return condition


APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class FrozenList(ProvinceWideModel):
    """The eligible list at the deadline: its published text and SHA-256."""

    fair = models.OneToOneField(Fair, on_delete=models.PROTECT, related_name="frozen_list")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    algorithm_version = models.CharField(_("algorithm version"), max_length=10)
    text = models.TextField(_("published list (CSV)"))
    list_hash = models.CharField(_("SHA-256 of the list"), max_length=64)
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frozen by"),
    )

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("frozen list")
        verbose_name_plural = _("frozen lists")
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.fair}: {self.list_hash[:12]}…"


class FrozenEntry(models.Model):
    """One application as it was frozen (its line of the published list)."""

    frozen_list = models.ForeignKey(FrozenList, on_delete=models.PROTECT, related_name="entries")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="frozen_entry"
    )
    number = models.PositiveIntegerField(_("application number"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=FairCategory.choices)
    booth_type_code = models.CharField(_("booth type"), max_length=20)
    zone_codes = models.CharField(_("zones, best first"), max_length=70, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0)
    misses = models.PositiveSmallIntegerField(_("previous misses in a row"), default=0)
    no_show_last = models.BooleanField(_("no-show at the last fair"), default=False)
    prime_last = models.BooleanField(_("prime booth at the last fair"), default=False)
    tickets = models.PositiveSmallIntegerField(_("tickets"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("frozen list entry")
        verbose_name_plural = _("frozen list entries")
        ordering = ["frozen_list", "number"]
        constraints = [
            models.UniqueConstraint(fields=["frozen_list", "number"], name="frozen_number_unique")
        ]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"#{self.number}"


class RandomSource(ProvinceWideModel):
    """The public random source typed in by one person and confirmed by another."""

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="random_sources")
    text = models.CharField(
        _("public random source"),
        max_length=300,
        help_text=_(
            "The Government Lottery results exactly as announced: the draw date, the "
            "first prize, the front and last three-digit prizes and the two-digit prize."
        ),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("typed in by"),
    )
    entered_at = models.DateTimeField(_("typed in"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = ProvinceWide.as_manager()

    class Meta:
        verbose_name = _("public random source")
        verbose_name_plural = _("public random sources")
        ordering = ["fair", "-entered_at"]
        constraints = [
            models.CheckConstraint(
                name="source_confirmed_by_someone_else",
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("entered_by")),
                violation_error_message=_("A second person must confirm the random source."),
            ),
            models.CheckConstraint(
                name="source_confirmed_with_who_and_when",
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["fair"],
                condition=Q(confirmed_at__isnull=False),
                name="one_confirmed_source_per_fair",
                violation_error_message=_("This fair's random source is already confirmed."),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete),
            # Only the confirmation may be added, once; the text never changes.
            pgtrigger.Protect(
                name="confirm_once",
                operation=pgtrigger.Update,
                condition=_changed(
                    "fair_id", "text", "entered_by_id", "entered_at", already="confirmed_at"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Draw(ProvinceWideModel):
    """One run of the lottery on a frozen list. The official draw is unique per fair;
    re-runs (to check, or to show) are unofficial."""

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="draws")
    frozen_list = models.ForeignKey(FrozenList, on_delete=models.PROTECT, related_name="draws")
    source_text = models.CharField(_("public random source"), max_length=300)
    seed = models.CharField(_("seed"), max_length=64)
    algorithm_version = models.CharField(_("algorithm version"), max_length=10)
    withdrawn_numbers = models.CharField(
        _("withdrawn after the freeze"),
        max_length=2000,
        blank=True,
        help_text=_("Application numbers skipped because they were withdrawn, comma separated."),
    )
    official = models.BooleanField(_("official"), default=False)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("run by"),
    )
    run_at = models.DateTimeField(_("run"), default=timezone.now)
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
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["fair", "-run_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair"],
                condition=Q(official=True),
                name="one_official_draw_per_fair",
                violation_error_message=_("This fair already has its official draw."),
            ),
            models.CheckConstraint(
                name="only_official_draws_are_published",
                condition=Q(published_at__isnull=True) | Q(official=True),
            ),
            models.CheckConstraint(
                name="draw_published_with_who_and_when",
                condition=Q(published_at__isnull=True, published_by__isnull=True)
                | Q(published_at__isnull=False, published_by__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete),
            # Publishing is the one change a draw may take, once.
            pgtrigger.Protect(
                name="publish_once",
                operation=pgtrigger.Update,
                condition=_changed(
                    "fair_id",
                    "frozen_list_id",
                    "source_text",
                    "seed",
                    "algorithm_version",
                    "withdrawn_numbers",
                    "official",
                    "run_by_id",
                    "run_at",
                    already="published_at",
                ),
            ),
        ]

    def __str__(self) -> str:
        kind = _("official") if self.official else _("unofficial")
        return f"{self.fair} ({kind}, {self.run_at:%Y-%m-%d %H:%M})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def withdrawn(self) -> list[int]:
        return [int(n) for n in self.withdrawn_numbers.split(",") if n]


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Selected")
    WAITLIST = "waitlist", _("Waitlist")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DrawLineQuerySet(ScopedQuerySet):
    district_path = None  # the draw is public: numbers, districts, categories and keys


class DrawLine(models.Model):
    """One applicant's place in one draw, and what the draw gave them."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="lines")
    entry = models.ForeignKey(FrozenEntry, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="draw_lines"
    )
    position = models.PositiveIntegerField(_("draw position"))
    tickets = models.PositiveSmallIntegerField(_("tickets"))
    # Not money: the algorithm's own IEEE doubles (fairs.draw computes them as Python
    # floats), which PostgreSQL's double precision stores bit for bit, so the published
    # key is exactly the one the draw sorted by.
    uniform = models.FloatField(_("uniform number"))
    key = models.FloatField(_("key"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    skip_code = models.CharField(_("skipped because"), max_length=30, blank=True)
    skip_subject = models.CharField(_("skipped for"), max_length=300, blank=True)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booth = models.ForeignKey(
        Booth, on_delete=models.PROTECT, null=True, blank=True, related_name="draw_lines"
    )
    reason = models.CharField(_("reason"), max_length=300)

    objects = DrawLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("draw line")
        verbose_name_plural = _("draw lines")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="draw_position_unique"),
            models.UniqueConstraint(fields=["draw", "application"], name="draw_application_unique"),
            models.UniqueConstraint(
                fields=["draw", "booth"],
                condition=Q(booth__isnull=False),
                name="draw_booth_unique",
            ),
            models.CheckConstraint(
                name="selected_lines_have_a_booth",
                condition=Q(outcome="selected", booth__isnull=False)
                | (~Q(outcome="selected") & Q(booth__isnull=True)),
            ),
        ]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.position}. #{self.application_id}"
