"""Permission-matrix rows of the savings loans pages.

Loans belong to the borrower's district: every login reads their district's (officers
and staff all); recording (applications, withdrawals, repayments, pay-outs) is for
the treasurer function and staff; deciding and changing guarantors for the loan
committee and staff. The matrix personas hold no savings function, so only staff act.
"""

from datetime import date
from decimal import Decimal

from tests.conftest import OWN_DISTRICT
from tests.matrix import Row, district_object, logged_in, staff_only
from tests.savings.builders import JOINED, committee


def _months_since_joining(today: date) -> int:
    return (today.year - JOINED.year) * 12 + today.month - JOINED.month + 1


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def paid_up_member(*, units=2, district=OWN_DISTRICT, on=None):
    """A member since JOINED who has paid, on `on` (today), every month's pledge
    through this month."""
    from savings import services
    from tests.savings.conftest import member

    by = committee()
    saver = member(by, units=units, district=district)
    amount = Decimal(50 * units * _months_since_joining(_today()))
    services.pledge_pay(saver=saver, amount=amount, on=on or _today(), by=by)
    return saver


def group_cash(amount=Decimal("100000"), on=None):
    """Money in the cash box (a grant), so that the group can lend."""
    from savings import services
    from savings.models import Role

    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=amount,
        on=on or _today(),
        by=committee(),
        memo="เงินอุดหนุนจาก พช.",
    )


def applied_loan(*, guarantors=0, amount=None, district=OWN_DISTRICT, on=None, cash=True):
    """An application of a paid-up member of `district`, recorded by the treasurer
    on `on` (today); with guarantors it is above the limit without them."""
    from savings.models import LoanType
    from savings.services import loans

    on = on or _today()
    if cash:
        group_cash(on=on)
    borrower = paid_up_member(district=district, on=on)
    backers = [paid_up_member(district=district, on=on) for _ in range(guarantors)]
    default = Decimal("3000") if guarantors else Decimal("1000")
    return loans.loan_apply(
        saver=borrower,
        loan_type=LoanType.objects.get(code="ordinary"),
        amount=amount or default,
        term_months=5,
        purpose="ซื้อเส้นด้ายทอผ้า",
        guarantors=backers,
        applied_on=on,
        by=committee(),
    )


def decider():
    """A second committee member (provincial staff), who decides loans."""
    from members.models import User
    from tests.factories import UserFactory

    found = User.objects.filter(username="matrix-decider").first()
    return found or UserFactory(staff=True, username="matrix-decider")


def approved_loan(**kwargs):
    from savings.services import loans

    loan = applied_loan(**kwargs)
    return loans.loan_decide(loan=loan, approve=True, by=decider(), meeting_number="1/2569")


def active_loan(**kwargs):
    """A loan paid out on the day it was applied for (`on`, today by default), its
    first instalment a month later."""
    from dateutil.relativedelta import relativedelta

    from savings.services import loans

    loan = approved_loan(**kwargs)
    on = kwargs.get("on") or _today()
    return loans.loan_disburse(
        loan=loan, on=on, first_due_on=on + relativedelta(months=1), by=committee()
    )


def loan(request) -> dict:
    return {"pk": applied_loan().pk}


def approved(request) -> dict:
    return {"pk": approved_loan().pk}


def active(request) -> dict:
    return {"pk": active_loan(guarantors=2).pk}


def guarantee(request) -> dict:
    return {"pk": applied_loan(guarantors=2).guarantees.first().pk}


def acting(outcome=200):
    """Pages that act on a loan (recording or deciding): only staff among the personas
    (the others hold no savings function); another district does not see the loan."""
    return {**district_object(403), "staff": outcome}


ROWS = {
    "savings:loan_list": Row(get=logged_in(200), post=logged_in(405)),
    "savings:loan_export": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": "csv"}),
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": "xlsx"}),
    ],
    "savings:loan_apply": Row(get=staff_only(), post=staff_only()),
    "savings:loan_detail": Row(get=district_object(), post=logged_in(405), kwargs=active),
    "savings:loan_decide": Row(
        get=acting(),
        post=acting(302),
        kwargs=loan,
        data={"decision": "approve", "meeting_number": "2/2569"},
    ),
    "savings:loan_withdraw": Row(
        get=acting(),
        post=acting(302),
        kwargs=loan,
        data={"note": "ผู้กู้ไม่ต้องการกู้แล้ว"},
    ),
    "savings:loan_disburse": Row(get=acting(), post=acting(), kwargs=approved),
    "savings:loan_repay": Row(get=acting(), post=acting(), kwargs=active),
    "savings:loan_contract": Row(get=district_object(), post=logged_in(405), kwargs=active),
    "savings:guarantee_replace": Row(get=acting(), post=acting(), kwargs=guarantee),
    "savings:guarantee_form": Row(get=district_object(), post=logged_in(405), kwargs=guarantee),
}
