"""The audit pages' filters (one form for a page and its exports)."""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from otop_portal.audit.selectors import EventFilters, ViewFilters, sources
from otop_portal.lib.history import LABELS
from otop_portal.lib.thaidate import BEDateField

SYSTEM = "system"


def _user_choices(*, with_system: bool) -> list:
    users = get_user_model().objects.order_by("username")
    choices = [("", _("Everyone"))]
    if with_system:
        choices.append((SYSTEM, _("System / command (no login)")))
    return choices + [(str(user.pk), f"{user} ({user.username})") for user in users]


def _district_choices() -> list:
    districts = (
        apps.get_model("members", "District")
        .objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)
        .order_by("code")
    )
    return [("", _("All districts"))] + [(d.code, d.name) for d in districts]


class _DateRangeForm(forms.Form):
    since = BEDateField(label=_("From"), required=False)
    until = BEDateField(label=_("Until"), required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def _valid(self, name):
        """A field's cleaned value, or None when the form is unbound or the field
        is invalid (the page still lists, with the filters that are valid)."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name) or None


class EventFilterForm(_DateRangeForm):
    user = forms.ChoiceField(label=pgettext_lazy("audit", "Who"), required=False)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.CharField(label=_("Record number"), required=False, max_length=40)
    district = forms.ChoiceField(label=_("District"), required=False)
    action = forms.ChoiceField(
        label=pgettext_lazy("audit", "Action"),
        required=False,
        choices=[("", _("All actions")), *LABELS.items()],
    )
    field_order = ["user", "kind", "object_id", "district", "since", "until", "action"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _user_choices(with_system=True)
        kinds = sorted(
            ((key, str(source.name)) for key, source in sources().items()),
            key=lambda choice: choice[1],
        )
        self.fields["kind"].choices = [("", _("All records")), *kinds]
        self.fields["district"].choices = _district_choices()

    def filters(self) -> EventFilters:
        user = self._valid("user")
        return EventFilters(
            user_id=int(user) if user and user != SYSTEM else None,
            system=user == SYSTEM,
            kind=self._valid("kind"),
            object_id=(self._valid("object_id") or "").strip() or None,
            district=self._valid("district"),
            since=self._valid("since"),
            until=self._valid("until"),
            action=self._valid("action"),
        )


class ViewFilterForm(_DateRangeForm):
    user = forms.ChoiceField(label=_("Seen by"), required=False)
    district = forms.ChoiceField(label=_("District of the person"), required=False)
    field_order = ["user", "district", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _user_choices(with_system=False)
        self.fields["district"].choices = _district_choices()

    def filters(self) -> ViewFilters:
        user = self._valid("user")
        return ViewFilters(
            user_id=int(user) if user else None,
            district=self._valid("district"),
            since=self._valid("since"),
            until=self._valid("until"),
        )
