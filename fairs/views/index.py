"""The fairs front page: every fair by where it stands (open for applications, coming,
drawn or under way, past) with the counts within the user's reach, and what waits
for the user's action."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from fairs import selectors
from fairs.models import manages_fairs


@require_safe
def index(request):
    user = request.user
    today = timezone.localdate()
    rows = selectors.fairs_for(user, today=today)
    return render(
        request,
        "fairs/index.html",
        {
            "groups": selectors.grouped(rows),
            "waiting": selectors.waiting_for(user),
            "manages": manages_fairs(user),
            "today": today,
        },
    )
