"""Producers: find, register, see everything about one, change."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from members import exports, selectors, services
from members.filters import ProducerFilter
from members.forms import PersonForm, ProducerForm
from members.models import Producer, Subdistrict
from otop_portal.lib.exports import export_response
from otop_portal.lib.keyset import keyset_page
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.scoping import can_write, get_for_user
from otop_portal.lib.sections import PRODUCER, registry

PAGE_SIZE = 25


def may_register(user) -> bool:
    """Provincial staff register producers of any district, district members of theirs;
    network officers only read."""
    return user.is_provincial_staff or user.is_district_member


def _filtered(request) -> ProducerFilter:
    return ProducerFilter(
        request.GET, queryset=selectors.producers_for(request.user), user=request.user
    )


@require_safe
def producer_list(request):
    producers = _filtered(request)
    # Read by the sort key, not by page number: the last page of 100,000 producers
    # costs what the first does (otop_portal/lib/keyset.py).
    page = keyset_page(selectors.as_list_rows(producers.qs), request.GET, per_page=PAGE_SIZE)
    query = request.GET.copy()
    for cursor in ("page", "after", "before", "last"):
        query.pop(cursor, None)
    template = "members/producer_list.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {
            "filter": producers,
            "page": page,
            "query": query.urlencode(),
            "may_register": may_register(request.user),
        },
    )


@require_safe
@reads_from_replica  # a heavy export: the replica, when there is one
def producer_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    export = exports.producers_export(_filtered(request).qs, full_ids=request.user.is_staff)
    return export_response(request, export, fmt)


@require_http_methods(["GET", "POST"])
def producer_create(request):
    if not may_register(request.user):
        raise PermissionDenied
    data = request.POST or None
    form = ProducerForm(data, user=request.user, prefix="producer")
    person_form = PersonForm(data, user=request.user, prefix="person")
    similar = []
    if request.method == "POST" and form.is_valid() and person_form.is_valid():
        producer = form.save(commit=False)
        if not request.user.is_provincial_staff:
            producer.district = request.user.district
        similar = _similar(producer, person_form.cleaned_data["phone"])
        if not similar or request.POST.get("confirm_similar"):
            services.producer_register(
                producer=producer,
                contact=person_form.save(commit=False),
                role=person_form.cleaned_data["role"],
                by=request.user,
            )
            messages.success(request, _("%(name)s is registered.") % {"name": producer.name})
            return redirect("members:producer_detail", pk=producer.pk)
    return render(
        request,
        "members/producer_form.html",
        {
            "form": form,
            "person_form": person_form,
            "similar": similar,
            "visible_similar": [
                p
                for p in similar
                if p.district_id == request.user.district_id or request.user.sees_all_districts
            ],
        },
    )


def _similar(producer: Producer, contact_phone: str) -> list[Producer]:
    return list(
        services.similar_producers(
            name=producer.name,
            subdistrict_id=producer.subdistrict_id,
            phone=[producer.phone, contact_phone],
            exclude_pk=producer.pk,
        ).select_related("district")[:10]
    )


@require_safe
def producer_detail(request, pk):
    producer = get_for_user(
        request, selectors.producers_for(request.user, include_merged=True), pk=pk
    )
    return render(
        request,
        "members/producer_detail.html",
        {
            "producer": producer,
            "merge": selectors.merge_of(producer),
            "merged_in": selectors.merges_into(producer),
            "may_edit": can_write(request.user, producer),
            "sections": registry.sections_for(PRODUCER, request, producer),
        },
    )


@require_http_methods(["GET", "POST"])
def producer_edit(request, pk):
    producer = get_for_user(request, Producer, for_write=True, pk=pk)
    form = ProducerForm(
        request.POST or None, instance=producer, user=request.user, prefix="producer"
    )
    if request.method == "POST" and form.is_valid():
        services.producer_update(producer=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("members:producer_detail", pk=producer.pk)
    return render(
        request,
        "members/record_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": producer.name},
            "back_url": producer.get_absolute_url(),
        },
    )


@require_safe
def postal_codes(request):
    """For htmx: the postal codes of the chosen subdistrict, filled in when there is one."""
    prefix = request.GET.get("prefix", "")
    field = f"{prefix}-subdistrict" if prefix else "subdistrict"
    subdistrict = Subdistrict.objects.filter(code=request.GET.get(field, "")).first()
    codes = subdistrict.postal_codes if subdistrict else []
    name = f"{prefix}-postal_code" if prefix else "postal_code"
    return render(
        request,
        "members/includes/postal_codes.html",
        {"codes": codes, "name": name, "single": codes[0] if len(codes) == 1 else ""},
    )
