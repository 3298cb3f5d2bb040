"""What the equipment care pages add to the home and producer pages and the navigation."""

from django.utils.translation import gettext_lazy as _

from otop_portal.lib.sections import (
    HOME,
    PRODUCER,
    NavItem,
    Section,
    register_nav,
    register_section,
)


def may_handle(user) -> bool:
    from equipment.services import may_handle as handles

    return user.is_authenticated and handles(user)


def _home(request, obj=None) -> dict:
    from equipment import selectors_care

    return selectors_care.home_desk(request.user)


def _producer(request, producer) -> dict:
    from equipment import selectors_care
    from equipment.models import Suspension, TermsAcceptance, TrainingSignoff
    from otop_portal.lib.scoping import can_write

    missing, current = selectors_care.terms_to_accept(producer)
    return {
        "producer": producer,
        "accepted": TermsAcceptance.objects.filter(producer=producer)
        .select_related("terms__equipment_type")
        .order_by("terms__equipment_type__name", "-terms__version"),
        "missing": [terms for terms in current if terms.pk in missing],
        "trained": TrainingSignoff.objects.filter(producer=producer).select_related(
            "equipment_type"
        ),
        "suspensions": Suspension.objects.in_force().filter(producer=producer),
        "may_accept": can_write(request.user, producer),
        "may_handle": may_handle(request.user),
    }


def register() -> None:
    """Called from EquipmentConfig.ready()."""
    register_nav(
        NavItem(
            key="equipment.care",
            label=_("Check-out and return"),
            url_name="equipment:care_desk",
            order=45,
            visible=may_handle,
        )
    )
    register_section(
        HOME,
        Section(
            key="equipment.care",
            title=_("Machines today"),
            template="equipment/care/sections/home.html",
            context=_home,
            order=15,
            visible=may_handle,
        ),
    )
    register_section(
        PRODUCER,
        Section(
            key="equipment.care",
            title=_("Machines: terms, training and suspensions"),
            template="equipment/care/sections/producer.html",
            context=_producer,
            order=60,
        ),
    )
