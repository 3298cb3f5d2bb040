"""Loan forms: they read what is asked; the loan services decide whether the group's
rules allow it. Every choice of a saver is scoped to the user's district."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import District
from otop_portal.lib.thaidate import BEDateField
from savings import loanmath, permissions
from savings.models import Account, LoanStatus, LoanType, Saver
from savings.services.savers import policy_on
from savings.views.common import OnceForm

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}
GUARANTOR_FIELDS = ("guarantor_1", "guarantor_2", "guarantor_3")


class SaverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, saver):
        number = f"{saver.member_number:04d} " if saver.member_number else ""
        return f"{number}{saver.person} ({saver.district.name})"


def members_for(user):
    """Members of the group the user's pages may name (their district's, or all)."""
    return (
        Saver.objects.for_user(user)
        .active()
        .select_related("person", "district")
        .order_by("member_number", "pk")
    )


def _money(label, **kwargs):
    return forms.DecimalField(label=label, **MONEY_FIELD, **kwargs)


class LoanApplyForm(OnceForm):
    saver = SaverChoiceField(label=_("Borrowing member"), queryset=Saver.objects.none())
    loan_type = forms.ModelChoiceField(label=_("Loan type"), queryset=LoanType.objects.none())
    amount = _money(_("Amount (baht)"))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=120)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("For example: buying cotton yarn for 200 scarves."),
    )
    guarantor_1 = SaverChoiceField(
        label=_("First guarantor"), required=False, queryset=Saver.objects.none()
    )
    guarantor_2 = SaverChoiceField(
        label=_("Second guarantor"), required=False, queryset=Saver.objects.none()
    )
    guarantor_3 = SaverChoiceField(
        label=_("Third guarantor"), required=False, queryset=Saver.objects.none()
    )
    applied_on = BEDateField(label=_("Applied on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        members = members_for(user)
        # a borrower must be of a district the user records for
        self.fields["saver"].queryset = members
        # guarantors come from the borrower's district (once the borrower is known)
        borrower = self.data.get("saver") if self.is_bound else self.initial.get("saver")
        borrower = getattr(borrower, "pk", borrower)
        try:
            borrower = int(borrower) if borrower else None
        except (TypeError, ValueError):
            borrower = None  # the saver field reports it
        district = members.filter(pk=borrower).values("district_id")[:1] if borrower else None
        for name in GUARANTOR_FIELDS:
            self.fields[name].queryset = (
                members.filter(district_id__in=district) if district is not None else members
            )
            self.fields[name].empty_label = _("— none —")
        today = timezone.localdate()
        self.fields["loan_type"].queryset = LoanType.objects.filter(
            policy=policy_on(today)
        ).order_by("code")
        self.initial.setdefault("applied_on", today)

    def guarantors(self) -> list[Saver]:
        return [self.cleaned_data[name] for name in GUARANTOR_FIELDS if self.cleaned_data.get(name)]

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name in GUARANTOR_FIELDS if data.get(name)]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("Name each guarantor once."))
        return data

    def payload(self) -> dict:
        values = super().payload()
        values["guarantors"] = [g.pk for g in self.guarantors()]
        return values


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Do not approve"))],
        widget=forms.RadioSelect,
    )
    meeting_number = forms.CharField(
        label=_("Meeting"),
        max_length=50,
        required=False,
        help_text=_("The committee meeting that decided, e.g. ครั้งที่ 3/2569."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the loan is not approved: say why."),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the application withdrawn?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisburseForm(OnceForm):
    on = BEDateField(label=_("Paid out on"))
    first_due_on = BEDateField(label=_("First instalment due on"))
    paid_with = forms.ModelChoiceField(
        label=_("Paid from"),
        required=False,
        queryset=Account.objects.none(),
        empty_label=_("Cash"),
        help_text=_("Cash is taken from the cash box (or from your collected cash)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("on", today)
        self.initial.setdefault("first_due_on", loanmath.due_date(today, 1))
        if permissions.may_keep_books(user):
            self.fields["paid_with"].queryset = Account.objects.filter(
                is_bank=True, active=True
            ).order_by("code")
        else:
            del self.fields["paid_with"]


class RepayForm(OnceForm):
    amount = _money(_("Amount paid (baht)"))
    on = BEDateField(label=_("Paid on"))
    from_deposits = forms.BooleanField(
        label=_("Take it from the borrower's deposits"),
        required=False,
        help_text=_("No cash changes hands and no receipt is printed."),
    )

    def __init__(self, *args, deposits: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        if deposits <= 0:
            del self.fields["from_deposits"]


class ReplaceForm(forms.Form):
    guarantor = SaverChoiceField(label=_("New guarantor"), queryset=Saver.objects.none())
    on = BEDateField(label=_("From"))
    reason = forms.CharField(
        label=_("Why does the guarantor change?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, guarantee, **kwargs):
        super().__init__(*args, **kwargs)
        loan = guarantee.loan
        self.fields["guarantor"].queryset = (
            members_for(user)
            .filter(district_id=loan.saver.district_id)
            .exclude(pk=loan.saver_id)
            .exclude(guarantees_given__loan=loan)
        )
        self.initial.setdefault("on", timezone.localdate())


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *LoanStatus.choices]
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.none(),
        empty_label=_("All districts"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.sees_all_districts:
            self.fields["district"].queryset = (
                District.objects.for_user(user)
                .filter(province_id=settings.PORTAL_PROVINCE_CODE)
                .order_by("code")
            )
        else:
            del self.fields["district"]

    def filter(self, loans):
        if not self.is_valid():
            return loans
        data = self.cleaned_data
        if data["status"]:
            loans = loans.filter(status=data["status"])
        if data.get("district"):
            loans = loans.filter(saver__district=data["district"])
        return loans

    @property
    def overdue_only(self) -> bool:
        return self.is_valid() and self.cleaned_data["overdue"]
