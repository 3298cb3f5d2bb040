"""The booths held after the draw: the list of a fair, one holding with its payments
and history, and what can be done to it — accept or decline the offer (the holder's
district member or the fair's managers), record or correct a payment, release, move
or swap the booth (managers, with a reason).

Views glue: scoped fetch (404 outside the user's reach) → permission (403) → form →
service → message → redirect. States follow from the clock when the page is read.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fairs.forms_after import (
    HoldingFilterForm,
    MoveForm,
    PaymentForm,
    ReasonForm,
    SwapForm,
)
from fairs.models import Holding, HoldingState, Payment, manages_fairs
from fairs.selectors_after import (
    HELD,
    HOLDING_RELATED,
    ZERO,
    current_holding_of_booth,
    free_booth_queryset,
    held_booths,
    history_of,
    paid_for,
    payments_of,
    swap_partners,
)
from fairs.services import holdings as services
from fairs.services.applications import may_change
from fairs.services.setup import policy_in_force
from fairs.views.common import fair_for, run_service
from otop_portal.lib.money import format_baht
from otop_portal.lib.scoping import get_for_user
from otop_portal.lib.thaidate import format_thai_datetime

PAGE_SIZE = 50


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- The list -----------------------------------------------------------------------------


@require_safe
def holdings(request, pk):
    fair = fair_for(request, pk)
    form = HoldingFilterForm(request.GET or None, user=request.user)
    held = held_booths(fair, request.user, timezone.now(), **form.chosen())
    page = Paginator(held.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.deadline_text = deadline_text(row.deadline)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fairs/after/holdings.html",
        {
            "fair": fair,
            "form": form,
            "held": held,
            "page": page,
            "query": query.urlencode(),
            "may_manage": manages_fairs(request.user),
        },
    )


# --- One holding --------------------------------------------------------------------------


def holding_for(request, pk) -> Holding:
    return get_for_user(
        request,
        Holding.objects.select_related(*HOLDING_RELATED, "accepted_by", "created_by", "previous"),
        pk=pk,
    )


def _managed(request, pk) -> Holding:
    """A holding for a managers' action: 404 outside reach, then 403 unless a manager."""
    holding = holding_for(request, pk)
    if not manages_fairs(request.user):
        raise PermissionDenied
    return holding


def _when(moment) -> str:
    return format_thai_datetime(moment) if moment else ""


def deadline_text(moment) -> str:
    """A deadline as people read it: one at midnight (the end of a day, as the
    payment deadline is kept) shows as 23:59 of the day before."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        local -= timedelta(minutes=1)
    return format_thai_datetime(local)


def explain(holding: Holding, state: str, due: Decimal, payment_days: int | None) -> list[str]:
    """The holding's state in words, with the dates that matter."""
    fee = format_baht(holding.fee)
    if state == HoldingState.OFFERED:
        said = [
            _(
                "The offer expires on %(when)s; after that the booth goes to the next on "
                "the waitlist."
            )
            % {"when": _when(holding.offer_expires_at)}
        ]
        if holding.fee > ZERO and payment_days:
            said.append(
                _("Once accepted, the fee of %(fee)s is to be paid within %(days)s days.")
                % {"fee": fee, "days": payment_days}
            )
        return said
    if state == HoldingState.EXPIRED:
        return [
            _(
                "The offer expired on %(when)s without an answer; the booth goes to the "
                "next on the waitlist. Staff can still give the producer a free booth."
            )
            % {"when": _when(holding.offer_expires_at)}
        ]
    if state == HoldingState.AWAITING_PAYMENT:
        return [
            _("Accepted on %(when)s.") % {"when": _when(holding.accepted_at)},
            _(
                "The fee of %(fee)s is to be paid by %(deadline)s (%(due)s still due); "
                "unpaid after that, the booth is released to the waitlist."
            )
            % {
                "fee": fee,
                "deadline": deadline_text(holding.payment_due_at),
                "due": format_baht(due),
            },
        ]
    if state == HoldingState.UNPAID:
        return [
            _("The fee was not paid by %(deadline)s, so the booth was released to the waitlist.")
            % {"deadline": deadline_text(holding.payment_due_at)}
        ]
    if state == HoldingState.CONFIRMED:
        if holding.fee == ZERO:
            return [_("The booth is confirmed; there is no fee.")]
        if holding.paid_at:
            return [
                _("The booth is confirmed: the fee of %(fee)s was paid in full on %(when)s.")
                % {"fee": fee, "when": _when(holding.paid_at)}
            ]
        return [_("The booth is confirmed.")]
    return [
        _("This holding ended on %(when)s: %(why)s.")
        % {"when": _when(holding.ended_at), "why": holding.get_end_reason_display()}
    ]


def _detail_context(request, holding: Holding, **extra) -> dict:
    now = timezone.now()
    state = holding.state(now)
    paid = paid_for(holding)
    due = max(holding.fee - paid, ZERO)
    policy = policy_in_force(holding.fair)
    may_answer = may_change(request.user, holding.application)
    may_manage = manages_fairs(request.user)
    held = state in HELD
    successor = None
    if holding.ended_at is not None:
        successor = current_holding_of_booth(holding.booth, now)
    return {
        "fair": holding.fair,
        "holding": holding,
        "state": state,
        "state_label": HoldingState(state).label,
        "explained": explain(holding, state, due, policy.payment_days if policy else None),
        "paid": paid,
        "due": due,
        "pay_by": deadline_text(holding.payment_due_at),
        "expires": deadline_text(holding.offer_expires_at),
        "payments": payments_of(holding),
        "history": history_of(holding),
        "successor": successor,
        "may_manage": may_manage,
        "may_accept": may_answer and state == HoldingState.OFFERED,
        "may_decline": may_answer and held,
        "may_pay": may_manage
        and state in (HoldingState.OFFERED, HoldingState.AWAITING_PAYMENT)
        and due > ZERO,
        "may_change_booth": may_manage and held,
        **extra,
    }


@require_safe
def holding_detail(request, pk):
    holding = holding_for(request, pk)
    return render(request, "fairs/after/holding_detail.html", _detail_context(request, holding))


def _refused(request, holding: Holding, error: ValidationError):
    """A refused button: the holding's page again, with the reason."""
    return render(
        request,
        "fairs/after/holding_detail.html",
        _detail_context(request, holding, errors=error.messages),
    )


def _offered_next(holding: Holding) -> str:
    """After a booth was freed: who it was offered to (numbers are public)."""
    successor = current_holding_of_booth(holding.booth, timezone.now())
    if successor is None or successor.pk == holding.pk:
        return _("No one on the waitlist fits this booth; it stays free.")
    return _("Booth %(booth)s was offered to application #%(number)s from the waitlist.") % {
        "booth": holding.booth.code,
        "number": successor.application.number,
    }


@require_POST
def offer_accept(request, pk):
    holding = holding_for(request, pk)
    if not may_change(request.user, holding.application):
        raise PermissionDenied
    try:
        services.offer_accept(holding=holding, by=request.user)
    except ValidationError as error:
        return _refused(request, holding, error)
    holding.refresh_from_db()
    if holding.payment_due_at and holding.paid_at is None:
        messages.success(
            request,
            _("The offer of booth %(booth)s was accepted. Pay %(fee)s by %(deadline)s.")
            % {
                "booth": holding.booth.code,
                "fee": format_baht(holding.fee),
                "deadline": deadline_text(holding.payment_due_at),
            },
        )
    else:
        messages.success(
            request,
            _("The offer of booth %(booth)s was accepted; the booth is confirmed.")
            % {"booth": holding.booth.code},
        )
    return redirect("fairs:holding_detail", pk=holding.pk)


@require_POST
def offer_decline(request, pk):
    """Declining asks once more: the booth goes to the next on the waitlist at once."""
    holding = holding_for(request, pk)
    if not may_change(request.user, holding.application):
        raise PermissionDenied
    if not holding.holds_at(timezone.now()):
        return _refused(request, holding, ValidationError(_("This booth is no longer held.")))
    if request.POST.get("confirm") != "yes":
        return render(request, "fairs/after/decline.html", _detail_context(request, holding))
    try:
        services.offer_decline(holding=holding, by=request.user)
    except ValidationError as error:
        return _refused(request, holding, error)
    messages.success(
        request,
        _("Application #%(number)s declined booth %(booth)s.")
        % {"number": holding.application.number, "booth": holding.booth.code}
        + " "
        + _offered_next(holding),
    )
    return redirect("fairs:holding_detail", pk=holding.pk)


# --- Payments -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def payment_new(request, pk):
    holding = _managed(request, pk)
    due = max(holding.fee - paid_for(holding), ZERO)
    form = PaymentForm(_posted(request), due=due)
    if form.is_valid():
        payment = run_service(
            form,
            lambda: services.payment_record(
                holding=holding,
                by=request.user,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
            ),
        )
        if payment is not None:
            left = max(due - payment.amount, ZERO)
            if left:
                text = _("Payment of %(amount)s recorded; %(left)s is still due.")
            else:
                text = _("Payment of %(amount)s recorded; the fee is paid in full.")
            messages.success(
                request,
                text % {"amount": format_baht(payment.amount), "left": format_baht(left)},
            )
            return redirect("fairs:holding_detail", pk=holding.pk)
    return render(
        request,
        "fairs/after/payment.html",
        {**_detail_context(request, holding), "form": form},
    )


@require_http_methods(["GET", "POST"])
def payment_correct(request, pk):
    payment = get_for_user(request, Payment.objects.select_related("holding", "received_by"), pk=pk)
    holding = _managed(request, payment.holding_id)
    form = ReasonForm(_posted(request))
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.payment_correct(
                payment=payment, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The payment of %(amount)s was cancelled by a correction.")
                % {"amount": format_baht(payment.amount)},
            )
            return redirect("fairs:holding_detail", pk=holding.pk)
    return render(
        request,
        "fairs/after/payment_correct.html",
        {**_detail_context(request, holding), "form": form, "payment": payment},
    )


# --- Release, move, swap ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def holding_release(request, pk):
    holding = _managed(request, pk)
    form = ReasonForm(_posted(request))
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.holding_release(
                holding=holding, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Booth %(booth)s was released.") % {"booth": holding.booth.code}
                + " "
                + _offered_next(holding),
            )
            return redirect("fairs:holding_detail", pk=holding.pk)
    return render(
        request, "fairs/after/release.html", {**_detail_context(request, holding), "form": form}
    )


@require_http_methods(["GET", "POST"])
def holding_move(request, pk):
    holding = _managed(request, pk)
    form = MoveForm(_posted(request), booths=free_booth_queryset(holding.fair, timezone.now()))
    if form.is_valid():
        moved = run_service(
            form,
            lambda: services.booth_move(
                holding=holding,
                booth=form.cleaned_data["booth"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if moved is not None:
            messages.success(
                request,
                _("Application #%(number)s moved from booth %(old)s to booth %(new)s.")
                % {
                    "number": holding.application.number,
                    "old": holding.booth.code,
                    "new": moved.booth.code,
                },
            )
            return redirect("fairs:holding_detail", pk=moved.pk)
    return render(
        request, "fairs/after/move.html", {**_detail_context(request, holding), "form": form}
    )


@require_http_methods(["GET", "POST"])
def holding_swap(request, pk):
    holding = _managed(request, pk)
    partners = Holding.objects.filter(
        pk__in=swap_partners(holding, request.user, timezone.now())
    ).select_related(*HOLDING_RELATED)
    form = SwapForm(_posted(request), holdings=partners.order_by("booth__code"))
    if form.is_valid():
        other = form.cleaned_data["other"]
        swapped = run_service(
            form,
            lambda: services.booth_swap(
                first=holding, second=other, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if swapped is not None:
            messages.success(
                request,
                _("Booths %(first)s and %(second)s were swapped.")
                % {"first": holding.booth.code, "second": other.booth.code},
            )
            return redirect("fairs:holding_detail", pk=swapped[0].pk)
    return render(
        request, "fairs/after/swap.html", {**_detail_context(request, holding), "form": form}
    )
