"""The group's books: the journal, the group's own income, expenses and transfers,
corrections by a second approver, closing months, deposit interest, the year-end
allocation and the policy.

Views glue: permission → scoped fetch → form → service → message → redirect. The books
are the group's, province-wide: those who may see them (`may_see_books`) read every
page; each action checks its own permission on GET and POST alike.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from otop_portal.lib import copy_csv
from otop_portal.lib.exports import Column, Export, export_response
from otop_portal.lib.keyset import keyset_page
from otop_portal.lib.money import format_baht
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.scoping import get_for_user, role_required
from otop_portal.lib.thaidate import format_thai_date
from savings import permissions, selectors_books, services
from savings.forms_books import (
    APPROVE,
    AllocationApproveForm,
    AllocationNewForm,
    AllocationPostForm,
    ExpenseForm,
    IncomeForm,
    InterestPeriodForm,
    InterestPostForm,
    JournalFilterForm,
    MonthCloseForm,
    ReversalDecideForm,
    ReversalFilterForm,
    ReversalRequestForm,
    TransferForm,
    month_label,
)
from savings.models import (
    LEGAL_MONTHLY_RATE_CAP,
    AllocationRun,
    JournalEntry,
    ReversalRequest,
    ReversalStatus,
    RunStatus,
)
from savings.services.interest import deposit_interest_post
from savings.services.yearend import allocation_approve as approve_allocation
from savings.services.yearend import allocation_post as post_allocation
from savings.services.yearend import allocation_preview
from savings.views.common import paper, record_once, run_service

PAGE_SIZE = 25


def _page(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _posted(request):
    return request.POST if request.method == "POST" else None


def _entry(request, pk):
    return get_for_user(request, selectors_books.journal_entry(request.user), pk=pk)


# --- The journal ------------------------------------------------------------------------------


@require_safe
@role_required(permissions.may_see_books)
def journal(request):
    months = selectors_books.journal_months(timezone.localdate())
    form = JournalFilterForm(request.GET or None, months=months)
    entries = form.filter(selectors_books.journal(request.user))
    # Read by its key, newest first: the last page of 1.5 million lines costs what the
    # first does (otop_portal/lib/keyset.py).
    page = keyset_page(
        entries, request.GET, keys=("on", "pk"), per_page=PAGE_SIZE, newest_first=True
    )
    selectors_books.show_first_lines(page)
    query = request.GET.copy()
    for cursor in ("page", "after", "before", "last"):
        query.pop(cursor, None)
    query = query.urlencode()
    return render(
        request,
        "savings/books/journal.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "may_keep_books": permissions.may_keep_books(request.user),
        },
    )


def journal_lines_export(lines) -> Export:
    """Every line of the filtered journal, one row each: the general ledger an auditor
    asks for. Each column also says its SQL: the CSV is written by PostgreSQL's COPY."""
    from savings.models import EntryKind

    account = _account_label()
    return Export(
        filename=_("journal"),
        columns=[
            Column(_("Date"), lambda line: line.entry.on, "date", sql="entry__on"),
            Column(_("Entry number"), lambda line: line.entry.number, sql="entry__number"),
            Column(
                _("Document number"),
                lambda line: line.entry.document_number,
                sql="entry__document_number",
            ),
            Column(
                _("Kind"),
                lambda line: line.entry.get_kind_display(),
                sql=copy_csv.label("entry__kind", EntryKind.choices),
            ),
            Column(_("Account code"), lambda line: line.account.code, "id", sql="account__code"),
            Column(_("Account"), lambda line: line.account.label, sql=account),
            Column(
                _("Member number"),
                lambda line: line.saver.member_number if line.saver else None,
                "int",
                sql="saver__member_number",
            ),
            Column(
                _("Member"),
                lambda line: line.saver.person.full_name if line.saver else "",
                sql=copy_csv.full_name("saver__person__"),
            ),
            Column(
                _("Loan number"),
                lambda line: line.loan.number if line.loan else "",
                "id",
                sql="loan__number",
            ),
            Column(_("Debit"), lambda line: line.debit, "decimal", sql="debit"),
            Column(_("Credit"), lambda line: line.credit, "decimal", sql="credit"),
            Column(_("Memo"), lambda line: line.entry.memo, sql="entry__memo"),
        ],
        rows=lines,
    )


def _account_label():
    """Account.label in SQL: the English name when reading English and there is one."""
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce, NullIf

    from otop_portal.lib.language import reads_english

    if reads_english():
        return Coalesce(NullIf("account__name_en", Value("")), "account__name")
    return F("account__name")


@require_safe
@role_required(permissions.may_see_books)
@reads_from_replica  # a heavy export: the replica, when there is one
def journal_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    months = selectors_books.journal_months(timezone.localdate())
    form = JournalFilterForm(request.GET or None, months=months)
    lines = selectors_books.journal_lines(form.filter(JournalEntry.objects.for_user(request.user)))
    return export_response(request, journal_lines_export(lines), fmt)


@require_safe
@role_required(permissions.may_see_books)
def entry_detail(request, pk):
    entry = _entry(request, pk)
    requests = list(selectors_books.entry_requests(entry))
    why_not = services.reversible(entry)
    waiting = any(r.status == ReversalStatus.PENDING for r in requests)
    return render(
        request,
        "savings/books/entry_detail.html",
        {
            "entry": entry,
            "lines": entry.lines.all(),
            "requests": requests,
            "why_not": why_not,
            "waiting": waiting,
            "may_ask": permissions.may_approve(request.user) and not why_not and not waiting,
            "may_approve": permissions.may_approve(request.user),
            "run": AllocationRun.objects.filter(entry=entry).first(),
        },
    )


# --- The group's own money --------------------------------------------------------------------


def _bookkeeping(request, form_class, *, action: str, run: Callable, done: Callable, title: str):
    """A bookkeeping form: shown and posted by those who keep the books; the service
    runs once for the form's key; then `done(entry)` gives the redirect."""
    form = form_class(_posted(request))
    if request.method == "POST" and form.is_valid():
        entry = record_once(request, form, action, lambda: run(form.cleaned_data, request.user))
        if entry is not None:
            return done(entry)
    return render(request, "savings/books/bookkeeping_form.html", {"form": form, "title": title})


def _recorded(request, entry, name: str):
    messages.success(
        request,
        _("Recorded as %(number)s: %(amount)s.")
        % {
            "number": entry.document_number or entry.number,
            "amount": format_baht(sum(line.debit for line in entry.lines.all())),
        },
    )
    return redirect(name, entry.pk)


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_keep_books)
def expense(request):
    def run(data, user):
        return services.expense(
            expense_account=data["expense_account"],
            amount=data["amount"],
            on=data["on"],
            by=user,
            memo=_("%(memo)s, paid to %(payee)s") % data,
            paid_with=data["paid_with"],
        )

    return _bookkeeping(
        request,
        ExpenseForm,
        action="expense",
        run=run,
        done=lambda entry: _recorded(request, entry, "savings:voucher"),
        title=_("Record an expense"),
    )


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_keep_books)
def income(request):
    def run(data, user):
        return services.income(
            income_account=data["income_account"],
            amount=data["amount"],
            on=data["on"],
            by=user,
            memo=_("%(memo)s, received from %(payer)s") % data,
            paid_into=data["paid_into"],
        )

    return _bookkeeping(
        request,
        IncomeForm,
        action="income",
        run=run,
        done=lambda entry: _recorded(request, entry, "savings:receipt"),
        title=_("Record other income"),
    )


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_keep_books)
def transfer(request):
    def run(data, user):
        return services.transfer(
            source=data["source"],
            target=data["target"],
            amount=data["amount"],
            on=data["on"],
            by=user,
            memo=data["memo"],
        )

    return _bookkeeping(
        request,
        TransferForm,
        action="transfer",
        run=run,
        done=lambda entry: _recorded(request, entry, "savings:entry_detail"),
        title=_("Cash and bank transfer"),
    )


# --- Corrections ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_approve)
def reversal_request(request, pk):
    entry = _entry(request, pk)
    why_not = services.reversible(entry)
    form = ReversalRequestForm(_posted(request))
    if request.method == "POST" and not why_not and form.is_valid():
        made = run_service(
            form,
            lambda: services.reversal_request(
                entry=entry, reason=form.cleaned_data["reason"], by=request.user
            ),
        )
        if made is not None:
            messages.success(
                request,
                _("The reversal of %(number)s waits for a second committee member.")
                % {"number": entry.number},
            )
            return redirect("savings:reversal_list")
    return render(
        request,
        "savings/books/reversal_request.html",
        {"entry": entry, "lines": entry.lines.all(), "why_not": why_not, "form": form},
    )


@require_safe
@role_required(permissions.may_see_books)
def reversal_list(request):
    form = ReversalFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page, query = _page(request, selectors_books.reversal_requests(request.user, status=status))
    return render(
        request,
        "savings/books/reversal_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "may_approve": permissions.may_approve(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_approve)
def reversal_decide(request, pk):
    asked = get_for_user(
        request,
        ReversalRequest.objects.select_related("entry", "requested_by", "decided_by", "reversal"),
        pk=pk,
    )
    form = ReversalDecideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decided = record_once(
            request,
            form,
            f"reversal_decide:{asked.pk}",
            lambda: services.reversal_decide(
                request=asked,
                approve=data["decision"] == APPROVE,
                by=request.user,
                note=data["decision_note"],
                on=data["on"],
            ),
        )
        if decided is not None:
            if decided.status == ReversalStatus.DONE:
                messages.success(
                    request,
                    _("%(number)s is reversed by %(reversal)s.")
                    % {"number": decided.entry.number, "reversal": decided.reversal.number},
                )
            else:
                messages.info(
                    request,
                    _("The reversal of %(number)s is refused.") % {"number": decided.entry.number},
                )
            return redirect("savings:entry_detail", decided.entry_id)
    return render(
        request,
        "savings/books/reversal_decide.html",
        {
            "asked": asked,
            "entry": _entry(request, asked.entry_id),
            "form": form,
            "own": asked.requested_by_id == request.user.pk,
            "pending": asked.status == ReversalStatus.PENDING,
        },
    )


# --- Closing a month --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_see_books)
def month_close(request):
    may_close = permissions.may_close(request.user)
    if request.method == "POST" and not may_close:
        raise PermissionDenied
    state = selectors_books.month_to_close(timezone.localdate())
    form = MonthCloseForm(_posted(request), initial={"month": state.month})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        closed = record_once(
            request,
            form,
            "month_close",
            lambda: services.month_close(
                month=data["month"],
                cash_counted=data["cash_counted"],
                by=request.user,
                meeting_number=data["meeting_number"],
                note=data["note"],
            ),
        )
        if closed is not None:
            messages.success(
                request,
                _("%(month)s is closed: nothing more is posted in it.")
                % {"month": month_label(closed.month)},
            )
            return redirect("savings:month_close")
    page, query = _page(request, selectors_books.closed_months(request.user))
    return render(
        request,
        "savings/books/month_close.html",
        {
            "state": state,
            "month_name": month_label(state.month) if state.month else "",
            "form": form,
            "may_close": may_close,
            "page": page,
            "query": query,
        },
    )


# --- Deposit interest -------------------------------------------------------------------------


def _nothing_to_credit():
    raise ValidationError(_("No deposit earned interest in this half-year: nothing was posted."))


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_keep_books)
def interest(request):
    periods = selectors_books.interest_periods(timezone.localdate())
    chooser = InterestPeriodForm(request.GET or None, periods=periods)
    period_end = chooser.chosen() or (periods[0][0] if periods else None)
    form = InterestPostForm(_posted(request), initial={"period_end": period_end})
    if request.method == "POST" and form.is_valid():
        period_end = form.cleaned_data["period_end"]
        entry = record_once(
            request,
            form,
            "deposit_interest",
            lambda: (
                deposit_interest_post(period_end=period_end, by=request.user)
                or _nothing_to_credit()
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("Interest on deposits to %(date)s is credited in %(number)s.")
                % {"date": format_thai_date(period_end), "number": entry.number},
            )
            return redirect("savings:entry_detail", entry.pk)
    posted = dict(periods).get(period_end)
    if posted is not None:
        rows, total = selectors_books.interest_credited(posted)
    else:
        rows, total = selectors_books.interest_preview(period_end) if period_end else ([], None)
    return render(
        request,
        "savings/books/interest.html",
        {
            "chooser": chooser,
            "form": form,
            "period_end": period_end,
            "posted": posted,
            "rows": rows,
            "total": total,
        },
    )


# --- The year end -----------------------------------------------------------------------------


@require_safe
@role_required(permissions.may_see_books)
def year_list(request):
    return render(
        request,
        "savings/books/year_list.html",
        {
            "years": selectors_books.accounting_years(timezone.localdate()),
            "may_keep_books": permissions.may_keep_books(request.user),
            "draft": RunStatus.DRAFT,
        },
    )


@require_POST
@role_required(permissions.may_keep_books)
def allocation_new(request):
    form = AllocationNewForm(request.POST)
    run = None
    if form.is_valid():
        run = run_service(
            form,
            lambda: allocation_preview(year_end=form.cleaned_data["year_end"], by=request.user),
        )
    if run is None:
        for error in form.non_field_errors() or [_("Choose the year to allocate.")]:
            messages.error(request, error)
        return redirect("savings:year_list")
    messages.success(request, _("The allocation is prepared: check it before the meeting."))
    return redirect("savings:allocation_detail", run.pk)


def _run(request, pk) -> AllocationRun:
    return get_for_user(request, selectors_books.allocation_run(request.user), pk=pk)


def _allocation_page(request, run, *, approve_form=None, post_form=None):
    user = request.user
    may_approve = permissions.may_approve(user) and run.status == RunStatus.DRAFT
    may_post = permissions.may_keep_books(user) and run.status == RunStatus.APPROVED
    return render(
        request,
        "savings/books/allocation_detail.html",
        {
            "sheet": selectors_books.allocation_sheet(run),
            "run": run,
            "paper": paper(request),
            "approve_form": approve_form or (AllocationApproveForm() if may_approve else None),
            "post_form": post_form or (AllocationPostForm() if may_post else None),
            "may_prepare": permissions.may_keep_books(user) and run.status == RunStatus.DRAFT,
        },
    )


@require_safe
@role_required(permissions.may_see_books)
def allocation_detail(request, pk):
    return _allocation_page(request, _run(request, pk))


@require_POST
@role_required(permissions.may_approve)
def allocation_approve(request, pk):
    run = _run(request, pk)
    form = AllocationApproveForm(request.POST)
    if form.is_valid():
        approved = run_service(
            form,
            lambda: approve_allocation(
                run=run,
                meeting_number=form.cleaned_data["meeting_number"],
                on=form.cleaned_data["on"],
                by=request.user,
            ),
        )
        if approved is not None:
            messages.success(request, _("The meeting's approval is recorded."))
            return redirect("savings:allocation_detail", run.pk)
    return _allocation_page(request, run, approve_form=form)


@require_POST
@role_required(permissions.may_keep_books)
def allocation_post(request, pk):
    run = _run(request, pk)
    form = AllocationPostForm(request.POST)
    if form.is_valid():
        posted = record_once(
            request,
            form,
            f"allocation_post:{run.pk}",
            lambda: post_allocation(run=run, on=form.cleaned_data["on"], by=request.user),
        )
        if posted is not None:
            messages.success(
                request,
                _(
                    "The year is closed and its profit allocated: members' shares are in their "
                    "deposits."
                ),
            )
            return redirect("savings:allocation_detail", run.pk)
    return _allocation_page(request, run, post_form=form)


def allocation_export_of(sheet: selectors_books.AllocationSheet) -> Export:
    run = sheet.run
    late = _("No refund: late instalment")
    return Export(
        filename=_("allocation-%(year)s") % {"year": run.year_end.year + 543},
        columns=[
            Column(_("Member number"), lambda row: row.line.saver.member_number, "int"),
            Column(_("Name"), lambda row: row.line.saver.person.full_name),
            Column(_("District"), lambda row: row.line.saver.district.name),
            Column(_("Unit-months"), lambda row: row.line.unit_months, "decimal"),
            Column(_("Dividend"), lambda row: row.line.dividend, "decimal"),
            Column(_("Loan interest paid"), lambda row: row.line.interest_paid, "decimal"),
            Column(_("Refund"), lambda row: row.line.refund, "decimal"),
            Column(_("Total"), lambda row: row.line.total, "decimal"),
            Column(_("Note"), lambda row: late if row.late else ""),
        ],
        rows=sheet.lines,
    )


@require_safe
@role_required(permissions.may_see_books)
def allocation_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    sheet = selectors_books.allocation_sheet(_run(request, pk))
    return export_response(request, allocation_export_of(sheet), fmt)


# --- The policy -------------------------------------------------------------------------------


@require_safe
def policy(request):
    today = timezone.localdate()
    versions = list(selectors_books.policy_versions())
    current = next((v for v in versions if v.effective_from <= today), None)
    return render(
        request,
        "savings/books/policy.html",
        {
            "current": current,
            "upcoming": [v for v in versions if v.effective_from > today][::-1],
            "earlier": [v for v in versions if v.effective_from <= today and v != current],
            "cap_month": LEGAL_MONTHLY_RATE_CAP,
            "cap_year": LEGAL_MONTHLY_RATE_CAP * 12,
            "today": today,
        },
    )
