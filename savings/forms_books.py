"""Forms of the group's books pages. They read what is asked; the services decide
whether the rules allow it. Every form that moves money carries its one-time key."""

from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.thaidate import BEDateField, format_thai_date
from savings.models import Account, AccountKind, EntryKind, ReversalStatus, Role
from savings.views.common import OnceForm


def month_label(month: date) -> str:
    """พฤศจิกายน 2569 (English: November 2569 BE)."""
    return format_thai_date(month).split(" ", 1)[1]


AMOUNT = _("Amount (baht)")


def amount_field(label=AMOUNT, least=Decimal("0.01")) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=least,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput({"inputmode": "decimal", "step": "0.01", "min": str(least)}),
    )


DATE = _("Date")


def date_field(label=DATE) -> BEDateField:
    return BEDateField(label=label, initial=timezone.localdate)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, account: Account) -> str:
        if account.is_bank:
            bank = " ".join(part for part in (account.bank_name, account.bank_number) if part)
            return f"{account} ({bank})" if bank else str(account)
        return str(account)


def money_accounts():
    """The cash box and the group's bank accounts."""
    return Account.objects.filter(Q(role=Role.CASH) | Q(is_bank=True), active=True).order_by("code")


def _money_account_field(label) -> AccountChoiceField:
    return AccountChoiceField(
        label=label,
        queryset=money_accounts(),
        empty_label=None,
        initial=lambda: Account.objects.filter(role=Role.CASH).values_list("pk", flat=True).first(),
    )


# --- The journal ------------------------------------------------------------------------------


class JournalFilterForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *EntryKind.choices]
    )
    number = forms.CharField(
        label=_("Entry or document number"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"placeholder": _("e.g. JV2569")}),
    )

    def __init__(self, *args, months: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", _("Every month"))] + [
            (f"{month:%Y-%m}", month_label(month)) for month in months
        ]

    def filter(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["month"]:
            year, month = (int(part) for part in data["month"].split("-"))
            entries = entries.filter(on__year=year, on__month=month)
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if number := data["number"].strip():
            entries = entries.filter(
                Q(number__icontains=number) | Q(document_number__icontains=number)
            )
        return entries


# --- The group's own money --------------------------------------------------------------------


class ExpenseForm(OnceForm):
    expense_account = AccountChoiceField(
        label=_("Expense account"),
        queryset=Account.objects.filter(kind=AccountKind.EXPENSE, active=True)
        .exclude(role=Role.DEPOSIT_INTEREST)
        .order_by("code"),
    )
    payee = forms.CharField(label=_("Paid to"), max_length=90)
    memo = forms.CharField(
        label=_("Paid for"), max_length=200, help_text=_("Shown on the payment voucher.")
    )
    amount = amount_field()
    on = date_field()
    paid_with = _money_account_field(_("Paid from"))


class IncomeForm(OnceForm):
    income_account = AccountChoiceField(
        label=_("Income account"),
        queryset=Account.objects.filter(kind=AccountKind.INCOME, active=True)
        .exclude(role__in=[Role.INTEREST, Role.FINES, Role.FEES])
        .order_by("code"),
        help_text=_("Loan interest, fines and entry fees are recorded with the member's money."),
    )
    payer = forms.CharField(label=_("Received from"), max_length=90)
    memo = forms.CharField(
        label=_("Received for"), max_length=200, help_text=_("Shown on the receipt.")
    )
    amount = amount_field()
    on = date_field()
    paid_into = _money_account_field(_("Paid into"))


class TransferForm(OnceForm):
    source = _money_account_field(_("From account"))
    target = _money_account_field(_("To account"))
    amount = amount_field()
    on = date_field()
    memo = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].initial = None


# --- Corrections ------------------------------------------------------------------------------


class ReversalRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should it be reversed?"),
        max_length=300,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("A second committee member reads this before approving."),
    )


APPROVE, REFUSE = "approve", "refuse"


class ReversalDecideForm(OnceForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve: post the reversal")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    on = date_field(_("Date of the reversal"))
    decision_note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Needed when you refuse."),
    )


class ReversalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ReversalStatus.choices]
    )


# --- Closing ----------------------------------------------------------------------------------


class MonthCloseForm(OnceForm):
    month = forms.DateField(widget=forms.HiddenInput)
    cash_counted = amount_field(_("Cash counted (baht)"), least=Decimal("0.00"))
    meeting_number = forms.CharField(
        label=_("Meeting number"), max_length=50, required=False, help_text=_("e.g. 11/2569")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class InterestPeriodForm(forms.Form):
    period_end = forms.ChoiceField(label=_("Half-year ending"))

    def __init__(self, *args, periods: list[tuple[date, object]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_end"].choices = [
            (day.isoformat(), format_thai_date(day)) for day, _entry in periods
        ]

    def chosen(self) -> date | None:
        if self.is_valid():
            return date.fromisoformat(self.cleaned_data["period_end"])
        return None


class InterestPostForm(OnceForm):
    period_end = forms.DateField(widget=forms.HiddenInput)


class AllocationNewForm(forms.Form):
    year_end = forms.DateField(widget=forms.HiddenInput)


class AllocationApproveForm(forms.Form):
    meeting_number = forms.CharField(
        label=_("General meeting"), max_length=50, help_text=_("e.g. 1/2569")
    )
    on = date_field(_("Meeting date"))


class AllocationPostForm(OnceForm):
    on = date_field(_("Date of posting"))
