"""Network membership: renewals with receipts, endings, the due list and renewal letters."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members import selectors, services
from members.forms import EndMembershipForm, RenewalForm
from members.models import MembershipPayment, NetworkMembership, NetworkSettings, Producer
from otop_portal.lib.scoping import get_for_user
from otop_portal.lib.thaidate import format_thai_date


def _membership(request, pk) -> NetworkMembership:
    producer = get_for_user(request, Producer, for_write=True, pk=pk)
    return NetworkMembership.objects.get_or_create(producer=producer)[0]


@require_POST
def membership_renew(request, pk):
    membership = _membership(request, pk)
    form = RenewalForm(request.POST)
    if form.is_valid():
        try:
            payment = services.membership_renew(
                membership=membership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The membership is renewed to %(date)s.")
                % {"date": format_thai_date(payment.membership.valid_until)},
            )
            if payment.receipt_no:
                return redirect("members:membership_receipt", pk=payment.pk)
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ),
        )
    return redirect("members:producer_detail", pk=pk)


@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    membership = _membership(request, pk)
    form = EndMembershipForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.membership_end(membership=membership, by=request.user, **form.cleaned_data)
        messages.success(request, _("The membership has ended."))
        return redirect("members:producer_detail", pk=pk)
    return render(
        request,
        "members/record_form.html",
        {
            "form": form,
            "back_url": membership.producer.get_absolute_url(),
            "title": _("End the membership of %(name)s") % {"name": membership.producer.name},
        },
    )


@require_safe
def membership_receipt(request, pk):
    payment = get_for_user(
        request,
        MembershipPayment.objects.select_related("membership__producer__district", "recorded_by"),
        pk=pk,
        receipt_no__isnull=False,
    )
    return render(request, "members/membership_receipt.html", {"payment": payment})


@require_safe
def membership_due(request):
    due = selectors.memberships_due(request.user, district=request.GET.get("district", ""))
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/membership_due.html",
        {
            "page": page,
            "districts": selectors.districts_for(request.user),
            "district": request.GET.get("district", ""),
            "query": f"district={request.GET.get('district', '')}",
            "settings": NetworkSettings.current(),
        },
    )


@require_safe
def renewal_letters(request):
    due = selectors.memberships_due(request.user, district=request.GET.get("district", ""))
    return render(
        request,
        "members/renewal_letters.html",
        {
            "producers": due,
            "settings": NetworkSettings.current(),
            "today": timezone.localdate(),
        },
    )
