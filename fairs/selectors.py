"""What the fairs front page, the home page and a producer's page read: each fair's
stage and counts within the user's reach, what waits for the user's action, and a
producer's applications.

Every function here runs a fixed number of queries, however many fairs, applications
or booths there are (tests/fairs/test_front.py counts them). A holding's state is
derived from the clock (`Holding.state`); the `*_q` helpers say the same in SQL, so
lists can filter on it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fairs.models import (
    LIVE,
    Application,
    ApplicationStatus,
    Attendance,
    Booth,
    DailySales,
    Draw,
    DrawLine,
    EndReason,
    Fair,
    FrozenList,
    Holding,
    HoldingState,
    Outcome,
    Policy,
    PolicyQuota,
    QuotaKind,
    RandomSource,
    manages_fairs,
)
from fairs.services.applications import may_apply_for
from fairs.services.holdings import pick_for
from otop_portal.lib.thaidate import format_thai_date, format_thai_datetime

# Daily sales are asked for until this many days after the fair's last day.
SALES_DAYS = 30
# Rows listed under one waiting item (the count says how many there are in all).
ROWS = 10


# --- A holding's state in SQL (the same rules as Holding.state) ----------------------


def confirmed_q() -> Q:
    return Q(ended_at__isnull=True, accepted_at__isnull=False) & (
        Q(paid_at__isnull=False) | Q(fee=0) | Q(payment_due_at__isnull=True)
    )


def offered_q(now: datetime) -> Q:
    return Q(ended_at__isnull=True, accepted_at__isnull=True, offer_expires_at__gt=now)


def unpaid_q(now: datetime) -> Q:
    """Accepted, a fee due, not paid by the deadline: the booth went back."""
    return Q(
        ended_at__isnull=True,
        accepted_at__isnull=False,
        paid_at__isnull=True,
        fee__gt=0,
        payment_due_at__lte=now,
    )


# --- The fairs and their stages --------------------------------------------------------


class Stage:
    SETUP = "setup"
    COMING = "coming"
    OPEN = "open"
    REVIEW = "review"
    FROZEN = "frozen"
    DRAWN = "drawn"
    RUNNING = "running"
    PAST = "past"

    LABELS = {
        SETUP: _("Being set up"),
        COMING: _("Applications open soon"),
        OPEN: _("Open for applications"),
        REVIEW: _("Applications closed: in review"),
        FROZEN: _("List frozen: the draw is next"),
        DRAWN: _("Drawn: booths being confirmed"),
        RUNNING: _("Under way"),
        PAST: _("Over"),
    }
    BADGES = {
        SETUP: "text-bg-light",
        COMING: "text-bg-light",
        OPEN: "text-bg-success",
        REVIEW: "text-bg-warning",
        FROZEN: "text-bg-warning",
        DRAWN: "text-bg-primary",
        RUNNING: "text-bg-info",
        PAST: "text-bg-secondary",
    }


GROUPS = (
    ("open", _("Open for applications now"), (Stage.OPEN,)),
    ("coming", _("Coming"), (Stage.SETUP, Stage.COMING)),
    (
        "under_way",
        _("Drawn or under way"),
        (Stage.REVIEW, Stage.FROZEN, Stage.DRAWN, Stage.RUNNING),
    ),
    ("past", _("Past fairs"), (Stage.PAST,)),
)


def stage_of(fair: Fair, today: date) -> str:
    """Where a fair is, from its dates and the annotations of `fairs_for`."""
    if today > fair.ends_on:
        return Stage.PAST
    if today >= fair.starts_on:
        return Stage.RUNNING
    if fair.draw_published:
        return Stage.DRAWN
    if fair.is_frozen:
        return Stage.FROZEN
    if today > fair.applications_close_on:
        return Stage.REVIEW
    if not fair.policy_published:
        return Stage.SETUP
    if today < fair.applications_open_on:
        return Stage.COMING
    return Stage.OPEN


@dataclass
class FairRow:
    fair: Fair
    stage: str
    applications: int  # live applications in the user's reach
    eligible: int
    booths: int  # drawable booths
    confirmed: int  # booths confirmed in the user's reach
    draw_id: int | None  # the official draw
    may_apply: bool

    @property
    def stage_label(self) -> str:
        return Stage.LABELS[self.stage]

    @property
    def stage_badge(self) -> str:
        return Stage.BADGES[self.stage]

    @property
    def draw_published(self) -> bool:
        return bool(self.fair.draw_published)


def _count(queryset, column: str = "fair"):
    """A correlated subquery counting `queryset`'s rows of the outer fair. COUNT(*), not
    COUNT(id): a count that names no column can be read from an index alone (the
    applications' (fair, status) index: 9,000 of a fair's applications in 1 ms, not 2.5)."""
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _may_apply_somewhere(user) -> bool:
    """Whether the user may apply for some producer: staff and the fair committee for
    anyone, district members for their district's producers."""
    return manages_fairs(user) or (user.is_active and user.is_district_member)


def fairs_for(user, *, today: date | None = None, where: Q | None = None) -> list[FairRow]:
    """Every fair (or those `where` picks) with its stage and the counts within the
    user's reach (one query). The counts cost a scan of each fair's applications, so
    pages pick the fairs they show (the home page the open ones, the front page a page
    of past fairs at a time)."""
    today = today or timezone.localdate()
    applications = Application.objects.for_user(user)
    official = Draw.objects.filter(fair=OuterRef("pk"), official=True)
    fairs = (
        Fair.objects.for_user(user)
        .filter(where or Q())
        .with_series()
        .annotate(
            policy_published=Exists(
                Policy.objects.filter(fair=OuterRef("pk"), published_at__isnull=False)
            ),
            is_frozen=Exists(FrozenList.objects.filter(fair=OuterRef("pk"))),
            draw_id=Subquery(official.values("pk")[:1]),
            draw_published=Exists(official.filter(published_at__isnull=False)),
            booth_count=_count(Booth.objects.drawable()),
            application_count=_count(applications.filter(status__in=LIVE)),
            eligible_count=_count(applications.filter(status=ApplicationStatus.ELIGIBLE)),
            confirmed_count=_count(Holding.objects.for_user(user).filter(confirmed_q())),
        )
        .order_by("-starts_on", "-pk")
    )
    may_apply = _may_apply_somewhere(user)
    rows = []
    for fair in fairs:
        stage = stage_of(fair, today)
        rows.append(
            FairRow(
                fair=fair,
                stage=stage,
                applications=fair.application_count,
                eligible=fair.eligible_count,
                booths=fair.booth_count,
                confirmed=fair.confirmed_count,
                draw_id=fair.draw_id,
                may_apply=may_apply and stage == Stage.OPEN,
            )
        )
    return rows


def grouped(rows: list[FairRow]) -> list[dict]:
    """The rows in the front page's groups, open fairs first; coming fairs soonest
    first, the others latest first. Empty groups are kept (the page says so)."""
    groups = []
    for key, title, stages in GROUPS:
        found = [row for row in rows if row.stage in stages]
        if key in ("open", "coming"):
            found.sort(key=lambda row: (row.fair.applications_open_on, row.fair.pk))
        groups.append({"key": key, "title": title, "rows": found})
    return groups


def in_window(today: date) -> Q:
    """The fairs whose application window holds `today`: those that may be open."""
    return Q(applications_open_on__lte=today, applications_close_on__gte=today)


def not_over(today: date) -> Q:
    return Q(ends_on__gte=today)


def past_fairs(user, today: date):
    """The fairs over by `today`, latest first (the front page pages through them)."""
    return Fair.objects.for_user(user).filter(ends_on__lt=today).order_by("-starts_on", "-pk")


def open_fairs(rows: list[FairRow]) -> list[FairRow]:
    return sorted(
        (row for row in rows if row.stage == Stage.OPEN),
        key=lambda row: (row.fair.applications_close_on, row.fair.pk),
    )


# --- Waiting for the user ---------------------------------------------------------------


@dataclass(frozen=True)
class WaitingRow:
    """One thing under a waiting item: an offer, an application, a fair's day."""

    text: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Waiting:
    """One kind of thing waiting for the user at one fair: how many, and where to act."""

    key: str
    label: str
    fair: Fair
    count: int
    url: str
    rows: tuple[WaitingRow, ...] = field(default=())
    more: int = 0  # rows not listed


def _url(name: str, pk: int, **query) -> str:
    url = reverse(name, args=[pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def waiting_for(user, *, now: datetime | None = None) -> list[Waiting]:
    """What waits for this user's action, fair by fair (only kinds with something
    waiting). District members: offers to answer, applications that need information,
    daily sales to enter. Staff and the fair committee: applications to review, lists
    to freeze, random sources to confirm, draws to publish, free booths while the
    waitlist has applicants, fees not paid by the deadline."""
    if not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    found: list[Waiting] = []
    if user.is_district_member:
        found += _offers(user, now)
        found += _needs_information(user)
        found += _sales_to_enter(user, now)
    if manages_fairs(user):
        found += _for_managers(user, now)
    return [item for item in found if item.count]


def _by_fair(rows) -> dict[int, list]:
    grouped_rows: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped_rows[row.fair_id].append(row)
    return grouped_rows


def _offers(user, now: datetime) -> list[Waiting]:
    offers = list(
        Holding.objects.for_user(user)
        .filter(offered_q(now), fair__ends_on__gte=timezone.localdate(now))
        .select_related("fair__series", "booth", "application__producer")
        .order_by("offer_expires_at", "booth__code")
    )
    items = []
    for holdings in _by_fair(offers).values():
        fair = holdings[0].fair
        items.append(
            Waiting(
                key="offers",
                label=_("Booth offers waiting for an answer"),
                fair=fair,
                count=len(holdings),
                url=_url("fairs:holdings", fair.pk, state=HoldingState.OFFERED),
                rows=tuple(
                    WaitingRow(
                        text=_("Booth %(booth)s · %(producer)s")
                        % {"booth": h.booth.code, "producer": h.application.producer.name},
                        url=reverse("fairs:holding_detail", args=[h.pk]),
                        note=_("answer by %(when)s")
                        % {"when": format_thai_datetime(h.offer_expires_at)},
                    )
                    for h in holdings[:ROWS]
                ),
                more=max(len(holdings) - ROWS, 0),
            )
        )
    return items


def _needs_information(user) -> list[Waiting]:
    applications = list(
        Application.objects.for_user(user)
        .filter(status=ApplicationStatus.NEEDS_INFO, fair__frozen_list__isnull=True)
        .select_related("fair__series", "producer")
        .order_by("fair__starts_on", "number")
    )
    items = []
    for rows in _by_fair(applications).values():
        fair = rows[0].fair
        items.append(
            Waiting(
                key="needs_info",
                label=_("Applications that need information"),
                fair=fair,
                count=len(rows),
                url=_url("fairs:application_list", fair.pk, status=ApplicationStatus.NEEDS_INFO),
                rows=tuple(
                    WaitingRow(
                        text=f"#{a.number} {a.producer.name}",
                        url=reverse("fairs:application_detail", args=[a.pk]),
                        note=a.review_reason,
                    )
                    for a in rows[:ROWS]
                ),
                more=max(len(rows) - ROWS, 0),
            )
        )
    return items


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _sales_to_enter(user, now: datetime) -> list[Waiting]:
    """Confirmed booths of the user's district on fair days that have come (up to
    SALES_DAYS after the fair), without that day's sales and not recorded absent that
    day (three queries)."""
    today = timezone.localdate(now)
    holdings = list(
        Holding.objects.for_user(user)
        .filter(
            confirmed_q(),
            fair__starts_on__lte=today,
            fair__ends_on__gte=today - timedelta(days=SALES_DAYS),
        )
        .select_related("fair__series")
    )
    ids = {h.application_id for h in holdings}
    entered = set(
        DailySales.objects.filter(application_id__in=ids).values_list("application_id", "day")
    )
    # a day the booth was recorded absent has no sales to enter
    entered |= set(
        Attendance.objects.filter(application_id__in=ids, present=False).values_list(
            "application_id", "day"
        )
    )
    missing: dict[int, list[date]] = defaultdict(list)
    fairs = {}
    for holding in holdings:
        fairs[holding.fair_id] = holding.fair
        start = _local_day(holding.period.lower)
        for day in holding.fair.days():
            if start <= day <= today and (holding.application_id, day) not in entered:
                missing[holding.fair_id].append(day)
    items = []
    for fair_id, days in missing.items():
        fair = fairs[fair_id]
        first = min(days)
        by_day = Counter(days)
        items.append(
            Waiting(
                key="sales",
                label=_("Daily sales to enter (booth-days)"),
                fair=fair,
                count=len(days),
                url=_url("fairs:sales", fair.pk, day=first.isoformat()),
                rows=tuple(
                    WaitingRow(
                        text=ngettext("%(count)s booth", "%(count)s booths", count)
                        % {"count": count},
                        url=_url("fairs:sales", fair.pk, day=day.isoformat()),
                        note=format_thai_date(day),
                    )
                    for day, count in sorted(by_day.items())[:ROWS]
                ),
                more=max(len(by_day) - ROWS, 0),
            )
        )
    return items


def _for_managers(user, now: datetime) -> list[Waiting]:
    """Everything the fair committee acts on, for the fairs not over yet: one query for
    the counts, three for the booths the waitlist could fill."""
    today = timezone.localdate(now)
    official = Draw.objects.filter(fair=OuterRef("pk"), official=True)
    sources = RandomSource.objects.filter(fair=OuterRef("pk"))
    newer = RandomSource.objects.filter(
        fair=OuterRef("fair"), entered_at__gt=OuterRef("entered_at")
    )
    fairs = list(
        Fair.objects.filter(ends_on__gte=today)
        .with_series()
        .annotate(
            policy_published=Exists(
                Policy.objects.filter(fair=OuterRef("pk"), published_at__isnull=False)
            ),
            is_frozen=Exists(FrozenList.objects.filter(fair=OuterRef("pk"))),
            to_review=_count(Application.objects.filter(status=ApplicationStatus.SUBMITTED)),
            source_confirmed=Exists(sources.filter(confirmed_at__isnull=False)),
            source_to_confirm=Exists(
                sources.filter(confirmed_at__isnull=True)
                .exclude(entered_by=user)
                .filter(~Exists(newer))
            ),
            draw_id=Subquery(official.values("pk")[:1]),
            draw_published=Exists(official.filter(published_at__isnull=False)),
            overdue=_count(
                Holding.objects.filter(unpaid_q(now)).filter(
                    ~Exists(Holding.objects.filter(booth=OuterRef("booth")).active_at(now))
                )
            ),
        )
        .order_by("starts_on", "pk")
    )
    refillable = _refillable([f for f in fairs if f.draw_published], now)
    items = []
    for fair in fairs:
        if not fair.is_frozen and fair.to_review:
            items.append(
                Waiting(
                    "review",
                    _("Applications to review"),
                    fair,
                    fair.to_review,
                    _url("fairs:review_queue", fair.pk),
                )
            )
        if not fair.is_frozen and fair.policy_published and today > fair.applications_close_on:
            items.append(
                Waiting("freeze", _("List to freeze"), fair, 1, _url("fairs:draw", fair.pk))
            )
        if fair.is_frozen and not fair.source_confirmed and fair.source_to_confirm:
            items.append(
                Waiting(
                    "source",
                    _("Random source to confirm"),
                    fair,
                    1,
                    _url("fairs:draw", fair.pk),
                )
            )
        if fair.draw_id and not fair.draw_published:
            items.append(
                Waiting(
                    "publish",
                    _("Official draw to publish"),
                    fair,
                    1,
                    _url("fairs:draw_detail", fair.draw_id),
                )
            )
        if refillable.get(fair.pk):
            items.append(
                Waiting(
                    "refill",
                    _("Free booths the waitlist can take"),
                    fair,
                    refillable[fair.pk],
                    _url("fairs:waitlist", fair.pk),
                )
            )
        if fair.overdue:
            items.append(
                Waiting(
                    "overdue",
                    _("Booths free again: fee not paid by the deadline"),
                    fair,
                    fair.overdue,
                    _url("fairs:holdings", fair.pk, state=HoldingState.UNPAID),
                )
            )
    return items


def _refillable(fairs: list[Fair], now: datetime) -> dict[int, int]:
    """Per fair: how many free booths the waitlist would fill now — what
    services.holdings.waitlist_refill would offer, for all fairs at once (four queries).
    The waitlist is the official draw's waitlist lines of eligible applications, less
    those holding a booth now, those who declined, withdrew or were released, and those
    whose offer or payment lapsed; each free booth goes to the first of them with its
    booth type whom no quota maximum stops (`holdings.pick_for`)."""
    if not fairs:
        return {}
    ids = [fair.pk for fair in fairs]
    held = Holding.objects.filter(fair_id__in=ids).active_at(now).values("booth_id")
    free = list(
        Booth.objects.drawable()
        .filter(fair_id__in=ids)
        .exclude(pk__in=held)
        .order_by("zone__code", "order", "code")
        .values_list("fair_id", "booth_type_id")
    )
    if not free:
        return {}
    lines = list(
        DrawLine.objects.filter(
            draw__fair_id__in=ids,
            draw__official=True,
            draw__published_at__isnull=False,
            outcome=Outcome.WAITLIST,
            application__status=ApplicationStatus.ELIGIBLE,
        )
        .order_by("position")
        .values_list(
            "draw__fair_id",
            "application_id",
            "application__booth_type_id",
            "application__district_id",
            "application__category",
        )
    )
    blocked = set()
    districts: dict[int, Counter] = defaultdict(Counter)
    categories: dict[int, Counter] = defaultdict(Counter)
    for holding in Holding.objects.filter(fair_id__in=ids).select_related("application"):
        if holding.holds_at(now):
            blocked.add(holding.application_id)
            districts[holding.fair_id][holding.application.district_id] += 1
            categories[holding.fair_id][holding.application.category] += 1
        elif holding.end_reason in (
            EndReason.DECLINED,
            EndReason.WITHDRAWN,
            EndReason.RELEASED,
        ) or holding.state(now) in (HoldingState.EXPIRED, HoldingState.UNPAID):
            blocked.add(holding.application_id)
    quotas: dict[int, dict] = defaultdict(lambda: {QuotaKind.DISTRICT: {}, QuotaKind.CATEGORY: {}})
    for fair_id, kind, key, low, high in PolicyQuota.objects.filter(
        policy_id__in=FrozenList.objects.filter(fair_id__in=ids).values("policy_id")
    ).values_list("policy__fair_id", "kind", "key", "minimum", "maximum"):
        quotas[fair_id][kind][key] = (low, high)
    candidates: dict[int, list] = defaultdict(list)
    for fair_id, application_id, booth_type_id, district_id, category in lines:
        if application_id not in blocked:
            candidates[fair_id].append(
                SimpleNamespace(
                    pk=application_id,
                    booth_type_id=booth_type_id,
                    district_id=district_id,
                    category=category,
                )
            )
    result: dict[int, int] = Counter()
    for fair_id, booth_type_id in free:
        chosen = pick_for(
            SimpleNamespace(booth_type_id=booth_type_id),
            candidates[fair_id],
            quotas[fair_id],
            districts[fair_id],
            categories[fair_id],
            None,
        )
        if chosen is not None:
            candidates[fair_id].remove(chosen)
            districts[fair_id][chosen.district_id] += 1
            categories[fair_id][chosen.category] += 1
            result[fair_id] += 1
    return dict(result)


# --- A producer's applications ----------------------------------------------------------


@dataclass
class ProducerApplication:
    application: Application
    outcome: DrawLine | None  # the line of the published official draw
    holding: Holding | None  # the latest holding
    sales: Decimal

    @property
    def state_label(self) -> str:
        """The booth's state now; for a booth given up or lost, why."""
        if self.holding is None:
            return ""
        if self.holding.ended_at is not None:
            return self.holding.get_end_reason_display()
        return self.holding.state_label()


def producer_applications(user, producer) -> list[ProducerApplication]:
    """The producer's applications within the user's reach, latest fair first, with
    the draw's outcome, the booth and its state, and the sales entered (four queries)."""
    applications = list(
        Application.objects.for_user(user)
        .filter(producer=producer)
        .select_related("fair__series", "booth_type")
        .order_by("-fair__starts_on", "-pk")
    )
    ids = [a.pk for a in applications]
    lines = {
        line.application_id: line
        for line in DrawLine.objects.filter(
            application_id__in=ids, draw__official=True, draw__published_at__isnull=False
        ).select_related("zone")
    }
    holdings: dict[int, Holding] = {}
    for holding in (
        Holding.objects.filter(application_id__in=ids)
        .select_related("booth")
        .order_by("application_id", "-offered_at", "-pk")
    ):
        holdings.setdefault(holding.application_id, holding)
    sales = dict(
        DailySales.objects.filter(application_id__in=ids)
        .values("application_id")
        .annotate(total=Sum("amount"))
        .values_list("application_id", "total")
    )
    return [
        ProducerApplication(
            application=a,
            outcome=lines.get(a.pk),
            holding=holdings.get(a.pk),
            sales=sales.get(a.pk, Decimal("0.00")),
        )
        for a in applications
    ]


def fairs_to_apply(user, producer, *, today: date | None = None) -> list[Fair]:
    """Open fairs the user may apply to for this producer, where it has not applied
    yet (one query)."""
    if producer.merged_into_id is not None or not may_apply_for(user, producer):
        return []
    today = today or timezone.localdate()
    return list(
        Fair.objects.with_series()
        .filter(applications_open_on__lte=today, applications_close_on__gte=today)
        .filter(Exists(Policy.objects.filter(fair=OuterRef("pk"), published_at__isnull=False)))
        .exclude(Exists(FrozenList.objects.filter(fair=OuterRef("pk"))))
        .exclude(
            Exists(
                Application.objects.filter(fair=OuterRef("pk"), producer=producer, status__in=LIVE)
            )
        )
        .order_by("applications_close_on", "pk")
    )
