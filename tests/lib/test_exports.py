"""The shared export mechanism: Excel-safe CSV and XLSX, scoped like the pages."""

import codecs
import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from members.exports import accounts_export
from members.models import Function, User
from otop_portal.lib import exports
from otop_portal.lib.exports import Column, Export, csv_response, format_cell, guard
from tests.factories import UserFactory


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("dangerous", ["=1+1", "+66812345678", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_could_become_a_formula_is_made_text(dangerous):
    assert guard(dangerous) == "'" + dangerous


def test_ordinary_text_and_thai_pass_unchanged():
    assert guard("สมชาย ใจดี") == "สมชาย ใจดี"
    assert guard("a=b") == "a=b"


def test_values_are_formatted_for_thai_readers():
    assert format_cell(Decimal("1234.5"), "decimal") == "1234.50"
    assert format_cell(date(2025, 10, 25), "date") == "25/10/2568"
    bangkok = datetime(2025, 10, 25, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert format_cell(bangkok, "datetime") == "25/10/2568 14:30"
    assert format_cell(None, "text") == ""
    assert format_cell(-5, "int") == "-5", "numbers are not mistaken for formulas"


def test_csv_starts_with_a_byte_order_mark_and_keeps_thai(db):
    export = Export("ทดสอบ", [Column("ชื่อ", lambda row: row)], ["สระแก้ว", "=HYPERLINK()"])
    rows = _csv_rows(csv_response(export))
    assert rows == [["ชื่อ"], ["สระแก้ว"], ["'=HYPERLINK()"]]


def test_the_file_name_is_thai_and_dated_in_the_buddhist_era(db):
    with translation.override("th"):
        response = csv_response(Export("บัญชีผู้ใช้", [Column("x", str)], []))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert "%E0%B8%9A%E0%B8%B1%E0%B8%8D" in disposition  # "บัญ" percent-encoded
    assert ".csv" in disposition


def test_the_accounts_export_starts_from_the_same_scoped_selector_as_the_page(
    district_member, other_district_member
):
    from members.selectors import accounts_for

    export = accounts_export(accounts_for(district_member))
    assert [row[0] for row in _csv_rows(csv_response(export))[1:]] == ["member"]


def _account_export(client):
    return client.get(reverse("members:account_export", args=["csv"]))


def test_the_accounts_export_lists_every_account_for_staff(client, staff, district_member):
    district_member.groups.add(Group.objects.get(name=Function.SAVINGS_TREASURER))
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    rows = _csv_rows(client.get(reverse("members:account_export", args=["csv"])))
    header, *body = rows
    assert header[:3] == ["Username", "Name", "Role"]
    member_row = next(row for row in body if row[0] == "member")
    assert member_row[3] == "Mueang Sa Kaeo"
    assert "Savings treasurer" in member_row[4]
    assert len(body) == User.objects.count()


def test_the_accounts_export_follows_the_list_filters(client, staff, district_member, officer):
    client.force_login(staff)
    response = client.get(
        reverse("members:account_export", args=["csv"]), {"role": "network_officer"}
    )
    assert [row[0] for row in _csv_rows(response)[1:]] == ["officer"]


def test_the_accounts_export_takes_the_same_number_of_queries_for_1_or_30_rows(client, staff):
    client.force_login(staff)

    with CaptureQueriesContext(connection) as one:
        b"".join(_account_export(client).streaming_content)
    treasurer = Group.objects.get(name=Function.SAVINGS_TREASURER)
    for user in UserFactory.create_batch(30):
        user.groups.add(treasurer)
    with CaptureQueriesContext(connection) as many:
        rows = _csv_rows(_account_export(client))
    assert len(rows) == 32
    assert len(many) == len(one)


def test_xlsx_keeps_ids_and_phone_numbers_as_text(client, staff, district_member):
    district_member.phone = "0812345678"
    district_member.save()
    client.force_login(staff)
    response = client.get(reverse("members:account_export", args=["xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    phones = [row[6] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in phones if c.value == "0812345678")
    assert cell.data_type == "s"
    assert cell.number_format == "@"


def test_xlsx_is_refused_with_a_thai_message_past_the_row_limit(
    client, staff, district_member, monkeypatch
):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1)
    client.force_login(staff)
    with translation.override("th"):
        response = client.get(reverse("members:account_export", args=["xlsx"]))
    assert response.status_code == 400
    assert "เกินกว่าที่ Excel รับได้ (1 แถว)" in response.content.decode()


def test_an_unknown_format_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("members:account_export", args=["pdf"])).status_code == 404


def test_csv_is_written_as_rows_come_not_after_reading_them_all():
    consumed = []

    def rows():
        for n in range(1000):
            consumed.append(n)
            yield n

    lines = exports.csv_lines(Export("x", [Column("n", str)], rows()))
    next(lines), next(lines), next(lines)  # the header and two rows
    assert len(consumed) == 2


def test_a_queryset_is_iterated_not_loaded_into_memory(staff):
    UserFactory.create_batch(5)
    accounts = User.objects.order_by("pk")
    lines = list(exports.csv_lines(Export("x", [Column("u", lambda u: u.username)], accounts)))
    assert len(lines) == 1 + 6
    assert accounts._result_cache is None, "the export used .iterator(), not the result cache"


def test_the_export_is_written_in_the_language_of_the_request(client, staff):
    client.force_login(staff)
    response = client.get(reverse("members:account_export", args=["csv"]))
    with translation.override("en"):  # whatever is active while the file streams
        header = _csv_rows(response)[0]
    assert header[:3] == ["ชื่อผู้ใช้", "ชื่อ", "บทบาท"]


def test_an_xlsx_text_cell_that_looks_like_a_formula_stays_text(client, staff, district_member):
    district_member.first_name = '=HYPERLINK("http://x")'
    district_member.save()
    client.force_login(staff)
    response = client.get(reverse("members:account_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in names if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s", "a string cell, never a formula"


def test_a_sheet_title_drops_what_excel_forbids():
    assert exports._sheet_title("บัญชี/ผู้ใช้ [2568]: *?") == "บัญชี ผู้ใช้  2568"
    assert len(exports._sheet_title("ก" * 40)) == 31
