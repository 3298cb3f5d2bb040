"""The group's books pages as the treasurer, the committee and readers use them: the
journal, the group's own income, expenses and transfers, corrections approved by a
second person, closing months, deposit interest, the year end and the policy."""

import re
import uuid
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.messages import get_messages
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from savings import services
from savings.models import (
    Account,
    AllocationLine,
    AllocationRun,
    EntryKind,
    JournalEntry,
    LoanType,
    PeriodClose,
    ReversalRequest,
    ReversalStatus,
    Role,
    RunStatus,
    SaverAccount,
)
from savings.services import closing, loans, yearend
from savings.services.interest import deposit_interest_post
from tests.savings.conftest import JOINED, member

pytestmark = pytest.mark.django_db
D = Decimal
YEAR_END = date(2025, 12, 31)


def _be(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _today() -> date:
    return timezone.localdate()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _queries(client, url) -> int:
    client.get(url)  # warm caches (the chart's accounts, the session)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _cash() -> Account:
    return services.account(Role.CASH)


def _bank() -> Account:
    return Account.objects.get(is_bank=True)


def _deposit(treasurer, saver, amount="500", on=JOINED):
    return services.deposit(saver=saver, amount=D(amount), on=on, by=treasurer)


def _close_through(last_month: date, by):
    month = services.next_month_to_close()
    while month <= last_month:
        services.month_close(
            month=month, cash_counted=closing.cash_in_books(closing.month_end(month)), by=by
        )
        month += relativedelta(months=1)


# --- The journal ------------------------------------------------------------------------------


def test_the_journal_lists_entries_newest_first_with_their_lines(client, officer, treasurer, saver):
    deposit = _deposit(treasurer, saver, on=JOINED + relativedelta(days=5))
    client.force_login(officer)
    response = client.get(reverse("savings:journal"))
    assert response.status_code == 200
    entries = list(response.context["page"])
    assert entries[0] == deposit
    assert [e.kind for e in entries] == [EntryKind.DEPOSIT, EntryKind.ENTRY_FEE]
    page = response.content.decode()
    assert deposit.document_number in page
    assert str(services.account(Role.DEPOSITS)) in page
    assert "500.00 บาท" in page


def test_the_journal_filters_by_month_kind_and_number(client, treasurer, saver):
    deposit = _deposit(treasurer, saver, on=date(2025, 2, 3))
    pledge = services.pledge_pay(saver=saver, amount=D("100"), on=date(2025, 3, 3), by=treasurer)
    client.force_login(treasurer)
    url = reverse("savings:journal")

    def found(**query):
        return list(client.get(url, query).context["page"])

    assert found(kind=EntryKind.DEPOSIT) == [deposit]
    assert found(month="2025-03") == [pledge]
    assert found(number=deposit.document_number) == [deposit]
    assert found(number=pledge.number) == [pledge]


def test_the_journal_pages_by_date_newest_first_and_the_last_page_is_the_oldest(
    client, treasurer, saver, monkeypatch
):
    """Read by its key (date, id), not by page number: first, next, previous and last
    pages, entries of one date kept in their order across a page break."""
    from otop_portal.lib import keyset
    from savings.views import books

    monkeypatch.setattr(books, "PAGE_SIZE", 4)
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 6)
    days = [date(2025, 2, 3)] * 3 + [date(2025, 2, 10)] * 3 + [date(2025, 3, 3)] * 4
    for day in days:
        _deposit(treasurer, saver, amount="100", on=day)
    newest_first = list(JournalEntry.objects.order_by("-on", "-pk"))
    assert len(newest_first) >= 10
    client.force_login(treasurer)
    url = reverse("savings:journal")
    first = client.get(url)
    assert list(first.context["page"]) == newest_first[:4]
    text = first.content.decode()
    assert "มากกว่า 6 รายการ" in text or "More than 6 entries" in text
    second = client.get(url, {"after": first.context["page"].next_cursor})
    assert list(second.context["page"]) == newest_first[4:8]
    back = client.get(url, {"before": second.context["page"].previous_cursor})
    assert list(back.context["page"]) == newest_first[:4]
    last = client.get(url, {"last": "1"})
    assert list(last.context["page"]) == newest_first[-4:]
    assert last.context["page"].last and not last.context["page"].first
    made_up = client.get(url, {"after": "not-a-cursor"})
    assert list(made_up.context["page"]) == newest_first[:4]


def test_an_entry_of_many_lines_shows_its_first_lines_and_links_to_the_rest(
    client, treasurer, monkeypatch
):
    from savings import selectors_books
    from savings.services.ledger import Line, account

    monkeypatch.setattr(selectors_books, "JOURNAL_LINES_SHOWN", 3)
    small = _deposit(treasurer, member(treasurer))  # two lines: all shown
    big = services.ledger.post(
        kind=EntryKind.OPENING,
        on=_today(),
        memo="ยอดยกมา",
        lines=[Line(account(Role.CASH), debit=D("400"))]
        + [Line(account(Role.PLEDGED), credit=D("100"), saver=member(treasurer)) for _ in range(4)],
        by=treasurer,
    )
    client.force_login(treasurer)
    page = client.get(reverse("savings:journal"))
    entries = {entry.pk: entry for entry in page.context["page"]}
    assert len(entries[big.pk].lines_shown) == 3 and entries[big.pk].line_count == 5
    assert len(entries[small.pk].lines_shown) == 2
    text = page.content.decode()
    detail = reverse("savings:entry_detail", args=[big.pk])
    assert text.count(f'href="{detail}"') == 2  # its number, and "see all 5 lines"
    assert "5" in text and ("ดูทั้ง 5 บรรทัด" in text or "See all 5 lines" in text)
    assert text.count(f'href="{reverse("savings:entry_detail", args=[small.pk])}"') == 1
    full = client.get(detail)
    assert len(full.context["entry"].lines.all()) == 5


def test_reversed_entries_and_reversals_are_struck_through_and_linked(
    client, treasurer, approver, saver
):
    entry = _deposit(treasurer, saver)
    reversal = services.reverse(
        entry=entry, on=_today(), reason="บันทึกผิดคน", by=treasurer, approved_by=approver
    )
    client.force_login(approver)
    page = client.get(reverse("savings:journal")).content.decode()
    for made in (entry, reversal):
        assert f'<tbody class="reversed-entry" id="entry-{made.pk}">' in page
    assert reverse("savings:entry_detail", args=[reversal.pk]) in page
    assert reverse("savings:entry_detail", args=[entry.pk]) in page
    detail = client.get(reverse("savings:entry_detail", args=[entry.pk])).content.decode()
    assert reversal.number in detail and "reversed-entry" in detail


def test_the_journal_takes_the_same_queries_for_one_entry_or_many(client, treasurer):
    member(treasurer)
    client.force_login(treasurer)
    url = reverse("savings:journal")
    one = _queries(client, url)
    for _ in range(6):
        saver = member(treasurer)
        _deposit(treasurer, saver)
        services.pledge_pay(saver=saver, amount=D("100"), on=JOINED, by=treasurer)
    assert JournalEntry.objects.count() > 1 + 6 * 2
    assert _queries(client, url) == one


def _lines_csv(client, **query) -> list[list[str]]:
    import csv
    import io

    response = client.get(reverse("savings:journal_export", args=["csv"]), query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_journal_lines_download_has_every_line_of_the_entries_found(
    client, officer, treasurer, saver
):
    deposit = _deposit(treasurer, saver, on=date(2025, 2, 3))
    services.pledge_pay(saver=saver, amount=D("100"), on=date(2025, 3, 3), by=treasurer)
    client.force_login(officer)
    page = client.get(reverse("savings:journal")).content.decode()
    assert reverse("savings:journal_export", args=["csv"]) in page
    header, *rows = _lines_csv(client)
    assert header[:3] == ["วันที่", "เลขที่รายการบัญชี", "เลขที่เอกสาร"]
    assert len(rows) == JournalEntry.objects.aggregate(n=models.Count("lines"))["n"]
    in_february = _lines_csv(client, month="2025-02")[1:]
    assert {row[1] for row in in_february} == {deposit.number}
    debit, credit = in_february
    assert debit[0] == "03/02/2568"
    assert (debit[9], credit[10]) == ("500.00", "500.00")
    assert saver.person.full_name in {debit[7], credit[7]}
    assert str(saver.member_number) in {debit[6], credit[6]}
    workbook = client.get(reverse("savings:journal_export", args=["xlsx"]), {"month": "2025-02"})
    assert workbook.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.max_row == 1 + 2


def test_an_entry_page_shows_its_lines_and_offers_a_reversal_to_the_committee(
    client, treasurer, approver, officer, saver
):
    entry = _deposit(treasurer, saver)
    url = reverse("savings:entry_detail", args=[entry.pk])
    client.force_login(approver)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["may_ask"]
    page = response.content.decode()
    assert reverse("savings:receipt", args=[entry.pk]) in page
    assert reverse("savings:reversal_request", args=[entry.pk]) in page
    assert reverse("savings:saver_detail", args=[saver.pk]) in page
    client.force_login(officer)  # reads the books, approves nothing
    assert not client.get(url).context["may_ask"]


# --- The group's own money --------------------------------------------------------------------


def _expense_form(**changes) -> dict:
    data = {
        "key": str(uuid.uuid4()),
        "expense_account": Account.objects.get(code="5202").pk,
        "payee": "ร้านสระแก้วการพิมพ์",
        "memo": "แบบพิมพ์ใบเสร็จรับเงิน",
        "amount": "350.00",
        "on": _be(_today()),
        "paid_with": _cash().pk,
    }
    return {**data, **changes}


def test_an_expense_is_recorded_once_and_leads_to_its_payment_voucher(client, treasurer, saver):
    _deposit(treasurer, saver, "1000")
    client.force_login(treasurer)
    assert client.get(reverse("savings:expense")).status_code == 200
    data = _expense_form()
    response = client.post(reverse("savings:expense"), data)
    entry = JournalEntry.objects.get(kind=EntryKind.EXPENSE)
    assert response["Location"] == reverse("savings:voucher", args=[entry.pk])
    assert entry.document_number.startswith("PV")
    assert "ร้านสระแก้วการพิมพ์" in entry.memo and "แบบพิมพ์ใบเสร็จรับเงิน" in entry.memo
    assert services.balance(Account.objects.get(code="5202")) == D("350.00")
    again = client.post(reverse("savings:expense"), data)  # a double click
    assert again["Location"] == response["Location"]
    assert JournalEntry.objects.filter(kind=EntryKind.EXPENSE).count() == 1
    assert any("ไม่มีการบันทึกซ้ำ" in text for text in _messages(again))


def test_a_refused_expense_says_why_and_records_nothing(client, treasurer, approver, saver):
    _close_through(date(2025, 1, 1), approver)
    client.force_login(treasurer)
    response = client.post(reverse("savings:expense"), _expense_form(on=_be(date(2025, 1, 20))))
    assert response.status_code == 200
    assert "ปิดบัญชีแล้ว" in " ".join(response.context["form"].errors["on"])
    response = client.post(reverse("savings:expense"), _expense_form(amount="0"))
    assert "amount" in response.context["form"].errors
    assert not JournalEntry.objects.filter(kind=EntryKind.EXPENSE).exists()


def test_other_income_is_recorded_with_a_receipt(client, treasurer):
    client.force_login(treasurer)
    data = {
        "key": str(uuid.uuid4()),
        "income_account": services.account(Role.OTHER_INCOME).pk,
        "payer": "ธนาคารเพื่อการเกษตรฯ",
        "memo": "ดอกเบี้ยเงินฝากธนาคาร",
        "amount": "123.45",
        "on": _be(_today()),
        "paid_into": _bank().pk,
    }
    response = client.post(reverse("savings:income"), data)
    entry = JournalEntry.objects.get(kind=EntryKind.INCOME)
    assert response["Location"] == reverse("savings:receipt", args=[entry.pk])
    assert entry.document_number.startswith("RC")
    assert services.balance(_bank()) == D("123.45")
    # the member's own income (interest, fines, fees) is not offered here
    response = client.post(
        reverse("savings:income"),
        {**data, "key": str(uuid.uuid4()), "income_account": services.account(Role.FEES).pk},
    )
    assert "income_account" in response.context["form"].errors


def test_a_transfer_moves_cash_to_the_bank_and_refuses_more_than_the_box_holds(
    client, treasurer, saver
):
    _deposit(treasurer, saver, "1000")  # the cash box: 20 entry fee + 1,000
    client.force_login(treasurer)

    def send(amount):
        return client.post(
            reverse("savings:transfer"),
            {
                "key": str(uuid.uuid4()),
                "source": _cash().pk,
                "target": _bank().pk,
                "amount": amount,
                "on": _be(_today()),
                "memo": "นำฝากธนาคาร",
            },
        )

    response = send("800.00")
    entry = JournalEntry.objects.get(kind=EntryKind.TRANSFER)
    assert response["Location"] == reverse("savings:entry_detail", args=[entry.pk])
    assert (services.balance(_cash()), services.balance(_bank())) == (D("220.00"), D("800.00"))
    response = send("500.00")
    assert response.status_code == 200
    assert "220.00" in " ".join(response.context["form"].errors["amount"])
    assert JournalEntry.objects.filter(kind=EntryKind.TRANSFER).count() == 1


def test_only_those_who_keep_the_books_record_the_groups_money(
    client, approver, district_treasurer
):
    for user in (approver, district_treasurer):
        client.force_login(user)
        for name in ("savings:expense", "savings:income", "savings:transfer", "savings:interest"):
            assert client.get(reverse(name)).status_code == 403
            assert client.post(reverse(name), {}).status_code == 403


# --- Corrections ------------------------------------------------------------------------------


def test_a_reversal_is_asked_by_one_member_and_approved_by_another(
    client, treasurer, approver, saver
):
    entry = _deposit(treasurer, saver)
    client.force_login(approver)
    url = reverse("savings:reversal_request", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "บันทึกเงินฝากผิดคน"})
    assert response["Location"] == reverse("savings:reversal_list")
    asked = ReversalRequest.objects.get()
    assert (asked.status, asked.requested_by) == (ReversalStatus.PENDING, approver)

    decide = reverse("savings:reversal_decide", args=[asked.pk])
    page = client.get(decide)
    assert page.context["own"] and 'name="decision"' not in page.content.decode()
    decision = {"key": str(uuid.uuid4()), "decision": "approve", "on": _be(_today())}
    response = client.post(decide, decision)  # the one who asked cannot approve
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ReversalRequest.objects.get().status == ReversalStatus.PENDING

    client.force_login(treasurer)
    response = client.post(decide, {**decision, "key": str(uuid.uuid4())})
    assert response["Location"] == reverse("savings:entry_detail", args=[entry.pk])
    asked.refresh_from_db()
    assert asked.status == ReversalStatus.DONE
    assert (asked.reversal.reversal_of, asked.reversal.on) == (entry, _today())
    assert SaverAccount.objects.get(saver=saver).deposits == 0


def test_refusing_a_reversal_needs_a_note_and_posts_nothing(client, treasurer, approver, saver):
    entry = _deposit(treasurer, saver)
    asked = services.reversal_request(entry=entry, reason="ซ้ำ", by=approver)
    client.force_login(treasurer)
    decide = reverse("savings:reversal_decide", args=[asked.pk])
    refusal = {"key": str(uuid.uuid4()), "decision": "refuse", "on": _be(_today())}
    response = client.post(decide, refusal)
    assert "decision_note" in response.context["form"].errors
    response = client.post(
        decide, {**refusal, "key": str(uuid.uuid4()), "decision_note": "ถูกต้องแล้ว"}
    )
    assert response.status_code == 302
    assert ReversalRequest.objects.get().status == ReversalStatus.REFUSED
    assert not JournalEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_an_entry_that_cannot_be_reversed_says_why(client, treasurer, approver, saver):
    entry = _deposit(treasurer, saver)
    reversal = services.reverse(
        entry=entry, on=_today(), reason="ผิด", by=treasurer, approved_by=approver
    )
    client.force_login(approver)
    for made in (entry, reversal):
        url = reverse("savings:reversal_request", args=[made.pk])
        response = client.get(url)
        assert response.context["why_not"]
        assert response.context["why_not"] in response.content.decode()
        assert client.post(url, {"reason": "อีกครั้ง"}).status_code == 200
    assert not ReversalRequest.objects.exists()


def test_the_corrections_list_takes_the_same_queries_for_one_request_or_many(
    client, treasurer, approver
):
    client.force_login(approver)
    url = reverse("savings:reversal_list")
    services.reversal_request(entry=_deposit(treasurer, member(treasurer)), reason="1", by=approver)
    one = _queries(client, url)
    for n in range(5):
        entry = _deposit(treasurer, member(treasurer))
        asked = services.reversal_request(entry=entry, reason=str(n), by=approver)
        if n % 2:
            services.reversal_decide(request=asked, approve=True, by=treasurer)
    assert _queries(client, url) == one
    waiting = list(client.get(url).context["page"])
    assert [r.status for r in waiting][:4] == [ReversalStatus.PENDING] * 4


# --- Closing a month --------------------------------------------------------------------------


def test_the_audit_committee_closes_a_month_when_the_cash_counted_agrees(client, approver, saver):
    client.force_login(approver)
    url = reverse("savings:month_close")
    state = client.get(url).context["state"]
    assert (state.month, state.cash_in_books, state.mismatches) == (date(2025, 1, 1), D("20"), [])
    form = {"key": str(uuid.uuid4()), "month": "2025-01-01", "cash_counted": "19.00"}
    response = client.post(url, form)
    assert "cash_counted" in response.context["form"].errors
    assert not PeriodClose.objects.exists()
    response = client.post(url, {**form, "key": str(uuid.uuid4()), "cash_counted": "20.00"})
    assert response["Location"] == url
    closed = PeriodClose.objects.get()
    assert (closed.month, closed.closed_by) == (date(2025, 1, 1), approver)
    response = client.get(url)
    assert response.context["state"].month == date(2025, 2, 1)
    assert list(response.context["page"]) == [closed]


def test_books_that_do_not_reconcile_are_named_in_words_and_the_month_stays_open(
    client, approver, treasurer, saver
):
    _deposit(treasurer, saver)
    with connection.cursor() as cursor:  # a hand edit behind the ledger's back
        cursor.execute(
            "UPDATE savings_saveraccount SET deposits = deposits + 1 WHERE saver_id = %s",
            [saver.pk],
        )
    client.force_login(approver)
    url = reverse("savings:month_close")
    response = client.get(url)
    sentences = [m.in_words for m in response.context["state"].mismatches]
    assert any(f"สมาชิกเลขที่ {saver.member_number}:" in sentence for sentence in sentences)
    page = response.content.decode()
    assert all(escape(sentence) in page for sentence in sentences)
    response = client.post(
        url, {"key": str(uuid.uuid4()), "month": "2025-01-01", "cash_counted": "520.00"}
    )
    assert response.context["form"].non_field_errors()
    assert not PeriodClose.objects.exists()
    with connection.cursor() as cursor:  # put it right for the teardown's own check
        cursor.execute(
            "UPDATE savings_saveraccount SET deposits = deposits - 1 WHERE saver_id = %s",
            [saver.pk],
        )


def test_the_closed_months_take_the_same_queries_for_one_month_or_many(client, approver, saver):
    client.force_login(approver)
    url = reverse("savings:month_close")
    _close_through(date(2025, 1, 1), approver)
    one = _queries(client, url)
    _close_through(date(2025, 6, 1), approver)
    assert _queries(client, url) == one
    assert len(client.get(url).context["page"]) == 6


def test_readers_see_the_month_to_close_but_cannot_close_it(client, officer, saver):
    client.force_login(officer)
    response = client.get(reverse("savings:month_close"))
    assert not response.context["may_close"]
    assert 'name="cash_counted"' not in response.content.decode()
    assert client.post(reverse("savings:month_close"), {}).status_code == 403


# --- Deposit interest -------------------------------------------------------------------------


def test_deposit_interest_is_previewed_and_credited_once(client, treasurer, saver):
    _deposit(treasurer, saver, "10000", on=JOINED)
    _deposit(treasurer, saver, "5000", on=date(2025, 4, 1))
    client.force_login(treasurer)
    url = reverse("savings:interest")
    response = client.get(url, {"period_end": "2025-06-30"})
    assert [(row.saver, row.amount) for row in response.context["rows"]] == [(saver, D("29.79"))]
    assert response.context["total"] == D("29.79")
    data = {"key": str(uuid.uuid4()), "period_end": "2025-06-30"}
    response = client.post(url, data)
    entry = JournalEntry.objects.get(kind=EntryKind.DEPOSIT_INTEREST)
    assert response["Location"] == reverse("savings:entry_detail", args=[entry.pk])
    assert SaverAccount.objects.get(saver=saver).deposits == D("15029.79")
    assert client.post(url, data)["Location"] == response["Location"]  # a double click
    response = client.post(url, {**data, "key": str(uuid.uuid4())})
    assert response.context["form"].non_field_errors()
    assert JournalEntry.objects.filter(kind=EntryKind.DEPOSIT_INTEREST).count() == 1
    # a deposit dated into the half-year afterwards does not change what was credited
    _deposit(treasurer, saver, "5000", on=date(2025, 6, 1))
    response = client.get(url, {"period_end": "2025-06-30"})
    assert response.context["posted"] == entry
    assert [(row.saver, row.amount) for row in response.context["rows"]] == [(saver, D("29.79"))]


def test_the_interest_preview_takes_the_same_queries_for_one_depositor_or_many(
    client, treasurer, saver
):
    _deposit(treasurer, saver, "1000")
    client.force_login(treasurer)
    url = reverse("savings:interest") + "?period_end=2025-06-30"
    one = _queries(client, url)
    for _ in range(4):
        _deposit(treasurer, member(treasurer), "2000")
    assert _queries(client, url) == one
    assert len(client.get(url).context["rows"]) == 5


def test_interest_for_a_half_year_not_yet_ended_is_refused(treasurer, saver, english):
    from django.core.exceptions import ValidationError

    _deposit(treasurer, saver)
    with pytest.raises(ValidationError, match="has not ended"):
        deposit_interest_post(period_end=date(_today().year + 1, 6, 30), by=treasurer)


# --- The year end -----------------------------------------------------------------------------


@pytest.fixture
def closed_year(treasurer, approver):
    """Three members saving 200 a month through 2025; two of them borrowed 1,000 in
    September and repaid it all in October, one ten days late; a grant of 20,000; every
    month of 2025 closed."""
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("20000"),
        on=date(2025, 1, 5),
        by=treasurer,
        memo="เงินอุดหนุน",
    )
    late, on_time, saver = (member(treasurer, units=4, joined=date(2025, 1, 5)) for _ in "abc")
    for month in range(12):
        for one in (late, on_time, saver):
            on = date(2025, 1, 10) + relativedelta(months=month)
            services.pledge_pay(saver=one, amount=D("200"), on=on, by=treasurer)
    ordinary = LoanType.objects.get(code="ordinary")
    for borrower, paid_on in ((late, date(2025, 10, 30)), (on_time, date(2025, 10, 20))):
        loan = loans.loan_apply(
            saver=borrower,
            loan_type=ordinary,
            amount=D("1000"),
            term_months=10,
            purpose="ซื้อวัตถุดิบ",
            guarantors=[],
            applied_on=date(2025, 9, 15),
            by=treasurer,
        )
        loans.loan_decide(loan=loan, approve=True, by=approver, meeting_number="9/2568")
        loan = loans.loan_disburse(
            loan=loan, on=date(2025, 9, 20), first_due_on=date(2025, 10, 20), by=treasurer
        )
        payoff = loans.loan_state(loan, paid_on).payoff
        loans.loan_repay(loan=loan, amount=payoff, on=paid_on, by=treasurer)
    _close_through(date(2025, 12, 1), approver)
    return late, on_time, saver


def test_the_year_is_allocated_approved_by_the_meeting_and_posted(
    client, treasurer, approver, closed_year
):
    late, on_time, saver = closed_year
    client.force_login(treasurer)
    years = client.get(reverse("savings:year_list")).context["years"]
    year = next(y for y in years if y.end == YEAR_END)
    assert (year.closed, year.run, year.status) == (True, None, "ready")

    response = client.post(reverse("savings:allocation_new"), {"year_end": "2025-12-31"})
    run = AllocationRun.objects.get()
    detail = reverse("savings:allocation_detail", args=[run.pk])
    assert response["Location"] == detail and run.status == RunStatus.DRAFT
    sheet = client.get(detail).context["sheet"]
    assert sheet.parts_total == run.net_profit > 0
    assert (sheet.totals["dividend"], sheet.totals["refund"]) == (run.dividend, run.refund)
    rows = {row.line.saver: row for row in sheet.lines}
    assert rows[late].late and rows[late].line.refund == 0 and rows[late].line.interest_paid > 0
    assert not rows[on_time].late and rows[on_time].line.refund == run.refund > 0
    assert not rows[saver].late

    approval = {"meeting_number": "1/2569", "on": _be(date(2026, 1, 20))}
    response = client.post(reverse("savings:allocation_approve", args=[run.pk]), approval)
    assert response.status_code == 200  # who prepared it does not record its approval
    assert response.context["approve_form"].non_field_errors()
    client.force_login(approver)
    response = client.post(reverse("savings:allocation_approve", args=[run.pk]), approval)
    assert response["Location"] == detail
    run.refresh_from_db()
    assert (run.status, run.meeting_number, run.approved_by) == (
        RunStatus.APPROVED,
        "1/2569",
        approver,
    )
    posting = {"key": str(uuid.uuid4()), "on": _be(_today())}
    assert (
        client.post(reverse("savings:allocation_post", args=[run.pk]), posting).status_code == 403
    )

    client.force_login(treasurer)
    response = client.post(reverse("savings:allocation_post", args=[run.pk]), posting)
    assert response["Location"] == detail
    run.refresh_from_db()
    assert run.status == RunStatus.POSTED and run.entry.kind == EntryKind.ALLOCATION
    share = run.lines.get(saver=on_time)
    assert SaverAccount.objects.get(saver=on_time).deposits == share.dividend + share.refund
    page = client.get(detail)
    assert page.context["approve_form"] is None and page.context["post_form"] is None
    assert "ไม่ได้รับเงินเฉลี่ยคืน" in page.content.decode()


def test_a_year_not_yet_closed_is_not_allocated(client, treasurer, saver):
    client.force_login(treasurer)
    response = client.post(reverse("savings:allocation_new"), {"year_end": "2025-12-31"})
    assert response["Location"] == reverse("savings:year_list")
    assert _messages(response) and not AllocationRun.objects.exists()
    years = client.get(reverse("savings:year_list")).context["years"]
    assert [(y.end, y.status) for y in years][-1] == (YEAR_END, "open")


def test_the_years_take_the_same_queries_for_one_year_or_many(client, treasurer, officer):
    member(treasurer, joined=date(2026, 1, 5))
    client.force_login(officer)
    url = reverse("savings:year_list")
    one = _queries(client, url)
    assert len(client.get(url).context["years"]) == 1
    member(treasurer, joined=date(2024, 3, 1))  # the first policy is in effect from 2567
    assert _queries(client, url) == one
    years = client.get(url).context["years"]
    assert [y.end for y in years] == [date(2026, 12, 31), YEAR_END, date(2024, 12, 31)]


def test_the_allocation_sheet_exports_to_csv_and_excel_in_thai(
    client, officer, treasurer, closed_year
):
    late, _on_time, _saver = closed_year
    run = yearend.allocation_preview(year_end=YEAR_END, by=treasurer)
    client.force_login(officer)
    csv = client.get(reverse("savings:allocation_export", args=[run.pk, "csv"]))
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header.startswith("เลขที่สมาชิก") and len(rows) == 3
    assert late.person.full_name in text and "ไม่ได้รับเงินเฉลี่ยคืน" in text

    from openpyxl import load_workbook

    xlsx = client.get(reverse("savings:allocation_export", args=[run.pk, "xlsx"]))
    sheet = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "เลขที่สมาชิก" and len(values) == 4
    dividends = sum(D(str(row[4])) for row in values[1:])
    assert dividends == run.dividend


def _draft_run(treasurer, savers) -> AllocationRun:
    zero = D("0.00")
    run = AllocationRun.objects.create(
        year_start=date(2025, 1, 1),
        year_end=YEAR_END,
        policy=services.policy_on(YEAR_END),
        net_profit=D("100.00"),
        dividend=D("60.00"),
        refund=D("10.00"),
        reserve=D("10.00"),
        welfare=D("10.00"),
        committee=D("5.00"),
        network=D("5.00"),
        prepared_by=treasurer,
    )
    for saver in savers:
        AllocationLine.objects.create(
            run=run,
            saver=saver,
            unit_months=D("24"),
            dividend=D("1.00"),
            interest_paid=zero,
            refund=zero,
        )
    return run


def test_the_allocation_sheet_takes_the_same_queries_for_one_member_or_many(
    client, treasurer, officer
):
    client.force_login(officer)
    one = _draft_run(treasurer, [member(treasurer)])
    count = _queries(client, reverse("savings:allocation_detail", args=[one.pk]))
    AllocationRun.objects.all().delete()
    many = _draft_run(treasurer, [member(treasurer) for _ in range(6)])
    assert _queries(client, reverse("savings:allocation_detail", args=[many.pk])) == count
    page = client.get(reverse("savings:allocation_detail", args=[many.pk])).content.decode()
    assert 'class="document paper-a4"' in page


# --- The policy -------------------------------------------------------------------------------


def test_the_policy_page_shows_the_rules_in_force_and_the_legal_cap(client, district_member, staff):
    client.force_login(district_member)
    response = client.get(reverse("savings:policy"))
    page = response.content.decode()
    assert response.context["current"].version == 1
    assert "เงินกู้สามัญเพื่อการผลิต" in page and "เงินกู้ฉุกเฉิน" in page
    assert re.search(r"ร้อยละ 15 ต่อปี \(ร้อยละ 1\.25 ต่อเดือน\)", page)
    assert "50.00 บาท" in page  # the value of a unit
    admin = reverse("admin:savings_grouppolicy_changelist")
    assert admin not in page
    client.force_login(staff)
    assert admin in client.get(reverse("savings:policy")).content.decode()
