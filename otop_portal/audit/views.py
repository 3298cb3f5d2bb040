"""The audit trail: every change in every app, and every full view of a national ID.
Provincial staff only."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from otop_portal.audit import exports, selectors
from otop_portal.audit.forms import EventFilterForm, ViewFilterForm
from otop_portal.lib.exports import export_response
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.scoping import staff_required

CURSORS = ("after", "before")
VIEWS_PAGE_SIZE = 50


def _query(request, *drop: str) -> str:
    """The page's filters as a query string, without its position."""
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@require_safe
@staff_required
def events(request):
    form = EventFilterForm(request.GET or None)
    page = selectors.events_page(
        form.filters(), after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query": _query(request, *CURSORS), "tab": "events"},
    )


@require_safe
@staff_required
@reads_from_replica  # a heavy export: the replica, when there is one
def events_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = EventFilterForm(request.GET or None)
    return export_response(request, exports.events_export(form.filters()), fmt)


@require_safe
@staff_required
def national_id_views(request):
    form = ViewFilterForm(request.GET or None)
    views = selectors.national_id_views(request.user, form.filters())
    page = Paginator(views, VIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/national_id_views.html",
        {"form": form, "page": page, "query": _query(request, "page"), "tab": "views"},
    )


@require_safe
@staff_required
def national_id_views_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = ViewFilterForm(request.GET or None)
    export = exports.national_id_views_export(request.user, form.filters())
    return export_response(request, export, fmt)
