"""After the offers: the waitlist and the free booths (the managers offer free booths
to the waitlist, or give one by hand with a reason), check-in on the fair days, and
the daily sales sheet.

Check-in is for the fair's managers. Sales are entered by staff or the holder's
district member: the sheet shows the booths within the user's reach and records
every typed amount in one transaction, or none of them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fairs.forms_after import AttendanceForm, GiveForm, SalesSheetForm, sales_field_name
from fairs.models import Holding, manages_fairs
from fairs.selectors_after import (
    checkin_sheet,
    day_from,
    default_day,
    free_booth_queryset,
    giveable_applications,
    refill_preview,
    sales_sheet,
    sales_totals,
    waiting,
)
from fairs.services import holdings as services
from fairs.services.holdings import free_booths
from fairs.services.lottery import official_draw
from fairs.views.common import fair_for, manager_required, run_service
from otop_portal.lib.thaidate import format_thai_date


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- The waitlist -------------------------------------------------------------------------


@require_safe
def waitlist(request, pk):
    fair = fair_for(request, pk)
    now = timezone.now()
    draw = official_draw(fair)
    may_manage = manages_fairs(request.user)
    return render(
        request,
        "fairs/after/waitlist.html",
        {
            "fair": fair,
            "draw": draw,
            "rows": waiting(fair, request.user, now),
            "free": free_booths(fair, now),
            "planned": refill_preview(fair, now) if may_manage else [],
            "may_manage": may_manage,
        },
    )


def offers_sentence(offers) -> str:
    listed = ", ".join(
        f"{holding.booth.code} → #{holding.application.number}" for holding in offers
    )
    return ngettext(
        "%(count)d offer was made: %(offers)s.",
        "%(count)d offers were made: %(offers)s.",
        len(offers),
    ) % {"count": len(offers), "offers": listed}


@require_POST
@manager_required
def waitlist_refill(request, pk):
    fair = fair_for(request, pk)
    draw = official_draw(fair)
    if draw is None or not draw.is_published:
        messages.warning(request, _("The official draw is not published yet: no waitlist."))
        return redirect("fairs:waitlist", pk=fair.pk)
    offers = services.waitlist_refill(fair=fair, by=request.user)
    if offers:
        messages.success(request, offers_sentence(offers))
    else:
        messages.info(
            request,
            _("No offer was made: no booth is free, or no one on the waitlist fits a free booth."),
        )
    return redirect("fairs:waitlist", pk=fair.pk)


@require_http_methods(["GET", "POST"])
@manager_required
def booth_give(request, pk):
    fair = fair_for(request, pk)
    now = timezone.now()
    form = GiveForm(
        _posted(request),
        applications=giveable_applications(fair, request.user, now),
        booths=free_booth_queryset(fair, now),
    )
    if form.is_valid():
        given = run_service(
            form,
            lambda: services.booth_give(
                application=form.cleaned_data["application"],
                booth=form.cleaned_data["booth"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if given is not None:
            messages.success(
                request,
                _("Booth %(booth)s was given to application #%(number)s.")
                % {"booth": given.booth.code, "number": given.application.number},
            )
            return redirect("fairs:holding_detail", pk=given.pk)
    return render(request, "fairs/after/give.html", {"fair": fair, "form": form})


# --- Fair days ----------------------------------------------------------------------------


def _day(request, fair):
    """The day asked for (?day=YYYY-MM-DD) when it is a fair day, else the default
    (today during the fair, the first day otherwise); and whether the ask was refused."""
    asked = request.GET.get("day")
    day = day_from(fair, asked)
    return (day or default_day(fair)), bool(asked) and day is None


def _day_links(fair, day, today) -> list[dict]:
    return [{"day": d, "current": d == day, "future": d > today} for d in fair.days()]


def _day_url(name: str, fair, day) -> str:
    return f"{reverse(name, kwargs={'pk': fair.pk})}?day={day.isoformat()}"


@require_http_methods(["GET", "POST"])
@manager_required
def checkin(request, pk):
    fair = fair_for(request, pk)
    day, refused = _day(request, fair)
    form = None
    if request.method == "POST":
        form = AttendanceForm(
            request.POST, holdings=Holding.objects.for_user(request.user).filter(fair=fair)
        )
        if form.is_valid():
            day = form.cleaned_data["day"]
            recorded = run_service(
                form,
                lambda: services.attendance_record(
                    holding=form.cleaned_data["holding"],
                    day=day,
                    present=form.cleaned_data["present"],
                    by=request.user,
                ),
            )
            if recorded is not None:
                return _checked(request, fair, form.cleaned_data["holding"], recorded)
    today = timezone.localdate()
    return render(
        request,
        "fairs/after/checkin.html",
        {
            "fair": fair,
            "day": day,
            "refused_day": refused,
            "is_future": day > today,
            "days": _day_links(fair, day, today),
            "sheet": checkin_sheet(fair, day, request.user),
            "form": form,
        },
    )


def _checked(request, fair, holding, recorded):
    if recorded.present:
        text = _("Booth %(booth)s: present on %(day)s.")
    else:
        text = _("Booth %(booth)s: absent on %(day)s.")
    messages.success(
        request, text % {"booth": holding.booth.code, "day": format_thai_date(recorded.day)}
    )
    return redirect(f"{_day_url('fairs:checkin', fair, recorded.day)}#booth-{holding.pk}")


def _record_sales(form: SalesSheetForm, day, by) -> bool:
    """Every typed amount, in one transaction: a refused row undoes the whole sheet,
    and each refusal lands at its row."""
    failures = []
    with transaction.atomic():
        for row, amount in form.entered():
            try:
                services.sales_record(holding=row.holding, day=day, amount=amount, by=by)
            except ValidationError as error:
                failures.append((row, error))
        if failures:
            transaction.set_rollback(True)
    for row, error in failures:
        form.add_error(sales_field_name(row.holding), error.messages)
    if failures:
        form.add_error(None, _("Nothing was recorded: correct the rows marked below."))
    return not failures


@require_http_methods(["GET", "POST"])
def sales(request, pk):
    fair = fair_for(request, pk)
    user = request.user
    may_enter = manages_fairs(user) or user.is_district_member
    if request.method == "POST" and not may_enter:
        raise PermissionDenied
    day, refused = _day(request, fair)
    today = timezone.localdate()
    rows = sales_sheet(fair, day, user)
    form = None
    if may_enter and day <= today:
        form = SalesSheetForm(_posted(request), rows=rows)
    posted = request.method == "POST" and form is not None and form.is_valid()
    if posted and _record_sales(form, day, user):
        count = len(form.entered())
        messages.success(
            request,
            ngettext(
                "Sales of %(count)d booth recorded for %(day)s.",
                "Sales of %(count)d booths recorded for %(day)s.",
                count,
            )
            % {"count": count, "day": format_thai_date(day)},
        )
        return redirect(_day_url("fairs:sales", fair, day))
    if request.method == "POST" and form is None:
        messages.error(request, _("Sales are entered on or after the fair day."))
    return render(
        request,
        "fairs/after/sales.html",
        {
            "fair": fair,
            "day": day,
            "refused_day": refused,
            "is_future": day > today,
            "days": _day_links(fair, day, today),
            "lines": _sales_lines(rows, form),
            "form": form,
            "bad_rows": form.bad_rows() if form is not None and form.is_bound else [],
            "totals": sales_totals(fair, user),
            "may_enter": may_enter,
        },
    )


def _sales_lines(rows, form) -> list[dict]:
    """Each row with its input (bound field) when the sheet can be typed in."""
    return [
        {"row": row, "field": form[sales_field_name(row.holding)] if form is not None else None}
        for row in rows
    ]
