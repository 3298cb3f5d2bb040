"""The savings group's front page: its figures within the user's reach, what waits for
the user, and the way to every part of the group's work the user may do."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from savings import permissions, selectors


@require_safe
def index(request):
    user = request.user
    return render(
        request,
        "savings/index.html",
        {
            "overview": selectors.overview(user),
            "waiting": selectors.waiting_for(user),
            "this_month": timezone.localdate().strftime("%Y-%m"),
            "may_record": permissions.may_record(user),
            "may_keep_books": permissions.may_keep_books(user),
            "may_see_books": permissions.may_see_books(user),
            "may_close": permissions.may_close(user),
            "may_approve": permissions.may_approve(user),
        },
    )
