"""Builders of the draw pages' tests and matrix rows: a fair with its list frozen, a
typed-in random source waiting for confirmation, and drawn fairs."""

from fairs.models import Fair, FairSeries, RandomSource
from fairs.services import lottery
from members.models import User
from tests.fairs.builders import (
    SOURCE,
    apply,
    close_window,
    drawn_fair,
    fair_manager,
    make_eligible,
    make_fair,
    publish_policy,
)


def manager() -> User:
    return User.objects.filter(username="fairstaff").first() or fair_manager()


def second_manager() -> User:
    return User.objects.filter(username="fairstaff-2").first() or fair_manager("fairstaff-2")


def new_series() -> FairSeries:
    """A series of its own, so that a test may build several fairs starting the same day."""
    return FairSeries.objects.create(name=f"ชุดงานทดสอบ {FairSeries.objects.count() + 1}")


def ready_fair(*, applicants: int = 3) -> Fair:
    """Applications closed, every application eligible, the policy published: ready to freeze."""
    by = manager()
    fair = make_fair(series=new_series())
    publish_policy(fair, by)
    for i in range(applicants):
        make_eligible(apply(fair, by, district="2701" if i % 2 == 0 else "2706"), by)
    return close_window(fair)


def frozen_fair(**kwargs) -> Fair:
    fair = ready_fair(**kwargs)
    lottery.list_freeze(fair=fair, by=manager())
    return Fair.objects.get(pk=fair.pk)


def typed_source(**kwargs) -> RandomSource:
    """A frozen fair's random source, typed in by the fair manager, not yet confirmed."""
    return lottery.source_enter(fair=frozen_fair(**kwargs), by=manager(), text=SOURCE)


def drawn(*, publish: bool = True, applicants: int = 10, food: int = 2):
    return drawn_fair(
        applicants=applicants,
        food=food,
        by=manager(),
        second=second_manager(),
        publish=publish,
        series=new_series(),
    )


# --- Matrix rows' kwargs -------------------------------------------------------------------


def fair_row(request) -> dict:
    return {"pk": make_fair().pk}


def source_row(request) -> dict:
    return {"pk": typed_source().pk}


def draw_row(request) -> dict:
    """An official draw, run but not published."""
    return {"pk": drawn(publish=False)[1].pk}


def published_fair_row(request) -> dict:
    return {"pk": drawn()[0].pk}
