"""Booking pages: the machines and their calendars, booking for a producer, one booking
(detail, confirmation, change, cancel), the lists, the approval inbox and the waitlist.

Views glue: scoped fetch → form → service → message → redirect. Units are province-wide;
bookings belong to the producer's district. Approvers decide on requests of every
district, so they reach any request through the inbox and its pages.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equipment import rulebook, selectors, services
from equipment.forms_booking import (
    ApproveForm,
    BookingFilterForm,
    BookingForm,
    CancelForm,
    ChangeForm,
    RejectForm,
    override_codes_in,
    producers_to_book_for,
)
from equipment.models import (
    Booking,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    WaitlistEntry,
)
from equipment.services import rules
from equipment.workdays import local_day
from otop_portal.lib.scoping import can_write, get_for_user, role_required
from otop_portal.lib.thaidate import format_numeric_date

PAGE_SIZE = 25
CHANGEABLE = (BookingStatus.REQUESTED, BookingStatus.APPROVED)


def _describe(booking: Booking) -> str:
    """ "เครื่องซีล 7440-001 for กลุ่ม… (05/03/2570–07/03/2570)": for messages."""
    first = local_day(booking.period.lower)
    last = local_day(booking.period.upper - timedelta(microseconds=1))
    days = format_numeric_date(first)
    if last != first:
        days += "–" + format_numeric_date(last)
    return _("%(unit)s for %(producer)s (%(days)s)") % {
        "unit": booking.unit,
        "producer": booking.producer.name if booking.producer else "—",
        "days": days,
    }


def _posted(request):
    """The posted data, bound even when empty (a bare cancel posts nothing)."""
    return request.POST if request.method == "POST" else None


def _booking(request, pk, *, for_write=False) -> Booking:
    """A booking as its pages fetch it, scoped to the user's district (approvers who see
    every district reach every request)."""
    queryset = selectors.booking_detail(request.user)
    return get_for_user(request, queryset, for_write=for_write, pk=pk)


# --- The machines --------------------------------------------------------------------------------


@require_safe
def equipment_index(request):
    return render(
        request,
        "equipment/booking/index.html",
        {
            "types": selectors.types_for(request.user),
            "may_book": selectors.may_book(request.user),
            "may_approve": services.may_approve(request.user),
        },
    )


@require_safe
def type_detail(request, pk):
    equipment_type = get_for_user(request, EquipmentType, pk=pk)
    settings = LendingSettings.current()
    return render(
        request,
        "equipment/booking/type_detail.html",
        {
            "type": equipment_type,
            "units": selectors.units_of(equipment_type),
            "rules": rulebook.rules_in_words(equipment_type, settings),
            "terms": equipment_type.current_terms(),
            "may_book": selectors.may_book(request.user),
        },
    )


@require_safe
def unit_detail(request, pk):
    unit = get_for_user(request, EquipmentUnit.objects.select_related("equipment_type"), pk=pk)
    first = selectors.month_start(request.GET.get("month"), timezone.localdate())
    return render(
        request,
        "equipment/booking/unit_detail.html",
        {
            "unit": unit,
            "calendars": selectors.unit_calendars([unit], first, request.user),
            "month": selectors.month_links(first),
            "may_book": selectors.may_book(request.user),
        },
    )


# --- Booking -------------------------------------------------------------------------------------


def _submit(request, form):
    """Book (or join the waitlist) from a valid form: a redirect when it worked, else the
    violations and whether the waitlist may be offered."""
    data = form.cleaned_data
    producer, unit, purpose = data["producer"], data["unit"], data["purpose"]
    try:
        slot = services.slot_for(unit, **form.slot_kwargs())
        if request.POST.get("action") == "waitlist":
            services.waitlist_join(
                producer=producer, unit=unit, slot=slot, by=request.user, purpose=purpose
            )
            messages.success(
                request,
                _("%(producer)s is on the waitlist for %(unit)s.")
                % {"producer": producer.name, "unit": unit},
            )
            return redirect("equipment:waitlist"), False
        booking = services.booking_request(
            producer=producer,
            unit=unit,
            slot=slot,
            by=request.user,
            purpose=purpose,
            overrides=form.overrides() or None,
        )
    except services.SlotTaken as taken:
        return taken.violations, LendingSettings.current().waitlist_enabled
    except services.BookingRefused as refused:
        return refused.violations, False
    if booking.status == BookingStatus.APPROVED:
        messages.success(request, _("Booked: %(what)s.") % {"what": _describe(booking)})
    else:
        messages.info(
            request,
            _("Requested: %(what)s. It waits for an approver: %(why)s")
            % {"what": _describe(booking), "why": booking.decision_note},
        )
    return redirect(booking), False


def _refused_form(form_class, request, violations, **kwargs):
    """The form again, with a reason field for each rule staff may set aside."""
    codes = override_codes_in(request.POST) | {v.rule for v in violations if v.overridable}
    form = form_class(request.POST, override_rules=codes, **kwargs)
    form.is_valid()
    return form


def _chosen_producer(request, form):
    if form.is_bound and form.is_valid():
        return form.cleaned_data["producer"]
    pk = request.GET.get("producer") or (form.data.get("producer") if form.is_bound else None)
    if pk and str(pk).isdigit():
        return producers_to_book_for(request.user).filter(pk=pk).first()
    return None


@require_http_methods(["GET", "POST"])
def booking_new(request, pk):
    if not selectors.may_book(request.user):
        raise PermissionDenied
    equipment_type = get_for_user(request, EquipmentType, pk=pk)
    settings = LendingSettings.current()
    kwargs = {"user": request.user, "equipment_type": equipment_type}
    initial = {key: request.GET.get(key) for key in ("unit", "producer") if request.GET.get(key)}
    staff = request.user.is_provincial_staff
    form = BookingForm(
        _posted(request),
        initial=initial,
        override_rules=override_codes_in(request.POST) if staff else (),
        **kwargs,
    )
    violations, offer_waitlist = [], False
    if request.method == "POST" and form.is_valid():
        outcome, offer_waitlist = _submit(request, form)
        if not isinstance(outcome, list):
            return outcome
        violations = outcome
        if staff:
            form = _refused_form(BookingForm, request, violations, **kwargs)
    producer = _chosen_producer(request, form)
    quota = selectors.quota_of(producer, equipment_type, settings=settings) if producer else None
    if request.htmx and request.method == "GET":
        return render(
            request, "equipment/booking/_quota.html", {"quota": quota, "producer": producer}
        )
    first = selectors.month_start(request.GET.get("month"), timezone.localdate())
    query = request.GET.copy()
    query.pop("month", None)
    return render(
        request,
        "equipment/booking/book.html",
        {
            "type": equipment_type,
            "form": form,
            "violations": violations,
            "offer_waitlist": offer_waitlist,
            "quota": quota,
            "producer": producer,
            "rules": rulebook.rules_in_words(equipment_type, settings),
            "calendars": selectors.unit_calendars(
                selectors.units_of(equipment_type), first, request.user
            ),
            "month": selectors.month_links(first),
            "query": query.urlencode(),
        },
    )


# --- One booking ---------------------------------------------------------------------------------


@require_safe
def booking_detail(request, pk):
    booking = _booking(request, pk)
    writable = can_write(request.user, booking)
    return render(
        request,
        "equipment/booking/detail.html",
        {
            "booking": booking,
            "overrides": booking.overrides.select_related("by"),
            "may_change": writable and booking.status in CHANGEABLE,
            "may_decide": booking.status == BookingStatus.REQUESTED
            and services.may_decide(request.user, booking),
            "competing": rules.competing(booking).count()
            if booking.status == BookingStatus.REQUESTED
            else 0,
        },
    )


@require_safe
def booking_print(request, pk):
    booking = _booking(request, pk)
    settings = LendingSettings.current()
    return render(
        request,
        "equipment/booking/print.html",
        {
            "booking": booking,
            "settings": settings,
            "rules": [
                rule
                for rule in rulebook.rules_in_words(booking.unit.equipment_type, settings)
                if rule[0] in ("R4", "R6", "R12", "R15", "R18", "R19", "R20")
            ],
            "printed_at": timezone.now(),
        },
    )


def _slot_initial(booking: Booking) -> dict:
    lower = timezone.localtime(booking.period.lower)
    upper = timezone.localtime(booking.period.upper)
    return {
        "first_day": lower.date(),
        "last_day": upper.date(),
        "starts": lower.time(),
        "ends": upper.time(),
    }


@require_http_methods(["GET", "POST"])
def booking_change(request, pk):
    booking = _booking(request, pk, for_write=True)
    kwargs = {"booking": booking, "user": request.user}
    staff = request.user.is_provincial_staff
    form = ChangeForm(
        _posted(request),
        initial=_slot_initial(booking),
        override_rules=override_codes_in(request.POST) if staff else (),
        **kwargs,
    )
    violations = []
    if booking.status not in CHANGEABLE:
        violations = [services.Violation("R4", _("Only a booking not yet picked up can change."))]
    elif request.method == "POST" and form.is_valid():
        try:
            slot = services.slot_for(booking.unit, **form.slot_kwargs())
            booking = services.booking_change(
                booking=booking, slot=slot, by=request.user, overrides=form.overrides() or None
            )
        except services.BookingRefused as refused:
            violations = refused.violations
            if staff:
                form = _refused_form(ChangeForm, request, violations, **kwargs)
        else:
            messages.success(request, _("Changed: %(what)s.") % {"what": _describe(booking)})
            return redirect(booking)
    return render(
        request,
        "equipment/booking/change.html",
        {"booking": booking, "form": form, "violations": violations},
    )


@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk):
    booking = _booking(request, pk, for_write=True)
    late = bool(rules.cancel_notice(booking, timezone.localdate()))
    form = CancelForm(_posted(request), late=late, user=request.user)
    violations = []
    if booking.status not in CHANGEABLE:
        violations = [
            services.Violation("R4", _("Only a booking not yet picked up can be cancelled."))
        ]
    elif request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(
                booking=booking,
                by=request.user,
                reason=form.cleaned_data["reason"],
                override=form.cleaned_data.get("override", ""),
            )
        except services.BookingRefused as refused:
            violations = refused.violations
        else:
            messages.success(request, _("Cancelled: %(what)s.") % {"what": _describe(booking)})
            return redirect(booking)
    return render(
        request,
        "equipment/booking/cancel.html",
        {"booking": booking, "form": form, "violations": violations, "late": late},
    )


# --- Lists ---------------------------------------------------------------------------------------


def _page(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@require_safe
def booking_list(request):
    form = BookingFilterForm(request.GET or None, user=request.user)
    page, query = _page(request, form.filter(selectors.bookings_for(request.user)))
    return render(
        request,
        "equipment/booking/list.html",
        {"form": form, "page": page, "query": query, "may_book": selectors.may_book(request.user)},
    )


@require_safe
def waitlist(request):
    page, query = _page(request, selectors.waitlist_for(request.user))
    return render(
        request,
        "equipment/booking/waitlist.html",
        {"page": page, "query": query, "may_book": selectors.may_book(request.user)},
    )


# --- Decisions -----------------------------------------------------------------------------------


@require_safe
@role_required(services.may_approve)
def inbox(request):
    settings = LendingSettings.current()
    return render(
        request,
        "equipment/booking/inbox.html",
        {
            "groups": selectors.inbox(settings=settings, user=request.user),
            "window": settings.fairness_window_days,
            "approve_form": ApproveForm(),
            "reject_form": RejectForm(),
        },
    )


def _request_to_decide(request, pk) -> Booking:
    """404 outside the user's reach, 403 for those who may see it but not decide."""
    booking = _booking(request, pk)
    if not services.may_decide(request.user, booking):
        raise PermissionDenied
    return booking


def _back_to_inbox(request):
    target = request.POST.get("next", "")
    if target.startswith("/equipment/") and "//" not in target:
        return redirect(target)
    return redirect("equipment:inbox")


def _refusal_messages(request, refused) -> None:
    for violation in refused.violations:
        messages.error(request, violation.message)


@require_POST
def booking_approve(request, pk):
    booking = _request_to_decide(request, pk)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        booking, rejected = services.booking_approve(
            booking=booking, by=request.user, note=form.cleaned_data.get("note", "")
        )
    except services.BookingRefused as refused:
        _refusal_messages(request, refused)
        return _back_to_inbox(request)
    messages.success(request, _("Approved: %(what)s.") % {"what": _describe(booking)})
    if rejected:
        messages.warning(
            request,
            _("Rejected because they asked for the same time: %(list)s.")
            % {"list": "; ".join(_describe(other) for other in rejected)},
        )
    return _back_to_inbox(request)


@require_POST
def booking_reject(request, pk):
    booking = _request_to_decide(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is rejected."))
        return _back_to_inbox(request)
    try:
        services.booking_reject(
            booking=booking, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.BookingRefused as refused:
        _refusal_messages(request, refused)
    else:
        messages.success(request, _("Rejected: %(what)s.") % {"what": _describe(booking)})
    return _back_to_inbox(request)


# --- Waitlist ------------------------------------------------------------------------------------


def _entry(request, pk) -> WaitlistEntry:
    return get_for_user(
        request,
        WaitlistEntry.objects.select_related("unit__equipment_type", "producer"),
        for_write=True,
        pk=pk,
    )


@require_POST
def waitlist_accept(request, pk):
    entry = _entry(request, pk)
    try:
        booking = services.waitlist_accept(entry=entry, by=request.user)
    except services.BookingRefused as refused:
        _refusal_messages(request, refused)
        return redirect("equipment:waitlist")
    messages.success(
        request, _("Booked from the waitlist: %(what)s.") % {"what": _describe(booking)}
    )
    return redirect(booking)


@require_POST
def waitlist_withdraw(request, pk):
    entry = _entry(request, pk)
    services.waitlist_withdraw(entry=entry, by=request.user)
    messages.success(
        request,
        _("%(producer)s left the waitlist for %(unit)s.")
        % {"producer": entry.producer.name, "unit": entry.unit},
    )
    return redirect(reverse("equipment:waitlist"))
