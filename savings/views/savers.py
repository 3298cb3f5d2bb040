"""The savers pages: the member register and its export, the application (form
อทผ-01), one saver's page, the committee's decision, pledge and beneficiary changes,
leaving with the settlement, and the passbook (statement) with its export.

Views glue: scoped fetch → form → service → message → redirect. Reading is for every
login within their district; recording needs `may_record` for the saver's district
(403 on GET and POST otherwise).
"""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from members.models import Person
from otop_portal.lib.exports import Column, Export, export_response
from otop_portal.lib.history import changes_of
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.scoping import get_for_user
from otop_portal.lib.thaidate import format_thai_date
from savings import permissions
from savings import selectors_savers as selectors
from savings.forms_savers import (
    ADMIT,
    ApplyForm,
    DecideForm,
    LeaveForm,
    PeriodForm,
    PledgeForm,
    SaverFilter,
    WitnessForm,
    beneficiary_formset,
)
from savings.models import LIVE, EntryKind, Saver, SaverStatus
from savings.services import leaving
from savings.services import savers as membership
from savings.services.collection import arrears_of
from savings.services.savers import pledge_units, policy_on
from savings.views.common import paper, record_once, run_service, saver_for

PAGE_SIZE = 25
FORMATS = ("csv", "xlsx")


def _posted(request):
    return request.POST if request.method == "POST" else None


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404


# --- The register -----------------------------------------------------------------------------


def _register(request):
    today = timezone.localdate()
    savers = selectors.savers_for(request.user, today=today)
    return SaverFilter(request.GET or None, queryset=savers, user=request.user), today


@require_safe
def saver_list(request):
    filterset, today = _register(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.register_rows(page.object_list, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "savings/savers/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "may_record": permissions.may_record(request.user),
        },
    )


def register_export(rows) -> Export:
    return Export(
        filename=_("savings-members"),
        columns=[
            Column(_("Member number"), lambda r: r.saver.member_number, kind="int"),
            Column(_("Name"), lambda r: r.saver.person.full_name),
            Column(_("District"), lambda r: r.saver.district.name),
            Column(_("Status"), lambda r: r.saver.get_status_display()),
            Column(_("Applied on"), lambda r: r.saver.applied_on, kind="date"),
            Column(_("Decided on"), lambda r: r.saver.decided_on, kind="date"),
            Column(_("Units a month"), lambda r: r.units, kind="int"),
            Column(_("Pledged savings"), lambda r: r.account.pledged, kind="decimal"),
            Column(_("Deposits"), lambda r: r.account.deposits, kind="decimal"),
            Column(_("Total savings"), lambda r: r.account.total, kind="decimal"),
            Column(_("On hold"), lambda r: r.account.held, kind="decimal"),
            Column(_("Available balance"), lambda r: r.account.available, kind="decimal"),
            Column(_("Pledged savings in arrears"), lambda r: r.arrears, kind="decimal"),
            Column(_("Loan principal owed"), lambda r: r.account.loan_principal, kind="decimal"),
        ],
        rows=rows,
    )


@require_safe
@reads_from_replica  # a heavy export: the replica, when there is one
def saver_export(request, fmt):
    _check_format(fmt)
    filterset, today = _register(request)
    rows = selectors.register_rows(filterset.qs, today=today)
    return export_response(request, register_export(rows), fmt)


# --- The application --------------------------------------------------------------------------


def _person_to_enrol(request):
    """The person chosen with ?person=<pk>: 404 outside the user's reach, 403 when the
    user does not record for their district."""
    pk = request.GET.get("person", "")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    person = get_for_user(request, Person.objects.select_related("district"), pk=pk)
    if not permissions.may_record(request.user, person.district_id):
        raise PermissionDenied
    return person


@require_http_methods(["GET", "POST"])
def saver_apply(request):
    if not permissions.may_record(request.user):
        raise PermissionDenied
    person = _person_to_enrol(request)
    if person is None:
        text = request.GET.get("q", "").strip()[:100]
        return render(
            request,
            "savings/savers/apply_find.html",
            {"q": text, "people": selectors.people_to_enrol(request.user, text)},
        )
    today = timezone.localdate()
    policy = policy_on(today)
    form = ApplyForm(
        _posted(request), policy=policy, initial={"applied_on": today, "units": policy.min_units}
    )
    formset = beneficiary_formset(_posted(request))
    already = Saver.objects.filter(person=person, status__in=LIVE).first()
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saver = run_service(
            form,
            lambda: membership.saver_apply(
                person=person,
                by=request.user,
                beneficiaries=formset.beneficiaries(),
                **form.details(),
            ),
        )
        if saver is not None:
            messages.success(
                request,
                _("The application of %(person)s is recorded; it waits for the committee.")
                % {"person": person},
            )
            return redirect("savings:saver_detail", saver.pk)
    return render(
        request,
        "savings/savers/apply.html",
        {
            "person": person,
            "form": form,
            "formset": formset,
            "policy": policy,
            "already": already,
        },
    )


# --- One saver --------------------------------------------------------------------------------


def _actions(user, saver: Saver) -> dict:
    """Which buttons the saver's page shows to `user`."""
    records = permissions.may_record(user, saver.district_id)
    active = saver.status == SaverStatus.ACTIVE
    return {
        "may_record": records,
        "may_pay": records and active,
        "may_decide": records and saver.status == SaverStatus.APPLIED,
        "may_change_beneficiaries": records and saver.status in LIVE,
    }


@require_safe
def saver_detail(request, pk):
    saver = saver_for(request, pk)
    today = timezone.localdate()
    rows = selectors.statement(saver).rows
    context = {
        "saver": saver,
        "balances": saver.account,
        "pledges": list(saver.pledges.order_by("from_month")),
        "units_now": pledge_units(saver, today.replace(day=1)),
        "arrears": arrears_of(saver, today) if saver.status == SaverStatus.ACTIVE else None,
        "beneficiaries": list(saver.beneficiaries.order_by("pk")),
        "loans": selectors.loans_of(saver),
        "guarantees": selectors.guarantees_by(saver),
        "last_rows": rows[-selectors.LAST_LINES :],
        "payouts": [row for row in rows if row.entry.kind == EntryKind.SETTLEMENT],
        "history": {"changes": changes_of(saver)} if request.user.is_provincial_staff else None,
        **_actions(request.user, saver),
    }
    return render(request, "savings/savers/detail.html", context)


@require_http_methods(["GET", "POST"])
def saver_decide(request, pk):
    saver = saver_for(request, pk, for_write=True)
    today = timezone.localdate()
    form = DecideForm(
        _posted(request), initial={"decision": ADMIT, "decided_on": today, "fee_paid": True}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decided = record_once(
            request,
            form,
            f"saver_decide:{saver.pk}",
            lambda: membership.saver_decide(
                saver=saver,
                admit=data["decision"] == ADMIT,
                decided_on=data["decided_on"],
                meeting_number=data["meeting_number"],
                note=data["note"],
                fee_paid=data["fee_paid"],
                by=request.user,
            ),
        )
        if decided is not None:
            if decided.status == SaverStatus.ACTIVE:
                text = _("%(person)s is admitted as member %(number)s.") % {
                    "person": decided.person,
                    "number": decided.member_number,
                }
            else:
                text = _("The application of %(person)s is not admitted.") % {
                    "person": decided.person
                }
            messages.success(request, text)
            return redirect("savings:saver_detail", decided.pk)
    return render(
        request,
        "savings/savers/decide.html",
        {
            "saver": saver,
            "form": form,
            "entry_fee": policy_on(today).entry_fee,
            "beneficiaries": list(saver.beneficiaries.order_by("pk")),
            "units": pledge_units(saver, saver.applied_on.replace(day=1)),
        },
    )


@require_http_methods(["GET", "POST"])
def saver_pledge(request, pk):
    saver = saver_for(request, pk, for_write=True)
    today = timezone.localdate()
    next_month = today.replace(day=1) + relativedelta(months=1)
    current = pledge_units(saver, next_month)
    form = PledgeForm(_posted(request), initial={"units": current, "from_month": next_month})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pledge = run_service(
            form,
            lambda: membership.pledge_change(
                saver=saver, units=data["units"], from_month=data["from_month"], by=request.user
            ),
        )
        if pledge is not None:
            messages.success(
                request,
                _("From %(month)s the pledge is %(units)s units a month.")
                % {"month": format_thai_date(pledge.from_month), "units": pledge.units},
            )
            return redirect("savings:saver_detail", saver.pk)
    policy = policy_on(today)
    return render(
        request,
        "savings/savers/pledge.html",
        {
            "saver": saver,
            "form": form,
            "policy": policy,
            "current": current,
            "pledges": list(saver.pledges.order_by("from_month")),
        },
    )


@require_http_methods(["GET", "POST"])
def saver_beneficiaries(request, pk):
    saver = saver_for(request, pk, for_write=True)
    formset = beneficiary_formset(_posted(request), saver=saver)
    form = WitnessForm(
        _posted(request), initial={"witness_1": saver.witness_1, "witness_2": saver.witness_2}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changed = run_service(
            form,
            lambda: membership.beneficiaries_change(
                saver=saver,
                beneficiaries=formset.beneficiaries(),
                by=request.user,
                **form.cleaned_data,
            ),
        )
        if changed is not None:
            messages.success(request, _("The beneficiaries are changed."))
            return redirect("savings:saver_detail", saver.pk)
    return render(
        request,
        "savings/savers/beneficiaries.html",
        {"saver": saver, "form": form, "formset": formset, "live": saver.status in LIVE},
    )


@require_http_methods(["GET", "POST"])
def saver_leave(request, pk):
    saver = saver_for(request, pk, for_write=True)
    today = timezone.localdate()
    form = LeaveForm(_posted(request), initial={"on": today})
    on = today
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        on = data["on"]
        left = record_once(
            request,
            form,
            f"saver_leave:{saver.pk}",
            lambda: leaving.saver_leave(
                saver=saver, status=data["status"], on=on, reason=data["reason"], by=request.user
            ),
        )
        if left is not None:
            messages.success(
                request,
                _("The membership of %(person)s ended on %(date)s.")
                % {"person": left.person, "date": format_thai_date(left.left_on)},
            )
            return redirect("savings:saver_detail", left.pk)
    found = leaving.settlement(saver, on) if saver.status == SaverStatus.ACTIVE else None
    split = []
    if found is not None and found.paid_out > 0:
        split = leaving.beneficiary_split(saver, found.paid_out)
    return render(
        request,
        "savings/savers/leave.html",
        {
            "saver": saver,
            "form": form,
            "on": on,
            "settlement": found,
            "problems": found.problems() if found else [],
            "split": split,
        },
    )


# --- The statement ----------------------------------------------------------------------------


def _statement(request, pk):
    saver = saver_for(request, pk)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    return saver, form, selectors.statement(saver, start=start, end=end)


@require_safe
def saver_statement(request, pk):
    saver, form, found = _statement(request, pk)
    return render(
        request,
        "savings/savers/statement.html",
        {
            "saver": saver,
            "form": form,
            "statement": found,
            "paper": paper(request),
            "printed_at": timezone.now(),
        },
    )


def _what(row) -> str:
    if row.entry is None:
        return _("Balance brought forward")
    text = row.entry.get_kind_display()
    if row.entry.memo:
        text += f": {row.entry.memo}"
    if row.reversed:
        text += " " + _("(reversed)")
    return text


def statement_export(found) -> Export:
    money_columns = [
        (_("Pledged savings in"), "pledged_in"),
        (_("Pledged savings out"), "pledged_out"),
        (_("Deposits in"), "deposits_in"),
        (_("Deposits out"), "deposits_out"),
        (_("Pledged savings balance"), "pledged"),
        (_("Deposits balance"), "deposits"),
        (_("Total savings"), "savings"),
        (_("Loan paid out"), "lent"),
        (_("Loan repaid"), "repaid"),
        (_("Loan principal owed"), "loans"),
    ]
    number = found.saver.member_number or found.saver.pk
    return Export(
        filename=_("statement-%(number)s") % {"number": number},
        columns=[
            Column(_("Date"), lambda r: r.on, kind="date"),
            Column(_("Document"), lambda r: r.document, kind="id"),
            Column(_("What"), _what),
            Column(_("Loan"), lambda r: ", ".join(r.loan_numbers), kind="id"),
            *[
                Column(header, lambda r, name=name: getattr(r, name), kind="decimal")
                for header, name in money_columns
            ],
        ],
        rows=[found.opening, *found.rows] if found.start else found.rows,
    )


@require_safe
def saver_statement_export(request, pk, fmt):
    _check_format(fmt)
    _saver, _form, found = _statement(request, pk)
    return export_response(request, statement_export(found), fmt)
