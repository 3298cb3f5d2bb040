"""Forms of the savers pages: they read what is asked; the services decide whether the
group's rules allow it (and say why not)."""

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import District
from otop_portal.lib.thaidate import BEDateField
from savings.models import LEFT, GroupPolicy, Saver, SaverStatus
from savings.selectors_savers import search_savers
from savings.services.savers import MAX_BENEFICIARIES, BeneficiaryData
from savings.views.common import OnceForm

# --- The register -----------------------------------------------------------------------------


class SaverFilter(django_filters.FilterSet):
    """Finding savers: by name or member number, district (for those who see every
    district) and status. One definition for the page and its export."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        max_length=100,
        help_text=gettext_lazy("Name or member number"),
    )
    district = django_filters.ModelChoiceFilter(
        label=gettext_lazy("District"),
        queryset=District.objects.none(),
        empty_label=gettext_lazy("All districts"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=SaverStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )

    class Meta:
        model = Saver
        fields = ["q", "district", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from members.selectors import districts_for

        self.filters["district"].queryset = districts_for(user)
        if not user.sees_all_districts:
            del self.filters["district"]

    def search(self, queryset, name, value):
        return search_savers(queryset, value)


# --- The application (form อทผ-01) -----------------------------------------------------------


class ApplyForm(forms.ModelForm):
    """The application's details that the Saver model holds, the pledge and the date."""

    applied_on = BEDateField(label=gettext_lazy("Applied on"))
    units = forms.IntegerField(label=gettext_lazy("Pledged units a month"), min_value=1)

    class Meta:
        model = Saver
        fields = [
            "marital_status",
            "spouse_member_number",
            "occupation",
            "other_occupation",
            "monthly_income",
            "other_memberships",
            "witness_1",
            "witness_2",
        ]

    def __init__(self, *args, policy: GroupPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].help_text = _(
            "%(unit)s baht a unit; from %(least)s to %(most)s units a month."
        ) % {
            "unit": f"{policy.unit_value:,.2f}",
            "least": policy.min_units,
            "most": policy.max_units,
        }
        self.fields["witness_1"].help_text = _("Witnesses of the nomination of beneficiaries.")
        order = ["applied_on", "units", *self.Meta.fields]
        self.order_fields(order)

    def details(self) -> dict:
        """The keyword arguments of `saver_apply` this form gives."""
        data = self.cleaned_data
        details = {name: data[name] for name in self.Meta.fields}
        return {"applied_on": data["applied_on"], "units": data["units"], **details}


class BeneficiaryForm(forms.Form):
    """One beneficiary (form อทผ-01-2); a row left empty names nobody."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    relationship = forms.CharField(
        label=gettext_lazy("Relationship"), max_length=50, required=False
    )
    share_pct = forms.DecimalField(
        label=gettext_lazy("Share, %"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        filled = data.get("name") or data.get("relationship") or data.get("share_pct")
        if filled:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Give the beneficiary's name."))
            if data.get("share_pct") is None and "share_pct" not in self.errors:
                self.add_error("share_pct", _("Give the beneficiary's share."))
        return data

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("relationship") or data.get("share_pct"))


class BaseBeneficiaryFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = self.beneficiaries()
        total = sum((row.share_pct for row in rows), Decimal("0"))
        if rows and total != 100:
            raise forms.ValidationError(
                _("The beneficiaries' shares must add up to 100 %% (now %(total)s %%).")
                % {"total": total}
            )

    def beneficiaries(self) -> list[BeneficiaryData]:
        return [
            BeneficiaryData(
                name=form.cleaned_data["name"].strip(),
                relationship=form.cleaned_data["relationship"].strip(),
                share_pct=form.cleaned_data["share_pct"],
            )
            for form in self.forms
            if form.cleaned_data and not form.is_blank
        ]


BeneficiaryFormSet = forms.formset_factory(
    BeneficiaryForm,
    formset=BaseBeneficiaryFormSet,
    extra=MAX_BENEFICIARIES,
    max_num=MAX_BENEFICIARIES,
    absolute_max=MAX_BENEFICIARIES,
    validate_max=True,
)


def beneficiary_formset(data=None, *, saver: Saver | None = None):
    """Three rows, filled with the saver's current beneficiaries."""
    initial = []
    if saver is not None:
        initial = [
            {"name": b.name, "relationship": b.relationship, "share_pct": b.share_pct}
            for b in saver.beneficiaries.order_by("pk")
        ]
    formset = BeneficiaryFormSet(data, initial=initial, prefix="beneficiary")
    formset.extra = MAX_BENEFICIARIES - len(initial)
    return formset


class WitnessForm(forms.Form):
    witness_1 = forms.CharField(label=gettext_lazy("First witness"), max_length=150, required=False)
    witness_2 = forms.CharField(
        label=gettext_lazy("Second witness"), max_length=150, required=False
    )


# --- Decisions and changes --------------------------------------------------------------------

ADMIT, REJECT = "admit", "reject"


class DecideForm(OnceForm):
    """The committee's decision; admitting takes the entry fee, hence a money form."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(ADMIT, gettext_lazy("Admit")), (REJECT, gettext_lazy("Do not admit"))],
        widget=forms.RadioSelect,
    )
    decided_on = BEDateField(label=gettext_lazy("Meeting date"))
    meeting_number = forms.CharField(
        label=gettext_lazy("Meeting number"),
        max_length=50,
        help_text=gettext_lazy("e.g. 3/2568"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Needed when the application is not admitted: say why."),
    )
    fee_paid = forms.BooleanField(
        label=gettext_lazy("The entry fee is paid now (a receipt is issued)"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the application is refused."))
        return data


class PledgeForm(forms.Form):
    units = forms.IntegerField(label=gettext_lazy("Units a month"), min_value=1)
    from_month = BEDateField(
        label=gettext_lazy("From the month of"),
        help_text=gettext_lazy("Any day of the month, dd/mm/yyyy B.E."),
    )


class LeaveForm(OnceForm):
    """Leaving pays the savings out: a money form."""

    status = forms.ChoiceField(
        label=gettext_lazy("Why the membership ends"),
        choices=[(value, label) for value, label in SaverStatus.choices if value in LEFT],
        widget=forms.RadioSelect,
    )
    on = BEDateField(label=gettext_lazy("Date"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("e.g. the resignation letter's date, the death certificate."),
    )


class PeriodForm(forms.Form):
    start = BEDateField(label=gettext_lazy("From"), required=False)
    end = BEDateField(label=gettext_lazy("To"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def period(self):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("start"), self.cleaned_data.get("end")
        return None, None
