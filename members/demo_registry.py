"""The registry's demo data: producers, their people and products, star ratings,
quadrants, certifications, network memberships, contacts and sales in every Sa Kaeo
district.

Deterministic: the whole plan is drawn from one `random.Random(2565)` in a fixed
order before anything is written, and never from what the database holds, so every
run plans the same data. Dates that must stay meaningful (certificates about to
expire, memberships in grace) are drawn as offsets from `timezone.localdate()`: two
runs on one day write the same rows, and on a later day the demo still shows
certificates expiring soon.

Idempotent by upsert, not by delete-and-recreate. The seeder's producers carry a CDD
code "SK-<district>-<nnn>" and its people a national ID, both unique: they are found
by those keys and updated in place. Every row that hangs off a demo producer is
matched by its natural key (a product by its name, a rating by its round, a sale by
year, quarter and channel, …): missing rows are inserted, rows that differ updated,
rows the plan no longer holds deleted. Upserting keeps primary keys stable, so what
later seeders attach to these producers and people (bookings, savers, fair
applications, often with on_delete=PROTECT) survives a second run, which
delete-and-recreate would either refuse or break; and rows that did not change are
not saved again, so a second run writes no history events either.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from members.models import (
    Category,
    Certification,
    ContactKind,
    ContactLog,
    District,
    MemberRole,
    MembershipStatus,
    NetworkMembership,
    Person,
    Producer,
    ProducerMember,
    ProducerType,
    Product,
    QuadrantAssessment,
    RatingLevel,
    Role,
    SalesChannel,
    SalesReport,
    Sex,
    Standard,
    StarRating,
    Title,
    User,
    fiscal_year_be,
    fiscal_year_end,
)
from otop_portal.lib.demo import DEMO_EMAIL_DOMAIN, DemoLogin
from otop_portal.lib.natid import check_digit

SEED = 2565
CODE_PREFIX = "SK-27"  # every demo producer's CDD code starts so: SK-2701-001
STAFF_USERNAME = "cdd.staff"  # verifies the ratings; written by the accounts seeder
ROUNDS_BE = (2562, 2565, 2567)  # OPC rounds
ROUND_PATTERNS = ((2567,), (2565, 2567), ROUNDS_BE, (2565,), (2562, 2565), (2562,))
ROUND_WEIGHTS = (30, 25, 15, 10, 10, 10)
STAR_WEIGHTS = (3, 10, 45, 35, 7)  # 1 … 5 stars: most 3–4, a few 5
QUADRANT_YEAR_BE = 2568
SALES_YEARS_BE = (2567, 2568)
SEASON = {1: 1.35, 2: 1.1, 3: 0.8, 4: 0.9}  # Oct–Dec has OTOP City, New Year and the Red Cross fair
QUARTER_SALES = {  # a quarter's sales through the main channel, baht
    ProducerType.COMMUNITY_GROUP: (15_000, 90_000),
    ProducerType.SINGLE_OWNER: (6_000, 45_000),
    ProducerType.SME: (120_000, 600_000),
}
CERT_CHANCE = {
    Standard.FDA: 0.8,
    Standard.TCPS: 0.55,
    Standard.GMP: 0.25,
    Standard.GAP: 0.5,
    Standard.ORGANIC: 0.25,
    Standard.HALAL: 0.15,
    Standard.HACCP: 0.1,
}
VALIDITY_YEARS = {  # the FDA's อย. number does not expire
    Standard.TCPS: 3,
    Standard.GMP: 3,
    Standard.GAP: 3,
    Standard.HACCP: 3,
    Standard.ORGANIC: 1,
    Standard.HALAL: 1,
}
SME_ROAD = {"2701": "สุวรรณศร", "2705": "สุวรรณศร", "2706": "สุวรรณศร"}  # route 33


# --- Vocabulary: what Sa Kaeo's producers make, and what they are called ----------


@dataclass(frozen=True)
class Kind:
    """A kind of product: its name, category, unit, price range (baht) and the
    standards it may be certified to."""

    name: str
    category: str
    unit: str
    low: int
    high: int
    standards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """What a producer makes: the start of a group's name ("กลุ่มทอผ้า"), a single
    owner's brand ("ผ้าทอ" + "ป้าบุญเรือน"), an SME's brand ending and the kinds."""

    category: str
    group: str
    brand: str
    sme: str
    kinds: tuple[Kind, ...]


_F, _B, _T, _D, _H = (
    Category.FOOD,
    Category.BEVERAGE,
    Category.TEXTILE,
    Category.DECOR,
    Category.HERBAL,
)
_FDA, _TCPS, _GMP, _GAP, _ORG, _HALAL, _HACCP = (
    Standard.FDA,
    Standard.TCPS,
    Standard.GMP,
    Standard.GAP,
    Standard.ORGANIC,
    Standard.HALAL,
    Standard.HACCP,
)
CHILI_PASTE = Kind("น้ำพริกเผา", _F, "กระปุก", 35, 80, (_FDA, _TCPS, _HALAL))
FISH_CHILI = Kind("น้ำพริกปลาย่าง", _F, "กระปุก", 40, 90, (_FDA, _TCPS))
PLA_RA_BONG = Kind("ปลาร้าบอง", _F, "กระปุก", 40, 80, (_FDA, _TCPS))
PLA_RA_SAUCE = Kind("น้ำปลาร้าปรุงสุก", _F, "ขวด", 35, 60, (_FDA, _GMP, _HACCP))
PLA_SOM = Kind("ปลาส้ม", _F, "ห่อ", 50, 100, (_TCPS,))
DRIED_BANANA = Kind("กล้วยตาก", _F, "ห่อ", 40, 90, (_FDA, _TCPS, _GMP, _HALAL))
BANANA_CHIPS = Kind("กล้วยฉาบ", _F, "ห่อ", 25, 60, (_FDA, _TCPS))
BANANA_PASTE = Kind("กล้วยกวน", _F, "ห่อ", 30, 60, (_TCPS,))
JASMINE_RICE = Kind("ข้าวหอมมะลิ", _F, "กิโลกรัม", 45, 70, (_GAP, _ORG, _TCPS))
BROWN_RICE = Kind("ข้าวกล้องหอมมะลิ", _F, "กิโลกรัม", 60, 90, (_GAP, _ORG))
RICEBERRY = Kind("ข้าวไรซ์เบอร์รี่", _F, "กิโลกรัม", 80, 120, (_GAP, _ORG))
MANGO_PASTE = Kind("มะม่วงกวน", _F, "ห่อ", 40, 80, (_FDA, _TCPS))
DRIED_MANGO = Kind("มะม่วงแช่อิ่มอบแห้ง", _F, "ห่อ", 50, 120, (_FDA, _TCPS, _GMP))
FRESH_MANGO = Kind("มะม่วงน้ำดอกไม้สีทอง", _F, "กิโลกรัม", 60, 150, (_GAP,))
THONG_MUAN = Kind("ทองม้วน", _F, "ห่อ", 40, 80, (_FDA, _TCPS))
KHANOM_KONG = Kind("ขนมกง", _F, "ห่อ", 30, 60, (_TCPS,))
CRACKERS = Kind("ข้าวเกรียบฟักทอง", _F, "ห่อ", 20, 45, (_FDA, _TCPS))
KRAYASART = Kind("กระยาสารท", _F, "ห่อ", 40, 90, (_TCPS,))
WILD_HONEY = Kind("น้ำผึ้งป่า", _F, "ขวด", 150, 350, (_FDA, _GAP))
LONGAN_HONEY = Kind("น้ำผึ้งดอกลำไย", _F, "ขวด", 120, 280, (_FDA, _GMP))
ROSELLE = Kind("น้ำกระเจี๊ยบ", _B, "ขวด", 15, 30, (_FDA, _TCPS))
LEMONGRASS = Kind("น้ำตะไคร้ใบเตย", _B, "ขวด", 15, 30, (_FDA,))
BUTTERFLY_PEA = Kind("น้ำอัญชันมะนาว", _B, "ขวด", 15, 30, (_FDA,))
CORN_MILK = Kind("น้ำนมข้าวโพด", _B, "ขวด", 15, 25, (_FDA, _GMP))
MANGO_JUICE = Kind("น้ำมะม่วงพร้อมดื่ม", _B, "ขวด", 20, 40, (_FDA, _GMP))
MULBERRY_TEA = Kind("ชาใบหม่อน", _B, "ห่อ", 60, 150, (_FDA, _TCPS, _ORG))
HERBAL_TEA = Kind("ชาสมุนไพรรางจืด", _B, "ห่อ", 50, 120, (_FDA, _TCPS))
COFFEE = Kind("กาแฟคั่วบด", _B, "ห่อ", 120, 300, (_FDA, _GMP))
MAMAO_WINE = Kind("ไวน์มะเม่า", _B, "ขวด", 180, 450, (_TCPS,))
COMMUNITY_SPIRIT = Kind("สุรากลั่นชุมชน", _B, "ขวด", 120, 300, (_TCPS,))
HANDWOVEN = Kind("ผ้าทอมือ", _T, "ผืน", 250, 900, (_TCPS,))
PHA_KHAO_MA = Kind("ผ้าขาวม้า", _T, "ผืน", 120, 350, (_TCPS,))
MUDMEE_SARONG = Kind("ผ้าซิ่นมัดหมี่", _T, "ผืน", 600, 2500, (_TCPS,))
MUDMEE_SILK = Kind("ผ้าไหมมัดหมี่", _T, "ผืน", 1500, 6000, (_TCPS,))
SHAWL = Kind("ผ้าคลุมไหล่", _T, "ผืน", 200, 700, (_TCPS,))
DYED_SHIRT = Kind("เสื้อผ้าฝ้ายย้อมสีธรรมชาติ", _T, "ชิ้น", 350, 900, (_TCPS,))
LOCAL_SHIRT = Kind("เสื้อพื้นเมือง", _T, "ชิ้น", 250, 600, (_TCPS,))
WOVEN_BAG = Kind("กระเป๋าผ้าทอ", _T, "ใบ", 150, 450, (_TCPS,))
KEYRING = Kind("พวงกุญแจผ้าทอ", _D, "ชิ้น", 20, 60)
PLASTIC_BAG = Kind("กระเป๋าสานเส้นพลาสติก", _D, "ใบ", 150, 650, (_TCPS,))
HYACINTH_BAG = Kind("กระเป๋าสานผักตบชวา", _D, "ใบ", 200, 800, (_TCPS,))
BAMBOO_BASKET = Kind("ตะกร้าสานไม้ไผ่", _D, "ใบ", 80, 350, (_TCPS,))
RICE_BASKET = Kind("กระติบข้าว", _D, "ใบ", 60, 200, (_TCPS,))
GRASS_BROOM = Kind("ไม้กวาดดอกหญ้า", _D, "ชิ้น", 45, 120, (_TCPS,))
COCONUT_BROOM = Kind("ไม้กวาดทางมะพร้าว", _D, "ชิ้น", 35, 90)
SEDGE_MAT = Kind("เสื่อกก", _D, "ผืน", 250, 900, (_TCPS,))
SEDGE_CUSHION = Kind("เบาะรองนั่งกก", _D, "ชิ้น", 80, 200, (_TCPS,))
ARTIFICIAL_FLOWERS = Kind("ดอกไม้ประดิษฐ์จากใบยางพารา", _D, "ชิ้น", 80, 400)
BAMBOO_LAMP = Kind("โคมไฟไม้ไผ่", _D, "ชิ้น", 250, 900, (_TCPS,))
HERBAL_SOAP = Kind("สบู่สมุนไพร", _H, "ก้อน", 30, 80, (_FDA, _TCPS))
COMPRESS = Kind("ลูกประคบสมุนไพร", _H, "ลูก", 50, 120, (_TCPS,))
BALM = Kind("ยาหม่องสมุนไพร", _H, "ตลับ", 25, 60, (_FDA,))
YELLOW_OIL = Kind("น้ำมันเหลือง", _H, "ขวด", 25, 60, (_FDA,))
PLAI_OIL = Kind("น้ำมันนวดไพล", _H, "ขวด", 60, 150, (_FDA, _TCPS))
KAFFIR_SHAMPOO = Kind("แชมพูมะกรูด", _H, "ขวด", 60, 150, (_FDA, _TCPS))
TURMERIC_CREAM = Kind("ครีมขมิ้นชัน", _H, "กระปุก", 80, 250, (_FDA, _GMP))
INHALER = Kind("ยาดมสมุนไพร", _H, "ชิ้น", 20, 50, (_FDA,))

PROFILES = (
    Profile(
        _F, "กลุ่มแม่บ้านเกษตรกร", "น้ำพริก", "ฟู้ดส์", (CHILI_PASTE, FISH_CHILI, PLA_RA_BONG, CRACKERS)
    ),
    Profile(_F, "กลุ่มแปรรูปกล้วย", "กล้วยตาก", "บานาน่า", (DRIED_BANANA, BANANA_CHIPS, BANANA_PASTE)),
    Profile(_F, "กลุ่มข้าวหอมมะลิ", "ข้าวหอม", "ไรซ์", (JASMINE_RICE, BROWN_RICE, RICEBERRY)),
    Profile(
        _F, "กลุ่มแปรรูปมะม่วง", "มะม่วง", "แมงโก้", (FRESH_MANGO, MANGO_PASTE, DRIED_MANGO, MANGO_JUICE)
    ),
    Profile(_F, "กลุ่มขนมไทย", "ขนมไทย", "สแน็ค", (THONG_MUAN, KHANOM_KONG, CRACKERS, KRAYASART)),
    Profile(_F, "กลุ่มเลี้ยงผึ้ง", "น้ำผึ้ง", "ฮันนี่", (WILD_HONEY, LONGAN_HONEY)),
    Profile(_F, "กลุ่มแปรรูปปลา", "ปลาร้า", "ฟิชชี่", (PLA_RA_BONG, PLA_RA_SAUCE, PLA_SOM)),
    Profile(
        _B,
        "กลุ่มเครื่องดื่มสมุนไพร",
        "น้ำสมุนไพร",
        "เบฟเวอเรจ",
        (ROSELLE, LEMONGRASS, BUTTERFLY_PEA, CORN_MILK),
    ),
    Profile(_B, "กลุ่มชาใบหม่อน", "ชา", "ที", (MULBERRY_TEA, HERBAL_TEA, COMPRESS)),
    Profile(_B, "กลุ่มกาแฟ", "กาแฟ", "คอฟฟี่", (COFFEE, CORN_MILK, BANANA_CHIPS)),
    Profile(_B, "กลุ่มสุราชุมชน", "ไวน์", "ไวเนอรี่", (MAMAO_WINE, COMMUNITY_SPIRIT)),
    Profile(
        _T,
        "กลุ่มทอผ้า",
        "ผ้าทอ",
        "เท็กซ์ไทล์",
        (HANDWOVEN, PHA_KHAO_MA, MUDMEE_SARONG, WOVEN_BAG, KEYRING),
    ),
    Profile(_T, "กลุ่มทอผ้าไหม", "ผ้าไหม", "ซิลค์", (MUDMEE_SILK, MUDMEE_SARONG, SHAWL)),
    Profile(_T, "กลุ่มผ้าย้อมสีธรรมชาติ", "ผ้าย้อม", "คอตตอน", (DYED_SHIRT, SHAWL, LOCAL_SHIRT)),
    Profile(
        _D,
        "กลุ่มจักสาน",
        "งานจักสาน",
        "แฮนด์คราฟท์",
        (PLASTIC_BAG, HYACINTH_BAG, BAMBOO_BASKET, RICE_BASKET),
    ),
    Profile(_D, "กลุ่มไม้กวาดดอกหญ้า", "ไม้กวาด", "คลีน", (GRASS_BROOM, COCONUT_BROOM)),
    Profile(_D, "กลุ่มทอเสื่อกก", "เสื่อกก", "ไลฟ์สไตล์", (SEDGE_MAT, SEDGE_CUSHION)),
    Profile(_D, "กลุ่มดอกไม้ประดิษฐ์", "ดอกไม้", "ดีไซน์", (ARTIFICIAL_FLOWERS, BAMBOO_LAMP, KEYRING)),
    Profile(
        _H,
        "กลุ่มสมุนไพร",
        "สมุนไพร",
        "เฮิร์บ",
        (HERBAL_SOAP, COMPRESS, BALM, YELLOW_OIL, PLAI_OIL, HERBAL_TEA),
    ),
    Profile(
        _H,
        "กลุ่มผลิตภัณฑ์สมุนไพรเพื่อความงาม",
        "สบู่",
        "บิวตี้",
        (KAFFIR_SHAMPOO, TURMERIC_CREAM, HERBAL_SOAP, INHALER),
    ),
)

PRODUCT_NOTES = {
    _F: "ไม่ใส่สารกันเสีย ผลิตจากวัตถุดิบในชุมชน",
    _B: "หวานน้อย ไม่แต่งสี ผลิตสดทุกสัปดาห์",
    _T: "ทอด้วยกี่พื้นบ้าน ลวดลายดั้งเดิมของชุมชน",
    _D: "ทำมือทุกชิ้น ทนทาน ใช้งานได้จริง",
    _H: "สมุนไพรปลูกเองในชุมชน ไม่ใช้สารเคมี",
}


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """("สมศรี", "somsri"), … from "สมศรี somsri  มาลี malee …": a Thai first name
    and the romanisation its owner's LINE ID starts with."""
    words = text.split()
    return tuple(zip(words[::2], words[1::2], strict=True))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


VILLAGES = _words(
    "โนนสูง หนองบัว คลองยาง โคกสะอาด หนองปรือ ซับใหญ่ หนองตะเคียน คลองมะละกอ เขาดิน "
    "ห้วยยาง โนนสว่าง หนองจาน ท่าช้าง นาดี หนองกะทิง คลองทราย เนินสะอาด แสนสุข ไทรงาม "
    "โคกมะตูม"
)


FEMALE_NAMES = _pairs(
    "สมศรี somsri  มาลี malee  บุญเรือน boonruean  ประภา prapa  วันเพ็ญ wanpen  "
    "สุภาพร supaporn  อรุณี arunee  จันทร์เพ็ญ janpen  ทองใบ thongbai  บัวผัน buaphan  "
    "นงลักษณ์ nongluck  พิมพ์ใจ pimjai  ศรีนวล srinuan  ดวงใจ duangjai  "
    "กาญจนา kanjana  รัตนา rattana  สุดารัตน์ sudarat  เพ็ญศรี pensri  ยุพิน yupin  "
    "อำไพ ampai  ลำดวน lamduan  แสงเดือน sangduan  โสภา sopa  ไพรินทร์ pairin  "
    "เยาวลักษณ์ yaowalak  บุญมา boonma  สำลี samlee  ละมัย lamai"
)
MALE_NAMES = _pairs(
    "สมชาย somchai  บุญมี boonmee  ประเสริฐ prasert  วิชัย wichai  สุรชัย surachai  "
    "สมพงษ์ sompong  บุญส่ง boonsong  ชาญชัย chanchai  มนตรี montri  สมบัติ sombat  "
    "สมหมาย sommai  สุวิทย์ suwit  อนันต์ anan  ไพโรจน์ pairoj  เฉลิม chalerm  "
    "บุญเลิศ boonlert  สำเริง samroeng  ธีระ teera  วีระ weera  ณรงค์ narong  "
    "เสถียร sathian  ทองสุข thongsuk  เกษม kasem  อุดม udom"
)
LAST_NAMES = _words(
    "แก้วมณี ทองดี ศรีสุข พรหมมา บุญยืน สายทอง คำแสน จันทร์หอม ชัยมงคล สุขเจริญ "
    "วงศ์สวัสดิ์ ศรีวิไล บุญประเสริฐ ทองคำ มณีวงศ์ เพชรรัตน์ แสงทอง โพธิ์ศรี ใจมั่น "
    "เย็นใจ อินทร์แก้ว ดวงดี ปัญญาดี นาคสุข ศรีบุญเรือง พลเยี่ยม สุวรรณชาติ บุญทวี "
    "ไชยสิทธิ์ เหลืองอ่อน"
)
FAIRS = (
    (date(2023, 12, 15), "ออกบูธงาน OTOP City ที่อิมแพ็ค เมืองทองธานี"),
    (date(2024, 1, 12), "ออกบูธงานสืบสานวัฒนธรรมเบื้องบูรพาและงานกาชาดจังหวัดสระแก้ว"),
    (date(2024, 6, 28), "ออกบูธงาน OTOP Midyear"),
    (date(2024, 12, 13), "ออกบูธงาน OTOP City ที่อิมแพ็ค เมืองทองธานี"),
    (date(2025, 1, 10), "ออกบูธงานสืบสานวัฒนธรรมเบื้องบูรพาและงานกาชาดจังหวัดสระแก้ว"),
    (date(2025, 6, 27), "ออกบูธงาน OTOP Midyear"),
)
TRAININGS = (
    (date(2024, 2, 20), "อบรมการพัฒนาบรรจุภัณฑ์และตราสินค้า"),
    (date(2024, 8, 7), "อบรมการขายออนไลน์ผ่าน Facebook และ LINE OA"),
    (date(2025, 3, 12), "อบรมมาตรฐานผลิตภัณฑ์ชุมชน (มผช.) และการขอเลข อย."),
    (date(2025, 7, 22), "อบรมการใช้เครื่องซีลสุญญากาศและเครื่องอบแห้งของเครือข่าย"),
)
CONTACT_NOTES = {
    ContactKind.VISIT: (
        "เยี่ยมกลุ่ม ติดตามการผลิตและปัญหาวัตถุดิบ",
        "ลงพื้นที่ถ่ายภาพผลิตภัณฑ์เพื่อทำแคตตาล็อก",
        "ติดตามการต่ออายุใบรับรอง มผช.",
        "แนะนำการทำบัญชีรายรับรายจ่ายและการออม",
    ),
    ContactKind.CALL: (
        "โทรแจ้งกำหนดการประชุมเครือข่ายอำเภอ",
        "โทรสอบถามยอดขายรายไตรมาส",
        "โทรแจ้งเปิดรับสมัครออกบูธงานกาชาด",
        "โทรประสานการยืมเครื่องอบแห้งของเครือข่าย",
    ),
    ContactKind.MEETING: (
        "ประชุมคณะกรรมการเครือข่าย OTOP อำเภอ",
        "ประชุมชี้แจงการคัดสรรสุดยอดหนึ่งตำบลหนึ่งผลิตภัณฑ์",
    ),
}


# --- The plan ------------------------------------------------------------------------


@dataclass
class PersonPlan:
    values: dict
    role: str


@dataclass
class ProductPlan:
    values: dict
    ratings: list[dict]
    quadrant: str | None
    certifications: list[dict]


@dataclass
class ProducerPlan:
    values: dict
    people: list[PersonPlan]
    contact: int  # index into people
    registered_by: str  # "district" or "staff"
    products: list[ProductPlan] = field(default_factory=list)
    membership: dict = field(default_factory=dict)
    contacts: list[dict] = field(default_factory=list)
    sales: list[dict] = field(default_factory=list)


def seed_registry() -> list[DemoLogin]:
    """Write the registry's demo data for every district of the province (no logins)."""
    try:
        staff = User.objects.get(username=STAFF_USERNAME)
    except User.DoesNotExist:
        raise RuntimeError(f"Seed the demo accounts first: {STAFF_USERNAME} is missing.") from None
    districts = list(
        District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)
        .prefetch_related("subdistricts")
        .order_by("code")
    )
    planner = Planner(random.Random(SEED), timezone.localdate())  # noqa: S311 - demo data
    plans = [plan for district in districts for plan in planner.district(district)]
    planner.memberships(plans)
    with transaction.atomic():
        _write(plans, staff, districts)
    return []


# --- Planning: pure, from the random generator only ---------------------------------


class Planner:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.names: set[str] = set()
        self.serial = 0
        self.people_serial = 0  # per district: part of each person's national ID

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def district(self, district: District) -> list[ProducerPlan]:
        """6–10 producers: one or two SMEs, two or three single owners, the rest groups;
        the first five make one category each, so every district covers all five."""
        rng = self.rng
        count = rng.randint(6, 10)
        types = [ProducerType.SME] * rng.randint(1, 2)
        types += [ProducerType.SINGLE_OWNER] * rng.randint(2, 3)
        types += [ProducerType.COMMUNITY_GROUP] * (count - len(types))
        rng.shuffle(types)
        profiles = [
            rng.choice([p for p in PROFILES if p.category == category])
            for category in Category.values
        ]
        profiles += [rng.choice(PROFILES) for _ in range(count - len(profiles))]
        rng.shuffle(profiles)
        areas = sorted(district.subdistricts.all(), key=lambda area: area.code)
        self.people_serial = 0
        return [
            self.producer(district, areas, number, kind, profile)
            for number, (kind, profile) in enumerate(zip(types, profiles, strict=True), 1)
        ]

    def producer(self, district, areas, number, producer_type, profile) -> ProducerPlan:
        rng = self.rng
        home = rng.choice(areas)
        village = rng.choice([home.name_th, *VILLAGES])
        address = {
            "house_no": self.house_no(),
            "moo": rng.randint(1, 15),
            "village": f"บ้าน{village}",
            "subdistrict_id": home.code,
            "postal_code": rng.choice(home.postal_codes),
        }
        people = self.people(district, areas, home, address, producer_type)
        values = {
            "cdd_code": f"SK-{district.code}-{number:03d}",
            "producer_type": producer_type,
            "district_id": district.code,
            "is_community_enterprise": False,
            "community_enterprise_no": "",
            "juristic_id": None,
            **address,
            "road": "",
            "phone": people[0].values["phone"],
        }
        if producer_type == ProducerType.SME:
            self.sme(values, district, number, profile)
        elif producer_type == ProducerType.SINGLE_OWNER:
            values["name"] = self.unique_name(
                f"{profile.brand}{self.honorific(people[0])}{people[0].values['first_name']}",
                f"บ้าน{village}",
            )
        else:
            self.group(values, district, home, profile, village)
        contact = 1 if len(people) > 1 and rng.random() < 0.2 else 0
        plan = ProducerPlan(
            values=values,
            people=people,
            contact=contact,
            registered_by="staff" if rng.random() < 0.2 else "district",
        )
        plan.products = self.products(profile, producer_type, village)
        plan.contacts = self.contacts()
        plan.sales = self.sales(producer_type, plan.products)
        return plan

    def sme(self, values, district, number, profile):
        rng = self.rng
        company = rng.random() < 0.6  # a limited company, else a limited partnership
        short = district.name_th.removeprefix("เมือง")
        form = "บริษัท {} จำกัด" if company else "ห้างหุ้นส่วนจำกัด {}"
        brands = [short, "บูรพา", "ตะวันออก", "ศรี" + short, "สยาม"]
        names = [form.format(brand + profile.sme) for brand in rng.sample(brands, len(brands))]
        name = next((name for name in names if name not in self.names), f"{names[0]} {number}")
        self.names.add(name)
        # 0-27-5-566-01003-c: registrar 27, 5 company / 3 partnership, last three digits
        # of the B.E. year, serial, check digit (the same as a national ID's)
        year = rng.randint(545, 567)
        twelve = f"027{5 if company else 3}{year}{district.code[2:]}{number:03d}"
        values.update(name=name, juristic_id=twelve + str(check_digit(twelve)))
        values["road"] = SME_ROAD.get(district.code, "") if rng.random() < 0.6 else ""
        values["phone"] = f"037{rng.randint(200_000, 599_999)}"  # Sa Kaeo landline

    def group(self, values, district, home, profile, village):
        rng = self.rng
        name = self.unique_name(f"{profile.group}บ้าน{village}", f"หมู่ {values['moo']}")
        if rng.random() < 0.5:
            sequence = rng.randint(1, 60)
            values.update(
                name=f"วิสาหกิจชุมชน{name}",
                is_community_enterprise=True,
                community_enterprise_no=(
                    f"2-27-{district.code[2:]}-{home.code[4:]}/1-{sequence:04d}"
                ),
            )
        else:
            values["name"] = name

    def unique_name(self, name: str, qualifier: str) -> str:
        if name in self.names:
            name = f"{name} {qualifier}"
        self.names.add(name)
        return name

    def house_no(self) -> str:
        number = str(self.rng.randint(1, 240))
        return f"{number}/{self.rng.randint(1, 9)}" if self.rng.random() < 0.2 else number

    def honorific(self, owner: PersonPlan) -> str:
        if owner.values["sex"] == Sex.FEMALE:
            return self.rng.choice(("แม่", "ป้า", "คุณ"))
        return self.rng.choice(("ลุง", "พ่อ", "คุณ"))

    # People

    def people(self, district, areas, home, address, producer_type) -> list[PersonPlan]:
        rng = self.rng
        if producer_type != ProducerType.COMMUNITY_GROUP:
            female = 0.5 if producer_type == ProducerType.SME else 0.6
            return [self.person(district, areas, home, address, MemberRole.OWNER, female)]
        roles = [MemberRole.CHAIR]
        roles += rng.sample(
            [MemberRole.VICE_CHAIR, MemberRole.SECRETARY, MemberRole.TREASURER, MemberRole.MEMBER],
            rng.randint(1, 3),
        )
        return [self.person(district, areas, home, address, role, 0.7) for role in roles]

    def person(self, district, areas, home, address, role, female: float) -> PersonPlan:
        rng = self.rng
        sex = Sex.FEMALE if rng.random() < female else Sex.MALE
        first, roman = rng.choice(FEMALE_NAMES if sex == Sex.FEMALE else MALE_NAMES)
        born = date(rng.randint(1955, 1996), rng.randint(1, 12), rng.randint(1, 28))
        if sex == Sex.MALE:
            title = Title.MR
        else:
            title = Title.MRS if born.year < 1990 and rng.random() < 0.8 else Title.MISS
        if role == MemberRole.OWNER and rng.random() < 0.1:
            title = Title.DR
        self.people_serial += 1
        twelve = (
            f"{3 if born.year < 1984 else 1}{district.code}"
            f"{rng.randint(0, 999):03d}{self.people_serial:04d}"
        )
        area = home if rng.random() < 0.8 else rng.choice(areas)
        where = (
            dict(address)
            if area == home
            else {
                "moo": rng.randint(1, 15),
                "village": f"บ้าน{rng.choice(VILLAGES)}",
                "subdistrict_id": area.code,
                "postal_code": rng.choice(area.postal_codes),
            }
        )
        where["house_no"] = self.house_no()
        line = f"{roman}{rng.randint(1, 99)}" if rng.random() < 0.45 else ""
        consent = date(2022, 6, 1) + timedelta(days=rng.randint(0, 1200))
        values = {
            "national_id": twelve + str(check_digit(twelve)),
            "district_id": district.code,
            "title": title,
            "first_name": first,
            "last_name": rng.choice(LAST_NAMES),
            "sex": sex,
            "birth_date": born,
            "phone": f"08{rng.randint(0, 99_999_999):08d}",
            "line_id": line,
            "consent_on": consent if rng.random() < 0.9 else None,
            **where,
        }
        return PersonPlan(values=values, role=role)

    # Products

    def products(self, profile: Profile, producer_type, village: str) -> list[ProductPlan]:
        rng = self.rng
        first, *others = profile.kinds  # the first is what the producer is known for
        count = rng.randint(2, 3) if producer_type == ProducerType.SME else rng.randint(1, 3)
        kinds = [first, *rng.sample(others, min(count - 1, len(others)))]
        return [self.product(kind, producer_type, village) for kind in kinds]

    def product(self, kind: Kind, producer_type, village: str) -> ProductPlan:
        rng = self.rng
        step = 5 if kind.high <= 300 else 10 if kind.high <= 1000 else 50
        capacity = max(10, round(rng.uniform(0.5, 1.5) * 30_000 / kind.high, -1))
        if producer_type == ProducerType.SME:
            capacity *= 5
        note = PRODUCT_NOTES[kind.category]
        values = {
            "name": kind.name,
            "category": kind.category,
            "unit": kind.unit,
            "price": Decimal(rng.randrange(kind.low, kind.high + 1, step)),
            "monthly_capacity": int(capacity),
            "description": f"{note} (บ้าน{village})" if rng.random() < 0.4 else "",
            "is_active": rng.random() > 0.06,
        }
        ratings = self.ratings()
        certifications = self.certifications(kind, producer_type)
        best = max((r["stars"] for r in ratings), default=0)
        return ProductPlan(
            values, ratings, self.quadrant(kind, best, certifications), certifications
        )

    def ratings(self) -> list[dict]:
        rng = self.rng
        if rng.random() < 0.25:
            return []
        rounds = rng.choices(ROUND_PATTERNS, weights=ROUND_WEIGHTS)[0]
        stars = rng.choices(range(1, 6), weights=STAR_WEIGHTS)[0]
        ratings = []
        for index, year in enumerate(rounds):
            if index:
                stars = min(5, max(1, stars + rng.choice((-1, 0, 0, 0, 1))))
            verified = rng.random() < 2 / 3
            at = datetime(
                year - 543,
                rng.randint(7, 11),
                rng.randint(1, 28),
                rng.randint(9, 16),
                tzinfo=timezone.get_default_timezone(),
            )
            national = stars >= 4 and rng.random() < 0.5
            ratings.append(
                {
                    "round_year_be": year,
                    "stars": stars,
                    "level": RatingLevel.NATIONAL if national else RatingLevel.PROVINCIAL,
                    "certificate_no": f"OPC{year}-27-{self.next_serial():04d}",
                    "verified_at": at if verified else None,
                }
            )
        return ratings

    def certifications(self, kind: Kind, producer_type) -> list[dict]:
        rng = self.rng
        certifications = []
        for standard in kind.standards:
            chance = CERT_CHANCE[standard]
            if producer_type == ProducerType.SME and standard in (Standard.GMP, Standard.HACCP):
                chance += 0.4
            if rng.random() >= chance:
                continue
            serial = self.next_serial()
            if standard == Standard.FDA:
                issued = date(rng.randint(2015, 2023), rng.randint(1, 12), rng.randint(1, 28))
                number = (
                    f"27-1-{rng.randint(6_500_000_000, 6_899_999_999)}"  # cosmetic notification
                    if kind.category == Category.HERBAL
                    else f"27-1-{rng.randint(1, 99_999):05d}-{rng.randint(1, 2)}-{serial:04d}"
                )
                certifications.append(
                    {
                        "standard": standard,
                        "number": number,
                        "issued_on": issued,
                        "expires_on": None,
                    }
                )
                continue
            bucket = rng.random()  # 15 % expired, 20 % expiring within 90 days, the rest later
            if bucket < 0.15:
                offset = -rng.randint(15, 400)
            elif bucket < 0.35:
                offset = rng.randint(0, 89)
            else:
                offset = rng.randint(120, 365 * VALIDITY_YEARS[standard] - 30)
            expires = self.today + timedelta(days=offset)
            issued = expires - timedelta(days=365 * VALIDITY_YEARS[standard])
            certifications.append(
                {
                    "standard": standard,
                    "number": f"สก.{serial:04d}/{issued.year + 543}",
                    "issued_on": issued,
                    "expires_on": expires,
                }
            )
        return certifications

    def quadrant(self, kind: Kind, best: int, certifications: list[dict]) -> str | None:
        rng = self.rng
        if rng.random() < 0.1:
            return None
        if not certifications:
            return "D" if rng.random() < 0.75 else "C"
        crafted = kind.category in (Category.TEXTILE, Category.DECOR)
        if best == 5 or (best == 4 and rng.random() < 0.4):
            return "B" if crafted and rng.random() < 0.5 else "A"
        if crafted and best >= 3:
            return "B"
        return "C"

    # Contacts, sales, memberships

    def contacts(self) -> list[dict]:
        rng = self.rng
        start = date(2023, 10, 1)  # fiscal years 2567–2568
        contacts, seen = [], set()
        for _ in range(rng.randint(2, 5)):
            kind = rng.choices(
                (
                    ContactKind.VISIT,
                    ContactKind.CALL,
                    ContactKind.TRAINING,
                    ContactKind.FAIR,
                    ContactKind.MEETING,
                ),
                weights=(35, 30, 15, 12, 8),
            )[0]
            if kind == ContactKind.FAIR:
                on, notes = rng.choice(FAIRS)
            elif kind == ContactKind.TRAINING:
                on, notes = rng.choice(TRAININGS)
            else:
                on = start + timedelta(days=rng.randint(0, 729))
                notes = rng.choice(CONTACT_NOTES[kind])
            recorder = (
                "staff" if kind == ContactKind.TRAINING else rng.choice(("chair", "secretary"))
            )
            if (on, kind) not in seen:
                seen.add((on, kind))
                contacts.append({"on": on, "kind": kind, "notes": notes, "recorder": recorder})
        return contacts

    def sales(self, producer_type, products: list[ProductPlan]) -> list[dict]:
        rng = self.rng
        channels = {SalesChannel.SHOP: 1.0}
        if producer_type != ProducerType.SME or rng.random() < 0.5:
            channels[SalesChannel.FAIR] = 0.6
        if rng.random() < (0.8 if producer_type == ProducerType.SME else 0.45):
            channels[SalesChannel.ONLINE] = 0.4
        starred = any(r["stars"] >= 4 for p in products for r in p.ratings)
        if producer_type == ProducerType.SME and starred and rng.random() < 0.6:
            channels[SalesChannel.EXPORT] = 1.5
        base = rng.uniform(*QUARTER_SALES[producer_type])
        rows = []
        for year in SALES_YEARS_BE:
            base *= rng.uniform(0.9, 1.25) if year != SALES_YEARS_BE[0] else 1
            for quarter in range(1, 5):
                for channel, share in channels.items():
                    if rng.random() < 0.08:
                        continue  # not reported that quarter
                    fair = {1: 1.8, 3: 1.5}.get(quarter, 0.4) if channel == SalesChannel.FAIR else 1
                    amount = base * share * SEASON[quarter] * fair * rng.uniform(0.8, 1.2)
                    rows.append(
                        {
                            "fiscal_year_be": year,
                            "quarter": quarter,
                            "channel": channel,
                            "amount": Decimal(round(amount, -1)).quantize(Decimal("0.01")),
                        }
                    )
        return rows

    def memberships(self, plans: list[ProducerPlan]) -> None:
        """Province-wide mix: one or two pending, one resigned, a few lapsed two years
        ago, the rest valid to the end of this fiscal year or the last one (in grace
        for the first months of a fiscal year, lapsed after)."""
        rng = self.rng
        year = fiscal_year_be(self.today)
        order = list(range(len(plans)))
        rng.shuffle(order)
        pending = rng.randint(1, 2)
        lapsed = rng.randint(3, 4)
        for position, index in enumerate(order):
            joined = date(2019, 10, 1) + timedelta(days=rng.randint(0, 1460))
            membership = {
                "status": MembershipStatus.ACTIVE,
                "joined_on": joined,
                "valid_until": fiscal_year_end(year if rng.random() < 0.65 else year - 1),
                "fee_exempt": rng.random() < 0.1,
                "ended_on": None,
                "end_reason": "",
            }
            if position < pending:
                membership.update(status=MembershipStatus.PENDING, joined_on=None, valid_until=None)
            elif position == pending:
                until = fiscal_year_end(year - 1)
                membership.update(
                    status=MembershipStatus.RESIGNED,
                    valid_until=until,
                    ended_on=until - timedelta(days=rng.randint(10, 90)),
                    end_reason="เลิกผลิต ผู้ประกอบการย้ายไปทำงานต่างจังหวัด",
                )
            elif position <= pending + lapsed:
                membership["valid_until"] = fiscal_year_end(year - 2)
            plans[index].membership = membership


# --- Writing: upsert by natural keys --------------------------------------------------


def _write(plans: list[ProducerPlan], staff: User, districts: list[District]) -> None:
    recorders = _recorders(districts)
    people = _save_people(plans)
    producers = _save_producers(plans, people, recorders, staff)
    demo = Producer.objects.filter(cdd_code__startswith=CODE_PREFIX)
    demo.exclude(cdd_code__in=producers).delete()
    in_demo = {"producer__cdd_code__startswith": CODE_PREFIX}

    def rows(model, make):
        return [
            model(producer_id=producers[plan.values["cdd_code"]].pk, **values)
            for plan in plans
            for values in make(plan)
        ]

    _sync(
        ProducerMember.objects.filter(**in_demo),
        ("producer_id", "person_id"),
        rows(
            ProducerMember,
            lambda plan: [
                {"person_id": people[p.values["national_id"]].pk, "role": p.role}
                for p in plan.people
            ],
        ),
    )
    _sync(
        NetworkMembership.objects.filter(**in_demo),
        ("producer_id",),
        rows(NetworkMembership, lambda plan: [plan.membership]),
    )
    _sync(
        SalesReport.objects.filter(**in_demo),
        ("producer_id", "fiscal_year_be", "quarter", "channel"),
        rows(SalesReport, lambda plan: plan.sales),
    )

    def contacts(plan):
        users = recorders.get(plan.values["district_id"]) or [staff]
        for contact in plan.contacts:
            values = {k: v for k, v in contact.items() if k != "recorder"}
            pick = {"staff": staff, "chair": users[0], "secretary": users[-1]}[contact["recorder"]]
            yield {**values, "recorded_by_id": pick.pk}

    _sync(
        ContactLog.objects.filter(**in_demo),
        ("producer_id", "on", "kind"),
        rows(ContactLog, contacts),
    )
    _sync(
        Product.objects.filter(**in_demo),
        ("producer_id", "name"),
        rows(Product, lambda plan: [product.values for product in plan.products]),
    )
    _write_product_records(plans, producers, staff)


def _write_product_records(plans, producers, staff) -> None:
    product_ids = {
        (product.producer_id, product.name): product.pk
        for product in Product.objects.filter(producer__cdd_code__startswith=CODE_PREFIX)
    }
    ratings, quadrants, certifications = [], [], []
    for plan in plans:
        producer_id = producers[plan.values["cdd_code"]].pk
        for product in plan.products:
            product_id = product_ids[(producer_id, product.values["name"])]
            for rating in product.ratings:
                verified_by = staff.pk if rating["verified_at"] else None
                ratings.append(
                    StarRating(product_id=product_id, verified_by_id=verified_by, **rating)
                )
            if product.quadrant:
                quadrants.append(
                    QuadrantAssessment(
                        product_id=product_id,
                        fiscal_year_be=QUADRANT_YEAR_BE,
                        quadrant=product.quadrant,
                    )
                )
            certifications += [
                Certification(product_id=product_id, **values) for values in product.certifications
            ]
    in_demo = {"product__producer__cdd_code__startswith": CODE_PREFIX}
    _sync(StarRating.objects.filter(**in_demo), ("product_id", "round_year_be"), ratings)
    _sync(QuadrantAssessment.objects.filter(**in_demo), ("product_id", "fiscal_year_be"), quadrants)
    _sync(Certification.objects.filter(**in_demo), ("product_id", "standard"), certifications)


def _save_producers(plans, people, recorders, staff) -> dict[str, Producer]:
    existing = Producer.objects.in_bulk(
        [plan.values["cdd_code"] for plan in plans], field_name="cdd_code"
    )
    producers = {}
    for plan in plans:
        district_users = recorders.get(plan.values["district_id"])
        by = district_users[0] if district_users and plan.registered_by == "district" else staff
        contact = people[plan.people[plan.contact].values["national_id"]]
        values = {**plan.values, "contact_person_id": contact.pk, "registered_by_id": by.pk}
        producer = existing.get(values["cdd_code"]) or Producer()
        producers[values["cdd_code"]] = _save_if_changed(producer, values)
    return producers


def _recorders(districts: list[District]) -> dict[str, list[User]]:
    """Each district's demo committee members (chair before secretary), who record
    its contacts and register its producers."""
    users = User.objects.filter(
        role=Role.DISTRICT_MEMBER,
        district__in=districts,
        email__endswith="@" + DEMO_EMAIL_DOMAIN,
        username__regex=r"\.(chair|secretary)$",
    ).order_by("username")
    found: dict[str, list[User]] = {}
    for user in users:
        found.setdefault(user.district_id, []).append(user)
    return found


def _save_people(plans: list[ProducerPlan]) -> dict[str, Person]:
    wanted = [person for plan in plans for person in plan.people]
    existing = Person.objects.in_bulk(
        [person.values["national_id"] for person in wanted], field_name="national_id"
    )
    return {
        person.values["national_id"]: _save_if_changed(
            existing.get(person.values["national_id"]) or Person(), person.values
        )
        for person in wanted
    }


def _save_if_changed(obj: models.Model, values: dict) -> models.Model:
    """Set `values`, validate with the model's own rules, and save only when new or
    different (an unchanged row writes no history event)."""
    changed = obj.pk is None or any(getattr(obj, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    if changed:
        obj.save()
    return obj


def _sync(scope: models.QuerySet, key: tuple[str, ...], rows: list[models.Model]) -> None:
    """Make `scope` hold exactly `rows`, matched on the `key` attributes: insert what
    is missing, update what differs, delete what the plan no longer has."""
    model = scope.model
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not f.generated and f.name not in ("created_at", "updated_at")
    ]
    existing = {tuple(getattr(obj, k) for k in key): obj for obj in scope}
    new, changed = [], []
    now = timezone.now()
    for row in rows:
        old = existing.pop(tuple(getattr(row, k) for k in key), None)
        if old is None:
            new.append(row)
        elif any(getattr(old, f.attname) != getattr(row, f.attname) for f in fields):
            row.pk, row.created_at, row.updated_at = old.pk, old.created_at, now
            changed.append(row)
    model.objects.bulk_create(new, batch_size=1000)
    if changed:
        model.objects.bulk_update(
            changed, [f.name for f in fields] + ["updated_at"], batch_size=500
        )
    if existing:
        model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
