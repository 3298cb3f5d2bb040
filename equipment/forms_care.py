"""Forms of the custody and care pages: they validate; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipment.models import (
    BookingKind,
    Condition,
    EquipmentType,
    TermsVersion,
    TicketKind,
    UnitStatus,
)
from otop_portal.lib.thaidate import BEDateField

MAX_PHOTOS = 10


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one file input (at most MAX_PHOTOS). Whether at least one is
    needed is the service's rule, so an empty field cleans to []."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault(
            "help_text", _("Take or choose up to %(n)s photos of the unit.") % {"n": MAX_PHOTOS}
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/*"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [upload for upload in files if upload]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("Choose at most %(n)s photos.") % {"n": MAX_PHOTOS}, code="too_many"
            )
        return [super(PhotosField, self).clean(upload, initial) for upload in files]


class ChecklistMixin:
    """One checkbox per line of the type's checklist for a stage."""

    def add_checklist(self, items: list[str]) -> None:
        self.checklist_items = items
        for index, item in enumerate(items):
            self.fields[f"check_{index}"] = forms.BooleanField(label=item, required=False)

    def checklist_answers(self) -> dict[str, bool]:
        return {
            item: bool(self.cleaned_data.get(f"check_{index}"))
            for index, item in enumerate(self.checklist_items)
        }


class CheckoutForm(ChecklistMixin, forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition at check-out"),
        choices=Condition.choices,
        initial=Condition.GOOD,
        widget=forms.RadioSelect,
    )
    photos = PhotosField()
    acknowledged_by = forms.CharField(
        label=_("Borrower's name"),
        max_length=200,
        required=False,
        help_text=_("The person taking the unit, who agrees that its condition is as recorded."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, checklist: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_checklist(checklist)
        self.order_fields([f"check_{n}" for n in range(len(checklist))])


class ReturnForm(ChecklistMixin, forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition at return"),
        choices=Condition.choices,
        initial=Condition.GOOD,
        widget=forms.RadioSelect,
    )
    cleaned = forms.BooleanField(label=_("The unit came back clean"), required=False)
    photos = PhotosField()
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Describe any damage: a damaged unit goes to repair."),
    )
    units_produced = forms.IntegerField(
        label=_("Units produced with the machine"),
        required=False,
        min_value=0,
        help_text=_("Optional: e.g. the number of packs sealed."),
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )

    def __init__(self, *args, checklist: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_checklist(checklist)
        self.order_fields([f"check_{n}" for n in range(len(checklist))])


class TicketOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    reason = forms.CharField(label=_("What is wrong or due"), widget=forms.Textarea({"rows": 3}))
    take_out_of_lending = forms.BooleanField(
        label=_("Take the unit out of lending until it is repaired"),
        required=False,
        help_text=_("Its upcoming bookings are flagged so that the producers can be told."),
    )


RESOLVED, UNRESOLVED = "resolved", "unresolved"


class TicketCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(RESOLVED, _("Resolved")), (UNRESOLVED, _("Closed unresolved"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea({"rows": 3})
    )
    vendor = forms.CharField(label=_("Repaired by"), max_length=200, required=False)
    cost = forms.DecimalField(
        label=_("Cost (baht)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput({"inputmode": "decimal", "step": "0.01"}),
    )


class UnitBlockForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (BookingKind.MAINTENANCE, BookingKind.MAINTENANCE.label),
            (BookingKind.CLOSURE, BookingKind.CLOSURE.label),
        ],
    )
    first_day = BEDateField(label=_("First day"))
    last_day = BEDateField(label=_("Last day"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day is before the first."))
        return cleaned


class UnitStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=UnitStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed unless the unit is available."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") not in (None, UnitStatus.AVAILABLE)
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why the unit is not available."))
        return cleaned


FOUND, NOT_FOUND = "found", "missing"


class StocktakeForm(forms.Form):
    on = BEDateField(label=_("Date"))
    found = forms.ChoiceField(
        label=_("Result"),
        choices=[(FOUND, _("Found")), (NOT_FOUND, _("Not found: the unit is missing"))],
        initial=FOUND,
        widget=forms.RadioSelect,
    )
    location_seen = forms.CharField(label=_("Where it was"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 3}))


class SuspensionForm(forms.Form):
    starts_on = BEDateField(label=_("From"))
    ends_on = BEDateField(label=_("Until"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("A suspension cannot end before it starts."))
        return cleaned


class TermsChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, terms):
        return _("%(type)s, version %(version)s") % {
            "type": terms.equipment_type.name,
            "version": terms.version,
        }


class TermsAcceptForm(forms.Form):
    terms = TermsChoiceField(label=_("Terms of use"), queryset=TermsVersion.objects.none())
    accepted_by_name = forms.CharField(
        label=_("Accepted by"),
        max_length=200,
        help_text=_("The name of the producer's person who read and accepted the terms."),
    )

    def __init__(self, *args, terms_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = (
            TermsVersion.objects.filter(pk__in=terms_ids)
            .select_related("equipment_type")
            .order_by("equipment_type__name")
        )


class TrainingForm(forms.Form):
    equipment_type = forms.ModelChoiceField(
        label=_("Machine type"),
        queryset=EquipmentType.objects.filter(requires_training=True).order_by("name"),
    )
    trained_on = BEDateField(label=_("Trained on"))
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trained_on"].initial = timezone.localdate()
