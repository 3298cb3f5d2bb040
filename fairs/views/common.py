"""What every fair page shares: fetching a fair, the managers-only guard, and turning
a service's refusal into the form's message."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from fairs.models import Fair, manages_fairs
from otop_portal.lib.scoping import get_for_user, role_required

manager_required = role_required(manages_fairs)
"""A view decorator: 403 unless provincial staff or the fair committee."""


def fair_for(request, pk) -> Fair:
    return get_for_user(request, Fair.objects.with_series(), pk=pk)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal onto the form: field errors where the service named a field
    the form has, the rest as the form's own errors."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def run_service(form: forms.Form, run: Callable[[], object]):
    """Run a service: its result, or None with the refusal added to the form."""
    try:
        return run()
    except ValidationError as error:
        add_errors(form, error)
        return None
