"""The fairs front page: every fair by where it stands (open for applications, coming,
drawn or under way, past) with the counts within the user's reach, and what waits
for the user's action. Past fairs come PAST_PER_PAGE at a time, latest first."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from fairs import selectors
from fairs.models import manages_fairs

PAST_PER_PAGE = 10


@require_safe
def index(request):
    user = request.user
    today = timezone.localdate()
    past = Paginator(selectors.past_fairs(user, today), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = selectors.not_over(today) | Q(pk__in=past.object_list.values("pk"))
    rows = selectors.fairs_for(user, today=today, where=shown)
    return render(
        request,
        "fairs/index.html",
        {
            "groups": selectors.grouped(rows),
            "page": past,
            "waiting": selectors.waiting_for(user),
            "manages": manages_fairs(user),
            "today": today,
        },
    )
