"""Fairs for the report tests, built through the services: a fair after its draw with
offers accepted, declined and moved, fees paid in part and corrected, attendance and
sales on the fair days; and a small two-edition case for the fairness figures."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fairs.models import ApplicationStatus, Draw, Fair, FairSeries, Holding
from fairs.services import applications, holdings, lottery
from tests.factories import UserFactory
from tests.fairs.builders import (
    SOURCE,
    apply,
    close_window,
    fair_manager,
    make_eligible,
    make_fair,
    publish_policy,
)

STD_FEE = Decimal("200.00")
FOOD_FEE = Decimal("300.00")


def run_draw(fair: Fair, by, second=None) -> Draw:
    """Freeze, the random source typed in and confirmed, the official draw, published."""
    second = second or UserFactory(staff=True)
    lottery.list_freeze(fair=fair, by=by)
    source = lottery.source_enter(fair=fair, by=by, text=SOURCE)
    lottery.source_confirm(source=source, by=second, retyped=SOURCE)
    draw = lottery.draw_run(fair=fair, by=by, official=True)
    return lottery.draw_publish(draw=draw, by=by)


def fair_days_around_today(fair: Fair) -> Fair:
    """The fair from yesterday to tomorrow (its window before), so its days can be recorded."""
    today = timezone.localdate()
    Fair.objects.filter(pk=fair.pk).update(
        applications_open_on=today - timedelta(days=30),
        applications_close_on=today - timedelta(days=2),
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    fair.refresh_from_db()
    return fair


def _offers(fair: Fair) -> list[Holding]:
    return list(
        Holding.objects.filter(fair=fair, ended_at__isnull=True)
        .select_related("booth__booth_type", "application__producer", "fair")
        .order_by("booth__code")
    )


@dataclass
class Reported:
    fair: Fair
    draw: Draw
    by: object
    paid: Holding  # STD of 2701, paid in full: present both days, with sales
    part_paid: Holding  # STD of 2706, 100 paid after a cancelled 150
    no_show: Holding  # STD, paid: absent yesterday
    declined: Holding  # STD, declined: refilled from the waitlist
    moved: Holding  # FOOD, paid, then moved to the other food booth
    rejected: object  # an application rejected before the freeze
    withdrawn: object  # an application withdrawn before the freeze


def reported_fair(by=None, *, textile: int = 5) -> Reported:
    """Booths S01–S04 (STD, fee 200; S01, S03 in the prime zone A), F01–F02 (FOOD, fee
    300) and R01 (reserved). `textile` eligible STD applications alternating 2701/2706
    (four are selected, the rest wait), one food application (2706), one rejected
    (2701), one withdrawn (2706). After the draw: offers accepted, paid, part paid with
    a correction, declined (refilled from the waitlist) and moved; the fair from
    yesterday to tomorrow with attendance and sales."""
    by = by or fair_manager()
    fair = make_fair(standard=4, food=2, reserved=1, fee=STD_FEE, food_fee=FOOD_FEE)
    publish_policy(fair, by)
    for i in range(textile):
        make_eligible(apply(fair, by, district="2701" if i % 2 == 0 else "2706"), by)
    make_eligible(
        apply(fair, by, district="2706", category="food", booth_type="FOOD", zones=("B",)), by
    )
    rejected = applications.application_review(
        application=apply(fair, by, district="2701"),
        by=by,
        status=ApplicationStatus.REJECTED,
        reason="เอกสารไม่ครบ",
    )
    withdrawn = applications.application_withdraw(
        application=apply(fair, by, district="2706"), by=by, reason="ไม่สะดวก"
    )
    fair = close_window(fair)
    draw = run_draw(fair, by)
    fair = fair_days_around_today(fair)
    offers = _offers(fair)
    std = [h for h in offers if h.booth.booth_type.code == "STD"]
    food = next(h for h in offers if h.booth.booth_type.code == "FOOD")
    # the roles by district whatever the draw's order (with the default five textile
    # applicants both districts are drawn): paid 2701, part paid 2706
    std.sort(key=lambda h: h.application.district_id)
    paid, part_paid = std[0], std[-1]
    no_show, declined = std[1:3]
    for holding in (paid, part_paid, no_show, food):
        holdings.offer_accept(holding=holding, by=by)
    holdings.payment_record(holding=paid, by=by, amount=STD_FEE, method="cash", reference="R1")
    holdings.payment_record(holding=no_show, by=by, amount=STD_FEE, method="transfer")
    wrong = holdings.payment_record(
        holding=part_paid, by=by, amount=Decimal("150"), method="cash", reference="R2"
    )
    holdings.payment_correct(payment=wrong, by=by, reason="บันทึกผิดยอด")
    holdings.payment_record(holding=part_paid, by=by, amount=Decimal("100"), method="cash")
    holdings.payment_record(holding=food, by=by, amount=FOOD_FEE, method="cash", reference="R3")
    holdings.offer_decline(holding=declined, by=by)
    free_food = fair.booths.get(code="F02" if food.booth.code == "F01" else "F01")
    moved = holdings.booth_move(holding=food, booth=free_food, by=by, reason="ใกล้ก๊อกน้ำ")
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    for holding, day, present in (
        (paid, yesterday, True),
        (paid, today, True),
        (moved, yesterday, True),
        (moved, today, False),
        (no_show, yesterday, False),
    ):
        holdings.attendance_record(holding=_fresh(holding), day=day, present=present, by=by)
    for holding, day, amount in (
        (paid, yesterday, "1500.50"),
        (paid, today, "2000"),
        (moved, yesterday, "3000"),
    ):
        holdings.sales_record(holding=_fresh(holding), day=day, amount=Decimal(amount), by=by)
    return Reported(
        fair, draw, by, _fresh(paid), _fresh(part_paid), _fresh(no_show), _fresh(declined),
        _fresh(moved), rejected, withdrawn,
    )  # fmt: skip


def _fresh(holding: Holding) -> Holding:
    return Holding.objects.select_related("booth", "application__producer", "fair").get(
        pk=holding.pk
    )


def small_fair(by=None) -> Reported:
    """The same story with one row each: one applicant (2701), accepted, paid, present
    and selling on one day; for counting queries against `reported_fair`."""
    by = by or fair_manager()
    series = FairSeries.objects.get_or_create(name="ตลาดนัดสินค้าโอทอปเล็ก")[0]
    fair = make_fair(series=series, standard=1, food=0, reserved=0, fee=STD_FEE)
    publish_policy(fair, by)
    make_eligible(apply(fair, by, district="2701"), by)
    fair = close_window(fair)
    draw = run_draw(fair, by)
    fair = fair_days_around_today(fair)
    (holding,) = _offers(fair)
    holdings.offer_accept(holding=holding, by=by)
    holdings.payment_record(holding=holding, by=by, amount=STD_FEE, method="cash")
    today = timezone.localdate()
    holdings.attendance_record(holding=_fresh(holding), day=today, present=True, by=by)
    holdings.sales_record(holding=_fresh(holding), day=today, amount=Decimal("500"), by=by)
    holding = _fresh(holding)
    return Reported(fair, draw, by, holding, holding, holding, holding, holding, None, None)


@dataclass
class TwoEditions:
    last: Fair
    fair: Fair
    last_draw: Draw
    draw: Draw
    producers: dict  # name → Producer: a1, a2 (2701), b1, b2 (2706), a3 (2701, new)


def two_editions(by=None) -> TwoEditions:
    """Last fair: booths S01 (prime zone A) and S02 (zone B), district maximum 1, four
    textile applicants a1, a2 (2701), b1, b2 (2706): one per district is selected, both
    accept; the other two miss. This fair: the same booths and maximum, the same four
    applicants and a3 (2701). The maximum forces one booth per district; the two
    selected choose A then B, last fair's prime holder after the others."""
    from tests.factories import ProducerFactory, sa_kaeo_district

    by = by or fair_manager()
    today = timezone.localdate()
    producers = {
        name: ProducerFactory(name=f"ผู้ผลิต {name}", district=sa_kaeo_district(district))
        for name, district in (
            ("a1", "2701"), ("a2", "2701"), ("b1", "2706"), ("b2", "2706"), ("a3", "2701"),
        )
    }  # fmt: skip
    last = make_fair(
        name="งานครั้งก่อน", opens=today - timedelta(days=100), standard=2, food=0, reserved=0
    )
    publish_policy(last, by, district_max=1)
    for name in ("a1", "a2", "b1", "b2"):
        make_eligible(apply(last, by, producer=producers[name]), by)
    last_draw = run_draw(last, by)
    for holding in Holding.objects.filter(fair=last):
        holdings.offer_accept(holding=holding, by=by)
    fair = make_fair(standard=2, food=0, reserved=0)
    publish_policy(fair, by, district_max=1)
    for name in ("a1", "a2", "b1", "b2", "a3"):
        make_eligible(apply(fair, by, producer=producers[name]), by)
    fair = close_window(fair)
    draw = run_draw(fair, by)
    return TwoEditions(last, fair, last_draw, draw, producers)
