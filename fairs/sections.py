"""What the fairs add to the navigation, the home page and a producer's page."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairs import selectors
from otop_portal.lib.sections import (
    HOME,
    PRODUCER,
    NavItem,
    Section,
    register_nav,
    register_section,
)

# What the home page lists under "waiting for you" before pointing to the fairs page.
HOME_WAITING = 5


def _home(request, obj=None) -> dict:
    """The fairs open for applications and what waits for this user (the front page's
    selectors, shortened)."""
    user, today = request.user, timezone.localdate()
    rows = selectors.fairs_for(user, today=today, where=selectors.in_window(today))
    waiting = selectors.waiting_for(user)
    return {
        "open": selectors.open_fairs(rows),
        "waiting": waiting[:HOME_WAITING],
        "more_waiting": max(len(waiting) - HOME_WAITING, 0),
    }


def _producer(request, producer) -> dict:
    """The producer's applications (fair, number, status, draw outcome, booth and its
    state, sales) and the open fairs the user may apply to for it."""
    return {
        "applications": selectors.producer_applications(request.user, producer),
        "to_apply": selectors.fairs_to_apply(request.user, producer),
    }


def register() -> None:
    """Called from FairsConfig.ready()."""
    register_nav(NavItem(key="fairs", label=_("Fairs"), url_name="fairs:index", order=50))
    register_section(
        HOME,
        Section(
            key="fairs.home",
            title=_("Fairs"),
            template="fairs/section_home.html",
            context=_home,
            order=55,
        ),
    )
    register_section(
        PRODUCER,
        Section(
            key="fairs.applications",
            title=_("Fair applications"),
            template="fairs/section_producer.html",
            context=_producer,
            order=75,
        ),
    )
