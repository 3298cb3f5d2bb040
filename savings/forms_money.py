"""Money forms: they read what is typed (amounts in baht and satang, B.E. dates); the
services decide whether the group's rules allow it. Every form that moves money is a
OnceForm (its one-time key posts once)."""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import District
from otop_portal.lib.language import reads_english
from otop_portal.lib.money import format_baht
from otop_portal.lib.thaidate import (
    BE_OFFSET,
    BE_YEAR_MAX,
    BE_YEAR_MIN,
    CE_LOOKALIKE_MAX,
    CE_LOOKALIKE_MIN,
    CE_YEAR_MESSAGE,
    ENGLISH_MONTHS,
    THAI_MONTHS,
    YEAR_RANGE_MESSAGE,
    BEDateField,
)
from savings.models import WithdrawalStatus
from savings.selectors_money import collectors_holding, month_label
from savings.views.common import OnceForm

SATANG = Decimal("0.01")
PARTS = ("pledged", "deposit")


AMOUNT = gettext_lazy("Amount (baht)")
DATE = gettext_lazy("Date")


def amount_field(label=AMOUNT, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=SATANG,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def date_field(label=DATE) -> BEDateField:
    return BEDateField(label=label, initial=timezone.localdate)


# --- The collection sheet -------------------------------------------------------------------------


def sheet_districts(user):
    """Districts of the province in the user's reach: their own, or all of them."""
    return (
        District.objects.for_user(user)
        .filter(province_id=settings.PORTAL_PROVINCE_CODE)
        .order_by("code")
    )


class SheetChoiceForm(forms.Form):
    """Which sheet: a district and a month (its B.E. year)."""

    district = forms.ModelChoiceField(
        queryset=District.objects.none(), label=gettext_lazy("District")
    )
    month = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Month"))
    year = forms.IntegerField(
        label=gettext_lazy("Year (B.E.)"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = sheet_districts(user)
        self.fields["month"].choices = self._months()
        today = timezone.localdate()
        self.initial.setdefault("district", user.district_id)
        self.initial.setdefault("month", today.month)
        self.initial.setdefault("year", today.year + BE_OFFSET)

    @staticmethod
    def _months():
        names = ENGLISH_MONTHS if reads_english() else THAI_MONTHS
        return [(number, name) for number, name in enumerate(names, start=1)]

    def clean_year(self):
        """A B.E. year; one that looks like C.E. gets the B.E. year proposed."""
        year = self.cleaned_data["year"]
        if CE_LOOKALIKE_MIN <= year <= CE_LOOKALIKE_MAX:
            raise forms.ValidationError(
                CE_YEAR_MESSAGE, params={"year": year, "be_year": year + BE_OFFSET}
            )
        if not BE_YEAR_MIN <= year <= BE_YEAR_MAX:
            raise forms.ValidationError(YEAR_RANGE_MESSAGE, params={"year": year})
        return year

    def chosen_month(self) -> date:
        return date(self.cleaned_data["year"] - BE_OFFSET, self.cleaned_data["month"], 1)


def sheet_date(month: date, today: date) -> date:
    """The meeting's date a sheet proposes: today when it is in the month, else the
    month's nearest day."""
    last = month + relativedelta(months=1, days=-1)
    return min(max(today, month), last)


def field_name(part: str, saver_pk: int) -> str:
    return f"{part}-{saver_pk}"


def posted_members(data) -> set[int]:
    """The keys of the members a posted sheet names (its field_name inputs)."""
    found = set()
    for name in data:
        part, _dash, key = name.partition("-")
        if part in PARTS and key.isdigit():
            found.add(int(key))
    return found


class SheetForm(OnceForm):
    """The whole sheet in one post: the meeting's date, and for each member the pledged
    savings and the deposit paid (blank for none)."""

    on = BEDateField(label=gettext_lazy("Date of the meeting"))

    def __init__(self, *args, rows, month: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.month = rows, month
        self.initial.setdefault("on", sheet_date(month, timezone.localdate()))
        if self.is_bound:
            # Fields per member are only needed to read a post: a sheet of 2,000
            # members is shown without building 4,000 fields.
            for row in rows:
                number = row.saver.member_number
                self.fields[field_name("pledged", row.saver.pk)] = amount_field(
                    _("Pledged savings of member %(number)s") % {"number": number},
                    required=False,
                )
                self.fields[field_name("deposit", row.saver.pk)] = amount_field(
                    _("Deposit of member %(number)s") % {"number": number}, required=False
                )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on.replace(day=1) != self.month:
            raise forms.ValidationError(
                _("Give a date in %(month)s: this is its sheet.")
                % {"month": month_label(self.month)}
            )
        return on

    def clean(self):
        data = super().clean()
        on_sheet = {str(row.saver.pk) for row in self.rows}
        strangers = {
            name.partition("-")[2]
            for name, value in self.data.items()
            if name.partition("-")[0] in PARTS
            and name.partition("-")[2] not in on_sheet
            and str(value).strip()
        }
        if strangers:
            raise forms.ValidationError(
                _(
                    "Some amounts are for people no longer on this sheet (they left or "
                    "moved). Nothing was recorded: open the sheet again."
                )
            )
        if not self.errors and not self.payments():
            raise forms.ValidationError(_("Enter at least one amount."))
        return data

    def payments(self) -> dict:
        """{saver: (pledged, deposit)} of the members with an amount."""
        found = {}
        for row in self.rows:
            pledged = self.cleaned_data.get(field_name("pledged", row.saver.pk))
            deposit = self.cleaned_data.get(field_name("deposit", row.saver.pk))
            if pledged or deposit:
                found[row.saver] = (pledged or Decimal("0"), deposit or Decimal("0"))
        return found

    def payload(self) -> dict:
        """The amounts typed (blank rows left out, so the same sheet posted again
        matches even if a member joined meanwhile)."""
        return {name: value for name, value in super().payload().items() if value is not None}


# --- One member's money -------------------------------------------------------------------------


class PaymentForm(OnceForm):
    """Pledged savings paid, a deposit or a withdrawal of one member."""

    amount = amount_field()
    on = date_field()


class WithdrawalDecideForm(OnceForm):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (APPROVE, gettext_lazy("Approve and pay out")),
            (REJECT, gettext_lazy("Do not approve")),
        ],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Needed when the withdrawal is not approved."),
    )
    on = date_field(gettext_lazy("Date paid out"))

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


# --- Collectors' cash ---------------------------------------------------------------------------


class CollectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        district = user.district.name if user.district else _("all districts")
        return f"{user} ({district}): {format_baht(user.held)}"


class HandoverForm(OnceForm):
    collector = CollectorChoiceField(
        queryset=collectors_holding(), label=gettext_lazy("Collector"), empty_label=None
    )
    amount = amount_field()
    on = date_field()


class WithdrawalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *WithdrawalStatus.choices],
    )
