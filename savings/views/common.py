"""What every savings page shares: the one-time key of money forms, the scoped fetch of a
saver, and turning a service's refusal into the form's message.

Money forms carry a hidden one-time key (a UUID made when the form is shown). The view
runs the service through `record_once`: a double click, a resubmitted form or a
retried request records once and shows the first result again; the same key with
other values is refused with a message (research/savings.md §3.5).
"""

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otop_portal.lib.scoping import get_for_user
from savings import permissions
from savings.models import Saver
from savings.services import KeyReused, once


class OnceForm(forms.Form):
    """A form whose posting records money: it carries its one-time key."""

    key = forms.UUIDField(widget=forms.HiddenInput, label=gettext_lazy("One-time key"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())

    def payload(self) -> dict:
        """What the key stands for: every cleaned value but the key (model instances by
        primary key)."""
        values = {}
        for name, value in self.cleaned_data.items():
            if name == "key":
                continue
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, models.QuerySet | list | tuple):
                value = [v.pk if isinstance(v, models.Model) else v for v in value]
            values[name] = value
        return values


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal onto the form: field errors where the service named a field
    the form has, the rest as the form's own errors."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def record_once(
    request, form: OnceForm, action: str, run: Callable[[], models.Model]
) -> models.Model | None:
    """Run a money service once for the form's key. Returns the result (the first
    result again on a repeat, with a message saying nothing new was recorded), or None
    with the refusal added to the form."""
    try:
        result, first = once(
            key=form.cleaned_data["key"],
            action=action,
            payload=form.payload(),
            by=request.user,
            run=run,
        )
    except KeyReused as error:
        form.add_error(None, error.messages)
        return None
    except ValidationError as error:
        add_errors(form, error)
        return None
    if not first:
        messages.info(request, _("This was already recorded; nothing was recorded twice."))
    return result


def run_service(form: forms.Form, run: Callable[[], object]):
    """Run a service that records no money (a decision, an application): its result, or
    None with the refusal added to the form."""
    try:
        return run()
    except ValidationError as error:
        add_errors(form, error)
        return None


def saver_for(request, pk, *, for_write: bool = False) -> Saver:
    """A saver as every page fetches one: 404 outside the user's district; for writing,
    403 unless the user records money for that district."""
    saver = get_for_user(
        request, Saver.objects.select_related("person", "district", "account"), pk=pk
    )
    if for_write and not permissions.may_record(request.user, saver.district_id):
        raise PermissionDenied
    return saver


def paper(request) -> str:
    """The paper a printed document is laid out for: "a4" (default) or "a5"."""
    return "a5" if request.GET.get("paper") == "a5" else "a4"
