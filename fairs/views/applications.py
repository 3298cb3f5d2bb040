"""The application pages: choosing a producer to apply for, the application form
(made on the producer's behalf), one application with its review, draw line and
booth, changing and withdrawing it, the fair committee's review queue and decision,
and the list of a fair's applications.

Views glue: scoped fetch → form → service → message → redirect. A district member
applies for and changes the applications of their own district (another district's
are 404); network officers read; staff and the fair committee do everything.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fairs import selectors_applications as selectors
from fairs.forms_applications import (
    DECISIONS,
    ApplicationFilter,
    ApplicationForm,
    ApplyForm,
    ReviewForm,
    WithdrawForm,
    booth_type_label,
)
from fairs.models import LIVE, Application, ApplicationStatus, Fair, Policy, manages_fairs
from fairs.services import applications as services
from fairs.services.setup import policy_in_force
from fairs.views.common import fair_for, manager_required, run_service
from members.models import Producer
from otop_portal.lib.history import changes_of
from otop_portal.lib.paging import KeysFirstPaginator
from otop_portal.lib.scoping import get_for_user

PAGE_SIZE = 25


def _posted(request):
    return request.POST if request.method == "POST" else None


def _is_frozen(fair: Fair) -> bool:
    return hasattr(fair, "frozen_list")


@dataclass(frozen=True)
class Window:
    """Whether the user may apply for producers at this fair today, and why not."""

    policy: Policy | None
    frozen: bool
    today: date
    opens_on: date
    closes_on: date
    manager: bool

    @property
    def open(self) -> bool:
        return self.opens_on <= self.today <= self.closes_on

    @property
    def not_yet(self) -> bool:
        return self.today < self.opens_on

    @property
    def may_apply(self) -> bool:
        """The service's rules: a published policy, the list not frozen, and the window
        open (managers may still apply after it closed, until the freeze)."""
        return self.policy is not None and not self.frozen and (self.open or self.manager)

    @property
    def late(self) -> bool:
        """Applying outside the window, which only managers may do."""
        return self.may_apply and not self.open


def window_of(fair: Fair, user) -> Window:
    return Window(
        policy=policy_in_force(fair),
        frozen=_is_frozen(fair),
        today=timezone.localdate(),
        opens_on=fair.applications_open_on,
        closes_on=fair.applications_close_on,
        manager=manages_fairs(user),
    )


def _require_applicant(user) -> None:
    """Applying is for district committee members (for their district) and for staff
    and the fair committee (for anyone); network officers only read."""
    if not (manages_fairs(user) or user.is_district_member):
        raise PermissionDenied


def _application_for(request, pk, *, for_change: bool = False) -> Application:
    """An application as every page fetches one: 404 outside the user's district;
    for changing, 403 unless the user may change it."""
    application = get_for_user(request, selectors.application_detail(), pk=pk)
    if for_change and not services.may_change(request.user, application):
        raise PermissionDenied
    return application


# --- Applying ------------------------------------------------------------------------


@require_safe
def apply(request, pk):
    fair = fair_for(request, pk)
    _require_applicant(request.user)
    text = request.GET.get("q", "").strip()[:100]
    producers = selectors.producers_to_apply(request.user, text)
    page = Paginator(producers, PAGE_SIZE).get_page(request.GET.get("page"))
    already = selectors.applied_already(fair, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fairs/applications/apply.html",
        {
            "fair": fair,
            "window": window_of(fair, request.user),
            "q": text,
            "page": page,
            "rows": [(producer, already.get(producer.pk)) for producer in page.object_list],
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def apply_for(request, pk, producer):
    fair = fair_for(request, pk)
    producer = get_for_user(
        request, Producer.objects.select_related("district", "merged_into"), pk=producer
    )
    if not services.may_apply_for(request.user, producer):
        raise PermissionDenied
    form = ApplyForm(_posted(request), fair=fair, producer=producer)
    if request.method == "POST" and form.is_valid():
        application = run_service(
            form,
            lambda: services.application_submit(
                fair=fair, producer=producer, by=request.user, **form.choices()
            ),
        )
        if application is not None:
            messages.success(
                request,
                _(
                    "Application no. %(number)s of %(producer)s is recorded; it waits for "
                    "the fair committee's review."
                )
                % {"number": application.number, "producer": producer},
            )
            return redirect("fairs:application_detail", application.pk)
    return render(
        request,
        "fairs/applications/apply_for.html",
        {
            "fair": fair,
            "producer": producer,
            "form": form,
            "window": window_of(fair, request.user),
            "existing": selectors.applied_already(fair, [producer]).get(producer.pk),
        },
    )


# --- One application -----------------------------------------------------------------


def _actions(user, application: Application, frozen: bool) -> dict:
    """Which buttons the application's page shows to `user`."""
    changes = services.may_change(user, application)
    live = application.status in LIVE
    return {
        "may_edit": changes and live and not frozen,
        "may_withdraw": changes
        and not application.is_withdrawn
        and timezone.localdate() <= application.fair.ends_on,
        "may_review": manages_fairs(user) and live and not frozen,
    }


@require_safe
def application_detail(request, pk):
    application = _application_for(request, pk)
    fair = application.fair
    frozen = _is_frozen(fair)
    selectors.applications_stars([application])
    context = {
        "application": application,
        "fair": fair,
        "frozen": frozen,
        "booth_type": booth_type_label(application.booth_type),
        "entry": selectors.frozen_entry_of(application),
        "published": selectors.published_line_of(application),
        "holdings": selectors.holdings_of(application),
        "history": {"changes": changes_of(application)}
        if request.user.is_provincial_staff
        else None,
        **_actions(request.user, application, frozen),
    }
    return render(request, "fairs/applications/detail.html", context)


def _change_refusal(application: Application, frozen: bool) -> str:
    """Why the application cannot change any more ("" when it can)."""
    if frozen:
        return _("The list is frozen: applications can no longer change.")
    if application.status not in LIVE:
        return _("Only an application still in review can change.")
    return ""


@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _application_for(request, pk, for_change=True)
    fair = application.fair
    form = ApplicationForm(
        _posted(request),
        fair=fair,
        producer=application.producer,
        initial=ApplicationForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            lambda: services.application_change(
                application=application, by=request.user, **form.choices()
            ),
        )
        if changed is not None:
            messages.success(
                request,
                _("Application no. %(number)s is changed.") % {"number": changed.number},
            )
            return redirect("fairs:application_detail", changed.pk)
    return render(
        request,
        "fairs/applications/edit.html",
        {
            "application": application,
            "fair": fair,
            "form": form,
            "refusal": _change_refusal(application, _is_frozen(fair)),
            "reviewed": application.status
            in (ApplicationStatus.ELIGIBLE, ApplicationStatus.NEEDS_INFO),
        },
    )


@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    application = _application_for(request, pk, for_change=True)
    fair = application.fair
    holdings = selectors.holdings_of(application)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        withdrawn = run_service(
            form,
            lambda: services.application_withdraw(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if withdrawn is not None:
            text = _("Application no. %(number)s is withdrawn.") % {"number": withdrawn.number}
            if holdings.current is not None:
                text += " " + _("Booth %(booth)s is freed and offered to the waitlist.") % {
                    "booth": holdings.current.booth
                }
            messages.success(request, text)
            return redirect("fairs:application_detail", withdrawn.pk)
    return render(
        request,
        "fairs/applications/withdraw.html",
        {
            "application": application,
            "fair": fair,
            "form": form,
            "frozen": _is_frozen(fair),
            "holding": holdings.current,
            "over": timezone.localdate() > fair.ends_on,
        },
    )


# --- Review ----------------------------------------------------------------------------


def _next_url(request) -> str:
    """Where to go after a decision: the page the form came from when it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # a bare word ("331") would reach redirect() as a view name: only paths are ours
    return target if allowed and target.startswith("/") else ""


def _review_initial(application: Application) -> dict:
    decided = application.status in dict(DECISIONS)
    return {
        "status": application.status if decided else None,
        "reason": application.review_reason,
    }


@manager_required
@require_http_methods(["GET", "POST"])
def application_review(request, pk):
    application = _application_for(request, pk)
    next_url = _next_url(request)
    form = ReviewForm(_posted(request), initial=_review_initial(application))
    if request.method == "POST" and form.is_valid():
        decided = run_service(
            form,
            lambda: services.application_review(
                application=application,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if decided is not None:
            messages.success(
                request,
                _("Application no. %(number)s of %(producer)s: %(status)s.")
                % {
                    "number": decided.number,
                    "producer": decided.producer,
                    "status": decided.get_status_display(),
                },
            )
            return redirect(next_url or reverse("fairs:application_detail", args=[decided.pk]))
    selectors.applications_stars([application])
    return render(
        request,
        "fairs/applications/review.html",
        {
            "application": application,
            "fair": application.fair,
            "form": form,
            "next": next_url,
            "frozen": _is_frozen(application.fair),
        },
    )


@require_safe
@manager_required
def review_queue(request, pk):
    fair = fair_for(request, pk)
    page = KeysFirstPaginator(selectors.review_queue(fair), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    waiting = list(page.object_list)
    selectors.applications_stars(waiting)
    rows = [
        (
            application,
            ReviewForm(auto_id=f"id_%s_{application.pk}", initial=_review_initial(application)),
        )
        for application in waiting
    ]
    return render(
        request,
        "fairs/applications/review_queue.html",
        {
            "fair": fair,
            "page": page,
            "rows": rows,
            "query": "",
            "here": request.get_full_path(),
            "frozen": _is_frozen(fair),
        },
    )


# --- The list ---------------------------------------------------------------------------


def _status_counts(applications) -> list[tuple[str, str, int]]:
    """(status, label, count) of every status present, in the statuses' order."""
    counts = dict(applications.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        (status, label, counts[status])
        for status, label in ApplicationStatus.choices
        if counts.get(status)
    ]


@require_safe
def application_list(request, pk):
    fair = fair_for(request, pk)
    applications = selectors.applications_for(request.user, fair)
    filterset = ApplicationFilter(
        request.GET or None, queryset=applications, user=request.user, fair=fair
    )
    page = KeysFirstPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    user = request.user
    return render(
        request,
        "fairs/applications/list.html",
        {
            "fair": fair,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "counts": _status_counts(applications),
            "may_apply": manages_fairs(user) or user.is_district_member,
            "manager": manages_fairs(user),
        },
    )
