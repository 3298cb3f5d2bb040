"""Booking forms: they read what is asked; the services decide whether the rules allow it."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equipment.models import BookingStatus, EquipmentUnit
from equipment.services import rules
from members.models import Producer
from otop_portal.lib.thaidate import BEDateField

OVERRIDE_PREFIX = "override_"


class TimeInput(forms.TimeInput):
    input_type = "time"


class ProducerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, producer):
        return f"{producer.name} ({producer.district.name})"


def producers_to_book_for(user):
    """Producers `user` may book for: their district's, or all for provincial staff."""
    return (
        Producer.objects.for_user(user)
        .current()
        .select_related("district")
        .order_by("name_sort", "pk")
    )


class OverridesMixin:
    """Staff may set aside a rule that refused (R24) by writing why: one reason field per
    such rule, added only for the rules named."""

    def add_override_fields(self, codes):
        for code in sorted(codes, key=lambda c: int(c[1:])):
            self.fields[OVERRIDE_PREFIX + code] = forms.CharField(
                label=_("Reason for setting aside %(rule)s") % {"rule": code},
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Leave empty to keep the rule."),
            )

    @property
    def override_fields(self):
        return [self[name] for name in self.fields if name.startswith(OVERRIDE_PREFIX)]

    def overrides(self) -> dict[str, str]:
        return {
            name.removeprefix(OVERRIDE_PREFIX): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith(OVERRIDE_PREFIX) and value and value.strip()
        }


def override_codes_in(data) -> set[str]:
    """The rules whose override reason was posted (the fields are kept on a re-post)."""
    return {
        key.removeprefix(OVERRIDE_PREFIX)
        for key in (data or {})
        if key.startswith(OVERRIDE_PREFIX)
        and key.removeprefix(OVERRIDE_PREFIX) in rules.OVERRIDABLE
    }


class SlotFieldsMixin:
    """Whole days (pickup and return day) or, for on-site types, a day and hours."""

    def add_slot_fields(self, equipment_type, initial=None):
        initial = initial or {}
        if equipment_type.is_hourly:
            self.fields["first_day"] = BEDateField(label=_("Day"), initial=initial.get("first_day"))
            self.fields["starts"] = forms.TimeField(
                label=_("From"), widget=TimeInput(), initial=initial.get("starts")
            )
            self.fields["ends"] = forms.TimeField(
                label=_("Until"), widget=TimeInput(), initial=initial.get("ends")
            )
        else:
            self.fields["first_day"] = BEDateField(
                label=_("Pickup day"), initial=initial.get("first_day")
            )
            self.fields["last_day"] = BEDateField(
                label=_("Return day"),
                required=False,
                initial=initial.get("last_day"),
                help_text=_("dd/mm/yyyy B.E.; empty for a one-day booking"),
            )

    def slot_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key] for key in ("first_day", "last_day", "starts", "ends") if key in data
        }


class BookingForm(OverridesMixin, SlotFieldsMixin, forms.Form):
    def __init__(self, *args, user, equipment_type, override_rules=(), **kwargs):
        initial = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        self.equipment_type = equipment_type
        self.fields["producer"] = ProducerChoiceField(
            queryset=producers_to_book_for(user), label=_("Producer")
        )
        # The producer's fair share shows as soon as it is chosen (and after a submit).
        self.fields["producer"].widget.attrs.update(
            {
                "hx-get": reverse("equipment:booking_new", args=[equipment_type.pk]),
                "hx-target": "#quota",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        self.fields["unit"] = forms.ModelChoiceField(
            queryset=EquipmentUnit.objects.for_user(user)
            .filter(equipment_type=equipment_type)
            .select_related("equipment_type")
            .order_by("asset_number"),
            label=_("Unit"),
        )
        self.add_slot_fields(equipment_type, initial)
        self.fields["purpose"] = forms.CharField(
            label=_("What for"),
            required=False,
            max_length=300,
            help_text=_("For example: sealing 500 packs of chilli paste for a fair."),
        )
        if user.is_provincial_staff:
            self.add_override_fields(override_rules)


class ChangeForm(OverridesMixin, SlotFieldsMixin, forms.Form):
    def __init__(self, *args, booking, user, override_rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_slot_fields(booking.unit.equipment_type, kwargs.get("initial"))
        if user.is_provincial_staff:
            self.add_override_fields(override_rules)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), required=False, max_length=300)

    def __init__(self, *args, late: bool, user, **kwargs):
        super().__init__(*args, **kwargs)
        if late and user.is_provincial_staff:
            self.fields["override"] = forms.CharField(
                label=_("Reason for cancelling late (R4)"),
                required=True,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it rejected?"), max_length=300)


class BookingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *BookingStatus.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=EquipmentUnit.objects.none(),
        empty_label=_("Any unit"),
    )
    producer = ProducerChoiceField(
        label=_("Producer"),
        required=False,
        queryset=Producer.objects.none(),
        empty_label=_("Any producer"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            EquipmentUnit.objects.for_user(user)
            .select_related("equipment_type")
            .order_by("equipment_type__name", "asset_number")
        )
        self.fields["producer"].queryset = producers_to_book_for(user)

    def filter(self, bookings):
        if not self.is_valid():
            return bookings
        data = self.cleaned_data
        if data["status"]:
            bookings = bookings.filter(status=data["status"])
        if data["unit"]:
            bookings = bookings.filter(unit=data["unit"])
        if data["producer"]:
            bookings = bookings.filter(producer=data["producer"])
        return bookings
