"""The draw's pipeline (research/fairs.md §5.2): freeze the eligible list and publish
its SHA-256 with the policy and algorithm version; a public random source typed in by
one person and confirmed by another; the official draw, stored and never changed;
publishing it, which makes the offers. Unofficial re-runs are stored too.

The pure lottery is `fairs.draw`; this module turns database rows into its inputs and
its result into rows.
"""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs import draw as lottery
from fairs.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Booth,
    Draw,
    DrawLine,
    Fair,
    FairCategory,
    FrozenEntry,
    FrozenList,
    Holding,
    HoldingKind,
    Outcome,
    Policy,
    QuotaKind,
    RandomSource,
)
from fairs.services.common import lock_fair, require_manager
from fairs.services.setup import policy_in_force
from members.models import District, StarRating

# --- Inputs of the draw --------------------------------------------------------------


def stars_of(applications: list[Application]) -> dict[int, int]:
    """Each application's stars: the highest current (latest round) rating among the
    products it lists, counted only when provincial staff verified it; 0 without one."""
    product_ids = {p.pk for a in applications for p in a.products.all()}
    latest: dict[int, StarRating] = {}
    for rating in StarRating.objects.filter(product_id__in=product_ids).order_by(
        "product_id", "-round_year_be"
    ):
        latest.setdefault(rating.product_id, rating)
    stars = {}
    for application in applications:
        counted = [
            latest[p.pk].stars
            for p in application.products.all()
            if p.pk in latest and latest[p.pk].is_verified
        ]
        stars[application.pk] = max(counted, default=0)
    return stars


def history_of(fair: Fair, producer_ids: set[int]) -> dict[int, tuple[int, bool, bool]]:
    """For each producer: (consecutive previous misses in this series, no-show at the
    last fair, prime booth at the last fair).

    A miss: the producer was in an edition's official draw and never held a booth
    there. The run of misses stops at the first edition (going back) where the producer
    got a booth or did not take part. A no-show: they held a booth at the last fair, at
    least one fair day was recorded absent and none present.
    """
    editions = list(
        Fair.objects.filter(series_id=fair.series_id, starts_on__lt=fair.starts_on)
        .order_by("-starts_on")
        .values_list("pk", flat=True)
    )
    misses = dict.fromkeys(producer_ids, 0)
    running = set(producer_ids)
    no_show, prime = set(), set()
    for index, edition in enumerate(editions):
        drawn = set(
            DrawLine.objects.filter(
                draw__fair_id=edition, draw__official=True, application__producer_id__in=running
            )
            .exclude(outcome=Outcome.WITHDRAWN)
            .values_list("application__producer_id", flat=True)
        )
        kept = _kept_holdings(edition, producer_ids if index == 0 else running)
        held = {h.application.producer_id for h in kept}
        for producer in list(running):
            if producer in drawn and producer not in held:
                misses[producer] += 1
            else:
                running.discard(producer)
        if index == 0:
            prime = {h.application.producer_id for h in kept if h.booth.zone.is_prime}
            presence = defaultdict(set)
            for row in Attendance.objects.filter(holding__in=kept).values_list(
                "holding_id", "present"
            ):
                presence[row[0]].add(row[1])
            no_show = {
                h.application.producer_id
                for h in kept
                if presence.get(h.pk) and True not in presence[h.pk]
            }
        if not running and index > 0:
            break
    return {p: (misses[p], p in no_show, p in prime) for p in producer_ids}


def _kept_holdings(fair_id: int, producer_ids) -> list[Holding]:
    """The booths producers kept at a fair: accepted and never ended (paid when a fee was due)."""
    holdings = Holding.objects.filter(
        fair_id=fair_id,
        application__producer_id__in=producer_ids,
        accepted_at__isnull=False,
        ended_at__isnull=True,
    ).select_related("application", "booth__zone")
    return [h for h in holdings if h.state() == "confirmed"]


def quotas_of(policy: Policy) -> lottery.Quotas:
    district, category = {}, {}
    for quota in policy.quotas.all():
        table = district if quota.kind == QuotaKind.DISTRICT else category
        table[quota.key] = lottery.Quota(quota.minimum, quota.maximum)
    return lottery.Quotas(district=district, category=category)


def booths_of(fair: Fair) -> dict[str, dict[str, int]]:
    """Zone code → booth type code → number of booths to draw (reserved ones left out)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for zone, booth_type in fair.booths.drawable().values_list("zone__code", "booth_type__code"):
        table[zone][booth_type] += 1
    return {zone: dict(types) for zone, types in table.items()}


def _applicant(entry: FrozenEntry) -> lottery.Applicant:
    return lottery.Applicant(
        number=entry.number,
        district=entry.district_id,
        category=entry.category,
        booth_type=entry.booth_type_code,
        zones=tuple(z for z in entry.zone_codes.split(";") if z),
        stars=entry.stars,
        misses=entry.misses,
        no_show_last=entry.no_show_last,
        prime_last=entry.prime_last,
    )


def applicants_of(frozen: FrozenList) -> list[lottery.Applicant]:
    return [_applicant(e) for e in frozen.entries.order_by("number")]


def eligible_applicants(fair: Fair, policy: Policy) -> list[tuple[Application, lottery.Applicant]]:
    """The eligible applications as the draw will see them (before or at the freeze)."""
    applications = list(
        fair.applications.filter(status=ApplicationStatus.ELIGIBLE)
        .select_related("booth_type", "zone_1", "zone_2", "zone_3")
        .prefetch_related("products")
        .order_by("number")
    )
    stars = stars_of(applications)
    history = history_of(fair, {a.producer_id for a in applications})
    rows = []
    for application in applications:
        misses, no_show, prime = history[application.producer_id]
        applicant = lottery.Applicant(
            number=application.number,
            district=application.district_id,
            category=application.category,
            booth_type=application.booth_type.code,
            zones=tuple(z.code for z in application.zones),
            # The policy's switches act on the inputs: no star bonus → stars count as 0.
            stars=stars[application.pk] if policy.star_bonus else 0,
            misses=min(misses, policy.miss_bonus_cap),
            no_show_last=no_show,
            prime_last=prime,
        )
        rows.append((application, applicant))
    return rows


def feasibility(fair: Fair, policy: Policy | None = None) -> list[str]:
    """The quotas that cannot be met with today's eligible list (empty: all can)."""
    policy = policy or policy_in_force(fair)
    if policy is None:
        return [_("No allocation policy is published.")]
    applicants = [applicant for _row, applicant in eligible_applicants(fair, policy)]
    return lottery.check_policy(applicants, quotas_of(policy), _capacities(fair))


# --- 2. Freeze -----------------------------------------------------------------------


@transaction.atomic
def list_freeze(*, fair: Fair, by, today=None) -> FrozenList:
    """At the deadline: the eligible list, frozen, hashed and published. Refused while
    applications wait for a decision, before the deadline, or when the quotas of the
    policy in force cannot all be met (each failing quota named)."""
    require_manager(by)
    fair = lock_fair(fair)
    today = today or timezone.localdate()
    if hasattr(fair, "frozen_list"):
        raise ValidationError(_("The list is already frozen."))
    if today <= fair.applications_close_on:
        raise ValidationError(_("The list can be frozen only after applications have closed."))
    if fair.lottery_date is None:
        raise ValidationError(
            {
                "lottery_date": _(
                    "Announce the Government Lottery draw whose results will seed the booth "
                    "draw before freezing the list."
                )
            }
        )
    policy = policy_in_force(fair)
    if policy is None:
        raise ValidationError(_("Publish the allocation policy first."))
    waiting = fair.applications.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.NEEDS_INFO]
    ).count()
    if waiting:
        raise ValidationError(
            _("%(count)s applications still wait for a decision: review them first.")
            % {"count": waiting}
        )
    rows = eligible_applicants(fair, policy)
    if not rows:
        raise ValidationError(_("No application is eligible: there is nothing to draw."))
    problems = lottery.check_policy(
        [applicant for _row, applicant in rows], quotas_of(policy), _capacities(fair)
    )
    if problems:
        raise ValidationError(
            [_("The quotas cannot all be met; publish a new policy version first.")]
            + [explain_problem(p) for p in problems]
        )
    applicants = [applicant for _row, applicant in rows]
    frozen = FrozenList.objects.create(
        fair=fair,
        policy=policy,
        algorithm_version=lottery.ALGORITHM_VERSION,
        text=lottery.canonical_list(applicants),
        list_hash=lottery.frozen_list_hash(applicants),
        frozen_by=by,
    )
    FrozenEntry.objects.bulk_create(
        FrozenEntry(
            frozen_list=frozen,
            application=application,
            number=a.number,
            district_id=a.district,
            category=a.category,
            booth_type_code=a.booth_type,
            zone_codes=";".join(a.zones),
            stars=a.stars,
            misses=a.misses,
            no_show_last=a.no_show_last,
            prime_last=a.prime_last,
            tickets=lottery.tickets(a),
        )
        for application, a in rows
    )
    return frozen


def _capacities(fair: Fair) -> dict[str, int]:
    capacities: dict[str, int] = defaultdict(int)
    for types in booths_of(fair).values():
        for code, count in types.items():
            capacities[code] += count
    return dict(capacities)


def explain_problem(problem: str) -> str:
    """A failing quota as the pure algorithm names it, in the reader's language:
    "district 2701: minimum 3 cannot be met (too few applicants or booths)" becomes
    "อำเภอเมืองสระแก้ว: ขั้นต่ำ 3 บูธ ทำไม่ได้ (ผู้สมัครหรือบูธไม่พอ)"."""
    import re

    def name(label: str) -> str:
        kind, _sep, key = label.partition(" ")
        if kind == "district":
            district = District.objects.filter(code=key).first()
            return _("district %(name)s") % {"name": district.name if district else key}
        labels = dict(FairCategory.choices)
        return _("category %(name)s") % {"name": labels.get(key, key)}

    above = re.fullmatch(r"(\S+ \S+): minimum (\d+) is above maximum (\d+)", problem)
    if above:
        return _("%(quota)s: the minimum %(low)s is above the maximum %(high)s") % {
            "quota": name(above[1]),
            "low": above[2],
            "high": above[3],
        }
    alone = re.fullmatch(
        r"(\S+ \S+): minimum (\d+) cannot be met \(too few applicants or booths\)", problem
    )
    if alone:
        return _(
            "%(quota)s: the minimum of %(low)s booths cannot be met (too few eligible "
            "applicants or booths of their types)"
        ) % {"quota": name(alone[1]), "low": alone[2]}
    together = re.fullmatch(r"(\S+ \S+): minimum (\d+) cannot be met with (.+)", problem)
    if together:
        others = ", ".join(name(label) for label in together[3].split(", "))
        return _(
            "%(quota)s: the minimum of %(low)s booths cannot be met together with the "
            "minimums of %(others)s"
        ) % {"quota": name(together[1]), "low": together[2], "others": others}
    return _("Quota problem: %(problem)s") % {"problem": problem}


# --- 3. The public random source -------------------------------------------------------


def normalise_source(text: str) -> str:
    return " ".join(text.split())


@transaction.atomic
def source_enter(*, fair: Fair, by, text: str) -> RandomSource:
    require_manager(by)
    fair = lock_fair(fair)
    if not hasattr(fair, "frozen_list"):
        raise ValidationError(_("Freeze the list before typing in the random source."))
    if fair.random_sources.filter(confirmed_at__isnull=False).exists():
        raise ValidationError(_("This fair's random source is already confirmed."))
    text = normalise_source(text)
    if len(text) < 6:
        raise ValidationError({"text": _("Type the lottery results in full.")})
    source = RandomSource(fair=fair, text=text, entered_by=by)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_confirm(*, source: RandomSource, by, retyped: str) -> RandomSource:
    """A second person confirms by typing the results again: both must match."""
    require_manager(by)
    lock_fair(source.fair)
    source = RandomSource.objects.select_for_update().get(pk=source.pk)
    if source.is_confirmed:
        raise ValidationError(_("This random source is already confirmed."))
    if source.entered_by_id == by.pk:
        raise ValidationError(_("A second person must confirm the random source."))
    if source.fair.random_sources.filter(confirmed_at__isnull=False).exists():
        raise ValidationError(_("This fair's random source is already confirmed."))
    newer = source.fair.random_sources.filter(entered_at__gt=source.entered_at).exists()
    if newer:
        raise ValidationError(_("A newer random source was typed in; confirm that one."))
    if normalise_source(retyped) != source.text:
        raise ValidationError(
            {"retyped": _("What you typed differs from what was entered. Check the results.")}
        )
    source.confirmed_by = by
    source.confirmed_at = timezone.now()
    source.save(update_fields=["confirmed_by", "confirmed_at"])
    return source


# --- 4.–5. The draw --------------------------------------------------------------------


@transaction.atomic
def draw_run(*, fair: Fair, by, official: bool, source_text: str = "") -> Draw:
    """Run the lottery on the frozen list and store it. The official draw uses the
    confirmed random source and exists once; an unofficial re-run may use any text."""
    require_manager(by)
    fair = lock_fair(fair)
    frozen = getattr(fair, "frozen_list", None)
    if frozen is None:
        raise ValidationError(_("Freeze the list first."))
    if official:
        source = fair.random_sources.filter(confirmed_at__isnull=False).first()
        if source is None:
            raise ValidationError(_("The random source must be typed in and confirmed first."))
        if fair.draws.filter(official=True).exists():
            raise ValidationError(_("This fair already has its official draw."))
        source_text = source.text
    else:
        source_text = normalise_source(source_text)
        if not source_text:
            raise ValidationError({"source_text": _("Type a random source for the re-run.")})
    entries = {e.number: e for e in frozen.entries.select_related("application")}
    withdrawn = sorted(
        n for n, e in entries.items() if e.application.status == ApplicationStatus.WITHDRAWN
    )
    applicants = [_applicant(e) for e in entries.values()]
    try:
        result = lottery.draw(
            applicants, quotas_of(frozen.policy), booths_of(fair), source_text, withdrawn
        )
    except lottery.PolicyInfeasible as error:
        raise ValidationError([explain_problem(p) for p in error.problems]) from None
    if result.list_hash != frozen.list_hash:  # the stored list must hash as published
        raise ValidationError(_("The stored list does not match its published hash."))
    run = Draw.objects.create(
        fair=fair,
        frozen_list=frozen,
        source_text=source_text,
        seed=result.seed,
        algorithm_version=result.algorithm_version,
        withdrawn_numbers=",".join(str(n) for n in withdrawn),
        official=official,
        run_by=by,
    )
    physical = physical_booths(fair, result, entries)
    zones = {z.code: z for z in fair.zones.all()}
    waitlist = {w.number: w.position for w in result.waitlist}
    lines = []
    for entry in result.order:
        explanation = lottery.one_line_reason(result, entry.number)
        skip = result.skips.get(entry.number)
        if entry.number in physical:
            outcome = Outcome.SELECTED
        elif skip is not None and skip.code == lottery.SKIP_WITHDRAWN:
            outcome = Outcome.WITHDRAWN
        else:
            outcome = Outcome.WAITLIST
        assignment = result.assignments.get(entry.number)
        lines.append(
            DrawLine(
                draw=run,
                entry=entries[entry.number],
                application=entries[entry.number].application,
                position=entry.position,
                tickets=entry.tickets,
                uniform=entry.u,
                key=entry.key,
                outcome=outcome,
                skip_code=skip.code if skip else "",
                skip_subject=skip.subject if skip else "",
                waitlist_position=waitlist.get(entry.number),
                zone=zones[assignment.zone] if assignment else None,
                booth=physical.get(entry.number),
                reason=explanation.sentence[:300],
            )
        )
    DrawLine.objects.bulk_create(lines)
    return run


def physical_booths(fair: Fair, result: lottery.DrawResult, entries: dict) -> dict[int, Booth]:
    """The draw gives each selected applicant a zone and a place in the zone's row;
    the booths of the zone are taken in their order along it (place, then number),
    each occupant getting the next free booth of their type."""
    booths: dict[str, dict[str, list[Booth]]] = defaultdict(lambda: defaultdict(list))
    for booth in (
        fair.booths.drawable().select_related("zone", "booth_type").order_by("order", "code")
    ):
        booths[booth.zone.code][booth.booth_type.code].append(booth)
    by_zone: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for number, assignment in result.assignments.items():
        by_zone[assignment.zone].append((assignment.booth, number))
    physical = {}
    for zone, places in by_zone.items():
        for _place, number in sorted(places):
            booth_type = entries[number].booth_type_code
            physical[number] = booths[zone][booth_type].pop(0)
    return physical


@transaction.atomic
def draw_publish(*, draw: Draw, by) -> Draw:
    """Publish the official draw: the verification page shows it, and every selected
    applicant gets an offer of their booth for the policy's offer window."""
    require_manager(by)
    fair = lock_fair(draw.fair)
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if not draw.official:
        raise ValidationError(_("Only the official draw is published."))
    if draw.is_published:
        raise ValidationError(_("This draw is already published."))
    now = timezone.now()
    draw.published_at = now
    draw.published_by = by
    draw.save(update_fields=["published_at", "published_by"])
    hours = draw.frozen_list.policy.offer_hours
    expires = now + timedelta(hours=hours)
    lines = draw.lines.filter(outcome=Outcome.SELECTED).select_related(
        "booth__booth_type", "application"
    )
    Holding.objects.bulk_create(
        Holding(
            fair=fair,
            booth=line.booth,
            application=line.application,
            kind=HoldingKind.DRAW,
            period=DateTimeTZRange(now, expires, "[)"),
            offered_at=now,
            offer_expires_at=expires,
            fee=line.booth.booth_type.fee,
            created_by=by,
        )
        for line in lines
        if line.application.status != ApplicationStatus.WITHDRAWN
    )
    return draw


def official_draw(fair: Fair) -> Draw | None:
    return fair.draws.filter(official=True).first()
