"""Forms of the pages after the draw: they read what is typed (amounts, a reason, a
booth, a day); the services decide whether the fair's rules allow it. Every choice of
a holding or an application is scoped to the user's reach."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairs.models import (
    Application,
    Booth,
    FairCategory,
    Holding,
    HoldingState,
    PaymentMethod,
)
from fairs.selectors_after import CURRENT_STATES
from fairs.services.setup import province_districts
from otop_portal.lib.money import format_baht

REASON_HELP = gettext_lazy("Recorded with the change and shown in the booth's history.")


def reason_field(label=None, help_text=REASON_HELP) -> forms.CharField:
    return forms.CharField(
        label=label or gettext_lazy("Reason"),
        max_length=300,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def parse_baht(text: str) -> Decimal:
    """An amount as typed: "1,500", "1500.50", " 20 ". Refuses anything but a plain
    number with at most two decimals (ValidationError with a message)."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount in baht, e.g. 1500 or 1,500.50.")) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount in baht, e.g. 1500 or 1,500.50."))
    if amount.as_tuple().exponent < -2:
        raise ValidationError(_("Use at most two decimals (satang)."))
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError(_("This amount is too large."))
    return amount


class BahtField(forms.CharField):
    """A money amount typed in baht, with or without thousands separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_baht(value)


# --- Filters ---------------------------------------------------------------------------


class HoldingFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    district = forms.ModelChoiceField(
        label=gettext_lazy("District"),
        queryset=province_districts(),
        required=False,
        empty_label=gettext_lazy("All districts"),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states"))] + [
            (s.value, s.label) for s in CURRENT_STATES
        ]
        self.fields["category"].choices = [("", _("All categories")), *FairCategory.choices]
        if not user.sees_all_districts:
            del self.fields["district"]

    def chosen(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "state": self.cleaned_data.get("state") or "",
            "district": self.cleaned_data.get("district"),
            "category": self.cleaned_data.get("category") or "",
        }


# --- One holding -----------------------------------------------------------------------


class PaymentForm(forms.Form):
    amount = BahtField(label=gettext_lazy("Amount (baht)"))
    method = forms.ChoiceField(
        label=gettext_lazy("Paid by"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    reference = forms.CharField(
        label=gettext_lazy("Slip or receipt reference"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The transfer slip's reference or the receipt number."),
    )

    def __init__(self, *args, due: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and due > 0:
            self.initial.setdefault("amount", f"{due:.2f}")
        self.fields["amount"].help_text = _("Still due: %(due)s.") % {"due": format_baht(due)}


class ReasonForm(forms.Form):
    reason = reason_field()


class BoothChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, booth: Booth) -> str:
        parts = [
            booth.code,
            _("zone %(zone)s") % {"zone": booth.zone},
            str(booth.booth_type.name),
            _("fee %(fee)s") % {"fee": format_baht(booth.booth_type.fee)},
        ]
        return " · ".join(parts)


class MoveForm(forms.Form):
    booth = BoothChoiceField(label=gettext_lazy("Move to booth"), queryset=Booth.objects.none())
    reason = reason_field()

    def __init__(self, *args, booths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = booths


class HoldingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, holding: Holding) -> str:
        application = holding.application
        return _("%(booth)s · #%(number)s %(producer)s (%(district)s) · %(state)s") % {
            "booth": holding.booth.code,
            "number": application.number,
            "producer": application.producer.name,
            "district": application.district.name,
            "state": HoldingState(holding.state()).label,
        }


class SwapForm(forms.Form):
    other = HoldingChoiceField(
        label=gettext_lazy("Swap with the holder of"), queryset=Holding.objects.none()
    )
    reason = reason_field()

    def __init__(self, *args, holdings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = holdings


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, application: Application) -> str:
        return _("#%(number)s %(producer)s · %(district)s · %(category)s") % {
            "number": application.number,
            "producer": application.producer.name,
            "district": application.district.name,
            "category": application.get_category_display(),
        }


class GiveForm(forms.Form):
    application = ApplicationChoiceField(
        label=gettext_lazy("Application"),
        queryset=Application.objects.none(),
        help_text=gettext_lazy("Eligible applications of this fair that hold no booth now."),
    )
    booth = BoothChoiceField(label=gettext_lazy("Free booth"), queryset=Booth.objects.none())
    reason = reason_field(
        help_text=gettext_lazy(
            "E.g. the producer's offer lapsed and they came back, or the waitlist is empty."
        )
    )

    def __init__(self, *args, applications, booths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["booth"].queryset = booths

    def clean(self):
        cleaned = super().clean()
        application, booth = cleaned.get("application"), cleaned.get("booth")
        if application and booth and application.booth_type_id != booth.booth_type_id:
            self.add_error(
                "booth",
                _("This application asked for a %(wanted)s booth.")
                % {"wanted": application.booth_type.name},
            )
        return cleaned


# --- Fair days -------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    holding = forms.ModelChoiceField(queryset=Holding.objects.none(), widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    present = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("Present")), ("0", gettext_lazy("Absent"))],
        coerce=lambda value: value == "1",
    )

    def __init__(self, *args, holdings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holding"].queryset = holdings


def sales_field_name(holding: Holding) -> str:
    return f"amount-{holding.pk}"


class SalesSheetForm(forms.Form):
    """One amount per confirmed booth of the day; a blank amount is left as it is.
    `rows` are selectors_after.SalesRow."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            initial = row.recorded.amount if row.recorded else None
            self.fields[sales_field_name(row.holding)] = BahtField(
                label=row.holding.booth.code,
                required=False,
                initial=f"{initial:.2f}" if initial is not None else None,
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            name = sales_field_name(row.holding)
            amount = cleaned.get(name)
            if amount is not None and amount < 0:
                self.add_error(name, _("Sales cannot be negative."))
        if not self.errors and not self.entered():
            raise ValidationError(_("Type at least one booth's sales."))
        return cleaned

    def entered(self) -> list[tuple]:
        """[(row, amount)] for every amount typed."""
        return [
            (row, self.cleaned_data[sales_field_name(row.holding)])
            for row in self.rows
            if self.cleaned_data.get(sales_field_name(row.holding)) is not None
        ]

    def bad_rows(self) -> list[tuple]:
        """[(row, messages)] of the rows whose amount was refused."""
        return [
            (row, self.errors[sales_field_name(row.holding)])
            for row in self.rows
            if sales_field_name(row.holding) in self.errors
        ]
