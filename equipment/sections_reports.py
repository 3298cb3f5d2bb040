"""What the equipment reports pages add to the home and producer pages and the navigation."""

from django.utils.translation import gettext_lazy as _

from otop_portal.lib.sections import NavItem, register_nav


def register() -> None:
    """Called from EquipmentConfig.ready()."""
    register_nav(
        NavItem(
            key="equipment.reports",
            label=_("Machine reports"),
            url_name="equipment:reports",
            order=81,
        )
    )
