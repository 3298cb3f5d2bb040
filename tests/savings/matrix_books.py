"""Permission-matrix rows of the group's books pages.

The books are the group's, province-wide, so no page answers 404 for another
district: those who may see the books (staff, network officers, committee members)
read them, other district members get 403. Group bookkeeping, deciding reversals,
closing and the year end are for the functions the services name; in the matrix only
provincial staff hold them (the officer persona holds no function).
"""

from tests.matrix import LOGIN, Row, logged_in, staff_only


def books_reader(outcome=200):
    return {
        "anonymous": LOGIN,
        "district_member": 403,
        "other_district_member": 403,
        "officer": outcome,
        "staff": outcome,
    }


def entry(request) -> dict:
    """A posted entry of the group (an own-district member's pledged savings)."""
    from savings.models import EntryKind, JournalEntry
    from tests.savings.builders import admitted_saver

    saver = admitted_saver()
    found = JournalEntry.objects.filter(lines__saver=saver, kind=EntryKind.PLEDGE).first()
    return {"pk": found.pk}


def reversal(request) -> dict:
    """A request to reverse an entry, asked by the group's treasurer."""
    from savings import services
    from savings.models import JournalEntry
    from tests.savings.builders import committee

    asked = services.reversal_request(
        entry=JournalEntry.objects.get(pk=entry(request)["pk"]),
        reason="บันทึกซ้ำ",
        by=committee(),
    )
    return {"pk": asked.pk}


def allocation(request) -> dict:
    """A draft allocation of the year 2568 (a year without profit)."""
    from datetime import date
    from decimal import Decimal

    from savings.models import AllocationRun
    from savings.services import policy_on
    from tests.savings.builders import committee

    zero = Decimal("0.00")
    run = AllocationRun.objects.create(
        year_start=date(2025, 1, 1),
        year_end=date(2025, 12, 31),
        policy=policy_on(date(2025, 12, 31)),
        net_profit=zero,
        dividend=zero,
        refund=zero,
        reserve=zero,
        welfare=zero,
        committee=zero,
        network=zero,
        prepared_by=committee(),
    )
    return {"pk": run.pk}


def allocation_file(fmt):
    return lambda request: {**allocation(request), "fmt": fmt}


# GET and POST of a keeper's form: staff only; a POST without data shows the form again.
KEEPER_FORM = {"get": staff_only(), "post": staff_only()}

ROWS: dict = {
    "savings:journal": Row(get=books_reader(), post=logged_in(405)),
    "savings:journal_export": [
        Row(get=books_reader(), post=logged_in(405), kwargs={"fmt": fmt}) for fmt in ("csv", "xlsx")
    ],
    "savings:entry_detail": Row(get=books_reader(), post=logged_in(405), kwargs=entry),
    "savings:expense": Row(**KEEPER_FORM),
    "savings:income": Row(**KEEPER_FORM),
    "savings:transfer": Row(**KEEPER_FORM),
    "savings:reversal_request": Row(**KEEPER_FORM, kwargs=entry),
    "savings:reversal_list": Row(get=books_reader(), post=logged_in(405)),
    "savings:reversal_decide": Row(**KEEPER_FORM, kwargs=reversal),
    # every reader sees the month to close; only the audit committee (staff here) closes
    "savings:month_close": Row(get=books_reader(), post={**books_reader(403), "staff": 200}),
    "savings:interest": Row(**KEEPER_FORM),
    "savings:year_list": Row(get=books_reader(), post=logged_in(405)),
    "savings:allocation_new": Row(get=logged_in(405), post=staff_only(302)),
    "savings:allocation_detail": Row(get=books_reader(), post=logged_in(405), kwargs=allocation),
    "savings:allocation_approve": Row(get=logged_in(405), post=staff_only(), kwargs=allocation),
    "savings:allocation_post": Row(get=logged_in(405), post=staff_only(), kwargs=allocation),
    "savings:allocation_export": [
        Row(get=books_reader(), post=logged_in(405), kwargs=allocation_file("csv")),
        Row(get=books_reader(), post=logged_in(405), kwargs=allocation_file("xlsx")),
    ],
    "savings:policy": Row(get=logged_in(200), post=logged_in(405)),
}
