"""The applicants report: every application of the fair within the reader's reach,
whatever became of it (including those not selected), with its draw position, its
outcome and the draw's one-line reason, and the booth it holds now."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fairs.models import Application, ApplicationStatus, DrawLine, Fair, Holding, Outcome
from fairs.reports.common import (
    HOLDING_NOW,
    export_name,
    latest_by_application,
    official_draw,
)
from fairs.reports.common import state_label as holding_state_label
from fairs.selectors_draw import category_label, names_for
from fairs.selectors_draw import reason as draw_reason
from fairs.services.lottery import stars_of
from otop_portal.lib.exports import Column, Export

TITLE = gettext_lazy("Applicants and results")


@dataclass(frozen=True)
class ApplicantRow:
    application: Application
    stars: int
    stars_frozen: bool
    products: int
    line: DrawLine | None
    holding: Holding | None  # the latest, whether or not it still holds its booth
    holds: bool
    state: str
    outcome: str
    reason: str  # the draw's one-line reason, in the reader's language

    @property
    def tickets(self) -> int | None:
        return self.line.tickets if self.line else None

    @property
    def position(self) -> int | None:
        return self.line.position if self.line else None

    @property
    def booth(self):
        return self.holding.booth if self.holds else None


@dataclass(frozen=True)
class Applicants:
    fair: Fair
    draw: object  # the official draw, or None
    rows: list[ApplicantRow]
    of: int  # applicants in the draw

    @property
    def selected(self) -> int:
        return sum(1 for row in self.rows if row.line and row.line.outcome == Outcome.SELECTED)


def outcome(application: Application, line: DrawLine | None, frozen: bool) -> str:
    """What became of the application, in one short phrase."""
    status = application.status
    if status == ApplicationStatus.WITHDRAWN:
        return _("Withdrawn")
    if status == ApplicationStatus.REJECTED:
        return _("Not in the draw: rejected")
    if status == ApplicationStatus.NEEDS_INFO:
        return _("Not in the draw: needs information")
    if status == ApplicationStatus.SUBMITTED:
        return _("Waiting for review")
    if line is None:
        return _("Not in the frozen list") if frozen else _("Waiting for the draw")
    if line.outcome == Outcome.SELECTED:
        return _("Selected")
    if line.outcome == Outcome.WAITLIST:
        return _("Waitlist %(position)s") % {"position": line.waitlist_position}
    return _("Withdrawn")


def build(fair: Fair, user, now) -> Applicants:
    """Eight queries: the applications, their products, the star ratings, the official
    draw, its lines for these applications, the names of districts and booth types
    the reasons mention, and the holdings."""
    reach = Application.objects.for_user(user).filter(fair=fair)
    applications = list(
        reach.select_related(
            "producer", "district", "booth_type", "zone_1", "zone_2", "zone_3", "frozen_entry"
        )
        .prefetch_related("products")
        .order_by("number")
    )
    live_stars = stars_of(applications)
    draw = official_draw(fair)
    lines = {}
    if draw is not None:
        lines = {
            line.application_id: line
            for line in DrawLine.objects.filter(draw=draw, application__in=reach).select_related(
                "booth", "zone"
            )
        }
    names = names_for(fair, {a.district_id for a in applications})
    latest = latest_by_application(
        Holding.objects.filter(fair=fair, application__in=reach)
        .select_related("booth")
        .order_by("offered_at", "pk")
    )
    rows = []
    for application in applications:
        entry = getattr(application, "frozen_entry", None)
        line = lines.get(application.pk)
        holding = latest.get(application.pk)
        rows.append(
            ApplicantRow(
                application=application,
                stars=entry.stars if entry else live_stars[application.pk],
                stars_frozen=entry is not None,
                products=len(application.products.all()),
                line=line,
                holding=holding,
                holds=holding is not None and holding.state(now) in HOLDING_NOW,
                state=holding_state_label(holding, now),
                outcome=outcome(application, line, draw is not None),
                reason=draw_reason(line, of=draw.drawn, names=names) if line else "",
            )
        )
    return Applicants(fair, draw, rows, draw.drawn if draw else 0)


def _zone(index: int):
    def value(row: ApplicantRow) -> str:
        zones = row.application.zones
        return str(zones[index]) if len(zones) > index else ""

    return value


def export(data: Applicants) -> Export:
    columns = [
        Column(gettext_lazy("Application number"), lambda r: r.application.number, "int"),
        Column(gettext_lazy("Producer"), lambda r: r.application.producer.name),
        Column(gettext_lazy("District"), lambda r: r.application.district.name),
        Column(gettext_lazy("Category"), lambda r: category_label(r.application.category)),
        Column(gettext_lazy("Booth type"), lambda r: r.application.booth_type.name),
        Column(gettext_lazy("Zone, 1st choice"), _zone(0)),
        Column(gettext_lazy("Zone, 2nd choice"), _zone(1)),
        Column(gettext_lazy("Zone, 3rd choice"), _zone(2)),
        Column(gettext_lazy("Products"), lambda r: r.products, "int"),
        Column(gettext_lazy("Stars"), lambda r: r.stars, "int"),
        Column(
            gettext_lazy("Stars frozen with the list"),
            lambda r: _("Yes") if r.stars_frozen else _("No"),
        ),
        Column(gettext_lazy("Status"), lambda r: r.application.get_status_display()),
        Column(gettext_lazy("Review reason"), lambda r: r.application.review_reason),
        Column(gettext_lazy("Tickets"), lambda r: r.tickets, "int"),
        Column(gettext_lazy("Draw position"), lambda r: r.position, "int"),
        Column(pgettext_lazy("fair draw", "Outcome"), lambda r: r.outcome),
        Column(gettext_lazy("Reason from the draw"), lambda r: r.reason),
        Column(gettext_lazy("Booth now"), lambda r: r.booth.code if r.booth else ""),
        Column(gettext_lazy("Booth state"), lambda r: r.state),
    ]
    return Export(export_name(TITLE, data.fair), columns, data.rows)
