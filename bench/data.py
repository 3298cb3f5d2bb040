"""The one benchmark data generator: deterministic (same seed, same data) and written
with bulk inserts, not through the services. Later issues extend it with bookings,
ledgers and fairs, each as a function registered in STEPS (the savings group's is in
bench/data_savings.py)."""

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

from bench.data_fairs_db import fairs
from bench.data_savings import savings
from equipment.models import (
    Booking,
    EquipmentType,
    EquipmentUnit,
    Loan,
    MaintenanceTicket,
    NonWorkingDay,
    WaitlistEntry,
)
from members.demo_registry import (
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    PROFILES,
    ROUNDS_BE,
    STAR_WEIGHTS,
    VILLAGES,
)
from members.models import (
    District,
    MemberRole,
    MembershipStatus,
    NetworkMembership,
    Person,
    Producer,
    ProducerMember,
    ProducerType,
    Product,
    Role,
    Sex,
    StarRating,
    Title,
    User,
    fiscal_year_be,
    fiscal_year_end,
)
from otop_portal.lib.natid import check_digit


@dataclass(frozen=True)
class Scale:
    accounts_per_district: int = 20
    producers: int = 2_000
    units: int = 40
    bookings: int = 2_000
    savers: int = 20_000
    fairs: int = 2
    applications_per_fair: int = 1_000


def generate(*, scale: Scale, seed: int = 2568) -> dict:
    rng = random.Random(seed)
    call_command("load_geography", verbosity=0)
    counts = {}
    for name, step in STEPS:
        counts[name] = step(rng, scale)
    return counts


def sizes() -> dict[str, int]:
    """How much data the database holds, for the table's heading."""
    from fairs.models import Application, Fair
    from savings.models import JournalLine, Saver

    tables = {
        "producers": Producer.objects.filter(merged_into__isnull=True),
        "products": Product.objects.all(),
        "accounts": User.objects.all(),
        "equipment units": EquipmentUnit.objects.all(),
        "bookings": Booking.objects.all(),
        "savers": Saver.objects.all(),
        "journal lines": JournalLine.objects.all(),
        "fairs": Fair.objects.all(),
        "fair applications": Application.objects.all(),
    }
    return {name: rows.count() for name, rows in tables.items()}


def generated() -> bool:
    """Whether this database already holds generated data (a kept one)."""
    return User.objects.filter(username="bench.staff").exists()


def accounts(rng: random.Random, scale: Scale) -> int:
    password = make_password("bench-password", hasher="md5")
    districts = list(District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE))
    users = [User(username="bench.staff", role=Role.PROVINCIAL_STAFF, password=password)]
    for district in districts:
        for n in range(scale.accounts_per_district):
            users.append(
                User(
                    username=f"bench.{district.code}.{n}",
                    role=Role.DISTRICT_MEMBER,
                    district=district,
                    password=password,
                    first_name=rng.choice(["สมชาย", "สมหญิง", "บุญมี", "ประภา"]),
                    last_name=rng.choice(["ใจดี", "ทองดี", "ศรีสุข", "แก้วมณี"]),
                )
            )
    User.objects.bulk_create(users, batch_size=2000)
    return len(users)


# --- Producers ------------------------------------------------------------------------

KINDS = sorted({kind for profile in PROFILES for kind in profile.kinds}, key=lambda k: k.name)
GROUP, SINGLE, SME = ProducerType.COMMUNITY_GROUP, ProducerType.SINGLE_OWNER, ProducerType.SME
TYPE_WEIGHTS = (55, 42, 3)  # the national shares of registered producers


def producers(rng: random.Random, scale: Scale) -> int:
    """`scale.producers` producers spread over every district of the country's 77
    provinces (the national data set: 100,000 producers; the portal's own province gets
    its share, about 1 in 100), each with a contact person, 1–5 products (3 on
    average), star ratings for about half the products and a network membership.
    Names are combinations ("กลุ่มทอผ้า" + "บ้านหนองแวง" + "หมู่ 3") so that a Thai
    substring search has real work to do.

    Written with COPY rather than INSERT (see CopyTable); generated columns
    (Producer.name_sort) are left to the database."""
    districts = list(
        District.objects.filter(subdistricts__isnull=False)
        .distinct()
        .prefetch_related("subdistricts")
        .order_by("code")
    )
    areas = {d.code: sorted(d.subdistricts.all(), key=lambda a: a.code) for d in districts}
    context = {
        "staff_id": User.objects.get(username="bench.staff").pk,
        "year": fiscal_year_be(timezone.localdate()),
    }
    tables = [
        CopyTable(model)
        for model in (Person, Producer, ProducerMember, Product, StarRating, NetworkMembership)
    ]
    for number in range(1, scale.producers + 1):
        district = districts[number % len(districts)]
        _producer(rng, tables, number, district.code, rng.choice(areas[district.code]), context)
    for table in tables:
        table.write()
    with connection.cursor() as cursor:
        # Producer.best_stars, which the rating triggers keep (off while COPY loads)
        cursor.execute(BEST_STARS)
        # and Producer.search_text, which the producer, product and member triggers keep
        cursor.execute(SEARCH_TEXT)
        cursor.execute("ANALYZE")  # plan as on a database that has lived with this data
    return scale.producers


SEARCH_TEXT = """
    UPDATE members_producer
    SET search_text = members_search_text(id, name, name_en, phone, cdd_code)
"""

BEST_STARS = """
    UPDATE members_producer SET best_stars = best.stars
    FROM (
        SELECT latest.producer_id, max(latest.stars) AS stars FROM (
            SELECT DISTINCT ON (rating.product_id) product.producer_id, rating.stars
            FROM members_starrating rating
            JOIN members_product product ON product.id = rating.product_id
            ORDER BY rating.product_id, rating.round_year_be DESC
        ) latest
        GROUP BY latest.producer_id
    ) best
    WHERE members_producer.id = best.producer_id
"""


def _producer(rng, tables, number, district_code, area, context) -> None:
    people, producers_, members, products, ratings, memberships = tables
    village = rng.choice((area.name_th, *VILLAGES))
    address = {
        "house_no": str(rng.randint(1, 300)),
        "moo": rng.randint(1, 20),
        "village": f"บ้าน{village}",
        "subdistrict_id": area.code,
        "postal_code": area.postal_codes[0],
    }
    kind = rng.choices((GROUP, SINGLE, SME), weights=TYPE_WEIGHTS)[0]
    profile = rng.choice(PROFILES)
    person_id, first, sex = _person(rng, people, number, district_code, address)
    producer_id = producers_.add(
        name=_producer_name(rng, kind, profile, (first, sex), village, address["moo"]),
        producer_type=kind,
        cdd_code=f"B-{district_code}-{number:06d}",
        district_id=district_code,
        contact_person_id=person_id,
        phone=f"08{rng.randint(0, 99_999_999):08d}",
        **address,
    )
    role = MemberRole.CHAIR if kind == GROUP else MemberRole.OWNER
    members.add(producer_id=producer_id, person_id=person_id, role=role)
    kinds = [profile.kinds[0], *rng.sample(KINDS, rng.randint(0, 4))]
    for product_kind in dict.fromkeys(kinds):  # no product twice
        product_id = products.add(
            producer_id=producer_id,
            name=product_kind.name,
            category=product_kind.category,
            unit=product_kind.unit,
            price=Decimal(rng.randint(product_kind.low, product_kind.high)),
            monthly_capacity=rng.randint(10, 1000),
        )
        _ratings(rng, ratings, product_id, context["staff_id"])
    memberships.add(producer_id=producer_id, **_membership(rng, context["year"]))


def _person(rng, people, number, district_code, address) -> tuple[int, str, str]:
    sex = Sex.FEMALE if rng.random() < 0.65 else Sex.MALE
    first = rng.choice(FEMALE_NAMES if sex == Sex.FEMALE else MALE_NAMES)[0]
    born = date(rng.randint(1955, 1998), rng.randint(1, 12), rng.randint(1, 28))
    twelve = f"{3 if born.year < 1984 else 1}{district_code}{number:07d}"
    person_id = people.add(
        district_id=district_code,
        title=Title.MR if sex == Sex.MALE else rng.choice((Title.MRS, Title.MISS)),
        first_name=first,
        last_name=rng.choice(LAST_NAMES),
        sex=sex,
        national_id=twelve + str(check_digit(twelve)),
        birth_date=born,
        phone=f"08{rng.randint(0, 99_999_999):08d}",
        **address,
    )
    return person_id, first, sex


def _producer_name(rng, kind, profile, owner, village, moo) -> str:
    if kind == GROUP:
        enterprise = "วิสาหกิจชุมชน" if rng.random() < 0.3 else ""
        return f"{enterprise}{profile.group}บ้าน{village} หมู่ {moo}"
    if kind == SINGLE:
        first, sex = owner
        honorific = rng.choice(("แม่", "ป้า", "คุณ") if sex == Sex.FEMALE else ("พ่อ", "ลุง", "คุณ"))
        return f"{profile.brand}{honorific}{first} บ้าน{village}"
    return f"บริษัท {village}{profile.sme} จำกัด"


def _ratings(rng, ratings, product_id, staff_id) -> None:
    if rng.random() < 0.5:
        return
    stars = rng.choices(range(1, 6), weights=STAR_WEIGHTS)[0]
    for round_be in rng.sample(ROUNDS_BE, rng.randint(1, 2)):
        verified = rng.random() < 2 / 3
        ratings.add(
            product_id=product_id,
            round_year_be=round_be,
            stars=stars,
            verified_at=(
                datetime(round_be - 543, 10, 1, tzinfo=timezone.get_default_timezone())
                if verified
                else None
            ),
            verified_by_id=staff_id if verified else None,
        )


def _membership(rng, year: int) -> dict:
    joined = date(2019 + rng.randint(0, 5), rng.randint(1, 12), rng.randint(1, 28))
    draw = rng.random()
    if draw < 0.08:
        return {"status": MembershipStatus.PENDING}
    if draw < 0.12:
        ended = date(2024, rng.randint(1, 12), rng.randint(1, 28))
        return {"status": MembershipStatus.RESIGNED, "joined_on": joined, "ended_on": ended}
    back = 0 if draw < 0.65 else 1 if draw < 0.92 else 2  # valid, in grace or lapsed
    return {
        "status": MembershipStatus.ACTIVE,
        "joined_on": joined,
        "valid_until": fiscal_year_end(year - back),
    }


# Tables whose rows the use report's kept months are counted from (equipment/models/rollups.py).
_USE_REPORT_TABLES = ("equipment_loan", "equipment_booking", "equipment_nonworkingday")


class CopyTable:
    """Rows for one model's table, sent with PostgreSQL's COPY. Columns not given
    take the field's default; primary keys are handed out here, so that rows can
    refer to each other before anything is written, and the table's sequence is
    moved past them afterwards.

    The history triggers are off while a table loads, so the generated rows have
    no history events. With them on, the load takes three times as long and grows
    faster than the rows: each call of pgtrigger's and pghistory's trigger functions
    catches an error for a session setting that is not set, and that costs more the
    more rows one transaction holds (20,000 memberships in one COPY: 3.5 s; in
    batches of 1,000: 0.8 s; without the triggers: 0.16 s). Foreign keys and
    checks are still enforced."""

    BATCH = 10_000  # rows per COPY statement

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.generated]
        # A table keyed by another row (SaverAccount by its saver) takes the key given.
        self.numbered = model._meta.pk.attname == "id"
        now = timezone.now()
        defaults = {
            f.attname: now
            if f.attname in ("created_at", "updated_at")
            else f.get_default()
            if f.has_default()
            else None
            if f.null
            else ""
            for f in self.fields
        }
        self.defaults = {name: _copy_text(value) for name, value in defaults.items()}
        self.last_id = 0
        if self.numbered:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM {model._meta.db_table}")  # noqa: S608
                self.last_id = cursor.fetchone()[0]
        self.lines: list[str] = []

    def add(self, **values) -> int:
        if self.numbered:
            self.last_id += 1
            values["id"] = self.last_id
        defaults = self.defaults
        row = [
            _copy_text(values[f.attname]) if f.attname in values else defaults[f.attname]
            for f in self.fields
        ]
        self.lines.append("\t".join(row) + "\n")
        return self.last_id

    def write(self) -> None:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                for start in range(0, len(self.lines), self.BATCH):
                    batch = io.StringIO("".join(self.lines[start : start + self.BATCH]))
                    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", batch)
            finally:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            if self.model._meta.db_table in _USE_REPORT_TABLES:
                # the triggers that forget the use report's kept months were off
                cursor.execute("DELETE FROM equipment_unitusemonth")
                cursor.execute("DELETE FROM equipment_usemonth")
            if self.numbered:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [self.model._meta.db_table, max(self.last_id, 1)],
                )
        self.lines = []


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --- Equipment ------------------------------------------------------------------------

MACHINES = (
    "เครื่องซีลสุญญากาศ",
    "เครื่องซีลสายพาน",
    "ตู้อบแห้งพลังงานแสงอาทิตย์",
    "ตู้อบลมร้อน",
    "เตาอบขนม",
    "เครื่องบดสมุนไพร",
    "เครื่องคั่วกาแฟ",
    "เครื่องจักรเย็บผ้า",
    "เครื่องปักคอมพิวเตอร์",
    "เครื่องพิมพ์ฉลาก",
)
TYPE_SIZES = ("ขนาดเล็ก", "ขนาดใหญ่")
HOLIDAYS = ((1, 1), (4, 6), (4, 13), (4, 14), (4, 15), (5, 1), (7, 28), (8, 12), (10, 13))
TURNAROUND_DAYS = 1
OFFICE_OPENS, OFFICE_CLOSES = time(8, 30), time(16, 30)
CONDITIONS = (("good", 90), ("worn", 6), ("damaged", 3), ("broken", 1))


def _at(day: date, moment: time, minutes: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment)) + timedelta(minutes=minutes)


def _range(lower: datetime, upper: datetime) -> str:
    return f'["{lower.isoformat()}","{upper.isoformat()}")'


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def equipment(rng: random.Random, scale: Scale) -> int:
    """`scale.units` units of about 20 types and up to `scale.bookings` bookings spread
    over three years (35 months back, one month ahead). Each unit's bookings follow one
    another with the turnaround and a gap between them, so approved, checked-out and
    returned bookings never overlap (booking_no_overlap_per_unit) and a unit has at most
    one open loan: the booking running today. Past bookings are mostly returned (some
    early, some late, a few damaged), some no-shows, cancellations and rejections;
    future ones approved or requested. Borrowers follow a long tail, as real ones do."""
    today = timezone.localdate()
    context = {
        "staff_id": User.objects.get(username="bench.staff").pk,
        "today": today,
        "producers": list(Producer.objects.order_by("pk").values_list("pk", flat=True)),
    }
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(context["producers"]))]
    rng.shuffle(weights)
    context["cum_weights"] = list(_accumulate(weights))
    _holidays(today)
    tables = {
        model: CopyTable(model)
        for model in (EquipmentType, EquipmentUnit, Booking, Loan, MaintenanceTicket, WaitlistEntry)
    }
    types = _types(rng, tables[EquipmentType])
    first_day, last_day = today - timedelta(days=35 * 30), today + timedelta(days=30)
    per_unit = max(scale.bookings // max(scale.units, 1), 1)
    extra = scale.bookings - per_unit * scale.units
    made = 0
    for number in range(1, scale.units + 1):
        type_id, interval = types[number % len(types)]
        unit_id = tables[EquipmentUnit].add(
            equipment_type_id=type_id,
            asset_number=f"7440-{number:06d}",
            location=rng.choice(("สำนักงานพัฒนาชุมชนจังหวัด", "ศูนย์ OTOP อำเภอ")),
            purchased_on=first_day - timedelta(days=rng.randint(0, 700)),
            created_at=_at(first_day, OFFICE_OPENS),
        )
        count = per_unit + (1 if number <= extra else 0)
        made += _unit_bookings(rng, tables, context, unit_id, count, (first_day, last_day))
        if interval and rng.random() < 0.7:
            _ticket(
                rng, tables, context, unit_id, "service", today - timedelta(rng.randint(10, 300))
            )
    for table in tables.values():
        table.write()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _holidays(today: date) -> None:
    days = {
        date(year, month, day)
        for year in range(today.year - 4, today.year + 2)
        for month, day in HOLIDAYS
    }
    NonWorkingDay.objects.bulk_create(
        [NonWorkingDay(on=day, name="วันหยุด", kind="holiday") for day in sorted(days)],
        ignore_conflicts=True,
    )


def _types(rng, table) -> list[tuple[int, int | None]]:
    types = []
    for machine in MACHINES:
        for size in TYPE_SIZES:
            interval = rng.choice((None, 6, 12))
            type_id = table.add(
                name=f"{machine} {size}",
                description=f"{machine} สำหรับกลุ่มผู้ผลิต",
                service_interval_months=interval,
                is_scarce=rng.random() < 0.2,
                max_duration=rng.choice((3, 5, 7)),
            )
            types.append((type_id, interval))
    return types


def _unit_bookings(rng, tables, context, unit_id, count, span) -> int:
    """`count` bookings of one unit, one after another through `span`."""
    first_day, last_day = span
    slot = max((last_day - first_day).days // count, 3)
    cursor, made = first_day, 0
    for _n in range(count):
        first = _weekday(cursor + timedelta(days=rng.randint(0, max(slot - 5, 0))))
        last = first + timedelta(days=rng.randint(0, min(4, max(slot - 3, 0))))
        blocked_until = _weekday(last + timedelta(days=TURNAROUND_DAYS))
        if blocked_until > last_day:
            break
        _booking(rng, tables, context, unit_id, first, last, blocked_until)
        made += 1
        cursor = max(cursor + timedelta(days=slot), blocked_until + timedelta(days=1))
    return made


def _status(rng, first: date, last: date, today: date) -> str:
    if first > today:
        return "approved" if rng.random() < 0.6 else "requested"
    if last >= today:
        return "checked_out"
    return rng.choices(
        ("returned", "no_show", "cancelled", "rejected", "maintenance"), (78, 6, 8, 5, 3)
    )[0]


def _booking(rng, tables, context, unit_id, first, last, blocked_until) -> None:
    status = _status(rng, first, last, context["today"])
    kind, producer_id = (
        "loan",
        rng.choices(context["producers"], cum_weights=context["cum_weights"])[0],
    )
    if status == "maintenance":
        kind, status, producer_id = "maintenance", "approved", None
    start, end = _at(first, OFFICE_OPENS), _at(last, OFFICE_CLOSES)
    booking_id = tables[Booking].add(
        unit_id=unit_id,
        kind=kind,
        producer_id=producer_id,
        status=status,
        period=_range(start, end),
        blocked_period=_range(start, _at(blocked_until, OFFICE_CLOSES)),
        booked_days=(last - first).days + 1,
        requested_by_id=context["staff_id"],
        created_at=start - timedelta(days=rng.randint(3, 30)),
    )
    if status in ("returned", "checked_out"):
        _loan(rng, tables, context, booking_id, unit_id, (first, last, end), status == "returned")
    if kind == "loan" and rng.random() < 0.03:
        tables[WaitlistEntry].add(
            unit_id=unit_id,
            producer_id=rng.choice(context["producers"]),
            period=_range(start, end),
            status=rng.choice(("waiting", "lapsed", "withdrawn")),
            requested_by_id=context["staff_id"],
            created_at=start - timedelta(days=2),
        )


def _loan(rng, tables, context, booking_id, unit_id, times, returned: bool) -> None:
    first, last, due = times
    values = {}
    if returned:
        draw = rng.random()
        back_day = last - timedelta(days=1) if draw < 0.1 and last > first else last
        back = _at(back_day, time(14), rng.randint(0, 150))
        if draw > 0.88:  # late: back the next morning, before the turnaround ends
            back = _at(last + timedelta(days=1), time(9), rng.randint(0, 240))
        condition = rng.choices(*zip(*CONDITIONS, strict=True))[0]
        values = {
            "returned_at": back,
            "returned_by_id": context["staff_id"],
            "return_condition": condition,
            "cleaned": True,
        }
    loan_id = tables[Loan].add(
        booking_id=booking_id,
        unit_id=unit_id,
        due_at=due,
        checked_out_at=_at(first, OFFICE_OPENS, rng.randint(0, 90)),
        checked_out_by_id=context["staff_id"],
        checkout_condition="good",
        acknowledged_by="ผู้ยืม",
        **values,
    )
    if values.get("return_condition") in ("damaged", "broken"):
        _ticket(rng, tables, context, unit_id, "repair", back_day, loan_id=loan_id)


def _ticket(rng, tables, context, unit_id, kind, day: date, loan_id=None) -> None:
    tables[MaintenanceTicket].add(
        unit_id=unit_id,
        kind=kind,
        status="resolved",
        reason="ซ่อมบำรุง",
        loan_id=loan_id,
        opened_at=_at(day, time(15)),
        opened_by_id=context["staff_id"],
        cost=Decimal(rng.randint(2, 50) * 100),
        closed_at=_at(day + timedelta(days=3), time(15)),
        closed_by_id=context["staff_id"],
    )


STEPS = [
    ("accounts", accounts),
    ("producers", producers),
    ("equipment", equipment),
    ("savers", savings),
    ("fair applications", fairs),
]
