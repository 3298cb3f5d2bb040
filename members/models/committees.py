"""The network's committees, kept as terms with seats, and its activities: trainings and
meetings with their participants, attendance and each district's action-plan items.

A committee term or an activity belongs to a district, or (district empty) to the whole
province: every login reads the province-wide ones, and provincial staff change them.
Seats follow their term; participants follow their person's district and action items
their own district, so a district member sees and ticks off only their district's.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.geography import District
from members.models.network import NetworkSettings
from members.models.registry import Person, Producer, Timestamped
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet

BE_OFFSET = 543


class ProvinceOrDistrictQuerySet(ScopedQuerySet):
    """Rows that belong to one district, or, when the district at `district_path` is
    empty, to the whole province. Every login reads province-wide rows; a district
    member also reads their own district's, never another's."""

    def for_user(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_districts:
            return self
        path = self.district_path
        return self.filter(Q(**{f"{path}__isnull": True}) | Q(**{path: user.district_id}))


# --- Committees ------------------------------------------------------------------------


class CommitteeLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial committee")
    DISTRICT = "district", _("District committee")


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Committee member")
    ADVISOR = "advisor", _("Advisor")


ROLE_RANK = models.Case(
    *[models.When(role=role, then=rank) for rank, role in enumerate(SeatRole.values)],
    output_field=models.IntegerField(),
)


# newest first; for one start, the provincial committee before the districts'
TERM_ORDER = ["-starts_on", models.F("district").asc(nulls_first=True), "pk"]


class CommitteeTermQuerySet(ProvinceOrDistrictQuerySet):
    district_path = "district"

    def current(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)

    def ended(self, today: date | None = None):
        return self.filter(ends_on__lt=today or timezone.localdate())

    def listed(self):
        """Newest first, each with its district, seat count and chair (to_attr
        `chairs`): a fixed number of queries however many terms."""
        chairs = models.Prefetch(
            "seats",
            queryset=CommitteeSeat.objects.filter(role=SeatRole.CHAIR).select_related("person"),
            to_attr="chairs",
        )
        return (
            self.select_related("district")
            .annotate(seat_count=models.Count("seats"))
            .prefetch_related(chairs)
            .order_by(*TERM_ORDER)
        )


@track()
class CommitteeTerm(Timestamped):
    """One term of the provincial committee or of a district's committee, with the
    order or meeting resolution that appointed it."""

    level = models.CharField(_("level"), max_length=10, choices=CommitteeLevel.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_terms",
        verbose_name=_("district"),
        help_text=_("For a district committee; empty for the provincial committee."),
    )
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    appointment_ref = models.CharField(
        _("appointment reference"),
        max_length=200,
        blank=True,
        help_text=_("The order or meeting resolution that appointed the committee."),
    )

    objects = CommitteeTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee term")
        verbose_name_plural = _("committee terms")
        ordering = TERM_ORDER
        constraints = [
            models.CheckConstraint(
                name="committee_district_iff_district_level",
                condition=Q(level=CommitteeLevel.DISTRICT, district__isnull=False)
                | Q(level=CommitteeLevel.PROVINCE, district__isnull=True),
                violation_error_message=_(
                    "A district committee needs its district; the provincial committee has none."
                ),
            ),
            models.CheckConstraint(
                name="committee_term_ends_after_start",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("A term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        years = {"start": self.starts_on.year + BE_OFFSET, "end": self.ends_on.year + BE_OFFSET}
        if self.level == CommitteeLevel.PROVINCE:
            return str(_("Provincial committee %(start)s–%(end)s") % years)
        name = self.district.name if self.district_id else ""
        return str(
            _("%(district)s district committee %(start)s–%(end)s") % {**years, "district": name}
        )

    def get_absolute_url(self) -> str:
        return reverse("members:term_detail", args=[self.pk])

    @property
    def is_provincial(self) -> bool:
        return self.level == CommitteeLevel.PROVINCE

    def has_ended(self, today: date | None = None) -> bool:
        return self.ends_on < (today or timezone.localdate())

    def is_current(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class CommitteeSeatQuerySet(ProvinceOrDistrictQuerySet):
    district_path = "term__district"

    def ordered(self):
        return self.annotate(role_rank=ROLE_RANK).order_by(
            "role_rank", "represents", "person__first_name", "pk"
        )

    def logins_to_review(self, today: date | None = None):
        """Seats of ended terms whose login is still active and holds no seat in a
        term that has not ended: the logins staff renew (seat them again) or
        deactivate. Newest ended term first."""
        today = today or timezone.localdate()
        renewed = CommitteeSeat.objects.filter(
            user=OuterRef("user"), term__ends_on__gte=today
        ).exclude(ends_on__lt=today)
        return (
            self.filter(term__ends_on__lt=today, user__isnull=False, user__is_active=True)
            .exclude(Exists(renewed))
            .select_related("term__district", "person", "user__district", "represents")
            .annotate(role_rank=ROLE_RANK)
            .order_by("-term__ends_on", "term_id", "role_rank", "pk")
        )


@track()
class CommitteeSeat(Timestamped):
    """A person's seat on a committee term, in a role; optionally the producer they
    come from and the login tied to the seat (flagged for review when the term ends).
    A seat on the provincial committee represents a district (advisors excepted)."""

    term = models.ForeignKey(
        CommitteeTerm, on_delete=models.CASCADE, related_name="seats", verbose_name=_("term")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="committee_seats", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"), max_length=12, choices=SeatRole.choices, default=SeatRole.MEMBER
    )
    represents = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represents"),
        help_text=_("On the provincial committee: the district this member represents."),
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("producer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("login"),
        help_text=_("The portal login this seat gives; reviewed when the term ends."),
    )
    starts_on = models.DateField(
        _("seat starts"), null=True, blank=True, help_text=_("Empty: from the term's start.")
    )
    ends_on = models.DateField(
        _("seat ends"), null=True, blank=True, help_text=_("Empty: to the term's end.")
    )

    objects = CommitteeSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["term", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(role=SeatRole.CHAIR),
                name="one_chair_per_term",
                violation_error_message=_("This committee term already has a chair."),
            ),
            models.UniqueConstraint(
                fields=["term", "person"],
                name="one_seat_per_person_and_term",
                violation_error_message=_("This person already has a seat on this term."),
            ),
            models.CheckConstraint(
                name="committee_seat_ends_after_start",
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("A seat cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    def clean(self):
        # In the admin a new term's seats are checked before the term is saved.
        if self.term_id is None and not CommitteeSeat.term.is_cached(self):
            return
        errors = {}
        term = self.term
        if term.is_provincial:
            if self.represents_id is None and self.role != SeatRole.ADVISOR:
                errors["represents"] = _(
                    "A seat on the provincial committee represents a district: choose it."
                )
        else:
            if self.represents_id is not None:
                errors["represents"] = _(
                    "Only seats on the provincial committee represent a district."
                )
            if self.person_id and self.person.district_id != term.district_id:
                errors["person"] = _("A district committee seats people of its own district.")
            if self.user_id and self.user.district_id not in (None, term.district_id):
                errors["user"] = _("This login belongs to another district.")
        for name, day in (("starts_on", self.starts_on), ("ends_on", self.ends_on)):
            if day and not term.starts_on <= day <= term.ends_on:
                errors[name] = _("The date must fall within the term.")
        if errors:
            raise ValidationError(errors)
        self.check_representatives()

    def check_representatives(self) -> None:
        """The provincial committee takes at most N representatives per district (any
        role; advisors do not count), N being the network's setting. Seats that ended
        before this one starts have been replaced and do not count."""
        if not self.term.is_provincial or self.represents_id is None or self.term.pk is None:
            return
        if self.role == SeatRole.ADVISOR:
            return
        limit = NetworkSettings.current().representatives_per_district
        start = self.starts_on or self.term.starts_on
        others = (
            CommitteeSeat.objects.filter(term_id=self.term_id, represents_id=self.represents_id)
            .exclude(pk=self.pk)
            .exclude(role=SeatRole.ADVISOR)
            .exclude(ends_on__lt=start)
        )
        count = others.count()
        if count >= limit:
            raise ValidationError(
                {
                    "represents": _(
                        "%(district)s already has %(count)d representatives on this provincial "
                        "committee; the network's setting allows %(limit)d per district."
                    )
                    % {"district": self.represents.name, "count": count, "limit": limit}
                }
            )

    def has_ended(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.term.has_ended(today) or (self.ends_on is not None and self.ends_on < today)


# --- Activities ------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class ActivityQuerySet(ProvinceOrDistrictQuerySet):
    district_path = "district"

    def upcoming(self, today: date | None = None):
        """Activities not over yet, soonest first."""
        today = today or timezone.localdate()
        return self.filter(ends_on__gte=today).order_by("starts_on", "pk")

    def past(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(ends_on__lt=today).order_by("-starts_on", "-pk")


@track()
class Activity(Timestamped):
    """A training, meeting or other activity of the network, organised by the province
    (district empty) or by one district."""

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    title = models.CharField(_("activity title"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("organising district"),
        help_text=_("Empty for a province-wide activity."),
    )
    target_group = models.CharField(
        _("target group"),
        max_length=300,
        blank=True,
        help_text=_("Who takes part, e.g. 2 provincial officers + 2 representatives per district."),
    )
    description = models.TextField(_("description"), blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("An activity cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("members:activity_detail", args=[self.pk])

    def is_past(self, today: date | None = None) -> bool:
        return self.ends_on < (today or timezone.localdate())

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ParticipantQuerySet(ScopedQuerySet):
    district_path = "person__district"

    def ordered(self):
        return self.select_related("person__district").order_by(
            "person__district", "person__first_name", "person__last_name", "pk"
        )


@track()
class Participant(Timestamped):
    """A person invited to an activity, and whether they attended (empty until it is
    recorded). A participant belongs to their person's district."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participants", verbose_name=_("activity")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="activity_participations",
        verbose_name=_("person"),
    )
    capacity = models.CharField(
        _("taking part as"),
        max_length=100,
        blank=True,
        help_text=_("e.g. provincial CDD officer, district network chair"),
    )
    invited_on = models.DateField(_("invited on"), default=timezone.localdate)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_note = models.CharField(_("attendance note"), max_length=200, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                name="one_invitation_per_person_and_activity",
                violation_error_message=_("This person is already invited to the activity."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"


class ActionItemQuerySet(ScopedQuerySet):
    district_path = "district"

    def ordered(self):
        return self.select_related("district", "owner_person").order_by("district", "due_on", "pk")


@track()
class ActionItem(Timestamped):
    """An item of a district's action plan from an activity: what, who, by when, and
    when it was done."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("activity")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("district")
    )
    text = models.CharField(_("action"), max_length=300)
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("responsible person"),
    )
    owner_name = models.CharField(
        _("responsible (if not a person in the registry)"), max_length=150, blank=True
    )
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action-plan item")
        verbose_name_plural = _("action-plan items")
        ordering = ["district", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_item_has_an_owner",
                condition=Q(owner_person__isnull=False) | ~Q(owner_name=""),
                violation_error_message=_("An action-plan item needs someone responsible for it."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def owner(self) -> str:
        return str(self.owner_person) if self.owner_person_id else self.owner_name

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.is_done and self.due_on < (today or timezone.localdate())

    def clean(self):
        if (
            self.owner_person_id
            and self.district_id
            and self.owner_person.district_id != self.district_id
        ):
            raise ValidationError(
                {"owner_person": _("The person responsible must be of the item's district.")}
            )
