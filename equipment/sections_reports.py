"""What the equipment reports pages add to the home and producer pages and the navigation."""


def register() -> None:
    """Called from EquipmentConfig.ready()."""
