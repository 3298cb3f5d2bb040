"""The group's reports, figure by figure, on a small history posted through the
services and computed by hand:

- 10 Jan 2568: five members admitted (fees 5 × 20): A (2701, woman, 2 units),
  B (2701, man, 4 units), C (2701, title นาง, sex not recorded, 4 units), E (2706, man,
  4 units), F (2706, woman, 1 unit); a grant of 30,000 (other income).
- Pledges paid on the 10th, January to August: A 100, B 200, C 200, E 200 a month;
  F 50 a month January to March (5,750 in all).
- 5 Aug 2568: D admitted (2706, นางสาว; fee 20), pledges 100 and deposits 1,000.
- 20 Sep 2568: loans paid out, first instalments due 20 Oct, 12 months, 1 % a month:
  A 2,400 (guarantors B and C), E 1,200.
- A pays 224 on 20 Oct (interest 24, principal 200), then nothing: the instalments of
  20 Nov and 20 Dec are late (fined 20 each after 7 days' grace).
- E pays on time: 112 (20 Oct), 111 (20 Nov), 110 (20 Dec): interest 12, 11, 10.
- 10 Oct: D withdraws 300. 1 Nov: 20,000 from the cash box to the bank.
- 15 Nov: F resigns and is paid her 150 of pledged savings.
- 5 Dec: 350 of stationery and forms.

At the end of 31 Dec 2568: cash 13,127, bank 20,000, loans 3,100 (A 2,200, E 900);
deposits 700, pledged savings 5,700; income 30,177 (fees 120, grant 30,000, interest
57), expenses 350, net profit 29,827.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta

from members.models import Sex, Title
from savings import reports, services
from savings.models import Account, LoanType, Role, SaverStatus
from savings.services import leaving
from savings.services import loans as loan_services
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.savings.conftest import JOINED, member

pytestmark = pytest.mark.django_db
D = Decimal
YEAR_END = date(2025, 12, 31)
YEAR = reports.Period(date(2025, 1, 1), YEAR_END)


def _pay_pledges(saver, by, amount, months):
    for month in range(months):
        services.pledge_pay(
            saver=saver, amount=D(amount), on=JOINED + relativedelta(months=month), by=by
        )


def _loan(saver, amount, guarantors, *, by, decider):
    loan = loan_services.loan_apply(
        saver=saver,
        loan_type=LoanType.objects.get(code="ordinary"),
        amount=D(amount),
        term_months=12,
        purpose="ซื้อวัตถุดิบทอผ้า",
        guarantors=guarantors,
        applied_on=date(2025, 9, 15),
        by=by,
    )
    loan_services.loan_decide(loan=loan, approve=True, by=decider, meeting_number="9/2568")
    return loan_services.loan_disburse(
        loan=loan, on=date(2025, 9, 20), first_due_on=date(2025, 10, 20), by=by
    )


def build_history(by, decider) -> SimpleNamespace:
    """The history of the module's docstring."""
    woman, man = {"sex": Sex.FEMALE, "title": Title.MRS}, {"sex": Sex.MALE, "title": Title.MR}
    a = member(by, units=2, **woman)
    b = member(by, units=4, **man)
    c = member(by, units=4, sex=Sex.UNSPECIFIED, title=Title.MRS)
    e = member(by, units=4, district=OTHER_DISTRICT, **man)
    f = member(by, units=1, district=OTHER_DISTRICT, **woman)
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("30000"),
        on=JOINED,
        by=by,
        memo="เงินอุดหนุนจาก พช.",
    )
    for saver, amount in ((a, 100), (b, 200), (c, 200), (e, 200)):
        _pay_pledges(saver, by, amount, 8)
    _pay_pledges(f, by, 50, 3)
    joined_d = date(2025, 8, 5)
    d = member(
        by,
        units=2,
        joined=joined_d,
        district=OTHER_DISTRICT,
        sex=Sex.UNSPECIFIED,
        title=Title.MISS,
    )
    services.pledge_pay(saver=d, amount=D("100"), on=joined_d, by=by)
    services.deposit(saver=d, amount=D("1000"), on=joined_d, by=by)
    loan_a = _loan(a, "2400", [b, c], by=by, decider=decider)
    loan_e = _loan(e, "1200", [], by=by, decider=decider)
    loan_services.loan_repay(loan=loan_a, amount=D("224"), on=date(2025, 10, 20), by=by)
    services.withdraw(saver=d, amount=D("300"), on=date(2025, 10, 10), by=by)
    for day, amount in ((date(2025, 10, 20), "112"), (date(2025, 11, 20), "111")):
        loan_services.loan_repay(loan=loan_e, amount=D(amount), on=day, by=by)
    services.transfer(
        source=services.account(Role.CASH),
        target=Account.objects.get(code="1111"),
        amount=D("20000"),
        on=date(2025, 11, 1),
        by=by,
        memo="นำเงินฝากธนาคาร",
    )
    leaving.saver_leave(
        saver=f, status=SaverStatus.RESIGNED, on=date(2025, 11, 15), reason="ย้ายถิ่น", by=by
    )
    services.expense(
        expense_account=Account.objects.get(code="5202"),
        amount=D("350"),
        on=date(2025, 12, 5),
        by=by,
        memo="ค่าแบบพิมพ์ใบเสร็จ",
    )
    loan_services.loan_repay(loan=loan_e, amount=D("110"), on=date(2025, 12, 20), by=by)
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, loan_a=loan_a, loan_e=loan_e)


@pytest.fixture
def history(treasurer, approver):
    return build_history(treasurer, approver)


def _codes(lines) -> dict[str, Decimal]:
    return {line.code: line.amount for line in lines}


# --- Loan aging -------------------------------------------------------------------------------


def _cells(line) -> dict[str, tuple[int, Decimal]]:
    return {bucket: (cell.loans, cell.principal) for bucket, cell in line.buckets if cell.loans}


def test_loan_aging_puts_each_loan_in_its_bucket_per_district_and_in_total(history, treasurer):
    aging = reports.loan_aging(YEAR_END, treasurer)
    assert [line.district.code for line in aging.lines] == [OWN_DISTRICT, OTHER_DISTRICT]
    own, other = aging.lines
    # A: the 20 Nov instalment is unpaid 41 days later
    assert _cells(own) == {"31-60": (1, D("2200.00"))}
    assert _cells(other) == {"current": (1, D("900.00"))}
    assert _cells(aging.total) == {"current": (1, D("900.00")), "31-60": (1, D("2200.00"))}
    assert (aging.total.loans, aging.total.principal) == (2, D("3100.00"))
    assert aging.total.overdue_principal == D("2200.00")
    [overdue] = aging.overdue
    assert overdue.loan == history.loan_a
    assert overdue.state.days_overdue == 41
    # principal 2,200, interest of 20 Nov and 20 Dec (22 + 22), two fines of 20
    assert overdue.state.payoff == D("2284.00")


def test_loan_aging_takes_the_loans_as_they_stood_on_the_day(history, treasurer):
    aging = reports.loan_aging(date(2025, 11, 30), treasurer)
    assert _cells(aging.total) == {"current": (1, D("1000.00")), "1-30": (1, D("2200.00"))}
    before = reports.loan_aging(date(2025, 9, 19), treasurer)
    assert before.lines == [] and before.total.loans == 0


def test_loan_aging_lists_only_the_readers_districts_borrowers(
    history, district_treasurer, other_district_treasurer
):
    assert [row.loan for row in reports.loan_aging(YEAR_END, district_treasurer).overdue] == [
        history.loan_a
    ]
    other = reports.loan_aging(YEAR_END, other_district_treasurer)
    assert other.overdue == []
    assert other.total.principal == D("3100.00")  # the group's figures stay whole


# --- Cash book --------------------------------------------------------------------------------


def test_the_cash_book_carries_each_account_from_its_opening_balance(history):
    book = reports.cash_book(reports.Period(date(2025, 11, 1), YEAR_END))
    by_code = {b.account.code: b for b in book.books}
    assert list(by_code) == ["1101", "1102", "1111"]
    cash = by_code["1101"]
    assert cash.opening == D("33406.00")
    assert [(m.entry.on.day, m.money_in, m.money_out, m.balance) for m in cash.movements] == [
        (1, D("0"), D("20000.00"), D("13406.00")),
        (15, D("0"), D("150.00"), D("13256.00")),
        (20, D("111.00"), D("0"), D("13367.00")),
        (5, D("0"), D("350.00"), D("13017.00")),
        (20, D("110.00"), D("0"), D("13127.00")),
    ]
    assert (cash.money_in, cash.money_out, cash.closing) == (
        D("221.00"),
        D("20500.00"),
        D("13127.00"),
    )
    bank = by_code["1111"]
    assert (bank.opening, bank.money_in, bank.closing) == (D("0"), D("20000.00"), D("20000.00"))
    assert by_code["1102"].movements == [] and by_code["1102"].closing == D("0")
    assert (book.opening, book.closing) == (D("33406.00"), D("33127.00"))


def test_the_cash_book_names_the_document_of_each_movement(history):
    book = reports.cash_book(reports.Period(date(2025, 12, 1), YEAR_END))
    cash = book.books[0]
    expense, repayment = cash.movements
    assert expense.entry.document_number.startswith("PV")
    assert expense.description == "ค่าแบบพิมพ์ใบเสร็จ"
    assert repayment.entry.document_number.startswith("RC")


# --- Trial balance, balance sheet, income statement -------------------------------------------


def test_the_trial_balance_gives_every_accounts_totals_and_balances(history):
    trial = reports.trial_balance(YEAR_END)
    rows = {row.account.code: row for row in trial.rows}
    assert (rows["1101"].debit, rows["1101"].credit) == (D("37527.00"), D("24400.00"))
    assert rows["1101"].debit_balance == D("13127.00")
    assert (rows["1201"].debit, rows["1201"].credit, rows["1201"].balance) == (
        D("3600.00"),
        D("500.00"),
        D("3100.00"),
    )
    assert rows["3101"].credit_balance == D("5700.00")
    assert rows["2101"].credit_balance == D("700.00")
    assert rows["4101"].credit_balance == D("57.00")
    assert rows["4102"].credit_balance == D("0")  # the fines are owed, not paid
    assert rows["5202"].debit_balance == D("350.00")
    assert trial.debit == trial.credit == D("61927.00")
    assert trial.debit_balance == trial.credit_balance == D("36577.00")
    assert trial.balances


def test_the_balance_sheet_balances_with_the_profit_not_yet_closed(history):
    sheet = reports.balance_sheet(YEAR_END)
    assert _codes(sheet.assets) == {
        "1101": D("13127.00"),
        "1102": D("0"),
        "1111": D("20000.00"),
        "1201": D("3100.00"),
    }
    assert _codes(sheet.liabilities)["2101"] == D("700.00")
    assert sheet.total_liabilities == D("700.00")
    equity = _codes(sheet.equity)
    assert (equity["3101"], equity["3201"], equity[""]) == (D("5700.00"), D("0"), D("29827.00"))
    assert sheet.total_assets == sheet.liabilities_and_equity == D("36227.00")
    assert sheet.balances


def test_the_income_statement_gives_the_years_net_profit(history):
    statement = reports.income_statement(YEAR)
    assert _codes(statement.income) == {
        "4101": D("57.00"),
        "4102": D("0"),
        "4103": D("120.00"),
        "4109": D("30000.00"),
    }
    assert _codes(statement.expenses)["5202"] == D("350.00")
    assert (statement.total_income, statement.total_expenses) == (D("30177.00"), D("350.00"))
    assert statement.net_profit == D("29827.00")
    from savings.services.yearend import net_profit

    assert statement.net_profit == net_profit(YEAR.start, YEAR.end)


def test_the_income_statement_of_a_part_of_the_year(history):
    statement = reports.income_statement(reports.Period(date(2025, 11, 1), YEAR_END))
    assert statement.total_income == D("21.00")  # E's interest of 20 Nov and 20 Dec
    assert statement.net_profit == D("-329.00")


def test_the_year_so_far_starts_with_the_accounting_year():
    assert reports.year_so_far(date(2026, 11, 24)) == reports.Period(
        date(2026, 1, 1), date(2026, 11, 24)
    )


# --- The quarterly summary for the CDD office -------------------------------------------------


def test_the_quarter_is_a_calendar_quarter_named_in_be():
    quarter = reports.Quarter(2025, 4)
    assert (quarter.start, quarter.end, quarter.year_be) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        2568,
    )
    assert reports.Quarter.last_ended(date(2026, 11, 24)) == reports.Quarter(2026, 3)
    assert reports.Quarter.last_ended(date(2026, 2, 1)) == reports.Quarter(2025, 4)
    assert quarter.twelve_months == reports.Period(date(2025, 1, 1), YEAR_END)


def _figures(line) -> tuple:
    return (line.members, line.women, line.joined, line.left, line.pledged, line.deposits)


def test_the_cdd_summary_counts_members_savings_and_loans_per_district(history):
    summary = reports.cdd_quarterly(reports.Quarter(2025, 4))
    own, other = summary.lines
    assert (own.district.code, other.district.code) == (OWN_DISTRICT, OTHER_DISTRICT)
    # A (woman), B (man), C (นาง, sex not recorded); E (man), D (นางสาว); F left in Nov
    assert _figures(own) == (3, 2, 0, 0, D("4000.00"), D("0"))
    assert _figures(other) == (2, 1, 0, 1, D("1700.00"), D("700.00"))
    assert _figures(summary.total) == (5, 3, 0, 1, D("5700.00"), D("700.00"))
    assert (own.loans, own.principal, own.portfolio_at_risk) == (1, D("2200.00"), D("100.00"))
    assert (other.loans, other.principal, other.portfolio_at_risk) == (1, D("900.00"), D("0.00"))
    total = summary.total
    assert (total.loans, total.principal, total.principal_at_risk) == (
        2,
        D("3100.00"),
        D("2200.00"),
    )
    assert total.portfolio_at_risk == D("70.97")  # 2,200 / 3,100


def test_the_cdd_summary_gives_the_groups_return_on_assets(history):
    summary = reports.cdd_quarterly(reports.Quarter(2025, 4))
    assert summary.net_profit == D("29827.00")
    assert (summary.assets_start, summary.assets_end) == (D("0"), D("36227.00"))
    assert summary.average_assets == D("18113.50")
    assert summary.total.return_on_assets == D("164.67")  # 29,827 / 18,113.50
    assert all(line.return_on_assets is None for line in summary.lines)


def test_the_cdd_summary_counts_who_joined_in_the_quarter(history):
    summary = reports.cdd_quarterly(reports.Quarter(2025, 3))
    own, other = summary.lines
    assert _figures(other)[:4] == (3, 2, 1, 0)  # E, F, D; D admitted on 5 Aug
    assert own.loans == 1 and own.portfolio_at_risk == D("0.00")  # nothing due yet
    assert summary.total.joined == 1


def test_an_empty_quarter_has_no_ratios(db):
    summary = reports.cdd_quarterly(reports.Quarter(2024, 1))
    assert summary.lines == []
    assert summary.total.portfolio_at_risk is None
    assert summary.total.return_on_assets is None
