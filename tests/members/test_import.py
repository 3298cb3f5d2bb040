"""Importing producers from CDD's spreadsheets: every row checked and named, nothing
written unless the whole file is accepted, the same import from the shell."""

import csv
import io
import threading
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from members import imports
from members.models import (
    District,
    MemberRole,
    NetworkMembership,
    Person,
    Producer,
    ProducerMember,
    Product,
    StarRating,
)
from members.services import ImportRefused, producers_import
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import (
    PersonFactory,
    ProducerFactory,
    ProductFactory,
    StarRatingFactory,
    national_id,
    sa_kaeo_district,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
KEYS = [column.key for column in imports.COLUMNS]


def _row(n: int = 1, **cells) -> dict:
    """A valid row (by column key) for a new producer in ท่าเกษม, 2701."""
    row = {
        "producer_name": f"กลุ่มทดสอบนำเข้า {n}",
        "producer_type": "กลุ่มผู้ผลิตชุมชน",
        "subdistrict": "270106",
        "first_name": "มาลี",
        "last_name": f"นำเข้า{n}",
        "national_id": national_id(820000 + n),
    }
    row.update(cells)
    return {key: value for key, value in row.items() if value is not None}


def _csv(rows: list[dict], *, encoding: str = "utf-8-sig", english: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.english if english else column.header for column in imports.COLUMNS])
    for row in rows:
        writer.writerow([row.get(key, "") for key in KEYS])
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _province():
    return District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)


def _preview(rows: list[dict], scope=None) -> imports.Preview:
    with translation.override("en"):
        return imports.preview_file(_csv(rows), district_scope=scope or _province())


def _import(data: bytes, by=None, scope=None):
    with translation.override("en"):
        return producers_import(file=data, by=by, district_scope=scope or _province())


def _row_of(preview, number: int) -> imports.RowResult:
    return next(row for row in preview.rows if row.number == number)


def _errors(preview, number: int) -> list[str]:
    return [message.code for message in _row_of(preview, number).errors]


def _warnings(preview, number: int) -> list[str]:
    return [message.code for message in _row_of(preview, number).warnings]


def _texts(preview, number: int) -> str:
    row = _row_of(preview, number)
    return " | ".join(str(message) for message in row.errors + row.warnings)


def _counts() -> tuple[int, ...]:
    models = (Producer, Person, ProducerMember, Product, StarRating, NetworkMembership)
    return tuple(model.objects.count() for model in models)


# --- reading the file ---------------------------------------------------------------------


def test_the_sample_file_previews_every_row_and_writes_nothing():
    before = _counts()
    with translation.override("en"):
        preview = imports.preview_file(
            (DATA / "producers.csv").read_bytes(), district_scope=_province()
        )
    assert [(row.number, row.action) for row in preview.rows] == [
        (2, "create"),
        (3, "create"),
        (4, "create"),
        (5, "create"),
    ]
    assert not preview.has_errors
    assert (preview.counts["producers_created"], preview.counts["producers_updated"]) == (3, 0)
    assert _counts() == before


def test_a_tis620_csv_reads_like_the_utf8_one():
    def summary(name):
        preview = imports.preview_file((DATA / name).read_bytes(), district_scope=_province())
        return [(row.number, row.action, row.producer_name) for row in preview.rows]

    assert summary("producers_tis620.csv") == summary("producers.csv")
    assert summary("producers.csv")[0][2] == "กลุ่มทอผ้าบ้านท่าเกษม"


def test_english_headers_and_a_title_row_above_them_are_read():
    data = b"Sa Kaeo OTOP producers\r\n" + _csv([_row()], encoding="utf-8", english=True)
    preview = imports.preview_file(data, district_scope=_province())
    assert not preview.has_errors
    assert [(row.number, row.action) for row in preview.rows] == [(3, "create")]


def test_an_xlsx_file_is_read_with_number_and_date_cells():
    headers = ["ชื่อกลุ่ม/ผู้ประกอบการ", "ประเภท", "ตำบล(รหัส)", "หมู่", "ชื่อ", "นามสกุล"]
    headers += ["เลขประจำตัวประชาชน", "วันเกิด", "โทรศัพท์มือถือ"]
    nid = national_id(830001)
    data = _xlsx(
        [
            headers,
            # Excel keeps numbers: the ID as a number, the phone without its 0
            ["กลุ่ม A", "sme", 270106, 3, "มาลี", "ใจดี", int(nid), date(1967, 3, 15), 812345678],
            # a B.E. date typed into a C.E. spreadsheet is a date in year 2510
            ["กลุ่ม B", "sme", "270106", "ม.4", "ชูใจ", "ใจดี", None, date(2510, 3, 15), None],
        ]
    )
    result = _import(data)
    people = {person.first_name: person for person in Person.objects.all()}
    assert result.producers_created == 2
    assert people["มาลี"].national_id == nid
    assert people["มาลี"].phone == "0812345678"
    assert people["มาลี"].birth_date == date(1967, 3, 15)
    assert people["ชูใจ"].birth_date == date(1967, 3, 15)
    assert Producer.objects.get(name="กลุ่ม B").moo == 4


def test_a_file_without_the_layout_is_refused_as_a_whole():
    preview = imports.preview_file(b"a,b,c\r\n1,2,3\r\n", district_scope=_province())
    assert [message.code for message in preview.file_errors] == ["no_header"]
    assert preview.has_errors


def test_a_file_with_more_rows_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    preview = _preview([_row(1), _row(2), _row(3)])
    assert [message.code for message in preview.file_errors] == ["too_many_rows"]


# --- dates and years ------------------------------------------------------------------


def test_be_dates_are_stored_as_ce_dates():
    _import(_csv([_row(birth_date="15/03/2510")]))
    assert Person.objects.get().birth_date == date(1967, 3, 15)


def test_a_year_that_looks_ce_is_an_error_that_proposes_the_be_year():
    preview = _preview(
        [
            _row(1, birth_date="15/03/1967"),
            _row(2, product_name="น้ำพริก", category="อาหาร", price="50", unit="กระปุก",
                 stars="4", round_year="2024"),
        ]
    )  # fmt: skip
    assert _errors(preview, 2) == ["ce_year"]
    assert "did you mean 2510?" in _texts(preview, 2)
    assert _errors(preview, 3) == ["ce_year"]
    assert "did you mean 2567?" in _texts(preview, 3)


# --- where: DOPA codes, old and new ------------------------------------------------------


def test_an_abolished_code_with_one_successor_is_mapped_with_a_warning():
    # เขาฉกรรจ์ was 270107 in เมืองสระแก้ว until the district of เขาฉกรรจ์ was made
    preview = _preview([_row(subdistrict="270107", district="2701")])
    assert _errors(preview, 2) == []
    assert _warnings(preview, 2) == ["abolished_mapped"]
    assert "270107" in _texts(preview, 2)
    assert "270701" in _texts(preview, 2)

    _import(_csv([_row(subdistrict="270107", district="2701")]))
    producer = Producer.objects.get()
    assert (producer.subdistrict_id, producer.district_id) == ("270701", "2707")
    assert producer.contact_person.district_id == "2707"


def test_an_abolished_code_with_several_successors_is_an_error_naming_them():
    preview = _preview([_row(subdistrict="104701")])  # บางนา, split in two
    assert _errors(preview, 2) == ["abolished_ambiguous"]
    assert "104702" in _texts(preview, 2)
    assert "104703" in _texts(preview, 2)


def test_an_abolished_code_without_a_successor_names_the_subdistricts_of_its_name():
    preview = _preview([_row(subdistrict="270304")])  # หนองแวง of ตาพระยา
    assert _errors(preview, 2) == ["abolished_ambiguous"]
    assert "270507" in _texts(preview, 2)
    assert "270803" in _texts(preview, 2)


def test_an_unknown_code_is_an_error_naming_the_subdistricts_of_its_district():
    preview = _preview([_row(subdistrict="270199")])
    assert _errors(preview, 2) == ["unknown_subdistrict"]
    assert "270101" in _texts(preview, 2)


def test_a_subdistrict_may_be_written_by_name_when_it_is_one():
    preview = _preview(
        [
            _row(1, subdistrict="ต.ท่าเกษม"),
            _row(2, subdistrict="หนองแวง"),
            _row(3, subdistrict="หนองแวง", district="โคกสูง"),
        ]
    )
    subdistricts = {plan.row.number: plan.producer.subdistrict_id for plan in preview.plans}
    assert subdistricts[2] == "270106"
    assert _errors(preview, 3) == ["unknown_subdistrict"]
    assert "270507" in _texts(preview, 3)
    assert subdistricts[4] == "270803"


def test_a_subdistrict_outside_the_rows_district_is_an_error():
    preview = _preview([_row(subdistrict="270106", district=OTHER_DISTRICT)])
    assert _errors(preview, 2) == ["subdistrict_district"]


def test_a_district_outside_the_importers_reach_is_an_error():
    own = District.objects.filter(code=OWN_DISTRICT)
    preview = _preview([_row(1), _row(2, subdistrict="270601")], scope=own)
    assert _errors(preview, 2) == []
    assert _errors(preview, 3) == ["outside_scope"]


# --- what a row must hold -------------------------------------------------------------------


def test_a_bad_national_id_check_digit_is_an_error_on_its_row():
    good = national_id(840001)
    bad = good[:12] + str((int(good[12]) + 1) % 10)
    preview = _preview([_row(1), _row(2, national_id=bad), _row(3)])
    assert (_errors(preview, 2), _errors(preview, 3), _errors(preview, 4)) == (
        [],
        ["check_digit"],
        [],
    )
    assert _texts(preview, 3) == (
        "เลขประจำตัวประชาชน: This national ID number is not valid: check the last digit."
    )
    assert _row_of(preview, 3).action == "error"


def test_missing_required_cells_are_named_on_their_rows():
    preview = _preview(
        [
            _row(1, producer_type=""),
            _row(2, subdistrict=""),
            _row(3, first_name="", last_name="", national_id=""),
            _row(4, product_name="ผ้าขาวม้า", category="ผ้าและเครื่องแต่งกาย", unit="ผืน"),
            _row(5, stars="4"),
        ]
    )
    assert [(row.number, [(m.code, m.column) for m in row.errors]) for row in preview.rows] == [
        (2, [("required", "ประเภท")]),
        (3, [("required", "ตำบล(รหัส)")]),
        (4, [("required", "ชื่อ")]),
        (5, [("required", "ราคา")]),
        (6, [("required", "ชื่อผลิตภัณฑ์")]),
    ]


@pytest.mark.parametrize(
    ("typed", "producer_type"),
    [
        ("กลุ่มผู้ผลิตชุมชน", "community_group"),
        ("community_group", "community_group"),
        ("ผู้ผลิตชุมชนที่เป็นเจ้าของรายเดียว", "single_owner"),
        ("Single-owner community producer", "single_owner"),
        ("ผู้ผลิตที่เป็นวิสาหกิจขนาดกลางและขนาดย่อม", "sme"),
        ("SME", "sme"),
    ],
)
def test_producer_types_are_read_from_thai_names_english_names_and_codes(typed, producer_type):
    preview = _preview([_row(producer_type=typed)])
    assert preview.plans[0].producer.producer_type == producer_type


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("อาหาร", "food"),
        ("ประเภทเครื่องดื่ม", "beverage"),
        ("ผ้าและเครื่องแต่งกาย", "textile"),
        ("ของใช้ ของตกแต่ง ของที่ระลึก", "decor"),
        ("ของใช้/ของตกแต่ง/ของที่ระลึก", "decor"),
        ("สมุนไพรที่ไม่ใช่อาหาร", "herbal"),
        ("herbal", "herbal"),
    ],
)
def test_categories_are_read_from_thai_names_and_codes(typed, category):
    preview = _preview([_row(product_name="x", category=typed, price="10", unit="ชิ้น")])
    assert preview.plans[0].products[0].product.category == category


def test_an_unknown_type_category_or_role_is_an_error():
    preview = _preview(
        [
            _row(1, producer_type="สหกรณ์"),
            _row(2, product_name="x", category="ต้นไม้", price="10", unit="ต้น"),
            _row(3, role="ผู้จัดการ"),
        ]
    )
    assert (_errors(preview, 2), _errors(preview, 3), _errors(preview, 4)) == (
        ["unknown_type"],
        ["unknown_category"],
        ["unknown_role"],
    )
    assert "สหกรณ์" in _texts(preview, 2)


def test_an_unknown_title_is_only_a_warning():
    preview = _preview([_row(title="ว่าที่ร้อยตรี")])
    assert (_errors(preview, 2), _warnings(preview, 2)) == ([], ["unknown_title"])


def test_two_chairs_in_one_group_is_an_error():
    preview = _preview(
        [
            _row(1, cdd_code="SK-9", role="ประธาน"),
            _row(2, producer_name="", cdd_code="SK-9", producer_type="", subdistrict="",
                 role="ประธาน"),
        ]
    )  # fmt: skip
    assert _errors(preview, 3) == ["two_chairs"]


# --- one producer over several rows ------------------------------------------------------------


def test_rows_with_the_same_code_or_name_and_subdistrict_make_one_producer(staff):
    result = _import((DATA / "producers.csv").read_bytes(), by=staff)

    assert (result.producers_created, result.people_added, result.products_saved) == (3, 4, 4)
    weavers = Producer.objects.get(cdd_code="SK-2701-001")
    assert weavers.name == "กลุ่มทอผ้าบ้านท่าเกษม"
    assert weavers.registered_by == staff
    assert weavers.postal_code == "27000", "filled in from the subdistrict"
    assert weavers.contact_person.first_name == "มาลี"
    assert weavers.contact_person.birth_date == date(1967, 3, 15)
    assert weavers.contact_person.phone == "0891112222"
    assert sorted(weavers.members.values_list("person__first_name", "role")) == [
        ("มาลี", MemberRole.CHAIR),
        ("สมชาย", MemberRole.MEMBER),
    ]
    assert sorted(weavers.products.values_list("name", "price")) == [
        ("ผ้าขาวม้าทอมือ", Decimal("250.00")),
        ("ผ้าซิ่นตีนจก", Decimal("1200.00")),
    ]
    rating = StarRating.objects.get(product__name="ผ้าขาวม้าทอมือ")
    assert (rating.round_year_be, rating.stars, rating.is_verified) == (2567, 4, False)
    assert weavers.membership.status == "pending"
    soap = Producer.objects.get(name="ร้านสบู่สมุนไพรวังสมบูรณ์")
    assert soap.members.get().role == MemberRole.OWNER


def test_a_later_row_that_contradicts_the_first_is_an_error():
    preview = _preview([_row(1, cdd_code="SK-7"), _row(1, cdd_code="SK-7", producer_type="sme")])
    assert _errors(preview, 3) == ["differs"]
    assert _row_of(preview, 3).errors[0].column == "ประเภท"


def test_later_rows_of_a_producer_with_errors_say_so():
    another_member = {"producer_name": "กลุ่มทดสอบนำเข้า 1", "subdistrict": "270106"}
    another_member["first_name"] = "ชูใจ"
    preview = _preview([_row(1, producer_type="สหกรณ์"), another_member])
    assert _errors(preview, 3) == ["producer_has_errors"]


# --- duplicates -----------------------------------------------------------------------------


def test_a_registered_producer_matched_by_cdd_code_is_updated_not_created():
    producer = ProducerFactory(cdd_code="SK-2701-001", name="ชื่อเดิม", phone="")
    before = Producer.objects.count()
    preview = _preview([_row(cdd_code="SK-2701-001", producer_name="ชื่อใหม่", phone="037111222")])
    assert _row_of(preview, 2).action == "update"

    result = _import(_csv([_row(cdd_code="SK-2701-001", producer_name="ชื่อใหม่",
                                phone="037111222")]))  # fmt: skip

    assert (result.producers_created, result.producers_updated) == (0, 1)
    assert Producer.objects.count() == before
    producer.refresh_from_db()
    assert (producer.name, producer.phone) == ("ชื่อใหม่", "037111222")
    assert producer.members.filter(person__first_name="มาลี", role=MemberRole.MEMBER).exists()


def test_a_registered_producer_matched_by_juristic_id_is_updated():
    juristic = national_id(850001)
    producer = ProducerFactory(juristic_id=juristic)
    preview = _preview([_row(juristic_id=juristic, producer_name=producer.name)])
    assert _row_of(preview, 2).action == "update"
    assert preview.plans[0].producer.pk == producer.pk


def test_a_code_and_a_juristic_id_of_two_registered_producers_is_an_error():
    juristic = national_id(850002)
    ProducerFactory(cdd_code="SK-1")
    ProducerFactory(juristic_id=juristic)
    preview = _preview([_row(cdd_code="SK-1", juristic_id=juristic)])
    assert _errors(preview, 2) == ["conflicting_match"]


def test_a_registered_person_is_linked_not_registered_again():
    person = PersonFactory(national_id=national_id(860001), district=sa_kaeo_district())
    people = Person.objects.count()

    _import(_csv([_row(national_id=person.national_id)]))

    assert Person.objects.count() == people
    assert Producer.objects.get(name="กลุ่มทดสอบนำเข้า 1").contact_person == person


def test_a_person_registered_in_another_district_is_an_error_that_tells_nothing_of_them():
    person = PersonFactory(
        national_id=national_id(860002),
        first_name="ลับเฉพาะ",
        district=sa_kaeo_district(OTHER_DISTRICT),
    )
    preview = _preview([_row(national_id=person.national_id)])
    assert _errors(preview, 2) == ["person_other_district"]
    text = _texts(preview, 2)
    assert "ลับเฉพาะ" not in text
    assert OTHER_DISTRICT not in text
    assert "Aranyaprathet" not in text


def test_duplicates_within_the_file_are_errors_on_the_later_row():
    same_id = national_id(870001)
    juristic = national_id(870002)
    preview = _preview(
        [
            _row(1, national_id=same_id, first_name="สมศรี"),
            _row(2, national_id=same_id, first_name="สมหญิง"),
            _row(3, juristic_id=juristic),
            _row(4, juristic_id=juristic),
            _row(5, product_name="น้ำพริก", category="อาหาร", price="50", unit="กระปุก"),
            _row(5, product_name="น้ำพริก", category="อาหาร", price="50", unit="กระปุก"),
        ]
    )
    assert [_errors(preview, number) for number in range(2, 8)] == [
        [],
        ["duplicate_in_file"],
        [],
        ["duplicate_in_file"],
        [],
        ["duplicate_in_file"],
    ]
    assert "Row 2" in _texts(preview, 3)


def test_the_same_person_may_repeat_on_a_producers_rows_to_add_products():
    rows = [
        _row(1, cdd_code="SK-5", product_name="ก", category="อาหาร", price="1", unit="ชิ้น"),
        _row(1, cdd_code="SK-5", product_name="ข", category="อาหาร", price="1", unit="ชิ้น"),
    ]
    result = _import(_csv(rows))
    assert (result.people_added, result.products_saved) == (1, 2)


def test_a_similar_name_in_the_same_subdistrict_or_the_same_phone_is_a_warning():
    ProducerFactory(name="กลุ่มจักสานบ้านท่าแยก", subdistrict_id="270105")
    ProducerFactory(name="ร้านอื่น", phone="0371234567")
    preview = _preview(
        [
            _row(1, producer_name="กลุ่มจักสานบ้านท่าแยก 2", subdistrict="270105"),
            _row(2, phone="037-123-4567"),
        ]
    )
    assert (_errors(preview, 2), _warnings(preview, 2)) == ([], ["similar_producer"])
    assert "กลุ่มจักสานบ้านท่าแยก" in _texts(preview, 2)
    assert (_errors(preview, 3), _warnings(preview, 3)) == ([], ["similar_producer"])
    assert _row_of(preview, 2).action == "create"


def test_a_similar_producer_outside_the_importers_reach_is_not_named():
    ProducerFactory(
        name="ร้านลับ",
        phone="0371234567",
        district=sa_kaeo_district(OTHER_DISTRICT),
        subdistrict_id="270601",
    )
    preview = _preview([_row(phone="0371234567")], scope=District.objects.filter(code="2701"))
    assert _warnings(preview, 2) == ["similar_producer"]
    assert "ร้านลับ" not in _texts(preview, 2)


def test_a_verified_rating_is_not_changed_by_import(staff):
    rating = StarRatingFactory(stars=4, verified_at=timezone.now(), verified_by=staff)
    product, producer = rating.product, rating.product.producer
    producer.cdd_code = "SK-3"
    producer.save()
    row = _row(cdd_code="SK-3", producer_name=producer.name, product_name=product.name,
               stars="5", round_year=str(rating.round_year_be))  # fmt: skip
    preview = _preview([row])
    assert _errors(preview, 2) == ["rating_verified"]


# --- all or nothing -------------------------------------------------------------------------


def test_nothing_is_written_when_any_row_has_an_error():
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        _import((DATA / "producers_one_bad_row.csv").read_bytes())
    assert _counts() == before
    assert [row.number for row in refused.value.preview.rows if row.errors] == [3]
    assert any(line.startswith("Row 3:") for line in refused.value.messages)


def test_nothing_is_written_when_the_database_refuses_a_row_while_writing(monkeypatch):
    from members.services import imports as service
    from members.services.registry import record_save

    def refusing_save(*, record):
        if getattr(record, "name", "") == "ผ้าซิ่นตีนจก":
            # past the checks, as a concurrent change or a database rule would be:
            # the database's own constraint refuses the row
            record.price = Decimal("-1")
            return record.save()
        return record_save(record=record)

    monkeypatch.setattr(service, "record_save", refusing_save)
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        _import((DATA / "producers.csv").read_bytes())
    assert _counts() == before, "the producers of rows 2, 4 and 5 are rolled back too"
    assert [(row.number, [m.code for m in row.errors]) for row in refused.value.preview.rows
            if row.errors] == [(3, ["refused"])]  # fmt: skip


def test_importing_the_same_file_twice_updates_and_does_not_duplicate():
    data = (DATA / "producers.csv").read_bytes()
    _import(data)
    after_first = _counts()
    changed = Producer.objects.order_by("pk").values_list("pk", "updated_at")
    changed = list(changed)

    with translation.override("en"):
        preview = imports.preview_file(data, district_scope=_province())
    assert {row.action for row in preview.rows} == {"update"}
    result = _import(data)

    assert (result.producers_created, result.producers_updated) == (0, 3)
    assert result.people_added == 0
    assert _counts() == after_first
    assert list(Producer.objects.order_by("pk").values_list("pk", "updated_at")) == changed


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_create_each_producer_once(geography):
    # rows without a CDD code: only the exact name in the subdistrict matches them
    data = _csv([_row(n, national_id="") for n in range(1, 6)])
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(_import(data))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted((r.producers_created, r.producers_updated) for r in results) == [(0, 5), (5, 0)]
    assert Producer.objects.count() == 5
    assert Person.objects.count() == 5


def test_producers_import_takes_rows_as_well_as_a_file():
    header = {column.key: column.header for column in imports.COLUMNS}
    rows = [{header[key]: value for key, value in _row().items()}]
    with translation.override("en"):
        result = producers_import(rows=rows, by=None, district_scope=_province())
    assert result.producers_created == 1
    with pytest.raises(TypeError):
        producers_import(by=None, district_scope=_province())


# --- the command ------------------------------------------------------------------------------


def _command(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("import_producers", *args, stdout=out)
    return out.getvalue()


def test_the_command_previews_without_writing():
    before = _counts()
    output = _command(str(DATA / "producers.csv"))
    assert _counts() == before
    lines = output.splitlines()
    assert lines[0].split() == ["2", "create", "กลุ่มทอผ้าบ้านท่าเกษม"]
    assert "warning:" in output and "270107" in output
    assert lines[-1].startswith("Preview only: 3 producers to create, 0 to update")


def test_the_command_writes_with_commit_as_the_given_account(staff):
    output = _command(str(DATA / "producers.csv"), "--commit", "--by", "staff")
    assert output.splitlines()[-1].startswith("Imported: 3 producers created, 0 updated")
    assert Producer.objects.filter(registered_by=staff).count() == 3


def test_the_command_stops_with_errors_and_writes_nothing():
    before = _counts()
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="1 rows have errors"):
        call_command(
            "import_producers", str(DATA / "producers_one_bad_row.csv"), "--commit", stdout=out
        )
    assert _counts() == before
    assert "check the last digit" in out.getvalue()


def test_the_command_imports_only_the_districts_of_the_given_account(district_member):
    with pytest.raises(CommandError):
        _command(str(DATA / "producers.csv"), "--commit", "--by", district_member.username)
    assert Producer.objects.count() == 0


# --- the pages ------------------------------------------------------------------------------


def _upload(client, name: str, content: bytes, content_type: str = "text/csv"):
    return client.post(
        reverse("members:producer_import"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def _kept_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_staff_upload_a_file_check_the_preview_and_confirm_it(client, staff):
    client.force_login(staff)
    response = _upload(client, "ผู้ผลิต.csv", (DATA / "producers.csv").read_bytes())
    assert response.status_code == 302
    assert response["Location"] == reverse("members:producer_import_preview")
    (kept,) = _kept_files()
    kept_info = client.session["producer_import"]
    assert kept.name == kept_info["token"], "stored under a random name, never the upload's"

    page = client.get(reverse("members:producer_import_preview"))
    assert page.status_code == 200
    assert page.context["counts"]["create"] == 4
    assert b'id="confirm-import"' in page.content
    assert Producer.objects.count() == 0

    done = client.post(reverse("members:producer_import_confirm"), {"sha256": kept_info["sha256"]})
    assert done.status_code == 302
    assert done["Location"] == reverse("members:producer_list")
    assert Producer.objects.count() == 3
    assert _kept_files() == []
    assert "producer_import" not in client.session


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(client, staff):
    client.force_login(staff)
    _upload(client, "bad.csv", (DATA / "producers_one_bad_row.csv").read_bytes())
    with translation.override("en"):
        page = client.get(reverse("members:producer_import_preview"))
    content = page.content.decode()
    assert 'class="table-danger" data-row="3" data-action="error"' in content
    assert 'data-code="check_digit"' in content
    assert 'id="confirm-import"' not in content

    sha = client.session["producer_import"]["sha256"]
    response = client.post(reverse("members:producer_import_confirm"), {"sha256": sha})
    assert response.status_code == 200
    assert Producer.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("producers.pdf", b"%PDF-1.4", "type"),
        ("producers.xlsx", (DATA / "producers.csv").read_bytes(), "type"),
        ("producers.csv", _xlsx([["a"]]), "type"),
        ("producers.csv", b"just some text\r\n", "no_header"),
        ("big.csv", b"x" * (imports.MAX_BYTES + 1), "size"),
    ],
)
def test_uploads_are_csv_or_xlsx_files_of_at_most_5_mb(client, staff, name, content, code):
    client.force_login(staff)
    response = _upload(client, name, content)
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["file"]] == [code]
    assert _kept_files() == []
    assert "producer_import" not in client.session


def test_a_kept_file_that_changed_is_not_used(client, staff):
    client.force_login(staff)
    _upload(client, "producers.csv", (DATA / "producers.csv").read_bytes())
    (kept,) = _kept_files()
    kept.write_bytes((DATA / "producers_one_bad_row.csv").read_bytes())

    response = client.get(reverse("members:producer_import_preview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:producer_import")
    assert _kept_files() == []


def test_an_out_of_date_preview_cannot_be_confirmed(client, staff):
    client.force_login(staff)
    _upload(client, "producers.csv", (DATA / "producers.csv").read_bytes())
    response = client.post(reverse("members:producer_import_confirm"), {"sha256": "0" * 64})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:producer_import")
    assert Producer.objects.count() == 0


def test_the_template_has_every_column_and_an_example_that_imports_cleanly(client, staff):
    client.force_login(staff)
    response = client.get(reverse("members:producer_import_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [column.header for column in imports.COLUMNS]
    assert len(rows) == 2
    preview = imports.preview_file(content, district_scope=_province())
    assert [(row.number, row.action) for row in preview.rows] == [(2, "create")]
    response = _upload(client, "ผู้ผลิต.xlsx", content, "application/octet-stream")
    assert response["Location"] == reverse("members:producer_import_preview")


def test_the_upload_page_explains_every_column(client, staff):
    client.force_login(staff)
    page = client.get(reverse("members:producer_import")).content.decode()
    for column in imports.COLUMNS:
        assert column.header in page


@pytest.mark.parametrize("persona", ["district_member", "other_district_member", "officer"])
def test_only_provincial_staff_may_import(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("members:producer_import")).status_code == 403
    data = {"file": SimpleUploadedFile("p.csv", (DATA / "producers.csv").read_bytes())}
    assert client.post(reverse("members:producer_import"), data).status_code == 403
    assert client.get(reverse("members:producer_import_preview")).status_code == 403
    assert client.post(reverse("members:producer_import_confirm")).status_code == 403
    assert client.get(reverse("members:producer_import_template")).status_code == 403
    assert _kept_files() == []


def test_products_of_a_registered_producer_are_updated_by_name():
    product = ProductFactory(price=Decimal("100.00"))
    producer = product.producer
    producer.cdd_code = "SK-4"
    producer.save()
    _import(_csv([_row(cdd_code="SK-4", producer_name=producer.name, product_name=product.name,
                       price="120")]))  # fmt: skip
    product.refresh_from_db()
    assert product.price == Decimal("120.00")
    assert producer.products.count() == 1


def test_an_upload_over_5_mb_is_dropped_while_it_arrives(client, staff):
    client.force_login(staff)
    response = _upload(client, "big.csv", b"x" * (imports.MAX_BYTES + 1))
    assert response.wsgi_request.upload_too_large, "refused by the upload handler, not after"
    assert "file" not in response.wsgi_request.FILES
    page = _upload(client, "big.csv", b"x" * (imports.MAX_BYTES + 1)).content.decode()
    assert "ไฟล์ใหญ่เกิน 5 MB" in page
