"""The fairs' benchmark data, a step of bench/data.py: `scale.fairs` fairs (50) of
twelve yearly series, spread over the last four years and the next three months, each
with 20 zones (three of them prime), four booth types, 2,500 booths laid out zone by
zone on a grid (so the floor plan draws them), a published allocation policy and
`scale.applications_per_fair` applications (10,000: the size of bench/data_fairs.py's
national draw), each from a different producer.

Where the fairs stand today: all but three are over; one closed for applications nine
days ago and starts in twelve days (in review, the list not frozen); two are open for
applications now. The lottery draw (the 1st or the 16th after the window closes) is
still ahead for these three. Every fair's window has opened, so every fair has its
applications, submitted within the window (for the open ones, up to yesterday) and
numbered 1, 2, 3… in the order they came. The producers are a sample of the registry's
(a producer applies at most once per fair), from every province, as at a national fair:
those of the portal's province are submitted by a committee member of their district,
the others by provincial staff. Each applies in its main product's category with up to
three of those products (about one in twelve sells fresh produce, not in the registry),
asks for a booth type as an applicant of that category does (bench/data_fairs.py) and
for one to three zones, the prime ones and some others being everyone's choice. Statuses
as a committee leaves them: at a closed fair nearly all eligible, some rejected,
withdrawn or still waiting for information; at an open fair many not reviewed yet.

The policy is version 1, published ten days before the window opens, with category
quotas (at least 5 % and at most 40 % of the drawable booths, as bench/data_fairs.py)
and no district quotas: the service's default quotas are the portal's nine districts'
(fairs/services/setup.py), which applicants from the whole country could not meet.
No draws, holdings or payments.

Written with COPY (bench.data.CopyTable), not through the services: the history
triggers are off while the tables load (so no history events), and the only other
trigger on these tables (fixed_once_frozen on zones, booth types and booths) allows
anything while a fair has no frozen list, which none of these has. Every check
constraint holds (the database still enforces them). Deterministic: drawn from the
run's random.Random in a fixed order, over the producers in id order; dates are
offsets from timezone.localdate(), like the other steps, and nothing is dated today or
later than now, so the data depends on the day the generator runs, not on the hour.
"""

import math
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.data_fairs import BOOTH_SHARES, BOOTH_TYPE_WEIGHTS
from fairs.demo import ELIGIBLE_REASON, NEEDS_INFO_REASONS, POLICY_NOTES, REJECT_REASONS
from fairs.models import (
    Application,
    ApplicationStatus,
    Booth,
    BoothType,
    Fair,
    FairCategory,
    FairSeries,
    Policy,
    PolicyQuota,
    QuotaKind,
    ReservedFor,
    Zone,
)
from fairs.plan import PALETTE
from members.models import Producer, Product, Role, User

FAIRS = 50
APPLICATIONS_PER_FAIR = 10_000
BOOTHS = 2_500
SERIES = (  # held once a year each: the fairs follow one another a month apart
    "งานมหกรรม OTOP ของดีเมืองสระแก้ว",
    "งาน OTOP ชายแดนบูรพา",
    "งานกาชาดและงาน OTOP จังหวัดสระแก้ว",
    "งาน OTOP ศิลปาชีพและหัตถกรรมพื้นบ้าน",
    "งานเทศกาลอาหารและสินค้า OTOP ถิ่นตะวันออก",
    "งาน OTOP นวัตวิถี สระแก้ว",
    "งานตลาดนัดผ้าไทยและสินค้า OTOP",
    "งาน OTOP ส่งท้ายปีเก่าต้อนรับปีใหม่",
    "งานมหกรรมสมุนไพรและสินค้า OTOP",
    "งาน OTOP เกษตรปลอดภัยและผลไม้ภาคตะวันออก",
    "งาน OTOP กลางปี สระแก้ว",
    "งานประเพณีสงกรานต์และสินค้า OTOP",
)
VENUES = (
    "บริเวณสนามหน้าศาลากลางจังหวัดสระแก้ว",
    "ลานอเนกประสงค์ ศูนย์ราชการจังหวัดสระแก้ว",
    "สวนสาธารณะสระแก้ว สระขวัญ",
    "ตลาดโรงเกลือ อำเภออรัญประเทศ",
    "สนามกีฬากลางจังหวัดสระแก้ว",
)
# Days from today to each of the last fairs' first day: one closed for applications
# (in review), two open for applications; the others a month apart before them.
LAST_STARTS = (12, 42, 72)
MONTH = 30
CLOSES_BEFORE = 21  # applications close three weeks before the fair
FAIR_DAYS = (5, 7, 9, 10)
# Zones: code, name, prime.
ZONES = (
    ("A", "ลานหน้าเวทีกลาง", True),
    ("B", "ทางเข้างานด้านหน้า", True),
    ("C", "ลานน้ำพุ", True),
    ("D", "ถนนคนเดิน 1", False),
    ("E", "ถนนคนเดิน 2", False),
    ("F", "ถนนคนเดิน 3", False),
    ("G", "โซนอาหารพื้นเมือง", False),
    ("H", "โซนอาหารและเครื่องดื่ม", False),
    ("I", "ลานอาหารริมสระ", False),
    ("J", "ตลาดเกษตรกร", False),
    ("K", "ตลาดผลไม้ภาคตะวันออก", False),
    ("L", "โซนผ้าไทยและเครื่องแต่งกาย", False),
    ("M", "โซนผ้าทอมือ", False),
    ("N", "โซนของใช้และของตกแต่ง", False),
    ("O", "โซนของที่ระลึก", False),
    ("P", "โซนสมุนไพรและสปา", False),
    ("Q", "อาคารเอนกประสงค์ ชั้น 1", False),
    ("R", "อาคารเอนกประสงค์ ชั้น 2", False),
    ("S", "ลานจอดรถฝั่งตะวันออก", False),
    ("T", "เต็นท์ริมถนนสุวรรณศร", False),
)
# Booth types: key (bench/data_fairs.py's), code, name, width, depth, fee, power, water.
BOOTH_TYPES = (
    ("std", "STD", "บูธมาตรฐาน OTOP", 3, 3, 0, False, False),
    ("food", "FOOD", "บูธอาหารและเครื่องดื่ม (มีไฟฟ้าและน้ำประปา)", 3, 3, 300, True, True),
    ("fresh", "FRESH", "แผงสินค้าเกษตรสด", 2, 2, 0, False, False),
    ("double", "DOUBLE", "บูธคู่ ขนาดสองเท่า (มีไฟฟ้า)", 6, 3, 500, True, False),
)
# The plan: each zone a block of rows of booths, five blocks across.
ROW_LENGTH = 30  # metres of booths along a row
ROW_PITCH = 5  # a row every 5 m: 3 m booths and a 2 m aisle
BLOCKS_ACROSS = 5
BLOCK_GAP = 8  # metres between the zones' blocks
# Booths reserved before the draw: (zone, place along it), reason, note.
RESERVED = (
    ("A", 1, ReservedFor.RED_CROSS, "ร้านกาชาดจังหวัดสระแก้ว"),
    ("A", 2, ReservedFor.AGENCY, "สำนักงานพัฒนาชุมชนจังหวัดสระแก้ว: นิทรรศการผลิตภัณฑ์ OTOP"),
    ("B", 1, ReservedFor.SPONSOR, "ผู้สนับสนุนการจัดงาน: ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"),
)
FRESH_SHARE = 1 / 12  # applicants who sell fresh produce (not in the registry)
FRESH_NOTE = "ผักปลอดสารพิษและผลไม้ตามฤดูกาลจากแปลงของสมาชิกกลุ่ม"
ZONE_COUNTS = ((1, 15), (2, 25), (3, 60))  # how many zones an applicant names
NEEDS = (
    "ขอปลั๊กไฟเพิ่ม 1 จุด",
    "ขอโต๊ะและเก้าอี้เพิ่ม",
    "ผู้ขายเป็นผู้สูงอายุ ขอบูธใกล้ห้องน้ำ",
    "ขอพื้นที่วางตู้แช่",
)
WITHDRAW_REASONS = (
    "ติดออกบูธงานแสดงสินค้าที่กรุงเทพฯ ในช่วงเดียวกัน",
    "ผู้ประกอบการป่วย ไม่สะดวกออกบูธ",
    "สินค้าไม่พอจำหน่ายตลอดงาน",
)
# Status weights by where the fair stands: its window closed, or open now.
CLOSED_STATUSES = {"eligible": 88, "rejected": 5, "withdrawn": 5, "needs_info": 2}
OPEN_STATUSES = {"eligible": 55, "submitted": 30, "needs_info": 6, "rejected": 3, "withdrawn": 6}
WORKING_MINUTES = 12 * 60  # applications come in from 08:00 to 20:00


def fairs(rng: random.Random, scale) -> int:
    count = getattr(scale, "fairs", FAIRS)
    per_fair = getattr(scale, "applications_per_fair", APPLICATIONS_PER_FAIR)
    if not count:
        return 0
    return _Fairs(rng, count, per_fair).write()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Fairs:
    def __init__(self, rng: random.Random, count: int, per_fair: int):
        from bench.data import CopyTable

        self.rng, self.count = rng, count
        self.today = timezone.localdate()
        # Nothing happens today: the data depends on the date only, not on the hour.
        self.cutoff = _at(self.today, 0)
        self.staff_id = User.objects.get(username="bench.staff").pk
        self.producers = list(
            Producer.objects.filter(merged_into__isnull=True)
            .order_by("id")
            .values_list("id", "district_id")
        )
        self.per_fair = min(per_fair, len(self.producers))
        self.products: dict[int, list[tuple[int, str]]] = {}
        for producer_id, product_id, category in (
            Product.objects.filter(is_active=True, producer__merged_into__isnull=True)
            .order_by("producer_id", "id")
            .values_list("producer_id", "id", "category")
        ):
            self.products.setdefault(producer_id, []).append((product_id, category))
        # The portal's province's committee members submit for their district's producers.
        self.members: dict[str, list[int]] = {}
        for user_id, district_id in (
            User.objects.filter(
                role=Role.DISTRICT_MEMBER,
                is_active=True,
                district__province_id=settings.PORTAL_PROVINCE_CODE,
            )
            .order_by("id")
            .values_list("id", "district_id")
        ):
            self.members.setdefault(district_id, []).append(user_id)
        self.through = Application.products.through
        self.tables = {
            model: CopyTable(model)
            for model in (
                FairSeries,
                Fair,
                Zone,
                BoothType,
                Booth,
                Policy,
                PolicyQuota,
                Application,
                self.through,
            )
        }
        self.written = 0

    def table(self, model):
        return self.tables[model]

    def write(self) -> int:
        rng = self.rng
        series = [
            (self.table(FairSeries).add(name=name), rng.randint(1, 15), rng.choice(VENUES))
            for name in SERIES
        ]
        for index, starts in enumerate(self._starts()):
            series_id, first, venue = series[index % len(series)]
            edition = first + index // len(series)
            name = f"{SERIES[index % len(series)]} ครั้งที่ {edition}"
            self._fair(series_id, name, venue, starts)
            # One fair at a time, in the order of the foreign keys: the rows of 50
            # fairs' applications would take gigabytes before COPY.
            for table in self.tables.values():
                table.write()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.written

    def _starts(self) -> list[date]:
        """Each fair's first day, oldest first: the last three at LAST_STARTS, the
        others a month apart before them (give or take a few days)."""
        before = [
            self.today + timedelta(days=LAST_STARTS[0] - MONTH * back + self.rng.randint(-4, 4))
            for back in range(max(self.count - len(LAST_STARTS), 0), 0, -1)
        ]
        last = [self.today + timedelta(days=days) for days in LAST_STARTS]
        return (before + last)[-self.count :]

    # --- a fair ---

    def _fair(self, series_id: int, name: str, venue: str, starts: date) -> None:
        rng = self.rng
        closes = starts - timedelta(days=CLOSES_BEFORE)
        opens = closes - timedelta(days=rng.randint(60, 75))
        lottery = _lottery_day(closes + timedelta(days=4))
        fair_id = self.table(Fair).add(
            series_id=series_id,
            name=name,
            venue=venue,
            starts_on=starts,
            ends_on=starts + timedelta(days=rng.choice(FAIR_DAYS) - 1),
            applications_open_on=opens,
            applications_close_on=closes,
            lottery_date=lottery,
            notes=POLICY_NOTES,
            created_at=_at(opens - timedelta(days=30), 9),
        )
        zones = self._zones(fair_id)
        types = self._booth_types(fair_id)
        drawable = self._booths(fair_id, zones, types)
        self._policy(fair_id, opens, drawable)
        window = (opens, closes)
        self._applications(fair_id, window, zones, types)

    def _zones(self, fair_id: int) -> list[tuple[int, str, float]]:
        """(id, code, how popular) of the fair's zones: the prime ones are popular."""
        zones = []
        for index, (code, name, prime) in enumerate(ZONES):
            zone_id = self.table(Zone).add(
                fair_id=fair_id,
                code=code,
                name=name,
                is_prime=prime,
                colour=PALETTE[index % len(PALETTE)][0],
            )
            zones.append((zone_id, code, self.rng.uniform(0.2, 3.0) * (2.5 if prime else 1)))
        return zones

    def _booth_types(self, fair_id: int) -> dict[str, tuple[int, int, int]]:
        """key → (id, width, depth)."""
        types = {}
        for key, code, name, width, depth, fee, power, water in BOOTH_TYPES:
            type_id = self.table(BoothType).add(
                fair_id=fair_id,
                code=code,
                name=name,
                width_m=width,
                depth_m=depth,
                fee=fee,
                has_power=power,
                has_water=water,
            )
            types[key] = (type_id, width, depth)
        return types

    def _booths(self, fair_id: int, zones, types) -> int:
        """BOOTHS booths, each type's share (BOOTH_SHARES) spread over the zones
        unevenly; in each zone, rows of ROW_LENGTH metres, type after type, numbered
        along the rows (A001, A002…). The zones' blocks stand five across. Returns how
        many booths are drawable (not reserved)."""
        rng = self.rng
        counts = {key: math.floor(BOOTHS * share) for key, share in BOOTH_SHARES.items()}
        counts["std"] += BOOTHS - sum(counts.values())
        in_zone = {code: dict.fromkeys(BOOTH_SHARES, 0) for _id, code, _w in zones}
        codes = [code for _id, code, _w in zones]
        for key, count in counts.items():
            sizes = [rng.uniform(0.5, 1.5) for _ in zones]
            for code in rng.choices(codes, weights=sizes, k=count):
                in_zone[code][key] += 1
        reserved = {(zone, place): (why, note) for zone, place, why, note in RESERVED}
        left, top, row_height, held_back = 0, 0, 0, 0
        for index, (zone_id, code, _weight) in enumerate(zones):
            if index and index % BLOCKS_ACROSS == 0:
                left, top, row_height = 0, top + row_height + BLOCK_GAP, 0
            x = y = 0
            place = 0
            for key, count in in_zone[code].items():
                type_id, width, depth = types[key]
                if x:  # each type starts a row of its own
                    x, y = 0, y + ROW_PITCH
                for _n in range(count):
                    if x + width > ROW_LENGTH:
                        x, y = 0, y + ROW_PITCH
                    place += 1
                    why, note = reserved.get((code, place), ("", ""))
                    held_back += bool(why)
                    self.table(Booth).add(
                        fair_id=fair_id,
                        zone_id=zone_id,
                        booth_type_id=type_id,
                        code=f"{code}{place:03d}",
                        order=place,
                        x=1 + left + x,
                        y=1 + top + y,
                        width=width,
                        height=depth,
                        reserved_for=why,
                        reserved_note=note,
                    )
                    x += width
            row_height = max(row_height, y + ROW_PITCH)
            left += ROW_LENGTH + BLOCK_GAP
        return BOOTHS - held_back

    def _policy(self, fair_id: int, opens: date, drawable: int) -> None:
        policy_id = self.table(Policy).add(
            fair_id=fair_id,
            version=1,
            notes=POLICY_NOTES,
            payment_days=self.rng.choice((5, 7)),
            published_at=_at(opens - timedelta(days=10), 10),
            published_by_id=self.staff_id,
        )
        low, high = math.floor(0.05 * drawable), math.ceil(0.40 * drawable)
        for category in FairCategory.values:
            self.table(PolicyQuota).add(
                policy_id=policy_id,
                kind=QuotaKind.CATEGORY,
                key=category,
                minimum=low,
                maximum=high,
            )

    # --- applications ---

    def _applications(self, fair_id: int, window: tuple[date, date], zones, types) -> None:
        """`per_fair` producers apply within the window (up to yesterday), numbered in
        the order they came."""
        rng = self.rng
        opens, closes = window
        is_open = closes >= self.today
        first = _at(opens, 8)
        days = max((min(closes, self.today - timedelta(days=1)) - opens).days + 1, 1)
        minutes = []
        for _n in range(self.per_fair):  # a minute of a working day of the window
            day, into = divmod(rng.randrange(days * WORKING_MINUTES), WORKING_MINUTES)
            minutes.append(first + timedelta(days=day, minutes=into))
        producers = rng.sample(self.producers, self.per_fair)
        came = sorted(zip(minutes, range(self.per_fair), strict=True))
        zone_ids = [zone_id for zone_id, _code, _w in zones]
        zone_weights = list(_accumulate(w for _id, _code, w in zones))
        statuses = OPEN_STATUSES if is_open else CLOSED_STATUSES
        status_names, status_weights = list(statuses), list(_accumulate(statuses.values()))
        count_names = [n for n, _w in ZONE_COUNTS]
        count_weights = list(_accumulate(w for _n, w in ZONE_COUNTS))
        for number, (submitted, index) in enumerate(came, start=1):
            producer_id, district_id = producers[index]
            products = self.products.get(producer_id, [])
            if rng.random() < FRESH_SHARE or not products:
                category, listed, note = FairCategory.FRESH.value, [], FRESH_NOTE
            else:
                category = products[0][1]  # the producer's main product's
                listed = [pid for pid, c in products if c == category][:3]
                note = ""
            kinds = BOOTH_TYPE_WEIGHTS[category]
            booth_type = types[rng.choices(list(kinds), weights=list(kinds.values()))[0]][0]
            wanted = rng.choices(count_names, cum_weights=count_weights)[0]
            chosen: list[int] = []
            while len(chosen) < wanted:
                zone_id = rng.choices(zone_ids, cum_weights=zone_weights)[0]
                if zone_id not in chosen:
                    chosen.append(zone_id)
            chosen += [None, None]
            status = rng.choices(status_names, cum_weights=status_weights)[0]
            values = self._decision(status, submitted, closes)
            members = self.members.get(district_id)
            application_id = self.table(Application).add(
                fair_id=fair_id,
                number=number,
                producer_id=producer_id,
                district_id=district_id,
                category=category,
                booth_type_id=booth_type,
                zone_1_id=chosen[0],
                zone_2_id=chosen[1],
                zone_3_id=chosen[2],
                products_note=note,
                needs=rng.choice(NEEDS) if rng.random() < 0.1 else "",
                submitted_by_id=rng.choice(members) if members else self.staff_id,
                on_behalf=True,
                submitted_at=submitted,
                **values,
            )
            for product_id in listed:
                self.table(self.through).add(application_id=application_id, product_id=product_id)
        self.written += self.per_fair

    def _decision(self, status: str, submitted: datetime, closes: date) -> dict:
        """The review's or the withdrawal's fields, for `status`. A decision
        that would come today or later leaves the application waiting for review."""
        rng = self.rng
        if status == ApplicationStatus.WITHDRAWN:
            end = min(_at(closes + timedelta(days=7), 17), self.cutoff)
            withdrawn = submitted + (end - submitted) * rng.random()
            return {
                "status": status,
                "withdrawn_at": withdrawn,
                "withdraw_reason": rng.choice(WITHDRAW_REASONS),
            }
        decided = submitted + timedelta(days=1, hours=rng.randint(1, 5))
        if status == ApplicationStatus.SUBMITTED or decided >= self.cutoff:
            return {"status": ApplicationStatus.SUBMITTED}
        reason = {
            ApplicationStatus.ELIGIBLE: ELIGIBLE_REASON,
            ApplicationStatus.NEEDS_INFO: rng.choice(NEEDS_INFO_REASONS),
            ApplicationStatus.REJECTED: rng.choice(REJECT_REASONS),
        }[status]
        return {
            "status": status,
            "review_reason": reason,
            "reviewed_by_id": self.staff_id,
            "reviewed_at": decided,
        }


def _lottery_day(after: date) -> date:
    """The Government Lottery's next draw on or after `after`: the 1st or the 16th."""
    if after.day == 1 or after.day == 16:
        return after
    if after.day < 16:
        return after.replace(day=16)
    return (after.replace(day=1) + timedelta(days=32)).replace(day=1)


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total
