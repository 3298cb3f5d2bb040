"""Permission-matrix rows of the savings group's reports: those who may see the
group's books read them (staff, network officers, the committee); a district member
without a committee function gets 403."""

from tests.matrix import LOGIN, Row, logged_in

KINDS = (
    "loan_aging",
    "cash_book",
    "trial_balance",
    "balance_sheet",
    "income_statement",
    "cdd_quarterly",
)

BOOKS = {
    "anonymous": LOGIN,
    "district_member": 403,
    "other_district_member": 403,
    "officer": 200,
    "staff": 200,
}

ROWS: dict = {
    "savings:reports": Row(get=BOOKS, post=logged_in(405)),
    "savings:report": [
        Row(get=BOOKS, post=logged_in(405), kwargs={"kind": kind}) for kind in KINDS
    ],
    "savings:report_export": [
        Row(get=BOOKS, post=logged_in(405), kwargs={"kind": kind, "fmt": fmt})
        for kind in KINDS
        for fmt in ("csv", "xlsx")
    ],
}
