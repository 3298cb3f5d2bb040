"""The money pages as the monthly meeting uses them: the district's collection sheet,
one member's pledged savings, deposit and withdrawal, the second approval of large
withdrawals, collectors' cash handed over, and the receipts and vouchers on paper."""

import csv
import io
import re
import uuid
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Function
from savings import services
from savings.models import (
    EntryKind,
    IdempotencyKey,
    JournalEntry,
    Role,
    SaverAccount,
    Withdrawal,
    WithdrawalStatus,
)
from savings.services.once import recorded
from savings.views import money
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import UserFactory, sa_kaeo_district
from tests.savings.conftest import member

pytestmark = pytest.mark.django_db
D = Decimal
MONTH = "2025-04"
ON = date(2025, 4, 20)
ON_BE = "20/04/2568"
APRIL = date(2025, 4, 5)  # admitted in April: no arrears on April's sheet


def _sheet_url(code=OWN_DISTRICT, month=MONTH, name="savings:sheet_district", **extra):
    return reverse(name, kwargs={"code": code, "month": month, **extra})


def _told(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _sheet_post(rows: dict, *, on=ON_BE, key=None) -> dict:
    """The sheet's post: {saver: (pledged, deposit)} as typed."""
    data = {"key": str(key or uuid.uuid4()), "on": on}
    for saver, (pledged, deposited) in rows.items():
        data[f"pledged-{saver.pk}"] = pledged
        data[f"deposit-{saver.pk}"] = deposited
    return data


def _pledges() -> int:
    return JournalEntry.objects.filter(kind=EntryKind.PLEDGE).count()


# --- Choosing a sheet ---------------------------------------------------------------------------


def test_a_district_member_chooses_only_their_district_and_a_be_month(client, district_member):
    client.force_login(district_member)
    page = client.get(reverse("savings:sheet"))
    assert [d.code for d in page.context["form"].fields["district"].queryset] == [OWN_DISTRICT]
    assert page.context["form"]["year"].value() == timezone.localdate().year + 543
    response = client.get(
        reverse("savings:sheet"), {"district": OWN_DISTRICT, "month": 4, "year": 2568}
    )
    assert response.status_code == 302
    assert response["Location"] == _sheet_url()
    refused = client.get(
        reverse("savings:sheet"), {"district": OTHER_DISTRICT, "month": 4, "year": 2568}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["district"]
    typed_ce = client.get(
        reverse("savings:sheet"), {"district": OWN_DISTRICT, "month": 4, "year": 2025}
    )
    assert "2568" in typed_ce.context["form"].errors["year"][0]  # did you mean 2568?


def test_staff_choose_among_the_provinces_districts(client, staff):
    client.force_login(staff)
    page = client.get(reverse("savings:sheet"))
    codes = [d.code for d in page.context["form"].fields["district"].queryset]
    assert codes == [f"27{n:02d}" for n in range(1, 10)]


# --- The sheet ----------------------------------------------------------------------------------


def test_the_sheet_shows_each_member_with_the_month_and_arrears_in_be(
    client, treasurer, district_member
):
    paid_up = member(treasurer, units=2, first_name="สมศรี")
    behind = member(treasurer, units=4, first_name="มานี")
    member(treasurer, district=OTHER_DISTRICT, first_name="ต่างอำเภอ")
    for month in (1, 2, 3):
        services.pledge_pay(saver=paid_up, amount=D("100"), on=date(2025, month, 15), by=treasurer)
    client.force_login(district_member)
    response = client.get(_sheet_url())
    page = response.content.decode()
    assert "เมษายน 2568" in page
    assert "สมศรี" in page and "มานี" in page and "ต่างอำเภอ" not in page
    rows = {line.row.saver: line.row for line in response.context["lines"]}
    assert (rows[paid_up].arrears, rows[paid_up].still_due) == (D("0"), D("100"))
    assert (rows[behind].arrears, rows[behind].still_due) == (D("600"), D("800"))
    assert response.context["totals"].expected == D("900")
    # a member without the treasurer function reads the sheet but has nothing to type in
    assert response.context["form"] is None
    assert f'name="pledged-{paid_up.pk}"' not in page


def test_a_treasurer_records_the_whole_sheet_and_sees_what_was_paid(client, district_treasurer):
    first = member(district_treasurer, units=2, joined=APRIL)
    second = member(district_treasurer, units=3, joined=APRIL)
    third = member(district_treasurer, units=1, joined=APRIL)
    client.force_login(district_treasurer)
    page = client.get(_sheet_url())
    assert f'name="pledged-{first.pk}" value=""' in page.content.decode()
    assert page.context["form"]["on"].value() == date(2025, 4, 30)  # the month's nearest day
    data = _sheet_post({first: ("100", "300"), second: ("150", ""), third: ("", "")})
    response = client.post(_sheet_url(), data)
    assert response.status_code == 302
    assert response["Location"] == f"{_sheet_url()}?done={data['key']}"
    assert JournalEntry.objects.filter(kind__in=[EntryKind.PLEDGE, EntryKind.DEPOSIT]).count() == 3
    assert services.collector_cash(district_treasurer) == D("60") + D("550")  # fees + sheet
    done = client.get(response["Location"])
    summary = done.context["done"]["summary"]
    assert (summary.members, summary.total) == (2, D("550.00"))
    listed = done.content.decode().split("data-receipts")[1].split("</ul>")[0]
    assert sorted(re.findall(r"RC2568/\d{4}", listed)) == sorted(
        receipt.document_number for receipt in summary.receipts
    )
    assert len(summary.receipts) == 3
    rows = {line.row.saver: line.row for line in done.context["lines"]}
    assert (rows[first].paid_pledged, rows[first].paid_deposit) == (D("100"), D("300"))
    assert rows[second].still_due == D("0") and rows[third].still_due == D("50")


def test_a_long_sheet_comes_a_page_of_members_at_a_time(client, district_treasurer, monkeypatch):
    """A district of 2,000 members is forty pages of fifty (three here): each page shows
    and records its own members, in member-number order; a post is read against the
    members it names, even if the pages moved since it was opened."""
    monkeypatch.setattr(money, "SHEET_PAGE", 3)
    savers = [member(district_treasurer, joined=APRIL) for _ in range(7)]
    savers.sort(key=lambda saver: saver.member_number)
    client.force_login(district_treasurer)
    second = client.get(_sheet_url() + "?page=2")
    assert [line.row.saver for line in second.context["lines"]] == savers[3:6]
    page = second.content.decode()
    assert "data-sheet-page" in page and "?page=3" in page and "?page=1" in page
    assert second.context["page"].paginator.count == 7
    data = _sheet_post({savers[3]: ("50", ""), savers[0]: ("50", "")})  # savers[0]: page 1
    response = client.post(_sheet_url() + "?page=2", data)
    assert response.status_code == 302
    assert response["Location"] == f"{_sheet_url()}?page=2&done={data['key']}"
    assert _pledges() == 2
    done = client.get(response["Location"])
    assert done.context["done"]["summary"].members == 2
    refused = client.post(_sheet_url() + "?page=3", _sheet_post({savers[6]: ("abc", "")}))
    assert refused.status_code == 200 and _pledges() == 2
    assert [line.row.saver for line in refused.context["faults"]] == [savers[6]]


def test_the_same_sheet_posted_twice_records_once(client, district_treasurer):
    saver = member(district_treasurer, joined=APRIL)
    client.force_login(district_treasurer)
    data = _sheet_post({saver: ("100", "")})
    client.post(_sheet_url(), data)
    again = client.post(_sheet_url(), data)
    assert again.status_code == 302
    assert "ไม่มีการบันทึกซ้ำ" in _told(again)
    assert _pledges() == 1
    other_values = client.post(_sheet_url(), {**data, f"pledged-{saver.pk}": "200"})
    assert other_values.status_code == 200
    assert other_values.context["form"].non_field_errors()
    assert _pledges() == 1


def test_a_refused_row_names_the_member_and_nothing_is_recorded(client, district_treasurer):
    good = member(district_treasurer, first_name="ดีใจ")
    odd = member(district_treasurer, first_name="ผิดหน่วย")
    small = member(district_treasurer, first_name="ฝากน้อย")
    client.force_login(district_treasurer)
    response = client.post(
        _sheet_url(), _sheet_post({good: ("100", ""), odd: ("75", ""), small: ("", "50")})
    )
    assert response.status_code == 200
    faults = {line.row.saver for line in response.context["faults"]}
    assert faults == {odd, small}
    page = response.content.decode()
    listed = page.split("data-faults")[1].split("</ul>")[0]
    assert "ผิดหน่วย" in listed and "ฝากน้อย" in listed and "ดีใจ" not in listed
    assert "เงินสัจจะต้องเป็นจำนวนเต็มหน่วย" in listed
    assert f'name="pledged-{odd.pk}" value="75"' in page  # what was typed stays
    assert JournalEntry.objects.filter(kind__in=[EntryKind.PLEDGE, EntryKind.DEPOSIT]).count() == 0
    assert not IdempotencyKey.objects.filter(action__startswith="sheet").exists()


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"pledged": "abc"}, "pledged"),
        ({"pledged": "-50"}, "pledged"),
        ({"deposit": "1.005"}, "deposit"),
    ],
)
def test_an_amount_that_is_not_money_is_refused_at_its_row(
    client, district_treasurer, typed, field
):
    saver = member(district_treasurer)
    client.force_login(district_treasurer)
    data = {**_sheet_post({saver: ("", "")}), **{f"{k}-{saver.pk}": v for k, v in typed.items()}}
    response = client.post(_sheet_url(), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"{field}-{saver.pk}"]
    assert [line.row.saver for line in response.context["faults"]] == [saver]
    assert _pledges() == 0


def test_an_empty_sheet_or_a_date_outside_the_month_is_refused(client, district_treasurer):
    saver = member(district_treasurer)
    client.force_login(district_treasurer)
    empty = client.post(_sheet_url(), _sheet_post({saver: ("", "")}))
    assert empty.context["form"].non_field_errors()
    outside = client.post(_sheet_url(), _sheet_post({saver: ("100", "")}, on="05/05/2568"))
    assert outside.context["form"].errors["on"]
    typed_ce = client.post(_sheet_url(), _sheet_post({saver: ("100", "")}, on="20/04/2025"))
    assert "2568" in typed_ce.context["form"].errors["on"][0]
    assert _pledges() == 0


def test_a_closed_month_is_refused_at_the_date_once(client, treasurer, approver):
    saver = member(treasurer)
    other = member(treasurer)
    from savings.models import PeriodClose

    cash = services.balance(services.account(Role.CASH), through=date(2025, 1, 31))
    PeriodClose.objects.create(
        month=date(2025, 1, 1),
        month_end=date(2025, 1, 31),
        cash_counted=cash,
        cash_in_books=cash,
        closed_by=approver,
    )
    client.force_login(treasurer)
    response = client.post(
        _sheet_url(month="2025-01"),
        _sheet_post({saver: ("100", ""), other: ("100", "")}, on="20/01/2568"),
    )
    assert response.status_code == 200
    assert len(response.context["form"].errors["on"]) == 1
    assert "ปิดบัญชีแล้ว" in response.context["form"].errors["on"][0]
    assert _pledges() == 0


def test_amounts_for_someone_no_longer_on_the_sheet_are_refused(client, treasurer):
    saver = member(treasurer)
    stranger = member(treasurer, district=OTHER_DISTRICT)
    client.force_login(treasurer)
    data = {**_sheet_post({saver: ("100", "")}), f"pledged-{stranger.pk}": "100"}
    response = client.post(_sheet_url(), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _pledges() == 0


def test_the_sheet_of_another_district_or_a_bad_month_is_not_found(
    client, treasurer, other_district_treasurer
):
    member(treasurer)
    client.force_login(other_district_treasurer)
    assert client.get(_sheet_url()).status_code == 404
    assert client.post(_sheet_url(), {}).status_code == 404
    assert client.get(_sheet_url(code=OTHER_DISTRICT)).status_code == 200
    for month in ("2025-13", "2568-4", "april"):
        assert client.get(_sheet_url(code=OTHER_DISTRICT, month=month)).status_code == 404


def test_who_may_only_read_cannot_record_a_sheet(client, treasurer, district_member, officer):
    saver = member(treasurer)
    for reader in (district_member, officer):
        client.force_login(reader)
        assert client.post(_sheet_url(), _sheet_post({saver: ("100", "")})).status_code == 403
    assert _pledges() == 0


def test_the_sheet_takes_the_same_queries_for_one_and_for_many_members(client, district_treasurer):
    member(district_treasurer)
    client.force_login(district_treasurer)
    client.get(_sheet_url())  # sessions, policy and chart made once
    with CaptureQueriesContext(connection) as one:
        assert client.get(_sheet_url()).status_code == 200
    for _ in range(9):
        saver = member(district_treasurer)
        services.pledge_pay(saver=saver, amount=D("100"), on=ON, by=district_treasurer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_sheet_url())
    assert len(response.context["lines"]) == 10
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_sheet_exports_open_with_thai_text(client, treasurer, district_member):
    saver = member(treasurer, units=3, joined=APRIL, first_name="บุญมี")
    services.pledge_pay(saver=saver, amount=D("150"), on=ON, by=treasurer)
    client.force_login(district_member)
    response = client.get(_sheet_url(name="savings:sheet_export", fmt="csv"))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["เลขที่สมาชิก", "ชื่อ", "หน่วยสัจจะ"]
    assert "บุญมี" in rows[1][1]
    assert rows[1][2:] == ["3", "150.00", "0.00", "150.00", "150.00", "0.00", "0.00"]
    response = client.get(_sheet_url(name="savings:sheet_export", fmt="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][1] == "ชื่อ"
    assert "บุญมี" in values[1][1] and values[1][3] == 150
    assert client.get(_sheet_url(name="savings:sheet_export", fmt="pdf")).status_code == 404


def test_the_printed_sheet_has_blank_columns_to_fill_in_and_sign(
    client, treasurer, district_member
):
    member(treasurer, first_name="ชื่นใจ")
    client.force_login(district_member)
    page = client.get(_sheet_url(name="savings:sheet_print")).content.decode()
    assert "ชื่นใจ" in page and "ลายมือชื่อ" in page
    assert 'class="document paper-a4"' in page
    assert "<input" not in page.split("<article")[1].split("</article>")[0]


# --- One member's money -------------------------------------------------------------------------


def _money_url(name, saver):
    return reverse(f"savings:{name}", kwargs={"pk": saver.pk})


def test_a_pledge_payment_goes_to_its_receipt(client, district_treasurer):
    saver = member(district_treasurer, units=2, first_name="ประหยัด")
    client.force_login(district_treasurer)
    page = client.get(_money_url("pledge_pay", saver))
    assert page.status_code == 200
    assert page.context["form"]["on"].value() == timezone.localdate()
    response = client.post(
        _money_url("pledge_pay", saver),
        {**page.context["form"].initial, "amount": "100", "on": ON_BE},
    )
    entry = JournalEntry.objects.get(kind=EntryKind.PLEDGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("savings:receipt", kwargs={"pk": entry.pk})
    assert entry.document_number in _told(response)
    receipt = client.get(response["Location"]).content.decode()
    assert entry.document_number in receipt and "ประหยัด" in receipt
    assert "20 เมษายน 2568" in receipt
    assert "หนึ่งร้อยบาทถ้วน" in receipt
    assert "100.00 บาท" in receipt


def test_a_pledge_not_in_whole_units_is_refused_with_a_message(client, district_treasurer):
    saver = member(district_treasurer)
    client.force_login(district_treasurer)
    response = client.post(
        _money_url("pledge_pay", saver), {"key": str(uuid.uuid4()), "amount": "75", "on": ON_BE}
    )
    assert response.status_code == 200
    assert "เงินสัจจะต้องเป็นจำนวนเต็มหน่วย" in response.context["form"].errors["amount"][0]
    assert _pledges() == 0


def test_a_deposit_posted_twice_makes_one_receipt(client, treasurer):
    saver = member(treasurer)
    client.force_login(treasurer)
    data = {"key": str(uuid.uuid4()), "amount": "500", "on": ON_BE}
    first = client.post(_money_url("deposit", saver), data)
    second = client.post(_money_url("deposit", saver), data)
    assert first["Location"] == second["Location"]
    assert JournalEntry.objects.filter(kind=EntryKind.DEPOSIT).count() == 1
    assert SaverAccount.objects.get(saver=saver).deposits == D("500")


def test_a_small_withdrawal_is_paid_with_a_voucher(client, treasurer):
    saver = member(treasurer)
    services.deposit(saver=saver, amount=D("1000"), on=ON, by=treasurer)
    client.force_login(treasurer)
    page = client.get(_money_url("withdraw", saver))
    assert [value for _label, value in page.context["facts"]][2] == "1,000.00 บาท"
    response = client.post(
        _money_url("withdraw", saver), {"key": str(uuid.uuid4()), "amount": "400", "on": ON_BE}
    )
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.status == WithdrawalStatus.PAID
    assert response["Location"] == reverse("savings:voucher", kwargs={"pk": withdrawal.entry_id})
    voucher = client.get(response["Location"]).content.decode()
    assert "ใบสำคัญจ่าย" in voucher and withdrawal.entry.document_number in voucher
    assert "สี่ร้อยบาทถ้วน" in voucher


def test_a_large_withdrawal_waits_and_goes_back_to_the_member(client, treasurer):
    saver = member(treasurer)
    services.deposit(saver=saver, amount=D("9000"), on=ON, by=treasurer)
    client.force_login(treasurer)
    response = client.post(
        _money_url("withdraw", saver), {"key": str(uuid.uuid4()), "amount": "6000", "on": ON_BE}
    )
    assert response["Location"] == reverse("savings:saver_detail", kwargs={"pk": saver.pk})
    assert "ผู้อนุมัติคนที่สอง" in _told(response)
    assert Withdrawal.objects.get().status == WithdrawalStatus.PENDING
    assert SaverAccount.objects.get(saver=saver).held == D("6000")


def test_a_withdrawal_beyond_the_deposits_is_refused(client, treasurer):
    saver = member(treasurer)
    client.force_login(treasurer)
    response = client.post(
        _money_url("withdraw", saver), {"key": str(uuid.uuid4()), "amount": "100", "on": ON_BE}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Withdrawal.objects.exists()


def test_one_members_money_is_for_the_districts_treasurer(
    client, treasurer, district_member, other_district_treasurer, officer
):
    saver = member(treasurer)
    for name in ("pledge_pay", "deposit", "withdraw"):
        client.force_login(other_district_treasurer)
        assert client.get(_money_url(name, saver)).status_code == 404
        for reader in (district_member, officer):
            client.force_login(reader)
            assert client.get(_money_url(name, saver)).status_code == 403
            data = {"key": str(uuid.uuid4()), "amount": "100", "on": ON_BE}
            assert client.post(_money_url(name, saver), data).status_code == 403
    assert _pledges() == 0


# --- Second approval of withdrawals -------------------------------------------------------------


def _pending(treasurer, amount="6000"):
    saver = member(treasurer)
    services.deposit(saver=saver, amount=D("9000"), on=ON, by=treasurer)
    return services.withdraw(saver=saver, amount=D(amount), on=ON, by=treasurer)


def test_the_withdrawals_list_puts_those_waiting_first(client, treasurer, approver):
    saver = member(treasurer)
    services.deposit(saver=saver, amount=D("9000"), on=ON, by=treasurer)
    paid = services.withdraw(saver=saver, amount=D("100"), on=date(2025, 4, 25), by=treasurer)
    waiting = services.withdraw(saver=saver, amount=D("6000"), on=ON, by=treasurer)
    client.force_login(approver)
    response = client.get(reverse("savings:withdrawal_list"))
    assert list(response.context["page"]) == [waiting, paid]
    page = response.content.decode()
    assert reverse("savings:withdrawal_decide", kwargs={"pk": waiting.pk}) in page
    assert paid.entry.document_number in page
    only_paid = client.get(reverse("savings:withdrawal_list"), {"status": "paid"})
    assert list(only_paid.context["page"]) == [paid]


def test_a_district_member_lists_only_their_districts_withdrawals(
    client, treasurer, district_member
):
    own = _pending(treasurer)
    other = member(treasurer, district=OTHER_DISTRICT)
    services.deposit(saver=other, amount=D("900"), on=ON, by=treasurer)
    services.withdraw(saver=other, amount=D("100"), on=ON, by=treasurer)
    client.force_login(district_member)
    response = client.get(reverse("savings:withdrawal_list"))
    assert list(response.context["page"]) == [own]
    assert "savings/withdrawals/" + str(own.pk) not in response.content.decode()  # no decide


def test_the_withdrawals_list_takes_the_same_queries_for_one_and_many(client, treasurer, approver):
    _pending(treasurer)
    client.force_login(approver)
    client.get(reverse("savings:withdrawal_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("savings:withdrawal_list"))
    for _ in range(5):
        saver = member(treasurer)
        services.deposit(saver=saver, amount=D("900"), on=ON, by=treasurer)
        services.withdraw(saver=saver, amount=D("100"), on=ON, by=treasurer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("savings:withdrawal_list"))
    assert len(response.context["page"]) == 6
    assert len(many.captured_queries) == len(one.captured_queries)


def _decide_url(withdrawal):
    return reverse("savings:withdrawal_decide", kwargs={"pk": withdrawal.pk})


def test_a_second_approver_pays_out_a_large_withdrawal(client, treasurer, approver):
    withdrawal = _pending(treasurer)
    client.force_login(approver)
    page = client.get(_decide_url(withdrawal))
    assert page.status_code == 200 and "<form" in page.content.decode()
    data = {
        "key": str(uuid.uuid4()),
        "decision": "approve",
        "decision_note": "",
        "on": "22/04/2568",
    }
    response = client.post(_decide_url(withdrawal), data)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PAID
    assert withdrawal.entry.on == date(2025, 4, 22)
    assert response["Location"] == reverse("savings:voucher", kwargs={"pk": withdrawal.entry_id})
    voucher = client.get(response["Location"]).content.decode()
    assert str(approver) in voucher and "หกพันบาทถ้วน" in voucher
    assert client.post(_decide_url(withdrawal), data).status_code == 302  # the same post again
    assert JournalEntry.objects.filter(kind=EntryKind.WITHDRAWAL).count() == 1


def test_a_refusal_needs_a_reason_and_releases_the_hold(client, treasurer, approver):
    withdrawal = _pending(treasurer)
    client.force_login(approver)
    data = {"key": str(uuid.uuid4()), "decision": "reject", "decision_note": "", "on": ON_BE}
    response = client.post(_decide_url(withdrawal), data)
    assert response.status_code == 200
    assert response.context["form"].errors["decision_note"]
    data = {**data, "key": str(uuid.uuid4()), "decision_note": "ขอดูหลักฐานก่อน"}
    response = client.post(_decide_url(withdrawal), data)
    assert response["Location"] == reverse("savings:withdrawal_list")
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.requested_on) == (WithdrawalStatus.REJECTED, ON)
    assert SaverAccount.objects.get(saver=withdrawal.saver).held == 0


def test_the_recorder_may_not_approve_their_own_withdrawal(client, treasurer, district_member):
    withdrawal = _pending(treasurer)
    client.force_login(treasurer)
    page = client.get(_decide_url(withdrawal))
    assert 'name="decision"' not in page.content.decode()
    data = {"key": str(uuid.uuid4()), "decision": "approve", "decision_note": "", "on": ON_BE}
    response = client.post(_decide_url(withdrawal), data)
    assert response.status_code == 200
    assert "ผู้บันทึก" in " ".join(response.context["form"].non_field_errors())
    assert Withdrawal.objects.get().status == WithdrawalStatus.PENDING
    client.force_login(district_member)
    assert client.get(_decide_url(withdrawal)).status_code == 403


# --- Collectors' cash ---------------------------------------------------------------------------


def test_the_treasurer_records_cash_a_collector_hands_over(client, treasurer, district_treasurer):
    saver = member(district_treasurer)  # the entry fee stays with the collector
    services.pledge_pay(saver=saver, amount=D("100"), on=ON, by=district_treasurer)
    client.force_login(treasurer)
    page = client.get(reverse("savings:handover"))
    assert [(c, c.held) for c in page.context["holding"]] == [(district_treasurer, D("120"))]
    prefilled = client.get(
        reverse("savings:handover"), {"collector": district_treasurer.pk, "amount": "120.00"}
    )
    assert prefilled.context["form"]["amount"].value() == "120.00"
    too_much = client.post(
        reverse("savings:handover"),
        {
            "key": str(uuid.uuid4()),
            "collector": district_treasurer.pk,
            "amount": "200",
            "on": ON_BE,
        },
    )
    assert "120.00" in too_much.context["form"].errors["amount"][0]
    response = client.post(
        reverse("savings:handover"),
        {
            "key": str(uuid.uuid4()),
            "collector": district_treasurer.pk,
            "amount": "120",
            "on": ON_BE,
        },
    )
    assert response.status_code == 302
    assert services.collector_cash(district_treasurer) == 0
    after = client.get(reverse("savings:handover"))
    assert after.context["holding"] == []
    [line] = after.context["page"]
    assert (line.collector, line.credit, line.entry.created_by) == (
        district_treasurer,
        D("120.00"),
        treasurer,
    )


def test_handovers_are_for_the_groups_bookkeeper(client, district_treasurer, approver):
    for user in (district_treasurer, approver):
        client.force_login(user)
        assert client.get(reverse("savings:handover")).status_code == 403
    keeper = UserFactory(officer=True, functions=[Function.SAVINGS_TREASURER])
    client.force_login(keeper)
    assert client.get(reverse("savings:handover")).status_code == 200


def test_the_handovers_take_the_same_queries_for_one_and_many(client, treasurer):
    collectors = [
        UserFactory(district=sa_kaeo_district(OWN_DISTRICT), functions=[Function.SAVINGS_TREASURER])
        for _ in range(4)
    ]
    for collector in collectors:
        saver = member(collector)
        services.pledge_pay(saver=saver, amount=D("100"), on=ON, by=collector)
    services.handover(collector=collectors[0], amount=D("50"), on=ON, by=treasurer)
    client.force_login(treasurer)
    client.get(reverse("savings:handover"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("savings:handover"))
    for collector in collectors[1:]:
        services.handover(collector=collector, amount=D("50"), on=ON, by=treasurer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("savings:handover"))
    assert len(response.context["page"]) == 4 and len(response.context["holding"]) == 4
    assert len(many.captured_queries) == len(one.captured_queries)


# --- Receipts and vouchers ----------------------------------------------------------------------


def _receipt_of(saver, treasurer, amount="100"):
    return services.pledge_pay(saver=saver, amount=D(amount), on=ON, by=treasurer)


def test_a_receipt_is_read_only_within_the_members_district(
    client, treasurer, district_member, other_district_member, officer
):
    entry = _receipt_of(member(treasurer), treasurer)
    url = reverse("savings:receipt", kwargs={"pk": entry.pk})
    client.force_login(other_district_member)
    assert client.get(url).status_code == 404
    for reader in (district_member, officer):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    # a receipt is not a voucher
    assert client.get(reverse("savings:voucher", kwargs={"pk": entry.pk})).status_code == 404


def test_the_groups_own_voucher_is_for_those_who_see_its_books(
    client, treasurer, district_member, district_treasurer, officer
):
    member(treasurer)
    entry = services.expense(
        expense_account=services.account(Role.EXPENSES),
        amount=D("45.50"),
        on=ON,
        by=treasurer,
        memo="ค่าถ่ายเอกสารประชุม",
    )
    url = reverse("savings:voucher", kwargs={"pk": entry.pk})
    # a district's treasurer records for their district only: not the group's books
    for outsider in (district_member, district_treasurer):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    auditor = UserFactory(
        username="auditor",
        district=sa_kaeo_district(OTHER_DISTRICT),
        functions=[Function.AUDIT_COMMITTEE],
    )
    for reader in (officer, auditor):  # the group's committees see its books
        client.force_login(reader)
        page = client.get(url).content.decode()
        assert "ค่าถ่ายเอกสารประชุม" in page and "สี่สิบห้าบาทห้าสิบสตางค์" in page


def test_a_reversed_receipt_says_it_is_cancelled(client, treasurer, approver):
    entry = _receipt_of(member(treasurer), treasurer)
    reversal = services.reverse(
        entry=entry, on=date(2025, 4, 21), reason="บันทึกผิดคน", by=treasurer, approved_by=approver
    )
    client.force_login(treasurer)
    page = client.get(reverse("savings:receipt", kwargs={"pk": entry.pk})).content.decode()
    cancelled = page.split("data-cancelled")[1].split("</div>")[0]
    assert reversal.number in cancelled and "บันทึกผิดคน" in cancelled
    assert "reversed-entry" in page


def test_a_receipt_prints_on_a4_or_a5(client, treasurer):
    entry = _receipt_of(member(treasurer), treasurer)
    client.force_login(treasurer)
    url = reverse("savings:receipt", kwargs={"pk": entry.pk})
    assert 'class="document paper-a4"' in client.get(url).content.decode()
    assert 'class="document paper-a5"' in client.get(url, {"paper": "a5"}).content.decode()


def test_no_money_page_has_inline_script_or_style(client, treasurer):
    saver = member(treasurer)
    entry = _receipt_of(saver, treasurer)
    withdrawal = _pending(treasurer)
    client.force_login(treasurer)
    urls = [
        reverse("savings:sheet"),
        _sheet_url(),
        _sheet_url(name="savings:sheet_print"),
        _money_url("pledge_pay", saver),
        _money_url("deposit", saver),
        _money_url("withdraw", saver),
        reverse("savings:withdrawal_list"),
        _decide_url(withdrawal),
        reverse("savings:handover"),
        reverse("savings:receipt", kwargs={"pk": entry.pk}),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url


# --- One-time keys of a whole sheet --------------------------------------------------------------


def test_a_key_remembers_every_entry_a_sheet_recorded(treasurer):
    savers = [member(treasurer) for _ in range(3)]
    key = uuid.uuid4()

    def record():
        return [services.pledge_pay(saver=s, amount=D("100"), on=ON, by=treasurer) for s in savers]

    first, created = services.once(
        key=key, action="sheet", payload={"n": 3}, by=treasurer, run=record
    )
    again, created_again = services.once(
        key=key, action="sheet", payload={"n": 3}, by=treasurer, run=record
    )
    assert created and not created_again
    assert again == first and len(again) == 3
    assert recorded(key=key, action="sheet", by=treasurer) == first
    assert recorded(key=key, action="sheet", by=UserFactory(staff=True)) is None
    assert recorded(key=key, action="deposit", by=treasurer) is None
    assert _pledges() == 3


def test_a_sheet_row_refused_twice_names_both_amounts(treasurer):
    from savings.services.collection import SheetRefused, sheet_record

    saver = member(treasurer)
    with pytest.raises(SheetRefused) as refused:
        sheet_record(rows={saver: (D("75"), D("50"))}, on=ON, by=treasurer)
    assert set(refused.value.parts[saver]) == {"pledged", "deposit"}
    assert len(refused.value.errors[saver]) == 2
    assert _pledges() == 0


def test_a_voucher_nets_what_was_offset_against_the_payment(treasurer):
    from savings.models import Document
    from savings.selectors_money import document_lines, printed_document

    saver = member(treasurer)
    services.pledge_pay(saver=saver, amount=D("500"), on=ON, by=treasurer)
    services.deposit(saver=saver, amount=D("300"), on=ON, by=treasurer)
    entry = services.post(
        on=ON,
        kind=EntryKind.SETTLEMENT,
        lines=[
            services.dr(services.account(Role.PLEDGED), D("500"), saver=saver),
            services.dr(services.account(Role.DEPOSITS), D("300"), saver=saver),
            services.cr(services.account(Role.FEES), D("100"), saver=saver),
            services.cr(services.account(Role.CASH), D("700")),
        ],
        by=treasurer,
        document=Document.VOUCHER,
    )
    printed = printed_document(entry, document_lines(entry))
    assert printed.saver == saver
    assert sorted(item.amount for item in printed.items) == [D("-100"), D("300"), D("500")]
    assert printed.total == D("700")
