"""Building fairs for tests: a fair with zones, booth types and booths; producers
applying; the whole pipeline up to a published draw. Every step goes through the
services, so what a test builds is what users can build."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from fairs.models import (
    ApplicationStatus,
    Booth,
    BoothType,
    Fair,
    FairSeries,
    PolicyQuota,
    Zone,
)
from fairs.services import applications, lottery, setup
from tests.factories import ProducerFactory, ProductFactory, UserFactory, sa_kaeo_district

SOURCE = "งวด 1 ธ.ค. 2568 รางวัลที่ 1 123456 เลขหน้า 3 ตัว 111 222 เลขท้าย 3 ตัว 333 444 เลขท้าย 2 ตัว 55"


def make_fair(
    *,
    series: FairSeries | None = None,
    name: str = "งานสืบสานวัฒนธรรมเบื้องบูรพาและงานกาชาด",
    opens: date | None = None,
    standard: int = 8,
    food: int = 4,
    fee: Decimal = Decimal("0.00"),
    food_fee: Decimal = Decimal("300.00"),
    reserved: int = 1,
) -> Fair:
    """A fair whose application window is open today (unless `opens` says otherwise):
    zones A (prime) and B, booth types STD (fee `fee`) and FOOD (power and water,
    `food_fee`), `standard` + `food` drawable booths and `reserved` reserved ones."""
    today = timezone.localdate()
    opens = opens or today - timedelta(days=5)
    series = series or FairSeries.objects.get_or_create(name="บูรพา-กาชาด สระแก้ว")[0]
    fair = Fair.objects.create(
        series=series,
        name=name,
        venue="สนามหน้าศาลากลางจังหวัดสระแก้ว",
        applications_open_on=opens,
        applications_close_on=opens + timedelta(days=20),
        lottery_date=opens + timedelta(days=21),
        starts_on=opens + timedelta(days=40),
        ends_on=opens + timedelta(days=47),
    )
    prime = Zone.objects.create(fair=fair, code="A", name="หน้าเวที", is_prime=True)
    other = Zone.objects.create(fair=fair, code="B", name="ริมทางเดิน")
    std = BoothType.objects.create(
        fair=fair, code="STD", name="บูธมาตรฐาน", width_m=3, depth_m=3, fee=fee
    )
    food_type = BoothType.objects.create(
        fair=fair,
        code="FOOD",
        name="บูธอาหาร",
        width_m=3,
        depth_m=3,
        fee=food_fee,
        has_power=True,
        has_water=True,
    )
    order = 0
    for i in range(standard):
        order += 1
        Booth.objects.create(
            fair=fair,
            zone=prime if i % 2 == 0 else other,
            booth_type=std,
            code=f"S{i + 1:02d}",
            order=order,
            x=Decimal(3 * i),
            y=0,
            width=3,
            height=3,
        )
    for i in range(food):
        order += 1
        Booth.objects.create(
            fair=fair,
            zone=other,
            booth_type=food_type,
            code=f"F{i + 1:02d}",
            order=order,
            x=Decimal(3 * i),
            y=6,
            width=3,
            height=3,
        )
    for i in range(reserved):
        Booth.objects.create(
            fair=fair,
            zone=prime,
            booth_type=std,
            code=f"R{i + 1:02d}",
            order=100 + i,
            x=Decimal(3 * i),
            y=12,
            width=3,
            height=3,
            reserved_for="red_cross",
            reserved_note="ร้านกาชาดจังหวัดสระแก้ว",
        )
    return fair


def fair_manager(username: str = "fairstaff"):
    return UserFactory(staff=True, username=username)


def publish_policy(fair: Fair, by, *, district_min: int = 0, district_max: int | None = None):
    """Version 1 with the district quotas set to `district_min`..`district_max`."""
    policy = setup.policy_new_version(fair=fair, by=by)
    PolicyQuota.objects.filter(policy=policy, kind="district").update(
        minimum=district_min, maximum=district_max
    )
    return setup.policy_publish(policy=policy, by=by)


def apply(
    fair: Fair,
    by,
    *,
    district: str = "2701",
    category: str = "textile",
    booth_type="STD",
    zones=("A", "B"),
    producer=None,
    stars: int | None = None,
):
    producer = producer or ProducerFactory(district=sa_kaeo_district(district))
    product = ProductFactory(producer=producer)
    if stars is not None:
        from tests.factories import StarRatingFactory

        StarRatingFactory(product=product, stars=stars, verified_at=timezone.now(), verified_by=by)
    zone_rows = {z.code: z for z in fair.zones.all()}
    return applications.application_submit(
        fair=fair,
        producer=producer,
        by=by,
        category=category,
        booth_type=fair.booth_types.get(code=booth_type),
        zones=[zone_rows[z] for z in zones],
        products=[product],
    )


def make_eligible(application, by):
    return applications.application_review(
        application=application, by=by, status=ApplicationStatus.ELIGIBLE, reason="ผ่านเกณฑ์"
    )


def close_window(fair: Fair) -> Fair:
    """Move the window into the past (the fair itself still ahead)."""
    today = timezone.localdate()
    Fair.objects.filter(pk=fair.pk).update(
        applications_open_on=today - timedelta(days=30),
        applications_close_on=today - timedelta(days=1),
    )
    fair.refresh_from_db()
    return fair


def drawn_fair(
    *,
    applicants: int = 10,
    food: int = 2,
    by=None,
    second=None,
    publish: bool = True,
    **fair_kwargs,
):
    """A fair through the whole pipeline: `applicants` eligible textile applications
    (STD booths) from districts 2701 and 2706 alternately plus `food` food ones, the
    list frozen, the source confirmed, the official draw run (and published)."""
    by = by or fair_manager()
    second = second or UserFactory(staff=True, username=f"{by.username}-2")
    fair = make_fair(**fair_kwargs)
    publish_policy(fair, by)
    for i in range(applicants):
        make_eligible(apply(fair, by, district="2701" if i % 2 == 0 else "2706"), by)
    for _i in range(food):
        make_eligible(
            apply(fair, by, district="2706", category="food", booth_type="FOOD", zones=("B",)), by
        )
    fair = close_window(fair)
    lottery.list_freeze(fair=fair, by=by)
    source = lottery.source_enter(fair=fair, by=by, text=SOURCE)
    lottery.source_confirm(source=source, by=second, retyped=SOURCE)
    draw = lottery.draw_run(fair=fair, by=by, official=True)
    if publish:
        lottery.draw_publish(draw=draw, by=by)
    return fair, draw
