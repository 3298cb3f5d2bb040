"""The fair reports on screen and as CSV/XLSX: what each holds on a fair after its
draw (offers accepted, declined and moved, fees paid in part and corrected, check-in
and sales), the district scoping of the lists, the fairness figures on a small case
checked by hand, and a fixed number of queries whatever the number of rows."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fairs.models import DrawLine, Holding, Outcome
from tests.fairs.builders import drawn_fair, fair_manager, make_fair
from tests.fairs.builders_reports import reported_fair, small_fair, two_editions
from tests.matrix import PERSONAS

pytestmark = pytest.mark.django_db

KINDS = ("applicants", "allocation", "payments", "attendance", "sales", "fairness")


@pytest.fixture
def manager(db):
    return fair_manager()


@pytest.fixture
def reported(manager):
    return reported_fair(manager)


def _page(client, fair, kind) -> str:
    response = client.get(reverse("fairs:report", args=[fair.pk, kind]))
    assert response.status_code == 200
    return response.content.decode()


def _file(client, fair, kind, fmt):
    response = client.get(reverse("fairs:report", args=[fair.pk, kind]), {"format": fmt})
    assert response.status_code == 200, response.content[:500]
    return response, b"".join(response.streaming_content)


def _csv(client, fair, kind) -> list[list[str]]:
    response, body = _file(client, fair, kind, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(client, fair, kind) -> list[tuple]:
    _response, body = _file(client, fair, kind, "xlsx")
    return list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def _by_number(rows) -> dict[str, list[str]]:
    return {row[0]: row for row in rows[1:]}


# --- The index and its links ------------------------------------------------------------------


def test_every_login_sees_the_index_of_the_fair_reports(client, district_member):
    fair = make_fair()
    client.force_login(district_member)
    response = client.get(reverse("fairs:reports", args=[fair.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for kind in KINDS:
        assert reverse("fairs:report", args=[fair.pk, kind]) in page
    assert "ความเป็นธรรมของการจับสลาก" in page
    assert "ครอบคลุมผู้สมัครของอำเภอของท่าน" in page


def test_an_unknown_report_or_format_is_not_found(client, staff):
    fair = make_fair()
    client.force_login(staff)
    assert client.get(reverse("fairs:report", args=[fair.pk, "secrets"])).status_code == 404
    url = reverse("fairs:report", args=[fair.pk, "applicants"])
    assert client.get(url, {"format": "pdf"}).status_code == 404
    assert client.get(reverse("fairs:reports", args=[999999])).status_code == 404


def test_each_page_offers_its_files_and_the_other_reports(client, staff, reported):
    client.force_login(staff)
    page = _page(client, reported.fair, "payments")
    url = reverse("fairs:report", args=[reported.fair.pk, "payments"])
    assert f'href="{url}?format=csv"' in page and f'href="{url}?format=xlsx"' in page
    assert reverse("fairs:report", args=[reported.fair.pk, "sales"]) in page


# --- Applicants -------------------------------------------------------------------------------


def test_applicants_lists_everyone_with_status_outcome_and_reason(client, staff, reported):
    client.force_login(staff)
    rows = _csv(client, reported.fair, "applicants")
    assert rows[0] == [
        "เลขที่ใบสมัคร", "ผู้ผลิต", "อำเภอ", "ประเภทผลิตภัณฑ์", "ประเภทบูธ",
        "โซนที่เลือกอันดับ 1", "โซนที่เลือกอันดับ 2", "โซนที่เลือกอันดับ 3", "ผลิตภัณฑ์",
        "ระดับดาว", "ดาวตามรายชื่อที่ปิดรับ", "สถานะ", "เหตุผลการพิจารณา", "สลาก (ใบ)",
        "ลำดับในการจับสลาก", "ผลการจับสลาก", "เหตุผลจากการจับสลาก", "บูธตอนนี้", "สถานะบูธ",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 9)]  # by number
    by_number = _by_number(rows)
    rejected = by_number[str(reported.rejected.number)]
    assert rejected[11:17] == ["ไม่อนุมัติ", "เอกสารไม่ครบ", "", "", "ไม่ได้เข้าจับสลาก: ไม่ผ่านการพิจารณา", ""]
    assert by_number[str(reported.withdrawn.number)][15] == "ถอนตัวแล้ว"
    paid = by_number[str(reported.paid.application.number)]
    assert paid[15] == "ได้รับคัดเลือก"
    assert paid[17:] == [reported.paid.booth.code, "ยืนยันแล้ว"]
    declined = by_number[str(reported.declined.application.number)]
    assert declined[15] == "ได้รับคัดเลือก"
    assert declined[17] == "" and declined[18].startswith("สิ้นสุด: ")
    waiting = DrawLine.objects.get(draw=reported.draw, waitlist_position=1)
    row = by_number[str(waiting.application.number)]
    assert row[15] == "รายชื่อรอลำดับที่ 1"
    assert row[17] == reported.declined.booth.code  # refilled from the waitlist
    assert row[13:15] == [str(waiting.tickets), str(waiting.position)]
    assert f"{waiting.position}" in row[16] and row[16] != waiting.reason  # in Thai, not English
    page = _page(client, reported.fair, "applicants")
    assert "ไม่ได้เข้าจับสลาก: ไม่ผ่านการพิจารณา" in page and "เอกสารไม่ครบ" in page


def test_a_district_member_lists_only_their_district(
    client, district_member, other_district_member, reported
):
    client.force_login(district_member)
    rows = _csv(client, reported.fair, "applicants")
    assert len(rows) == 1 + 4  # three textile and the rejected one, all of 2701
    assert {row[2] for row in rows[1:]} == {"เมืองสระแก้ว"}
    assert {row[2] for row in _xlsx(client, reported.fair, "applicants")[1:]} == {"เมืองสระแก้ว"}
    page = _page(client, reported.fair, "applicants")
    assert reported.withdrawn.producer.name not in page  # 2706
    assert "รายงานนี้ครอบคลุมเฉพาะผู้สมัครของอำเภอของท่าน" in page
    client.force_login(other_district_member)
    rows = _csv(client, reported.fair, "applicants")
    assert {row[2] for row in rows[1:]} == {"อรัญประเทศ"}


# --- Allocation -------------------------------------------------------------------------------


def test_allocation_shows_every_booth_its_holder_and_how(client, staff, district_member, reported):
    client.force_login(staff)
    rows = _csv(client, reported.fair, "allocation")
    booths = _by_number(rows)
    assert sorted(booths) == ["F01", "F02", "R01", "S01", "S02", "S03", "S04"]
    assert booths["R01"][5:7] == ["ร้านกาชาด", "ร้านกาชาดจังหวัดสระแก้ว"]
    assert booths["R01"][11] == "สงวนไว้"
    assert booths["S01"][2] == "ใช่" and booths["S01"][4] == "200.00"
    moved = booths[reported.moved.booth.code]
    assert moved[8] == reported.moved.application.producer.name
    assert moved[11:13] == ["ยืนยันแล้ว", "เจ้าหน้าที่ย้ายบูธ"]
    assert booths[reported.declined.booth.code][12] == "ได้สิทธิ์จากรายชื่อรอ"
    free = "F01" if reported.moved.booth.code == "F02" else "F02"
    assert booths[free][8] == "" and booths[free][11] == "ว่าง"
    # a district member sees another district's holder without the name
    client.force_login(district_member)
    booths = _by_number(_csv(client, reported.fair, "allocation"))
    other = booths[reported.moved.booth.code]  # the food booth of 2706
    assert other[7:10] == ["", "ผู้สมัครของอำเภออื่น", "อรัญประเทศ"]
    assert other[11:14] == ["มีผู้ถือบูธ", "", ""]
    assert booths[reported.paid.booth.code][8] == reported.paid.application.producer.name
    page = _page(client, reported.fair, "allocation")
    assert reported.moved.application.producer.name not in page


# --- Payments ---------------------------------------------------------------------------------


def test_payments_show_fee_paid_outstanding_lines_and_totals(client, staff, reported):
    client.force_login(staff)
    rows = _csv(client, reported.fair, "payments")
    assert rows[0][:11] == [
        "บูธ", "เลขที่ใบสมัคร", "ผู้ผลิต", "อำเภอ", "ประเภทผลิตภัณฑ์", "รายการ",
        "ค่าบูธ (บาท)", "ชำระแล้ว (บาท)", "ค้างชำระ (บาท)", "กำหนดชำระ", "สถานะ",
    ]  # fmt: skip
    # booths held now: F 300 + three STD 200 + the waitlist offer 200; paid 300+200+200+100
    assert rows[-1][5:9] == ["รวม", "1100.00", "800.00", "300.00"]
    part = [row for row in rows if row[0] == reported.part_paid.booth.code]
    assert [row[5] for row in part] == ["ค่าบูธ", "รับชำระ", "แก้ไขรายการ", "รับชำระ"]
    assert part[0][6:9] == ["200.00", "100.00", "100.00"]
    assert part[0][9].endswith("00:00") and part[0][9][6:10].startswith("25")  # B.E.
    assert part[1][12] == "150.00" and part[1][16].startswith("ยกเลิกเมื่อ")
    assert part[2][12] == "-150.00" and part[2][16].endswith(": บันทึกผิดยอด")
    # the declined offer had nothing paid: not listed
    assert str(reported.declined.application.number) not in {row[1] for row in rows}
    sheet = _xlsx(client, reported.fair, "payments")
    assert sheet[-1][5:9] == ("รวม", Decimal("1100.00"), Decimal("800.00"), Decimal("300.00"))
    page = _page(client, reported.fair, "payments")
    assert "1,100.00 บาท" in page and "800.00 บาท" in page and "บันทึกผิดยอด" in page


def test_a_district_member_sees_their_district_payments(client, district_member, reported):
    refill = Holding.objects.get(booth=reported.declined.booth, ended_at__isnull=True)
    ours = [  # (fee, paid) of the booths held by 2701 now
        (fee, paid)
        for holding, fee, paid in (
            (reported.paid, 200, 200), (reported.no_show, 200, 200), (refill, 200, 0),
        )
        if holding.application.district_id == "2701"
    ]  # fmt: skip
    fee, paid = sum(f for f, _p in ours), sum(p for _f, p in ours)
    client.force_login(district_member)
    rows = _csv(client, reported.fair, "payments")
    assert {row[3] for row in rows[1:-1]} == {"เมืองสระแก้ว"}
    assert rows[-1][5:9] == ["รวม", f"{fee}.00", f"{paid}.00", f"{fee - paid}.00"]


# --- Attendance -------------------------------------------------------------------------------


def test_attendance_per_day_with_no_shows_and_totals(client, staff, reported):
    client.force_login(staff)
    rows = _csv(client, reported.fair, "attendance")
    days = [day.strftime("%d/%m/") + str(day.year + 543) for day in reported.fair.days()]
    assert rows[0] == ["บูธ", "เลขที่ใบสมัคร", "ผู้ผลิต", "อำเภอ", "ประเภทผลิตภัณฑ์",
                       *days, "จำนวนวันที่มา", "จำนวนวันที่ไม่มา", "ไม่มาออกบูธ"]  # fmt: skip
    booths = _by_number(rows)
    assert booths[reported.paid.booth.code][5:] == ["มา", "มา", "ยังไม่บันทึก", "2", "0", ""]
    assert booths[reported.moved.booth.code][5:] == ["มา", "ไม่มา", "ยังไม่บันทึก", "1", "1", ""]
    no_show = booths[reported.no_show.booth.code]
    assert no_show[5:] == ["ไม่มา", "ยังไม่บันทึก", "ยังไม่บันทึก", "0", "1", "ใช่"]
    assert reported.part_paid.booth.code not in booths  # not confirmed: not checked in
    assert rows[-3][2:8] == ["รวมมา", "", "", "2", "1", "0"]
    assert rows[-2][2:8] == ["รวมไม่มา", "", "", "1", "1", "0"]
    assert rows[-1][2:8] == ["รวมยังไม่บันทึก", "", "", "0", "1", "3"]
    page = _page(client, reported.fair, "attendance")
    no_shows = page.split("ผู้ไม่มาออกบูธ</h2>")[1]
    assert reported.no_show.application.producer.name in no_shows
    assert reported.paid.application.producer.name not in no_shows


# --- Sales ------------------------------------------------------------------------------------


def test_sales_by_district_category_and_day_with_the_rows_behind(
    client, staff, district_member, reported
):
    client.force_login(staff)
    rows = _csv(client, reported.fair, "sales")
    assert rows[0] == ["วันที่", "อำเภอ", "ประเภทผลิตภัณฑ์", "บูธ", "เลขที่ใบสมัคร", "ผู้ผลิต",
                       "ยอดขาย (บาท)"]  # fmt: skip
    assert sorted(row[6] for row in rows[1:]) == ["1500.50", "2000.00", "3000.00"]
    assert {row[1] for row in rows[1:]} == {"เมืองสระแก้ว", "อรัญประเทศ"}
    page = _page(client, reported.fair, "sales")
    assert "6,500.50 บาท" in page  # the total
    assert "3,500.50 บาท" in page  # เมืองสระแก้ว, textile
    assert "3,000.00 บาท" in page  # อรัญประเทศ, food
    today = timezone.localdate()
    assert _xlsx(client, reported.fair, "sales")[1][6] == Decimal("1500.50")
    client.force_login(district_member)
    rows = _csv(client, reported.fair, "sales")
    assert {row[1] for row in rows[1:]} == {"เมืองสระแก้ว"}
    page = _page(client, reported.fair, "sales")
    assert "3,500.50 บาท" in page and "6,500.50 บาท" not in page
    assert today in reported.fair.days()


# --- Fairness ---------------------------------------------------------------------------------


def test_the_fairness_report_waits_for_the_official_draw(client, officer):
    fair = make_fair()
    client.force_login(officer)
    page = _page(client, fair, "fairness")
    assert "ยังไม่ได้จับสลากอย่างเป็นทางการ" in page
    assert "?format=csv" not in page
    response = client.get(reverse("fairs:report", args=[fair.pk, "fairness"]), {"format": "csv"})
    assert response.status_code == 200 and not response.streaming  # the page, no file


def _lines(rows, section) -> dict[str, list[str]]:
    return {row[1]: row[2:] for row in rows[1:] if row[0] == section}


def test_fairness_figures_on_a_small_case_checked_by_hand(client, staff, district_member, manager):
    """Two booths, S01 in the prime zone A and S02 in B, and at most one per district,
    at both editions. Last fair a1, a2 (2701), b1, b2 (2706) applied: one of each
    district got a booth and kept it, the other two missed. This fair the same four and
    a3 (2701) apply: one per district is selected (1/3 and 1/2); the first of the two in
    draw order takes A — never last fair's prime holder, who chooses after the others —
    and the second B. The two who missed have 2 tickets, the others 1."""
    case = two_editions(manager)
    client.force_login(staff)
    rows = _csv(client, case.fair, "fairness")
    assert rows[0] == ["หมวด", "รายการ", "จำนวน", "จากทั้งหมด", "ร้อยละ", "อัตราส่วน"]
    assert _lines(rows, "อัตราการได้รับคัดเลือกตามอำเภอ") == {
        "เมืองสระแก้ว": ["1", "3", "33.33", ""],
        "อรัญประเทศ": ["1", "2", "50.00", ""],
        "อัตราสูงสุด ÷ อัตราต่ำสุด": ["", "", "", "1.50"],
    }
    assert _lines(rows, "อัตราการได้รับคัดเลือกตามประเภทสินค้า") == {
        "ผ้าและเครื่องแต่งกาย": ["2", "5", "40.00", ""],
        "อัตราสูงสุด ÷ อัตราต่ำสุด": ["", "", "", ""],  # one category: nothing to compare
    }
    assert _lines(rows, "โซนที่ได้") == {
        "โซนที่เลือกอันดับ 1": ["1", "2", "50.00", ""],
        "โซนที่เลือกอันดับ 2": ["1", "2", "50.00", ""],
        "โซนที่เลือกอันดับ 3": ["0", "2", "0.00", ""],
        "โซนที่ไม่ได้เลือก": ["0", "2", "0.00", ""],
    }
    prime = _lines(rows, "บูธทำเลดี")
    assert prime["บูธทำเลดีที่ตกแก่ผู้ได้บูธทำเลดีในงานครั้งก่อน"] == ["0", "1", "0.00", ""]
    assert prime["ผู้ได้บูธทำเลดีในงานครั้งก่อนที่ได้รับคัดเลือกอีก"][1] == "1"
    skips = _lines(rows, "ถูกข้ามเพราะโควตาหรือบูธประเภทนั้นเต็ม")
    assert sum(int(count) for count, *_rest in skips.values()) == 3
    # who missed last time, and whether they missed again: read from the two draws
    lines = {line.application.producer_id: line for line in DrawLine.objects.filter(draw=case.draw)}
    missed = [
        line.application.producer_id
        for line in DrawLine.objects.filter(draw=case.last_draw, outcome=Outcome.WAITLIST)
    ]
    assert len(missed) == 2 and all(lines[p].tickets == 2 for p in missed)
    again = [p for p in missed if lines[p].outcome != Outcome.SELECTED]
    unlucky = _lines(rows, "ไม่ได้บูธสองครั้งติดกัน")
    assert unlucky["ไม่ได้บูธอีกหลังจากพลาดในงานครั้งก่อน"][:2] == [str(len(again)), "2"]
    named = {name for name in unlucky if name.startswith("#")}
    assert len(named) == len(again)
    tickets = _lines(rows, "อัตราการได้รับคัดเลือกตามจำนวนสลาก")
    assert tickets["สลาก 1 ใบ"][1] == "3" and tickets["สลาก 2 ใบ"] == [
        str(2 - len(again)),
        "2",
        f"{(2 - len(again)) * 50}.00",
        "",
    ]
    page = _page(client, case.fair, "fairness")
    assert "33.33%" in page and "1.50" in page
    # a district member gets the same figures, but names only their own district's
    client.force_login(district_member)
    theirs = _lines(_csv(client, case.fair, "fairness"), "ไม่ได้บูธสองครั้งติดกัน")
    assert theirs["ไม่ได้บูธอีกหลังจากพลาดในงานครั้งก่อน"] == unlucky["ไม่ได้บูธอีกหลังจากพลาดในงานครั้งก่อน"]
    mine = [case.producers[n] for n in ("a1", "a2") if case.producers[n].pk in again]
    assert {name for name in theirs if name.startswith("#")} == {
        name for name in named if any(p.name in name for p in mine)
    }


# --- Every file -------------------------------------------------------------------------------


def test_every_report_downloads_as_csv_and_xlsx_with_thai_headers(client, staff, reported):
    client.force_login(staff)
    for kind in KINDS:
        rows, sheet = _csv(client, reported.fair, kind), _xlsx(client, reported.fair, kind)
        assert len(rows) > 1, kind
        assert sheet[0] == tuple(rows[0]), kind
        assert len(sheet) == len(rows), kind
        assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in header) for header in rows[0]
                   if not header[0].isdigit()), (kind, rows[0])  # fmt: skip
        response, _body = _file(client, reported.fair, kind, "xlsx")
        assert f"-{reported.fair.pk}-25" in response["Content-Disposition"]  # B.E. stamp


def test_files_need_a_login_and_are_for_every_login(client, request):
    fair, _draw = drawn_fair(applicants=2, food=0)
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        for kind in KINDS:
            for fmt in ("csv", "xlsx"):
                url = reverse("fairs:report", args=[fair.pk, kind])
                response = client.get(url, {"format": fmt})
                if persona == "anonymous":
                    assert response.status_code == 302
                    assert response["Location"].startswith(reverse("login"))
                else:
                    assert response.status_code == 200, (persona, kind, fmt)
                    assert response.streaming, (persona, kind, fmt)
                assert client.post(url, {"format": fmt}).status_code in (302, 405)


# --- Queries ----------------------------------------------------------------------------------


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("persona", ["staff", "district_member"])
def test_the_same_queries_for_one_row_or_many(client, request, manager, persona):
    small, big = small_fair(manager), reported_fair(manager, textile=9)
    client.force_login(request.getfixturevalue(persona))
    for kind in KINDS:
        for params in ({}, {"format": "csv"}, {"format": "xlsx"}):
            one = reverse("fairs:report", args=[small.fair.pk, kind])
            many = reverse("fairs:report", args=[big.fair.pk, kind])
            _count(client, one, params)
            assert _count(client, one, params) == _count(client, many, params), (kind, params)
