"""Demo committees and the activity from the story."""

from otop_portal.lib.demo import DemoLogin


def seed_committees() -> list[DemoLogin]:
    return []
