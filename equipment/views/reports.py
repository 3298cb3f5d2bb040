"""Equipment reports (use, fairness, discipline, maintenance) with their CSV/XLSX
exports, and the printable rules booklet of a type.

Every login reads them: the machines are province-wide. The only producer names they
show are the top borrowers', and a district member sees only their own district's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from equipment import exports, reports
from equipment.models import EquipmentType, LendingSettings
from equipment.rulebook import rules_in_words
from otop_portal.lib.exports import export_response
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.scoping import get_for_user
from otop_portal.lib.thaidate import BEDateField, BEDateInput

LONGEST_PERIOD_DAYS = 366 * 5
UNITS_PER_PAGE = 50


class PeriodForm(forms.Form):
    start = BEDateField(
        label=gettext_lazy("From"), required=False, widget=BEDateInput({"class": "form-control"})
    )
    end = BEDateField(
        label=gettext_lazy("To"), required=False, widget=BEDateInput({"class": "form-control"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if start and end and (end - start).days > LONGEST_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        return data

    def period(self, today) -> reports.Period:
        default = reports.Period.last_12_months(today)
        if not self.is_valid():
            return default
        end = self.cleaned_data.get("end") or default.end
        start = self.cleaned_data.get("start") or reports.Period.last_12_months(end).start
        if start > end:  # only a start after today's default end was given
            end = start + timedelta(days=default.calendar_days - 1)
        return reports.Period(start, end)


@dataclass(frozen=True)
class Report:
    title: object
    summary: object
    build: Callable  # (period, today) -> the report's data
    export: Callable  # (data, request, today) -> Export
    uses_period: bool = True


REPORTS = {
    "use": Report(
        gettext_lazy("Use and availability"),
        gettext_lazy(
            "Days each machine was out on loan and booked, against the days it could be lent."
        ),
        lambda period, today: reports.utilisation(period),
        lambda data, request, today: exports.use_export(data),
    ),
    "idle": Report(
        gettext_lazy("Idle machines"),
        gettext_lazy("Machines with no loan in the last 30, 90 or 180 days, and why."),
        lambda period, today: reports.idle_units(today),
        lambda data, request, today: exports.idle_export(data),
        uses_period=False,
    ),
    "served": Report(
        gettext_lazy("Producers served"),
        gettext_lazy("How many different producers borrowed each type, new and returning."),
        lambda period, today: reports.producers_served(period),
        lambda data, request, today: exports.served_export(data),
    ),
    "districts": Report(
        gettext_lazy("Districts"),
        gettext_lazy(
            "Loans and loan-days per district, next to its share of registered producers."
        ),
        lambda period, today: reports.districts(period),
        lambda data, request, today: exports.districts_export(data),
    ),
    "concentration": Report(
        gettext_lazy("Concentration"),
        gettext_lazy("How much the top borrowers take, and how evenly loan-days are spread."),
        lambda period, today: reports.concentration(period),
        lambda data, request, today: exports.concentration_export(data, request.user),
    ),
    "unmet": Report(
        gettext_lazy("Unmet demand"),
        gettext_lazy("Requests rejected, left on the waitlist or not picked up, per month."),
        lambda period, today: reports.unmet_demand(period),
        lambda data, request, today: exports.unmet_export(data),
    ),
    "discipline": Report(
        gettext_lazy("Discipline"),
        gettext_lazy("No-shows, late returns and damage."),
        lambda period, today: reports.discipline(period),
        lambda data, request, today: exports.discipline_export(data),
    ),
    "maintenance": Report(
        gettext_lazy("Maintenance"),
        gettext_lazy("Repair and service cost per machine and per loan; services overdue."),
        lambda period, today: reports.maintenance(period, today),
        lambda data, request, today: exports.maintenance_export(data),
    ),
}


def _report(kind: str) -> Report:
    if kind not in REPORTS:
        raise Http404
    return REPORTS[kind]


def _period(request, today):
    default = reports.Period.last_12_months(today)
    form = PeriodForm(request.GET or None, initial={"start": default.start, "end": default.end})
    return form, form.period(today)


@require_safe
def report_index(request):
    today = timezone.localdate()
    form, period = _period(request, today)
    return render(
        request,
        "equipment/reports/index.html",
        {"reports": REPORTS, "form": form, "period": period, "query": request.GET.urlencode()},
    )


@require_safe
def report(request, kind):
    spec = _report(kind)
    today = timezone.localdate()
    form, period = _period(request, today)
    data = spec.build(period, today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "kind": kind,
        "spec": spec,
        "reports": REPORTS,
        "form": form,
        "period": period,
        "today": today,
        "data": data,
        "query": query.urlencode(),
    }
    if kind == "use":
        # The per-type table holds every unit; the per-unit one a page at a time.
        context["units"] = Paginator(data.units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    if kind == "concentration":
        context["top"] = [
            (borrower, reports.may_see_name(request.user, borrower)) for borrower in data.top
        ]
    return render(request, f"equipment/reports/{kind}.html", context)


@require_safe
@reads_from_replica  # a heavy export: the replica, when there is one
def report_export(request, kind, fmt):
    spec = _report(kind)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    _form, period = _period(request, today)
    return export_response(request, spec.export(spec.build(period, today), request, today), fmt)


@require_safe
def booklet(request, pk):
    """The printable rules and guidelines of one type, from what is configured."""
    equipment_type = get_for_user(request, EquipmentType, pk=pk)
    settings = LendingSettings.current()
    return render(
        request,
        "equipment/reports/booklet.html",
        {
            "type": equipment_type,
            "terms": equipment_type.current_terms(),
            "checkout": equipment_type.checklist("checkout"),
            "return_list": equipment_type.checklist("return"),
            "rules": rules_in_words(equipment_type, settings),
            "today": timezone.localdate(),
        },
    )
