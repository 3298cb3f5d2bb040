"""Custody and care pages: check-out and return (R14–R16), overdue loans, photos,
maintenance tickets, blocking a unit, stocktakes and services due (R22, R23),
suspensions (R19), terms accepted and training signed off (R1).

Staff and equipment approvers (services.may_handle) run these pages; a district
member records that their own district's producers accepted the terms.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from equipment import selectors_care as selectors
from equipment import services, services_care_extra
from equipment.forms_care import (
    FOUND,
    RESOLVED,
    CheckoutForm,
    ReasonForm,
    ReturnForm,
    StocktakeForm,
    SuspensionForm,
    TermsAcceptForm,
    TicketCloseForm,
    TicketOpenForm,
    TrainingForm,
    UnitBlockForm,
    UnitStatusForm,
)
from equipment.models import (
    DAMAGED,
    Booking,
    BookingKind,
    EquipmentUnit,
    Loan,
    MaintenanceTicket,
    Suspension,
    TicketStatus,
    TrainingSignoff,
    UnitPhoto,
)
from members.models import Producer
from otop_portal.lib.scoping import get_for_user, role_required, staff_required

handler_required = role_required(lambda user: services.may_handle(user))
FORM = "equipment/care/form.html"


def _refused(form, error: ValidationError) -> None:
    """A service's refusal, shown with the form: on the field it names when the form
    has one, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _form_page(request, form, *, title, back_url, template=FORM, **extra):
    """A form page; `back_url` is a URL name without arguments, a URL, or an object."""
    return render(
        request,
        template,
        {"form": form, "title": title, "back_url": resolve_url(back_url), **extra},
    )


# --- The desk ---------------------------------------------------------------------------------


@require_safe
@handler_required
def care_desk(request):
    return render(request, "equipment/care/desk.html", selectors.desk(request.user))


# --- Check-out and return (R14–R16) -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@handler_required
def loan_checkout(request, pk):
    booking = get_for_user(
        request,
        Booking.objects.select_related("unit__equipment_type", "producer__district"),
        pk=pk,
        kind=BookingKind.LOAN,
    )
    checklist = booking.unit.equipment_type.checklist("checkout")
    form = CheckoutForm(request.POST or None, request.FILES or None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.loan_checkout(
                booking=booking,
                by=request.user,
                condition=data["condition"],
                checklist=form.checklist_answers(),
                acknowledged_by=data["acknowledged_by"],
                photos=data["photos"],
                notes=data["notes"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("%(unit)s is checked out to %(producer)s.")
                % {"unit": booking.unit, "producer": booking.producer.name},
            )
            return redirect("equipment:care_desk")
    return _form_page(
        request,
        form,
        title=_("Check out %(unit)s") % {"unit": booking.unit},
        back_url="equipment:care_desk",
        template="equipment/care/handover.html",
        booking=booking,
        stage="checkout",
    )


@require_http_methods(["GET", "POST"])
@handler_required
def loan_return(request, pk):
    loan = get_for_user(
        request,
        Loan.objects.select_related("unit__equipment_type", "booking__producer__district"),
        pk=pk,
    )
    checklist = loan.unit.equipment_type.checklist("return")
    form = ReturnForm(request.POST or None, request.FILES or None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.loan_return(
                loan=loan,
                by=request.user,
                condition=data["condition"],
                cleaned=data["cleaned"],
                checklist=form.checklist_answers(),
                photos=data["photos"],
                notes=data["notes"],
                units_produced=data["units_produced"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("%(unit)s is returned.") % {"unit": loan.unit})
            if data["condition"] in DAMAGED:
                messages.warning(
                    request,
                    _(
                        "A repair ticket is open and the unit is out of lending; its "
                        "upcoming bookings are flagged: tell those producers."
                    ),
                )
            return redirect("equipment:care_desk")
    return _form_page(
        request,
        form,
        title=_("Take back %(unit)s") % {"unit": loan.unit},
        back_url="equipment:care_desk",
        template="equipment/care/handover.html",
        booking=loan.booking,
        loan=loan,
        stage="return",
    )


@require_safe
@handler_required
def overdue_list(request):
    return render(
        request, "equipment/care/overdue.html", {"loans": selectors.overdue_loans(request.user)}
    )


@require_safe
def photo(request, token):
    """A unit's photo, for any login: always a JPEG (photo_save re-encoded it), shown
    inline under a name we made, never sniffed as anything else."""
    picture = get_for_user(request, UnitPhoto, token=token)
    # Read through the storage API (a file system or object storage alike), never a path.
    response = FileResponse(
        picture.image.open("rb"), content_type="image/jpeg", filename=f"{picture.token}.jpg"
    )
    response["Content-Disposition"] = f'inline; filename="{picture.token}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the photo may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Maintenance tickets and the unit's state -------------------------------------------------


@require_safe
@handler_required
def ticket_list(request):
    status = request.GET.get("status", "")
    page = Paginator(selectors.tickets(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "equipment/care/tickets.html",
        {
            "page": page,
            "status": status,
            "statuses": TicketStatus.choices,
            "query": f"status={status}",
        },
    )


def _unit(request, pk) -> EquipmentUnit:
    return get_for_user(request, EquipmentUnit.objects.select_related("equipment_type"), pk=pk)


@require_safe
@handler_required
def unit_history(request, pk):
    unit = _unit(request, pk)
    return render(
        request,
        "equipment/care/unit_history.html",
        {"unit": unit, **selectors.unit_history(unit)},
    )


def _unit_url(unit) -> str:
    return reverse("equipment:unit_history", args=[unit.pk])


def _back_to_unit(unit):
    return redirect(_unit_url(unit))


@require_http_methods(["GET", "POST"])
@handler_required
def ticket_open(request, pk):
    unit = _unit(request, pk)
    form = TicketOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_open(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The ticket is open."))
            return _back_to_unit(unit)
    return _form_page(
        request,
        form,
        title=_("Open a maintenance ticket for %(unit)s") % {"unit": unit},
        back_url=_unit_url(unit),
    )


@require_http_methods(["GET", "POST"])
@handler_required
def ticket_close(request, pk):
    ticket = get_for_user(
        request, MaintenanceTicket.objects.select_related("unit__equipment_type"), pk=pk
    )
    form = TicketCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_close(
                ticket=ticket,
                by=request.user,
                resolved=data["outcome"] == RESOLVED,
                resolution=data["resolution"],
                cost=data["cost"],
                vendor=data["vendor"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The ticket is closed."))
            return _back_to_unit(ticket.unit)
    return _form_page(
        request,
        form,
        title=_("Close the ticket of %(unit)s") % {"unit": ticket.unit},
        back_url=_unit_url(ticket.unit),
        ticket=ticket,
    )


@require_http_methods(["GET", "POST"])
@handler_required
def unit_block(request, pk):
    unit = _unit(request, pk)
    form = UnitBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_block(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:  # SlotTaken is one
            _refused(form, error)
        else:
            messages.success(request, _("The unit's calendar is blocked."))
            return _back_to_unit(unit)
    return _form_page(
        request,
        form,
        title=_("Block the calendar of %(unit)s") % {"unit": unit},
        back_url=_unit_url(unit),
        intro=_(
            "For the unit's own maintenance or closure. Bookings that hold that time are "
            "moved or cancelled first."
        ),
    )


@require_http_methods(["GET", "POST"])
@handler_required
def unit_status(request, pk):
    unit = _unit(request, pk)
    form = UnitStatusForm(
        request.POST or None, initial={"status": unit.status, "reason": unit.status_reason}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_set_status(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The unit's status is saved."))
            return _back_to_unit(unit)
    return _form_page(
        request,
        form,
        title=_("Status of %(unit)s") % {"unit": unit},
        back_url=_unit_url(unit),
        intro=_("A unit that is not available is not lent; its upcoming bookings are flagged."),
    )


# --- Stocktakes (R23) and preventive service (R22) --------------------------------------------


@require_safe
@handler_required
def stocktake_list(request):
    return render(
        request,
        "equipment/care/due_list.html",
        {
            "rows": selectors.stocktakes_due(),
            "title": _("Stocktake"),
            "kind": "stocktake",
        },
    )


@require_safe
@handler_required
def service_list(request):
    return render(
        request,
        "equipment/care/due_list.html",
        {
            "rows": selectors.services_due(),
            "title": _("Preventive service"),
            "kind": "service",
        },
    )


@require_http_methods(["GET", "POST"])
@handler_required
def stocktake_record(request, pk):
    unit = _unit(request, pk)
    form = StocktakeForm(request.POST or None, initial={"location_seen": unit.location})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.stocktake_record(
                unit=unit,
                on=data["on"],
                found=data["found"] == FOUND,
                by=request.user,
                location_seen=data["location_seen"],
                notes=data["notes"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The stocktake is recorded."))
            return redirect("equipment:stocktake_list")
    return _form_page(
        request,
        form,
        title=_("Stocktake of %(unit)s") % {"unit": unit},
        back_url="equipment:stocktake_list",
    )


# --- Suspensions (R19) ------------------------------------------------------------------------


@require_safe
@handler_required
def suspension_list(request):
    in_force, past = selectors.suspensions(request.user)
    return render(request, "equipment/care/suspensions.html", {"in_force": in_force, "past": past})


@require_http_methods(["GET", "POST"])
@staff_required
def suspension_lift(request, pk):
    suspension = get_for_user(
        request, Suspension.objects.select_related("producer"), pk=pk, lifted_at__isnull=True
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suspension_lift(
                suspension=suspension, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The suspension is lifted."))
            return redirect("equipment:suspension_list")
    return _form_page(
        request,
        form,
        title=_("Lift the suspension of %(producer)s") % {"producer": suspension.producer.name},
        back_url="equipment:suspension_list",
        intro=suspension.reason,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def suspension_create(request, pk):
    producer = get_for_user(request, Producer, pk=pk)
    form = SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_care_extra.suspension_set(
                producer=producer, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The producer is suspended from booking."))
            return redirect("equipment:suspension_list")
    return _form_page(
        request,
        form,
        title=_("Suspend %(producer)s from booking") % {"producer": producer.name},
        back_url=producer,
    )


# --- Terms of use and training (R1) -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def terms_accept(request, pk):
    producer = get_for_user(request, Producer, for_write=True, pk=pk)
    missing, current = selectors.terms_to_accept(producer)
    form = TermsAcceptForm(request.POST or None, terms_ids=missing)
    if request.method == "POST" and form.is_valid():
        try:
            services.terms_accept(producer=producer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The acceptance of the terms is recorded."))
            return redirect(producer)
    return _form_page(
        request,
        form,
        title=_("Terms of use accepted by %(producer)s") % {"producer": producer.name},
        back_url=producer,
        template="equipment/care/terms_form.html",
        terms_list=[terms for terms in current if terms.pk in missing],
    )


@require_http_methods(["GET", "POST"])
@handler_required
def training_signoff(request, pk):
    producer = get_for_user(request, Producer, pk=pk)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_signoff(producer=producer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The training sign-off is recorded."))
            return redirect(producer)
    trained = TrainingSignoff.objects.filter(producer=producer).select_related("equipment_type")
    return _form_page(
        request,
        form,
        title=_("Training of %(producer)s") % {"producer": producer.name},
        back_url=producer,
        trained=trained,
    )
