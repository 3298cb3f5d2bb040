"""Registry reports: the lists that leave the portal as CSV or Excel files."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from members import exports, selectors
from members.models import fiscal_year_be
from otop_portal.lib.exports import export_response
from otop_portal.lib.replica import reads_from_replica


def _fiscal_year(request) -> int | None:
    value = request.GET.get("fiscal_year", "")
    return int(value) if value.isdigit() and 2540 <= int(value) <= 2700 else None


REPORTS = {
    "products": lambda request: exports.products_export(selectors.products_for(request.user)),
    "members": lambda request: exports.memberships_export(selectors.memberships_for(request.user)),
    "sales": lambda request: exports.sales_summary_export(
        selectors.sales_summary(request.user, fiscal_year_be=_fiscal_year(request))
    ),
}


@require_safe
def reports(request):
    this_year = fiscal_year_be(timezone.localdate())
    return render(
        request,
        "members/reports.html",
        {
            "years": range(this_year, this_year - 6, -1),
            "fiscal_year": _fiscal_year(request),
        },
    )


@require_safe
@reads_from_replica  # a heavy export: the replica, when there is one
def report_export(request, kind, fmt):
    if kind not in REPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    return export_response(request, REPORTS[kind](request), fmt)
