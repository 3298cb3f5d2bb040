"""Loan pages: the list and its export, the application with the borrower's limit and
the guarantors' room, one loan (schedule, payments, the state today), the committee's
decision, withdrawal, pay-out, repayment, a change of guarantor, and the printed
contract and guarantee forms.

Views glue: scoped fetch (404 outside the district) → the permission the service
checks (403 before any form) → form → service → message → redirect. Money forms carry
a one-time key and run through `record_once`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from members.models import NationalIdView
from otop_portal.lib.exports import Column, Export, export_response
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.scoping import get_for_user
from otop_portal.templatetags.thai import national_id, national_id_masked
from savings import loanmath, permissions
from savings import selectors_loans as selectors
from savings.forms_loans import (
    DecideForm,
    DisburseForm,
    LoanApplyForm,
    LoanFilterForm,
    RepayForm,
    ReplaceForm,
    WithdrawForm,
)
from savings.models import LIVE_LOAN, Document, Guarantee, Loan, LoanStatus, SaverAccount
from savings.services import loans as services
from savings.services.savers import policy_on
from savings.views.common import add_errors, paper, record_once, run_service

PAGE_SIZE = 25


def _posted(request):
    return request.POST if request.method == "POST" else None


def _loan(request, pk) -> Loan:
    """A loan as its pages fetch it: 404 outside the user's district."""
    return get_for_user(request, selectors.loan_detail(request.user), pk=pk)


def _checking(request) -> bool:
    """A post that only asks for the figures (the htmx refresh or the Check button):
    nothing is recorded."""
    return bool(request.htmx) or request.POST.get("action") == "check"


def _described(loan: Loan) -> dict:
    return {"number": loan.number, "name": loan.saver.person}


# --- The list and its export --------------------------------------------------------------------


def _filtered(request):
    form = LoanFilterForm(request.GET or None, user=request.user)
    loans = form.filter(selectors.loans_for(request.user))
    if form.overdue_only:
        loans = loans.filter(pk__in=selectors.overdue_pks(loans))
    return form, loans


@require_safe
def loan_list(request):
    form, loans = _filtered(request)
    page = Paginator(loans, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "savings/loans/list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.rows_of(page.object_list),
            "query": query.urlencode(),
            "export_query": query.urlencode(),
            "may_record": permissions.may_record(request.user),
        },
    )


def _loan_columns() -> list[Column]:
    return [
        Column(_("Loan number"), lambda r: r.loan.number, "id"),
        Column(_("Member number"), lambda r: r.loan.saver.member_number, "int"),
        Column(_("Borrowing member"), lambda r: r.loan.saver.person.full_name),
        Column(_("District"), lambda r: r.loan.saver.district.name),
        Column(_("Loan type"), lambda r: r.loan.loan_type.name),
        Column(_("Status"), lambda r: r.loan.get_status_display()),
        Column(_("Applied on"), lambda r: r.loan.applied_on, "date"),
        Column(_("Paid out on"), lambda r: r.loan.disbursed_on, "date"),
        Column(_("Amount"), lambda r: r.loan.amount, "decimal"),
        Column(_("Interest, % a month"), lambda r: r.loan.monthly_rate_pct, "decimal"),
        Column(_("Term, months"), lambda r: r.loan.term_months, "int"),
        Column(_("Principal outstanding"), lambda r: r.outstanding, "decimal"),
        Column(_("Next instalment due"), lambda r: r.next_due_on, "date"),
        Column(_("Next instalment"), lambda r: r.next_due_amount, "decimal"),
        Column(_("Days overdue"), lambda r: r.days_overdue, "int"),
    ]


@require_safe
@reads_from_replica  # a heavy export: the replica, when there is one
def loan_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, loans = _filtered(request)
    export = Export(
        filename=_("member-loans"),
        columns=_loan_columns(),
        rows=selectors.rows_of(loans),
    )
    return export_response(request, export, fmt)


# --- The application ---------------------------------------------------------------------------


def _application_check(form: LoanApplyForm):
    """The figures for what the (bound) form holds so far; fields that do not read yet
    are left out."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    return selectors.application_check(
        saver=data.get("saver"),
        loan_type=data.get("loan_type"),
        amount=data.get("amount"),
        guarantors=[data.get(name) for name in ("guarantor_1", "guarantor_2", "guarantor_3")],
        on=data.get("applied_on") or timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def loan_apply(request):
    user = request.user
    if not permissions.may_record(user):
        raise PermissionDenied
    if request.method == "GET":
        # ?saver=<pk>&loan_type=<pk> preselect; their figures show at once
        initial = {key: request.GET[key] for key in ("saver", "loan_type") if key in request.GET}
        form = LoanApplyForm(initial=initial, user=user)
        probe = LoanApplyForm(initial, user=user)
        probe.is_valid()
        check = _application_check(probe)
    else:
        form = LoanApplyForm(request.POST, user=user)
        if form.is_valid() and not _checking(request):
            loan = record_once(request, form, "loan_apply", lambda: _apply(form, user))
            if loan is not None:
                text = _(
                    "Loan application %(number)s of %(name)s recorded: it waits for the "
                    "loan committee."
                )
                messages.success(request, text % _described(loan))
                return redirect("savings:loan_detail", loan.pk)
        check = _application_check(form)
    context = {"form": form, "check": check}
    if request.htmx:
        return render(request, "savings/loans/_check.html", context)
    return render(request, "savings/loans/apply.html", context)


def _apply(form: LoanApplyForm, user) -> Loan:
    data = form.cleaned_data
    return services.loan_apply(
        saver=data["saver"],
        loan_type=data["loan_type"],
        amount=data["amount"],
        term_months=data["term_months"],
        purpose=data["purpose"],
        guarantors=form.guarantors(),
        applied_on=data["applied_on"],
        by=user,
    )


# --- One loan -----------------------------------------------------------------------------------


def _actions(user, loan: Loan) -> dict:
    district = loan.saver.district_id
    records = permissions.may_record(user, district)
    return {
        "may_decide": loan.status == LoanStatus.APPLIED
        and permissions.may_decide_loans(user)
        and loan.recorded_by_id != user.pk,
        "may_withdraw": loan.status in (LoanStatus.APPLIED, LoanStatus.APPROVED) and records,
        "may_disburse": loan.status == LoanStatus.APPROVED
        and (records or permissions.may_keep_books(user)),
        "may_repay": loan.status == LoanStatus.ACTIVE and records,
        "may_replace": loan.status in LIVE_LOAN and permissions.may_decide_loans(user),
    }


@require_safe
def loan_detail(request, pk):
    loan = _loan(request, pk)
    today = timezone.localdate()
    state = selectors.states_of([loan], today).get(loan.pk)
    schedule, estimate = selectors.schedule(loan, state, today)
    return render(
        request,
        "savings/loans/detail.html",
        {
            "loan": loan,
            "state": state,
            "due_now": _due_now(state),
            "guarantees": loan.guarantees.select_related("guarantor__person").order_by(
                "ended_on", "pk"
            ),
            "schedule": schedule,
            "estimate": estimate,
            "repayments": selectors.repayments(loan, state),
            "disbursement": selectors.disbursement(loan),
            "policy": policy_on(loan.disbursed_on or today),
            "today": today,
            **_actions(request.user, loan),
        },
    )


def _due_now(state):
    """What the borrower should pay today to be up to date (None when nothing is)."""
    if state is None:
        return None
    return state.fines_outstanding + state.interest_outstanding + state.principal_overdue


# --- The committee's decision, withdrawal -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def loan_decide(request, pk):
    loan = _loan(request, pk)
    if not permissions.may_decide_loans(request.user):
        raise PermissionDenied
    form = DecideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        decided = run_service(
            form,
            lambda: services.loan_decide(
                loan=loan,
                approve=approve,
                by=request.user,
                meeting_number=data["meeting_number"].strip(),
                note=data["note"].strip(),
            ),
        )
        if decided is not None:
            text = (
                _("Loan %(number)s of %(name)s approved: it can be paid out.")
                if approve
                else _("Loan %(number)s of %(name)s not approved.")
            )
            messages.success(request, text % _described(loan))
            return redirect("savings:loan_detail", loan.pk)
    return render(
        request,
        "savings/loans/decide.html",
        {
            "loan": loan,
            "form": form,
            "is_recorder": loan.recorded_by_id == request.user.pk,
            "check": _decision_check(loan),
        },
    )


def _decision_check(loan: Loan):
    if loan.status != LoanStatus.APPLIED:
        return None
    guarantors = [
        g.guarantor
        for g in loan.guarantees.filter(ended_on__isnull=True).select_related("guarantor__person")
    ]
    return selectors.application_check(
        saver=loan.saver,
        loan_type=loan.loan_type,
        amount=loan.amount,
        guarantors=guarantors,
        on=timezone.localdate(),
        excluding=loan,
    )


@require_http_methods(["GET", "POST"])
def loan_withdraw(request, pk):
    loan = _loan(request, pk)
    if not permissions.may_record(request.user, loan.saver.district_id):
        raise PermissionDenied
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.loan_withdraw(
                loan=loan, by=request.user, note=form.cleaned_data["note"].strip()
            ),
        )
        if done is not None:
            messages.success(
                request, _("Loan application %(number)s withdrawn.") % _described(loan)
            )
            return redirect("savings:loan_detail", loan.pk)
    return render(request, "savings/loans/withdraw.html", {"loan": loan, "form": form})


# --- Pay-out and repayment ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def loan_disburse(request, pk):
    loan = _loan(request, pk)
    user = request.user
    if not (
        permissions.may_record(user, loan.saver.district_id) or permissions.may_keep_books(user)
    ):
        raise PermissionDenied
    form = DisburseForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        paid = record_once(
            request,
            form,
            f"loan_disburse:{loan.pk}",
            lambda: services.loan_disburse(
                loan=loan,
                on=data["on"],
                first_due_on=data["first_due_on"],
                by=user,
                paid_with=data.get("paid_with"),
            ),
        )
        if paid is not None:
            messages.success(request, _("Loan %(number)s paid out to %(name)s.") % _described(loan))
            voucher = selectors.disbursement(paid)
            return redirect("savings:voucher", voucher.pk)
    first_due = form.initial["first_due_on"]
    if form.is_bound and form.is_valid():
        first_due = form.cleaned_data["first_due_on"]
    return render(
        request,
        "savings/loans/disburse.html",
        {
            "loan": loan,
            "form": form,
            "guarantees": loan.guarantees.filter(ended_on__isnull=True).select_related(
                "guarantor__person"
            ),
            "schedule": loanmath.schedule(
                loan.amount, loan.monthly_rate_pct, loan.term_months, first_due
            ),
        },
    )


def _repay_initial(state) -> dict:
    due = _due_now(state)
    if due is None:
        return {}
    return {"amount": due if due > 0 else state.next_due_amount}


@require_http_methods(["GET", "POST"])
def loan_repay(request, pk):
    loan = _loan(request, pk)
    user = request.user
    if not permissions.may_record(user, loan.saver.district_id):
        raise PermissionDenied
    today = timezone.localdate()
    state = selectors.states_of([loan], today).get(loan.pk)
    deposits = SaverAccount.objects.get(saver=loan.saver).deposits
    form = RepayForm(_posted(request), initial=_repay_initial(state), deposits=deposits)
    split = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _checking(request):
            split = _preview(form, loan)
        else:
            entry = record_once(
                request,
                form,
                f"loan_repay:{loan.pk}",
                lambda: services.loan_repay(
                    loan=loan,
                    amount=data["amount"],
                    on=data["on"],
                    by=user,
                    from_deposits=data.get("from_deposits", False),
                ),
            )
            if entry is not None:
                messages.success(
                    request, _("Repayment of loan %(number)s recorded.") % _described(loan)
                )
                if entry.document == Document.RECEIPT:
                    return redirect("savings:receipt", entry.pk)
                return redirect("savings:loan_detail", loan.pk)
    context = {
        "loan": loan,
        "state": state,
        "due_now": _due_now(state),
        "form": form,
        "split": split,
        "deposits": deposits,
        "policy": policy_on(loan.disbursed_on or today),
    }
    if request.htmx:
        return render(request, "savings/loans/_split.html", context)
    return render(request, "savings/loans/repay.html", context)


def _preview(form: RepayForm, loan: Loan):
    """How the typed repayment would split; a refusal goes onto the form."""
    try:
        return services.repayment_split(loan, form.cleaned_data["amount"], form.cleaned_data["on"])
    except ValidationError as error:
        add_errors(form, error)
        return None


# --- Guarantors ---------------------------------------------------------------------------------


def _guarantee(request, pk) -> Guarantee:
    return get_for_user(
        request,
        Guarantee.objects.select_related(
            "loan__saver__person__subdistrict__district__province",
            "loan__saver__district",
            "loan__loan_type",
            "guarantor__person__subdistrict__district__province",
            "guarantor__district",
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def guarantee_replace(request, pk):
    guarantee = _guarantee(request, pk)
    if not permissions.may_decide_loans(request.user):
        raise PermissionDenied
    loan = guarantee.loan
    form = ReplaceForm(_posted(request), user=request.user, guarantee=guarantee)
    stands = guarantee.ended_on is None and loan.status in LIVE_LOAN
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        replacement = run_service(
            form,
            lambda: services.guarantee_replace(
                guarantee=guarantee,
                guarantor=data["guarantor"],
                on=data["on"],
                reason=data["reason"],
                by=request.user,
            ),
        )
        if replacement is not None:
            messages.success(
                request,
                _("%(new)s now guarantees loan %(number)s instead of %(old)s.")
                % {
                    "new": data["guarantor"].person,
                    "number": loan.number,
                    "old": guarantee.guarantor.person,
                },
            )
            return redirect("savings:loan_detail", loan.pk)
    return render(
        request,
        "savings/loans/replace.html",
        {"guarantee": guarantee, "loan": loan, "form": form, "stands": stands},
    )


# --- Printed documents --------------------------------------------------------------------------


def _national_id(request, person) -> dict:
    """A person's ID on a legal form: in full to provincial staff only (each full view
    recorded; issue 7, PDPA), masked to the others, who attach a copy of the ID card."""
    full = bool(person.national_id) and request.user.is_provincial_staff
    if full:
        NationalIdView.objects.create(person=person, viewed_by=request.user, path=request.path)
        shown = national_id(person.national_id)
    else:
        shown = national_id_masked(person.national_id) or "—"
    return {"person": person, "full_id": full, "id": shown, "address": person.address_lines()}


@require_safe
def loan_contract(request, pk):
    loan = _loan(request, pk)
    today = timezone.localdate()
    state = selectors.states_of([loan], today).get(loan.pk)
    schedule, estimate = selectors.schedule(loan, state, today)
    guarantees = list(
        loan.guarantees.filter(ended_on__isnull=True)
        .select_related("guarantor__person__subdistrict__district__province")
        .order_by("pk")
    )
    return render(
        request,
        "savings/loans/contract.html",
        {
            "loan": loan,
            "borrower": _national_id(request, loan.saver.person),
            "guarantors": [(g, _national_id(request, g.guarantor.person)) for g in guarantees],
            "schedule": schedule,
            "estimate": estimate,
            "policy": policy_on(loan.disbursed_on or today),
            "yearly_rate": loan.monthly_rate_pct * 12,
            "dated": loan.disbursed_on or loan.applied_on,
            "paper": paper(request),
            "back": reverse("savings:loan_detail", args=[loan.pk]),
        },
    )


@require_safe
def guarantee_form(request, pk):
    guarantee = _guarantee(request, pk)
    loan = guarantee.loan
    return render(
        request,
        "savings/loans/guarantee.html",
        {
            "guarantee": guarantee,
            "loan": loan,
            "guarantor": _national_id(request, guarantee.guarantor.person),
            "borrower": loan.saver.person,
            "dated": loan.disbursed_on or loan.applied_on,
            "paper": paper(request),
            "back": reverse("savings:loan_detail", args=[loan.pk]),
        },
    )
