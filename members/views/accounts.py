from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members import exports, selectors
from members.filters import AccountFilter
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


def _accounts(request) -> AccountFilter:
    return AccountFilter(
        request.GET, queryset=selectors.accounts_for(request.user), user=request.user
    )


@require_safe
@staff_required
def account_list(request):
    accounts = _accounts(request)
    page = Paginator(accounts.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/account_list.html",
        {"form": accounts.form, "page": page, "query": query.urlencode()},
    )


@require_safe
@staff_required
def account_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return export_response(request, exports.accounts_export(_accounts(request).qs), fmt)
