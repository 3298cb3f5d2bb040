"""The fairness report of the official draw (research/fairs.md §5.7): selection rates
by district and by category with the spread between the highest and the lowest, the
zone ranks the selected obtained, how many prime booths went to last fair's prime
holders, the quota skips, the producers unsuccessful two fairs in a row, and the
tickets.

Computed over the whole fair for every reader: the figures name no one. The only
names, of those unsuccessful twice, are listed within the reader's reach."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fairs.models import Application, DrawLine, Fair, FairCategory, Holding, Outcome
from fairs.reports.common import (
    Spread,
    export_name,
    official_draw,
    percent,
    spread,
)
from fairs.selectors_draw import category_label, names_for, skip_sentence
from otop_portal.lib.exports import Column, Export

TITLE = gettext_lazy("Fairness of the draw")
RANKS = (
    (1, gettext_lazy("1st choice")),
    (2, gettext_lazy("2nd choice")),
    (3, gettext_lazy("3rd choice")),
    (0, gettext_lazy("A zone not chosen")),
)
CATEGORY_ORDER = {code: index for index, code in enumerate(FairCategory.values)}


@dataclass(frozen=True)
class Rate:
    label: str
    eligible: int
    selected: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.selected, self.eligible)


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    of: int

    @property
    def share(self) -> Decimal | None:
        return percent(self.count, self.of)


@dataclass(frozen=True)
class Unlucky:
    line: DrawLine
    holds_now: bool  # offered a booth later, from the waitlist or by staff


@dataclass(frozen=True)
class Fairness:
    fair: Fair
    draw: object  # None before the official draw: the report then says so
    districts: list[Rate]
    categories: list[Rate]
    ranks: list[Share]
    prime: Share  # prime booths drawn, how many to last fair's prime holders
    prime_holders: Share  # last fair's prime holders in the draw, how many selected
    skips: list[Share]
    unlucky: int  # unsuccessful this time after a miss the last time
    had_missed: int  # applicants who had missed the last time
    unlucky_holding: int  # of the unlucky, holding a booth now
    named: list[Unlucky]  # the unlucky within the reader's reach
    tickets: list[Rate]
    withdrawn: int  # withdrawn after the freeze: left out of every figure

    @property
    def district_spread(self) -> Spread:
        return spread(rate.rate for rate in self.districts)

    @property
    def category_spread(self) -> Spread:
        return spread(rate.rate for rate in self.categories)

    @property
    def prime_shares(self) -> list[Share]:
        return [self.prime, self.prime_holders]

    @property
    def selected(self) -> int:
        return sum(rate.selected for rate in self.districts)

    @property
    def eligible(self) -> int:
        return sum(rate.eligible for rate in self.districts)


def _rates(lines, key, order, label) -> list[Rate]:
    eligible, selected = Counter(), Counter()
    for line in lines:
        eligible[key(line)] += 1
        selected[key(line)] += line.outcome == Outcome.SELECTED
    return [Rate(label(k), eligible[k], selected[k]) for k in sorted(eligible, key=order)]


def zone_rank(line: DrawLine) -> int:
    """1, 2 or 3: the rank of the zone the selected applicant got among their choices
    as frozen; 0 for a zone they did not choose."""
    choices = [code for code in line.entry.zone_codes.split(";") if code]
    code = line.zone.code if line.zone else None
    return choices.index(code) + 1 if code in choices else 0


def _tickets_label(tickets: int) -> str:
    return ngettext("%(count)s ticket", "%(count)s tickets", tickets) % {"count": tickets}


def empty(fair: Fair) -> Fairness:
    nothing = Share("", 0, 0)
    return Fairness(fair, None, [], [], [], nothing, nothing, [], 0, 0, 0, [], [], 0)


def build(fair: Fair, user, now) -> Fairness:
    """Six queries: the official draw, its lines, the names of districts and booth
    types the skips mention, the unlucky within reach, and which of the unlucky hold a
    booth now."""
    draw = official_draw(fair)
    if draw is None:
        return empty(fair)
    every = list(
        DrawLine.objects.filter(draw=draw)
        .select_related("entry__district", "zone", "application__producer")
        .order_by("position")
    )
    lines = [line for line in every if line.outcome != Outcome.WITHDRAWN]
    chosen = [line for line in lines if line.outcome == Outcome.SELECTED]
    districts = {line.entry.district_id: line.entry.district.name for line in lines}
    names = names_for(fair, districts)
    ranks = Counter(zone_rank(line) for line in chosen)
    prime = [line for line in chosen if line.zone and line.zone.is_prime]
    holders = [line for line in lines if line.entry.prime_last]
    skips = Counter(
        (line.skip_code, line.skip_subject)
        for line in lines
        if line.skip_code and line.outcome != Outcome.SELECTED
    )
    missed = [line for line in lines if line.entry.misses >= 1]
    unlucky = [line for line in missed if line.outcome != Outcome.SELECTED]
    reach = set(
        Application.objects.for_user(user)
        .filter(fair=fair, frozen_entry__misses__gte=1)
        .values_list("pk", flat=True)
    )
    holding = set(
        Holding.objects.filter(fair=fair, application__frozen_entry__misses__gte=1)
        .active_at(now)
        .values_list("application_id", flat=True)
    )
    return Fairness(
        fair=fair,
        draw=draw,
        districts=_rates(
            lines, lambda line: line.entry.district_id, lambda k: k, lambda k: districts[k]
        ),
        categories=_rates(
            lines,
            lambda line: line.entry.category,
            lambda k: CATEGORY_ORDER.get(k, len(CATEGORY_ORDER)),
            category_label,
        ),
        ranks=[Share(str(label), ranks[rank], len(chosen)) for rank, label in RANKS],
        prime=Share(
            _("Prime booths that went to last fair's prime holders"),
            sum(1 for line in prime if line.entry.prime_last),
            len(prime),
        ),
        prime_holders=Share(
            _("Last fair's prime holders selected again"),
            sum(1 for line in holders if line.outcome == Outcome.SELECTED),
            len(holders),
        ),
        skips=[
            Share(capfirst(skip_sentence(code, subject, names)), count, len(lines))
            for (code, subject), count in sorted(skips.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        unlucky=len(unlucky),
        had_missed=len(missed),
        unlucky_holding=sum(1 for line in unlucky if line.application_id in holding),
        named=[
            Unlucky(line, line.application_id in holding)
            for line in unlucky
            if line.application_id in reach
        ],
        tickets=_rates(lines, lambda line: line.tickets, lambda k: k, _tickets_label),
        withdrawn=len(every) - len(lines),
    )


# --- The file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    section: str
    item: str
    count: int | None = None
    of: int | None = None
    percent: Decimal | None = None
    ratio: Decimal | None = None


def _rate_lines(section, rates: list[Rate], gap: Spread | None = None) -> list[Line]:
    lines = [Line(section, r.label, r.selected, r.eligible, r.rate) for r in rates]
    if gap is None:
        return lines
    label = _("Highest rate ÷ lowest rate")
    if gap.someone_got_nothing:
        label = _("Highest rate ÷ lowest rate (a group got no booth)")
    return [*lines, Line(section, label, ratio=gap.ratio)]


def _share_lines(section, shares: list[Share]) -> list[Line]:
    return [Line(section, s.label, s.count, s.of, s.share) for s in shares]


def lines(data: Fairness) -> list[Line]:
    if data.draw is None:
        return []
    unlucky = _("Unsuccessful two fairs in a row")
    return [
        *_rate_lines(_("Selection rate by district"), data.districts, data.district_spread),
        *_rate_lines(_("Selection rate by category"), data.categories, data.category_spread),
        *_share_lines(_("Zone obtained"), data.ranks),
        *_share_lines(_("Prime booths"), data.prime_shares),
        *_share_lines(_("Skipped for a quota or a full booth type"), data.skips),
        Line(
            unlucky,
            _("Unsuccessful after missing the last fair"),
            data.unlucky,
            data.had_missed,
            percent(data.unlucky, data.had_missed),
        ),
        Line(unlucky, _("Of whom holding a booth now"), data.unlucky_holding, data.unlucky),
        *[
            Line(
                unlucky,
                f"#{u.line.application.number} {u.line.application.producer.name} "
                f"({u.line.entry.district.name})",
            )
            for u in data.named
        ],
        *_rate_lines(_("Selection rate by tickets"), data.tickets),
    ]


def export(data: Fairness) -> Export:
    columns = [
        Column(gettext_lazy("Section"), lambda line: line.section),
        Column(gettext_lazy("Item"), lambda line: line.item),
        Column(gettext_lazy("Count"), lambda line: line.count, "int"),
        Column(gettext_lazy("Out of"), lambda line: line.of, "int"),
        Column(gettext_lazy("Percent"), lambda line: line.percent, "decimal"),
        Column(gettext_lazy("Ratio"), lambda line: line.ratio, "decimal"),
    ]
    return Export(export_name(TITLE, data.fair), columns, lines(data))
