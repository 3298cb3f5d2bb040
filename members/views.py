from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members import exports, selectors
from members.forms import AccountFilterForm
from members.models import District
from otop_portal.lib.exports import export_response
from otop_portal.lib.scoping import get_for_user, staff_required


@require_safe
def district_detail(request, code):
    district = get_for_user(request, District.objects.select_related("province"), code=code)
    return render(
        request,
        "members/district_detail.html",
        {"district": district, "subdistricts": selectors.subdistricts_of(district)},
    )


@require_safe
@staff_required
def account_list(request):
    form = AccountFilterForm(request.GET or None, user=request.user)
    accounts = selectors.accounts_for(request.user, **form.filters())
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/account_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_safe
@staff_required
def account_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = AccountFilterForm(request.GET or None, user=request.user)
    accounts = selectors.accounts_for(request.user, **form.filters())
    return export_response(request, exports.accounts_export(accounts), fmt)
