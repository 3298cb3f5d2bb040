"""Producers from the spreadsheets CDD keeps: read a CSV or XLSX file, check every row,
and say what importing it would do, before anything is written.

The layout (one header row, found among the first rows of the first sheet; Thai or
English headers, in any order; `COLUMNS` lists them, and the import page explains
what each holds):

- One row is one producer with its contact person and, optionally, one product with
  its OPC star rating.
- Rows with the same CDD producer code, or (without a code) the same producer name and
  subdistrict, are the same producer: the first of them describes the producer, the
  others add people and products. Their producer cells must be empty or the same as
  on the first row.
- A producer already registered is **updated** when the row's CDD code or juristic ID
  matches it (or, for a row with neither, its exact name in the same subdistrict);
  otherwise it is **created**. Filled cells replace what is registered, empty cells
  keep it. A person whose national ID is registered is linked, not registered again;
  a product of the producer with the same name is updated. So importing the same file
  twice updates and never duplicates.
- Dates are B.E. as typed (25/10/2568); a year that looks C.E. is refused ("did you
  mean 2568?"). A cell Excel stores as a date is taken as that date, except that a
  year of 2400 or later was typed in B.E. into a C.E. spreadsheet and is converted.
- Subdistricts by DOPA code (or by name within the district). An abolished code with
  one successor is mapped to it, with a warning; several successors, none, or an
  unknown code is an error naming the candidates.

Every row gets "create", "update" or "error" with its messages (`Preview`); the
service `members.services.producers_import` writes a file only when no row has an
error. Message codes, for tests and scripts: errors `required`, `check_digit`,
`format`, `ce_year`, `year_range`, `no_such_date`, `invalid`, `unknown_type`,
`unknown_category`, `unknown_role`, `unknown_subdistrict`, `unknown_district`,
`abolished_ambiguous`, `subdistrict_district`, `postal_code`, `outside_scope`,
`duplicate_in_file`, `differs`, `producer_other_district`, `person_other_district`,
`conflicting_match`, `ambiguous_name`, `two_chairs`, `chair_taken`, `rating_verified`,
`producer_has_errors`, `refused`; warnings `abolished_mapped`, `similar_producer`,
`unknown_title`, `postal_code_choice`; and the codes of the models' own validation
(`max_length`, `min_value`, …), as model full_clean() says them.
"""

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from geothai.abolished import abolished_areas, match_abolished

from members.models import (
    Category,
    District,
    MemberRole,
    Person,
    Producer,
    ProducerType,
    Product,
    Sex,
    StarRating,
    Subdistrict,
    Title,
)
from otop_portal.lib.exports import Column as ExportColumn
from otop_portal.lib.exports import Export
from otop_portal.lib.language import THAI_DIGITS
from otop_portal.lib.natid import normalize_national_id, validate_national_id
from otop_portal.lib.thaidate import (
    BE_OFFSET,
    BE_YEAR_MIN,
    CE_LOOKALIKE_MAX,
    CE_LOOKALIKE_MIN,
    CE_YEAR_MESSAGE,
    parse_be_date,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED = 60 * 1024 * 1024  # an XLSX of 5 MB unpacks to far less; more is a zip bomb
HEADER_SEARCH_ROWS = 10
CREATE, UPDATE, ERROR = "create", "update", "error"


# --- The layout ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as in the template (Thai)
    english: str
    example: str = ""  # the template's example row
    aliases: tuple[str, ...] = ()  # other spellings found in CDD's sheets
    kind: str = "text"  # "id": a text cell in the template, so Excel keeps leading zeros


# The page (templates/members/imports/upload.html) explains each column.
# fmt: off
COLUMNS = [
    Column("no", "ลำดับ", "No.", "1"),
    Column("producer_name", "ชื่อกลุ่ม/ผู้ประกอบการ", "Producer name", "กลุ่มทอผ้าบ้านท่าเกษม",
           ("ชื่อกลุ่ม", "ชื่อผู้ประกอบการ", "ชื่อผู้ผลิต", "name")),
    Column("producer_type", "ประเภท", "Producer type", "กลุ่มผู้ผลิตชุมชน",
           ("ประเภทผู้ผลิต", "ประเภทผู้ประกอบการ", "type")),
    Column("community_enterprise_no", "เลขทะเบียนวิสาหกิจชุมชน", "Community enterprise number"),
    Column("cdd_code", "รหัสผู้ผลิต", "CDD producer code", "", ("รหัสผู้ประกอบการ",), "id"),
    Column("juristic_id", "เลขทะเบียนนิติบุคคล", "Juristic person ID", "", (), "id"),
    Column("house_no", "บ้านเลขที่", "House number", "12"),
    Column("moo", "หมู่", "Village number", "3", ("หมู่ที่",)),
    Column("subdistrict", "ตำบล(รหัส)", "Subdistrict (code)", "270106", ("ตำบล", "รหัสตำบล"), "id"),
    Column("district", "อำเภอ(รหัส)", "District (code)", "2701", ("อำเภอ", "รหัสอำเภอ"), "id"),
    Column("postal_code", "รหัสไปรษณีย์", "Postal code", "27000", (), "id"),
    Column("phone", "โทรศัพท์", "Phone", "037123456", (), "id"),
    Column("title", "คำนำหน้า", "Title", "นาง", ("คำนำหน้าชื่อ",)),
    Column("first_name", "ชื่อ", "First name", "มาลี"),
    Column("last_name", "นามสกุล", "Last name", "ใจดี"),
    Column("national_id", "เลขประจำตัวประชาชน", "National ID", "3100600445635",
           ("เลขบัตรประชาชน", "national id number"), "id"),
    Column("birth_date", "วันเกิด", "Birth date", "15/03/2510", ("วันเดือนปีเกิด",)),
    Column("mobile", "โทรศัพท์มือถือ", "Mobile phone", "0891112222", ("มือถือ",), "id"),
    Column("role", "ตำแหน่งในกลุ่ม", "Role in the group", "ประธาน", ("ตำแหน่ง", "role")),
    Column("product_name", "ชื่อผลิตภัณฑ์", "Product name", "ผ้าขาวม้าทอมือ"),
    Column("category", "ประเภทผลิตภัณฑ์", "Product category", "ผ้าและเครื่องแต่งกาย", ("category",)),
    Column("price", "ราคา", "Price", "250", ("ราคาบาท", "price baht")),
    Column("unit", "หน่วย", "Unit", "ผืน", ("หน่วยนับ",)),
    Column("stars", "ระดับดาว", "Stars", "4", ("ดาว",)),
    Column("round_year", "ปีที่คัดสรร", "OPC round year", "2567", ("ปีคัดสรร", "round year")),
]
# fmt: on
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def _word(text) -> str:
    """A header or a choice as compared: no spaces or punctuation, lowercase."""
    return re.sub(r"[\s()\[\]._\-/,:]+", "", str(text)).lower()


HEADERS = {
    _word(spelling): column.key
    for column in COLUMNS
    for spelling in (column.key, column.header, column.english, *column.aliases)
}


def template_export() -> Export:
    """The template file: the headers and one example row."""
    columns = [
        ExportColumn(column.header, lambda row, key=column.key: row[key], column.kind)
        for column in COLUMNS
    ]
    example = {column.key: column.example for column in COLUMNS}
    return Export(filename="otop-producers-import-template", columns=columns, rows=[example])


# --- What a check says ------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    code: str
    text: str
    column: str = ""  # the header as the file wrote it

    def __str__(self) -> str:
        return f"{self.column}: {self.text}" if self.column else self.text


@dataclass
class RowResult:
    number: int  # the row number a spreadsheet shows (the header row counts)
    producer_name: str = ""
    producer_action: str = ""
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)

    @property
    def action(self) -> str:
        return ERROR if self.errors or not self.producer_action else self.producer_action


@dataclass
class PersonPlan:
    row: RowResult
    person: Person  # new (no pk yet) or registered
    role: str
    joins: bool = True  # False when the person is already in the group


@dataclass
class ProductPlan:
    row: RowResult
    product: Product
    rating: StarRating | None = None
    changed: bool = True


@dataclass
class ProducerPlan:
    """What importing does to one producer: the instance to save (new or registered,
    with the file's values set) and the people and products it gets."""

    row: RowResult  # the row that describes the producer
    producer: Producer
    existing: bool
    values: dict  # the describing row's producer cells, to compare later rows with
    people: list[PersonPlan] = field(default_factory=list)
    products: list[ProductPlan] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    seen: dict = field(default_factory=dict)  # the people of its rows, by ID or names
    changed: bool = True  # False when a registered producer already holds the file's values

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)


@dataclass
class Preview:
    rows: list[RowResult]
    plans: list[ProducerPlan]
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header as written
    file_errors: list[Message] = field(default_factory=list)
    file_warnings: list[Message] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, ERROR), 0)
        for row in self.rows:
            counts[row.action] += 1
        counts["warnings"] = sum(len(row.warnings) for row in self.rows)
        counts["producers_created"] = sum(1 for plan in self.plans if not plan.existing)
        counts["producers_updated"] = sum(1 for plan in self.plans if plan.existing)
        return counts

    def error_lines(self) -> list[str]:
        lines = [str(message) for message in self.file_errors]
        for row in self.rows:
            lines += [
                _("Row %(row)s: %(message)s") % {"row": row.number, "message": m}
                for m in row.errors
            ]
        return lines


class ImportFileError(ValidationError):
    """The file cannot be read as a table in the import layout."""


# --- Reading the file -----------------------------------------------------------------


@dataclass
class Table:
    headers: dict[str, str]  # column key -> header as written
    rows: list[tuple[int, dict]]  # (row number, {column key: cell})
    unknown: list[str] = field(default_factory=list)


def file_kind(data: bytes) -> str:
    """Which reader a file needs, from what it holds (its name is never trusted): an
    XLSX file is a zip archive; anything else is read as CSV text."""
    return "xlsx" if data[:4] == b"PK\x03\x04" else "csv"


def read_table(data: bytes) -> Table:
    """The header and data rows of a CSV or XLSX file; ImportFileError when it cannot
    be read, has no header row or more rows than MAX_ROWS."""
    grid = _xlsx_grid(data) if file_kind(data) == "xlsx" else _csv_grid(data)
    return _table(grid)


def table_from_dicts(rows: list[dict]) -> Table:
    """A table from rows given as {header: value} (any accepted header), numbered as if
    the headers were row 1."""
    headers = list(dict.fromkeys(header for row in rows for header in row))
    grid = [headers] + [[row.get(header) for header in headers] for row in rows]
    return _table(iter(grid))


def _csv_grid(data: bytes):
    if b"\x00" in data:
        raise ImportFileError(_("This is not a CSV text file."), code="unreadable")
    for encoding in ("utf-8-sig", "cp874"):  # cp874 is Windows' TIS-620
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _("The file's text is neither UTF-8 nor TIS-620: save it as CSV UTF-8."),
            code="unreadable",
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def _xlsx_grid(data: bytes):
    from openpyxl import load_workbook

    unreadable = ImportFileError(_("This Excel file cannot be read."), code="unreadable")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise unreadable
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise unreadable from error
    try:
        sheet = workbook.worksheets[0]
        limit = MAX_ROWS + HEADER_SEARCH_ROWS + 1
        rows = sheet.iter_rows(values_only=True)
        return [list(row) for _n, row in zip(range(limit), rows, strict=False)]
    except Exception as error:
        raise unreadable from error
    finally:
        workbook.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(grid) -> Table:
    try:
        rows = list(grid)
    except csv.Error as error:
        raise ImportFileError(_("This CSV file cannot be read."), code="unreadable") from error
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [HEADERS.get(_word(cell)) if not _blank(cell) else None for cell in row]
        if sum(1 for key in keys if key) >= 3:
            return _data_rows(rows, index, row, keys)
    raise ImportFileError(
        _("No header row found: the first row must hold the column names of the template."),
        code="no_header",
    )


def _data_rows(rows, index, header_row, keys) -> Table:
    headers, unknown = {}, []
    for cell, key in zip(header_row, keys, strict=True):
        if key is None:
            if not _blank(cell):
                unknown.append(str(cell).strip())
        elif key in headers:
            raise ImportFileError(
                _("The column %(column)s appears twice.") % {"column": cell}, code="no_header"
            )
        else:
            headers[key] = str(cell).strip()
    if "producer_name" not in headers:
        raise ImportFileError(
            _("The file has no column %(column)s.") % {"column": COLUMNS[1].header},
            code="no_header",
        )
    data = []
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        cells = {key: value for key, value in zip(keys, row, strict=False) if key}
        if all(_blank(value) for key, value in cells.items() if key != "no"):
            continue
        data.append((number, cells))
        if len(data) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(limit)s rows: split it.") % {"limit": MAX_ROWS},
                code="too_many_rows",
            )
    return Table(headers=headers, rows=data, unknown=unknown)


# --- Reading a cell ---------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _digits(value) -> str:
    return re.sub(r"[\s\-]", "", _text(value).translate(THAI_DIGITS))


def _phone(value) -> str:
    if isinstance(value, int | float):
        digits = str(int(value))
        # Excel drops a phone number's leading 0 when it takes it for a number.
        return "0" + digits if len(digits) in (8, 9) else digits
    digits = "".join(char for char in _text(value).translate(THAI_DIGITS) if char.isdigit())
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


def _national_id(value) -> str:
    digits = normalize_national_id(_text(value))
    validate_national_id(digits)
    return digits


def _moo(value) -> int:
    text = _text(value).translate(THAI_DIGITS)
    match = re.fullmatch(r"(?:หมู่(?:ที่)?|ม\.?)?\s*([0-9]{1,2})", text)
    if not match:
        raise ValidationError(_("Write the village number as a number, e.g. 3."), code="invalid")
    return int(match[1])


def _price(value) -> Decimal:
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = re.sub(r"[\s,฿]|บาท", "", _text(value).translate(THAI_DIGITS))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("Write the price as a number, e.g. 250 or 1,250.50."), code="invalid"
        ) from None


def _stars(value) -> int:
    text = _text(value).translate(THAI_DIGITS)
    if text and set(text) == {"★"}:
        return len(text)
    match = re.fullmatch(r"([0-9])\s*(?:ดาว|stars?)?", text.lower())
    if not match:
        raise ValidationError(_("Write the stars as a number from 1 to 5."), code="invalid")
    return int(match[1])


def _round_year(value) -> int:
    text = _text(value).translate(THAI_DIGITS)
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValidationError(_("Write the year as four digits (B.E.), e.g. 2567."), code="invalid")
    year = int(text)
    if CE_LOOKALIKE_MIN <= year <= CE_LOOKALIKE_MAX:
        raise ValidationError(
            CE_YEAR_MESSAGE, code="ce_year", params={"year": year, "be_year": year + BE_OFFSET}
        )
    return year


def _date(value) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A date cell holds the real date; one with a B.E. year was typed in B.E.
        # into a C.E. spreadsheet.
        if value.year < BE_YEAR_MIN:
            return value
        try:
            return value.replace(year=value.year - BE_OFFSET)
        except ValueError:
            return parse_be_date(f"{value.day}/{value.month}/{value.year}")
    return parse_be_date(_text(value))


def _lookup(code: str, spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {"-code": code}
    for value, words in spellings.items():
        for word in (value, *words):
            table[_word(word)] = value
    return table


def _choice(table: dict[str, str], message, choices: str):
    """A cleaner for a choice typed as its code, its Thai name or its English name."""

    def clean(value) -> str:
        word = _word(_text(value)).removeprefix("ประเภท")
        if word not in table:
            text = str(message) % {"value": _text(value), "choices": choices}
            raise ValidationError(text, code=table["-code"])
        return table[word]

    return clean


# fmt: off
_producer_type = _choice(_lookup("unknown_type", {
    ProducerType.COMMUNITY_GROUP: ("กลุ่มผู้ผลิตชุมชน", "กลุ่ม", "community producer group"),
    ProducerType.SINGLE_OWNER: ("ผู้ผลิตชุมชนที่เป็นเจ้าของรายเดียว", "เจ้าของรายเดียว", "รายเดียว",
                                "single-owner community producer"),
    ProducerType.SME: ("ผู้ผลิตที่เป็นวิสาหกิจขนาดกลางและขนาดย่อม", "วิสาหกิจขนาดกลางและขนาดย่อม",
                       "เอสเอ็มอี", "smes"),
}), gettext_lazy("%(value)s is not a producer type: write one of %(choices)s."),
    "กลุ่มผู้ผลิตชุมชน, ผู้ผลิตชุมชนที่เป็นเจ้าของรายเดียว, SME")
_category = _choice(_lookup("unknown_category", {
    Category.FOOD: ("อาหาร",),
    Category.BEVERAGE: ("เครื่องดื่ม", "beverages"),
    Category.TEXTILE: ("ผ้าและเครื่องแต่งกาย", "ผ้าเครื่องแต่งกาย", "textiles and garments"),
    Category.DECOR: ("ของใช้ ของตกแต่ง ของที่ระลึก", "ของใช้ของตกแต่งและของที่ระลึก",
                     "household, decorative and souvenir items"),
    Category.HERBAL: ("สมุนไพรที่ไม่ใช่อาหาร", "non-food herbal products"),
}), gettext_lazy("%(value)s is not a product category: write one of %(choices)s."),
    "อาหาร, เครื่องดื่ม, ผ้าและเครื่องแต่งกาย, ของใช้ ของตกแต่ง ของที่ระลึก, สมุนไพรที่ไม่ใช่อาหาร")
_role = _choice(_lookup("unknown_role", {
    MemberRole.CHAIR: ("ประธาน", "ประธานกลุ่ม"),
    MemberRole.VICE_CHAIR: ("รองประธาน", "รองประธานกลุ่ม", "vice chair"),
    MemberRole.SECRETARY: ("เลขานุการ", "เลขา"),
    MemberRole.TREASURER: ("เหรัญญิก",),
    MemberRole.MEMBER: ("สมาชิก",),
    MemberRole.OWNER: ("เจ้าของ",),
}), gettext_lazy("%(value)s is not a role in the group: write one of %(choices)s."),
    "ประธาน, รองประธาน, เลขานุการ, เหรัญญิก, สมาชิก, เจ้าของ")
TITLES = _lookup("unknown_title", {
    Title.MR: ("mr",), Title.MRS: ("mrs",), Title.MISS: ("น.ส.", "นส", "miss", "ms"),
    Title.DR: ("dr",),
})
# fmt: on
SEX_BY_TITLE = {Title.MR: Sex.MALE, Title.MRS: Sex.FEMALE, Title.MISS: Sex.FEMALE}

# column key -> (model field, cleaner), per record a row describes
PRODUCER_CELLS = {
    "producer_name": ("name", _text),
    "producer_type": ("producer_type", _producer_type),
    "community_enterprise_no": ("community_enterprise_no", _text),
    "cdd_code": ("cdd_code", _text),
    "juristic_id": ("juristic_id", _digits),
    "house_no": ("house_no", _text),
    "moo": ("moo", _moo),
    "postal_code": ("postal_code", _digits),
    "phone": ("phone", _phone),
}
PERSON_CELLS = {
    "first_name": ("first_name", _text),
    "last_name": ("last_name", _text),
    "national_id": ("national_id", _national_id),
    "birth_date": ("birth_date", _date),
    "mobile": ("phone", _phone),
}
PRODUCT_CELLS = {
    "product_name": ("name", _text),
    "category": ("category", _category),
    "price": ("price", _price),
    "unit": ("unit", _text),
}
RATING_CELLS = {"stars": ("stars", _stars), "round_year": ("round_year_be", _round_year)}


def _columns_of(cells: dict, **more: str) -> dict[str, str]:
    """Model field -> column key, to name the column of a model's validation error."""
    return {**{name: key for key, (name, _clean) in cells.items()}, **more}


PRODUCER_COLUMNS = _columns_of(
    PRODUCER_CELLS,
    subdistrict="subdistrict",
    district="district",
    is_community_enterprise="community_enterprise_no",
)
PERSON_COLUMNS = _columns_of(PERSON_CELLS, title="title")
PRODUCT_COLUMNS = _columns_of(PRODUCT_CELLS)
RATING_COLUMNS = _columns_of(RATING_CELLS)


# --- Where a producer is ------------------------------------------------------------------


@cache
def _abolished_by_code() -> dict:
    return {area.code: area for area in abolished_areas() if area.level == "subdistrict"}


def _place_name(subdistrict: Subdistrict) -> str:
    return f"{subdistrict.code} {subdistrict.name} ({subdistrict.district.name})"


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if text.startswith(prefix):
            return text.removeprefix(prefix).strip()
    return text


class _Geography:
    """Districts and subdistricts as old spreadsheets write them, read once each."""

    def __init__(self):
        self.province = settings.PORTAL_PROVINCE_CODE
        self._subdistricts = {
            area.code: area
            for area in Subdistrict.objects.filter(
                district__province_id=self.province
            ).select_related("district")
        }
        self._districts = {
            area.code: area for area in District.objects.filter(province_id=self.province)
        }

    def subdistrict_by_code(self, code: str) -> Subdistrict | None:
        if code not in self._subdistricts:
            self._subdistricts[code] = (
                Subdistrict.objects.select_related("district").filter(code=code).first()
            )
        return self._subdistricts[code]

    def district(self, value) -> District:
        text = _strip_prefix(_text(value).translate(THAI_DIGITS), ("อำเภอ", "อ."))
        if text == "เมือง":
            text = f"{self.province}01"
        found = self._districts.get(text) or next(
            (d for d in self._districts.values() if text in (d.name_th, d.name_en)), None
        )
        if found is None and re.fullmatch(r"[0-9]{4}", text):
            found = District.objects.filter(code=text).first()
        if found is None:
            raise ValidationError(
                _("There is no district %(value)s.") % {"value": text}, code="unknown_district"
            )
        return found

    def subdistrict(self, value, district: District | None):
        """(subdistrict, the abolished area it replaces or None, warning text or "")."""
        text = _strip_prefix(_text(value).translate(THAI_DIGITS), ("ตำบล", "ต.", "แขวง"))
        if re.fullmatch(r"[0-9]{6}", text):
            return self._by_code(text)
        candidates = [
            area
            for area in self._subdistricts.values()
            if area and area.name_th == text and (district is None or area.district == district)
        ]
        if len(candidates) == 1:
            return candidates[0], None, ""
        if len(candidates) > 1:
            raise ValidationError(
                _(
                    "There are several subdistricts %(value)s: write the code, one of "
                    "%(candidates)s."
                )
                % {"value": text, "candidates": ", ".join(map(_place_name, candidates))},
                code="unknown_subdistrict",
            )
        old = match_abolished(text, district=district.name_th if district else None)
        old = [area for area in old if area.code.startswith(self.province)]
        if len(old) == 1:
            return self._successor(old[0])
        raise ValidationError(
            _("There is no subdistrict %(value)s.") % {"value": text}, code="unknown_subdistrict"
        )

    def _by_code(self, code: str):
        found = self.subdistrict_by_code(code)
        if found:
            return found, None, ""
        old = _abolished_by_code().get(code)
        if old:
            return self._successor(old)
        nearby = Subdistrict.objects.filter(district_id=code[:4]).select_related("district")
        if nearby:
            raise ValidationError(
                _(
                    "There is no subdistrict with code %(code)s. Those of that district are: "
                    "%(candidates)s."
                )
                % {"code": code, "candidates": ", ".join(map(_place_name, nearby))},
                code="unknown_subdistrict",
            )
        raise ValidationError(
            _("There is no subdistrict with code %(code)s.") % {"code": code},
            code="unknown_subdistrict",
        )

    def _successor(self, old):
        successors = [area for area in map(self.subdistrict_by_code, old.successors) if area]
        if len(successors) == 1:
            new = successors[0]
            warning = _(
                "Subdistrict code %(old)s (%(name)s) was abolished: its successor %(new)s is used."
            ) % {"old": old.code, "name": old.name_th, "new": _place_name(new)}
            return new, old, warning
        if not successors:
            # no successor on record: the subdistricts that carry its name today
            successors = list(
                Subdistrict.objects.filter(name_th=old.name_th, district__province_id=old.code[:2])
                .select_related("district")
                .order_by("code")
            )
        if not successors:
            raise ValidationError(
                _("Subdistrict code %(code)s (%(name)s) was abolished: write the current code.")
                % {"code": old.code, "name": old.name_th},
                code="abolished_ambiguous",
            )
        raise ValidationError(
            _(
                "Subdistrict code %(code)s (%(name)s) was abolished: write the current code, one "
                "of %(candidates)s."
            )
            % {
                "code": old.code,
                "name": old.name_th,
                "candidates": ", ".join(map(_place_name, successors)),
            },
            code="abolished_ambiguous",
        )


# --- What the database already holds ---------------------------------------------------------


class _Registered:
    """The registered producers and people the file's codes, IDs and names point to,
    read in a few queries for the whole file."""

    def __init__(self, rows):
        codes = {row.producer["cdd_code"] for row in rows if row.producer.get("cdd_code")}
        juristic = {row.producer["juristic_id"] for row in rows if row.producer.get("juristic_id")}
        names = {row.producer["name"] for row in rows if row.producer.get("name")}
        ids = {row.person["national_id"] for row in rows if row.person.get("national_id")}
        producers = (
            Producer.objects.filter(
                Q(cdd_code__in=codes) | Q(juristic_id__in=juristic) | Q(name__in=names)
            )
            .select_related("merged_into")
            .prefetch_related("members__person", "products__ratings")
        )
        self.by_code, self.by_juristic = {}, {}
        self.by_name = defaultdict(list)
        for producer in producers:
            self.by_code[producer.cdd_code] = producer
            self.by_juristic[producer.juristic_id] = producer
            if producer.merged_into_id is None:
                self.by_name[(producer.name, producer.subdistrict_id)].append(producer)
        self.people = {
            person.national_id: person for person in Person.objects.filter(national_id__in=ids)
        }

    def producer(self, values: dict, subdistrict: Subdistrict | None) -> Producer | None:
        code, juristic = values.get("cdd_code"), values.get("juristic_id")
        by_code = self.by_code.get(code) if code else None
        by_juristic = self.by_juristic.get(juristic) if juristic else None
        if by_code and by_juristic and by_code.pk != by_juristic.pk:
            raise ValidationError(
                _(
                    "The CDD code and the juristic person ID belong to two different registered "
                    "producers."
                ),
                code="conflicting_match",
            )
        found = by_code or by_juristic
        if found and found.merged_into_id:
            raise ValidationError(
                _(
                    "This producer was merged into %(name)s (CDD code %(code)s): write that "
                    "record's code."
                )
                % {"name": found.merged_into.name, "code": found.merged_into.cdd_code or "—"},
                code="merged",
            )
        if found or code or juristic:
            return found
        same = self.by_name.get((values.get("name"), subdistrict.code if subdistrict else None))
        if same and len(same) > 1:
            raise ValidationError(
                _(
                    "Several registered producers have this name in this subdistrict: write the "
                    "CDD code."
                ),
                code="ambiguous_name",
            )
        return same[0] if same else None


# --- Checking the rows ----------------------------------------------------------------------


@dataclass
class _Row:
    result: RowResult
    cells: dict
    producer: dict = field(default_factory=dict)
    subdistrict: Subdistrict | None = None
    district: District | None = None
    mapped_from: object = None  # the abolished area the subdistrict replaces
    person: dict = field(default_factory=dict)
    role: str = ""
    product: dict = field(default_factory=dict)
    rating: dict = field(default_factory=dict)


class _Checker:
    def __init__(self, table: Table, district_scope):
        self.table = table
        self.scope = set(district_scope.values_list("code", flat=True))
        self.geography = _Geography()
        self.plans: list[ProducerPlan] = []
        self._by_code, self._by_name, self._by_juristic = {}, {}, {}
        # national ID -> (row number, names, district code, Person) as first seen in the file
        self._people = {}
        self._updated = {}  # registered producer's pk -> the plan that updates it

    def run(self) -> Preview:
        rows = [self._parse(number, cells) for number, cells in self.table.rows]
        self.registered = _Registered(rows)
        for row in rows:
            plan = self._plan_for(row)
            if plan is not None:
                plan.rows.append(row.result)
                self._person(row, plan)
                self._product(row, plan)
        for plan in self.plans:
            self._finish(plan)
        preview = Preview(
            rows=[row.result for row in rows], plans=self.plans, headers=self.table.headers
        )
        if not rows:
            preview.file_errors.append(Message("empty", _("The file has no producer rows.")))
        preview.file_warnings += [
            Message("unknown_column", _("This column is not imported."), column)
            for column in self.table.unknown
        ]
        return preview

    # messages

    def _column(self, key: str) -> str:
        return self.table.headers.get(key) or COLUMN_BY_KEY[key].header

    def error(self, row: _Row, code: str, text: str, key: str | None = None):
        row.result.errors.append(Message(code, str(text), self._column(key) if key else ""))

    def warn(self, row: _Row, code: str, text: str, key: str | None = None):
        row.result.warnings.append(Message(code, str(text), self._column(key) if key else ""))

    def refuse(self, row: _Row, error: ValidationError, columns: dict[str, str] | None = None):
        """Add a ValidationError's messages, naming the column each field comes from."""
        items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error)]
        for name, errors in items:
            for item in errors if isinstance(errors, list) else errors.error_list:
                key = (columns or {}).get(name) if name != NON_FIELD_ERRORS else None
                for text in item.messages:
                    self.error(row, item.code or "invalid", text, key)

    def required(self, row: _Row, key: str):
        self.error(row, "required", _("This column is required."), key)

    # reading a row

    def _parse(self, number: int, cells: dict) -> _Row:
        row = _Row(RowResult(number, producer_name=_text(cells.get("producer_name"))), cells)
        row.producer = self._cells(row, PRODUCER_CELLS)
        row.person = self._cells(row, PERSON_CELLS)
        row.product = self._cells(row, PRODUCT_CELLS)
        row.rating = self._cells(row, RATING_CELLS)
        if not _blank(cells.get("role")):
            row.role = self._cells(row, {"role": ("role", _role)}).get("role", "")
        self._title(row)
        self._place(row)
        return row

    def _cells(self, row: _Row, spec: dict) -> dict:
        values = {}
        for key, (name, clean) in spec.items():
            value = row.cells.get(key)
            if _blank(value):
                continue
            try:
                values[name] = clean(value)
            except ValidationError as error:
                self.refuse(row, error, {None: key})
        return values

    def _title(self, row: _Row):
        value = row.cells.get("title")
        if _blank(value):
            return
        title = TITLES.get(_word(value))
        if title is None:
            self.warn(
                row,
                "unknown_title",
                _(
                    "%(value)s is not a title the registry knows (นาย, นาง, นางสาว, ดร.): the "
                    "person is registered without one."
                )
                % {"value": _text(value)},
                "title",
            )
            return
        row.person["title"] = title
        row.person["sex"] = SEX_BY_TITLE.get(title, Sex.UNSPECIFIED)

    def _place(self, row: _Row):
        district_cell, subdistrict_cell = row.cells.get("district"), row.cells.get("subdistrict")
        try:
            if not _blank(district_cell):
                row.district = self.geography.district(district_cell)
            if not _blank(subdistrict_cell):
                row.subdistrict, row.mapped_from, warning = self.geography.subdistrict(
                    subdistrict_cell, row.district
                )
                if warning:
                    self.warn(row, "abolished_mapped", warning, "subdistrict")
        except ValidationError as error:
            key = "subdistrict" if row.district or _blank(district_cell) else "district"
            self.refuse(row, error, {None: key})
            return
        if row.subdistrict is None:
            return
        given = row.district
        # an old code of a district since split: the district follows the subdistrict
        split = row.mapped_from is not None and given and row.mapped_from.parent_code == given.code
        if given and row.subdistrict.district_id != given.code and not split:
            self.error(
                row,
                "subdistrict_district",
                _("The subdistrict must be in the producer's district."),
                "subdistrict",
            )
            return
        row.district = row.subdistrict.district

    # which producer a row belongs to

    def _plan_for(self, row: _Row) -> ProducerPlan | None:
        code, name = row.producer.get("cdd_code"), row.producer.get("name")
        key = (name, row.subdistrict.code) if name and row.subdistrict else None
        plan = self._by_code.get(code) if code else self._by_name.get(key)
        if plan is not None:
            self._continues(row, plan)
            return plan
        if key in self._by_name:
            self.error(
                row,
                "duplicate_in_file",
                _(
                    "Row %(row)s has a producer of this name in this subdistrict: give both rows "
                    "the same CDD code."
                )
                % {"row": self._by_name[key].row.number},
                "cdd_code",
            )
            return None
        if not (name or code or row.producer.get("juristic_id")):
            if not row.result.errors:
                self.required(row, "producer_name")
            return None
        return self._new_plan(row, code, key)

    def _continues(self, row: _Row, plan: ProducerPlan):
        for name, value in self._comparable(row).items():
            if plan.values.get(name) != value:
                self.error(
                    row,
                    "differs",
                    _("This differs from row %(row)s, which describes the producer.")
                    % {"row": plan.row.number},
                    PRODUCER_COLUMNS[name],
                )

    def _comparable(self, row: _Row) -> dict:
        values = dict(row.producer)
        if row.subdistrict:
            values["subdistrict"] = row.subdistrict.code
        if row.district:
            values["district"] = row.district.code
        return values

    def _new_plan(self, row: _Row, code: str | None, key) -> ProducerPlan:
        juristic = row.producer.get("juristic_id")
        if juristic in self._by_juristic:
            self.error(
                row,
                "duplicate_in_file",
                _("Row %(row)s has another producer with this juristic person ID.")
                % {"row": self._by_juristic[juristic].row.number},
                "juristic_id",
            )
        existing = self._registered_producer(row)
        plan = ProducerPlan(
            row.result, existing or Producer(), existing is not None, self._comparable(row)
        )
        self.plans.append(plan)
        for index, value in (
            (self._by_code, code),
            (self._by_name, key),
            (self._by_juristic, juristic),
        ):
            if value:
                index.setdefault(value, plan)
        if existing:
            self._updated[existing.pk] = plan
        self._describe(row, plan)
        return plan

    def _registered_producer(self, row: _Row) -> Producer | None:
        try:
            existing = self.registered.producer(row.producer, row.subdistrict)
        except ValidationError as error:
            self.refuse(row, error, {None: "cdd_code"})
            return None
        if existing and existing.pk in self._updated:
            self.error(
                row,
                "duplicate_in_file",
                _("Row %(row)s already updates this registered producer.")
                % {"row": self._updated[existing.pk].row.number},
                "producer_name",
            )
            return None
        return existing

    def _describe(self, row: _Row, plan: ProducerPlan):
        """Set the row's values on the producer and check it as the model does."""
        producer = plan.producer
        if not plan.existing:
            for key in ("producer_name", "producer_type", "subdistrict"):
                if _blank(row.cells.get(key)):
                    self.required(row, key)
        district = row.district.code if row.district else producer.district_id
        if district and district not in self.scope:
            self.error(
                row,
                "outside_scope",
                _("This district is not one you may import producers for."),
                "district" if not _blank(row.cells.get("district")) else "subdistrict",
            )
            return
        if plan.existing and producer.district_id != district:
            self.error(
                row,
                "producer_other_district",
                _(
                    "This producer is registered in another district: the import does not move "
                    "producers."
                ),
                "subdistrict",
            )
            return
        values = dict(row.producer)
        if values.get("community_enterprise_no"):
            values["is_community_enterprise"] = True
        if row.subdistrict:
            values.update(subdistrict=row.subdistrict, district=row.district)
            values["postal_code"] = self._postal_code(row, producer.postal_code)
        plan.changed = _set(producer, values) or not plan.existing
        if not row.result.errors:
            try:
                producer.full_clean()
            except ValidationError as error:
                self.refuse(row, error, PRODUCER_COLUMNS)

    def _postal_code(self, row: _Row, registered: str) -> str:
        """The postal code: as given when it is the subdistrict's, else its only one (or
        the one registered, when it is one of the subdistrict's)."""
        codes = row.subdistrict.postal_codes
        given = row.producer.get("postal_code", "")
        if not given and registered in codes:
            return registered
        if given and given not in codes:
            self.error(
                row,
                "postal_code",
                _("%(subdistrict)s has postal code %(codes)s.")
                % {"subdistrict": row.subdistrict.name, "codes": _(" or ").join(codes)},
                "postal_code",
            )
        elif not given and len(codes) == 1:
            return codes[0]
        elif not given and codes:
            self.warn(
                row,
                "postal_code_choice",
                _("This subdistrict has two postal codes: choose %(codes)s.")
                % {"codes": _(" or ").join(codes)},
                "postal_code",
            )
        return given

    # people and products

    def _person(self, row: _Row, plan: ProducerPlan):
        data = row.person
        if not data.get("first_name"):
            if data.keys() - {"title", "sex"} or (row.result is plan.row and not plan.existing):
                self.required(row, "first_name")
            return
        names = (data["first_name"], data.get("last_name", ""))
        number = data.get("national_id")
        key = number or names
        if key in plan.seen:
            # the same person again (a row that adds a product): nothing more to add
            seen_on, seen_names = plan.seen[key]
            if seen_names != names:
                self._other_name(row, seen_on)
            return
        plan.seen[key] = (row.result.number, names)
        errors = len(row.result.errors)
        person = self._known_person(row, plan, number, names)
        if len(row.result.errors) > errors:
            return
        joins = True
        if person is None:
            person = Person(district_id=plan.producer.district_id, **data)
            try:
                person.full_clean(exclude=["district"])
            except ValidationError as error:
                self.refuse(row, error, PERSON_COLUMNS)
        elif plan.existing and person.pk:
            joins = not any(m.person_id == person.pk for m in plan.producer.members.all())
        if number:
            self._people.setdefault(
                number, (row.result.number, names, plan.producer.district_id, person)
            )
        role = row.role or self._default_role(plan)
        if joins and role == MemberRole.CHAIR:
            self._one_chair(row, plan, person)
        plan.people.append(PersonPlan(row.result, person, role, joins))

    def _other_name(self, row: _Row, number: int):
        self.error(
            row,
            "duplicate_in_file",
            _("Row %(row)s has this national ID number with another name.") % {"row": number},
            "national_id",
        )

    def _known_person(self, row: _Row, plan: ProducerPlan, number, names) -> Person | None:
        """The person the row names when the file or the registry already has them."""
        district = plan.producer.district_id
        if number in self._people:
            seen_on, seen_names, seen_district, person = self._people[number]
            if seen_names != names:
                self._other_name(row, seen_on)
            elif district and seen_district and seen_district != district:
                self.error(
                    row,
                    "person_other_district",
                    _("Row %(row)s has this person in a producer of another district.")
                    % {"row": seen_on},
                    "national_id",
                )
            return person
        if number in self.registered.people:
            person = self.registered.people[number]
            if district and person.district_id != district:
                # said without anything of the other record
                self.error(
                    row,
                    "person_other_district",
                    _("This national ID number is registered to a person of another district."),
                    "national_id",
                )
            return person
        if not number and plan.existing:
            for member in plan.producer.members.all():
                if (member.person.first_name, member.person.last_name) == names:
                    return member.person
        return None

    def _default_role(self, plan: ProducerPlan) -> str:
        from members.services.registry import default_role

        if not plan.existing and not plan.people:
            return default_role(plan.producer.producer_type)
        return MemberRole.MEMBER

    def _one_chair(self, row: _Row, plan: ProducerPlan, person: Person):
        earlier = next((m for m in plan.people if m.joins and m.role == MemberRole.CHAIR), None)
        if earlier:
            self.error(
                row,
                "two_chairs",
                _("Row %(row)s already names the group's chair.") % {"row": earlier.row.number},
                "role",
            )
        elif plan.existing and any(
            m.role == MemberRole.CHAIR and m.person_id != person.pk
            for m in plan.producer.members.all()
        ):
            self.error(row, "chair_taken", _("The group already has a chair."), "role")

    def _product(self, row: _Row, plan: ProducerPlan):
        data = row.product
        if not data and not row.rating:
            return
        name = data.get("name")
        if not name:
            self.required(row, "product_name")
            return
        earlier = next((p for p in plan.products if p.product.name == name), None)
        if earlier:
            self.error(
                row,
                "duplicate_in_file",
                _("Row %(row)s has the same product.") % {"row": earlier.row.number},
                "product_name",
            )
            return
        product = (
            next((p for p in plan.producer.products.all() if p.name == name), None)
            if plan.existing
            else None
        )
        if product is None:
            product = Product()
            for key in ("category", "price", "unit"):
                if key not in data and _blank(row.cells.get(key)):
                    self.required(row, key)
        changed = _set(product, data) or product.pk is None
        if not row.result.errors:
            try:
                product.full_clean(exclude=["producer"])
            except ValidationError as error:
                self.refuse(row, error, PRODUCT_COLUMNS)
        rating = self._rating(row, product)
        plan.products.append(ProductPlan(row.result, product, rating, changed))

    def _rating(self, row: _Row, product: Product) -> StarRating | None:
        stars, year = row.rating.get("stars"), row.rating.get("round_year_be")
        if stars is None and year is None:
            return None
        if stars is None or year is None:
            for key, value in (("stars", stars), ("round_year", year)):
                if value is None and _blank(row.cells.get(key)):  # else refused already
                    self.required(row, key)
            return None
        current = (
            next((r for r in product.ratings.all() if r.round_year_be == year), None)
            if product.pk
            else None
        )
        if current and current.stars == stars:
            return None
        if current and current.is_verified:
            self.error(
                row,
                "rating_verified",
                _(
                    "The verified rating of round %(year)s has %(stars)s stars: change it in the "
                    "registry, not by import."
                )
                % {"year": year, "stars": current.stars},
                "stars",
            )
            return None
        rating = current or StarRating(round_year_be=year)
        rating.stars = stars
        try:
            rating.full_clean(exclude=["product"])
        except ValidationError as error:
            self.refuse(row, error, RATING_COLUMNS)
        return rating

    # the whole producer

    def _finish(self, plan: ProducerPlan):
        action = UPDATE if plan.existing else CREATE
        for result in plan.rows:
            result.producer_action = action
            result.producer_name = plan.producer.name or result.producer_name
            if plan.row.errors and result is not plan.row and not result.errors:
                result.errors.append(
                    Message(
                        "producer_has_errors",
                        _("Row %(row)s, which describes this producer, has errors.")
                        % {"row": plan.row.number},
                    )
                )
        if not plan.row.errors:
            self._similar(plan)

    def _similar(self, plan: ProducerPlan):
        from members.services.registry import similar_producers

        producer = plan.producer
        phone = producer.phone or next(
            (member.person.phone for member in plan.people if member.person.phone), ""
        )
        alike = similar_producers(
            name=producer.name,
            subdistrict_id=producer.subdistrict_id,
            phone=phone,
            exclude_pk=producer.pk,
        ).select_related("district")[:5]
        for other in alike:
            if other.district_id in self.scope:
                text = _(
                    "This looks like %(name)s (%(district)s), already registered: check that it "
                    "is another producer."
                ) % {"name": other.name, "district": other.district.name}
            else:
                text = _(
                    "A similar producer is registered in another district: contact provincial "
                    "staff."
                )
            plan.row.warnings.append(Message("similar_producer", text))


def _set(instance, values: dict) -> bool:
    """Set the values on a model instance; whether any of them changed it."""
    changed = False
    for name, value in values.items():
        if isinstance(value, Model):  # compare keys: no query for the related row
            changed |= getattr(instance, f"{name}_id") != value.pk
        else:
            changed |= getattr(instance, name) != value
        setattr(instance, name, value)
    return changed


def preview_table(table: Table, *, district_scope) -> Preview:
    return _Checker(table, district_scope).run()


def preview_file(data: bytes, *, district_scope) -> Preview:
    """What importing this file would do, row by row; nothing is written."""
    try:
        table = read_table(data)
    except ImportFileError as error:
        return Preview(
            rows=[], plans=[], file_errors=[Message(error.code, m) for m in error.messages]
        )
    return preview_table(table, district_scope=district_scope)


def preview_rows(rows: list[dict], *, district_scope) -> Preview:
    """As preview_file, for rows given as {header: value}."""
    try:
        table = table_from_dicts(rows)
    except ImportFileError as error:
        return Preview(
            rows=[], plans=[], file_errors=[Message(error.code, m) for m in error.messages]
        )
    return preview_table(table, district_scope=district_scope)
