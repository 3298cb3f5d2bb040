"""The group's reports: loan aging, the cash book, the trial balance, the balance
sheet, the income statement and the quarterly summary for the provincial CDD office,
each on screen and as CSV/XLSX with the same figures (savings/reports.py builds both).

Those who may see the group's books read them (`may_see_books`): provincial staff,
network officers and the committee; others get 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from otop_portal.lib.exports import Column, Export, export_response
from otop_portal.lib.replica import reads_from_replica
from otop_portal.lib.thaidate import BE_OFFSET, BEDateField, BEDateInput
from savings import permissions, reports

LONGEST_PERIOD_DAYS = 366 * 5
LONGEST_CASH_BOOK_DAYS = 366

# --- What the reader asks for -----------------------------------------------------------------


def _date_field(label) -> BEDateField:
    return BEDateField(label=label, required=False, widget=BEDateInput({"class": "form-control"}))


class AsOfForm(forms.Form):
    as_of = _date_field(gettext_lazy("As of"))

    def value(self, today: date) -> date:
        if self.is_bound and self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return today


class PeriodForm(forms.Form):
    start = _date_field(gettext_lazy("From"))
    end = _date_field(gettext_lazy("To"))
    longest_days = LONGEST_PERIOD_DAYS

    def __init__(self, *args, default: reports.Period, **kwargs):
        super().__init__(*args, initial={"start": default.start, "end": default.end}, **kwargs)
        self.default = default

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default.start
        end = data.get("end") or self.default.end
        if start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if (end - start).days >= self.longest_days:
            raise forms.ValidationError(
                _("Choose a period of at most %(days)s days.") % {"days": self.longest_days}
            )
        data["period"] = reports.Period(start, end)
        return data

    def value(self, today: date) -> reports.Period:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return self.default


class CashBookPeriodForm(PeriodForm):
    longest_days = LONGEST_CASH_BOOK_DAYS


QUARTERS = [
    (1, gettext_lazy("1 (January–March)")),
    (2, gettext_lazy("2 (April–June)")),
    (3, gettext_lazy("3 (July–September)")),
    (4, gettext_lazy("4 (October–December)")),
]


class QuarterForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year (B.E.)"),
        min_value=2500,
        max_value=2700,
        required=False,
        widget=forms.NumberInput({"class": "form-control", "inputmode": "numeric"}),
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Calendar quarter"),
        choices=QUARTERS,
        coerce=int,
        required=False,
        widget=forms.Select({"class": "form-select"}),
    )

    def __init__(self, *args, default: reports.Quarter, **kwargs):
        initial = {"year": default.year_be, "quarter": default.number}
        super().__init__(*args, initial=initial, **kwargs)
        self.default = default

    def value(self, today: date) -> reports.Quarter:
        if not (self.is_bound and self.is_valid()):
            return self.default
        year = self.cleaned_data["year"] or self.default.year_be
        number = self.cleaned_data["quarter"] or self.default.number
        return reports.Quarter(year - BE_OFFSET, number)


def _as_of_form(request, today):
    return AsOfForm(request.GET or None, initial={"as_of": today})


def _cash_book_form(request, today):
    month_so_far = reports.Period(today.replace(day=1), today)
    return CashBookPeriodForm(request.GET or None, default=month_so_far)


def _year_form(request, today):
    return PeriodForm(request.GET or None, default=reports.year_so_far(today))


def _quarter_form(request, today):
    return QuarterForm(request.GET or None, default=reports.Quarter.last_ended(today))


# --- The exports ------------------------------------------------------------------------------


def _district_name(line) -> str:
    return line.district.name if line.district else str(_("All districts"))


def aging_export(data: reports.LoanAging) -> Export:
    columns = [Column(gettext_lazy("District"), _district_name)]
    for bucket, label in reports.BUCKET_LABELS.items():
        columns += [
            Column(
                format_lazy("{}: {}", label, gettext_lazy("number of loans")),
                lambda line, b=bucket: line.cells[b].loans,
                "int",
            ),
            Column(
                format_lazy("{}: {}", label, gettext_lazy("principal outstanding")),
                lambda line, b=bucket: line.cells[b].principal,
                "decimal",
            ),
        ]
    columns += [
        Column(gettext_lazy("All loans"), lambda line: line.loans, "int"),
        Column(gettext_lazy("Principal outstanding"), lambda line: line.principal, "decimal"),
        Column(gettext_lazy("Of which overdue"), lambda line: line.overdue_principal, "decimal"),
    ]
    return Export(f"savings-loan-aging-{_stamp(data.as_of)}", columns, [*data.lines, data.total])


@dataclass(frozen=True)
class CashRow:
    account: str
    on: date
    number: str
    document: str
    memo: str
    money_in: object
    money_out: object
    balance: object


def cash_rows(data: reports.CashBook) -> list[CashRow]:
    """The cash book as the file lists it: per account, the balance brought forward,
    the movements and the balance carried forward."""
    rows = []
    for book in data.books:
        label = str(book.account)
        start = data.period.start
        rows.append(CashRow(label, start, "", "", _("Brought forward"), None, None, book.opening))
        for move in book.movements:
            entry = move.entry
            rows.append(
                CashRow(
                    label,
                    entry.on,
                    entry.number,
                    entry.document_number,
                    move.description,
                    move.money_in or None,
                    move.money_out or None,
                    move.balance,
                )
            )
        rows.append(
            CashRow(
                label,
                data.period.end,
                "",
                "",
                _("Carried forward"),
                book.money_in,
                book.money_out,
                book.closing,
            )
        )
    return rows


def cash_book_export(data: reports.CashBook) -> Export:
    columns = [
        Column(gettext_lazy("Account"), lambda row: row.account),
        Column(gettext_lazy("Date"), lambda row: row.on, "date"),
        Column(gettext_lazy("Entry number"), lambda row: row.number),
        Column(gettext_lazy("Document number"), lambda row: row.document),
        Column(gettext_lazy("Description"), lambda row: row.memo),
        Column(gettext_lazy("Money in"), lambda row: row.money_in, "decimal"),
        Column(gettext_lazy("Money out"), lambda row: row.money_out, "decimal"),
        Column(gettext_lazy("Balance"), lambda row: row.balance, "decimal"),
    ]
    name = f"savings-cash-book-{_stamp(data.period.start)}-{_stamp(data.period.end)}"
    return Export(name, columns, cash_rows(data))


def trial_balance_export(data: reports.TrialBalance) -> Export:
    total = reports.AccountTotals(None, data.debit, data.credit)
    columns = [
        Column(gettext_lazy("Code"), lambda row: row.account.code if row.account else ""),
        Column(
            gettext_lazy("Account"),
            lambda row: row.account.label if row.account else _("Total"),
        ),
        Column(gettext_lazy("Debits"), lambda row: row.debit, "decimal"),
        Column(gettext_lazy("Credits"), lambda row: row.credit, "decimal"),
        Column(
            gettext_lazy("Debit balance"),
            lambda row: row.debit_balance if row.account else data.debit_balance,
            "decimal",
        ),
        Column(
            gettext_lazy("Credit balance"),
            lambda row: row.credit_balance if row.account else data.credit_balance,
            "decimal",
        ),
    ]
    return Export(f"savings-trial-balance-{_stamp(data.as_of)}", columns, [*data.rows, total])


@dataclass(frozen=True)
class StatementRow:
    section: str
    code: str
    label: str
    amount: object


def _statement_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Section"), lambda row: row.section),
        Column(gettext_lazy("Code"), lambda row: row.code),
        Column(gettext_lazy("Item"), lambda row: row.label),
        Column(gettext_lazy("Amount"), lambda row: row.amount, "decimal"),
    ]


def _section(title, lines, total_label, total) -> list[StatementRow]:
    rows = [StatementRow(str(title), line.code, line.label, line.amount) for line in lines]
    return [*rows, StatementRow(str(title), "", str(total_label), total)]


def balance_sheet_rows(data: reports.BalanceSheet) -> list[StatementRow]:
    return [
        *_section(_("Assets"), data.assets, _("Total assets"), data.total_assets),
        *_section(
            _("Liabilities"), data.liabilities, _("Total liabilities"), data.total_liabilities
        ),
        *_section(_("Equity"), data.equity, _("Total equity"), data.total_equity),
        StatementRow("", "", _("Total liabilities and equity"), data.liabilities_and_equity),
    ]


def balance_sheet_export(data: reports.BalanceSheet) -> Export:
    return Export(
        f"savings-balance-sheet-{_stamp(data.as_of)}",
        _statement_columns(),
        balance_sheet_rows(data),
    )


def income_statement_rows(data: reports.IncomeStatement) -> list[StatementRow]:
    return [
        *_section(_("Income"), data.income, _("Total income"), data.total_income),
        *_section(_("Expenses"), data.expenses, _("Total expenses"), data.total_expenses),
        StatementRow("", "", _("Net profit (loss)"), data.net_profit),
    ]


def income_statement_export(data: reports.IncomeStatement) -> Export:
    name = f"savings-income-statement-{_stamp(data.period.start)}-{_stamp(data.period.end)}"
    return Export(name, _statement_columns(), income_statement_rows(data))


def cdd_export(data: reports.CddQuarterly) -> Export:
    def whole(value):
        return lambda line: value if line.district is None else None

    columns = [
        Column(gettext_lazy("District"), _district_name),
        Column(gettext_lazy("Members at the quarter's end"), lambda line: line.members, "int"),
        Column(gettext_lazy("Women"), lambda line: line.women, "int"),
        Column(gettext_lazy("Admitted in the quarter"), lambda line: line.joined, "int"),
        Column(gettext_lazy("Left in the quarter"), lambda line: line.left, "int"),
        Column(gettext_lazy("Pledged savings"), lambda line: line.pledged, "decimal"),
        Column(gettext_lazy("Deposits"), lambda line: line.deposits, "decimal"),
        Column(gettext_lazy("Loans outstanding"), lambda line: line.loans, "int"),
        Column(gettext_lazy("Principal outstanding"), lambda line: line.principal, "decimal"),
        Column(
            gettext_lazy("Principal over 30 days overdue"),
            lambda line: line.principal_at_risk,
            "decimal",
        ),
        Column(
            gettext_lazy("Portfolio at risk over 30 days, %"),
            lambda line: line.portfolio_at_risk,
            "decimal",
        ),
        Column(gettext_lazy("Net profit of the last 12 months"), whole(data.net_profit), "decimal"),
        Column(gettext_lazy("Average total assets"), whole(data.average_assets), "decimal"),
        Column(gettext_lazy("Return on assets, %"), lambda line: line.return_on_assets, "decimal"),
    ]
    quarter = data.quarter
    name = f"savings-cdd-quarterly-{quarter.year_be}-q{quarter.number}"
    return Export(name, columns, [*data.lines, data.total])


def _stamp(day: date) -> str:
    return f"{day.year + BE_OFFSET}{day.month:02d}{day.day:02d}"


# --- The reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    title: object
    summary: object
    form: Callable  # (request, today) -> the form asking for the date, period or quarter
    build: Callable  # (value of the form, request) -> the report's data
    export: Callable  # (data) -> Export


REPORTS = {
    "loan_aging": Report(
        gettext_lazy("Loan aging"),
        gettext_lazy(
            "Loans owing on a day by days overdue, counted and summed per district; "
            "the overdue loans of your district listed."
        ),
        _as_of_form,
        lambda as_of, request: reports.loan_aging(as_of, request.user),
        aging_export,
    ),
    "cash_book": Report(
        gettext_lazy("Cash book"),
        gettext_lazy(
            "Cash, collectors' cash and each bank account: brought forward, every "
            "movement with its running balance, carried forward."
        ),
        _cash_book_form,
        lambda period, request: reports.cash_book(period),
        cash_book_export,
    ),
    "trial_balance": Report(
        gettext_lazy("Trial balance"),
        gettext_lazy("Every account's debits, credits and balance on a day."),
        _as_of_form,
        lambda as_of, request: reports.trial_balance(as_of),
        trial_balance_export,
    ),
    "balance_sheet": Report(
        gettext_lazy("Balance sheet"),
        gettext_lazy("What the group owns, what it owes and its own funds on a day."),
        _as_of_form,
        lambda as_of, request: reports.balance_sheet(as_of),
        balance_sheet_export,
    ),
    "income_statement": Report(
        gettext_lazy("Income statement"),
        gettext_lazy("Income and expenses of a period and the net profit."),
        _year_form,
        lambda period, request: reports.income_statement(period),
        income_statement_export,
    ),
    "cdd_quarterly": Report(
        gettext_lazy("Quarterly summary for the CDD office"),
        gettext_lazy(
            "Members, savings, loans, portfolio at risk and return on assets of a "
            "calendar quarter, per district."
        ),
        _quarter_form,
        lambda quarter, request: reports.cdd_quarterly(quarter),
        cdd_export,
    ),
}


def _report(request, kind: str) -> Report:
    if not permissions.may_see_books(request.user):
        raise PermissionDenied
    if kind not in REPORTS:
        raise Http404
    return REPORTS[kind]


def _build(request, spec: Report):
    today = timezone.localdate()
    form = spec.form(request, today)
    value = form.value(today)
    return form, value, spec.build(value, request)


@require_safe
def report_index(request):
    if not permissions.may_see_books(request.user):
        raise PermissionDenied
    return render(request, "savings/reports/index.html", {"reports": REPORTS})


@require_safe
def report(request, kind):
    spec = _report(request, kind)
    form, value, data = _build(request, spec)
    context = {
        "kind": kind,
        "spec": spec,
        "reports": REPORTS,
        "form": form,
        "value": value,
        "data": data,
        "query": request.GET.urlencode(),
        "bucket_labels": reports.BUCKET_LABELS.items(),
    }
    return render(request, f"savings/reports/{kind}.html", context)


@require_safe
@reads_from_replica  # a heavy export: the replica, when there is one
def report_export(request, kind, fmt):
    spec = _report(request, kind)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, _value, data = _build(request, spec)
    return export_response(request, spec.export(data), fmt)
