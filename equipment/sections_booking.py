"""What the equipment booking pages add to the home and producer pages and the navigation."""

from django.utils.translation import gettext_lazy as _

from equipment import selectors, services
from equipment.models import Booking, WaitlistEntry, WaitlistStatus
from otop_portal.lib.scoping import can_write
from otop_portal.lib.sections import (
    HOME,
    PRODUCER,
    NavItem,
    Section,
    register_nav,
    register_section,
)

SHOWN = 10


def _home(request, obj=None) -> dict:
    user = request.user
    bookings = selectors.current_and_upcoming(Booking.objects.for_user(user).loans())
    offers = []
    if selectors.may_book(user):
        offers = list(
            selectors.waitlist_for(user)
            .filter(status=WaitlistStatus.OFFERED)
            .order_by("period")[:SHOWN]
        )
    approver = services.may_approve(user)
    return {
        "reminders": selectors.reminders(Booking.objects.for_user(user).loans()),
        "bookings": list(bookings[:SHOWN]),
        "pending": selectors.pending_count(request.user) if approver else None,
        "offers": offers,
        "may_book": selectors.may_book(user),
    }


def _producer(request, producer) -> dict:
    user = request.user
    return {
        "bookings": list(
            selectors.current_and_upcoming(Booking.objects.filter(producer=producer))[:SHOWN]
        ),
        "entries": list(
            selectors.open_waitlist(
                WaitlistEntry.objects.filter(producer=producer).select_related(
                    "unit__equipment_type", "producer"
                )
            )[:SHOWN]
        ),
        "may_book": selectors.may_book(user)
        and can_write(user, producer)
        and not producer.merged_into_id,
    }


def register() -> None:
    """Called from EquipmentConfig.ready()."""
    register_nav(
        NavItem(key="equipment", label=_("Equipment"), url_name="equipment:index", order=30)
    )
    register_section(
        HOME,
        Section(
            key="equipment.bookings",
            title=_("Equipment"),
            template="equipment/booking/section_home.html",
            context=_home,
            order=40,
        ),
    )
    register_section(
        PRODUCER,
        Section(
            key="equipment.bookings",
            title=_("Equipment bookings"),
            template="equipment/booking/section_producer.html",
            context=_producer,
            order=60,
        ),
    )
