"""Builders of the setup pages' tests and permission-matrix rows: fairs of any size,
a draft policy, a fair whose list is frozen."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fairs.models import Booth, Fair
from fairs.services import lottery, setup
from tests.fairs.builders import (
    apply,
    close_window,
    fair_manager,
    make_eligible,
    make_fair,
    publish_policy,
)


def manager():
    """The fair manager of these tests (one account, however often asked for)."""
    from members.models import User

    return User.objects.filter(username="setup-manager").first() or fair_manager("setup-manager")


def add_booths(fair: Fair, count: int, *, prefix: str = "N") -> list[Booth]:
    """`count` more drawable booths in zone B, in rows of ten."""
    zone, kind = fair.zones.get(code="B"), fair.booth_types.get(code="STD")
    return Booth.objects.bulk_create(
        Booth(
            fair=fair,
            zone=zone,
            booth_type=kind,
            code=f"{prefix}{i + 1:03d}",
            order=1000 + i,
            x=Decimal(3 * (i % 10)),
            y=Decimal(20 + 4 * (i // 10)),
            width=3,
            height=3,
        )
        for i in range(count)
    )


def frozen_fair(by=None) -> Fair:
    """A fair whose eligible list is frozen (two eligible applications)."""
    by = by or manager()
    fair = make_fair(name="งานที่ปิดรับแล้ว", opens=timezone.localdate() - timedelta(days=6))
    publish_policy(fair, by)
    for district in ("2701", "2706"):
        make_eligible(apply(fair, by, district=district), by)
    fair = close_window(fair)
    lottery.list_freeze(fair=fair, by=by)
    return Fair.objects.get(pk=fair.pk)


def future_fair(**kwargs) -> Fair:
    """A fair whose application window opens in ten days."""
    return make_fair(opens=timezone.localdate() + timedelta(days=10), **kwargs)


def draft_of(fair: Fair, by=None):
    return setup.policy_new_version(fair=fair, by=by or manager())


# --- Permission-matrix rows --------------------------------------------------------------


def fair_row(request) -> dict:
    return {"pk": make_fair().pk}


def drafted_fair_row(request) -> dict:
    fair = make_fair()
    draft_of(fair)
    return {"pk": fair.pk}


def draft_row(request) -> dict:
    return {"pk": draft_of(make_fair()).pk}


def zone_row(request) -> dict:
    return {"pk": make_fair().zones.get(code="A").pk}


def booth_type_row(request) -> dict:
    return {"pk": make_fair().booth_types.get(code="STD").pk}


def booth_row(request) -> dict:
    return {"pk": make_fair().booths.get(code="S01").pk}
