"""Demo data for the fairs (seed_demo): the Burapha and Red Cross fair of the story
(งานสืบสานวัฒนธรรมเบื้องบูรพาและงานกาชาดจังหวัดสระแก้ว), last year's edition and this
year's, and a small market open for applications today — so that every fair page opens
on real data: the front page's four groups, the plan coloured by occupant, applications
in every status, the frozen list, the confirmed source, official and unofficial draws,
the public verification, offers, the waitlist, payments, moves, check-in, daily sales,
letters and every report (the fairness report compares with last year).

What it holds (dates are offsets from today, so the demo looks the same on any day):

- **Last year's edition**, held about nine months ago for nine days: 52 booths on the
  field in front of the provincial hall (zones A "ลานหน้าเวทีกลาง" — prime — B "ถนนคนเดิน",
  C "โซนอาหาร", D "ตลาดเกษตรกร"; booth types STD 3×3 m free of charge, FOOD 3×3 m with power
  and water for 300 baht, FRESH 2×2 m free), three of them reserved beforehand (the Red
  Cross shop, the provincial CDD office's exhibition, an invited producer). About sixty
  applications from the demo producers of all nine districts, the list frozen, the random
  source typed in by one person and confirmed by another, the official draw published,
  the offers answered (one declined and refilled from the waitlist, one not answered in
  time and refilled), the fees paid, check-in on every day with two no-shows, and each
  booth's daily sales.
- **This year's edition**, the fair days three weeks ahead: applications closed two
  weeks ago (two needed information and were completed, two were rejected, one withdrew
  before the deadline and one after the list was frozen); the list frozen, the source
  confirmed by two different people, the official draw run and published six days ago
  (and an unofficial re-run with another source); last year's misses carry extra tickets
  and last year's prime-zone holders chose after the others. Most offers were accepted
  and the food booths paid; one was declined and went to the waitlist, two were not
  answered and the committee refilled them, two holders swapped booths, one food booth's
  fee was not paid by the deadline (so the booth is free again and the waitlist can take
  it), and yesterday a holder in Mueang Sa Kaeo gave their booth back, so the next on the
  waitlist has an offer waiting for an answer today.
- **A market open for applications today** (another series): a few applications waiting
  for review and one that needs information from Mueang Sa Kaeo.

Who acts: the demo logins of members/demo.py. `officer.fair` (the fair committee)
reviews, freezes, types the random source in, runs and publishes the draws, refills from
the waitlist and records check-in; `cdd.staff` (provincial staff) sets the fairs up,
confirms the random source, takes the booth fees and swaps booths; each district's chair
applies for its producers and answers the offers, its secretary enters the daily sales.

Everything is written through the services (fairs.services.*), in date order. The
services read the clock, so each step runs under `clock(moment)`, which makes
`timezone.now()` — and the fairs' "created at" defaults — say that moment: the records
carry the dates they would have had, and the services' own checks (the window, the
freeze after the deadline, offers expiring, a fair day that has come) hold as they did
then.

Deterministic: the plan is drawn from one `random.Random(SEED)` in a fixed order, over
the demo producers in the order of their CDD codes. Written once: when the Burapha
series already has its fairs the seeder leaves them alone (the draws and payments are
append-only, and a run on a later day would be a second, different history).
"""

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from unittest import mock

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fairs.models import (
    ApplicationStatus,
    Booth,
    BoothType,
    Fair,
    FairCategory,
    FairSeries,
    Holding,
    HoldingState,
    PaymentMethod,
    PolicyQuota,
    QuotaKind,
    ReservedFor,
    Zone,
)
from fairs.services import applications, holdings, lottery, setup
from members.demo_registry import CODE_PREFIX
from members.models import Category, Producer, Role, User
from otop_portal.lib.demo import DemoLogin

SEED = 2569
COMMITTEE = "officer.fair"  # the fair committee
STAFF = "cdd.staff"  # provincial staff
SERIES = "งานสืบสานวัฒนธรรมเบื้องบูรพาและงานกาชาดจังหวัดสระแก้ว"
SERIES_EN = "Burapha Heritage Culture Festival and Sa Kaeo Red Cross Fair"
VENUE = "บริเวณสนามหน้าศาลากลางจังหวัดสระแก้ว"
MARKET_SERIES = "ตลาดนัดสินค้า OTOP และสินค้าเกษตรปลอดภัย จังหวัดสระแก้ว"
MARKET_VENUE = "ลานอเนกประสงค์ ศูนย์ราชการจังหวัดสระแก้ว"
OWN_DISTRICT = "2701"  # เมืองสระแก้ว: a holder gives a booth back; an application needs info

THIS_YEAR_STARTS = 21  # days after today; last year's edition a year before
FAIR_DAYS = 9

# Zones: code, name, prime or not, colour on the plan.
ZONES = (
    ("A", "ลานหน้าเวทีกลาง", True, "#f6c94c"),
    ("B", "ถนนคนเดิน", False, "#8ecae6"),
    ("C", "โซนอาหาร", False, "#f4a261"),
    ("D", "ตลาดเกษตรกร", False, "#90be6d"),
)
# Booth types: code, name, width and depth in metres, fee in baht, power, water.
BOOTH_TYPES = (
    ("STD", "บูธมาตรฐาน OTOP", 3, 3, "0", False, False),
    ("FOOD", "บูธอาหารและเครื่องดื่ม (มีไฟฟ้าและน้ำประปา)", 3, 3, "300", True, True),
    ("FRESH", "แผงสินค้าเกษตรสด", 2, 2, "0", False, False),
)
# Rows of booths along x: (zone, booth type, how many, y of the row, first number)
ROWS_OF_BOOTHS = (
    ("A", "STD", 15, 0, 1),
    ("B", "STD", 9, 8, 1),
    ("B", "STD", 9, 14, 10),
    ("C", "FOOD", 14, 22, 1),
    ("D", "FRESH", 5, 29, 1),
)
RESERVED = {
    "A01": (ReservedFor.RED_CROSS, "ร้านกาชาดจังหวัดสระแก้ว"),
    "A02": (ReservedFor.AGENCY, "สำนักงานพัฒนาชุมชนจังหวัดสระแก้ว: นิทรรศการผลิตภัณฑ์ OTOP"),
    "A15": (ReservedFor.INVITED, "ผู้ผลิตที่คณะกรรมการจัดงานเชิญ: %s (ผลิตภัณฑ์ 5 ดาว)"),
}
FRESH_GOODS = {"มะม่วงน้ำดอกไม้สีทอง", "ข้าวหอมมะลิ", "ข้าวกล้องหอมมะลิ", "ข้าวไรซ์เบอร์รี่"}
SALES_PER_DAY = {  # a booth's usual takings on a weekday, baht
    Category.FOOD: 2600,
    Category.BEVERAGE: 2100,
    Category.TEXTILE: 4200,
    Category.DECOR: 2800,
    Category.HERBAL: 2300,
    FairCategory.FRESH: 1900,
}
ELIGIBLE_REASON = "ผ่านเกณฑ์: เป็นสมาชิกเครือข่าย สินค้าตรงหมวดที่สมัคร"
NEEDS_INFO_REASONS = (
    "ขอรายการสินค้าที่จะนำมาจำหน่ายพร้อมราคาโดยประมาณ",
    "ขอภาพถ่ายสินค้าและจำนวนที่จะนำมาจำหน่ายต่อวัน",
)
COMPLETED_NOTE = "แนบรายการสินค้าและราคาแล้ว ตามที่คณะกรรมการขอ"
REJECT_REASONS = (
    "สินค้าที่แจ้งไม่ได้ผลิตในจังหวัดสระแก้ว (รับซื้อมาจำหน่ายต่อ)",
    "ยังไม่ได้ต่ออายุสมาชิกเครือข่ายปีนี้ ตามเงื่อนไขการสมัคร",
)
POLICY_NOTES = (
    "บูธมาตรฐานและแผงสินค้าเกษตรไม่เก็บค่าบูธ บูธอาหารเก็บค่าไฟฟ้าและน้ำ 300 บาท "
    "ผู้ได้สิทธิ์ตอบรับภายใน 48 ชั่วโมงผ่านกรรมการเครือข่ายอำเภอ"
)


# --- The clock ---------------------------------------------------------------------------

_REAL_NOW = timezone.now


@cache
def _stamped_fields() -> list:
    """The fairs' fields that default to the time of writing."""
    return [
        model_field
        for model in apps.get_app_config("fairs").get_models()
        for model_field in model._meta.concrete_fields
        if model_field.default is _REAL_NOW
    ]


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Run what follows as if it were `moment` (in the past): the services' and the
    models' `timezone.now()`, and the fairs' timestamp defaults, say that moment."""
    if moment > _REAL_NOW():
        raise ValueError(f"The demo does not write the future: {moment}")
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(timezone, "now", lambda: moment))
        for stamped in _stamped_fields():
            stack.enter_context(mock.patch.object(stamped, "get_default", lambda: moment))
        yield


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- The plan ----------------------------------------------------------------------------


@dataclass
class Applicant:
    """A demo producer and how it applies: the same each year, but for the zones."""

    producer: Producer
    chair: User  # applies and answers offers
    secretary: User  # enters the daily sales
    category: str
    booth_type: str
    products: list
    note: str = ""


@dataclass
class Edition:
    fair: Fair
    applied: list = field(default_factory=list)  # (Applicant, Application)


@dataclass
class People:
    committee: User
    staff: User
    chairs: dict  # district code -> User
    secretaries: dict


def seed_fairs() -> list[DemoLogin]:
    """Write the fairs once (see the module docstring)."""
    if FairSeries.objects.filter(name=SERIES, fairs__isnull=False).exists():
        return []
    people = _people()
    producers = list(
        Producer.objects.filter(cdd_code__startswith=CODE_PREFIX, merged_into__isnull=True)
        .select_related("district")
        .prefetch_related("products__ratings")
        .order_by("cdd_code")
    )
    if people is None or len(producers) < 20:
        return []  # the accounts and registry seeders have not run
    Story(random.Random(SEED), timezone.localdate(), people, producers).write()  # noqa: S311
    return [
        DemoLogin(
            COMMITTEE,
            "คณะกรรมการจัดงานบูรพา-กาชาด",
            "ตรวจใบสมัคร ตรึงรายชื่อ จับสลาก เช็กอิน; cdd.staff ยืนยันผลสลากและรับค่าบูธ; "
            "ประธานกรรมการอำเภอสมัครและตอบรับสิทธิ์ เลขานุการบันทึกยอดขาย",
        )
    ]


def _people() -> People | None:
    users = {u.username: u for u in User.objects.filter(username__in=[COMMITTEE, STAFF])}
    if len(users) < 2:
        return None
    chairs, secretaries = {}, {}
    for user in User.objects.filter(
        role=Role.DISTRICT_MEMBER,
        is_active=True,
        district__province_id=settings.PORTAL_PROVINCE_CODE,
    ).filter(Q(username__endswith=".chair") | Q(username__endswith=".secretary")):
        seats = chairs if user.username.endswith(".chair") else secretaries
        seats[user.district_id] = user
    return People(users[COMMITTEE], users[STAFF], chairs, secretaries)


class Story:
    def __init__(self, rng: random.Random, today: date, people: People, producers: list):
        self.rng = rng
        self.today = today
        self.no_shows: set[int] = set()  # producers who never came last year
        self.people = people
        self.invited = self._invited(producers)
        self.applicants = [
            applicant
            for producer in producers
            if producer != self.invited and (applicant := self._applicant(producer)) is not None
        ]

    # --- who applies, and how ---

    @staticmethod
    def _invited(producers: list) -> Producer:
        """The producer the committee invited: the one with the most verified stars."""

        def best(producer):
            stars = [
                rating.stars
                for product in producer.products.all()
                for rating in product.ratings.all()
                if rating.verified_at
            ]
            return (-max(stars, default=0), producer.cdd_code)

        return min(producers, key=best)

    def _applicant(self, producer: Producer) -> Applicant | None:
        chair = self.people.chairs.get(producer.district_id)
        secretary = self.people.secretaries.get(producer.district_id, chair)
        products = sorted(producer.products.all(), key=lambda p: p.name)
        if chair is None or not products:
            return None
        main = Counter(p.category for p in products).most_common(1)[0][0]
        fresh = [p for p in products if p.name in FRESH_GOODS]
        if fresh:
            return Applicant(
                producer,
                chair,
                secretary,
                FairCategory.FRESH,
                "FRESH",
                fresh,
                note="สินค้าเกษตรจากแปลงของสมาชิกกลุ่ม",
            )
        if main == Category.BEVERAGE or (main == Category.FOOD and self.rng.random() < 0.45):
            booth_type = "FOOD"
        else:
            booth_type = "STD"
        chosen = [p for p in products if p.category == main][:3]
        return Applicant(producer, chair, secretary, main, booth_type, chosen)

    def _zones(self, applicant: Applicant) -> list[str]:
        if applicant.booth_type == "FOOD":
            return ["C"]
        if applicant.booth_type == "FRESH":
            return ["D"]
        choice = self.rng.random()
        if choice < 0.6:
            return ["A", "B"]
        if choice < 0.8:
            return ["B", "A"]
        return ["A"] if choice < 0.9 else ["B"]

    # --- the story ---

    def write(self) -> None:
        series = FairSeries.objects.get_or_create(name=SERIES, defaults={"name_en": SERIES_EN})[0]
        last_year = self.last_year(series)
        self.this_year(series, last_year)
        self.market()

    def _fair(self, series, *, name, venue, starts, days, opens, closes, lottery_day, notes=""):
        with clock(at(opens - timedelta(days=20), 9)):
            fair = Fair(
                series=series,
                name=name,
                venue=venue,
                starts_on=starts,
                ends_on=starts + timedelta(days=days - 1),
                applications_open_on=opens,
                applications_close_on=closes,
                lottery_date=lottery_day,
                notes=notes,
            )
            fair.full_clean()
            fair.save()
        return fair

    def _layout(self, fair: Fair, zones=ZONES, types=BOOTH_TYPES, rows=ROWS_OF_BOOTHS) -> None:
        zone_rows = {
            code: Zone.objects.create(
                fair=fair, code=code, name=name, is_prime=prime, colour=colour
            )
            for code, name, prime, colour in zones
        }
        type_rows = {
            code: BoothType.objects.create(
                fair=fair,
                code=code,
                name=name,
                width_m=width,
                depth_m=depth,
                fee=Decimal(fee),
                has_power=power,
                has_water=water,
            )
            for code, name, width, depth, fee, power, water in types
        }
        booths = []
        for zone, booth_type, count, y, first in rows:
            kind = type_rows[booth_type]
            for index in range(count):
                code = f"{zone}{first + index:02d}"
                reserved_for, note = RESERVED.get(code, ("", ""))
                if reserved_for == ReservedFor.INVITED:
                    note %= self.invited.name
                booths.append(
                    Booth(
                        fair=fair,
                        zone=zone_rows[zone],
                        booth_type=kind,
                        code=code,
                        order=first + index,
                        x=Decimal(2 + index * kind.width_m),
                        y=Decimal(y),
                        width=kind.width_m,
                        height=kind.depth_m,
                        reserved_for=reserved_for if fair.series.name == SERIES else "",
                        reserved_note=note if fair.series.name == SERIES else "",
                    )
                )
        Booth.objects.bulk_create(booths)

    def _policy(self, fair: Fair, moment: datetime, *, payment_days: int, quotas: dict) -> None:
        staff = self.people.staff
        with clock(moment):
            policy = setup.policy_new_version(fair=fair, by=staff)
            policy.notes = POLICY_NOTES
            policy.payment_days = payment_days
            policy.full_clean()
            policy.save()
            for (kind, key), (low, high) in quotas.items():
                PolicyQuota.objects.update_or_create(
                    policy=policy, kind=kind, key=key, defaults={"minimum": low, "maximum": high}
                )
        with clock(moment + timedelta(hours=2)):
            setup.policy_publish(policy=policy, by=staff)

    def _district_quotas(self, high: int) -> dict:
        return {
            (QuotaKind.DISTRICT, district): (2, high) for district in sorted(self.people.chairs)
        }

    def _apply(self, edition: Edition, chosen: list, opens: date, closes: date) -> None:
        """Each chosen producer applies on a day of the window, in date order."""
        fair = edition.fair
        zones = {zone.code: zone for zone in fair.zones.all()}
        types = {booth_type.code: booth_type for booth_type in fair.booth_types.all()}
        window = (closes - opens).days
        days = sorted(
            (self.rng.randint(0, window), self.rng.randint(8, 16), self.rng.randint(0, 59), i)
            for i in range(len(chosen))
        )
        for offset, hour, minute, index in days:
            applicant = chosen[index]
            with clock(at(opens + timedelta(days=offset), hour, minute)):
                application = applications.application_submit(
                    fair=fair,
                    producer=applicant.producer,
                    by=applicant.chair,
                    category=applicant.category,
                    booth_type=types[applicant.booth_type],
                    zones=[zones[code] for code in self._zones(applicant)],
                    products=applicant.products,
                    products_note=applicant.note,
                )
            edition.applied.append((applicant, application))

    def _review(self, edition: Edition, *, rejected=(), needs_info=(), withdrawn=()) -> None:
        """The committee decides every application a day or two after it came; those
        asked for information are completed by their district and decided again."""
        committee = self.people.committee
        for applicant, application in edition.applied:
            submitted = application.submitted_at
            if application.pk in withdrawn:
                with clock(submitted + timedelta(days=2, hours=1)):
                    applications.application_withdraw(
                        application=application,
                        by=applicant.chair,
                        reason="ติดออกบูธงานแสดงสินค้าที่กรุงเทพฯ ในช่วงเดียวกัน",
                    )
                continue
            decided = submitted + timedelta(days=1, hours=self.rng.randint(1, 5))
            if application.pk in rejected:
                with clock(decided):
                    applications.application_review(
                        application=application,
                        by=committee,
                        status=ApplicationStatus.REJECTED,
                        reason=REJECT_REASONS[rejected.index(application.pk) % 2],
                    )
                continue
            if application.pk in needs_info:
                reason = NEEDS_INFO_REASONS[needs_info.index(application.pk) % 2]
                with clock(decided):
                    applications.application_review(
                        application=application,
                        by=committee,
                        status=ApplicationStatus.NEEDS_INFO,
                        reason=reason,
                    )
                with clock(decided + timedelta(days=1)):
                    applications.application_change(
                        application=application,
                        by=applicant.chair,
                        category=application.category,
                        booth_type=application.booth_type,
                        zones=application.zones,
                        products=list(application.products.all()),
                        products_note=COMPLETED_NOTE,
                    )
                decided += timedelta(days=2)
            with clock(decided):
                applications.application_review(
                    application=application,
                    by=committee,
                    status=ApplicationStatus.ELIGIBLE,
                    reason=ELIGIBLE_REASON,
                )

    def _draw(self, fair: Fair, lottery_day: date, *, rerun: bool = False):
        committee, staff = self.people.committee, self.people.staff
        source = self._lottery_results(lottery_day)
        with clock(at(lottery_day, 16, 30)):
            entered = lottery.source_enter(fair=fair, by=committee, text=source)
        with clock(at(lottery_day, 17, 10)):
            lottery.source_confirm(source=entered, by=staff, retyped=source)
        drawn_on = lottery_day + timedelta(days=1)
        with clock(at(drawn_on, 9, 30)):
            draw = lottery.draw_run(fair=fair, by=committee, official=True)
        if rerun:
            with clock(at(drawn_on, 9, 45)):
                lottery.draw_run(
                    fair=fair,
                    by=staff,
                    official=False,
                    source_text="ทดลองจับซ้ำให้ที่ประชุมดู: ใช้เลขอื่น ผลย่อมต่างจากผลทางการ",
                )
        published = at(drawn_on, 10)
        with clock(published):
            lottery.draw_publish(draw=draw, by=committee)
        return published

    def _lottery_results(self, day: date) -> str:
        rng = self.rng

        def digits(count: int) -> str:
            return "".join(str(rng.randint(0, 9)) for _ in range(count))

        return (
            f"ผลสลากกินแบ่งรัฐบาล งวดวันที่ {day.day} "
            f"{THAI_MONTHS[day.month - 1]} {day.year + 543} "
            f"รางวัลที่ 1 {digits(6)} เลขหน้า 3 ตัว {digits(3)} {digits(3)} "
            f"เลขท้าย 3 ตัว {digits(3)} {digits(3)} เลขท้าย 2 ตัว {digits(2)}"
        )

    def _offers(self, fair: Fair) -> list[Holding]:
        return list(
            Holding.objects.filter(fair=fair, ended_at__isnull=True, accepted_at__isnull=True)
            .select_related("application__producer", "booth__booth_type", "fair")
            .order_by("booth__zone__code", "booth__order")
        )

    def _chair_of(self, holding: Holding) -> User:
        return self.people.chairs[holding.application.district_id]

    def _accept(self, holding: Holding, moment: datetime) -> Holding:
        with clock(moment):
            return holdings.offer_accept(holding=holding, by=self._chair_of(holding), now=moment)

    def _pay(self, holding: Holding, moment: datetime) -> None:
        with clock(moment):
            holdings.payment_record(
                holding=holding,
                by=self.people.staff,
                amount=holding.fee,
                method=self.rng.choice(PaymentMethod.values),
                reference=f"RC{moment:%y%m%d}-{holding.booth.code}",
                now=moment,
            )

    def _refill(self, fair: Fair, moment: datetime) -> list[Holding]:
        with clock(moment):
            return holdings.waitlist_refill(fair=fair, by=self.people.committee, now=moment)

    def _decline(self, holding: Holding, moment: datetime) -> list[Holding]:
        before = {h.pk for h in self._offers(holding.fair)}
        with clock(moment):
            holdings.offer_decline(holding=holding, by=self._chair_of(holding), now=moment)
        return [h for h in self._offers(holding.fair) if h.pk not in before]

    # --- last year's edition ---

    def last_year(self, series: FairSeries) -> Edition:
        starts = self.today + timedelta(days=THIS_YEAR_STARTS) - relativedelta(years=1)
        lottery_day = starts - timedelta(days=21)
        closes = lottery_day - timedelta(days=6)
        opens = closes - timedelta(days=30)
        fair = self._fair(
            series,
            name=f"{SERIES} ประจำปี {starts.year + 543}",
            venue=VENUE,
            starts=starts,
            days=FAIR_DAYS,
            opens=opens,
            closes=closes,
            lottery_day=lottery_day,
            notes=POLICY_NOTES,
        )
        self._layout(fair)
        quotas = self._district_quotas(8)
        self._policy(fair, at(opens - timedelta(days=10), 10), payment_days=7, quotas=quotas)
        edition = Edition(fair)
        chosen = [a for a in self.applicants if self.rng.random() < 0.88]
        self._apply(edition, chosen, opens, closes)
        ids = [application.pk for _applicant, application in edition.applied]
        self._review(edition, rejected=(ids[7],))
        with clock(at(closes + timedelta(days=2), 10)):
            lottery.list_freeze(fair=fair, by=self.people.committee)
        published = self._draw(fair, lottery_day)

        offers = self._offers(fair)
        decliner, silent = offers[5], offers[len(offers) // 2]
        accepted = []
        for holding in offers:
            if holding in (decliner, silent):
                continue
            moment = published + timedelta(hours=self.rng.randint(2, 40))
            accepted.append(self._accept(holding, moment))
        refilled = self._decline(decliner, published + timedelta(hours=20))
        expired = published + timedelta(hours=48)
        refilled += self._refill(fair, expired + timedelta(hours=3))
        for holding in refilled:
            accepted.append(self._accept(holding, holding.offered_at + timedelta(hours=6)))
        for holding in accepted:
            if holding.fee:
                self._pay(holding, holding.accepted_at + timedelta(days=self.rng.randint(1, 4)))
        self._fair_days(fair)
        return edition

    def _fair_days(self, fair: Fair) -> None:
        """Check-in every evening (two holders never came), and each booth's sales."""
        confirmed = [
            h
            for h in Holding.objects.filter(fair=fair, ended_at__isnull=True)
            .select_related("application", "booth__booth_type", "fair")
            .order_by("booth__zone__code", "booth__order")
            if h.state() == HoldingState.CONFIRMED
        ]
        standard = [h for h in confirmed if h.booth.booth_type.code == "STD"]
        no_shows = {standard[3].pk, standard[-4].pk}
        self.no_shows = {h.application.producer_id for h in standard if h.pk in no_shows}
        away = {h.pk: self.rng.choice(fair.days()) for h in self.rng.sample(confirmed, 3)}
        committee = self.people.committee
        for day in fair.days():
            weekend = day.weekday() >= 5
            for holding in confirmed:
                present = holding.pk not in no_shows and away.get(holding.pk) != day
                with clock(at(day, 17, 30)):
                    holdings.attendance_record(
                        holding=holding, day=day, present=present, by=committee
                    )
                if not present:
                    continue
                usual = SALES_PER_DAY[holding.application.category]
                amount = usual * (1.4 if weekend else 1.0) * self.rng.uniform(0.55, 1.6)
                with clock(at(day, 20, 15)):
                    holdings.sales_record(
                        holding=holding,
                        day=day,
                        amount=Decimal(round(amount, -1)),
                        by=self.people.secretaries.get(holding.application.district_id, committee),
                    )

    # --- this year's edition ---

    def this_year(self, series: FairSeries, last_year: Edition) -> Edition:
        today = self.today
        starts = today + timedelta(days=THIS_YEAR_STARTS)
        lottery_day = today - timedelta(days=7)
        closes = today - timedelta(days=15)
        opens = closes - timedelta(days=30)
        fair = self._fair(
            series,
            name=f"{SERIES} ประจำปี {starts.year + 543}",
            venue=VENUE,
            starts=starts,
            days=FAIR_DAYS,
            opens=opens,
            closes=closes,
            lottery_day=lottery_day,
            notes=POLICY_NOTES,
        )
        self._layout(fair)
        quotas = {
            **self._district_quotas(8),
            (QuotaKind.CATEGORY, FairCategory.FRESH): (3, None),
            (QuotaKind.CATEGORY, Category.BEVERAGE): (0, 10),
        }
        self._policy(fair, at(opens - timedelta(days=10), 10), payment_days=5, quotas=quotas)
        edition = Edition(fair)
        last = {applicant.producer.pk for applicant, _application in last_year.applied}
        chosen = [a for a in self.applicants if a.producer.pk in last or self.rng.random() < 0.8]
        self._apply(edition, chosen, opens, closes - timedelta(days=1))
        # Last year's no-shows apply again and are drawn with one ticket.
        ids = [
            application.pk
            for _applicant, application in edition.applied
            if application.producer_id not in self.no_shows
        ]
        self._review(
            edition, rejected=(ids[4], ids[-6]), needs_info=(ids[9], ids[21]), withdrawn=(ids[13],)
        )
        committee = self.people.committee
        with clock(at(closes + timedelta(days=3), 10)):
            lottery.list_freeze(fair=fair, by=committee)
        late = (
            fair.applications.filter(status=ApplicationStatus.ELIGIBLE)
            .exclude(producer_id__in=self.no_shows)
            .order_by("-submitted_at")
            .first()
        )
        with clock(at(closes + timedelta(days=5), 14)):
            applications.application_withdraw(
                application=late, by=self._chair(late), reason="ผู้ประกอบการป่วย ไม่สะดวกออกบูธ"
            )
        published = self._draw(fair, lottery_day, rerun=True)
        self._answers(fair, published)
        return edition

    def _chair(self, application) -> User:
        return self.people.chairs[application.district_id]

    def _answers(self, fair: Fair, published: datetime) -> None:
        """Six days since the draw: offers answered, one declined, two not answered and
        refilled, fees paid but one, a swap, and yesterday a booth given back."""
        rng = self.rng
        offers = self._offers(fair)
        # A drinks stall's fee is not paid by the deadline: the booth is free again,
        # and the next drinks stall on the waitlist may take it (drinks are at their
        # maximum while the booth is held).
        unpaid = [h for h in offers if h.fee and h.application.category == Category.BEVERAGE][1]
        silent = {offers[8].pk, offers[-3].pk}
        decliner = offers[2]
        accepted = []
        for holding in offers:
            if holding.pk in silent or holding == decliner:
                continue
            if holding == unpaid:
                moment = published + timedelta(hours=3)
            else:
                moment = published + timedelta(hours=rng.randint(1, 36))
            accepted.append(self._accept(holding, moment))
        for holding in self._decline(decliner, published + timedelta(hours=29)):
            accepted.append(self._accept(holding, published + timedelta(hours=46)))
        expired = published + timedelta(hours=48)
        for holding in self._refill(fair, expired + timedelta(hours=4)):
            accepted.append(self._accept(holding, holding.offered_at + timedelta(hours=20)))
        yesterday = self.today - timedelta(days=1)
        for holding in accepted:
            if holding.fee and holding != unpaid:
                paid = holding.accepted_at + timedelta(days=rng.randint(1, 3), hours=2)
                self._pay(holding, min(paid, at(yesterday, 9)))
        standard = [
            h
            for h in Holding.objects.filter(fair=fair, ended_at__isnull=True)
            .select_related("booth__booth_type", "booth__zone", "application")
            .order_by("booth__zone__code", "booth__order")
            if h.state(at(yesterday, 9)) == HoldingState.CONFIRMED
            and h.booth.booth_type.code == "STD"
        ]
        first = next(h for h in standard if h.booth.zone.is_prime)
        second = next(h for h in standard if not h.booth.zone.is_prime)
        swapped_at = at(self.today - timedelta(days=3), 11)
        with clock(swapped_at):
            holdings.booth_swap(
                first=first,
                second=second,
                by=self.people.staff,
                reason="สลับบูธตามที่ทั้งสองกลุ่มขอ: ให้ร้านผ้าทออยู่ติดกัน",
                now=swapped_at,
            )
        # Yesterday a holder of Mueang Sa Kaeo gave the booth back: the waitlist's offer
        # waits for an answer today.
        giving_back = next(
            (
                h
                for h in Holding.objects.filter(
                    fair=fair,
                    ended_at__isnull=True,
                    accepted_at__isnull=False,
                    application__district_id=OWN_DISTRICT,
                    fee=0,
                )
                .select_related("application", "fair")
                .order_by("booth__order")
            ),
            None,
        )
        if giving_back is not None:
            self._decline(giving_back, at(yesterday, 11))

    # --- the market open today ---

    def market(self) -> None:
        today = self.today
        series = FairSeries.objects.get_or_create(name=MARKET_SERIES)[0]
        opens, closes = today - timedelta(days=5), today + timedelta(days=12)
        fair = self._fair(
            series,
            name=f"{MARKET_SERIES} ครั้งที่ 1",
            venue=MARKET_VENUE,
            starts=today + timedelta(days=35),
            days=3,
            opens=opens,
            closes=closes,
            lottery_day=closes + timedelta(days=4),
        )
        self._layout(
            fair,
            zones=(("M", "ลานกลาง", True, "#f6c94c"), ("F", "โซนอาหาร", False, "#f4a261")),
            types=BOOTH_TYPES[:2],
            rows=(("M", "STD", 10, 0, 1), ("F", "FOOD", 4, 6, 1)),
        )
        self._policy(fair, at(opens - timedelta(days=2), 10), payment_days=5, quotas={})
        edition = Edition(fair)
        own = [a for a in self.applicants if a.producer.district_id == OWN_DISTRICT]
        others = [a for a in self.applicants if a.producer.district_id != OWN_DISTRICT]
        chosen = own[:2] + self.rng.sample(others, 6)
        self._apply_market(edition, [_without_stall(a) for a in chosen], opens)

    def _apply_market(self, edition: Edition, chosen: list, opens: date) -> None:
        fair = edition.fair
        zones = {zone.code: zone for zone in fair.zones.all()}
        types = {booth_type.code: booth_type for booth_type in fair.booth_types.all()}
        committee = self.people.committee
        for index, applicant in enumerate(chosen):
            submitted = at(opens + timedelta(days=index % 5), 9 + index)
            with clock(submitted):
                application = applications.application_submit(
                    fair=fair,
                    producer=applicant.producer,
                    by=applicant.chair,
                    category=applicant.category,
                    booth_type=types[applicant.booth_type],
                    zones=[zones["F"]] if applicant.booth_type == "FOOD" else [zones["M"]],
                    products=applicant.products,
                    products_note=applicant.note,
                )
            decision = {
                0: (ApplicationStatus.NEEDS_INFO, NEEDS_INFO_REASONS[0]),
                2: (ApplicationStatus.ELIGIBLE, ELIGIBLE_REASON),
                3: (ApplicationStatus.REJECTED, REJECT_REASONS[1]),
            }.get(index)
            if decision is not None:
                with clock(submitted + timedelta(hours=20)):
                    applications.application_review(
                        application=application,
                        by=committee,
                        status=decision[0],
                        reason=decision[1],
                    )


def _without_stall(applicant: Applicant) -> Applicant:
    """At a market without farmers' stalls, fresh produce takes a standard booth."""
    if applicant.booth_type != "FRESH":
        return applicant
    return replace(applicant, booth_type="STD")


THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
