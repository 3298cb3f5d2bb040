"""Money at the monthly meeting: the collection sheet of a district, one member's pledged
savings, deposit or withdrawal, the second approval of large withdrawals, collectors'
cash handed over, and the receipts and payment vouchers that leave on paper.

Views glue: scoped fetch → form → service (once per one-time key) → message → redirect.
Reading follows the district scoping; recording needs `may_record` for the district,
second approvals `may_approve`, handovers `may_keep_books`.
"""

import uuid
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from otop_portal.lib.exports import export_response
from otop_portal.lib.money import format_baht
from otop_portal.lib.scoping import get_for_user, role_required
from savings import permissions
from savings.forms_money import (
    HandoverForm,
    PaymentForm,
    SheetChoiceForm,
    SheetForm,
    WithdrawalDecideForm,
    WithdrawalFilterForm,
    field_name,
    posted_members,
    sheet_districts,
)
from savings.models import Document, JournalEntry, Withdrawal, WithdrawalStatus
from savings.selectors_money import (
    collectors_holding,
    document_lines,
    handovers,
    month_from,
    month_label,
    month_param,
    printed_document,
    savers_visible,
    sheet_export_of,
    sheet_summary,
    sheet_totals,
    withdrawals_for,
)
from savings.services import cash
from savings.services.collection import (
    SheetRefused,
    arrears_of,
    collection_sheet,
    sheet_record,
    sheet_savers,
)
from savings.services.once import recorded
from savings.services.savers import month_of, pledge_units, policy_on
from savings.views.common import paper, record_once, saver_for

PAGE_SIZE = 25
SHEET_PAGE = 50  # members on a page of the collection sheet


def _posted(request):
    return request.POST if request.method == "POST" else None


def _page(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- The collection sheet -----------------------------------------------------------------------


@require_safe
def sheet(request):
    """Choose a district and a month; the sheet has its own address."""
    form = SheetChoiceForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        return redirect(
            "savings:sheet_district",
            code=form.cleaned_data["district"].code,
            month=month_param(form.chosen_month()),
        )
    return render(request, "savings/money/sheet_choose.html", {"form": form})


def _sheet_of(request, code: str, month: str):
    """The district (404 outside the user's reach) and the month of a sheet's URL."""
    first = month_from(month)
    if first is None:
        raise Http404
    return get_for_user(request, sheet_districts(request.user), code=code), first


@dataclass(frozen=True)
class SheetLine:
    """A member's row as the page shows it: the sheet's figures, what was typed, and
    the messages of a refused post at each input."""

    row: object
    pledged: str = ""
    deposit: str = ""
    pledged_errors: tuple = ()
    deposit_errors: tuple = ()

    @property
    def errors(self) -> list:
        return [*self.pledged_errors, *self.deposit_errors]


def _lines(rows, form) -> list[SheetLine]:
    if form is None or not form.is_bound:
        return [SheetLine(row) for row in rows]
    lines = []
    for row in rows:
        pledged, deposit = (field_name(part, row.saver.pk) for part in ("pledged", "deposit"))
        lines.append(
            SheetLine(
                row,
                form.data.get(pledged, ""),
                form.data.get(deposit, ""),
                tuple(form.errors.get(pledged, ())),
                tuple(form.errors.get(deposit, ())),
            )
        )
    return lines


def _sheet_refusal(refused: SheetRefused) -> ValidationError:
    """The service's refusals at each member's inputs; a closed date at the date."""
    errors: dict[str, list] = {}
    for saver, parts in refused.parts.items():
        for part, error in parts.items():
            if hasattr(error, "error_dict") and "on" in error.error_dict:
                for message in error.message_dict["on"]:
                    if message not in errors.setdefault("on", []):
                        errors["on"].append(message)
            else:
                errors[field_name(part, saver.pk)] = error.messages
    return ValidationError(errors)


def _record_sheet(form: SheetForm, by):
    try:
        return sheet_record(rows=form.payments(), on=form.cleaned_data["on"], by=by)
    except SheetRefused as refused:
        raise _sheet_refusal(refused) from refused


def _summary(request, action: str, rows):
    """The outcome of the sheet just recorded (?done=<its one-time key>), or None."""
    try:
        key = uuid.UUID(request.GET.get("done", ""))
    except ValueError:
        return None
    entries = recorded(key=key, action=action, by=request.user)
    if not entries:
        return None
    summary = sheet_summary(entries if isinstance(entries, list) else [entries])
    savers = {row.saver.pk: row.saver for row in rows}
    return {
        "summary": summary,
        "receipts": [(receipt, savers.get(receipt.saver_id)) for receipt in summary.receipts],
    }


@require_http_methods(["GET", "POST"])
def sheet_district(request, code, month):
    """The sheet SHEET_PAGE members at a time (a district of 2,000 members is forty
    pages), each page recorded on its own. A post is read against the members it
    names, whatever page they are on now."""
    district, first = _sheet_of(request, code, month)
    may_record = permissions.may_record(request.user, district.code)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    page = Paginator(sheet_savers(district).values_list("pk", flat=True), SHEET_PAGE).get_page(
        request.GET.get("page")
    )
    rows = collection_sheet(district, first, only=list(page))
    form = None
    if may_record:
        posted = _posted(request)
        named = collection_sheet(district, first, only=posted_members(posted)) if posted else rows
        form = SheetForm(posted, rows=named, month=first)
    action = f"sheet:{district.code}:{month_param(first)}"
    if request.method == "POST" and form.is_valid():
        entries = record_once(request, form, action, lambda: _record_sheet(form, request.user))
        if entries is not None:
            url = reverse("savings:sheet_district", kwargs={"code": code, "month": month})
            at = f"page={page.number}&" if page.number > 1 else ""
            return redirect(f"{url}?{at}done={form.cleaned_data['key']}")
    lines = _lines(rows, form)
    return render(
        request,
        "savings/money/sheet.html",
        {
            "district": district,
            "month": first,
            "month_label": month_label(first),
            "month_param": month_param(first),
            "previous": month_param(first - relativedelta(months=1)),
            "next": month_param(first + relativedelta(months=1)),
            "lines": lines,
            "faults": [line for line in _lines(form.rows, form) if line.errors] if form else [],
            "totals": sheet_totals(rows),
            "page": page,
            "form": form,
            "done": _summary(request, action, rows),
        },
    )


@require_safe
def sheet_print(request, code, month):
    """The sheet on paper for the meeting: blank columns to fill in and sign."""
    district, first = _sheet_of(request, code, month)
    rows = collection_sheet(district, first)
    return render(
        request,
        "savings/money/sheet_print.html",
        {
            "district": district,
            "month_label": month_label(first),
            "month_param": month_param(first),
            "rows": rows,
            "totals": sheet_totals(rows),
            "paper": paper(request),
            "back": reverse(
                "savings:sheet_district", kwargs={"code": district.code, "month": month}
            ),
        },
    )


@require_safe
def sheet_export(request, code, month, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    district, first = _sheet_of(request, code, month)
    rows = collection_sheet(district, first)
    return export_response(request, sheet_export_of(district, first, rows), fmt)


# --- One member's money -------------------------------------------------------------------------


def _pledge_facts(saver, today):
    units = pledge_units(saver, month_of(today))
    return [
        (_("Units pledged a month"), str(units)),
        (_("Pledged this month"), format_baht(units * policy_on(today).unit_value)),
        (_("Arrears from earlier months"), format_baht(arrears_of(saver, today))),
        (_("Pledged savings so far"), format_baht(saver.account.pledged)),
    ]


def _deposit_facts(saver, today):
    return [
        (_("Deposits"), format_baht(saver.account.deposits)),
        (_("Smallest balance kept"), format_baht(policy_on(today).deposit_min_balance)),
    ]


def _withdraw_facts(saver, today):
    account = saver.account
    return [
        (_("Deposits"), format_baht(account.deposits)),
        (_("On hold for guarantees and withdrawals"), format_baht(account.held)),
        (_("Can be withdrawn"), format_baht(account.withdrawable)),
        (
            _("A second approver is needed above"),
            format_baht(policy_on(today).withdrawal_approval_over),
        ),
    ]


@dataclass(frozen=True)
class MemberMoney:
    title: str
    button: str
    service: object
    facts: object


def _kinds():
    return {
        "pledge_pay": MemberMoney(
            _("Pledged savings paid"),
            _("Record and print the receipt"),
            cash.pledge_pay,
            _pledge_facts,
        ),
        "deposit": MemberMoney(
            _("Deposit"), _("Record and print the receipt"), cash.deposit, _deposit_facts
        ),
        "withdraw": MemberMoney(
            _("Withdrawal of deposits"), _("Record the withdrawal"), cash.withdraw, _withdraw_facts
        ),
    }


def _after(request, kind: str, saver, result, amount):
    number = saver.member_number
    if kind != "withdraw":
        messages.success(
            request,
            _("Recorded %(amount)s from member %(number)s: receipt %(document)s.")
            % {
                "amount": format_baht(amount),
                "number": number,
                "document": result.document_number,
            },
        )
        return redirect("savings:receipt", pk=result.pk)
    if result.status == WithdrawalStatus.PENDING:
        messages.info(
            request,
            _(
                "The withdrawal of %(amount)s waits for a second approver; the amount is "
                "held on member %(number)s's balance until then."
            )
            % {"amount": format_baht(result.amount), "number": number},
        )
        return redirect("savings:saver_detail", pk=saver.pk)
    messages.success(
        request,
        _("Paid %(amount)s to member %(number)s: payment voucher %(document)s.")
        % {
            "amount": format_baht(result.amount),
            "number": number,
            "document": result.entry.document_number,
        },
    )
    return redirect("savings:voucher", pk=result.entry_id)


def _member_money(request, pk, kind: str):
    saver = saver_for(request, pk, for_write=True)
    spec = _kinds()[kind]
    form = PaymentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = record_once(
            request,
            form,
            f"{kind}:{saver.pk}",
            lambda: spec.service(
                saver=saver, amount=data["amount"], on=data["on"], by=request.user
            ),
        )
        if result is not None:
            return _after(request, kind, saver, result, data["amount"])
    return render(
        request,
        "savings/money/payment.html",
        {
            "saver": saver,
            "form": form,
            "kind": kind,
            "spec": spec,
            "facts": spec.facts(saver, timezone.localdate()),
        },
    )


@require_http_methods(["GET", "POST"])
def pledge_pay(request, pk):
    return _member_money(request, pk, "pledge_pay")


@require_http_methods(["GET", "POST"])
def deposit(request, pk):
    return _member_money(request, pk, "deposit")


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    return _member_money(request, pk, "withdraw")


# --- Withdrawals waiting for a second approver ----------------------------------------------------


@require_safe
def withdrawal_list(request):
    form = WithdrawalFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page, query = _page(request, withdrawals_for(request.user, status))
    return render(
        request,
        "savings/money/withdrawal_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "may_approve": permissions.may_approve(request.user),
        },
    )


def _decide(request, withdrawal: Withdrawal, form: WithdrawalDecideForm):
    data = form.cleaned_data
    return record_once(
        request,
        form,
        f"withdrawal_decide:{withdrawal.pk}",
        lambda: cash.withdrawal_decide(
            withdrawal=withdrawal,
            approve=form.approves,
            by=request.user,
            note=data["decision_note"],
            # the payout's date; a refusal keeps the date the withdrawal was asked
            on=data["on"] if form.approves else None,
        ),
    )


@require_http_methods(["GET", "POST"])
def withdrawal_decide(request, pk):
    withdrawal = get_for_user(
        request,
        Withdrawal.objects.select_related(
            "saver__person", "saver__district", "saver__account", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    if not permissions.may_approve(request.user):
        raise PermissionDenied
    form = WithdrawalDecideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        decided = _decide(request, withdrawal, form)
        if decided is not None and decided.status == WithdrawalStatus.PAID:
            messages.success(
                request,
                _("Approved and paid out: payment voucher %(document)s.")
                % {"document": decided.entry.document_number},
            )
            return redirect("savings:voucher", pk=decided.entry_id)
        if decided is not None:
            messages.success(request, _("The withdrawal was not approved; its hold is released."))
            return redirect("savings:withdrawal_list")
    return render(
        request,
        "savings/money/withdrawal_decide.html",
        {
            "withdrawal": withdrawal,
            "form": form,
            "pending": withdrawal.status == WithdrawalStatus.PENDING,
            "own": withdrawal.requested_by_id == request.user.pk,
        },
    )


# --- Collectors' cash ---------------------------------------------------------------------------


def _handover_initial(request) -> dict:
    initial = {}
    for name in ("collector", "amount"):
        value = request.GET.get(name, "")
        if value.replace(".", "", 1).isdigit():
            initial[name] = value
    return initial


@require_http_methods(["GET", "POST"])
@role_required(permissions.may_keep_books)
def handover(request):
    form = HandoverForm(_posted(request), initial=_handover_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = record_once(
            request,
            form,
            "handover",
            lambda: cash.handover(
                collector=data["collector"], amount=data["amount"], on=data["on"], by=request.user
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("Recorded: %(collector)s handed over %(amount)s (%(number)s).")
                % {
                    "collector": data["collector"],
                    "amount": format_baht(data["amount"]),
                    "number": entry.number,
                },
            )
            return redirect("savings:handover")
    page, query = _page(request, handovers())
    return render(
        request,
        "savings/money/handover.html",
        {"form": form, "holding": list(collectors_holding()), "page": page, "query": query},
    )


# --- Receipts and payment vouchers --------------------------------------------------------------


def _document(request, pk, document: str):
    """A receipt or voucher: for those who see the group's books (its journal shows the
    same entries), else 404 unless the user sees every member it names; the group's own
    documents (naming no member) only for those who see the books."""
    entry = get_object_or_404(
        JournalEntry.objects.for_user(request.user).select_related("created_by", "approved_by"),
        pk=pk,
        document=document,
    )
    lines = document_lines(entry)
    if permissions.may_see_books(request.user):
        return printed_document(entry, lines)
    visible = savers_visible(request.user, lines)
    if visible is False:
        raise Http404
    if visible is None and not permissions.may_see_books(request.user):
        raise PermissionDenied
    return printed_document(entry, lines)


def _render_document(request, pk, document: str):
    printed = _document(request, pk, document)
    back = (
        reverse("savings:saver_detail", kwargs={"pk": printed.saver.pk})
        if printed.saver
        else reverse("savings:index")
    )
    return render(
        request,
        "savings/money/document.html",
        {"doc": printed, "entry": printed.entry, "paper": paper(request), "back": back},
    )


@require_safe
def receipt(request, pk):
    return _render_document(request, pk, Document.RECEIPT)


@require_safe
def voucher(request, pk):
    return _render_document(request, pk, Document.VOUCHER)
