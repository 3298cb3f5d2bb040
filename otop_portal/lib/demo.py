"""The demo-data registry: each app registers, from its `AppConfig.ready()`, a seeder
that writes its part of the Sa Kaeo demo data. `manage.py seed_demo` runs them in
order, in one transaction, and prints the logins they return.

Seeders are deterministic (same data on every run) and idempotent (a second run
updates rather than duplicates).
"""

from collections.abc import Callable
from dataclasses import dataclass

DEMO_PASSWORD = "otop-demo-2568"  # noqa: S105 - printed for the demo, refused outside DEBUG
# Demo accounts carry this email domain, which tells them from real ones.
DEMO_EMAIL_DOMAIN = "demo.otop.local"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    persona: str
    detail: str = ""


@dataclass(frozen=True)
class Seeder:
    key: str
    run: Callable[[], list[DemoLogin]]
    order: int = 100


_seeders: dict[str, Seeder] = {}


def register_seeder(seeder: Seeder) -> None:
    _seeders[seeder.key] = seeder


def real_accounts() -> int:
    """How many accounts the demo did not create."""
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.exclude(email__endswith="@" + DEMO_EMAIL_DOMAIN)
    return accounts.count()


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda seeder: (seeder.order, seeder.key))
