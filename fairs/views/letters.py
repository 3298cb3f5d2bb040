"""Printed letters for producers, who do not log in: the result of the draw (one
application, or every letter within the user's reach to print at once and hand over)
and the offer of a booth. A4, from the district's network committee."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from fairs.models import Application
from fairs.selectors_after import ZERO, letter_applications, paid_for, result_letters
from fairs.services.lottery import official_draw
from fairs.services.setup import policy_in_force
from fairs.views.common import fair_for
from fairs.views.holdings import deadline_text, explain, holding_for
from otop_portal.lib.scoping import get_for_user

LETTER_RELATED = (
    "fair",
    "district",
    "booth_type",
    "producer__subdistrict__district__province",
)


def _published(fair) -> bool:
    draw = official_draw(fair)
    return draw is not None and draw.is_published


def _worded(letters):
    """Each letter's holding state in the words of the holding's page."""
    for letter in letters:
        if letter.holding is not None:
            due = max(letter.holding.fee - letter.holding.paid, ZERO)
            letter.explained = explain(letter.holding, letter.state, due, letter.payment_days)
    return letters


def _verify_url(request, fair) -> str:
    return request.build_absolute_uri(reverse("fairs:verify", args=[fair.pk]))


@require_safe
def result_letter(request, pk):
    application = get_for_user(request, Application.objects.select_related(*LETTER_RELATED), pk=pk)
    fair = application.fair
    letters = _worded(result_letters(fair, [application], timezone.now()))
    return render(
        request,
        "fairs/letters/result.html",
        {
            "fair": fair,
            "application": application,
            "letters": letters,
            "published": bool(letters),
            "verify_url": _verify_url(request, fair),
            "today": timezone.localdate(),
        },
    )


@require_safe
def letters(request, pk):
    fair = fair_for(request, pk)
    applications = list(letter_applications(fair, request.user))
    return render(
        request,
        "fairs/letters/letters.html",
        {
            "fair": fair,
            "letters": _worded(result_letters(fair, applications, timezone.now())),
            "verify_url": _verify_url(request, fair),
            "published": _published(fair),
            "today": timezone.localdate(),
        },
    )


@require_safe
def offer_letter(request, pk):
    holding = holding_for(request, pk)
    now = timezone.now()
    policy = policy_in_force(holding.fair)
    paid = paid_for(holding)
    return render(
        request,
        "fairs/letters/offer.html",
        {
            "fair": holding.fair,
            "holding": holding,
            "application": holding.application,
            "state": holding.state(now),
            "state_label": holding.state_label(now),
            "paid": paid,
            "due": max(holding.fee - paid, ZERO),
            "payment_days": policy.payment_days if policy else None,
            "pay_by": deadline_text(holding.payment_due_at),
            "expires": deadline_text(holding.offer_expires_at),
            "today": timezone.localdate(),
        },
    )
