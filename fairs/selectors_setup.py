"""Reads of the fair setup pages: where a fair stands, its zones, booth types and
booths, the policy versions, and the floor plan's booths with who holds them now.

Every list here takes a fixed number of queries, however many rows it has.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Max, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairs import plan as geometry
from fairs.models import (
    Application,
    ApplicationStatus,
    Booth,
    Fair,
    FairCategory,
    Holding,
    HoldingState,
    Policy,
    PolicyQuota,
    QuotaKind,
    RandomSource,
    Zone,
    manages_fairs,
)
from fairs.services.lottery import official_draw
from fairs.services.setup import policy_in_force, province_districts

# --- Where the fair stands ------------------------------------------------------------

STEPS = [
    ("setup", gettext_lazy("Set up")),
    ("policy", gettext_lazy("Policy published")),
    ("open", gettext_lazy("Applications open")),
    ("review", gettext_lazy("Review")),
    ("frozen", gettext_lazy("List frozen")),
    ("source", gettext_lazy("Random source confirmed")),
    ("draw", gettext_lazy("Official draw")),
    ("published", gettext_lazy("Results published")),
    ("days", gettext_lazy("Fair days")),
    ("done", gettext_lazy("Done")),
]


@dataclass
class Step:
    key: str
    label: str
    reached: bool
    when: date | datetime | None = None
    state: str = "todo"  # done, current, todo, or missed (a later step came first)


@dataclass
class Progress:
    """What happened to a fair so far, read in a few queries."""

    policy: Policy | None
    frozen: object | None
    source: RandomSource | None
    draw: object | None
    steps: list[Step] = field(default_factory=list)

    @property
    def current(self) -> Step:
        return next(s for s in self.steps if s.state == "current")

    @property
    def is_frozen(self) -> bool:
        return self.frozen is not None

    @property
    def is_published(self) -> bool:
        return self.draw is not None and self.draw.is_published


def progress_of(fair: Fair, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    progress = Progress(
        policy=policy_in_force(fair),
        frozen=getattr(fair, "frozen_list", None),
        source=fair.random_sources.filter(confirmed_at__isnull=False).first(),
        draw=official_draw(fair),
    )
    p = progress
    reached = {
        "setup": (True, fair.created_at),
        "policy": (p.policy is not None, p.policy and p.policy.published_at),
        "open": (today >= fair.applications_open_on, fair.applications_open_on),
        "review": (today > fair.applications_close_on, fair.applications_close_on),
        "frozen": (p.frozen is not None, p.frozen and p.frozen.frozen_at),
        "source": (p.source is not None, p.source and p.source.confirmed_at),
        "draw": (p.draw is not None, p.draw and p.draw.run_at),
        "published": (p.is_published, p.draw and p.draw.published_at),
        "days": (today >= fair.starts_on, fair.starts_on),
        "done": (today > fair.ends_on, fair.ends_on),
    }
    steps = [Step(key, str(label), *reached[key]) for key, label in STEPS]
    last = max(i for i, step in enumerate(steps) if step.reached)
    for i, step in enumerate(steps):
        if i == last:
            step.state = "current"
        elif step.reached:
            step.state = "done"
        elif i < last:
            step.state = "missed"
    p.steps = steps
    return p


def booth_counts(fair: Fair) -> dict:
    return fair.booths.aggregate(
        drawable=Count("pk", filter=Q(reserved_for="")),
        reserved=Count("pk", filter=~Q(reserved_for="")),
    )


def application_counts(fair: Fair, user) -> list[tuple[str, str, int]]:
    """(status, label, count) of the fair's applications within the user's reach."""
    counts = dict(
        Application.objects.for_user(user)
        .filter(fair=fair)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        (status.value, status.label, counts.get(status.value, 0)) for status in ApplicationStatus
    ]


@dataclass
class Link:
    name: str
    label: str
    pk: int
    primary: bool = False


def next_steps(fair: Fair, user, progress: Progress, today: date | None = None) -> list[Link]:
    """What the user can do next on this fair, by their rights and the fair's stage."""
    today = today or timezone.localdate()
    manager = manages_fairs(user)
    links = []

    def add(name, label, primary=False):
        links.append(Link(name, label, fair.pk, primary))

    if manager:
        add("fairs:fair_edit", _("Edit the fair"))
    if (manager or user.is_district_member) and fair.window_is_open(today):
        add("fairs:apply", _("Apply for a producer"), primary=True)
    add("fairs:application_list", _("Applications"))
    if manager:
        add("fairs:review_queue", _("Review applications"))
    add("fairs:zones", _("Manage zones") if manager else _("Zones"))
    add("fairs:booth_types", _("Manage booth types") if manager else _("Booth types"))
    add("fairs:booths", _("Manage booths") if manager else _("Booths"))
    add("fairs:policy", _("Manage the allocation policy") if manager else _("Allocation policy"))
    add("fairs:plan", _("Floor plan"))
    add("fairs:draw", _("The draw"), primary=manager and today > fair.applications_close_on)
    if progress.is_published:
        add("fairs:holdings", _("Booths held"))
        add("fairs:waitlist", _("Waitlist"))
        add("fairs:letters", _("Result and offer letters"))
        if manager:
            add("fairs:checkin", _("Check-in"))
        if manager or user.is_district_member:
            add("fairs:sales", _("Daily sales"))
        add("fairs:verify", _("Public verification page"))
    add("fairs:reports", _("Reports"))
    return links


# --- Zones, booth types, booths ---------------------------------------------------------


def zones_of(fair: Fair) -> list:
    """The fair's zones with their booth counts and colour names, in one query."""
    zones = list(
        fair.zones.annotate(
            booth_count=Count("booths"),
            drawable_count=Count("booths", filter=Q(booths__reserved_for="")),
        ).order_by("code")
    )
    for zone in zones:
        zone.colour_label = geometry.COLOUR_NAMES.get(zone.colour, "")
    return zones


def booth_types_of(fair: Fair):
    return fair.booth_types.annotate(
        booth_count=Count("booths"),
        drawable_count=Count("booths", filter=Q(booths__reserved_for="")),
    ).order_by("code")


def booths_of(fair: Fair):
    return fair.booths.select_related("zone", "booth_type").order_by("zone__code", "order", "code")


# --- The policy ---------------------------------------------------------------------------


def policy_versions(fair: Fair) -> list[Policy]:
    return list(
        fair.policies.select_related("published_by")
        .prefetch_related(Prefetch("quotas", PolicyQuota.objects.order_by("-kind", "key")))
        .order_by("-version")
    )


def quota_labels() -> dict[tuple[str, str], str]:
    """(kind, key) → a readable name: the district's name, the category's label."""
    labels = {(QuotaKind.DISTRICT, d.code): d.name for d in province_districts()}
    labels.update({(QuotaKind.CATEGORY, c.value): str(c.label) for c in FairCategory})
    return labels


def published_late(policy: Policy, fair: Fair) -> bool:
    """Published on or after the day applications opened (the rule: before)."""
    return (
        policy.published_at is not None
        and timezone.localdate(policy.published_at) >= fair.applications_open_on
    )


# --- The floor plan -------------------------------------------------------------------------

AVAILABLE, RESERVED = "available", "reserved"
STATUS_LABELS = {
    AVAILABLE: gettext_lazy("Available"),
    RESERVED: gettext_lazy("Reserved"),
    HoldingState.OFFERED: gettext_lazy("Offered"),
    HoldingState.AWAITING_PAYMENT: gettext_lazy("Awaiting payment"),
    HoldingState.CONFIRMED: gettext_lazy("Confirmed"),
}
COLOURINGS = {
    "status": gettext_lazy("Status"),
    "district": gettext_lazy("District"),
    "category": gettext_lazy("Category"),
}
DISTRICT_COLOURS = 12  # classes fill-d0 … fill-d11 in fairs_setup.css


@dataclass
class PlanBooth:
    booth: Booth
    shape: geometry.Shape
    status: str
    holding: Holding | None
    css: str = ""
    status_label: str = ""

    @property
    def application(self) -> Application | None:
        return self.holding.application if self.holding else None

    @property
    def occupant(self) -> str:
        """The producer's name (read with the holding, not as a Producer instance)."""
        return self.holding.occupant_name if self.holding else ""

    @property
    def label(self) -> str:
        """The occupant's name as far as it fits in the booth on the plan."""
        return self.shape.fit(self.occupant) if self.holding else ""


@dataclass
class LegendItem:
    css: str
    label: str
    count: int


# A fair with more booths than this shows its plan a zone at a time, first zone first:
# a national fair's 2,500 booths on one page are 1.6 MB of markup that no phone shows
# legibly. "All zones" still draws every booth (to print the whole venue).
ZONE_AT_A_TIME = 400
ALL_ZONES = "all"


@dataclass
class ZoneBox:
    """A zone on the plan's overview: its booths' count and the box around them."""

    zone: Zone
    booths: int
    shape: geometry.Shape

    @property
    def label_size(self) -> str:
        """The zone code's height in metres: half the box's narrower side, so that it
        fits a narrow row of booths and still reads on a large hall."""
        return geometry.metres(max(min(self.shape.width, self.shape.height) * 0.5, 0.5))


@dataclass
class Plan:
    colour: str
    view_box: str
    booths: list[PlanBooth]
    legend: list[LegendItem]
    zones: list[ZoneBox] = field(default_factory=list)  # every zone with booths
    zone: Zone | None = None  # the zone shown; None: every zone

    @property
    def is_empty(self) -> bool:
        return not self.booths

    @property
    def booth_count(self) -> int:
        """The fair's booths, in every zone."""
        return sum(box.booths for box in self.zones)

    @property
    def overview_box(self) -> str:
        return geometry.view_box(box.shape for box in self.zones)


class UnknownZone(LookupError):
    """The plan was asked for a zone code the fair does not have."""


def zone_boxes(fair: Fair) -> list[ZoneBox]:
    """The fair's zones that have booths, by code, each with its booth count and the box
    around its booths (one query)."""
    zones = (
        Zone.objects.filter(fair=fair)
        .annotate(
            n=Count("booths"),
            left=Min("booths__x"),
            top=Min("booths__y"),
            right=Max(F("booths__x") + F("booths__width")),
            bottom=Max(F("booths__y") + F("booths__height")),
        )
        .filter(n__gt=0)
        .order_by("code")
    )
    return [
        ZoneBox(
            zone,
            zone.n,
            geometry.Shape(
                float(zone.left),
                float(zone.top),
                float(zone.right - zone.left),
                float(zone.bottom - zone.top),
            ),
        )
        for zone in zones
    ]


def _zone_shown(boxes: list[ZoneBox], code: str | None) -> Zone | None:
    """The zone the plan shows: the one `code` names, every zone for "all" or a fair of
    up to ZONE_AT_A_TIME booths, else the first zone. UnknownZone for a code the fair
    does not have."""
    if code == ALL_ZONES:
        return None
    if code:
        for box in boxes:
            if box.zone.code == code:
                return box.zone
        raise UnknownZone(code)
    if sum(box.booths for box in boxes) <= ZONE_AT_A_TIME:
        return None
    return boxes[0].zone


def plan_of(
    fair: Fair,
    *,
    colour: str = "status",
    zone: str | None = None,
    now: datetime | None = None,
) -> Plan:
    """The fair's booths for the plan (every zone's, or one zone's: `_zone_shown`),
    coloured by status, the occupant's district or category. Six queries whatever the
    number of booths."""
    now = now or timezone.now()
    colour = colour if colour in COLOURINGS else "status"
    boxes = zone_boxes(fair)
    shown = _zone_shown(boxes, zone)
    # A national fair has 2,500 booths: each booth's zone and type are shared instances
    # (a fair has a few of each), and the occupant's name is read as a value, not as a
    # Producer: a third as many model instances to build.
    zones = {box.zone.pk: box.zone for box in boxes}
    types = {kind.pk: kind for kind in fair.booth_types.all()}
    booths = Booth.objects.filter(fair=fair)
    holdings = Holding.objects.filter(fair=fair)
    if shown is not None:
        booths = booths.filter(zone=shown)
        holdings = holdings.filter(booth__zone=shown)
    booths = list(booths.order_by("zone__code", "order", "code"))
    zone_field, type_field = Booth.zone.field, Booth.booth_type.field
    for booth in booths:
        zone_field.set_cached_value(booth, zones[booth.zone_id])
        type_field.set_cached_value(booth, types[booth.booth_type_id])
    holdings = {
        h.booth_id: h
        for h in holdings.active_at(now)
        .select_related("application__district")
        .annotate(occupant_name=F("application__producer__name"))
    }
    districts = list(province_districts())
    district_css = {d.code: f"fill-d{i % DISTRICT_COLOURS}" for i, d in enumerate(districts)}
    labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    rows = []
    for booth in booths:
        holding = holdings.get(booth.pk)
        status = holding.state(now) if holding else None
        if status not in STATUS_LABELS:  # not holding now: the booth is free
            holding, status = None, (RESERVED if booth.is_reserved else AVAILABLE)
        row = PlanBooth(booth, geometry.shape_of(booth), status, holding)
        row.status_label = labels[status]
        row.css = _css(row, colour, district_css)
        rows.append(row)
    legend = _legend(rows, colour, districts, district_css)
    box = geometry.view_box(b.shape for b in rows)
    return Plan(colour, box, rows, legend, zones=boxes, zone=shown)


def _status_css(status: str) -> str:
    return f"fill-{status.replace('_', '-')}"


def _css(row: PlanBooth, colour: str, district_css: dict) -> str:
    application = row.application
    if application is not None and colour == "district":
        return district_css.get(application.district_id, "fill-other")
    if application is not None and colour == "category":
        return f"fill-cat-{application.category}"
    return _status_css(row.status)


def _legend(rows: list[PlanBooth], colour: str, districts, district_css) -> list[LegendItem]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.css] = counts.get(row.css, 0) + 1
    if colour == "status":
        items = [(_status_css(s), label) for s, label in STATUS_LABELS.items()]
    elif colour == "district":
        items = [(district_css[d.code], d.name) for d in districts]
        items += [("fill-other", _("Another province"))] if counts.get("fill-other") else []
        items += [(_status_css(s), STATUS_LABELS[s]) for s in (AVAILABLE, RESERVED)]
    else:
        items = [(f"fill-cat-{c.value}", c.label) for c in FairCategory]
        items += [(_status_css(s), STATUS_LABELS[s]) for s in (AVAILABLE, RESERVED)]
    return [LegendItem(css, str(label), counts.get(css, 0)) for css, label in items]
