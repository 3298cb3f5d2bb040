"""Demo data for the equipment app (seed_demo): types, units, rules and history."""

from otop_portal.lib.demo import DemoLogin


def seed_equipment() -> list[DemoLogin]:
    """Filled in by the equipment demo work."""
    return []
