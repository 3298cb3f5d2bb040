"""Forms of the fair setup pages: the fair, its zones, booth types and booths, and the
draft of the allocation policy.

Each form saves itself whole inside one transaction with the fair's row locked, after
`full_clean()` (so every model constraint answers with its own message): the draw counts
on the fair's zones, booth types and booths, so once the eligible list is frozen
nothing of them changes, and the form says so instead of saving.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairs.models import (
    Booth,
    BoothType,
    Fair,
    FairSeries,
    Policy,
    PolicyQuota,
    Zone,
)
from fairs.models.setup import CODE
from fairs.plan import PALETTE
from fairs.services.common import lock_fair
from fairs.services.setup import check_draft
from otop_portal.lib.thaidate import BEDateField

FROZEN = gettext_lazy(
    "The list is frozen: the draw counts on the fair's zones, booth types and booths, "
    "so they no longer change."
)

MAX_ROW = 200


def open_fair(fair: Fair) -> Fair:
    """The fair's row, locked; refused once its list is frozen."""
    fair = lock_fair(fair)
    if hasattr(fair, "frozen_list"):
        raise ValidationError(FROZEN)
    return fair


def _be_date(label, *, required: bool = True, help_text=None) -> BEDateField:
    kwargs = {"label": label, "required": required}
    if help_text is not None:
        kwargs["help_text"] = help_text
    return BEDateField(**kwargs)


# --- The fair -------------------------------------------------------------------------


class FairForm(forms.ModelForm):
    """A fair: an edition of an existing series, or of a new series named here."""

    series = forms.ModelChoiceField(
        label=gettext_lazy("Fair series"),
        queryset=FairSeries.objects.all(),
        required=False,
        empty_label=gettext_lazy("— a new series (name it below) —"),
        help_text=gettext_lazy("The fair held every year: “last fair” means its previous edition."),
    )
    new_series = forms.CharField(
        label=gettext_lazy("Name of a new series"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Only when the fair is the first edition of a new series."),
    )
    starts_on = _be_date(gettext_lazy("First day"))
    ends_on = _be_date(gettext_lazy("Last day"))
    applications_open_on = _be_date(gettext_lazy("Applications open"))
    applications_close_on = _be_date(
        gettext_lazy("Applications close"),
        help_text=gettext_lazy("The last day applications are accepted, dd/mm/yyyy B.E."),
    )
    lottery_date = _be_date(
        gettext_lazy("Government Lottery draw used"),
        required=False,
        help_text=gettext_lazy(
            "The public lottery draw whose results seed the booth draw, dd/mm/yyyy B.E."
        ),
    )

    WINDOW = ("applications_open_on", "applications_close_on")

    class Meta:
        model = Fair
        fields = [
            "name",
            "venue",
            "starts_on",
            "ends_on",
            "applications_open_on",
            "applications_close_on",
            "lottery_date",
            "notes",
        ]
        widgets = {"notes": forms.Textarea({"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["series", "new_series", *self.Meta.fields])
        if self.instance.pk:
            self.fields["series"].initial = self.instance.series_id
            self.fields["series"].empty_label = None
            self.was = {name: getattr(self.instance, name) for name in self.WINDOW}
        else:
            self.was = {}

    def clean_new_series(self):
        name = " ".join(self.cleaned_data["new_series"].split())
        if name and FairSeries.objects.filter(name__iexact=name).exists():
            raise ValidationError(_("A series with this name exists: choose it in the list."))
        return name

    def clean(self):
        data = super().clean()
        chosen, typed = data.get("series"), data.get("new_series")
        if chosen and typed:
            self.add_error("new_series", _("Choose a series or name a new one, not both."))
        elif not chosen and not typed and "new_series" not in self.errors:
            self.add_error("series", _("Choose the fair's series or name a new one."))
        return data

    def window_changed(self) -> list[str]:
        return [
            name
            for name in self.WINDOW
            if name in self.cleaned_data and self.cleaned_data[name] != self.was.get(name)
        ]

    @transaction.atomic
    def save_fair(self) -> Fair:
        """Create or change the fair (and the new series), all or nothing."""
        fair = self.instance
        if fair.pk and hasattr(lock_fair(fair), "frozen_list"):
            changed = self.window_changed()
            if changed:
                raise ValidationError(
                    {
                        name: _("The list is frozen: the application window can no longer change.")
                        for name in changed
                    }
                )
        series = self.cleaned_data["series"]
        if series is None:
            series = FairSeries(name=self.cleaned_data["new_series"])
            try:
                series.full_clean()
            except ValidationError as error:
                raise ValidationError({"new_series": error.messages}) from None
            series.save()
        fair.series = series
        fair.full_clean()
        fair.save()
        return fair


# --- Zones, booth types, booths -------------------------------------------------------


class FairPartForm(forms.ModelForm):
    """A zone, booth type or booth of `fair`, saved whole while the list is open."""

    def __init__(self, *args, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fair = fair
        self.instance.fair = fair

    @transaction.atomic
    def save_part(self):
        open_fair(self.fair)
        self.instance.full_clean()
        self.instance.save()
        return self.instance


class ZoneForm(FairPartForm):
    colour = forms.ChoiceField(
        label=gettext_lazy("Colour on the plan"),
        choices=[("", gettext_lazy("No colour")), *PALETTE],
        required=False,
    )

    class Meta:
        model = Zone
        fields = ["code", "name", "is_prime", "colour"]


class BoothTypeForm(FairPartForm):
    class Meta:
        model = BoothType
        fields = ["code", "name", "width_m", "depth_m", "fee", "has_power", "has_water"]


class BoothForm(FairPartForm):
    class Meta:
        model = Booth
        fields = [
            "zone",
            "booth_type",
            "code",
            "order",
            "x",
            "y",
            "width",
            "height",
            "reserved_for",
            "reserved_note",
        ]

    def __init__(self, *args, fair: Fair, **kwargs):
        super().__init__(*args, fair=fair, **kwargs)
        self.fields["zone"].queryset = fair.zones.all()
        self.fields["booth_type"].queryset = fair.booth_types.all()
        self.fields["reserved_for"].help_text = _(
            "Leave empty for a booth that goes into the draw."
        )
        for name in ("x", "y"):
            self.fields[name].validators.append(MinValueValidator(0))
        for name in ("width", "height"):
            self.fields[name].validators.append(MinValueValidator(Decimal("0.10")))


ALONG_X, ALONG_Y = "x", "y"


class BoothRowForm(forms.Form):
    """A row of booths of one zone and type, numbered one after another and laid side
    by side from a starting point, along x (left to right) or y (top to bottom)."""

    zone = forms.ModelChoiceField(label=gettext_lazy("Zone"), queryset=Zone.objects.none())
    booth_type = forms.ModelChoiceField(
        label=gettext_lazy("Booth type"),
        queryset=BoothType.objects.none(),
        help_text=gettext_lazy("Each booth takes the type's width and depth."),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of booths"), min_value=1, max_value=MAX_ROW, initial=10
    )
    prefix = forms.CharField(
        label=gettext_lazy("Number prefix"),
        max_length=10,
        required=False,
        validators=[CODE],
        help_text=gettext_lazy("E.g. A for A01, A02…; Latin letters, digits, - and _."),
    )
    first_number = forms.RegexField(
        label=gettext_lazy("First number"),
        regex=r"^[0-9]{1,6}$",
        initial="01",
        error_messages={"invalid": gettext_lazy("Digits only, e.g. 1 or 01.")},
        help_text=gettext_lazy("Type 01 for two-digit numbers (A01…A10)."),
    )
    x = forms.DecimalField(
        label=gettext_lazy("Start x (m)"), min_value=0, max_digits=7, decimal_places=2, initial=0
    )
    y = forms.DecimalField(
        label=gettext_lazy("Start y (m)"), min_value=0, max_digits=7, decimal_places=2, initial=0
    )
    along = forms.ChoiceField(
        label=gettext_lazy("Lay the row"),
        choices=[
            (ALONG_X, gettext_lazy("along x (left to right)")),
            (ALONG_Y, gettext_lazy("along y (top to bottom)")),
        ],
        initial=ALONG_X,
    )
    gap = forms.DecimalField(
        label=gettext_lazy("Gap between booths (m)"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        initial=0,
    )

    def __init__(self, *args, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fair = fair
        self.fields["zone"].queryset = fair.zones.all()
        self.fields["booth_type"].queryset = fair.booth_types.all()

    def codes(self) -> list[str]:
        data = self.cleaned_data
        first = data["first_number"]
        return [
            f"{data['prefix']}{number:0{len(first)}d}"
            for number in range(int(first), int(first) + data["count"])
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        longest = max(self.codes(), key=len)
        if len(longest) > Booth._meta.get_field("code").max_length:
            self.add_error(
                "prefix", _("Booth numbers such as %(code)s are too long.") % {"code": longest}
            )
        return data

    def booths(self) -> list[Booth]:
        data = self.cleaned_data
        kind: BoothType = data["booth_type"]
        step = (kind.width_m if data["along"] == ALONG_X else kind.depth_m) + data["gap"]
        start = self.fair.booths.filter(zone=data["zone"]).aggregate(last=Max("order"))["last"] or 0
        booths = []
        for i, code in enumerate(self.codes()):
            shift = step * i
            booths.append(
                Booth(
                    fair=self.fair,
                    zone=data["zone"],
                    booth_type=kind,
                    code=code,
                    order=start + i + 1,
                    x=data["x"] + (shift if data["along"] == ALONG_X else Decimal(0)),
                    y=data["y"] + (shift if data["along"] == ALONG_Y else Decimal(0)),
                    width=kind.width_m,
                    height=kind.depth_m,
                )
            )
        return booths

    @transaction.atomic
    def save_part(self) -> list[Booth]:
        """All the row's booths, or none: refused when a number is already used."""
        open_fair(self.fair)
        booths = self.booths()
        taken = sorted(
            self.fair.booths.filter(code__in=[b.code for b in booths]).values_list(
                "code", flat=True
            )
        )
        if taken:
            raise ValidationError(
                {
                    "first_number": _("These booth numbers are already used: %(codes)s.")
                    % {"codes": ", ".join(taken)}
                }
            )
        for booth in booths:
            # the numbers were checked above; the rest of each booth's rules here
            booth.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                return Booth.objects.bulk_create(booths)
        except IntegrityError:  # another row took a number meanwhile
            raise ValidationError(
                {"first_number": _("Some of these booth numbers were just taken; try again.")}
            ) from None


# --- The policy's draft ---------------------------------------------------------------


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["star_bonus", "miss_bonus_cap", "offer_hours", "payment_days", "notes"]
        widgets = {"notes": forms.Textarea({"rows": 3})}


class QuotaForm(forms.ModelForm):
    """One district's or category's minimum and maximum; `labels` names the row."""

    class Meta:
        model = PolicyQuota
        fields = ["minimum", "maximum"]

    def __init__(self, *args, labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = labels.get((self.instance.kind, self.instance.key), self.instance.key)
        # one row of a table: the inputs are named by the row's heading and the column
        for name, column in (("minimum", _("minimum")), ("maximum", _("maximum"))):
            self.fields[name].widget.attrs.update(
                {"class": "form-control", "min": 0, "aria-label": f"{self.label}: {column}"}
            )


QuotaFormSet = forms.modelformset_factory(
    PolicyQuota, form=QuotaForm, extra=0, can_delete=False, edit_only=True
)


def quota_formset(policy: Policy, labels: dict, data=None):
    return QuotaFormSet(
        data,
        queryset=policy.quotas.order_by("-kind", "key"),
        prefix="quota",
        form_kwargs={"labels": labels},
    )


@transaction.atomic
def policy_draft_save(form: PolicyForm, quotas) -> Policy:
    """Save the draft's switches and quotas together, while it is a draft and the list
    is not frozen."""
    policy = form.instance
    fair = lock_fair(policy.fair)
    if hasattr(fair, "frozen_list"):
        raise ValidationError(_("The list is frozen: the policy can no longer change."))
    check_draft(Policy.objects.select_for_update().get(pk=policy.pk))
    policy.full_clean()
    policy.save()
    for quota_form in quotas:
        quota = quota_form.instance
        try:
            quota.full_clean()
        except ValidationError as error:
            raise ValidationError(
                _("%(row)s: %(problem)s")
                % {"row": quota_form.label, "problem": " ".join(error.messages)}
            ) from None
        quota.save()
    return policy


@transaction.atomic
def booth_remove(booth: Booth) -> None:
    """Delete a booth added by mistake: refused once the list is frozen, or when the
    booth was drawn or held (those records keep it)."""
    open_fair(booth.fair)
    try:
        booth.delete()
    except ProtectedError:
        raise ValidationError(
            _("Booth %(code)s was drawn or held, so it stays on the plan.") % {"code": booth.code}
        ) from None
