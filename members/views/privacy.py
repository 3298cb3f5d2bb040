"""A person's data on their request (PDPA), for provincial staff, the data controller's
officers: download everything the portal holds about them, or anonymise them."""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from members import privacy
from members.models import Person
from otop_portal.lib.scoping import get_for_user, staff_required

logger = logging.getLogger(__name__)


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the person's data is removed"),
        help_text=gettext_lazy(
            "For example: asked in writing on 3 March 2568 after leaving the network. "
            "Do not write the person's name here."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": gettext_lazy("Say why the person's data is removed.")},
    )


def _person(request, pk) -> Person:
    return get_for_user(request, Person.objects.select_related("district"), pk=pk)


@require_POST
@staff_required
def person_data_export(request, pk):
    """Everything the portal holds about a person, one sheet per kind (XLSX); who
    downloaded it and when is recorded (a POST: it writes those records)."""
    person = _person(request, pk)
    content, _action = privacy.person_data_export(person=person, by=request.user, path=request.path)
    name = f"person-{person.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=privacy.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_http_methods(["GET", "POST"])
@staff_required
def person_anonymise(request, pk):
    """What the anonymisation will do, what stops it, and on confirmation with a
    reason, the anonymisation."""
    person = _person(request, pk)
    form = AnonymiseForm(request.POST or None)
    problems = privacy.anonymise_problems(person)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            privacy.person_anonymise(
                person=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refused:  # AnonymiseRefused, or a row's own check
            problems = refused.messages
        except IntegrityError:  # a database rule: nothing was changed (rolled back)
            logger.exception("Anonymising person %s failed", person.pk)
            problems = [
                _(
                    "The data could not be removed: a record breaks a rule of the database. "
                    "Nothing was changed; tell the portal's administrator."
                )
            ]
        else:
            messages.success(request, _("The person's data is removed."))
            return redirect(person)
    return render(
        request,
        "members/privacy/anonymise_confirm.html",
        {
            "person": person,
            "form": form,
            "problems": problems,
            "placeholder": privacy.placeholder_for(person),
        },
    )
