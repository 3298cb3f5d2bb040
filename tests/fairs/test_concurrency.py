"""A booth is never held by two applications at once (database constraint), offers and
waitlist moves included, under concurrent actions: real threads on a real database.

The services take turns on a fair (they lock its row), and beneath them two exclusion
constraints refuse a second holder of a booth, or a second booth of an application,
for overlapping times. The last test goes around the lock to show the constraint
alone holds.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from fairs.models import Booth, EndReason, Holding, HoldingKind, Outcome
from fairs.services import holdings as services
from tests.fairs.builders import drawn_fair, fair_manager

THREADS = 8


def _race(work, count: int = THREADS) -> tuple[list, list]:
    """Run `work(i)` in `count` threads released together; (results, refusals)."""
    barrier = threading.Barrier(count)
    results, refusals, crashes = [], [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except ValidationError as error:
            refusals.append(error)
        except Exception as error:  # a crash must fail the test, not vanish in a thread
            crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not crashes, crashes
    return results, refusals


def _no_booth_held_twice(fair, moment=None) -> None:
    active = list(Holding.objects.filter(fair=fair).active_at(moment))
    assert max(Counter(h.booth_id for h in active).values(), default=0) <= 1
    assert max(Counter(h.application_id for h in active).values(), default=0) <= 1


def _extra_booth(fair, code: str = "") -> Booth:
    """A standard booth made free after the draw without offering it to anyone: its
    holder's offer is ended directly (no refill), as a booth freed in a way the test
    controls. (Booths cannot be added once the list is frozen.)"""
    holding = (
        Holding.objects.filter(fair=fair, booth__booth_type__code="STD", ended_at__isnull=True)
        .order_by("-booth__code")
        .first()
    )
    holding.note = "ทดสอบ"
    services.end_holding(holding, EndReason.RELEASED, now=timezone.now())
    return holding.booth


@pytest.fixture
def crowded(geography):
    """Seventeen applicants for nine standard booths: eight on the waitlist."""
    manager = fair_manager()
    fair, draw = drawn_fair(applicants=17, food=0, by=manager, standard=9)
    return fair, draw, manager


@pytest.mark.django_db(transaction=True)
def test_eight_staff_giving_one_free_booth_at_once_give_it_once(crowded):
    fair, draw, manager = crowded
    booth = _extra_booth(fair, "S99")
    waiting = [line.application for line in draw.lines.filter(outcome=Outcome.WAITLIST)]
    assert len(waiting) == THREADS

    given, refused = _race(
        lambda i: services.booth_give(
            application=waiting[i], booth=booth, by=manager, reason="มาขอบูธที่หน้างาน"
        )
    )
    assert len(given) == 1 and len(refused) == THREADS - 1
    assert Holding.objects.filter(booth=booth).active_at().count() == 1
    _no_booth_held_twice(fair)


@pytest.mark.django_db(transaction=True)
def test_eight_moves_onto_one_free_booth_at_once_move_one(crowded):
    fair, _draw, manager = crowded
    booth = _extra_booth(fair, "S99")
    holders = list(
        Holding.objects.filter(fair=fair, booth__booth_type__code="STD", ended_at__isnull=True)
    )[:THREADS]
    assert len(holders) == THREADS

    moved, refused = _race(
        lambda i: services.booth_move(
            holding=holders[i], booth=booth, by=manager, reason="ใกล้ทางเข้า"
        )
    )
    assert len(moved) == 1 and len(refused) == THREADS - 1
    assert Holding.objects.filter(booth=booth).active_at().get() == moved[0]
    # the refused holders keep the booth they had
    assert Holding.objects.filter(fair=fair, kind=HoldingKind.MOVE).count() == 1
    _no_booth_held_twice(fair)


@pytest.mark.django_db(transaction=True)
def test_two_refills_at_once_offer_each_freed_booth_once_to_one_applicant(crowded):
    fair, draw, manager = crowded
    later = timezone.now() + timedelta(hours=49)  # every offer of the draw lapsed

    made, refused = _race(
        lambda i: services.waitlist_refill(fair=fair, by=manager, now=later), count=2
    )
    assert not refused
    offers = [holding for run in made for holding in run]
    waiting = {line.application_id for line in draw.lines.filter(outcome=Outcome.WAITLIST)}
    assert len(offers) == len(waiting) == 8
    assert {h.application_id for h in offers} == waiting
    assert len({h.booth_id for h in offers}) == 8
    _no_booth_held_twice(fair, later)


@pytest.mark.django_db(transaction=True)
def test_declines_at_once_hand_each_booth_to_a_different_waiting_applicant(crowded):
    fair, _draw, manager = crowded
    holders = list(Holding.objects.filter(fair=fair, booth__booth_type__code="STD"))[:4]

    declined, refused = _race(
        lambda i: services.offer_decline(holding=holders[i], by=manager), count=4
    )
    assert len(declined) == 4 and not refused
    refills = Holding.objects.filter(fair=fair, kind=HoldingKind.WAITLIST)
    assert refills.count() == 4
    assert {h.booth_id for h in refills} == {h.booth_id for h in holders}
    _no_booth_held_twice(fair)


@pytest.mark.django_db(transaction=True)
def test_the_database_alone_refuses_a_second_holder_without_the_fairs_lock(crowded):
    """`_hold` takes no lock: concurrent inserts meet the exclusion constraint."""
    fair, draw, manager = crowded
    booth = _extra_booth(fair, "S99")
    waiting = [line.application for line in draw.lines.filter(outcome=Outcome.WAITLIST)]
    now = timezone.now()

    held, refused = _race(
        lambda i: services._hold(
            fair=fair, booth=booth, application=waiting[i], kind=HoldingKind.WAITLIST,
            by=manager, now=now,
        )
    )  # fmt: skip
    assert len(held) == 1 and len(refused) == THREADS - 1
    _no_booth_held_twice(fair)
