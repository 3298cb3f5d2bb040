"""A fair's reports: applicants and results, the booth allocation, fees and
payments, attendance, sales and the fairness of the draw; each on screen and, with
?format=csv or ?format=xlsx, as a file with the same figures (fairs/reports/ builds
both).

Every login reads them. Rows about producers are within the reader's reach: a
district member's reports cover their own district; the fairness figures cover the
whole fair and name no one.
"""

from dataclasses import dataclass
from types import ModuleType

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from fairs.reports import allocation, applicants, attendance, fairness, payments, sales
from fairs.views.common import fair_for
from otop_portal.lib.exports import export_response

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Report:
    module: ModuleType  # build(fair, user, now) and export(data)
    summary: object
    whole_fair: bool = False  # figures over the whole fair, whoever reads them
    needs_draw: bool = False  # nothing to show (or download) before the official draw

    @property
    def title(self):
        return self.module.TITLE


REPORTS = {
    "applicants": Report(
        applicants,
        gettext_lazy(
            "Every application with its status, review reason, tickets, draw position, "
            "outcome and reason, including those not selected, and the booth it holds now."
        ),
    ),
    "allocation": Report(
        allocation,
        gettext_lazy(
            "Every booth: zone, type and fee, reserved booths with who and why, and who "
            "holds each now, how and since when."
        ),
    ),
    "payments": Report(
        payments,
        gettext_lazy(
            "Each booth with a fee: paid, outstanding, deadline and state, every payment "
            "and correction, and the totals."
        ),
    ),
    "attendance": Report(
        attendance,
        gettext_lazy(
            "Each confirmed booth on each fair day: present, absent or not recorded; "
            "the no-shows named; totals per day."
        ),
    ),
    "sales": Report(
        sales,
        gettext_lazy(
            "What the booths sold by district, by category and by day: the fair's "
            "income for producers."
        ),
    ),
    "fairness": Report(
        fairness,
        gettext_lazy(
            "Selection rates by district and category, zone choices obtained, prime "
            "booths and last fair's holders, quota skips, producers unsuccessful two "
            "fairs in a row, and tickets."
        ),
        whole_fair=True,
        needs_draw=True,
    ),
}


def _spec(kind: str) -> Report:
    if kind not in REPORTS:
        raise Http404
    return REPORTS[kind]


@require_safe
def report_index(request, pk):
    fair = fair_for(request, pk)
    return render(
        request,
        "fairs/reports/index.html",
        {"fair": fair, "reports": REPORTS, "sees_all": request.user.sees_all_districts},
    )


@require_safe
def report(request, pk, kind):
    fair = fair_for(request, pk)
    spec = _spec(kind)
    fmt = request.GET.get("format", "")
    if fmt and fmt not in FORMATS:
        raise Http404
    now = timezone.now()
    data = spec.module.build(fair, request.user, now)
    waiting = spec.needs_draw and data.draw is None  # the page says so; no file
    if fmt and not waiting:
        return export_response(request, spec.module.export(data), fmt)
    context = {
        "fair": fair,
        "kind": kind,
        "spec": spec,
        "reports": REPORTS,
        "data": data,
        "now": now,
        "sees_all": request.user.sees_all_districts,
    }
    return render(request, f"fairs/reports/{kind}.html", context)
