"""Reads of the pages after the draw: the booths held at a fair, one holding's payments
and history, the waitlist and what a refill would offer, the booths confirmed on a
fair day with their check-in and sales, and the figures of the printed letters.

A holding's state follows from the clock (`Holding.state(now)`), so the lists fetch
the rows once and derive the state in Python: the query count does not grow with the
rows. Every list starts from `for_user`, so a district member reads their district.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fairs.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Booth,
    DailySales,
    DrawLine,
    Fair,
    FairCategory,
    Holding,
    HoldingState,
    Outcome,
    Payment,
    QuotaKind,
)
from fairs.selectors_draw import names_for
from fairs.selectors_draw import reason as draw_reason
from fairs.services.holdings import free_booths, pick_for, waitlist
from fairs.services.lottery import official_draw
from fairs.services.setup import policy_in_force, province_districts
from otop_portal.lib.language import reads_english

ZERO = Decimal("0.00")
HELD = (HoldingState.OFFERED, HoldingState.AWAITING_PAYMENT, HoldingState.CONFIRMED)
# The states a current (not ended) holding can be in, in the order the page counts them.
CURRENT_STATES = (
    HoldingState.OFFERED,
    HoldingState.AWAITING_PAYMENT,
    HoldingState.CONFIRMED,
    HoldingState.EXPIRED,
    HoldingState.UNPAID,
)
HOLDING_RELATED = (
    "fair",
    "booth__zone",
    "booth__booth_type",
    "application__producer",
    "application__district",
    "application__booth_type",
)


def _paid_subquery():
    """What was paid for the holding's application at its fair, across moves (the
    services count payments that way)."""
    paid = (
        Payment.objects.filter(
            holding__application_id=OuterRef("application_id"),
            holding__fair_id=OuterRef("fair_id"),
        )
        .order_by()
        .values("holding__application_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(paid), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def with_paid(queryset):
    return queryset.annotate(paid=_paid_subquery())


# --- The booths held at a fair ------------------------------------------------------------


@dataclass
class HoldingRow:
    holding: Holding
    state: str
    paid: Decimal
    deadline_text: str = ""  # the deadline as the page words it

    @property
    def state_label(self) -> str:
        return HoldingState(self.state).label

    @property
    def due(self) -> Decimal:
        return max(self.holding.fee - self.paid, ZERO)

    @property
    def deadline(self) -> datetime | None:
        """The moment that matters next: the offer's expiry before an answer, the
        payment deadline after it."""
        if self.holding.accepted_at is None:
            return self.holding.offer_expires_at
        if self.state in (HoldingState.AWAITING_PAYMENT, HoldingState.UNPAID):
            return self.holding.payment_due_at
        return None


@dataclass
class HeldBooths:
    rows: list[HoldingRow]
    counts: list[tuple[str, str, int]]  # (state, label, count)
    total: int


def held_booths(
    fair: Fair, user, now: datetime, *, state: str = "", district=None, category: str = ""
) -> HeldBooths:
    """The holdings of `fair` within the user's reach that have not ended, each with
    its state now and what was paid; counts per state before the state filter."""
    queryset = (
        with_paid(Holding.objects.for_user(user))
        .filter(fair=fair, ended_at__isnull=True)
        .select_related(*HOLDING_RELATED)
        .order_by("booth__zone__code", "booth__order", "booth__code", "-offered_at")
    )
    if district is not None:
        queryset = queryset.filter(application__district=district)
    if category:
        queryset = queryset.filter(application__category=category)
    rows = [HoldingRow(h, h.state(now), h.paid) for h in queryset]
    counted = Counter(row.state for row in rows)
    counts = [(s.value, s.label, counted[s]) for s in CURRENT_STATES]
    if state:
        rows = [row for row in rows if row.state == state]
    return HeldBooths(rows=rows, counts=counts, total=sum(counted.values()))


# --- One holding --------------------------------------------------------------------------


@dataclass
class PaymentLine:
    payment: Payment
    cancelled_by: Payment | None

    @property
    def is_correction(self) -> bool:
        return self.payment.amount < ZERO


def payments_of(holding: Holding) -> list[PaymentLine]:
    """The fees paid for this application's booth at this fair (payments follow the
    producer through moves), corrections included."""
    payments = list(
        Payment.objects.filter(
            holding__application_id=holding.application_id, holding__fair_id=holding.fair_id
        )
        .select_related("received_by", "holding__booth")
        .order_by("received_at", "pk")
    )
    corrections = {p.corrects_id: p for p in payments if p.corrects_id}
    return [PaymentLine(p, corrections.get(p.pk)) for p in payments]


def paid_for(holding: Holding) -> Decimal:
    total = Payment.objects.filter(
        holding__application_id=holding.application_id, holding__fair_id=holding.fair_id
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def history_of(holding: Holding) -> list[Holding]:
    """Every booth this application held at this fair, oldest first: the chain of
    moves (`previous`) and any booth given again after an offer lapsed."""
    return list(
        Holding.objects.filter(application_id=holding.application_id, fair_id=holding.fair_id)
        .select_related("booth__zone", "previous__booth", "created_by")
        .order_by("offered_at", "pk")
    )


def current_holding_of_booth(booth: Booth, now: datetime) -> Holding | None:
    return (
        Holding.objects.filter(booth=booth)
        .active_at(now)
        .select_related("application__producer")
        .first()
    )


def swap_partners(holding: Holding, user, now: datetime) -> list[int]:
    """The other holdings of the fair that hold their booth now (swap candidates)."""
    others = (
        Holding.objects.for_user(user)
        .filter(fair_id=holding.fair_id, ended_at__isnull=True)
        .exclude(pk=holding.pk)
        .active_at(now)
    )
    return [h.pk for h in others if h.holds_at(now)]


# --- The waitlist -------------------------------------------------------------------------


@dataclass
class WaitingRow:
    line: DrawLine
    place: int
    named: bool  # within the user's reach: the producer's name may be shown

    @property
    def application(self) -> Application:
        return self.line.application


def waiting(fair: Fair, user, now: datetime) -> list[WaitingRow]:
    """The official draw's waitlist now, in order, with each line of the draw."""
    applications = waitlist(fair, now)
    if not applications:
        return []
    order = {a.pk: i for i, a in enumerate(applications)}
    lines = DrawLine.objects.filter(
        draw__fair=fair, draw__official=True, application_id__in=order
    ).select_related("application__producer", "application__district", "application__booth_type")
    reach = set(
        Application.objects.for_user(user).filter(pk__in=order).values_list("pk", flat=True)
    )
    rows = sorted(lines, key=lambda line: order[line.application_id])
    return [
        WaitingRow(line, place, line.application_id in reach)
        for place, line in enumerate(rows, start=1)
    ]


@dataclass(frozen=True)
class PlannedOffer:
    booth: Booth
    application: Application


def refill_preview(fair: Fair, now: datetime) -> list[PlannedOffer]:
    """What `waitlist_refill` would offer now, computed without writing: each free
    booth to the first candidate `pick_for` chooses, as the service does."""
    draw = official_draw(fair)
    if draw is None or not draw.is_published:
        return []
    quotas = {QuotaKind.DISTRICT: {}, QuotaKind.CATEGORY: {}}
    for quota in draw.frozen_list.policy.quotas.all():
        quotas[quota.kind][quota.key] = (quota.minimum, quota.maximum)
    candidates = waitlist(fair, now)
    districts, categories = Counter(), Counter()
    for district_id, category in (
        Holding.objects.filter(fair=fair)
        .active_at(now)
        .values_list("application__district_id", "application__category")
    ):
        districts[district_id] += 1
        categories[category] += 1
    last_holder = {
        h.booth_id: h.application
        for h in Holding.objects.filter(fair=fair).select_related("application").order_by("period")
    }
    planned = []
    for booth in free_booths(fair, now):
        chosen = pick_for(
            booth, candidates, quotas, districts, categories, last_holder.get(booth.pk)
        )
        if chosen is None:
            continue
        candidates.remove(chosen)
        districts[chosen.district_id] += 1
        categories[chosen.category] += 1
        planned.append(PlannedOffer(booth, chosen))
    return planned


def giveable_applications(fair: Fair, user, now: datetime):
    """Eligible applications of the fair, within reach, that hold no booth now."""
    holding_now = Holding.objects.filter(fair=fair).active_at(now).values("application_id")
    return (
        Application.objects.for_user(user)
        .filter(fair=fair, status=ApplicationStatus.ELIGIBLE)
        .exclude(pk__in=holding_now)
        .select_related("producer", "district")
        .order_by("number")
    )


def free_booth_queryset(fair: Fair, now: datetime):
    """The free booths now (`free_booths`) as a queryset, for a form's choices."""
    pks = [b.pk for b in free_booths(fair, now)]
    return (
        Booth.objects.filter(pk__in=pks)
        .select_related("zone", "booth_type")
        .order_by("zone__code", "order", "code")
    )


# --- Fair days ----------------------------------------------------------------------------


def default_day(fair: Fair, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today if today in fair.days() else fair.starts_on


def day_from(fair: Fair, text: str | None) -> date | None:
    """The fair day of a `?day=YYYY-MM-DD`, or None when it is not one."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if day in fair.days() else None


def moment_of(day: date, now: datetime | None = None) -> datetime:
    """When a fair day is looked at: now on the day itself, noon on another day."""
    now = now or timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(day, time(12)))


def _confirmed(holding: Holding) -> bool:
    """Accepted and paid (or nothing to pay) — whether or not it ended since."""
    return holding.accepted_at is not None and (
        holding.paid_at is not None or holding.fee == ZERO or holding.payment_due_at is None
    )


def confirmed_on(fair: Fair, day: date, user, now: datetime | None = None) -> list[Holding]:
    """The booths confirmed on a fair day within the user's reach: one holding per
    application (the database allows no two at one moment), in booth order."""
    moment = moment_of(day, now)
    holdings = (
        Holding.objects.for_user(user)
        .filter(fair=fair, period__contains=moment, accepted_at__lte=moment)
        .select_related(*HOLDING_RELATED)
        .order_by("booth__zone__code", "booth__order", "booth__code")
    )
    return [h for h in holdings if _confirmed(h)]


@dataclass
class CheckinRow:
    holding: Holding
    attendance: Attendance | None

    @property
    def status(self) -> str:
        if self.attendance is None:
            return "none"
        return "present" if self.attendance.present else "absent"


@dataclass
class Checkin:
    rows: list[CheckinRow]
    present: int
    absent: int
    not_recorded: int
    by_day: list[tuple[date, int, int]]  # (day, present, absent)
    no_shows: list[Application] = field(default_factory=list)


def checkin_sheet(fair: Fair, day: date, user, now: datetime | None = None) -> Checkin:
    holdings = confirmed_on(fair, day, user, now)
    recorded = {
        a.application_id: a
        for a in Attendance.objects.for_user(user).filter(application__fair=fair, day=day)
    }
    rows = [CheckinRow(h, recorded.get(h.application_id)) for h in holdings]
    counts = Counter(row.status for row in rows)
    # (annotations named apart from the `present` field, which they count by)
    per_day = {
        r["day"]: (r["came"], r["missed"])
        for r in Attendance.objects.for_user(user)
        .filter(application__fair=fair)
        .values("day")
        .annotate(
            came=Count("pk", filter=Q(present=True)),
            missed=Count("pk", filter=Q(present=False)),
        )
    }
    return Checkin(
        rows=rows,
        present=counts["present"],
        absent=counts["absent"],
        not_recorded=counts["none"],
        by_day=[(d, *per_day.get(d, (0, 0))) for d in fair.days()],
        no_shows=no_shows(fair, user),
    )


def no_shows(fair: Fair, user) -> list[Application]:
    """Applications recorded absent on a fair day and never present: no-shows. Each
    gets `absent_days` and `absent_on` (the days, in order)."""
    applications = list(
        Application.objects.for_user(user)
        .filter(fair=fair)
        .annotate(
            absent_days=Count("attendance", filter=Q(attendance__present=False)),
            present_days=Count("attendance", filter=Q(attendance__present=True)),
        )
        .filter(absent_days__gt=0, present_days=0)
        .select_related("producer", "district")
        .order_by("number")
    )
    days = defaultdict(list)
    for application_id, day in (
        Attendance.objects.filter(application__in=applications, present=False)
        .order_by("day")
        .values_list("application_id", "day")
    ):
        days[application_id].append(day)
    for application in applications:
        application.absent_on = days[application.pk]
    return applications


# --- Daily sales --------------------------------------------------------------------------


@dataclass
class SalesRow:
    holding: Holding
    recorded: DailySales | None


def sales_sheet(fair: Fair, day: date, user, now: datetime | None = None) -> list[SalesRow]:
    holdings = confirmed_on(fair, day, user, now)
    recorded = {
        s.application_id: s
        for s in DailySales.objects.for_user(user).filter(application__fair=fair, day=day)
    }
    return [SalesRow(h, recorded.get(h.application_id)) for h in holdings]


@dataclass
class SalesTotals:
    by_day: list[tuple[date, Decimal]]
    by_district: list[tuple[str, Decimal]]
    by_category: list[tuple[str, Decimal]]
    total: Decimal


def sales_totals(fair: Fair, user) -> SalesTotals:
    """The fair's sales within the user's reach, per day, district and category."""
    sales = DailySales.objects.for_user(user).filter(application__fair=fair).order_by()
    per_day = dict(sales.values("day").annotate(total=Sum("amount")).values_list("day", "total"))
    per_district = list(
        sales.values("application__district")
        .annotate(total=Sum("amount"))
        .order_by("application__district")
        .values_list("application__district__name_th", "application__district__name_en", "total")
    )
    labels = dict(FairCategory.choices)
    per_category = dict(
        sales.values("application__category")
        .annotate(total=Sum("amount"))
        .values_list("application__category", "total")
    )
    english = reads_english()
    return SalesTotals(
        by_day=[(d, per_day.get(d, ZERO)) for d in fair.days()],
        by_district=[((en if english and en else th), t) for th, en, t in per_district],
        by_category=[(labels[c], per_category[c]) for c in labels if c in per_category],
        total=sum(per_day.values(), ZERO),
    )


# --- Letters ------------------------------------------------------------------------------


@dataclass
class ResultLetter:
    """What a producer's result letter says."""

    application: Application
    line: DrawLine | None
    holding: Holding | None  # the booth held now (or the last one, when it lapsed)
    state: str | None
    reason: str
    payment_days: int | None
    explained: list[str] = field(default_factory=list)  # the holding's state in words

    @property
    def outcome(self) -> str:
        """selected | waitlist | offered (from the waitlist) | withdrawn | not_drawn"""
        if self.application.status == ApplicationStatus.WITHDRAWN:
            return "withdrawn"
        if self.line is None:
            return "not_drawn"
        if self.line.outcome == Outcome.WAITLIST and self.holding is not None:
            return "offered"
        return self.line.outcome

    @property
    def state_label(self) -> str:
        return HoldingState(self.state).label if self.state else ""


def result_letters(fair: Fair, applications: list[Application], now: datetime):
    """The result letters of these applications (of `fair`), in a fixed number of
    queries: the official draw's lines and the holdings are read once for all."""
    draw = official_draw(fair)
    if draw is None or not draw.is_published:
        return []
    pks = [a.pk for a in applications]
    lines = {
        line.application_id: line
        for line in DrawLine.objects.filter(draw=draw, application_id__in=pks).select_related(
            "zone", "booth__zone"
        )
    }
    # the reason in the reader's language, as the draw page words it
    of = draw.lines.count()
    names = names_for(fair, province_districts().values_list("code", flat=True))
    holdings: dict[int, Holding] = {}
    for holding in (
        with_paid(Holding.objects.filter(application_id__in=pks))
        .select_related("booth__zone", "booth__booth_type")
        .order_by("offered_at", "pk")
    ):
        current = holdings.get(holding.application_id)
        if current is None or holding.holds_at(now) or not current.holds_at(now):
            holdings[holding.application_id] = holding
    policy = policy_in_force(fair)
    letters = []
    for application in applications:
        line = lines.get(application.pk)
        holding = holdings.get(application.pk)
        letters.append(
            ResultLetter(
                application=application,
                line=line,
                holding=holding,
                state=holding.state(now) if holding else None,
                reason=draw_reason(line, of=of, names=names) if line else "",
                payment_days=policy.payment_days if policy else None,
            )
        )
    return letters


def letter_applications(fair: Fair, user):
    """The applications of the fair within reach that get a result letter: those in
    the official draw, and those the review turned down."""
    return (
        Application.objects.for_user(user)
        .filter(fair=fair)
        .filter(Q(draw_lines__draw__official=True) | Q(status=ApplicationStatus.REJECTED))
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .distinct()
        .select_related(
            "fair",
            "district",
            "booth_type",
            "producer__subdistrict__district__province",
        )
        .order_by("district_id", "number")
    )
