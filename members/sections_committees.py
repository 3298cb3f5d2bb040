"""What committees and activities add to the home pages and the navigation."""

from django.utils.translation import gettext_lazy as _

from otop_portal.lib.sections import HOME, NavItem, Section, register_nav, register_section

UPCOMING_ON_HOME = 5


def _upcoming_activities(request, obj=None) -> dict:
    from members.models import Activity

    activities = Activity.objects.for_user(request.user).select_related("district").upcoming()
    return {"activities": activities[:UPCOMING_ON_HOME]}


def register() -> None:
    """Called from MembersConfig.ready()."""
    register_section(
        HOME,
        Section(
            key="members.upcoming_activities",
            title=_("Upcoming activities"),
            template="members/committees/section_upcoming.html",
            context=_upcoming_activities,
            order=20,
        ),
    )
    register_nav(
        NavItem(
            key="members.committees",
            label=_("Committees"),
            url_name="members:committee_list",
            order=20,
        )
    )
    register_nav(
        NavItem(
            key="members.activities",
            label=_("Activities"),
            url_name="members:activity_list",
            order=21,
        )
    )
