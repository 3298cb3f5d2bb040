"""The fair services end to end: applying, review, freeze, random source, the official
draw, publishing, offers, the waitlist, payments, moves, swaps, check-in and sales."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.utils import timezone

from fairs import draw as lottery_module
from fairs.models import (
    ApplicationStatus,
    Draw,
    DrawLine,
    FrozenList,
    Holding,
    HoldingState,
    Outcome,
    RandomSource,
)
from fairs.services import applications, holdings, lottery
from tests.factories import ProducerFactory, UserFactory
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

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def manager(db):
    return fair_manager()


@pytest.fixture
def second(db):
    return UserFactory(staff=True, username="second")


# --- Applying ------------------------------------------------------------------------


def test_a_district_member_applies_for_a_producer_of_their_district(manager, district_member):
    fair = make_fair()
    publish_policy(fair, manager)
    application = apply(fair, district_member, district="2701")
    assert application.number == 1
    assert application.submitted_by == district_member
    assert application.on_behalf
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.district_id == "2701"


def test_not_for_a_producer_of_another_district(manager, district_member):
    fair = make_fair()
    publish_policy(fair, manager)
    with pytest.raises(PermissionDenied):
        apply(fair, district_member, district="2706")


def test_one_application_per_producer_per_fair_and_again_after_withdrawing(manager):
    fair = make_fair()
    publish_policy(fair, manager)
    producer = ProducerFactory()
    first = apply(fair, manager, producer=producer)
    with pytest.raises(ValidationError, match="already applied"):
        apply(fair, manager, producer=producer)
    applications.application_withdraw(application=first, by=manager, reason="ป่วย")
    again = apply(fair, manager, producer=producer)
    assert again.number == 2


def test_applications_wait_for_the_published_policy(manager, district_member):
    fair = make_fair()
    with pytest.raises(ValidationError, match="policy"):
        apply(fair, district_member)


def test_the_window_is_enforced_for_district_members(manager, district_member):
    fair = make_fair(opens=timezone.localdate() + timedelta(days=3))
    publish_policy(fair, manager)
    with pytest.raises(ValidationError, match="not open"):
        apply(fair, district_member)


def test_review_needs_a_reason_for_every_decision(manager):
    fair = make_fair()
    publish_policy(fair, manager)
    application = apply(fair, manager)
    with pytest.raises(ValidationError):
        applications.application_review(
            application=application, by=manager, status=ApplicationStatus.REJECTED, reason=" "
        )
    applications.application_review(
        application=application,
        by=manager,
        status=ApplicationStatus.NEEDS_INFO,
        reason="แนบรูปสินค้า",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEEDS_INFO
    assert application.review_reason == "แนบรูปสินค้า"


def test_a_district_member_cannot_review(manager, district_member):
    fair = make_fair()
    publish_policy(fair, manager)
    application = apply(fair, district_member)
    with pytest.raises(PermissionDenied):
        make_eligible(application, district_member)


# --- Freeze, source, draw --------------------------------------------------------------


def test_the_frozen_list_is_published_with_its_hash_and_cannot_change(manager):
    fair = make_fair()
    publish_policy(fair, manager)
    for _i in range(3):
        make_eligible(apply(fair, manager, stars=4), manager)
    rejected = apply(fair, manager)
    applications.application_review(
        application=rejected, by=manager, status=ApplicationStatus.REJECTED, reason="ไม่ใช่ OTOP"
    )
    with pytest.raises(ValidationError, match="after applications have closed"):
        lottery.list_freeze(fair=fair, by=manager)
    fair = close_window(fair)
    frozen = lottery.list_freeze(fair=fair, by=manager)
    assert frozen.entries.count() == 3
    assert frozen.list_hash == lottery_module.frozen_list_hash(lottery.applicants_of(frozen))
    assert all(e.stars == 4 and e.tickets == 2 for e in frozen.entries.all())
    with pytest.raises(InternalError), transaction.atomic():
        FrozenList.objects.filter(pk=frozen.pk).update(list_hash="0" * 64)


def test_freezing_waits_for_every_decision(manager):
    fair = make_fair()
    publish_policy(fair, manager)
    apply(fair, manager)
    fair = close_window(fair)
    with pytest.raises(ValidationError, match="wait for a decision"):
        lottery.list_freeze(fair=fair, by=manager)


def test_infeasible_quotas_are_refused_before_the_draw_naming_the_quota(manager):
    fair = make_fair()
    publish_policy(fair, manager, district_min=1)  # 9 districts, applicants from one
    make_eligible(apply(fair, manager), manager)
    fair = close_window(fair)
    with pytest.raises(ValidationError) as refused:
        lottery.list_freeze(fair=fair, by=manager)
    from members.models import District

    named = District.objects.get(code="2702").name
    assert f"district {named}: the minimum of 1 booths cannot be met" in " ".join(
        refused.value.messages
    )


def test_the_source_needs_a_second_person_who_types_it_again(manager, second):
    fair = make_fair()
    publish_policy(fair, manager)
    make_eligible(apply(fair, manager), manager)
    fair = close_window(fair)
    lottery.list_freeze(fair=fair, by=manager)
    source = lottery.source_enter(fair=fair, by=manager, text=SOURCE)
    with pytest.raises(ValidationError, match="second person"):
        lottery.source_confirm(source=source, by=manager, retyped=SOURCE)
    with pytest.raises(ValidationError):
        lottery.source_confirm(source=source, by=second, retyped=SOURCE.replace("123456", "123465"))
    with pytest.raises(ValidationError, match="confirmed first"):
        lottery.draw_run(fair=fair, by=manager, official=True)
    lottery.source_confirm(source=source, by=second, retyped="  " + SOURCE + " ")
    with pytest.raises(InternalError), transaction.atomic():
        RandomSource.objects.filter(pk=source.pk).update(text="999999")


def test_the_official_draw_is_stored_once_and_never_changed(manager):
    fair, draw = drawn_fair(by=manager, publish=False)
    assert draw.official and not draw.is_published
    lines = list(draw.lines.all())
    assert len(lines) == 12
    selected = [line for line in lines if line.outcome == Outcome.SELECTED]
    # 8 standard booths for 10 textile applicants, 4 food booths for 2 food applicants
    assert len(selected) == 10
    assert sorted(line.waitlist_position for line in lines if line.outcome == Outcome.WAITLIST) == [
        1,
        2,
    ]
    assert all(
        line.booth.booth_type.code == "STD"
        for line in selected
        if line.application.category == "textile"
    )
    assert not any(line.booth.is_reserved for line in selected)
    with pytest.raises(ValidationError, match="already has its official draw"):
        lottery.draw_run(fair=fair, by=manager, official=True)
    with pytest.raises(InternalError), transaction.atomic():
        Draw.objects.filter(pk=draw.pk).update(seed="0" * 64)
    with pytest.raises(InternalError), transaction.atomic():
        DrawLine.objects.filter(draw=draw).update(position=1)


def test_same_list_and_source_same_draw_and_another_source_another(manager):
    fair, draw = drawn_fair(by=manager, publish=False)
    again = lottery.draw_run(fair=fair, by=manager, official=False, source_text=SOURCE)
    other = lottery.draw_run(fair=fair, by=manager, official=False, source_text=SOURCE + " x")

    def outcome(run):
        return [
            (line.application_id, line.position, line.outcome, line.booth_id)
            for line in run.lines.order_by("position")
        ]

    assert again.seed == draw.seed and outcome(again) == outcome(draw)
    assert other.seed != draw.seed and outcome(other) != outcome(draw)
    assert not again.official


# --- After the draw ----------------------------------------------------------------------


def _offers(fair):
    return list(Holding.objects.filter(fair=fair).select_related("application", "booth"))


def test_publishing_makes_offers_that_expire_after_48_hours(manager):
    fair, _draw = drawn_fair(by=manager)
    offers = _offers(fair)
    assert len(offers) == 10
    now = timezone.now()
    assert all(h.state(now) == HoldingState.OFFERED for h in offers)
    later = now + timedelta(hours=48, minutes=1)
    assert all(h.state(later) == HoldingState.EXPIRED for h in offers)
    with pytest.raises(ValidationError, match="expired"):
        holdings.offer_accept(holding=offers[0], by=manager, now=later)


def test_a_declined_booth_goes_to_the_waitlist_of_the_same_type(manager):
    fair, draw = drawn_fair(by=manager)
    std = next(h for h in _offers(fair) if h.booth.booth_type.code == "STD")
    holdings.offer_decline(holding=std, by=manager)
    first_waiting = draw.lines.get(waitlist_position=1).application
    refill = Holding.objects.get(fair=fair, booth=std.booth, ended_at__isnull=True)
    assert refill.application == first_waiting
    assert refill.kind == "waitlist"


def test_expired_offers_are_refilled_when_asked(manager):
    fair, draw = drawn_fair(by=manager)
    later = timezone.now() + timedelta(hours=49)
    std = [h for h in _offers(fair) if h.booth.booth_type.code == "STD"]
    for holding in std[1:]:
        holdings.offer_accept(holding=holding, by=manager)
    made = holdings.waitlist_refill(fair=fair, by=manager, now=later)
    # only the one unanswered STD booth: the food booths have no waitlist, and those
    # whose offer lapsed are not offered again by themselves
    assert len(made) == 1
    assert made[0].booth == std[0].booth
    assert made[0].application == draw.lines.get(waitlist_position=1).application


def test_fees_paid_confirm_and_unpaid_booths_are_released(manager):
    fair, _draw = drawn_fair(by=manager, applicants=0, food=2)
    first, second = _offers(fair)
    holdings.offer_accept(holding=first, by=manager)
    holdings.offer_accept(holding=second, by=manager)
    first.refresh_from_db()
    assert first.state() == HoldingState.AWAITING_PAYMENT
    with pytest.raises(ValidationError):
        holdings.payment_record(holding=first, by=manager, amount=Decimal("301"), method="cash")
    holdings.payment_record(holding=first, by=manager, amount=Decimal("100"), method="cash")
    holdings.payment_record(holding=first, by=manager, amount=Decimal("200"), method="transfer")
    first.refresh_from_db()
    assert first.state() == HoldingState.CONFIRMED
    second.refresh_from_db()
    after_deadline = second.payment_due_at + timedelta(minutes=1)
    assert second.state(after_deadline) == HoldingState.UNPAID
    with pytest.raises(ValidationError, match="deadline"):
        holdings.payment_record(
            holding=second, by=manager, amount=Decimal("300"), method="cash", now=after_deadline
        )


def test_a_booth_is_never_held_twice(manager):
    fair, _draw = drawn_fair(by=manager)
    a, b = _offers(fair)[:2]
    with pytest.raises(ValidationError, match="already held"):
        holdings.booth_move(holding=a, booth=b.booth, by=manager, reason="ใกล้ปลั๊ก")
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.create(
            fair=fair,
            booth=a.booth,
            application=b.application,
            kind="manual",
            note="x",
            period=a.period,
            offered_at=a.offered_at,
            offer_expires_at=a.offer_expires_at,
            fee=0,
            created_by=manager,
        )


def test_moves_and_swaps_keep_acceptance_and_need_a_reason(manager):
    fair, _draw = drawn_fair(by=manager, applicants=6)
    a, b = [h for h in _offers(fair) if h.booth.booth_type.code == "STD"][:2]
    holdings.offer_accept(holding=a, by=manager)
    free = holdings.free_booths(fair, timezone.now())
    with pytest.raises(ValidationError):
        holdings.booth_move(holding=a, booth=free[0], by=manager, reason="")
    moved = holdings.booth_move(holding=a, booth=free[0], by=manager, reason="ต้องการปลั๊กไฟ")
    assert moved.accepted_at is not None and moved.booth == free[0]
    x, y = holdings.booth_swap(first=moved, second=b, by=manager, reason="แลกกันตามคำขอ")
    assert x.booth == b.booth and y.booth == free[0]
    assert x.state() == HoldingState.CONFIRMED and y.state() == HoldingState.OFFERED


def test_withdrawing_after_the_draw_frees_the_booth_for_the_waitlist(manager):
    fair, _draw = drawn_fair(by=manager)
    std = next(h for h in _offers(fair) if h.booth.booth_type.code == "STD")
    applications.application_withdraw(application=std.application, by=manager, reason="ป่วย")
    assert Holding.objects.filter(booth=std.booth).active_at().get().application != std.application


def test_withdrawn_after_the_freeze_stays_in_the_list_and_is_skipped(manager, second):
    fair = make_fair()
    publish_policy(fair, manager)
    apps = [apply(fair, manager) for _i in range(4)]
    for a in apps:
        make_eligible(a, manager)
    fair = close_window(fair)
    frozen = lottery.list_freeze(fair=fair, by=manager)
    applications.application_withdraw(application=apps[0], by=manager, reason="ไม่ว่าง")
    source = lottery.source_enter(fair=fair, by=manager, text=SOURCE)
    lottery.source_confirm(source=source, by=second, retyped=SOURCE)
    draw = lottery.draw_run(fair=fair, by=manager, official=True)
    line = draw.lines.get(application=apps[0])
    assert line.outcome == Outcome.WITHDRAWN and line.booth is None
    assert draw.withdrawn() == [apps[0].number]
    assert frozen.entries.count() == 4


def test_check_in_and_sales_on_fair_days(manager, district_member):
    fair, _draw = drawn_fair(by=manager, applicants=2, food=0)
    holding = _offers(fair)[0]
    holdings.offer_accept(holding=holding, by=manager)
    day = fair.starts_on
    with pytest.raises(ValidationError, match="not come"):
        holdings.sales_record(holding=holding, day=day, amount=Decimal("1500"), by=manager)
    from fairs.models import Fair

    today = timezone.localdate()
    Fair.objects.filter(pk=fair.pk).update(
        applications_open_on=today - timedelta(days=9),
        applications_close_on=today - timedelta(days=8),
        starts_on=today - timedelta(days=1),
        ends_on=today,
    )
    holding.refresh_from_db()
    day = timezone.localdate()
    holdings.attendance_record(holding=holding, day=day, present=True, by=manager)
    holdings.sales_record(holding=holding, day=day, amount=Decimal("1500.50"), by=manager)
    again = holdings.sales_record(holding=holding, day=day, amount=Decimal("1600"), by=manager)
    assert again.amount == Decimal("1600.00")
    assert holding.application.sales.count() == 1


def test_booths_zones_and_types_are_fixed_once_the_list_is_frozen(manager):
    from fairs.models import Booth, BoothType, Zone

    fair, _draw = drawn_fair(by=manager, publish=False)
    booth = fair.booths.first()
    for change in (
        lambda: Booth.objects.filter(pk=booth.pk).update(code="X99"),
        lambda: Zone.objects.filter(fair=fair).update(is_prime=False),
        lambda: BoothType.objects.filter(fair=fair).update(fee=Decimal("1")),
        lambda: Booth.objects.create(
            fair=fair, zone=booth.zone, booth_type=booth.booth_type, code="NEW", width=3,
            height=3,
        ),
    ):  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            change()


def test_a_booth_given_by_hand_is_of_the_type_asked_for(manager):
    fair, draw = drawn_fair(by=manager, applicants=10, food=0)
    waiting = draw.lines.get(waitlist_position=1).application
    food_booth = holdings.free_booths(fair, timezone.now())[0]
    assert food_booth.booth_type.code == "FOOD"
    with pytest.raises(ValidationError, match="type the application asked for"):
        holdings.booth_give(application=waiting, booth=food_booth, by=manager, reason="กลับมา")


def test_the_same_payment_sent_twice_is_recorded_once(manager):
    fair, _draw = drawn_fair(by=manager, applicants=0, food=1)
    holding = _offers(fair)[0]
    holdings.offer_accept(holding=holding, by=manager)
    holdings.payment_record(holding=holding, by=manager, amount=Decimal("100"), method="cash")
    with pytest.raises(ValidationError, match="a moment ago"):
        holdings.payment_record(holding=holding, by=manager, amount=Decimal("100"), method="cash")
    assert holding.payments.count() == 1


def test_freezing_needs_the_announced_lottery_draw(manager):
    from fairs.models import Fair

    fair = make_fair()
    publish_policy(fair, manager)
    make_eligible(apply(fair, manager), manager)
    fair = close_window(fair)
    Fair.objects.filter(pk=fair.pk).update(lottery_date=None)
    fair.refresh_from_db()
    with pytest.raises(ValidationError, match="Government Lottery"):
        lottery.list_freeze(fair=fair, by=manager)
