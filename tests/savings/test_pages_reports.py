"""The reports' pages and files: who reads them, B.E. dates typed and shown, defaults,
refusals of a bad date or period, exports that hold what the page shows (CSV and XLSX,
Thai headers, amounts as decimals), and a fixed number of queries whatever the rows."""

import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Function
from savings import reports, services
from savings.models import LoanType, Role
from savings.services import loans as loan_services
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import UserFactory, sa_kaeo_district
from tests.savings.conftest import JOINED, member
from tests.savings.matrix_reports import KINDS
from tests.savings.test_reports import build_history

pytestmark = pytest.mark.django_db
D = Decimal
DEC_31 = {"as_of": "31/12/2568"}
PARAMS = {
    "loan_aging": DEC_31,
    "cash_book": {"start": "01/11/2568", "end": "31/12/2568"},
    "trial_balance": DEC_31,
    "balance_sheet": DEC_31,
    "income_statement": {"start": "01/01/2568", "end": "31/12/2568"},
    "cdd_quarterly": {"year": "2568", "quarter": "4"},
}
TITLES = {
    "loan_aging": "รายงานอายุลูกหนี้เงินกู้",
    "cash_book": "สมุดเงินสด",
    "trial_balance": "งบทดลอง",
    "balance_sheet": "งบดุล",
    "income_statement": "งบกำไรขาดทุน",
    "cdd_quarterly": "รายงานสรุปผลการดำเนินงานรายไตรมาส",
}


@pytest.fixture
def history(treasurer, approver):
    return build_history(treasurer, approver)


def _page(client, kind, params=None):
    params = PARAMS[kind] if params is None else params
    response = client.get(reverse("savings:report", args=[kind]), params)
    assert response.status_code == 200
    return response


def _csv(client, kind, params=None) -> list[list[str]]:
    response = client.get(
        reverse("savings:report_export", args=[kind, "csv"]), params or PARAMS[kind]
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _xlsx(client, kind) -> list[tuple]:
    response = client.get(reverse("savings:report_export", args=[kind, "xlsx"]), PARAMS[kind])
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


# --- Who reads them ---------------------------------------------------------------------------


@pytest.fixture
def district_auditor(db):
    """A district member on the group's audit committee: sees the group's books."""
    return UserFactory(
        username="auditor",
        district=sa_kaeo_district(OWN_DISTRICT),
        functions=[Function.AUDIT_COMMITTEE],
    )


@pytest.fixture
def other_district_auditor(db):
    return UserFactory(
        username="auditor2",
        district=sa_kaeo_district(OTHER_DISTRICT),
        functions=[Function.AUDIT_COMMITTEE],
    )


@pytest.mark.parametrize("persona", ["treasurer", "officer", "district_auditor", "approver"])
def test_every_report_shows_to_those_who_see_the_books(client, request, history, persona):
    client.force_login(request.getfixturevalue(persona))
    index = client.get(reverse("savings:reports")).content.decode()
    for kind in KINDS:
        assert reverse("savings:report", args=[kind]) in index
        page = _page(client, kind).content.decode()
        assert TITLES[kind] in page
        assert reverse("savings:report_export", args=[kind, "xlsx"]) in page
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), kind
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), kind


@pytest.mark.parametrize("persona", ["district_member", "district_treasurer"])
def test_a_member_without_a_group_committee_function_gets_403(client, request, history, persona):
    # a district's treasurer records for their district only, not the group's books
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("savings:reports")).status_code == 403
    for kind in KINDS:
        assert client.get(reverse("savings:report", args=[kind])).status_code == 403
        url = reverse("savings:report_export", args=[kind, "csv"])
        assert client.get(url).status_code == 403


def test_an_unknown_report_or_format_is_not_found(client, treasurer):
    client.force_login(treasurer)
    assert client.get(reverse("savings:report", args=["payroll"])).status_code == 404
    url = reverse("savings:report_export", args=["trial_balance", "pdf"])
    assert client.get(url).status_code == 404


def test_the_overdue_borrowers_of_another_district_are_not_listed(
    client, history, district_auditor, other_district_auditor
):
    borrower = str(history.a.person)
    client.force_login(district_auditor)
    assert borrower in _page(client, "loan_aging").content.decode()
    client.force_login(other_district_auditor)
    page = _page(client, "loan_aging").content.decode()
    assert borrower not in page
    assert "3,100.00 บาท" in page  # every district's loans are still counted


# --- Dates and periods ------------------------------------------------------------------------


def test_the_page_reads_and_shows_be_dates(client, treasurer, history):
    client.force_login(treasurer)
    response = _page(client, "loan_aging")
    assert response.context["value"] == date(2025, 12, 31)
    page = response.content.decode()
    assert "31 ธันวาคม 2568" in page
    assert "2,200.00 บาท" in page
    assert "31–60 วัน" in page
    assert 'value="31/12/2568"' in page


def test_the_defaults_are_today_this_month_the_year_so_far_and_the_last_quarter(client, treasurer):
    client.force_login(treasurer)
    today = timezone.localdate()
    assert _page(client, "trial_balance", {}).context["value"] == today
    assert _page(client, "cash_book", {}).context["value"] == reports.Period(
        today.replace(day=1), today
    )
    assert _page(client, "income_statement", {}).context["value"] == reports.year_so_far(today)
    assert _page(client, "cdd_quarterly", {}).context["value"] == reports.Quarter.last_ended(today)


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(client, treasurer):
    client.force_login(treasurer)
    response = _page(client, "income_statement", {"start": "31/12/2568", "end": "01/12/2568"})
    assert response.context["value"] == reports.year_so_far(timezone.localdate())
    assert "วันเริ่มต้องไม่หลังวันสิ้นสุด" in response.content.decode()


def test_a_cash_book_of_more_than_a_year_is_refused(client, treasurer):
    client.force_login(treasurer)
    response = _page(client, "cash_book", {"start": "01/01/2567", "end": "31/12/2568"})
    assert response.context["form"].non_field_errors()
    assert response.context["value"].end == timezone.localdate()


def test_a_date_that_is_not_be_gets_a_message(client, treasurer):
    client.force_login(treasurer)
    response = _page(client, "trial_balance", {"as_of": "31/12/2025"})
    assert response.context["form"].errors["as_of"]
    assert "2568" in response.content.decode()  # "did you mean 2568?"
    assert response.context["value"] == timezone.localdate()
    response = _page(client, "cdd_quarterly", {"year": "2568", "quarter": "5"})
    assert response.context["form"].errors["quarter"]


def test_a_quarter_is_asked_as_a_be_year_and_a_number(client, treasurer, history):
    client.force_login(treasurer)
    response = _page(client, "cdd_quarterly")
    assert response.context["value"] == reports.Quarter(2025, 4)
    page = response.content.decode()
    assert "ไตรมาส 4/2568" in page
    assert "70.97 %" in page
    assert "164.67 %" in page


# --- The files --------------------------------------------------------------------------------


def test_the_aging_file_gives_each_bucket_per_district(client, treasurer, history):
    client.force_login(treasurer)
    rows = _csv(client, "loan_aging")
    assert rows[0][:3] == ["อำเภอ", "ไม่ค้างชำระ: จำนวนสัญญา", "ไม่ค้างชำระ: เงินต้นคงค้าง"]
    assert [row[0] for row in rows[1:]] == ["เมืองสระแก้ว", "อรัญประเทศ", "ทุกอำเภอ"]
    assert rows[-1][1:] == [
        *("1", "900.00", "0", "0.00", "1", "2200.00", "0", "0.00", "0", "0.00"),
        *("2", "3100.00", "2200.00"),
    ]


def test_the_cash_book_file_brings_forward_and_carries_forward(client, treasurer, history):
    client.force_login(treasurer)
    rows = [row for row in _csv(client, "cash_book") if row[0].startswith("1101")]
    assert rows[0][1:] == ["01/11/2568", "", "", "ยอดยกมา", "", "", "33406.00"]
    assert rows[1][1] == "01/11/2568" and rows[1][6:] == ["20000.00", "13406.00"]
    assert rows[-1][1:] == ["31/12/2568", "", "", "ยอดยกไป", "221.00", "20500.00", "13127.00"]
    assert len(rows) == 7


def test_the_statements_files_end_with_their_totals(client, treasurer, history):
    client.force_login(treasurer)
    assert _csv(client, "trial_balance")[-1] == [
        *("", "รวม", "61927.00", "61927.00", "36577.00", "36577.00")
    ]
    assert _csv(client, "balance_sheet")[-1][2:] == ["รวมหนี้สินและทุน", "36227.00"]
    assert _csv(client, "income_statement")[-1][2:] == ["กำไร (ขาดทุน) สุทธิ", "29827.00"]
    total = _csv(client, "cdd_quarterly")[-1]
    assert total[:5] == ["ทุกอำเภอ", "5", "3", "0", "1"]
    assert total[-4:] == ["70.97", "29827.00", "18113.50", "164.67"]


NUMBER = re.compile(r"^-?\d+\.\d\d$")
DATE = re.compile(r"^\d\d/\d\d/\d{4}$")


@pytest.mark.parametrize("kind", KINDS)
def test_every_file_holds_what_its_page_shows(client, treasurer, history, kind):
    client.force_login(treasurer)
    page = html.unescape(_page(client, kind).content.decode())
    rows = _csv(client, kind)
    assert len(rows) > 2
    for row in rows[1:]:
        for cell in row:
            if NUMBER.match(cell):
                assert f"{Decimal(cell):,.2f}" in page, (kind, cell)
            elif cell and not DATE.match(cell) and not cell.isdigit():
                assert cell in page, (kind, cell)


@pytest.mark.parametrize("kind", KINDS)
def test_the_excel_file_holds_the_csv_figures_as_numbers(client, treasurer, history, kind):
    client.force_login(treasurer)
    sheet, rows = _xlsx(client, kind), _csv(client, kind)
    assert [str(cell) for cell in sheet[0]] == rows[0]
    assert re.search("[ก-๙]", "".join(rows[0]))  # Thai headers
    for got, expected in zip(sheet[1:], rows[1:], strict=True):
        for value, text in zip(got, expected, strict=True):
            if NUMBER.match(text):
                assert isinstance(value, int | float), (kind, value)
                assert Decimal(str(value)).quantize(D("0.01")) == Decimal(text)
            else:
                assert ("" if value is None else str(value)) == text


# --- Queries ----------------------------------------------------------------------------------


def grow(n: int, by, decider, start: int = 0) -> None:
    """n members in three districts, each saving and paying out a loan of 500 with one
    repayment; the group's cash from a grant."""
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("20000") * n,
        on=JOINED,
        by=by,
        memo="เงินอุดหนุน",
    )
    districts = [OWN_DISTRICT, OTHER_DISTRICT, "2702"]
    ordinary = LoanType.objects.get(code="ordinary")
    for i in range(start, start + n):
        saver = member(by, units=2, district=districts[i % 3])
        for month in range(8):
            services.pledge_pay(
                saver=saver, amount=D(100), on=JOINED + relativedelta(months=month), by=by
            )
        services.deposit(saver=saver, amount=D(200), on=date(2025, 11, 5), by=by)
        loan = loan_services.loan_apply(
            saver=saver,
            loan_type=ordinary,
            amount=D(500),
            term_months=5,
            purpose="ทุนหมุนเวียน",
            guarantors=[],
            applied_on=date(2025, 9, 15),
            by=by,
        )
        loan_services.loan_decide(loan=loan, approve=True, by=decider, meeting_number="9/2568")
        loan_services.loan_disburse(
            loan=loan, on=date(2025, 9, 20), first_due_on=date(2025, 10, 20), by=by
        )
        if i % 2:
            loan_services.loan_repay(loan=loan, amount=D(105), on=date(2025, 10, 20), by=by)


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


URLS = [("savings:report", (kind,)) for kind in KINDS] + [
    ("savings:report_export", (kind, fmt)) for kind in KINDS for fmt in ("csv", "xlsx")
]


@pytest.mark.parametrize(("name", "args"), URLS, ids=["-".join(args) for _name, args in URLS])
def test_the_same_queries_for_one_row_or_many(client, treasurer, approver, name, args):
    client.force_login(treasurer)
    url, params = reverse(name, args=args), PARAMS[args[0]]
    grow(1, treasurer, approver)
    _count(client, url, params)
    one = _count(client, url, params)
    grow(5, treasurer, approver, start=1)
    assert _count(client, url, params) == one


def test_the_index_takes_no_query_beyond_the_login(client, treasurer, approver):
    client.force_login(treasurer)
    url = reverse("savings:reports")
    _count(client, url, {})
    before = _count(client, url, {})
    grow(2, treasurer, approver)
    assert _count(client, url, {}) == before
